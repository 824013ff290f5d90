"""The gpai spider's navigation, without a network: four states × eight types of list, the next page followed, each
lot's page requested with its list record and merged under it, the error page's redirect followed at most
`MAX_REDIRECTS` times, after a pause that doubles each time and one priority step down, and then refused with the
lot's URL."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawlers.parsers import gpai
from crawlers.parsers.base import ParseError
from crawlers.spiders import gpai as gpai_spider
from crawlers.spiders.gpai import MAX_REDIRECTS, REDIRECT_BACKOFF, GpaiSpider

AT = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "gpai"
LOT = "https://www.gpai.net/sf/item2.do?Web_Item_ID=30163"


def make_spider() -> GpaiSpider:
    spider = get_crawler(GpaiSpider)._create_spider()
    spider.fetched_at = lambda response: AT
    return spider


@pytest.fixture(autouse=True)
def pauses(monkeypatch) -> list[float]:
    """The pauses the spider asked for, none of them slept."""
    asked: list[float] = []

    async def no_sleep(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(gpai_spider.asyncio, "sleep", no_sleep)
    return asked


def run(callback_output) -> list:
    """All that an async callback yields."""
    async def collect():
        return [x async for x in callback_output]
    return asyncio.run(collect())


def page(url: str, case: str, request: Request | None = None) -> HtmlResponse:
    """The golden page ``case`` as the answer to ``request`` (a first request for ``url`` by default)."""
    return HtmlResponse(url, body=(GOLDEN / case / "input.html").read_bytes(), encoding="utf-8",
                        request=request or Request(url))


def test_start_urls_cover_every_state_and_type():
    urls = GpaiSpider.start_urls
    assert len(urls) == len(set(urls)) == 32
    assert all("action=court" in u and "cityNum=35" in u for u in urls)
    assert {u.split("restate=")[1][0] for u in urls} == {"1", "2", "3", "4"}


def test_a_list_page_requests_each_lot_and_the_next_page():
    spider = make_spider()
    url = "http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate=1&at=376"
    out = run(spider.parse_list(page(url, "list_upcoming_houses_page0")))
    lots, pages = out[:-1], out[-1:]
    assert len(lots) == 20 and all(r.url.startswith("https://www.gpai.net/sf/item2.do?Web_Item_ID=") for r in lots)
    assert lots[0].cb_kwargs["record"]["category"] == "376" and lots[0].cb_kwargs["redirects"] == 0
    assert [r.url for r in pages] == [url + "&Page=1"]


def test_the_lot_page_is_merged_over_the_list_record():
    spider = make_spider()
    record = {"source": "gpai", "source_lot_id": "30163", "url": LOT, "category": "376", "start_at": "x",
              "status": "即将开始"}
    (merged,) = run(spider.parse_detail(page(LOT, "detail_upcoming_house"), record=record, redirects=0))
    assert merged["category"] == "376" and merged["start_at"] == "x"  # kept from the list
    assert merged["disposal_unit"] == "上海市第三中级人民法院" and merged["round"] == "第一次拍卖"  # from the page


def test_the_error_redirect_is_followed_then_refused(pauses):
    spider = make_spider()
    record = {"source": "gpai", "source_lot_id": "30163", "url": LOT}
    (retry,) = run(spider.parse_detail(page(LOT, "error_redirect"), record=record, redirects=0))
    assert retry.url.startswith("http://www.gpai.net/sf/item2.do?Web_Item_ID=") and retry.dont_filter
    assert retry.cb_kwargs == {"record": record, "redirects": 1}
    assert retry.priority == -1  # behind the pages already waiting
    (again,) = run(spider.parse_detail(page(LOT, "error_redirect", request=retry), **retry.cb_kwargs))
    assert again.cb_kwargs["redirects"] == 2 and again.priority == -2
    assert pauses == [REDIRECT_BACKOFF, 2 * REDIRECT_BACKOFF]
    with pytest.raises(ParseError, match=rf"after {MAX_REDIRECTS} redirects.*Web_Item_ID="):
        run(spider.parse_detail(page(LOT, "error_redirect"), record=record, redirects=MAX_REDIRECTS))
    assert len(pauses) == 2  # no pause before a refusal


def test_a_list_answered_by_the_error_page_is_retried_not_read_as_empty():
    spider = make_spider()
    url = "http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate=1&at=376"
    (retry,) = run(spider.parse_list(page(url, "error_redirect")))
    assert retry.callback == spider.parse_list and retry.cb_kwargs == {"redirects": 1} and retry.dont_filter
    with pytest.raises(ParseError, match="not a list page"):
        gpai.parse_list(b"<html><body><p>busy</p></body></html>", url, AT)


def test_a_refresh_seed_needs_only_its_url():
    request = make_spider().lot_request({"url": LOT})
    assert request.url == LOT and request.cb_kwargs == {"record": {}, "redirects": 0}


REAL = GOLDEN.parent / "real" / "gpai"


def test_a_lot_linked_to_item_do_is_requested_there_and_keeps_that_url_and_its_bare_id():
    """The real 2018-11 search list links its three 在线+同步 lots to ``item.do``, the 17 others to ``item2.do``: each
    lot's page is requested where the list links it, and the lot page read there keeps that URL, with the same
    source_lot_id as on ``item2.do`` (the lot page's markup here is the real ``item2.do`` page's: no ``item.do``
    page is known)."""
    spider = make_spider()
    url = "http://s.gpai.net/sf/search.do?q="
    body = (REAL / "search_list_2018_11" / "input.html").read_bytes()
    out = run(spider.parse_list(HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))))
    by_id = {r.cb_kwargs["record"]["source_lot_id"]: r.url for r in out if r.callback == spider.parse_detail}
    assert len(by_id) == 20
    assert {i for i, u in by_id.items() if u == f"https://www.gpai.net/sf/item.do?Web_Item_ID={i}"} == {
        "19928", "19728", "19964"}
    assert {i for i, u in by_id.items() if u == f"https://www.gpai.net/sf/item2.do?Web_Item_ID={i}"} == (
        set(by_id) - {"19928", "19728", "19964"})
    lot_page = (REAL / "detail_second_round_2018_11" / "input.html").read_bytes()
    on_item2 = gpai.parse_detail(lot_page, "https://www.gpai.net/sf/item2.do?Web_Item_ID=20107", AT)
    item_do = "https://www.gpai.net/sf/item.do?Web_Item_ID=20107"
    record = {"source": "gpai", "source_lot_id": "20107", "url": item_do, "category": "376"}
    response = HtmlResponse(item_do, body=lot_page, encoding="utf-8", request=Request(item_do))
    (merged,) = run(spider.parse_detail(response, record=record, redirects=0))
    assert merged["url"] == item_do and merged["source_lot_id"] == on_item2["source_lot_id"] == "20107"
    assert on_item2["url"] == "https://www.gpai.net/sf/item2.do?Web_Item_ID=20107"
    assert gpai.lot_page("http://www.gpai.net/sf\\item.do?Web_Item_ID=1") == "item.do"  # the backslash as served
