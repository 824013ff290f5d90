"""Alibaba asset auctions (阿里资产, zc-paimai.taobao.com), including NPL loan claims (债权), legacy HTML generation.

- lists: ``https://zc-paimai.taobao.com/zc_item_list.htm?front_category=56956002&item_biz_type=6&page=N``
  (``front_category`` 56956002 = 债权, 56950002 房产, …; ``item_biz_type`` 7 = 金融资产), the same embedded
  ``#sf-item-list-data`` JSON as the judicial site;
- detail: ``https://zc-item.taobao.com/auction/{id}.htm``, price labels ``起 始 价`` and ``市 场 价``;
- 债权 description: ``https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id={id}`` (unicode-escaped HTML with
  ``>债权本金：<…">值<`` pairs) → principal, interest, total claim, 基准日, debtor, guarantors, collateral.
- quirks: the label is spelled ``未尝利息`` [sic]; amounts keep the page's units (``万元``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from crawlers.parsers import alibaba
from crawlers.parsers.alibaba import Body, decode, detail_links, is_interstitial, page_kind  # noqa: F401
from crawlers.parsers.base import ListPage, RawRecord

SOURCE = "alibaba_zc"
CATEGORY_PARAMS = ("front_category", "category")


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    return alibaba.parse_list(SOURCE, body, url, fetched_at, category_params=CATEGORY_PARAMS)


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    return alibaba.parse_detail(SOURCE, body, url, fetched_at)


def parse_notice(body: Body, url: str, fetched_at: datetime) -> dict[str, str]:
    return alibaba.parse_notice(SOURCE, body, url, fetched_at)


def parse_desc(body: Body, url: str, fetched_at: datetime) -> dict[str, Any]:
    return alibaba.parse_desc(SOURCE, body, url, fetched_at)
