"""`salvage schedule`: a long-running scheduler for the nights and the refresh of lots ending soon.

APScheduler 3.11 (4.x is a pre-release): a ``BlockingScheduler`` in Asia/Shanghai time, jobs from a TOML file
(``schedules/schedules.toml`` by default, ``SALVAGE_SCHEDULE`` or ``--config`` to change it). Every job has
``coalesce=True`` (several missed runs make one), ``max_instances=1`` and a large ``misfire_grace_time`` (the default
of 1 s would silently drop a late night). Jobs live in a persistent job store (SQLAlchemy on SQLite), so a night missed
while the machine was down runs when the scheduler comes back:

- at start the configured jobs are written to the store; a job already there keeps its stored next run time (a
  missed night stays due, even when the job's settings changed), a new job gets its trigger's next time, and jobs
  no longer configured are removed;
- SIGTERM (or Ctrl-C) stops the scheduler: no job starts after it; a job already running finishes (its night lock
  is released, its run files complete) before the process exits. A second SIGTERM kills it at once.

Job kinds: ``nightly`` (`schedules.nightly.run_night` for the job's sources, waiting up to ``lock_timeout`` for
another night) and ``refresh`` (the job's sources' lots with status upcoming/ongoing whose ``end_at`` is within
``within_hours``: only their detail pages, ``-a lots_file=…``; skipped when a night holds the lock; no digest, but
its runs are in ``crawl_runs`` and ``fct_run_metrics`` with kind ``refresh``).
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger("salvage.schedule")
DEFAULT_CONFIG = Path(__file__).with_name("schedules.toml")
KINDS = ("nightly", "refresh")


class ScheduleError(ValueError):
    """A schedule file that cannot work; names the file and the job."""


@dataclass
class JobSpec:
    id: str
    kind: str
    sources: list[str]
    cron: str | None = None
    every_minutes: float | None = None
    timeout: float = 3600
    within_hours: float = 24
    lock_timeout: float | None = None  # None: the scheduler's

    def trigger(self, tz: ZoneInfo) -> CronTrigger | IntervalTrigger:
        if self.cron:
            return CronTrigger.from_crontab(self.cron, timezone=tz)
        return IntervalTrigger(minutes=self.every_minutes, timezone=tz)

    def describe(self) -> str:
        return f"cron {self.cron}" if self.cron else f"every {self.every_minutes:g} min"


@dataclass
class ScheduleConfig:
    path: Path
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    jobstore: Path = Path("var/schedule.sqlite")
    misfire_grace_time: int = 43200
    lock_timeout: float = 7200
    jobs: list[JobSpec] = field(default_factory=list)


def config_path(override: str | Path | None = None) -> Path:
    return Path(override or os.environ.get("SALVAGE_SCHEDULE") or DEFAULT_CONFIG)


def load_config(path: str | Path | None = None) -> ScheduleConfig:
    path = config_path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScheduleError(f"{path}: {exc}") from exc
    head = data.get("scheduler", {})
    config = ScheduleConfig(
        path, ZoneInfo(head.get("timezone", "Asia/Shanghai")), Path(head.get("jobstore", "var/schedule.sqlite")),
        int(head.get("misfire_grace_time", 43200)), float(head.get("lock_timeout", 7200)))
    seen: set[str] = set()
    for raw in data.get("job", []):
        job_id = raw.get("id")
        where = f"{path}: job {job_id!r}"
        if not job_id or job_id in seen:
            raise ScheduleError(f"{where}: every job needs a unique id")
        seen.add(job_id)
        if raw.get("kind") not in KINDS:
            raise ScheduleError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if bool(raw.get("cron")) == bool(raw.get("every_minutes")):
            raise ScheduleError(f"{where}: give either cron or every_minutes")
        if not raw.get("sources"):
            raise ScheduleError(f"{where}: no sources")
        unknown = set(raw) - {"id", "kind", "sources", "cron", "every_minutes", "timeout", "within_hours",
                              "lock_timeout"}
        if unknown:
            raise ScheduleError(f"{where}: unknown keys {sorted(unknown)}")
        spec = JobSpec(**raw)
        try:
            spec.trigger(config.timezone)
        except ValueError as exc:
            raise ScheduleError(f"{where}: {exc}") from exc
        config.jobs.append(spec)
    return config


def _options(config: ScheduleConfig, overrides: dict[str, Any] | None) -> dict[str, Any]:
    from contracts import config as settings

    options = {"db": str(settings.db_path().resolve()), "runs": str(settings.runs_dir().resolve()),
               "replica": settings.replica_url(), "lock_timeout": config.lock_timeout}
    options.update(overrides or {})
    return options


def _store(config: ScheduleConfig) -> SQLAlchemyJobStore:
    config.jobstore.parent.mkdir(parents=True, exist_ok=True)
    store = SQLAlchemyJobStore(url=f"sqlite:///{config.jobstore.resolve()}")
    store.start(None, "default")  # creates the table; the scheduler starts it again with itself
    return store


def build_scheduler(config: ScheduleConfig, *, scheduler_cls: type[BaseScheduler] = BlockingScheduler,
                    options: dict[str, Any] | None = None) -> BaseScheduler:
    """A scheduler (not started) whose persistent store holds exactly the configured jobs; stored next run times
    are kept, so a missed run is due as soon as the scheduler starts."""
    store = _store(config)
    stored = {job.id: job.next_run_time for job in store.get_all_jobs()}
    wanted = {spec.id for spec in config.jobs}
    for job_id in set(stored) - wanted:
        store.remove_job(job_id)
        log.info("job %s is no longer configured: removed", job_id)
    store.shutdown()
    scheduler = scheduler_cls(
        jobstores={"default": SQLAlchemyJobStore(url=f"sqlite:///{config.jobstore.resolve()}")},
        executors={"default": ThreadPoolExecutor(3)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": config.misfire_grace_time},
        timezone=config.timezone,
    )
    opts = _options(config, options)
    for spec in config.jobs:
        extra = {"next_run_time": stored[spec.id]} if stored.get(spec.id) is not None else {}
        scheduler.add_job("schedules.scheduler:run_job", spec.trigger(config.timezone), id=spec.id, name=spec.id,
                          kwargs={"spec": spec.__dict__.copy(), "options": opts}, replace_existing=True, **extra)
    return scheduler


def list_jobs(config: ScheduleConfig, now: datetime | None = None) -> list[tuple[str, str, str, str, str]]:
    """(id, kind, sources, trigger, next run) of every configured job, read from the store without changing it: a
    stored next run time in the past is a missed run that the scheduler runs when it starts."""
    now = now or datetime.now(config.timezone)
    store = _store(config)
    try:
        stored = {job.id: job.next_run_time for job in store.get_all_jobs()}
    finally:
        store.shutdown()
    rows = []
    for spec in config.jobs:
        when = stored.get(spec.id) or spec.trigger(config.timezone).get_next_fire_time(None, now)
        note = ""
        if when is not None and when < now:
            late = (now - when).total_seconds()
            note = " (missed: runs at start)" if late <= config.misfire_grace_time else " (missed: too late, skipped)"
        text = "paused" if when is None else when.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M %Z") + note
        rows.append((spec.id, spec.kind, ",".join(spec.sources), spec.describe(), text))
    return rows


def serve(config: ScheduleConfig, options: dict[str, Any] | None = None) -> None:
    """Run the scheduler until SIGTERM or SIGINT (blocks)."""
    scheduler = build_scheduler(config, options=options)

    stopping = threading.Event()

    def stop(signum: int, frame: Any) -> None:
        log.info("%s: stopping; no new job starts, a running job finishes first", signal.Signals(signum).name)
        signal.signal(signum, signal.SIG_DFL)  # a second signal kills at once
        stopping.set()
        if scheduler.running:
            scheduler.shutdown(wait=False)

    def started(event: Any) -> None:
        log.info("scheduler started: %d jobs from %s, store %s", len(config.jobs), config.path, config.jobstore)
        if stopping.is_set():  # the signal came while it was starting
            scheduler.shutdown(wait=False)

    scheduler.add_listener(started, EVENT_SCHEDULER_STARTED)
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        scheduler.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("scheduler stopped")


# ------------------------------------------------------------------------------------------------- the jobs

def run_job(spec: dict[str, Any], options: dict[str, Any]) -> None:
    """What the store's jobs call (by reference, so stored jobs survive code changes)."""
    RUNNERS[spec["kind"]](JobSpec(**spec), options)


