"""A night crawled by several workers on several machines, sharing one Redis (docs/scaling.md).

    salvage dispatch (the coordinator)            salvage worker (one per core / machine)
      night lock, enqueue (night, source, 0) ─▶ Redis ◀─ claim a job (lease), heartbeat, run_crawl, report
      wait for every job's result               │
      publish(db, metas, hooks) once            └─ per-site politeness budget (crawlers/politeness.py)

- A job is one crawl of one source for one night (`crawlers.jobqueue`); it runs as `crawlers.runner.run_crawl`
  runs it for the nightly job (guard, time limit, run files), into the runs folder every worker and the coordinator
  share (a shared volume). The job's result names the run's meta file relative to that folder.
- A worker killed mid-crawl (``kill -9``, the machine gone) takes its crawl with it (the crawl's guard dies with
  its parent); its lease ends, another worker takes the job again and crawls the source again (lot pages the
  killed attempt had fetched are answered from its archive, as after a killed night). The earlier attempt's
  unfinished run files are discarded by the attempt after it. Only the first result of a job counts.
- Redis restarted mid-crawl: the queue is on disk (append-only file, fsync on every write); workers, the
  coordinator and the crawls' politeness middleware wait for it and carry on.
- The coordinator publishes once every job of the night has a result, in the order the sources were given, so a
  distributed night loads exactly what the same night crawled in one process would load. ``publish(db, metas,
  hooks)`` is a parameter; the default, `publish_duckdb`, is the nightly run's: one transaction on a copy of the
  DuckDB file, renamed over it when the whole night is in (readers keep the last night meanwhile).
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from contracts.runfiles import RunMeta, RunPaths, RunWriter
from crawlers.jobqueue import Job, JobQueue
from crawlers.runner import CrawlResult, crawl_alive, run_crawl
from crawlers.runner import lock_path as run_lock_path

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")

Publish = Callable[[Path, list[Path], Sequence[Callable]], list]


def publish_duckdb(db: Path, metas: list[Path], hooks: Sequence[Callable] = ()) -> list:
    """Load the night's runs into the DuckDB file ``db`` as the nightly run does (`warehouse.db.publishing`)."""
    from warehouse.db import publishing
    from warehouse.ingest import ingest

    with publishing(db) as con:
        return ingest(con, metas, hooks=list(hooks))


def night_batch(clock: datetime) -> str:
    """The batch id of the night crawled at ``clock``: its day in China time (dispatching the same night again adds
    nothing)."""
    return "night-" + clock.astimezone(SHANGHAI).strftime("%Y%m%d")


def dispatch(queue: JobQueue, sources: Sequence[str], *, batch: str, replica: str | None = None,
             clock: datetime | None = None, timeout: float = 3600, settings: dict[str, str] | None = None,
             spider_args: Callable[[str], dict[str, str] | None] | None = None) -> list[str]:
    """Enqueue one crawl job per source; returns the job ids (in the order of ``sources``)."""
    ids = []
    for source in sources:
        job_id, _ = queue.enqueue(batch, {
            "source": source, "shard": 0, "replica": replica, "clock": clock.isoformat() if clock else None,
            "timeout": timeout, "settings": dict(settings or {}),
            "spider_args": (spider_args(source) if spider_args else None) or {}})
        ids.append(job_id)
    return ids


# ------------------------------------------------------------------------------------------------- worker

def discard_earlier_attempts(queue: JobQueue, job: Job, runs: Path) -> list[str]:
    """Settle the job's earlier attempts whose crawl is dead and never finished: their unfinished run files go,
    their archive is closed after its last whole record (the new crawl resumes its lot pages from it, as after a
    killed night: `crawlers.archive`)."""
    from crawlers.archive import recover_archive

    discarded = []
    for ref in queue.attempts_noted(job.id):
        source, _, run_id = ref.partition("/")
        paths = RunPaths(runs / source, run_id)
        if paths.meta.exists() or not paths.directory.exists() or crawl_alive(paths):
            continue
        for part in paths.directory.glob(f"{run_id}.*.part"):
            if part.name.endswith(".warc.gz.part"):
                recover_archive(part)
            else:
                part.unlink(missing_ok=True)
        paths.progress.unlink(missing_ok=True)
        run_lock_path(paths).unlink(missing_ok=True)
        discarded.append(run_id)
    return discarded


def finished_attempt(queue: JobQueue, job: Job, runs: Path) -> dict | None:
    """The result of an earlier attempt whose crawl finished (its worker died before reporting it), if any."""
    for ref in reversed(queue.attempts_noted(job.id)):
        source, _, run_id = ref.partition("/")
        meta_path = RunPaths(runs / source, run_id).meta
        if meta_path.exists():
            meta = RunMeta.load(meta_path)
            if meta.status != "failed":
                return {"status": meta.status, "items": meta.items, "error": meta.error,
                        "meta": f"{source}/{run_id}.meta.json"}
    return None


NOT_COUNTED = ".not-counted"  # appended to the meta file of a run whose job another attempt reported first


