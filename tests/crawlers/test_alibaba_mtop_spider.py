"""The mtop navigation of the Alibaba spiders, without a network: signing, the token read from the answer's
Set-Cookie, the token error retried (and counted) a bounded number of times, and the detail merged over the row."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.http import Request, TextResponse
from scrapy.utils.test import get_crawler

from crawlers.parsers.alibaba_mtop import MtopTokenError
from crawlers.spiders.alibaba_mtop import APP_KEY, MAX_TOKEN_TRIES, mtop_sign, token_from
from crawlers.spiders.alibaba_sf import AlibabaSfSpider

TOKEN = "ac881ea623ce697ed20f4d22a7af90a5"


@pytest.fixture
def spider():
    crawler = get_crawler(AlibabaSfSpider)
    return crawler._create_spider(generation="mtop")


def answer(request: Request, ret: str, data: dict | None = None, set_token: bool = False) -> TextResponse:
    body = " mtopjsonp1(" + json.dumps({"api": request.meta["mtop"][0], "data": data or {}, "ret": [ret],
                                        "v": request.meta["mtop"][1]}, ensure_ascii=False) + ")"
    headers = {"Set-Cookie": [f"_m_h5_tk={TOKEN}_1795118400000; Path=/; Domain=taobao.com",
                              "_m_h5_tk_enc=e0; Path=/; Domain=taobao.com"]} if set_token else {}
    return TextResponse(request.url, body=body.encode(), encoding="utf-8", headers=headers, request=request)


def test_sign_is_md5_of_token_t_appkey_data():
    assert mtop_sign("tk", "1", APP_KEY, "{}") == hashlib.md5(b"tk&1&12574478&{}").hexdigest()


def test_generation_is_html_unless_asked(spider):
    assert spider.generation == "mtop"
    assert get_crawler(AlibabaSfSpider)._create_spider().generation == "html"


def test_calls_are_signed_with_the_token_from_the_cookie_the_gateway_set(spider):
    first = spider.list_call(1)
    query = {k: v[0] for k, v in parse_qs(urlsplit(first.url).query).items()}
    assert urlsplit(first.url).netloc == "h5api.m.taobao.com" and query["appKey"] == APP_KEY
    assert query["sign"] == mtop_sign("", query["t"], APP_KEY, query["data"])  # no token yet
    assert json.loads(json.loads(query["data"])["dfVariables"])["page"] == 1
    assert first.cookies == {"cna": spider.cna}

    response = answer(first, "FAIL_SYS_TOKEN_EMPTY::令牌为空", set_token=True)
    assert token_from(response) == TOKEN
    (retry,) = list(spider.parse_mtop_list(response, page=1))
    query = {k: v[0] for k, v in parse_qs(urlsplit(retry.url).query).items()}
    assert query["sign"] == mtop_sign(TOKEN, query["t"], APP_KEY, query["data"])
    assert retry.dont_filter and retry.meta["mtop"][-1] == 1
    assert spider.crawler.stats.get_value("salvage/mtop_token_retries") == 1


def test_the_token_error_is_raised_after_the_last_try(spider):
    request = spider.list_call(1, tries=MAX_TOKEN_TRIES - 1)
    with pytest.raises(MtopTokenError):
        list(spider.parse_mtop_list(answer(request, "FAIL_SYS_TOKEN_EXOIRED::令牌过期", set_token=True), page=1))
    assert spider.crawler.stats.get_value("salvage/mtop_token_gave_up") == 1


def test_the_detail_lies_over_the_row_and_a_sold_row_stays_sold(spider):
    row = {"source": "alibaba_sf", "source_lot_id": "806188040002", "status": "已成交", "final_price": 61262408,
           "units": {"final_price": "fen", "current_price": "fen"}}
    request = spider.detail_call("806188040002", row)
    data = {"itemId": 806188040002, "title": "【第二次拍卖】某住宅", "auctionLink": "//sf-item.taobao.com/sf_item/806188040002.htm",
            "startPrice": 57262408, "currentPriceLong": 61262408, "bidStatus": "done"}
    (merged,) = list(spider.parse_mtop_detail(answer(request, "SUCCESS::调用成功", data), record=row))
    assert merged["status"] == "已成交" and merged["reserve_price"] == 57262408
    assert merged["units"] == {"final_price": "fen", "current_price": "fen", "reserve_price": "fen"}
