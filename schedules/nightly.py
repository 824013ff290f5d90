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
- A night that is killed (``kill -9``, the machine stops) takes its crawls with it (`crawlers.runner`: each crawl's
  guard dies with its night and kills the crawl's whole tree). What it leaves is found by the next night through
  the night's journal (``<db>.night.journal``: every run a night starts, written before the crawl starts, removed
  once the night's ingest has committed): a run that had finished is loaded now; a run that never finished has its
  partial files discarded and is recorded as a failed run ("never finished"), so the killed night shows in
  ``crawl_runs``. Each is named in the log (warnings on stderr) and in the digest.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from filelock import FileLock, Timeout

from contracts import journal
from contracts.runfiles import RunMeta, RunPaths, RunWriter
from crawlers.runner import CrawlResult, crawl_alive, kill_crawl, run_crawl
from crawlers.runner import lock_path as run_lock_path
from schedules.digest import deliver_digest
from warehouse.ingest import RunResult
from warehouse.monitoring import MetricsHook, RunHealth, build_digest

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")


class NightAlreadyRunning(RuntimeError):
    """Another night holds the lock."""


@dataclass
class NightReport:
    crawls: list[CrawlResult] = field(default_factory=list)
    ingested: list[RunResult] = field(default_factory=list)
    health: list[RunHealth] = field(default_factory=list)
    digest: list[str] = field(default_factory=list)  # where the health digest went (files, smtp://)
    leftovers: list[Leftover] = field(default_factory=list)  # runs an earlier night started and never loaded

    @property
    def failed(self) -> list[str]:
        bad = [f"{c.meta.source}: {c.meta.error or c.meta.status}" for c in self.crawls if c.meta.status == "failed"]
        return bad + [f"{r.source}: {r.error}" for r in self.ingested if r.status == "refused"]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".night.lock")


def journal_path(db: Path) -> Path:
    """The runs the nights started and have not loaded yet (one JSON object a line)."""
    return db.with_name(db.name + ".night.journal")


@dataclass
class Leftover:
    """A run an earlier night started but never loaded, and what this night did with it."""

    run_id: str
    source: str
    meta: Path | None  # the meta file to load (None: the crawl still runs and is left alone)
    action: str  # "load" (it had finished) | "discarded" (it never finished) | "running"
    detail: str = ""
    loaded: str = ""  # after the ingest: loaded | skipped (already loaded) | refused: …

    def describe(self) -> str:
        head = f"an earlier night did not finish: its {self.source} run {self.run_id}"
        if self.action == "load":
            outcome = {"loaded": "is loaded now", "skipped": "was loaded already"}.get(
                self.loaded, self.loaded or "is being loaded")
            return f"{head} had finished and {outcome}"
        if self.action == "discarded":
            return (f"{head} never finished: its partial files were discarded ({self.detail}) and it is recorded "
                    "as a failed run")
        return f"{head}: {self.detail}"


