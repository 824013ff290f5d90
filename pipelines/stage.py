"""Write the run file: every normalized lot as a JSON line, every refused record to the rejects file, then the
meta file (with the run's verdict and stats) once the spider has closed. The crawl never opens the warehouse."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from pipelines.monitor import coverage, run_verdict
from contracts.models import Lot
from contracts.runfiles import RunWriter

SHANGHAI = ZoneInfo("Asia/Shanghai")


class StagePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.writer: RunWriter | None = None
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.spider_error, signal=signals.spider_error)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StagePipeline:
        return cls(crawler)

    @staticmethod
    def _now(spider: Spider) -> datetime:
        now = getattr(spider, "now", None)
        return now() if now else datetime.now(SHANGHAI)

    def open_spider(self) -> None:
        settings = self.crawler.settings
        self.writer = RunWriter(
            Path(settings.get("SALVAGE_RUNS")),
            self.crawler.spider.name,
            self._now(self.crawler.spider),
            run_id=settings.get("SALVAGE_RUN_ID"),
        )

    def process_item(self, item: Lot) -> Lot:
        assert self.writer is not None
        self.writer.write_lot(item)
        return item

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Spider) -> None:
        if self.writer is None:
            return
        record = item if isinstance(item, dict) else {}
        self.writer.write_reject({
            "source": spider.name,
            "source_lot_id": record.get("source_lot_id"),
            "url": record.get("url") or getattr(response, "url", None),
            "reason": str(exception),
            "record": record,
        })

    def spider_error(self, failure: Any, response: Any, spider: Spider) -> None:
        """A page the spider's parser refused (``ParseError``: cut short, malformed, a field missing) or tripped on:
        a reject row with the page's URL, so a refused page is counted in ``fct_rejects``, not only logged."""
        if self.writer is None:
            return
        error = getattr(failure, "value", failure)
        self.writer.write_reject({
            "source": spider.name,
            "source_lot_id": None,
            "url": getattr(response, "url", None),
            "reason": str(error) if isinstance(error, ValueError) else f"{type(error).__name__}: {error}",
            "record": {},
        })

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.writer is None:
            return
        stats = dict(self.crawler.stats.get_stats())
        status, error = run_verdict(stats, reason, getattr(spider, "min_items", 1))
        stats["salvage/coverage"] = coverage(stats)
        meta = self.writer.close(self._now(spider), status, error, stats)
        log = spider.logger.error if status == "failed" else spider.logger.info
        log("run %s: %s, %d items, %d rejects%s", meta.run_id, status, meta.items, meta.rejects,
            f" ({error})" if error else "")
