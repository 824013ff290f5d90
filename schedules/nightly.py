"""One night: crawl every enabled source, ingest what finished, report. What a crontab line runs.

- A file lock (``<db>.night.lock``) keeps two nights from overlapping: the second one is refused at once with an
  error naming the lock, and changes nothing.
- Each source is its own ``scrapy crawl`` subprocess with a hard timeout on its process group (browser included);
  two run at a time (the machine has two cores).
- Every run that finished is ingested in one transaction, with the hooks (alert events) inside it. A failed source
  is reported and the others still load; the night's exit status is non-zero when any source failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from salvage.crawl import CrawlResult, run_crawl
from warehouse.ingest import RunResult


class NightAlreadyRunning(RuntimeError):
    """Another night holds the lock."""


@dataclass
class NightReport:
    crawls: list[CrawlResult] = field(default_factory=list)
    ingested: list[RunResult] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        bad = [f"{c.meta.source}: {c.meta.error or c.meta.status}" for c in self.crawls if c.meta.status == "failed"]
        return bad + [f"{r.source}: {r.error}" for r in self.ingested if r.status == "refused"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".night.lock")


def run_night(
    sources: Sequence[str],
    db: Path,
    runs: Path,
    *,
    replica: str | None = None,
    clock: datetime | None = None,
    timeout: float = 3600,
    parallel: int = 2,
    hooks: Iterable[Callable] = (),
    on_crawl: Callable[[CrawlResult], None] | None = None,
) -> NightReport:
    """Crawl ``sources`` and ingest their runs under the night lock. Raises `NightAlreadyRunning`."""
    from warehouse.db import publishing
    from warehouse.ingest import ingest

    lock = FileLock(str(lock_path(db)))
    try:
        lock.acquire(timeout=0)
    except Timeout as exc:
        raise NightAlreadyRunning(f"another night is running (lock {lock_path(db)} is held); nothing done") from exc
    try:
        report = NightReport()

        def crawl(source: str) -> CrawlResult:
            result = run_crawl(source, runs, replica=replica, clock=clock, timeout=timeout)
            if on_crawl:
                on_crawl(result)
            return result

        with ThreadPoolExecutor(max(1, parallel)) as pool:
            report.crawls = list(pool.map(crawl, sources))
        with publishing(db) as con:  # analysts keep reading the previous night meanwhile
            report.ingested = ingest(con, [c.paths.meta for c in report.crawls], hooks=list(hooks))
        return report
    finally:
        lock.release()
