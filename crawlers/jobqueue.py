"""A crawl-job queue on Redis with leases: what `salvage dispatch` fills and `salvage worker` empties.

A job is one crawl: ``(batch, source, shard)``, its id ``<batch>/<source>/<shard>`` (a batch is one night). The
queue keeps, under a namespace (default ``salvage``):

- ``specs``: id → the job as JSON (what the worker needs: source, replica, clock, time limit, settings);
- ``pending``: the ids waiting, oldest first;
- ``leases``: a sorted set id → lease end (ms, Redis clock), ``owners``: id → the token of the worker holding it;
- ``attempts``: id → how often it was handed out; ``results``: id → the first result reported (JSON);
- ``batch:<batch>``: the ids of one batch; ``stop``: when set, workers started before it stop.

Every change is one Lua script (atomic on the server). A worker renews its lease while it works (a heartbeat every
third of the lease). A worker killed with ``kill -9`` stops renewing: once its lease ends, the next `claim` puts
the job back at the head of the queue and another worker takes it (a new attempt, a new crawl from the start).
After ``max_attempts`` lost leases the job is recorded as failed rather than handed out forever. Results are
keyed by job id and only the first is kept (`complete` returns False for a late duplicate: a worker whose lease
ran out while it was still working), so a job is counted once whoever finished it.

Redis itself: with the append-only file fsynced on every write (`crawlers.redis_server`, or the same two settings
on a shared Redis) a restart loses nothing acknowledged. Every call retries through a Redis restart or a network
cut for up to ``outage`` seconds (default 120) before it raises.

Why our own queue rather than RQ, Dramatiq, Celery or scrapy-redis: docs/scaling.md (measured).
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis
from redis.backoff import ExponentialBackoff
from redis.exceptions import BusyLoadingError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)
T = TypeVar("T")
TRANSIENT = (RedisConnectionError, RedisTimeoutError, BusyLoadingError, ConnectionError, OSError)

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "

# KEYS: pending leases owners attempts results  ARGV: token lease_ms max_attempts
_CLAIM = _NOW + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  if redis.call('HEXISTS', KEYS[5], id) == 0 then
    if tonumber(redis.call('HGET', KEYS[4], id) or '0') >= tonumber(ARGV[3]) then
      redis.call('HSET', KEYS[5], id, cjson.encode({status='failed', token='', error=
        'its worker stopped renewing the lease ' .. ARGV[3] .. ' times (killed, or the crawl kills its worker)'}))
    else
      redis.call('RPUSH', KEYS[1], id)
    end
  end
end
while true do
  local id = redis.call('RPOP', KEYS[1])
  if not id then return false end
  if redis.call('HEXISTS', KEYS[5], id) == 0 then
    redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
    redis.call('HSET', KEYS[3], id, ARGV[1])
    local n = redis.call('HINCRBY', KEYS[4], id, 1)
    return {id, n}
  end
end
"""

# KEYS: leases owners  ARGV: id token lease_ms
_RENEW = _NOW + """
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[3]), ARGV[1])
return 1
"""

# KEYS: leases owners results  ARGV: id token result_json
_COMPLETE = """
local existing = redis.call('HGET', KEYS[3], ARGV[1])
local kept = 0
if existing then
  if cjson.decode(existing)['token'] == ARGV[2] then kept = 1 end
else
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
  kept = 1
end
if redis.call('HGET', KEYS[2], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return kept
"""

