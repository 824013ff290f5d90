"""Control characters (C0, C1, ANSI escape sequences) and zero-width characters in a page never reach a field.

Each source's real-shaped page (a golden input) gets its title rewritten to ``<ESC>[31m<ZWSP><BEL>【第二次拍卖】``
+ the title with more controls inside it, in the page's own encoding (GBK pages stay GBK) and in the form such a
character takes there: raw in HTML, ``\\u001b`` escapes in JSON. Parsed and normalized, the lot's title must be
the clean golden title and its round ``second`` (read from the 【…】 prefix, or for Alibaba's mtop API from its
round field, which the page already says is the second auction).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawlers.parsers import parse_page
from crawlers.parsers.base import _STRIPPED_CHARS as _STRIPPED_CHARS_FOR_TEST
from crawlers.parsers.base import clean_text
from normalizers.lot import to_lot

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = [  # (source, case) one real-shaped page of every source, HTML and JSON bodies
    ("alibaba_sf", "detail_sold"),
    ("alibaba_zc", "replica_detail_claim_doing"),
    ("alibaba_mtop", "detail_sf"),
    ("jd_auction", "basic_court_house"),
    ("cinda_notice", "detail_single_claim"),
    ("cinda_notice", "list_api_page1"),
    ("citic_amc_notice", "detail_real_estate"),
    ("coamc_notice", "detail_real_estate"),
    ("gwamc_notice", "rendered_single_claim"),
    ("gwamc_notice", "list_notices_page1"),
    ("rmfysszc", "list_page_1"),  # UTF-8 JSON; its decode skips clean_text on pages the bytes show clean
    ("rmfysszc", "detail_sold"),  # GB18030
]
ROUND = "【第二次拍卖】"
LEAD = "\x1b[31m\u200b\x07"  # an ANSI colour, a zero-width space, a bell
# zero-width joiner, C1 NEL, NUL, word joiner, BOM, an ANSI reset, DEL, a C1 CSI sequence
INSIDE = "\u200d\x85\x00\u2060\ufeff\x1b[0m\x7f\x9b1m"


def _json_escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u200b\u200d\u2060\ufeff"
                   else c for c in text)


def _encoding(raw: bytes) -> str:
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"  # the GBK pages (Alibaba's): GB18030 is GBK's superset and encodes every control


def inject(raw: bytes, raw_title: str, as_json: bool) -> bytes:
    encoding = _encoding(raw)
    text = raw.decode(encoding)
    target = ROUND + raw_title if ROUND + raw_title in text else raw_title
    assert target in text, f"title {raw_title!r} not found in the page"
    hostile = LEAD + ROUND + raw_title[:4] + INSIDE + raw_title[4:]
    text = text.replace(target, _json_escaped(hostile) if as_json else hostile)
    return text.encode(encoding)


@pytest.mark.parametrize(("source", "case"), CASES, ids=[f"{s}/{c}" for s, c in CASES])
def test_controls_in_a_page_never_reach_title_or_round(source, case):
    folder = GOLDEN / source / case
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    (path,) = folder.glob("input.*")
    record, lot = expected["records"][0], expected["lots"][0]
    body = inject(path.read_bytes(), record["title"], as_json=path.suffix in (".json", ".js"))
    records = parse_page(source, body, meta["url"], datetime.fromisoformat(meta["fetched_at"]))
    [parsed] = [r for r in records if r.get("source_lot_id") == lot["source_lot_id"]]
    got = to_lot(parsed)
    assert got.title == lot["title"]
    assert got.round == "second"


def test_clean_text_strips_controls_and_zero_width_keeps_layout_and_escaped_backslashes():
    assert clean_text("a\tb\nc\r\nd") == "a\tb\nc\r\nd"
    dirty = "\x1b[1;31m红\x1b[0m\x1b]0;title\x07字\u200b\u200c\u200d\u2060\ufeff\x00\x1f\x7f\x80\x9f"
    assert clean_text(dirty) == "红字"
    assert clean_text('{"t": "\\u001b[31m\\u200b红\\u0085字\\u000a"}') == '{"t": "红字\\u000a"}'
    assert clean_text('{"t": "C:\\\\u001b"}') == '{"t": "C:\\\\u001b"}'  # an escaped backslash, then text
    assert clean_text("<p>&#27;[31m红&#x200B;字&#8203;&#160;</p>") == "<p>红字&#160;</p>"
    assert clean_text("普通标题") == "普通标题"


@given(st.text(alphabet=st.sampled_from([*_STRIPPED_CHARS_FOR_TEST, "\t", "\n", "\r", " ", "a", "<", "\xa0", "\xff",
                                         "\u0100", "中", "\u3000", "\u200a", "\u200e", "\ufefe", "😀"]), max_size=40))
def test_the_fast_check_finds_exactly_the_stripped_characters(text):
    from crawlers.parsers.base import has_stripped

    assert has_stripped(text) == any(char in text for char in _STRIPPED_CHARS_FOR_TEST)


@given(st.lists(st.sampled_from(["\\u001b", "\\u001B", "\\uFEFF", "\\ufeff", "\\uFeFf", "\\uff1a", "\\uFF0C", "\\u200b",
                                 "\\u2060", "\\u0085", "\\u007f", "\\u0041", "\\\\", "\\", "u", "a", "中"]), max_size=12))
def test_the_json_escape_marker_sees_every_escape_that_is_stripped(parts):
    from crawlers.parsers.base import _JSON_ESCAPED, _JSON_MARKER, _json_escape, _narrow

    text = "".join(parts)
    if _JSON_ESCAPED.sub(_json_escape, text) != text:
        assert _JSON_MARKER.search(_narrow(text))


@given(st.lists(st.sampled_from(["&#", "&#x", "&#X", "0", "1", "2", "3", "7", "9", "f", "F", "b", "e", "2060", "200b",
                                 "feff", "FEFF", "65279", "8203", "8288", "127", "165", ";", "a", "中", " "]), max_size=10))
def test_the_reference_marker_sees_every_reference_that_is_stripped(parts):
    from crawlers.parsers.base import _HTML_REFERENCE, _has_reference, _html_reference, _narrow

    text = "".join(parts)
    if _HTML_REFERENCE.sub(_html_reference, text) != text:
        assert _has_reference(_narrow(text))
