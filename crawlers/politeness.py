"""One politeness budget per site for every worker together, held in Redis (downloader middleware).

Scrapy's own limits (``DOWNLOAD_DELAY``, ``CONCURRENT_REQUESTS_PER_DOMAIN``, AutoThrottle) hold per process: four
workers crawling one site would hit it four times as hard. With ``SALVAGE_REDIS_URL`` set, each request first
reserves, in one Lua script on the Redis every worker shares:

- a **start time**: the site's next free slot, ``1 / SALVAGE_POLITENESS_RPS`` seconds after the previous one
  (default 4 requests/s per site); the request waits until then;
- a **concurrency slot**: at most ``SALVAGE_POLITENESS_CONCURRENCY`` requests in flight per site (default 4). A slot
  is freed when the response (or the error) comes back, and expires by itself after the download timeout, so a
  worker killed mid-request does not keep it.

A site is the request's host as the spider asked for it (the real site's, also when the replica routing sends it to
loopback: the middleware runs before `ReplicaRoutingMiddleware`). ``SALVAGE_POLITENESS_SITES`` (JSON,
``{"host": [rps, concurrency]}``) sets a host's own budget.

Without ``SALVAGE_REDIS_URL`` the middleware is off (``NotConfigured``). When Redis is unreachable (restarting) a
request waits for it up to ``SALVAGE_REDIS_WAIT`` seconds (default 120), then goes ahead under Scrapy's own limits
with a warning (counted in the stats as ``salvage/politeness/unbudgeted``): no page is dropped for want of Redis.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

logger = logging.getLogger(__name__)
SLOT = "salvage_politeness_slot"

# KEYS: next-start (ms) key, in-flight sorted set  ARGV: interval_ms concurrency slot_id slot_ttl_ms
# Returns {wait_ms, 1} with the reservation made, or {retry_after_ms, 0} when every slot is taken.
ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[2]) then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return {math.min(100, math.max(5, tonumber(first[2]) - now)), 0}
end
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], start + tonumber(ARGV[1]), 'PX', tonumber(ARGV[1]) + 60000)
redis.call('ZADD', KEYS[2], start + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[4]) + (start - now) + 60000)
return {start - now, 1}
"""


class RedisPoliteness:
    def __init__(self, crawler: Crawler, url: str) -> None:
        import redis.asyncio as aioredis

        settings = crawler.settings
        self.crawler = crawler
        self.rps = settings.getfloat("SALVAGE_POLITENESS_RPS", 4.0)
        self.concurrency = settings.getint("SALVAGE_POLITENESS_CONCURRENCY", 4)
        sites = settings.get("SALVAGE_POLITENESS_SITES") or {}
        self.sites = json.loads(sites) if isinstance(sites, str) else dict(sites)
        self.wait_for_redis = settings.getfloat("SALVAGE_REDIS_WAIT", 120)
        self.slot_ttl_ms = int((settings.getfloat("DOWNLOAD_TIMEOUT", 30) + 10) * 1000)
        self.namespace = settings.get("SALVAGE_REDIS_NAMESPACE") or "salvage"
        self.redis = aioredis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=2,
                                             socket_timeout=10)
        self.script = self.redis.register_script(ACQUIRE)
        self.worker = uuid.uuid4().hex[:8]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisPoliteness:
        url = crawler.settings.get("SALVAGE_REDIS_URL")
        if not url:
            raise NotConfigured("SALVAGE_REDIS_URL not set: Scrapy's per-process politeness only")
        return cls(crawler, url)

    def budget(self, host: str) -> tuple[float, int]:
        rps, concurrency = self.sites.get(host, (self.rps, self.concurrency))
        return float(rps), int(concurrency)

    async def process_request(self, request: Request) -> None:
        if SLOT in request.meta:
            return None
        host = (urlsplit(request.url).hostname or "").lower()
        rps, concurrency = self.budget(host)
        interval_ms = max(1, int(1000 / rps)) if rps > 0 else 0
        slot = f"{self.worker}:{uuid.uuid4().hex[:12]}"
        keys = [f"{self.namespace}:polite:{host}:next", f"{self.namespace}:polite:{host}:inflight"]
        stats = self.crawler.stats
        deadline = time.monotonic() + self.wait_for_redis
        delay = 0.1
        waited = 0.0
        while True:
            try:
                wait_ms, reserved = await self.script(keys=keys, args=[interval_ms, concurrency, slot,
                                                                       self.slot_ttl_ms])
            except Exception as exc:  # noqa: BLE001 - redis and socket errors alike; others re-raised below
                if not _transient(exc):
                    raise
                if time.monotonic() > deadline:
                    stats.inc_value("salvage/politeness/unbudgeted")
                    logger.warning("politeness: Redis unreachable for %g s (%s); %s goes ahead under Scrapy's own "
                                   "limits", self.wait_for_redis, exc, request.url)
                    request.meta[SLOT] = None
                    return None
                await asyncio.sleep(delay)
                waited += delay
                delay = min(delay * 2, 2.0)
                continue
            await asyncio.sleep(int(wait_ms) / 1000)
            waited += int(wait_ms) / 1000
            if int(reserved):
                break
        request.meta[SLOT] = (keys[1], slot)
        stats.inc_value("salvage/politeness/requests")
        stats.inc_value("salvage/politeness/waited_ms", int(waited * 1000))
        return None

    async def _release(self, request: Request) -> None:
        held = request.meta.pop(SLOT, None)
        if not held:
            return
        try:
            await self.redis.zrem(held[0], held[1])
        except Exception as exc:  # noqa: BLE001 - the slot expires by itself after the download timeout
            if not _transient(exc):
                raise
            logger.info("politeness: could not free a slot (%s); it expires by itself", exc)

    async def process_response(self, request: Request, response: Response) -> Response:
        await self._release(request)
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        await self._release(request)
        return None


def _transient(exc: BaseException) -> bool:
    from redis.exceptions import BusyLoadingError, ConnectionError as RCE, TimeoutError as RTE

    return isinstance(exc, (RCE, RTE, BusyLoadingError, OSError, ConnectionError, asyncio.TimeoutError))
