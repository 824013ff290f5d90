"""The UTF-8 sources' shared page check (`base.utf8_text`: the exact text of valid UTF-8 and `base.utf8_clean`'s
verdict that `clean_text` would leave it as it is) as caa123 and cbex use it, and rmfysszc's check of a GB18030 page
(`base.bytes_clean` and the wide characters): each decode must give `clean_text` of the page read as before, a tree
may be parsed from the bytes only when they are exactly that text, and the records read from the bytes must be those
read from the cleaned text; for every stripped character in each spelling and for any byte put into a clean page."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.parsers import caa123, cbex, rmfysszc
from crawlers.parsers.base import _STRIPPED_CHARS, clean_text, utf8_text

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
AT = datetime(2026, 11, 20)


def _case(path: str) -> tuple[bytes, str]:
    folder = GOLDEN / path
    return next(folder.glob("input.*")).read_bytes(), json.loads((folder / "case.json").read_text())["url"]


CAA_LIST = _case("caa123/html_list_houses")
CAA_LOT = _case("caa123/html_lot_sold")
CAA_API = _case("caa123/api_list_first_page")
CBEX_DETAIL = _case("cbex/detail_package_amc")
RM_DETAIL_GB = _case("rmfysszc/detail_sold")


def _slow(body: bytes) -> str:
    """What each UTF-8 decode gave before: the page read as UTF-8 (a BOM dropped, bad bytes replaced), cleaned."""
    return clean_text(body.decode("utf-8-sig" if body.startswith(b"\xef\xbb\xbf") else "utf-8", errors="replace"))


def _records(parse, body: bytes | str, url: str) -> object:
    try:
        return parse(body, url, AT)
    except Exception as exc:  # noqa: BLE001 — a page the insertion breaks must break the same way from its text
        return f"{type(exc).__name__}: {exc}"


def _check(dirty: bytes, url: str, source: str) -> None:
    text, exact = utf8_text(dirty)
    if exact:
        assert dirty.decode("utf-8") == text == clean_text(text)
    if source == "caa123":
        assert caa123.decode(dirty) == _slow(dirty)
        markup = caa123._markup(dirty)
        assert markup is dirty if exact else markup == _slow(dirty)
        assert _records(caa123.parse_by_url, dirty, url) == _records(caa123.parse_by_url, _slow(dirty), url)
    else:
        page, same = cbex._decoded(dirty)
        assert page == cbex.decode(dirty) == _slow(dirty)
        assert same == exact
        assert _records(cbex.parse_detail, dirty, url) == _records(cbex.parse_detail, _slow(dirty), url)


PAGES = {"caa123 list": (CAA_LIST, "caa123"), "caa123 lot": (CAA_LOT, "caa123"), "caa123 api": (CAA_API, "caa123"),
         "cbex detail": (CBEX_DETAIL, "cbex")}


@pytest.mark.parametrize("name", PAGES)
def test_every_stripped_character_is_read_as_clean_text_reads_it(name):
    (body, url), source = PAGES[name]
    text = body.decode("utf-8")
    assert utf8_text(body) == (text, True)  # (the saved pages are clean UTF-8: their trees come from the bytes)
    at = text.index("<li") if "<li" in text else text.index("<table") if "<table" in text else text.index('"name":"') + 8
    for char in _STRIPPED_CHARS:
        for spelled in (char, f"&#{ord(char)};", f"&#x{ord(char):x};", f"\\u{ord(char):04x}"):
            dirty = (text[:at] + "x" + spelled + "y" + text[at:]).encode("utf-8")
            exact = utf8_text(dirty)[1]
            decoded = dirty.decode("utf-8")
            assert exact == (clean_text(decoded) == decoded), (name, hex(ord(char)), spelled)  # (&#128;… are kept)
            _check(dirty, url, source)


@pytest.mark.parametrize("name", PAGES)
def test_any_byte_put_into_a_clean_page_is_read_as_clean_text_reads_it(name):
    """Each of the 256 bytes at the start, inside a character's bytes and at the end, and a BOM: a page that stays
    valid UTF-8 with nothing to strip keeps the bytes path (a JSON answer: orjson reads the bytes), any other is
    decoded and cleaned as before."""
    (body, url), source = PAGES[name]
    middle = body.index("有限公司".encode() if source == "cbex" or b"<" not in body else "¥".encode()) + 1
    for byte in range(0x100):
        for at in (0, middle, len(body)):
            _check(body[:at] + bytes([byte]) + body[at:], url, source)
    _check(b"\xef\xbb\xbf" + body, url, source)


def test_any_byte_put_into_a_gb18030_page_is_read_as_clean_text_reads_it():
    """rmfysszc's GB18030 check (`base.bytes_clean`, then the wide characters unless no byte leading them is there):
    each of the 256 bytes put into a detail page, before the text and inside a character's bytes."""
    body, url = RM_DETAIL_GB
    middle = body.index("拍卖".encode("gb18030")) + 1
    for byte in range(0x100):
        for at in (body.index(b"<body"), middle):
            dirty = body[:at] + bytes([byte]) + body[at:]
            text = rmfysszc._decode(dirty)[0]
            assert rmfysszc.decode(dirty) == clean_text(text), (hex(byte), at)
            assert rmfysszc._unchanged(text, dirty, "gb18030") <= (clean_text(text) == text), (hex(byte), at)
