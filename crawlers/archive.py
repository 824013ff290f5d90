"""The raw archive: every response a crawl fetches goes to a compressed WARC beside its run file, and a re-parse
answers every request from that WARC, with no network.

- `WarcArchiveMiddleware` writes ``<runs>/<source>/<run_id>.warc.gz`` (warcio's records, one gzip member each,
  deflated by ISA-L; written as ``.warc.gz.part`` and renamed when the spider closes). It sits next to the download
  handler (after replica routing has put back the real URL), so it keeps every response as it came off the wire:
  robots.txt, anti-bot pages, 429s and 500s, retries, compressed bodies. Each record carries the request's method
  and a digest of its body (POST list APIs) and ``WARC-Salvage-Fetched-At``, the crawl clock's time of the fetch;
  the same time is put in ``request.meta["salvage_fetched_at"]``, which the spider uses as the lot's ``fetched_at``.
  Archives older than ``SALVAGE_WARC_DAYS`` days (default 30; 0 keeps them forever) are deleted when a crawl of the
  source starts.
- **A killed crawl keeps what it archived.** Each record is its own gzip member, flushed to the OS as soon as it is
  written, and the writer holds an OS lock on its ``.part`` file. When a crawl of the source starts, every other
  ``.warc.gz.part`` whose writer is dead (its lock is free) is cut after its last whole record and renamed to
  ``.warc.gz`` (`recover_archive`; the crawl runner does the same at once for a crawl it had to kill), so the
  archive of a killed run opens and counts like any other (the dead run's unfinished run files, which no ingest
  can load, are deleted then).
- **Resume.** A crawl that starts within ``SALVAGE_RESUME_HOURS`` (default 6; 0 = never) of a killed run of the same
  source (an archive whose run has no meta file or a failed one, and no successful run of the source since)
  answers the *lot pages* that run already fetched from its archive, with their original fetch times, instead of
  fetching them again (stats ``salvage/resumed``, ``salvage/resumed_from``). Lot pages are requests whose callback
  is ``parse_detail`` or ``parse_part`` (a request's ``meta["salvage_resume"]`` overrides); each is answered once
  (a retry goes to the site) and only from a 200 answer. List pages and list APIs are always fetched again: a list
  that changed between the two crawls (a lot withdrawn moves every later lot up a page) would otherwise lose lots.
  So for jd_auction and alibaba_mtop (one callback for lists and lots) everything is re-fetched; for the Alibaba
  and AMC spiders only the list pages are.
- `WarcReplayMiddleware` (on when ``SALVAGE_REPLAY_WARC`` names an archive) answers every request from the archive,
  first in the order the crawl met them (a URL fetched three times — an anti-bot page, a 500, the page — is served
  the same three times, so the spider, the retry and the anti-bot middlewares navigate exactly as they did), with
  the original fetch time. A request the archive does not have is dropped with an error naming it; no request ever
  reaches the network. The run's stats get ``salvage/reparse_of`` (the archived run's id).
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import logging
import os
import time
import zlib
from collections import defaultdict, deque
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from isal import isal_zlib
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


RESUMABLE_CALLBACKS = frozenset({"parse_detail", "parse_part"})  # pages about one lot, not lists


# Each record is deflated by ISA-L (the `isal` package: Intel's deflate, gzip-compatible, read by warcio and zlib
# like any gzip member) at its default level. Measured on the Alibaba replica's pages: warcio's own writer (zlib at
# level 9, fed piece by piece) took 1.47 ms a page, a third of the crawl's time next to bare Scrapy; zlib at 6
# 0.64 ms; ISA-L at 2 0.07 ms, for an archive 12 % larger than warcio's.
GZIP_LEVEL = isal_zlib.ISAL_DEFAULT_COMPRESSION


class MemberWriter(WARCWriter):
    """warcio's writer, each record still its own gzip member, compressed by ISA-L at ``GZIP_LEVEL`` in one call:
    the record is built uncompressed in memory (the same headers, digests and bytes as warcio's), then deflated."""

    def __init__(self, filebuf: Any, level: int = GZIP_LEVEL) -> None:
        super().__init__(filebuf, gzip=False)
        self.level = level

    def write_record(self, record: Any, params: Any = None) -> None:
        raw = BytesIO()
        self._write_warc_record(raw, record)
        self.write_member(raw.getbuffer())

    def write_member(self, record: Any) -> None:
        """One whole record's uncompressed bytes, deflated as one gzip member."""
        member = isal_zlib.compressobj(self.level, isal_zlib.DEFLATED, 31)  # 31: a gzip header and trailer
        self.out.write(member.compress(record) + member.flush())

    def write_response(self, request: Request, response: Response, fetched: datetime) -> None:
        """The record warcio's record builder makes of ``response``, the same bytes (its own record id and date),
        built in one go: warcio formats both header blocks (`StatusAndHeaders`, its record id and date), the digests
        are one ``hashlib`` call over the body each, where warcio's record builder streams the body through its
        digesters in 16 kB pieces, twice, and copies it into a second buffer (measured on the Alibaba replica's pages:
        105 us a page where that took 130, of which hashing and deflating are 85). tests/crawlers/test_archive_writer.py
        holds it to warcio's own record."""
        body = response.body
        http = _http_headers(response)
        http.compute_headers_buffer(self.header_filter)
        head = http.headers_buff
        block = hashlib.sha1(head)
        block.update(body)
        warc = StatusAndHeaders("", [
            # in warcio's order: the headers given, then those create_warc_record and write_record add
            (H_FETCHED, fetched.isoformat()), (H_METHOD, request.method), (H_BODY, _body_digest(request)),
            ("WARC-Type", "response"), ("WARC-Record-ID", self._make_warc_id()), ("WARC-Target-URI", response.url),
            ("WARC-Date", self.curr_warc_date()), ("WARC-Payload-Digest", _sha1_label(hashlib.sha1(body))),
            ("WARC-Block-Digest", _sha1_label(block)), ("Content-Type", self.WARC_RECORDS["response"]),
            ("Content-Length", str(len(head) + len(body))),
        ], protocol=self.warc_version)
        self.write_member(b"".join((warc.to_bytes(encoding="utf-8"), head, body, b"\r\n\r\n")))


def _sha1_label(digest: Any) -> str:
    """A digest as warcio writes it (``Digester.__str__``): ``sha1:`` and the base32 of the digest."""
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


def _http_headers(response: Response) -> StatusAndHeaders:
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
    reason = "OK" if response.status == 200 else "-"
    return StatusAndHeaders(f"{response.status} {reason}", headers, protocol="HTTP/1.1")


def archive_path(runs: str | Path, source: str, run_id: str) -> Path:
    return Path(runs) / source / f"{run_id}.warc.gz"


def whole_records(handle: Any) -> tuple[int, int]:
    """(bytes, records) of the whole gzip members at the start of an archive: where a killed writer's file can be
    cut. zlib reads member by member, since warcio writes one member per record (written here rather than with
    warcio's reader, which raises on a truncated last member instead of saying where the good part ends)."""
    good_end = pos = records = 0
    inflate = zlib.decompressobj(31)
    while chunk := handle.read(1 << 20):
        data = chunk
        while data:
            try:
                inflate.decompress(data)
            except zlib.error:
                return good_end, records
            if inflate.eof:
                pos += len(data) - len(inflate.unused_data)
                good_end, records = pos, records + 1
                data = inflate.unused_data
                inflate = zlib.decompressobj(31)
            else:
                pos += len(data)
                data = b""
    return good_end, records


def recover_archive(part: Path) -> tuple[Path, int] | None:
    """Close the ``.warc.gz.part`` of a dead crawl: cut after its last whole record, rename to ``.warc.gz``. Returns
    (archive, records), or None when its writer is alive (it holds the file's lock)."""
    with open(part, "r+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        end, records = whole_records(handle)
        handle.truncate(end)
        handle.flush()
        os.fsync(handle.fileno())
    final = part.with_name(part.name.removesuffix(".part"))
    os.replace(part, final)
    logger.warning("archive of a killed crawl recovered: %s (%d whole records)", final, records)
    return final, records


def _killed_run(archive: Path) -> bool:
    """An archive whose run never finished: no meta file, or a failed one."""
    meta = archive.with_name(archive.name.removesuffix(".warc.gz") + ".meta.json")
    if not meta.exists():
        return True
    try:
        return json.loads(meta.read_text(encoding="utf-8")).get("status") == "failed"
    except (OSError, ValueError):
        return True


def resumable_archive(folder: Path, hours: float, exclude: Path | None = None) -> Path | None:
    """The archive of the killed run of this source that a new crawl may resume from (see the module), or None."""
    if hours <= 0 or not folder.is_dir():
        return None
    since = time.time() - hours * 3600
    archives = sorted((p for p in folder.glob("*.warc.gz") if p != exclude and p.stat().st_mtime >= since),
                      key=lambda p: p.stat().st_mtime, reverse=True)
    if not archives or not _killed_run(archives[0]):
        return None
    latest = archives[0]
    finished_after = [m for m in folder.glob("*.meta.json") if m.stat().st_mtime > latest.stat().st_mtime
                      and not _killed_run(m.with_name(m.name.removesuffix(".meta.json") + ".warc.gz"))]
    return None if finished_after else latest


def _read_archive(path: Path) -> Iterator[tuple[tuple[str, str, str], int, list, bytes, datetime]]:
    """(key, status, headers, body, fetched) of every response record of an archive."""
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                continue
            head = record.rec_headers
            key = _key(head.get_header(H_METHOD) or "GET", head.get_header("WARC-Target-URI"),
                       head.get_header(H_BODY) or _body_digest(Request("http://x")))
            status = int(record.http_headers.get_statuscode())
            body = record.content_stream().read()
            yield key, status, record.http_headers.headers, body, datetime.fromisoformat(head.get_header(H_FETCHED))


def _response(request: Request, status: int, headers: list, body: bytes, flag: str) -> Response:
    head = Headers()
    for name, value in headers:
        head.appendlist(name, value)
    cls = responsetypes.from_args(headers=head, url=request.url, body=body)
    return cls(url=request.url, status=status, headers=head, body=body, request=request, flags=[flag])


def _body_digest(request: Request) -> str:
    return hashlib.sha1(request.body or b"").hexdigest()


def _key(method: str, url: str, digest: str) -> tuple[str, str, str]:
    return method.upper(), url, digest


class WarcArchiveMiddleware:
    def __init__(self, crawler: Crawler, path: Path, keep_days: float, resume_hours: float = 0) -> None:
        self.crawler = crawler
        self.path = path
        self.part = path.with_name(path.name + ".part")
        self.keep_days = keep_days
        self.resume_hours = resume_hours
        self.resume: dict[tuple[str, str, str], tuple] = {}
        self._handle = None
        self._writer: MemberWriter | None = None
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
        return cls(crawler, path, settings.getfloat("SALVAGE_WARC_DAYS", 30),
                   settings.getfloat("SALVAGE_RESUME_HOURS", float(os.environ.get("SALVAGE_RESUME_HOURS") or 6)))

    def spider_opened(self, spider: Any) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for part in self.path.parent.glob("*.warc.gz.part"):
            if part != self.part and recover_archive(part) is not None:
                # the dead run's unfinished run files cannot be loaded (no meta): gone, as the crawl runner does
                # for a crawl it saw die; what it fetched is in the archive
                run_id = part.name.removesuffix(".warc.gz.part")
                for stale in [*part.parent.glob(f"{run_id}.*.part"), part.with_name(f"{run_id}.progress")]:
                    stale.unlink(missing_ok=True)
        if self.keep_days > 0:
            cutoff = time.time() - self.keep_days * 86400
            for old in self.path.parent.glob("*.warc.gz"):
                if old.stat().st_mtime < cutoff:
                    old.unlink()
                    logger.info("archive %s is older than %g days: deleted", old, self.keep_days)
        killed = resumable_archive(self.path.parent, self.resume_hours, exclude=self.path)
        if killed is not None:
            for key, status, headers, body, fetched in _read_archive(killed):
                if status == 200:
                    self.resume[key] = (status, headers, body, fetched)  # the last 200 answer of each page
            self.crawler.stats.set_value("salvage/resumed_from", killed.name.removesuffix(".warc.gz"))
            logger.info("resuming %s: %d pages of the killed run's archive", killed, len(self.resume))
        self._handle = open(self.part, "wb")
        fcntl.flock(self._handle, fcntl.LOCK_EX)  # alive: nobody recovers this file under us
        self._writer = MemberWriter(self._handle)

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

    def process_request(self, request: Request) -> Response | None:
        """A lot page the killed run already fetched: its archived answer (see Resume in the module)."""
        if not self.resume:
            return None
        callback = getattr(request.callback, "__name__", "")
        if not request.meta.get("salvage_resume", callback in RESUMABLE_CALLBACKS):
            return None
        found = self.resume.pop(_key(request.method, request.url, _body_digest(request)), None)
        if found is None:
            return None
        status, headers, body, fetched = found
        request.meta[FETCHED_AT] = fetched
        self.crawler.stats.inc_value("salvage/resumed")
        earliest = self.crawler.stats.get_value("salvage/resumed_earliest")
        if earliest is None or fetched.isoformat() < earliest:  # this run observed lots from then on (alert events)
            self.crawler.stats.set_value("salvage/resumed_earliest", fetched.isoformat())
        return _response(request, status, headers, body, "resumed")

    def process_response(self, request: Request, response: Response) -> Response:
        fetched = request.meta[FETCHED_AT] if "resumed" in response.flags else self._now()
        request.meta[FETCHED_AT] = fetched
        if self._writer is None:
            return response
        self._writer.write_response(request, response, fetched)
        self._handle.flush()  # whole records reach the OS: a kill loses at most the one being written
        self.crawler.stats.inc_value("salvage/archived")
        return response


class WarcReplayMiddleware:
    def __init__(self, crawler: Crawler, path: Path, original: str) -> None:
        self.crawler = crawler
        self.original = original
        self.responses: dict[tuple[str, str, str], deque] = defaultdict(deque)
        self.last: dict[tuple[str, str, str], tuple] = {}
        for key, status, headers, body, fetched in _read_archive(path):
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
        return _response(request, status, headers, body, "replayed")
