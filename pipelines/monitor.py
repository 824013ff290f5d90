"""Count what a crawl produced and judge the run.

Per item it counts ``salvage/items`` and, per `Lot` field, ``salvage/field/<name>`` (lots that have it), so the run's
stats carry every field's coverage. `run_verdict` turns the final stats into the run's status: zero items is an
error, never a quiet night.

The counts are kept here and added to the crawl's stats when the pipeline closes (Scrapy closes the item pipelines
before it sends ``spider_closed``, where the stage pipeline reads the stats): a stats call per field of every lot,
through Scrapy's stats wrapper, cost as much as the rest of this pipeline and the stage pipeline together.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from contracts.models import LOT_FIELDS, Lot


_FIELD_KEYS = tuple((name, f"salvage/field/{name}") for name in LOT_FIELDS)


class MonitorPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.counts: dict[str, int] = {}  # stats key → lots counted since the last flush

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MonitorPipeline:
        return cls(crawler)

    def process_item(self, item: Lot) -> Lot:
        counts = self.counts
        counts["salvage/items"] = counts.get("salvage/items", 0) + 1
        for name, key in _FIELD_KEYS:
            value = getattr(item, name)
            if value is not None and value != [] and value != {}:
                counts[key] = counts.get(key, 0) + 1
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        """Add the counts to the crawl's stats (as many ``inc_value`` calls as there are keys, not lots)."""
        counts, self.counts = self.counts, {}
        for key, count in counts.items():
            self.stats.inc_value(key, count)


def coverage(stats: dict[str, Any]) -> dict[str, float]:
    items = stats.get("salvage/items", 0)
    if not items:
        return {}
    return {name: round(stats.get(f"salvage/field/{name}", 0) / items, 4) for name in LOT_FIELDS}


def run_verdict(stats: dict[str, Any], reason: str, min_items: int) -> tuple[str, str | None]:
    """(status, error) of a finished crawl: ``failed``, ``partial`` or ``ok``."""
    items = stats.get("salvage/items", 0)
    problems: list[str] = []
    if reason != "finished":
        problems.append(f"crawl ended early ({reason})")
    if items == 0:
        return "failed", "; ".join(problems + ["zero items: the source is down, blocked or has changed"])
    if items < min_items:
        problems.append(f"{items} items, fewer than the declared minimum of {min_items}")
    errors = stats.get("log_count/ERROR", 0)
    if errors:
        problems.append(f"{errors} errors logged (parse errors, pages given up on)")
    if reason != "finished":
        return "failed", "; ".join(problems)
    return ("partial", "; ".join(problems)) if problems else ("ok", None)
