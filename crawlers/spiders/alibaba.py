"""Base spider for Alibaba's legacy HTML auction sites (judicial sf and asset zc share the site software).

Navigation: list pages (embedded ``#sf-item-list-data`` JSON, ``a.next`` pagination) → each lot's detail page →
its lazily loaded 竞买公告 (for the case number) and, for 债权 lots, the claim description. The list record and the
detail records are merged field by field, the detail page winning. ``-a generation=mtop`` walks the current mtop
API instead (`crawlers.spiders.alibaba_mtop`), yielding records of the same source and ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.spiders.alibaba_mtop import MtopGeneration
from crawlers.spiders.base import SalvageSpider


class AlibabaAuctionSpider(MtopGeneration, SalvageSpider):
    def parse_list(self, response: Response) -> Iterable[Any]:
        page = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        for record in page.records:
            yield scrapy.Request(record["url"], callback=self.parse_detail, cb_kwargs={"record": record})
        yield from self.follow_next(page.next_url)

    def lot_request(self, seed: dict[str, Any]) -> scrapy.Request:
        record = {k: v for k, v in seed.items() if k != "url"}
        return scrapy.Request(seed["url"], callback=self.parse_detail, cb_kwargs={"record": record})

    def parse_detail(self, response: Response, record: dict[str, Any]) -> Iterable[Any]:
        record = {**record, **self.parser.parse_detail(response.body, response.url, self.fetched_at(response))}
        pending = self.pending_parts(record, self.parser.detail_links(response.body, response.url))
        yield from self.next_part(record, pending)

    def pending_parts(self, record: dict[str, Any], links: dict[str, str]) -> list[tuple[str, str]]:
        """(part, url) still to fetch for this lot; each part's parser is ``parse_<part>``."""
        return [("notice", links["notice"])] if "notice" in links else []

    def next_part(self, record: dict[str, Any], pending: list[tuple[str, str]]) -> Iterable[Any]:
        if not pending:
            yield record
            return
        (part, url), rest = pending[0], pending[1:]
        yield scrapy.Request(url, callback=self.parse_part, cb_kwargs={"record": record, "part": part, "rest": rest})

    def parse_part(self, response: Response, record: dict[str, Any], part: str,
                   rest: list[tuple[str, str]]) -> Iterable[Any]:
        parse = getattr(self.parser, f"parse_{part}")
        found = parse(response.body, response.url, self.fetched_at(response))
        record = {**record, **{k: v for k, v in found.items() if v not in (None, "", [])}}
        yield from self.next_part(record, rest)
