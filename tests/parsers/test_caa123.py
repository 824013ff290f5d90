"""The caa123 parser's refusals: each names the source, the field and the URL; and its paging."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawlers.parsers import caa123, parse_page
from crawlers.parsers.base import ParseError

AT = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "caa123"
LOT_URL = "https://sf.caa123.org.cn/caa-web-ws/ws/0.1/lot/{}"


def lot_answer(**changes) -> bytes:
    answer = json.loads((GOLDEN / "api_lot_sold" / "input.json").read_bytes())
    return json.dumps({**answer, **changes}, ensure_ascii=False).encode()


def lot_id() -> int:
    return json.loads((GOLDEN / "api_lot_sold" / "input.json").read_bytes())["id"]


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"), ({"startPrice": 0}, "startPrice"), ({"times": 9}, "times"), ({"id": "x"}, "id"),
])
def test_a_lot_missing_what_it_needs_is_refused_naming_source_field_and_url(changes, field):
    url = LOT_URL.format(lot_id())
    with pytest.raises(ParseError) as error:
        caa123.parse_detail(lot_answer(**changes), url, AT)
    assert error.value.field == field and "caa123" in str(error.value) and url in str(error.value)


def test_an_answer_for_another_lot_is_refused():
    url = LOT_URL.format(lot_id() + 1)
    with pytest.raises(ParseError, match="not"):
        caa123.parse_detail(lot_answer(), url, AT)


def test_a_value_of_the_wrong_type_is_refused_not_a_crash():
    url = LOT_URL.format(lot_id())
    with pytest.raises(ParseError) as error:
        parse_page("caa123", lot_answer(startTime=[1]), url, AT)
    assert error.value.field == "startTime" and url in str(error.value)
    with pytest.raises(ParseError) as error:  # items that are not a list
        parse_page("caa123", b'{"items": {"id": 1}, "totalPages": 1}',
                   "https://sf.caa123.org.cn/caa-web-ws/ws/0.1/lots?start=0&count=12", AT)
    assert error.value.field == "items"
    for key in ("lotStatus", "standardType"):
        with pytest.raises(ParseError) as error:
            parse_page("caa123", lot_answer(**{key: [3]}), url, AT)
        assert error.value.field == key


def test_a_cut_answer_is_refused_as_not_json():
    url = LOT_URL.format(lot_id())
    with pytest.raises(ParseError, match="not JSON"):
        caa123.parse_detail(lot_answer()[:200], url, AT)


def test_judicial_paging_follows_start_until_the_last_page():
    case = json.loads((GOLDEN / "api_list_first_page" / "case.json").read_text())
    page = caa123.parse_list((GOLDEN / "api_list_first_page" / "input.json").read_bytes(), case["url"], AT)
    assert "start=1&" in page.next_url and page.next_url.replace("start=1&", "start=0&") == case["url"]
    last = json.loads((GOLDEN / "api_list_last_page" / "case.json").read_text())
    assert caa123.parse_list((GOLDEN / "api_list_last_page" / "input.json").read_bytes(), last["url"], AT).next_url \
        is None


def test_a_commercial_page_for_another_lot_is_refused():
    case = json.loads((GOLDEN / "html_lot_sold" / "case.json").read_text())
    body = (GOLDEN / "html_lot_sold" / "input.html").read_bytes()
    other = case["url"].replace("lotId=", "lotId=9")
    with pytest.raises(ParseError, match="not 9"):
        caa123.parse_detail(body, other, AT)
