"""中拍平台 (caa123): court sales on sf.caa123.org.cn and commissioned sales on paimai.caa123.org.cn.

Navigation only (parsing is `crawlers.parsers.caa123`; what is known of the site: docs/sources_caa123.md):

1. judicial: the JSON list ``/caa-web-ws/ws/0.1/lots?start=0&count=100&…`` (every filter open, as public crawlers
   ask for it), page after page (``start`` is the page index), then each lot's ``/caa-web-ws/ws/0.1/lot/{id}``;
   Referer ``https://sf.caa123.org.cn/pages/lots.html`` and ``…/pages/lotdetail.html?lotId={id}``, with
   ``X-Requested-With: XMLHttpRequest`` as the site's own script sends it;
2. commercial: the list page ``/pages/lots/list.html?status=&standardType=N&num=0`` once per category (the category
   of a lot is the one it was found under, as the public crawlers loop over ``standardType``), following ``a.next``,
   then each lot's page;
3. the list record and the lot's record are merged field by field (the lot's answer wins).

``-a lot_urls=…`` (refresh) takes the canonical lot URLs the warehouse holds
(``https://sf.caa123.org.cn/pages/lotdetail.html?lotId={id}`` or the commercial detail page).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.parsers import caa123
from crawlers.spiders.base import SalvageSpider

SF_API = "https://sf.caa123.org.cn/caa-web-ws/ws/0.1"
SF_LIST = (SF_API + "/lots?start=0&count=100&sortname=&sortorder=&lotStatus=&province=&city=&priceBegin=&priceEnd="
           "&lotMode=&times=&isRestricted=&canLoan=&standardType=&secondaryType=")
SF_REFERER = "https://sf.caa123.org.cn/pages/lots.html"
PM_LIST = "https://paimai.caa123.org.cn/pages/lots/list.html?status=&standardType={}&num=0"
PM_CATEGORIES = ("6", "7", "8", "18", "255", "5", "20")  # commercial standardType (normalizers/codes.py)
XHR = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json, text/javascript, */*; q=0.01"}


class Caa123Spider(SalvageSpider):
    name = "caa123"
    parser = caa123
    allowed_domains = ["caa123.org.cn"]
    start_urls = [SF_LIST, *(PM_LIST.format(c) for c in PM_CATEGORIES)]
    min_items = 20
    # No block answer of either host is known (docs/sources_caa123.md); a WAF's 403 is retried as an anti-bot
    # answer and, when it persists, given up on with a logged error (crawlers.middlewares.InterstitialMiddleware),
    # rather than dropped as a page that is not there.
    block_statuses: tuple[int, ...] = (403,)

    async def start(self) -> AsyncIterator[Any]:
        async for request in super().start():
            if request.callback == self.parse_list and caa123.SF_HOST in request.url:
                request.headers.update({**XHR, "Referer": SF_REFERER})
            yield request

    def parse_list(self, response: Response) -> Iterable[Any]:
        page = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        for record in page.records:
            yield self.detail_request(record, record["url"])
        for request in self.follow_next(page.next_url):
            if caa123.SF_HOST in request.url:
                request.headers.update({**XHR, "Referer": SF_REFERER})
            yield request

    def detail_request(self, record: dict[str, Any], lot_url: str) -> scrapy.Request:
        """The request for the lot behind its canonical URL: the API answer on the judicial side, the page on the
        commercial one."""
        if lot_url.startswith(caa123.SF_LOT_URL):
            lot_id = lot_url[len(caa123.SF_LOT_URL):]
            return scrapy.Request(f"{SF_API}/lot/{lot_id}", callback=self.parse_lot, cb_kwargs={"record": record},
                                  headers={**XHR, "Referer": lot_url})
        return scrapy.Request(lot_url, callback=self.parse_lot, cb_kwargs={"record": record})

    def parse_lot(self, response: Response, record: dict[str, Any]) -> Iterable[Any]:
        found = self.parser.parse_detail(response.body, response.url, self.fetched_at(response))
        yield {**record, **{k: v for k, v in found.items() if v not in (None, "", [])}}

    def lot_request(self, seed: dict[str, Any]) -> scrapy.Request:
        url = seed["url"]
        if not re.search(r"[?&]lotId=\d+", url):
            raise ValueError(f"{self.name}: no lotId in {url!r}")
        return self.detail_request({k: v for k, v in seed.items() if k != "url"}, url)
