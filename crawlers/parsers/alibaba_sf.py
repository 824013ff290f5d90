"""Alibaba judicial auctions (阿里拍卖·司法, sf.taobao.com), legacy HTML generation.

- lists: ``https://sf.taobao.com/item_list.htm?category=50025969&city=%B6%AB%DD%B8&sorder=0&page=N`` (city and
  province GBK percent-encoded), ``//sf.taobao.com/list/{cat}.htm``, court lists ``court_item.htm``, and the home
  page ``https://sf.taobao.com/`` whose several ``script.sf-item-list-data`` blocks all count;
- detail: ``https://sf-item.taobao.com/sf_item/{id}.htm`` (12-digit id); 竞买公告 JSON
  ``//sf.taobao.com/json/get_notice_attach.htm?project_id=…`` (the case number is read from it).
- lots: court-seized real estate, land, vehicles, equity and anything else a court sells; rounds 一拍 / 二拍 /
  变卖 from the title's 【】 prefix or ``sellOff``.
- quirks: GBK pages; prices in yuan with commas and a trailing space; anti-bot pages served with status 200.
"""

from __future__ import annotations

from datetime import datetime

from crawlers.parsers import alibaba
from crawlers.parsers.alibaba import Body, decode, detail_links, is_interstitial, page_kind  # noqa: F401
from crawlers.parsers.base import ListPage, RawRecord

SOURCE = "alibaba_sf"
CATEGORY_PARAMS = ("category",)


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    return alibaba.parse_list(SOURCE, body, url, fetched_at, category_params=CATEGORY_PARAMS)


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    return alibaba.parse_detail(SOURCE, body, url, fetched_at)


def parse_notice(body: Body, url: str, fetched_at: datetime) -> dict[str, str]:
    return alibaba.parse_notice(SOURCE, body, url, fetched_at)
