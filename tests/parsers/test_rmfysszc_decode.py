"""人民法院诉讼资产网's decode skips `clean_text` on a page whose bytes show nothing for it to strip: it must give
exactly `clean_text`'s text for every stripped character, raw in UTF-8 or GB18030, as a JSON escape or an HTML
reference, and for clean pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.parsers import rmfysszc
from crawlers.parsers.base import _STRIPPED_CHARS, clean_text

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
LIST = (GOLDEN / "real" / "rmfysszc" / "list_guangdong_2022" / "input.json").read_bytes()
DETAIL_GB = (GOLDEN / "rmfysszc" / "detail_sold" / "input.html").read_bytes()
DETAIL_UTF8 = (GOLDEN / "real" / "rmfysszc" / "detail_chongqing_2018_car" / "input.html").read_bytes()
PAGES = {"list": (LIST, "utf-8"), "detail_gb18030": (DETAIL_GB, "gb18030"), "detail_utf8": (DETAIL_UTF8, "utf-8")}


def _slow(body: bytes) -> str:
    return clean_text(rmfysszc._decode(body)[0])


def _spellings(char: str, as_json: bool) -> list[str]:
    spelled = [char, f"&#{ord(char)};", f"&#x{ord(char):x};"]
    return [*spelled, f"\\u{ord(char):04x}"] if as_json else spelled


@pytest.mark.parametrize("page", PAGES)
def test_clean_pages_are_read_as_they_are(page):
    body, codec = PAGES[page]
    assert rmfysszc.decode(body) == _slow(body) == body.decode(codec)
    assert rmfysszc.decode(body.decode(codec)) == body.decode(codec)


@pytest.mark.parametrize("page", PAGES)
def test_every_stripped_character_is_stripped_as_clean_text_strips_it(page):
    body, codec = PAGES[page]
    text = body.decode(codec)
    at = text.index("<div", 100)  # inside the page (for the list: inside its "html" string)
    for char in _STRIPPED_CHARS:
        for spelled in _spellings(char, page == "list"):
            dirty = (text[:at] + "x" + spelled + "y" + text[at:]).encode(codec)
            got = rmfysszc.decode(dirty)
            assert got == _slow(dirty), (page, hex(ord(char)), spelled)
            assert got == rmfysszc.decode(dirty.decode(codec)), (page, hex(ord(char)), spelled)
            if spelled == char or (spelled.startswith("\\u") and char not in "\t\n\r"):
                assert char not in got, (page, hex(ord(char)), spelled)
