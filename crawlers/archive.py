"""The raw archive: every response a crawl fetches goes to a compressed WARC beside its run file, and a re-parse
answers every request from that WARC, with no network.

- `WarcArchiveMiddleware` writes ``<runs>/<source>/<run_id>.warc.gz`` (warcio, one gzip member per record; written
  as ``.warc.gz.part`` and renamed when the spider closes). It sits next to the download handler (after replica
  routing has put back the real URL), so it keeps every response as it came off the wire: robots.txt, anti-bot
  pages, 429s and 500s, retries, compressed bodies. Each record carries the request's method and a digest of its
  body (POST list APIs) and ``WARC-Salvage-Fetched-At``, the crawl clock's time of the fetch; the same time is put
  in ``request.meta["salvage_fetched_at"]``, which the spider uses as the lot's ``fetched_at``. Archives older
  than ``SALVAGE_WARC_DAYS`` days (default 30; 0 keeps them forever) are deleted when a crawl of the source starts.
- `WarcReplayMiddleware` (on when ``SALVAGE_REPLAY_WARC`` names an archive) answers every request from the archive,
  first in the order the crawl met them (a URL fetched three times — an anti-bot page, a 500, the page — is served
  the same three times, so the spider, the retry and the anti-bot middlewares navigate exactly as they did), with
  the original fetch time. A request the archive does not have is dropped with an error naming it; no request ever
  reaches the network. The run's stats get ``salvage/reparse_of`` (the archived run's id).
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import defaultdict, deque
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
FETCHED_AT = "salvage_fetched_at"
H_FETCHED, H_METHOD, H_BODY = "WARC-Salvage-Fetched-At", "WARC-Salvage-Method", "WARC-Salvage-Request-Digest"


def archive_path(runs: str | Path, source: str, run_id: str) -> Path:
    return Path(runs) / source / f"{run_id}.warc.gz"


def _body_digest(request: Request) -> str:
    return hashlib.sha1(request.body or b"").hexdigest()


def _key(method: str, url: str, digest: str) -> tuple[str, str, str]:
    return method.upper(), url, digest


class WarcArchiveMiddleware:
    def __init__(self, crawler: Crawler, path: Path, keep_days: float) -> None:
        self.crawler = crawler
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.keep_days = keep_days
        self._handle = None
        self._writer: WARCWriter | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcArchiveMiddleware:
        settings = crawler.settings
        if settings.get("SALVAGE_REPLAY_WARC"):
            raise NotConfigured("re-parsing an archive: nothing new to archive")
        if not settings.getbool("SALVAGE_WARC", True):
            raise NotConfigured("SALVAGE_WARC is off")
        run_id = settings.get("SALVAGE_RUN_ID")
        if not run_id:
            raise NotConfigured("no SALVAGE_RUN_ID: the archive goes beside a run file (use salvage crawl)")
        path = archive_path(settings.get("SALVAGE_RUNS"), crawler.spidercls.name, run_id)
        return cls(crawler, path, settings.getfloat("SALVAGE_WARC_DAYS", 30))

    def spider_opened(self, spider: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.keep_days > 0:
            cutoff = time.time() - self.keep_days * 86400
            for old in self.path.parent.glob("*.warc.gz"):
                if old.stat().st_mtime < cutoff:
                    old.unlink()
                    logger.info("archive %s is older than %g days: deleted", old, self.keep_days)
        self._handle = open(self.part, "wb")
        self._writer = WARCWriter(self._handle, gzip=True)

    def spider_closed(self, spider: Any) -> None:
        if self._handle is None:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._handle = None
        os.replace(self.part, self.path)

    def _now(self) -> datetime:
        now = getattr(self.crawler.spider, "now", None)
        return now() if now else datetime.now(SHANGHAI)

    def process_response(self, request: Request, response: Response) -> Response:
        fetched = self._now()
        request.meta[FETCHED_AT] = fetched
        if self._writer is None:
            return response
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        reason = "OK" if response.status == 200 else "-"
        http = StatusAndHeaders(f"{response.status} {reason}", headers, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            response.url, "response", payload=BytesIO(response.body), http_headers=http,
            warc_headers_dict={H_FETCHED: fetched.isoformat(), H_METHOD: request.method,
                               H_BODY: _body_digest(request)})
        self._writer.write_record(record)
        self.crawler.stats.inc_value("salvage/archived")
        return response


class WarcReplayMiddleware:
    def __init__(self, crawler: Crawler, path: Path, original: str) -> None:
        self.crawler = crawler
        self.original = original
        self.responses: dict[tuple[str, str, str], deque] = defaultdict(deque)
        self.last: dict[tuple[str, str, str], tuple] = {}
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type != "response":
                    continue
                head = record.rec_headers
                key = _key(head.get_header(H_METHOD) or "GET", head.get_header("WARC-Target-URI"),
                           head.get_header(H_BODY) or _body_digest(Request("http://x")))
                status = int(record.http_headers.get_statuscode())
                headers = record.http_headers.headers
                body = record.content_stream().read()
                fetched = datetime.fromisoformat(head.get_header(H_FETCHED))
                self.responses[key].append((status, headers, body, fetched))
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayMiddleware:
        path = crawler.settings.get("SALVAGE_REPLAY_WARC")
        if not path:
            raise NotConfigured("not re-parsing")
        return cls(crawler, Path(path), crawler.settings.get("SALVAGE_REPARSE_OF") or Path(path).name)

    def spider_opened(self, spider: Any) -> None:
        self.crawler.stats.set_value("salvage/reparse_of", self.original)

    def process_request(self, request: Request) -> Response:
        key = _key(request.method, request.url, _body_digest(request))
        queue = self.responses.get(key)
        if queue:
            found = queue.popleft()
            self.last[key] = found
        elif key in self.last:
            found = self.last[key]  # fetched more often now than then: the last answer again
        else:
            self.crawler.stats.inc_value("salvage/replay_missing")
            if not request.url.endswith("/robots.txt"):
                logger.error("not in the archive %s: %s %s", self.original, request.method, request.url)
            raise IgnoreRequest(f"not in the archive: {request.method} {request.url}")
        status, headers, body, fetched = found
        request.meta[FETCHED_AT] = fetched
        self.crawler.stats.inc_value("salvage/replayed")
        head = Headers()
        for name, value in headers:
            head.appendlist(name, value)
        cls = responsetypes.from_args(headers=head, url=request.url, body=body)
        return cls(url=request.url, status=status, headers=head, body=body, request=request,
                   flags=["replayed"])