class _Journal:
    """Appends the runs this night starts to the journal, durably, before each crawl starts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def add(self, paths: RunPaths) -> None:
        with self._lock:
            journal.append_line(self.path, {"run_id": paths.run_id, "directory": str(paths.directory.resolve())})

    def entries(self) -> list[dict[str, str]]:
        # a line torn by a night killed while writing it is skipped: its crawl never started
        return [e for e in journal.read_lines(self.path) if e.get("run_id") and e.get("directory")]

    def rewrite(self, entries: list[dict[str, str]]) -> None:
        if not entries:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")
        os.replace(tmp, self.path)


def _started_at(run_id: str) -> datetime:
    """The start time written in a run id (``<source>-YYYYmmddTHHMMSS-<hex>``, China time)."""
    try:
        return datetime.strptime(run_id.rsplit("-", 2)[-2], "%Y%m%dT%H%M%S").replace(tzinfo=SHANGHAI)
    except (ValueError, IndexError):
        return datetime.now(SHANGHAI)


def _wait_until_stopped(paths: RunPaths, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while crawl_alive(paths):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.25)
    return True


def recover_leftovers(journal: _Journal) -> list[Leftover]:
    """Settle every run in the journal (runs of nights that never reached their commit): a finished one is to be
    loaded; an unfinished one has its ``.part`` files discarded and gets a failed meta (so it is loaded as a failed
    run); one whose crawl still runs (its guard did not stop it) is killed first."""
    leftovers = []
    for entry in journal.entries():
        paths = RunPaths(Path(entry["directory"]), entry["run_id"])
        source = paths.directory.name
        if not paths.meta.exists() and crawl_alive(paths) and not _wait_until_stopped(paths, 5):
            killed = kill_crawl(paths.run_id)
            logger.warning("%s run %s outlived the night that started it: killed %d processes", source,
                           paths.run_id, killed)
            if not _wait_until_stopped(paths, 10):
                leftovers.append(Leftover(paths.run_id, source, None, "running",
                                          "its crawl still runs and could not be stopped: left alone"))
                continue
        if paths.meta.exists():
            leftovers.append(Leftover(paths.run_id, source, paths.meta, "load"))
            continue
        parts = sorted(paths.directory.glob(f"{paths.run_id}.*.part"))
        try:
            written = int(paths.progress.read_text(encoding="ascii"))
        except (OSError, ValueError):
            written = 0
        for stale in parts:
            stale.unlink()
        paths.progress.unlink(missing_ok=True)
        run_lock_path(paths).unlink(missing_ok=True)
        names = ", ".join(p.name for p in parts) or "none had been written"
        counted = f"at least {written}" if written else f"fewer than {RunWriter.PROGRESS_EVERY}"
        detail = f"{names}; {counted} lots written" if parts else names
        writer = RunWriter(paths.directory.parent, source, _started_at(paths.run_id), run_id=paths.run_id)
        writer.close(datetime.now(SHANGHAI), "failed",
                     "crawl never finished: the night running it was killed (or the machine stopped) before the "
                     f"crawl wrote its run file; partial files discarded ({detail})", {})
        leftovers.append(Leftover(paths.run_id, source, paths.meta, "discarded", detail))
    for leftover in leftovers:
        if leftover.action != "load":  # a run to load is named once the ingest says how it went
            logger.warning("%s", leftover.describe())
    return leftovers


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
        journal = _Journal(journal_path(db))
        report.leftovers = recover_leftovers(journal)
        running = {lo.run_id for lo in report.leftovers if lo.action == "running"}
        still_running = [e for e in journal.entries() if e["run_id"] in running]

        def crawl(source: str) -> CrawlResult:
            result = run_crawl(source, runs, replica=replica, clock=clock, timeout=timeout, settings=settings,
                               spider_args=spider_args(source) if spider_args else None, on_start=journal.add)
            if on_crawl:
                on_crawl(result)
            return result

        with ThreadPoolExecutor(max(1, parallel)) as pool:
            report.crawls = list(pool.map(crawl, sources))
        metrics = MetricsHook()
        name = title or f"night of {(clock or datetime.now()).strftime('%Y-%m-%d')}: {', '.join(sources)}"
        earlier = sorted((lo.meta for lo in report.leftovers if lo.meta is not None),
                         key=lambda p: (RunMeta.load(p).started_at, p.name))
        try:
            with publishing(db) as con:  # analysts keep reading the previous night meanwhile
                report.ingested = ingest(con, [*earlier, *(c.paths.meta for c in report.crawls)],
                                         hooks=[metrics, *hooks])
        except Exception as exc:
            if digest:
                crawled = [f"{c.meta.source}: crawl {c.meta.status}, {c.meta.items} items" for c in report.crawls]
                report.digest = deliver_digest(build_digest([], title=name, failed=[
                    f"ingest failed, nothing of this night was loaded: {type(exc).__name__}: {exc}", *crawled,
                    *(lo.describe() for lo in report.leftovers)]), directory=digest_dir or _digest_dir(runs))
            raise
        journal.rewrite(still_running)  # everything else is loaded now
        outcome = {r.run_id: r.status if r.status != "refused" else f"refused: {r.error}" for r in report.ingested}
        for leftover in report.leftovers:
            leftover.loaded = outcome.get(leftover.run_id, "")
            if leftover.action == "load":
                logger.warning("%s", leftover.describe())
        report.health = metrics.runs
        if digest:
            refused = [f"{r.source}: run file refused: {r.error}" for r in report.ingested if r.status == "refused"]
            report.digest = deliver_digest(build_digest(report.health, title=name, failed=[
                *refused, *(lo.describe() for lo in report.leftovers)]), directory=digest_dir or _digest_dir(runs))
        return report
    finally:
        lock.release()
