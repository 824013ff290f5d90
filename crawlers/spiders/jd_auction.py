"""JD auctions (京东拍卖, paimai.jd.com): court, bankruptcy, AMC / bank (债权 packages), state and commercial sales.

Navigation only (parsing is `crawlers.parsers.jd_auction`); every request goes to the JSON API on api.m.jd.com:

1. ``paimai_unifiedSearch`` once per category (``childrenCateId`` 101-134, sources.md §2; the category of each lot is
   the one it was found under), 40 lots a page, following the parser's next page; Referer ``https://pmsearch.jd.com/``;
2. per lot ``getProductBasicInfo`` then ``getPaimaiRealTimeData`` (the first ten bids), and for a 债权 lot
   (childrenCateId 109, or 债权 in its title) ``queryProductDescription`` for the debt table; Referer
   ``https://paimai.jd.com/{paimaiId}``;
3. the records are merged field by field (list, then basic info, real-time data, description: later wins).

``-a lot_urls=https://paimai.jd.com/{id},…`` (the base spider's refresh mode, where it exists) fetches those lots'
API functions without searching. No ``h5st`` signature is sent (sources.md: reportedly optional).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.parsers import jd_auction
from crawlers.parsers.jd_auction import api_url
from crawlers.spiders.base import SalvageSpider

SEARCH_REFERER = "https://pmsearch.jd.com/"
LOT_REFERER = "https://paimai.jd.com/{}"
CATEGORIES = tuple(range(101, 135))  # childrenCateId 101 住宅用房 … 109 债权 … 123 其他财产 … 134 (sources.md §2)
DEBT_CATEGORY = "109"
PAGE_SIZE = 40


def search_url(category: int | str, page: int = 1) -> str:
    """The 2022+ ``paimai_unifiedSearch`` request of sources.md for one category, every other filter open."""
    body = {
        "investmentType": "", "apiType": 12, "page": page, "pageSize": PAGE_SIZE, "keyword": "", "provinceId": "",
        "cityId": "", "countyId": "", "multiPaimaiStatus": "", "multiDisplayStatus": "", "multiPaimaiTimes": "",
        "childrenCateId": str(category), "currentPriceRangeStart": "", "currentPriceRangeEnd": "",
        "timeRangeTime": "endTime", "timeRangeStart": "", "timeRangeEnd": "", "loan": "", "purchaseRestriction": "",
        "liupaiBuyAgain": "", "orgId": "", "orgType": "", "sortField": 8, "projectType": 1, "reqSource": 0,
        "labelSet": "", "publishSource": "",
    }  # fmt: skip
    return api_url("paimai_unifiedSearch", body)


# (function, extra body keys, parser) in the order a lot's requests are made
STEPS: tuple[tuple[str, dict[str, Any], Any], ...] = (
    ("getProductBasicInfo", {}, jd_auction.parse_basic),
    ("getPaimaiRealTimeData", {"start": 0, "end": 9, "source": 0}, jd_auction.parse_realtime),
    ("queryProductDescription", {"source": 0}, jd_auction.parse_desc),
)


class JdAuctionSpider(SalvageSpider):
    name = "jd_auction"
    parser = jd_auction
    allowed_domains = ["jd.com"]
    start_urls = [search_url(category) for category in CATEGORIES]
    min_items = 20
    # JD's block answer is not known (sources.md §2); a WAF's 403 is retried as an anti-bot answer and, when it
    # persists, given up on with a logged error (crawlers.middlewares.InterstitialMiddleware), rather than dropped
    # as a page that is not there: a category refused would otherwise cost its lots without a word.
    block_statuses: tuple[int, ...] = (403,)

    async def start(self) -> AsyncIterator[Any]:
        async for request in super().start():
            if request.callback == self.parse_list:
                request.headers.setdefault("Referer", SEARCH_REFERER)
            yield request

    def parse_list(self, response: Response) -> Iterable[Any]:
        page = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        for record in page.records:
            yield self.step(record, record["source_lot_id"], 0)
        for request in self.follow_next(page.next_url):
            request.headers.setdefault("Referer", SEARCH_REFERER)
            yield request

    def lot_request(self, seed: dict[str, Any]) -> scrapy.Request:
        """One lot without its list record (refresh): ``seed`` has its ``url`` and maybe list fields."""
        match = re.search(r"(\d{6,})", seed["url"])
        if match is None:
            raise ValueError(f"{self.name}: no paimaiId in {seed['url']!r}")
        return self.step({k: v for k, v in seed.items() if k != "url"}, match.group(1), 0)

    def step(self, record: dict[str, Any], lot_id: str, index: int) -> scrapy.Request:
        function, extra, _ = STEPS[index]
        return scrapy.Request(
            api_url(function, {"paimaiId": int(lot_id), **extra}),
            callback=self.parse_step,
            headers={"Referer": LOT_REFERER.format(lot_id)},
            cb_kwargs={"record": record, "lot_id": lot_id, "index": index},
        )

    def parse_step(self, response: Response, record: dict[str, Any], lot_id: str, index: int) -> Iterable[Any]:
        found = STEPS[index][2](response.body, response.url, self.fetched_at(response))
        record = {**record, **{k: v for k, v in found.items() if v not in (None, "", [])}}
        index += 1
        if index == 2 and not self.is_debt(record):
            index += 1
        if index < len(STEPS):
            yield self.step(record, lot_id, index)
        else:
            yield record

    @staticmethod
    def is_debt(record: dict[str, Any]) -> bool:
        return str(record.get("category")) == DEBT_CATEGORY or "债权" in str(record.get("title", ""))
