"""Count what a crawl produced and judge the run.

Per item it counts ``salvage/items`` and, per `Lot` field, ``salvage/field/<name>`` (lots that have it), so the run's
stats carry every field's coverage. `run_verdict` turns the final stats into the run's status: zero items is an
error, never a quiet night.
"""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from contracts.models import LOT_FIELDS, Lot


class MonitorPipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MonitorPipeline:
        return cls(crawler)

    def process_item(self, item: Lot) -> Lot:
        self.stats.inc_value("salvage/items")
        for name in LOT_FIELDS:
            value = getattr(item, name)
            if value is not None and value != [] and value != {}:
                self.stats.inc_value(f"salvage/field/{name}")
        return item


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
