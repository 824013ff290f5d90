"""The JD spider's navigation, without a network: one search per category with the search page as Referer, the
next page followed, per lot basic info → real-time data (→ description for 债权) with the lot page as Referer, and
the record merged field by field (later answers win)."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawlers.parsers import jd_auction as jd
from crawlers.spiders.jd_auction import CATEGORIES, JdAuctionSpider, search_url

AT = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_spider() -> JdAuctionSpider:
    spider = get_crawler(JdAuctionSpider)._create_spider()
    spider.fetched_at = lambda response: AT
    return spider


def respond(request, payload: dict) -> TextResponse:
    return TextResponse(request.url, body=json.dumps(payload, ensure_ascii=False).encode(), encoding="utf-8",
                        request=request)


def item(lot_id: int, title: str) -> dict:
    return {"id": lot_id, "title": title, "minPrice": 100000.0, "auctionStatus": 1, "displayStatus": 1,
            "paimaiTimes": 1, "bidCount": 0, "currentPrice": 100000.0, "currentPriceStr": "100,000"}


def chain(spider, first, answers):
    """Answer each request of a lot's chain in turn; the list of functions called and the final record."""
    calls, request = [], first
    while True:
        function = jd.function_id(request.url)
        calls.append((function, request.headers.get("Referer").decode()))
        (out,) = list(request.callback(respond(request, answers[function]), **request.cb_kwargs))
        if isinstance(out, dict):
            return calls, out
        request = out


async def _starts(spider):
    return [request async for request in spider.start()]


def test_one_search_per_category_with_the_search_page_as_referer():
    spider = make_spider()
    requests = asyncio.run(_starts(spider))
    assert len(requests) == len(CATEGORIES) == 34
    assert [jd.request_body(r.url)["childrenCateId"] for r in requests] == [str(c) for c in range(101, 135)]
    assert all(r.headers["Referer"] == b"https://pmsearch.jd.com/" for r in requests)
    body = jd.request_body(requests[8].url)
    assert (body["childrenCateId"], body["page"], body["pageSize"], body["projectType"]) == ("109", 1, 40, 1)


def test_a_search_page_starts_each_lots_chain_and_follows_the_next_page():
    spider = make_spider()
    request = next(r for r in asyncio.run(_starts(spider)) if jd.request_body(r.url)["childrenCateId"] == "109")
    out = list(spider.parse_list(respond(request, {"code": 0, "datas": [item(290533380, "某公司等3户债权资产包")],
                                                   "totalItem": 41, "pageSize": 40})))
    lot, following = out
    assert jd.function_id(lot.url) == "getProductBasicInfo" and jd.request_body(lot.url) == {"paimaiId": 290533380}
    assert lot.headers["Referer"] == b"https://paimai.jd.com/290533380"
    assert jd.request_body(following.url)["page"] == 2 and following.headers["Referer"] == b"https://pmsearch.jd.com/"


def test_a_debt_lot_is_basic_info_then_real_time_data_then_its_description_merged_in_order():
    spider = make_spider()
    request = next(r for r in asyncio.run(_starts(spider)) if jd.request_body(r.url)["childrenCateId"] == "109")
    (first,) = spider.parse_list(respond(request, {"code": 0, "datas": [item(290533380, "某公司等3户债权资产包")],
                                                   "totalItem": 1}))
    table = ("<p>单位：人民币元</p><table><tr><td>序号</td><td>债务人</td><td>保证人/关联方</td><td>抵押物</td><td>本金余额</td>"
             "<td>利息余额</td><td>费用</td><td>债权合计</td></tr><tr><td>1</td><td>甲公司</td><td>无</td><td>无</td>"
             "<td>1,000.00</td><td>10.00</td><td>0.00</td><td>1,010.00</td></tr></table>")
    answers = {
        "getProductBasicInfo": {"code": 0, "data": {"paimaiId": 290533380, "title": "某公司等3户债权资产包",
                                                    "startPrice": 120000.0, "displayStatus": 1}},
        "getPaimaiRealTimeData": {"code": 0, "data": {"paimaiId": 290533380, "auctionStatus": 2, "displayStatus": 1,
                                                      "bidCount": 2, "currentPrice": 121000.0}},
        "queryProductDescription": {"code": 0, "data": table},
    }
    calls, record = chain(spider, first, answers)
    referer = "https://paimai.jd.com/290533380"
    assert calls == [("getProductBasicInfo", referer), ("getPaimaiRealTimeData", referer),
                     ("queryProductDescription", referer)]
    assert record["category"] == "109" and record["reserve_price"] == 120000.0  # basic info over the list
    assert record["status"] == {"auctionStatus": 2, "displayStatus": 1} and record["final_price"] == 121000.0
    assert record["loans"][0]["debtor"] == "甲公司" and record["total_claim"] == "1,010.00"


def test_a_lot_that_is_no_debt_stops_after_its_real_time_data():
    spider = make_spider()
    request = next(r for r in asyncio.run(_starts(spider)) if jd.request_body(r.url)["childrenCateId"] == "101")
    (first,) = spider.parse_list(respond(request, {"code": 0, "datas": [item(290533381, "某住宅")], "totalItem": 1}))
    answers = {
        "getProductBasicInfo": {"code": 0, "data": {"paimaiId": 290533381, "title": "某住宅", "startPrice": 1.0e5}},
        "getPaimaiRealTimeData": {"code": 0, "data": {"paimaiId": 290533381, "auctionStatus": 0, "displayStatus": 5}},
    }
    calls, record = chain(spider, first, answers)
    assert [c[0] for c in calls] == ["getProductBasicInfo", "getPaimaiRealTimeData"]
    assert record["status"] == {"auctionStatus": 0, "displayStatus": 5}


def test_a_single_lot_can_be_fetched_from_its_page_url():
    spider = make_spider()
    request = spider.lot_request({"url": "https://paimai.jd.com/290533382", "category": "109"})
    assert jd.request_body(request.url) == {"paimaiId": 290533382}
    assert request.cb_kwargs["record"] == {"category": "109"}
    assert search_url(109) == jd.api_url("paimai_unifiedSearch", jd.request_body(search_url(109)))
