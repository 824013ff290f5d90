"""The base every Salvage spider builds on: navigation only, parsing is delegated to a pure parser module.

A spider declares ``name`` (= source slug = parser module = golden folder), ``parser`` (its module in
``crawlers.parsers``), ``start_urls`` (real site URLs; a replica is reached through ``SALVAGE_REPLICA``), and
``min_items`` (the least a healthy night yields; fewer is reported). ``-a start_urls=URL[,URL…]`` and
``-a max_pages=N`` narrow a crawl. ``-a lots_file=PATH`` (JSON lines: ``{"url": …, …}``, the rest of each line is
the record a list page would have given, e.g. ``category``) or ``-a lot_urls=URL[,URL…]`` crawls only those lots'
detail pages, no list pages (the scheduler's refresh of lots ending soon); the run's stats say
``salvage/kind = refresh``. ``-s SALVAGE_CLOCK=2026-11-20T02:00:00+08:00`` sets the crawl's clock (the demo
simulates two nights with it): fetch times are that instant plus the time elapsed since the spider started.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import json
import time

import scrapy
from scrapy.http import Response

SHANGHAI = ZoneInfo("Asia/Shanghai")


class SalvageSpider(scrapy.Spider):
    parser: ModuleType
    min_items: int = 1

    def __init__(self, *args: Any, start_urls: str | Iterable[str] | None = None, max_pages: str | int = 0,
                 lots_file: str | None = None, lot_urls: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.narrowed = {k: v for k, v in (("lots_file", lots_file), ("lot_urls", lot_urls)) if v}
        self.lot_seeds: list[dict[str, Any]] = [{"url": u.strip()} for u in (lot_urls or "").split(",") if u.strip()]
        if lots_file:
            with open(lots_file, encoding="utf-8") as handle:
                self.lot_seeds += [json.loads(line) for line in handle if line.strip()]
        if self.lot_seeds:
            self.min_items = 1  # a refresh is as big as its list of lots
        if isinstance(start_urls, str):
            start_urls = [u.strip() for u in start_urls.split(",") if u.strip()]
        if start_urls:
            self.start_urls = list(start_urls)
        self.max_pages = int(max_pages or 0)
        self.pages_seen = 0

    def now(self) -> datetime:
        """The crawl clock: real time, or ``SALVAGE_CLOCK`` plus the time elapsed since the crawl started."""
        if not hasattr(self, "_clock"):
            start = self.settings.get("SALVAGE_CLOCK") if hasattr(self, "settings") else None
            self._clock = (datetime.fromisoformat(start) if start else None, time.monotonic())
        base, t0 = self._clock
        if base is None:
            return datetime.now(SHANGHAI)
        return (base + timedelta(seconds=time.monotonic() - t0)).astimezone(SHANGHAI)

    def is_interstitial(self, body: bytes) -> str | None:
        """Used by ``InterstitialMiddleware``: the anti-bot marker in ``body``, if any."""
        return self.parser.is_interstitial(body)

    def fetched_at(self, response: Response) -> datetime:
        """The crawl time of a response (spiders may read the clock; parsers never do): the time the archive
        recorded for it (``salvage_fetched_at``, also the original time when a re-parse replays it), else now."""
        try:
            recorded = response.meta.get("salvage_fetched_at")
        except AttributeError:  # a response not tied to a request (tests)
            recorded = None
        return recorded or self.now()

    async def start(self) -> AsyncIterator[Any]:
        if self.max_pages:
            self.narrowed["max_pages"] = str(self.max_pages)
        if self.narrowed:  # a re-parse of this run passes them again (salvage/reparse.py)
            self.crawler.stats.set_value("salvage/spider_args", dict(self.narrowed))
        if self.lot_seeds:
            self.crawler.stats.set_value("salvage/kind", "refresh")
            for seed in self.lot_seeds:
                yield self.lot_request(seed)
            return
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse_list)

    def follow_next(self, next_url: str | None) -> Iterable[scrapy.Request]:
        self.pages_seen += 1
        if next_url and not (self.max_pages and self.pages_seen >= self.max_pages):
            yield scrapy.Request(next_url, callback=self.parse_list)

    def parse_list(self, response: Response) -> Iterable[Any]:
        raise NotImplementedError

    def lot_request(self, seed: dict[str, Any]) -> scrapy.Request:
        """The request for one lot's page when only given lots are crawled (``seed``: ``url`` and list fields)."""
        raise NotImplementedError(f"{self.name} cannot crawl single lots")
