"""One night: crawl every enabled source, ingest what finished, report. What a crontab line runs.

- A file lock (``<db>.night.lock``) keeps two nights from overlapping: the second one is refused at once with an
  error naming the lock, and changes nothing.
- Each source is its own ``scrapy crawl`` subprocess with a hard timeout on its process group (browser included);
  two run at a time (the machine has two cores).
- Every run that finished is ingested in one transaction, with the hooks (alert events) inside it. A failed source
  is reported and the others still load; the night's exit status is non-zero when any source failed.
- Run monitoring (`warehouse.monitoring.record_run_metrics`) is always one of the hooks: every run's counts, field
  coverage and health against the source's previous runs land in ``fct_run_metrics`` in the same transaction. After
  the commit the health digest (text + HTML) is written to ``SALVAGE_DIGEST_DIR`` (default: ``digests/`` beside
  the runs folder) and mailed to
  ``SALVAGE_DIGEST_TO`` when SMTP is configured. If the ingest itself fails, the digest says so and the error is
  raised.
- The scheduler (`schedules.scheduler`) calls the same function, waiting up to ``lock_timeout`` seconds for a night
  that is still running instead of being refused at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from crawlers.runner import CrawlResult, run_crawl
from schedules.digest import deliver_digest
from warehouse.ingest import RunResult
from warehouse.monitoring import MetricsHook, RunHealth, build_digest


class NightAlreadyRunning(RuntimeError):
    """Another night holds the lock."""


@dataclass
class NightReport:
    crawls: list[CrawlResult] = field(default_factory=list)
    ingested: list[RunResult] = field(default_factory=list)
    health: list[RunHealth] = field(default_factory=list)
    digest: list[str] = field(default_factory=list)  # where the health digest went (files, smtp://)

    @property
    def failed(self) -> list[str]:
        bad = [f"{c.meta.source}: {c.meta.error or c.meta.status}" for c in self.crawls if c.meta.status == "failed"]
        return bad + [f"{r.source}: {r.error}" for r in self.ingested if r.status == "refused"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".night.lock")


def _digest_dir(runs: Path) -> Path:
    """``SALVAGE_DIGEST_DIR``, else ``digests/`` beside the runs folder."""
    import os

    return Path(os.environ.get("SALVAGE_DIGEST_DIR") or Path(runs).resolve().parent / "digests")


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
    lock_timeout: float = 0,
    settings: dict[str, str] | None = None,
    spider_args: Callable[[str], dict[str, str] | None] | None = None,
    digest: bool = True,
    digest_dir: Path | None = None,
    title: str | None = None,
) -> NightReport:
    """Crawl ``sources`` and ingest their runs under the night lock (waiting at most ``lock_timeout`` seconds for
    it). ``spider_args(source)`` gives a source's ``-a`` arguments (the refresh job's lot list). Raises
    `NightAlreadyRunning`."""
    from warehouse.db import publishing
    from warehouse.ingest import ingest

    lock = FileLock(str(lock_path(db)))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout as exc:
        raise NightAlreadyRunning(f"another night is running (lock {lock_path(db)} is held); nothing done") from exc
    try:
        report = NightReport()

        def crawl(source: str) -> CrawlResult:
            result = run_crawl(source, runs, replica=replica, clock=clock, timeout=timeout, settings=settings,
                               spider_args=spider_args(source) if spider_args else None)
            if on_crawl:
                on_crawl(result)
            return result

        with ThreadPoolExecutor(max(1, parallel)) as pool:
            report.crawls = list(pool.map(crawl, sources))
        metrics = MetricsHook()
        name = title or f"night of {(clock or datetime.now()).strftime('%Y-%m-%d')}: {', '.join(sources)}"
        try:
            with publishing(db) as con:  # analysts keep reading the previous night meanwhile
                report.ingested = ingest(con, [c.paths.meta for c in report.crawls], hooks=[metrics, *hooks])
        except Exception as exc:
            if digest:
                crawled = [f"{c.meta.source}: crawl {c.meta.status}, {c.meta.items} items" for c in report.crawls]
                report.digest = deliver_digest(build_digest([], title=name, failed=[
                    f"ingest failed, nothing of this night was loaded: {type(exc).__name__}: {exc}", *crawled]),
                    directory=digest_dir or _digest_dir(runs))
            raise
        report.health = metrics.runs
        if digest:
            refused = [f"{r.source}: run file refused: {r.error}" for r in report.ingested if r.status == "refused"]
            report.digest = deliver_digest(build_digest(report.health, title=name, failed=refused),
                                           directory=digest_dir or _digest_dir(runs))
        return report
    finally:
        lock.release()
