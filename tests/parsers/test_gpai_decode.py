"""gpai's decode reads a UTF-8 page and skips `clean_text` when the bytes show nothing for it to strip
(`base.utf8_clean`), and its parsers then parse the tree from those very bytes (`gpai._page`): the text must be
`clean_text` of the decoded page for every stripped character raw, as an HTML reference or a JSON escape, and for any
byte put into a clean page; the records must be those read from the cleaned text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from crawlers.parsers import gpai
from crawlers.parsers.base import _STRIPPED_CHARS, clean_text, utf8_clean

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
PAGES = sorted([*GOLDEN.glob("gpai/*/input.html"), *GOLDEN.glob("real/gpai/*/input.html")])
LIST = GOLDEN / "gpai" / "list_upcoming_houses_page0" / "input.html"
URL = "http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate=1&at=376"
AT = datetime(2026, 11, 20)


def _slow(body: bytes) -> str:
    """What decode gave before: the page read as UTF-8 (bad bytes replaced), then `clean_text`."""
    return clean_text(body.decode("utf-8", "replace"))


def _parse(body: bytes | str) -> object:
    return gpai.parse_list(body, URL, AT)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.parent.name)
def test_a_page_whose_bytes_are_its_text_is_parsed_from_them(path):
    body = path.read_bytes()
    text, markup = gpai._page(body)
    assert text == gpai.decode(body) == _slow(body)
    assert markup is body  # (every saved page is clean UTF-8)
    assert markup == text.encode("utf-8")
    kind = gpai.page_kind(text)
    if kind in ("list", "detail"):
        parse = gpai.parse_list if kind == "list" else gpai.parse_detail
        assert parse(body, URL, AT) == parse(text, URL, AT)


def test_every_stripped_character_is_stripped_as_clean_text_strips_it():
    text = LIST.read_text(encoding="utf-8")
    at = text.index("【一拍】") + 4  # inside the first lot's title
    clean = _parse(text)
    for char in _STRIPPED_CHARS:
        for spelled in (char, f"&#{ord(char)};", f"&#x{ord(char):x};", f"\\u{ord(char):04x}"):
            dirty = (text[:at] + spelled + text[at:]).encode("utf-8")
            decoded = dirty.decode("utf-8")
            exact = utf8_clean(dirty, decoded)
            assert exact == (clean_text(decoded) == decoded), (hex(ord(char)), spelled)  # (&#128;-&#159; are kept)
            got = gpai.decode(dirty)
            assert got == _slow(dirty), (hex(ord(char)), spelled)
            assert gpai._page(dirty) == (got, dirty if exact else got)
            assert _parse(dirty) == _parse(got), (hex(ord(char)), spelled)
            if spelled == char:
                assert _parse(dirty) == clean, hex(ord(char))


def test_any_byte_put_into_a_clean_page_is_read_as_clean_text_reads_it():
    """Each of the 256 bytes at the start, in the middle (inside a character's bytes too) and at the end: a byte that
    leaves valid UTF-8 with nothing to strip keeps the bytes path, any other is decoded and cleaned as before."""
    body = LIST.read_bytes()
    middle = body.index("【一拍】".encode()) + 1
    for byte in range(0x100):
        for at in (0, middle, len(body)):
            dirty = body[:at] + bytes([byte]) + body[at:]
            text, markup = gpai._page(dirty)
            assert text == gpai.decode(dirty) == _slow(dirty), (hex(byte), at)
            assert markup is dirty or markup is text, (hex(byte), at)
            if markup is dirty:
                assert dirty.decode("utf-8") == text, (hex(byte), at)