def nightly_job(spec: JobSpec, options: dict[str, Any]) -> None:
    from schedules.nightly import NightAlreadyRunning, run_night

    lock_timeout = spec.lock_timeout if spec.lock_timeout is not None else options["lock_timeout"]
    try:
        report = run_night(spec.sources, Path(options["db"]), Path(options["runs"]), replica=options.get("replica"),
                           timeout=spec.timeout, lock_timeout=lock_timeout)
    except NightAlreadyRunning as exc:
        log.error("%s: %s (waited %.0f s)", spec.id, exc, lock_timeout)
        return
    for problem in report.failed:
        log.error("%s: failed: %s", spec.id, problem)
    log.info("%s: done, %d runs ingested; digest %s", spec.id, len(report.ingested), ", ".join(report.digest))


def ending_lots(db: Path, sources: list[str], start: datetime, end: datetime) -> dict[str, list[dict[str, Any]]]:
    """Seeds (``url`` and the list's ``category`` hint) of the lots still open whose auction ends in [start, end]."""
    from warehouse.db import connect

    if not Path(db).exists():
        return {}
    con = connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT source, url, raw->>'asset_type' FROM lots WHERE source IN (SELECT unnest(?)) "
            "AND status IN ('upcoming', 'ongoing') AND end_at BETWEEN ? AND ? ORDER BY end_at",
            [sources, start, end]).fetchall()
    finally:
        con.close()
    seeds: dict[str, list[dict[str, Any]]] = {}
    for source, url, category in rows:
        seeds.setdefault(source, []).append({"url": url, **({"category": category} if category else {})})
    return seeds