def set_aside(runs: Path, result: dict) -> None:
    """Hide a run that was not counted from `salvage ingest` (which loads every ``*.meta.json`` under the runs)."""
    meta = Path(runs) / (result.get("meta") or "")
    if result.get("meta") and meta.exists():
        meta.rename(meta.with_name(meta.name + NOT_COUNTED))


def run_job(queue: JobQueue, job: Job, runs: Path) -> dict:
    """Crawl ``job``'s source into ``runs``; the result to report (status, items, the meta file). An earlier
    attempt that finished its crawl but died before reporting is reported instead of crawling again."""
    spec = job.spec
    runs = Path(runs).resolve()
    if job.attempt > 1 and (done := finished_attempt(queue, job, runs)) is not None:
        logger.warning("%s: attempt %d reports the finished run %s of an earlier attempt", job.id, job.attempt,
                       done["meta"])
        return done
    for run_id in discard_earlier_attempts(queue, job, runs):
        logger.warning("%s: attempt %d; discarded the unfinished run %s of an earlier attempt", job.id,
                       job.attempt, run_id)
    settings = {**spec.get("settings", {}), "SALVAGE_REDIS_URL": queue.url, "SALVAGE_REDIS_NAMESPACE": queue.ns}
    clock = datetime.fromisoformat(spec["clock"]) if spec.get("clock") else None
    result = run_crawl(spec["source"], runs, replica=spec.get("replica"), clock=clock,
                       timeout=float(spec.get("timeout") or 3600), settings=settings,
                       spider_args=spec.get("spider_args") or None,
                       on_start=lambda paths: queue.note_attempt(job, f"{spec['source']}/{paths.run_id}"))
    return {"status": result.meta.status, "items": result.meta.items, "error": result.meta.error,
            "meta": f"{spec['source']}/{result.paths.run_id}.meta.json"}


class _Heartbeat(threading.Thread):
    def __init__(self, queue: JobQueue, job: Job) -> None:
        super().__init__(name=f"heartbeat {job.id}", daemon=True)
        self.queue, self.job = queue, job
        self.done = threading.Event()
        self.lost = False

    def run(self) -> None:
        while not self.done.wait(self.queue.lease / 3):
            try:
                if not self.queue.renew(self.job) and not self.lost:
                    self.lost = True
                    logger.warning("%s: lease lost (it ran out; another worker may run the job too: only the first "
                                   "result counts)", self.job.id)
            except Exception as exc:  # noqa: BLE001 - a heartbeat that fails is retried next beat
                logger.warning("%s: heartbeat failed: %s", self.job.id, exc)


@dataclass
class WorkerStats:
    done: int = 0
    duplicates: int = 0
    failed: int = 0


class Worker:
    """Takes jobs until told to stop (`JobQueue.request_stop`, SIGTERM after the current job) or, with ``drain``,
    until nothing is pending or leased."""

    def __init__(self, queue: JobQueue, runs: Path, *, name: str | None = None, drain: bool = False,
                 poll: float = 1.0, on_job: Callable[[Job, dict, bool], None] | None = None) -> None:
        self.queue, self.runs, self.drain, self.poll, self.on_job = queue, Path(runs), drain, poll, on_job
        self.name = name or f"{socket.gethostname()}-{os.getpid()}"
        self.stopping = threading.Event()
        self.stats = WorkerStats()

    def run(self) -> WorkerStats:
        started = time.time()
        while not self.stopping.is_set() and not self.queue.stop_requested(started):
            job = self.queue.claim(self.name)
            if job is None:
                if self.drain and self.queue.idle():
                    break
                self.stopping.wait(self.poll)
                continue
            logger.info("%s: took %s (attempt %d)", self.name, job.id, job.attempt)
            beat = _Heartbeat(self.queue, job)
            beat.start()
            try:
                result = run_job(self.queue, job, self.runs)
            except Exception as exc:  # noqa: BLE001 - reported as the job's result, the worker goes on
                logger.exception("%s: %s failed", self.name, job.id)
                result = {"status": "failed", "items": 0, "error": f"worker {self.name}: {type(exc).__name__}: {exc}",
                          "meta": None}
            finally:
                beat.done.set()
                beat.join()
            kept = self.queue.complete(job, {**result, "worker": self.name})
            if not kept and (self.queue.result(job.id) or {}).get("meta") != result.get("meta"):
                set_aside(self.runs, result)
            self.stats.done += kept
            self.stats.duplicates += not kept
            self.stats.failed += kept and result["status"] == "failed"
            logger.info("%s: %s %s, %s items%s", self.name, job.id, result["status"], result["items"],
                        "" if kept else " (another attempt reported first: not counted)")
            if self.on_job:
                self.on_job(job, result, kept)
        return self.stats


# ------------------------------------------------------------------------------------------------- coordinator

@dataclass
class DistributedNight:
    batch: str
    crawls: list[CrawlResult] = field(default_factory=list)
    ingested: list = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)  # job id -> the attempt whose result counted

    @property
    def failed(self) -> list[str]:
        bad = [f"{c.meta.source}: {c.meta.error or c.meta.status}" for c in self.crawls if c.meta.status == "failed"]
        return bad + [f"{r.source}: {r.error}" for r in self.ingested if r.status == "refused"]


