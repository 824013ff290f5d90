"""Refuse raw records that cannot be a lot: wrong source, no id, no URL, or keys no parser should produce."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from contracts.models import LOT_FIELDS

HINT_KEYS = frozenset({"units", "category", "location_code", "location"})
ALLOWED_KEYS = frozenset(LOT_FIELDS) | HINT_KEYS


class ValidatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        spider = self.crawler.spider
        if not isinstance(item, dict):
            raise DropItem(f"{spider.name}: expected a raw record (dict), got {type(item).__name__}")
        url = item.get("url") or "?"
        if item.get("source") != spider.name:
            raise DropItem(f"{spider.name}: record of source {item.get('source')!r} at {url}")
        for key in ("source_lot_id", "url", "fetched_at"):
            if not item.get(key):
                raise DropItem(f"{spider.name}: record without {key} at {url}")
        unknown = sorted(set(item) - ALLOWED_KEYS)
        if unknown:
            raise DropItem(f"{spider.name}: unknown keys {unknown} in record at {url}")
        return item
