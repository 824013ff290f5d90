"""CBEX 北京产权交易所 (www.cbex.com.cn) debt listings: the Jiasule 521 gate → the JSONP list API, one series per
listing stage → each listing's page (crawlers/parsers/cbex.py says what each page gives).

The gate is passed the way public scrapers of the site pass it, without a browser: the 521 page's cookie script is
evaluated (``crawlers.parsers.cbex.jsl_challenge``), the cookie set, the request sent again; the second 521's
``go({bts, chars, ct})`` is solved by hashing the candidates; the third answer is the page. Every request of the
crawl may meet the gate again (the clearance expires): it is solved again, at most ``GATE_TRIES`` times in a row
per request; past that the URL is given up with an error naming it (stat ``salvage/interstitials_gave_up``) and the
run is partial. Stat ``salvage/jsl_solved`` counts solved steps.

List series (``-a series=ZQ-G3,ZQ-PG3,TJ-TJ3`` narrows them): 债权资产 正式披露 (G3) and 预披露 (PG3), and 金融资产推介
(TJ3, ``assetType=tj_jrzq``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawlers.parsers import cbex
from crawlers.parsers.base import ParseError
from crawlers.spiders.amc import merge
from crawlers.spiders.base import SalvageSpider

logger = logging.getLogger(__name__)
LIST_PAGE = "https://www.cbex.com.cn/xm/zqzc/ypl/"
API = "https://www.cbex.com.cn/onss-api/jsonp/project/search"
SERIES = {
    "ZQ-G3": {"businessType": "ZQ", "disclosureType": "G3", "mark": "xm"},
    "ZQ-PG3": {"businessType": "ZQ", "disclosureType": "PG3", "mark": "xm"},
    "TJ-TJ3": {"businessType": "TJ", "disclosureType": "TJ3", "assetType": "tj_jrzq"},
}
GATE_TRIES = 4


class CbexSpider(SalvageSpider):
    name = "cbex"
    parser = cbex
    allowed_domains = ["cbex.com.cn"]
    start_urls = [LIST_PAGE]
    page_size = 15
    min_items = 20
    custom_settings = {"DEFAULT_REQUEST_HEADERS": {"Accept-Language": "zh-CN,zh;q=0.9"}}

    def __init__(self, *args: Any, series: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = [s.strip() for s in (series or ",".join(SERIES)).split(",") if s.strip()]
        unknown = [s for s in names if s not in SERIES]
        if unknown:
            raise ValueError(f"cbex: unknown series {', '.join(unknown)}; known: {', '.join(SERIES)}")
        self.series = names
        self._calls = 0

    # ------------------------------------------------------------------------------------------------ the gate

    def gated(self, url: str, callback, *, cb_kwargs: dict | None = None, headers: dict | None = None,
              tries: int = 0, priority: int = 0, cookies: dict | None = None) -> scrapy.Request:
        """A request that may meet the 521 gate: `through_gate` solves it and sends the request again."""
        return scrapy.Request(url, callback=self.through_gate, headers=headers, dont_filter=tries > 0,
                              priority=priority, cookies=cookies,
                              meta={"handle_httpstatus_list": [521], "cbex_tries": tries},
                              cb_kwargs={"then": callback.__name__, "kwargs": cb_kwargs or {}})

    def through_gate(self, response: Response, then: str, kwargs: dict) -> Iterable[Any]:
        if response.status != 521:
            yield from getattr(self, then)(response, **kwargs)
            return
        tries = response.meta.get("cbex_tries", 0) + 1
        stats = self.crawler.stats
        if tries > GATE_TRIES:
            stats.inc_value("salvage/interstitials_gave_up")
            logger.error("cbex: the Jiasule gate (HTTP 521) still answers after %d solved steps at %s; given up",
                         tries - 1, response.url)
            return
        try:
            name, value = cbex.jsl_challenge(response.body, response.url)
        except ParseError as exc:
            stats.inc_value("salvage/interstitials_gave_up")
            logger.error("cbex: cannot solve the Jiasule gate at %s: %s", response.url, exc)
            return
        stats.inc_value("salvage/jsl_solved")
        request = self.gated(response.url, getattr(self, then), cb_kwargs=kwargs,
                             headers={k.decode(): v[0].decode() for k, v in response.request.headers.items()
                                      if k.lower() in (b"referer", b"accept")},
                             tries=tries, priority=response.request.priority + 1, cookies={name: value})
        yield request

    # ------------------------------------------------------------------------------------------------ navigation

    async def start(self):  # type: ignore[override]
        if self.lot_seeds:
            async for request in super().start():
                yield request
            return
        for url in self.start_urls:
            yield self.gated(url, self.after_list_page)

    def after_list_page(self, response: Response) -> Iterable[Any]:
        """The list page is passed (the session holds its clearance and csrftoken): ask the API for each series."""
        for name in self.series:
            yield self.list_request(SERIES[name], 1)

    def list_request(self, params: dict[str, str], page: int) -> scrapy.Request:
        self._calls += 1
        stamp = int(self.now().timestamp() * 1000)
        query = {"callback": f"jQuery1124{stamp % 10**16:016d}_{stamp}", "fromPage": str(page),
                 "pageSize": str(self.page_size), **params, "sortProperty": "disclosuretime", "sortDirection": "1",
                 "_": str(stamp + self._calls)}
        return self.gated(f"{API}?{urlencode(query)}", self.parse_list, headers={"Referer": LIST_PAGE},
                          cb_kwargs={"params": params, "page": page})

    def parse_list(self, response: Response, params: dict[str, str] | None = None,  # type: ignore[override]
                   page: int = 1) -> Iterable[Any]:
        result = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        for record in result.records:
            yield self.detail_request(record["url"], record)
        self.pages_seen += 1
        if result.next_url and params is not None and not (self.max_pages and self.pages_seen >= self.max_pages):
            yield self.list_request(params, page + 1)

    def detail_request(self, url: str, record: dict[str, Any]) -> scrapy.Request:
        return self.gated(url, self.parse_detail, headers={"Referer": LIST_PAGE}, cb_kwargs={"record": record})

    def lot_request(self, seed: dict[str, Any]) -> scrapy.Request:
        return self.detail_request(seed["url"], {k: v for k, v in seed.items() if k != "url"})

    def parse_detail(self, response: Response, record: dict[str, Any]) -> Iterable[Any]:
        yield merge(record, self.parser.parse_detail(response.body, response.url, self.fetched_at(response)))