def _crawl_result(runs: Path, source: str, result: dict, started: datetime) -> CrawlResult:
    if result.get("meta") and (runs / result["meta"]).exists():
        meta_path = runs / result["meta"]
        meta = RunMeta.load(meta_path)
        paths = RunPaths(meta_path.parent, meta.run_id)
    else:  # the job failed without a run of its own (worker error, lease lost too often): record a failed run
        writer = RunWriter(runs, source, started)
        error = result.get("error") or "the job ended without a run file"
        if result.get("meta"):
            error += f" (its meta file {result['meta']} is not in {runs}: do workers share the runs folder?)"
        meta = writer.close(datetime.now(SHANGHAI), "failed", error, {})
        paths = RunPaths(runs / source, meta.run_id)
    return CrawlResult(meta, paths, 0 if meta.status != "failed" else 1, paths.directory / f"{meta.run_id}.log")


def run_night(
    queue: JobQueue,
    sources: Sequence[str],
    db: Path,
    runs: Path,
    *,
    batch: str | None = None,
    replica: str | None = None,
    clock: datetime | None = None,
    timeout: float = 3600,
    settings: dict[str, str] | None = None,
    hooks: Iterable[Callable] = (),
    publish: Publish | None = publish_duckdb,
    wait_timeout: float | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    lock_timeout: float = 0,
) -> DistributedNight:
    """Dispatch one night of ``sources`` to the workers, wait for every job, then ``publish(db, metas, hooks)``
    (None: leave the runs unloaded). Holds the nightly run's lock on ``db`` meanwhile (`NightAlreadyRunning`)."""
    from filelock import FileLock, Timeout

    from schedules.nightly import NightAlreadyRunning, lock_path

    runs = Path(runs).resolve()
    started = clock or datetime.now(SHANGHAI)
    batch = batch or night_batch(started)
    lock = FileLock(str(lock_path(Path(db))))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout as exc:
        raise NightAlreadyRunning(f"another night is running (lock {lock_path(Path(db))} is held); nothing done") \
            from exc
    try:
        ids = dispatch(queue, sources, batch=batch, replica=replica, clock=clock, timeout=timeout,
                       settings=settings)
        # a killed worker costs its lease plus a new crawl: allow each job its time limit twice over
        limit = wait_timeout or (2 * timeout + queue.lease) * max(1, len(ids))
        results = queue.wait(batch, timeout=limit, on_progress=on_progress)
        night = DistributedNight(batch)
        for job_id, source in zip(ids, sources):
            night.crawls.append(_crawl_result(runs, source, results[job_id], started))
            night.attempts[job_id] = int(results[job_id].get("attempt") or 0)
        if publish is not None:
            night.ingested = publish(Path(db), [c.paths.meta for c in night.crawls], list(hooks))
        return night
    finally:
        lock.release()


# ------------------------------------------------------------------------------------------------- local cluster

class LocalCluster:
    """A private Redis and ``workers`` worker processes on this machine (`salvage demo --distributed`, the tests,
    the bench). Workers log to ``<log_dir>/worker-N.log``."""

    def __init__(self, runs: Path, workers: int = 3, *, log_dir: Path | None = None, lease: float = 30,
                 namespace: str = "salvage") -> None:
        self.runs = Path(runs).resolve()
        self.n = workers
        self.log_dir = Path(log_dir or self.runs.parent / "workers")
        self.lease = lease
        self.namespace = namespace
        self.procs: list[subprocess.Popen] = []
        self.redis = None
        self.queue: JobQueue | None = None

    def __enter__(self) -> LocalCluster:
        from crawlers.redis_server import RedisServer

        self.redis = RedisServer().start()
        self.queue = JobQueue(self.redis.url, self.namespace, lease=self.lease)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.runs.mkdir(parents=True, exist_ok=True)
        for i in range(self.n):
            self.procs.append(self.start_worker(i + 1))
        return self

    def start_worker(self, number: int) -> subprocess.Popen:
        from crawlers.runner import PROJECT_ROOT

        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT),
                                                                           os.environ.get("PYTHONPATH")]))}
        log = open(self.log_dir / f"worker-{number}.log", "ab")
        try:
            return subprocess.Popen(
                [sys.executable, "-m", "salvage.cli", "worker", "--redis", self.redis.url, "--runs", str(self.runs),
                 "--namespace", self.namespace, "--lease", f"{self.lease:g}", "--name", f"worker-{number}"],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        finally:
            log.close()

    def __exit__(self, *exc: object) -> None:
        try:
            if self.queue is not None and self.redis is not None and self.redis.ping():
                self.queue.request_stop()
            deadline = time.monotonic() + 20
            for proc in self.procs:
                try:
                    proc.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    proc.terminate()
                    try:
                        proc.wait(5)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
        finally:
            if self.redis is not None:
                self.redis.cleanup()