def refresh_job(spec: JobSpec, options: dict[str, Any]) -> None:
    from schedules.nightly import NightAlreadyRunning, run_night

    now = datetime.fromisoformat(options["now"]) if options.get("now") else datetime.now(ZoneInfo("Asia/Shanghai"))
    seeds = ending_lots(Path(options["db"]), spec.sources, now, now + timedelta(hours=spec.within_hours))
    if not seeds:
        log.info("%s: no open lot ends within %g h", spec.id, spec.within_hours)
        return
    # the lots files stay (<runs>/<source>/seeds/): a re-parse of a refresh run crawls the same lots again
    files = {}
    for source, lots in seeds.items():
        files[source] = Path(options["runs"], source, "seeds", f"refresh-{now:%Y%m%dT%H%M%S}.jsonl").resolve()
        files[source].parent.mkdir(parents=True, exist_ok=True)
        files[source].write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in lots), encoding="utf-8")
    try:
        report = run_night(sorted(seeds), Path(options["db"]), Path(options["runs"]), replica=options.get("replica"),
                           timeout=spec.timeout, lock_timeout=spec.lock_timeout or 0, digest=False,
                           spider_args=lambda source: {"lots_file": str(files[source])})
    except NightAlreadyRunning as exc:
        log.info("%s: skipped, %s", spec.id, exc)
        return
    for problem in report.failed:
        log.error("%s: failed: %s", spec.id, problem)
    log.info("%s: refreshed %s", spec.id, ", ".join(f"{c.meta.source} {c.meta.items}/{len(seeds[c.meta.source])}"
                                                       for c in report.crawls))


RUNNERS = {"nightly": nightly_job, "refresh": refresh_job}
