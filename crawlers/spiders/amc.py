"""Base spider for the AMCs' disposal notices: list pages (JSON APIs, some by POST, or server-rendered) → each notice's
detail page; the list record and the detail record are merged field by field (the detail wins, ``raw`` is merged).
A list row that is a lot of its own (Great Wall's asset list) is yielded as it is."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import scrapy
from scrapy.http import Response

from crawlers.spiders.base import SalvageSpider


def merge(listed: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    """The list record with the detail record on top; their ``raw`` dicts merged the same way."""
    merged = {**listed, **detail}
    if listed.get("raw") or detail.get("raw"):
        merged["raw"] = {**(listed.get("raw") or {}), **(detail.get("raw") or {})}
    return merged


class AmcNoticeSpider(SalvageSpider):
    list_headers: dict[str, str] = {}

    def wants_detail(self, record: dict[str, Any]) -> bool:
        """Whether this list record has a detail page to fetch (every notice has)."""
        return True

    def detail_request(self, url: str, record: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_detail, cb_kwargs={"record": record})

    def lot_request(self, seed: dict[str, Any]) -> scrapy.Request:
        """A single notice, for a refresh of given lots (``-a lot_urls=…``)."""
        return self.detail_request(seed["url"], {k: v for k, v in seed.items() if k != "url"})

    def records(self, page: Any) -> Iterable[Any]:
        for record in page.records:
            if self.wants_detail(record):
                yield self.detail_request(record["url"], record)
            else:
                yield record

    def parse_list(self, response: Response) -> Iterable[Any]:
        page = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        yield from self.records(page)
        for request in self.follow_next(page.next_url):
            request.headers.update(self.list_headers)
            yield request

    def parse_detail(self, response: Response, record: dict[str, Any]) -> Iterable[Any]:
        detail = self.parser.parse_detail(response.body, response.url, self.fetched_at(response))
        yield merge(record, detail)


class PostListSpider(AmcNoticeSpider):
    """Lists served by a form POST to one API URL, paged by a form field (Cinda, Orient)."""

    api_url: str
    page_field: str = "page"

    def list_forms(self) -> Iterable[dict[str, str]]:
        raise NotImplementedError

    def list_request(self, form: dict[str, str], page: int) -> scrapy.FormRequest:
        return scrapy.FormRequest(self.api_url, formdata={**form, self.page_field: str(page)},
                                  headers=self.list_headers, callback=self.parse_list,
                                  cb_kwargs={"form": form, "page": page})

    async def start(self):  # type: ignore[override]
        if getattr(self, "lot_seeds", None):
            async for request in super().start():
                yield request
            return
        for form in self.list_forms():
            yield self.list_request(form, 1)

    def parse_list(self, response: Response, form: dict[str, str], page: int) -> Iterable[Any]:  # type: ignore[override]
        result = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        yield from self.records(result)
        self.pages_seen += 1
        if result.total_pages and page < result.total_pages and result.records and not (
                self.max_pages and self.pages_seen >= self.max_pages):
            yield self.list_request(form, page + 1)
