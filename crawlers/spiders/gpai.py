"""公拍网 gpai.net: court auctions 司法拍卖 (and their 变卖 rounds) of Shanghai's courts, server-rendered UTF-8 pages.

Navigation only (parsing is `crawlers.parsers.gpai`):

1. the court-auction list ``http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate=R&at=T`` for each state R
   (1 即将开始, 2 正在拍卖, 3 已成交, 4 其他: sources.md §4, a public crawler walks the same four) and each type T of the
   site's filter (376 房产, 381 土地, 372 股权, 378 机动车, 383 船舶, 377 物资, 382 财产性权益, 379 其他), so that every lot
   comes with its type; ``&Page=N`` from 0 up to the ``span.page-infos`` count. The ``at=`` filter is the one the
   real court list pages (``court.do``) carry; that ``search.do`` takes it too is assumed (unverified);
2. each lot's page as the list links it, ``item2.do?Web_Item_ID=N`` (``item.do`` for a 在线+同步 lot); the list record
   and the lot page's record are merged, the page winning;
3. an error page (a script redirect), for a lot page as public crawlers do and for a list page too, is followed up to
   ``MAX_REDIRECTS`` times, after a pause that doubles each time; then the page is given up with an error naming its URL.

``-a lot_urls=https://www.gpai.net/sf/item2.do?Web_Item_ID=N,…`` (or ``item.do``) refreshes given lots without the
lists.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.parsers import gpai
from crawlers.parsers.base import ParseError
from crawlers.spiders.base import SalvageSpider

LIST_URL = "http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate={}&at={}"
TYPES = (376, 381, 372, 378, 383, 377, 382, 379)
MAX_REDIRECTS = 3
REDIRECT_BACKOFF = 0.25  # seconds before the first redirect is followed; doubled for each further one


class GpaiSpider(SalvageSpider):
    name = "gpai"
    parser = gpai
    allowed_domains = ["gpai.net"]
    start_urls = [LIST_URL.format(restate, kind) for restate in (1, 2, 3, 4) for kind in TYPES]
    min_items = 20

    async def parse_list(self, response: Response, redirects: int = 0) -> AsyncIterator[Any]:
        target = self.parser.redirect_target(response.body, response.url)
        if target is not None:
            yield await self.follow_redirect(response, target, redirects, callback=self.parse_list, cb_kwargs={})
            return
        page = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        for record in page.records:
            yield self.lot_request({**record})
        for request in self.follow_next(page.next_url):
            yield request

    def lot_request(self, seed: dict[str, Any]) -> scrapy.Request:
        """A lot's page: ``seed`` is its list record, or (refresh) its ``url`` and maybe list fields."""
        record = {k: v for k, v in seed.items() if k != "url" or "source_lot_id" in seed}
        return scrapy.Request(seed["url"], callback=self.parse_detail, cb_kwargs={"record": record, "redirects": 0})

    async def parse_detail(self, response: Response, record: dict[str, Any], redirects: int) -> AsyncIterator[Any]:
        target = self.parser.redirect_target(response.body, response.url)
        if target is not None:
            yield await self.follow_redirect(response, target, redirects, callback=self.parse_detail,
                                             cb_kwargs={"record": record})
            return
        yield {**record, **self.parser.parse_detail(response.body, response.url, self.fetched_at(response))}

    async def follow_redirect(self, response: Response, target: str, redirects: int, *, callback: Any,
                              cb_kwargs: dict[str, Any]) -> scrapy.Request:
        """The request an error page's script redirect asks for, after a pause that doubles with each redirect of the
        same page (`REDIRECT_BACKOFF`, so that a site that answers with its error page is not asked again at once) and one priority step down, as
        Scrapy's retries go, so that a burst of error pages is spread over the waiting pages rather than spent on one;
        after `MAX_REDIRECTS` the page is refused. Other requests go on during the pause."""
        self.crawler.stats.inc_value("salvage/gpai_redirects")
        if redirects >= MAX_REDIRECTS:
            raise ParseError(gpai.SOURCE, "page", response.url,
                             f"still an error page after {MAX_REDIRECTS} redirects (last to {target!r})")
        await asyncio.sleep(REDIRECT_BACKOFF * 2 ** redirects)
        return scrapy.Request(target, callback=callback, dont_filter=True, priority=response.request.priority - 1,
                              cb_kwargs={**cb_kwargs, "redirects": redirects + 1})