# KEYS: specs pending batch  ARGV: id spec_json
_ENQUEUE = """
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""


def connect(url: str) -> redis.Redis:
    """A client that reconnects by itself (a few quick retries; `JobQueue.call` adds the long wait)."""
    return redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=2, socket_timeout=10,
                                health_check_interval=5, retry=Retry(ExponentialBackoff(cap=1, base=0.05), 3),
                                retry_on_error=[RedisConnectionError, RedisTimeoutError, BusyLoadingError])


def call_through_outage(fn: Callable[[], T], outage: float, what: str) -> T:
    """``fn()``, retried while Redis is unreachable (restarting, loading its file), for up to ``outage`` s."""
    deadline = time.monotonic() + outage
    delay = 0.1
    while True:
        try:
            return fn()
        except TRANSIENT as exc:
            if time.monotonic() > deadline:
                raise RedisConnectionError(f"{what}: Redis unreachable for {outage:g} s: {exc}") from exc
            logger.warning("%s: Redis unreachable (%s); retrying in %.1f s", what, exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


@dataclass(frozen=True)
class Job:
    id: str
    spec: dict[str, Any]
    attempt: int
    token: str


class JobQueue:
    def __init__(self, url: str, namespace: str = "salvage", *, lease: float = 60, max_attempts: int = 3,
                 outage: float = 120) -> None:
        self.url = url
        self.ns = namespace
        self.lease_ms = int(lease * 1000)
        self.max_attempts = max_attempts
        self.outage = outage
        self.r = connect(url)
        self._claim = self.r.register_script(_CLAIM)
        self._renew = self.r.register_script(_RENEW)
        self._complete = self.r.register_script(_COMPLETE)
        self._enqueue = self.r.register_script(_ENQUEUE)

    def key(self, name: str) -> str:
        return f"{self.ns}:{name}"

    def call(self, fn: Callable[[], T], what: str) -> T:
        return call_through_outage(fn, self.outage, what)

    @property
    def lease(self) -> float:
        return self.lease_ms / 1000

    # ------------------------------------------------------------------ producer

    @staticmethod
    def job_id(batch: str, source: str, shard: int = 0) -> str:
        return f"{batch}/{source}/{shard}"

    def enqueue(self, batch: str, spec: dict[str, Any]) -> tuple[str, bool]:
        """Add one job of ``batch`` (``spec`` has at least ``source``); returns its id and whether it is new (a job
        already enqueued, finished or not, is left as it is: dispatching a night twice adds nothing)."""
        job_id = self.job_id(batch, spec["source"], int(spec.get("shard", 0)))
        body = json.dumps({**spec, "batch": batch, "id": job_id}, sort_keys=True)
        added = self.call(lambda: self._enqueue(keys=[self.key("specs"), self.key("pending"),
                                                      self.key(f"batch:{batch}")], args=[job_id, body]),
                          f"enqueue {job_id}")
        return job_id, bool(added)

    def batch_ids(self, batch: str) -> list[str]:
        return sorted(self.call(lambda: self.r.smembers(self.key(f"batch:{batch}")), "batch"))

    def results(self, batch: str) -> dict[str, dict[str, Any]]:
        """The result of every finished job of ``batch``, by id."""
        ids = self.batch_ids(batch)
        if not ids:
            return {}
        raw = self.call(lambda: self.r.hmget(self.key("results"), ids), "results")
        return {i: json.loads(v) for i, v in zip(ids, raw) if v is not None}

    def result(self, job_id: str) -> dict[str, Any] | None:
        raw = self.call(lambda: self.r.hget(self.key("results"), job_id), "result")
        return json.loads(raw) if raw else None

    def wait(self, batch: str, *, timeout: float, poll: float = 0.5,
             on_progress: Callable[[int, int], None] | None = None) -> dict[str, dict[str, Any]]:
        """Block until every job of ``batch`` has a result; returns them. Raises TimeoutError naming the jobs
        still open."""
        deadline = time.monotonic() + timeout
        while True:
            ids = self.batch_ids(batch)
            done = self.results(batch)
            if on_progress:
                on_progress(len(done), len(ids))
            if ids and len(done) == len(ids):
                return done
            if time.monotonic() > deadline:
                open_jobs = ", ".join(i for i in ids if i not in done) or "none were enqueued"
                raise TimeoutError(f"batch {batch} not finished after {timeout:g} s; open: {open_jobs} "
                                   f"(are workers running? `salvage worker --redis {self.url}`)")
            time.sleep(poll)

    def request_stop(self) -> None:
        """Tell every worker started before now to stop once its current job is done."""
        self.call(lambda: self.r.set(self.key("stop"), repr(time.time())), "stop")

    def stop_requested(self, since: float) -> bool:
        value = self.call(lambda: self.r.get(self.key("stop")), "stop")
        return value is not None and float(value) >= since

    def idle(self) -> bool:
        """Nothing pending and nothing leased (a leased job may still come back when its worker died)."""
        pending, leased = self.call(lambda: (self.r.llen(self.key("pending")), self.r.zcard(self.key("leases"))),
                                    "idle")
        return pending == 0 and leased == 0

    # ------------------------------------------------------------------ worker

    def claim(self, worker: str) -> Job | None:
        """The next job, leased to ``worker`` (None when nothing is pending). Expired leases are requeued first."""
        token = f"{worker}:{uuid.uuid4().hex[:12]}"
        got = self.call(lambda: self._claim(
            keys=[self.key(k) for k in ("pending", "leases", "owners", "attempts", "results")],
            args=[token, self.lease_ms, self.max_attempts]), "claim")
        if not got:
            return None
        job_id, attempt = got[0], int(got[1])
        spec = json.loads(self.call(lambda: self.r.hget(self.key("specs"), job_id), "spec"))
        return Job(job_id, spec, attempt, token)

    def renew(self, job: Job) -> bool:
        """Extend ``job``'s lease; False when the worker no longer holds it (it ran out and another took it)."""
        return bool(self.call(lambda: self._renew(keys=[self.key("leases"), self.key("owners")],
                                                  args=[job.id, job.token, self.lease_ms]), f"renew {job.id}"))

    def complete(self, job: Job, result: dict[str, Any]) -> bool:
        """Report ``job``'s result. True when it is the job's result; False when another attempt reported first
        (this one is then not counted)."""
        body = json.dumps({**result, "token": job.token, "attempt": job.attempt}, sort_keys=True)
        return bool(self.call(lambda: self._complete(
            keys=[self.key("leases"), self.key("owners"), self.key("results")], args=[job.id, job.token, body]),
            f"complete {job.id}"))

    def note_attempt(self, job: Job, value: str) -> None:
        """Remember something of this attempt (its run id), for whoever retries the job."""
        self.call(lambda: self.r.rpush(self.key(f"attempts:{job.id}"), value), "note attempt")

    def attempts_noted(self, job_id: str) -> list[str]:
        return self.call(lambda: self.r.lrange(self.key(f"attempts:{job_id}"), 0, -1), "attempts")

    def clear(self) -> None:
        """Delete every key of this namespace (tests, the demo's private Redis)."""
        keys = list(self.r.scan_iter(f"{self.ns}:*"))
        if keys:
            self.r.delete(*keys)
