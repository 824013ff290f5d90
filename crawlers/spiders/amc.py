"""Base spider for the AMCs' disposal notices: list pages (JSON APIs, some by POST, or server-rendered) → each notice's
detail page; the list record and the detail record are merged field by field (the detail wins, ``raw`` is merged).
A list row that is a lot of its own (Great Wall's asset list) is yielded as it is.

Attachments: after its page, each of the notice's attachment links (``raw["attachments"]``) is fetched in turn (so
it lands in the run's WARC beside the page; a replayed re-parse reads it from there), at most
``SALVAGE_ATTACHMENT_MAXSIZE`` bytes (default 20 MB), then the notice is yielded once. A PDF / XLSX / XLS list is
read by ``crawlers.parsers.attachments``: its loans join the notice's ``loans`` with their provenance
(``source_url``, ``source_sheet`` / ``source_page``, ``source_row``), except loans the notice already lists (its page
table or an earlier attachment: same debtor and principal), which are counted as repeats; a page row whose amounts
could not be read is replaced by the attachment's row of the same loan (``crawlers.parsers.attachments.join_loans``). What each attachment gave
is in ``raw["attachment_loans"]`` (with its 合计 checks in ``raw["attachment_checks"]``). A Word or archive file is
archived but not read (``raw["attachments_not_read"]``, with the reason). A broken attachment (HTTP error, too
big, an HTML page instead of the file, a corrupt file) never loses the notice: it is a warning naming the source
and URL, ``raw["attachment_problems"]`` on the notice and the stat ``salvage/attachment_problems``.
``-a attachments=0`` crawls without them."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.parsers import attachments
from crawlers.spiders.base import SalvageSpider

logger = logging.getLogger(__name__)
ATTACHMENT_MAXSIZE = 20 * 1024 * 1024


def merge(listed: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    """The list record with the detail record on top; their ``raw`` dicts merged the same way."""
    merged = {**listed, **detail}
    if listed.get("raw") or detail.get("raw"):
        merged["raw"] = {**(listed.get("raw") or {}), **(detail.get("raw") or {})}
    return merged


class AmcNoticeSpider(SalvageSpider):
    list_headers: dict[str, str] = {}
    # The AMCs' block answer is not known (shared/sources.md §3); a WAF's 403 is retried as an anti-bot answer
    # (crawlers.middlewares.InterstitialMiddleware) rather than dropped as a page that is not there.
    block_statuses: tuple[int, ...] = (403,)

    def wants_detail(self, record: dict[str, Any]) -> bool:
        """Whether this list record has a detail page to fetch (every notice has)."""
        return True

    def detail_request(self, url: str, record: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_detail, cb_kwargs={"record": record})

    def lot_request(self, seed: dict[str, Any]) -> scrapy.Request:
        """A single notice, for a refresh of given lots (``-a lot_urls=…``)."""
        return self.detail_request(seed["url"], {k: v for k, v in seed.items() if k != "url"})

    def records(self, page: Any) -> Iterable[Any]:
        for record in page.records:
            if self.wants_detail(record):
                yield self.detail_request(record["url"], record)
            else:
                yield record

    def parse_list(self, response: Response) -> Iterable[Any]:
        page = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        yield from self.records(page)
        for request in self.follow_next(page.next_url):
            request.headers.update(self.list_headers)
            yield request

    def parse_detail(self, response: Response, record: dict[str, Any]) -> Iterable[Any]:
        detail = self.parser.parse_detail(response.body, response.url, self.fetched_at(response))
        yield from self.with_attachments(merge(record, detail))

    # ------------------------------------------------------------------------------------------------ attachments

    def with_attachments(self, record: dict[str, Any]) -> Iterable[Any]:
        """The notice, or the request of its first attachment (the notice is yielded after its last one)."""
        links = [a["url"] for a in (record.get("raw") or {}).get("attachments") or [] if a.get("url")]
        if not links or str(getattr(self, "attachments", "1")) in ("0", "false", "no"):
            yield record
            return
        record["raw"] = dict(record["raw"])
        yield self.attachment_request(record, links, 0)

    def attachment_request(self, record: dict[str, Any], links: list[str], index: int) -> scrapy.Request:
        maxsize = self.settings.getint("SALVAGE_ATTACHMENT_MAXSIZE", ATTACHMENT_MAXSIZE)
        # dont_filter: two notices may share a file, and a dropped duplicate would lose the second notice;
        # allow_offsite: the notice itself links the file, wherever it is kept
        return scrapy.Request(links[index], callback=self.parse_attachment, errback=self.attachment_failed,
                              dont_filter=True, priority=1,
                              meta={"download_maxsize": maxsize, "download_warnsize": 0, "allow_offsite": True},
                              cb_kwargs={"record": record, "links": links, "index": index})

    def next_attachment(self, record: dict[str, Any], links: list[str], index: int) -> Iterable[Any]:
        if index < len(links):
            yield self.attachment_request(record, links, index)
        else:
            yield record

    def parse_attachment(self, response: Response, record: dict[str, Any], links: list[str],
                         index: int) -> Iterable[Any]:
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or None
        try:
            found = attachments.read_attachment(response.body, links[index], content_type, source=self.name)
        except attachments.Unsupported as exc:
            record["raw"].setdefault("attachments_not_read", []).append({"url": links[index], "reason": exc.detail})
        except attachments.AttachmentError as exc:
            self.attachment_problem(record, links[index], exc.detail)
        else:
            self.join(record, found)
        yield from self.next_attachment(record, links, index + 1)

    def attachment_failed(self, failure: Failure) -> Iterable[Any]:
        kwargs = failure.request.cb_kwargs
        response = getattr(failure.value, "response", None)
        problem = f"HTTP {response.status}" if response is not None else \
            f"download failed: {failure.type.__name__}: {failure.getErrorMessage()}"
        self.attachment_problem(kwargs["record"], kwargs["links"][kwargs["index"]], problem)
        yield from self.next_attachment(kwargs["record"], kwargs["links"], kwargs["index"] + 1)

    def attachment_problem(self, record: dict[str, Any], url: str, problem: str) -> None:
        logger.warning("%s: attachment %s of notice %s not read: %s", self.name, url, record.get("url"), problem)
        self.crawler.stats.inc_value("salvage/attachment_problems")
        record["raw"].setdefault("attachment_problems", []).append({"url": url, "problem": problem})

    def join(self, record: dict[str, Any], found: attachments.AttachmentLoans) -> None:
        """The attachment's loans that the notice does not list yet join its ``loans``."""
        joined = attachments.join_loans(record.get("loans") or [], found.loans)
        if joined.loans:
            record["loans"] = joined.loans
        raw = record["raw"]
        raw.setdefault("attachment_loans", []).append(
            {"url": found.url, "kind": found.kind, "parts": found.parts, "tables": found.tables,
             "loans": joined.added, "repeats": joined.repeats, "completed": joined.completed})
        if found.checks:
            raw.setdefault("attachment_checks", []).extend(found.checks)
        if found.notes:
            raw.setdefault("attachment_notes", []).extend(found.notes)
        stats = self.crawler.stats
        stats.inc_value("salvage/attachments_read")
        stats.inc_value("salvage/attachment_loans", joined.added + joined.completed)


class PostListSpider(AmcNoticeSpider):
    """Lists served by a form POST to one API URL, paged by a form field (Cinda, Orient)."""

    api_url: str
    page_field: str = "page"

    def list_forms(self) -> Iterable[dict[str, str]]:
        raise NotImplementedError

    def list_request(self, form: dict[str, str], page: int) -> scrapy.FormRequest:
        return scrapy.FormRequest(self.api_url, formdata={**form, self.page_field: str(page)},
                                  headers=self.list_headers, callback=self.parse_list,
                                  cb_kwargs={"form": form, "page": page})

    async def start(self):  # type: ignore[override]
        if getattr(self, "lot_seeds", None):
            async for request in super().start():
                yield request
            return
        for form in self.list_forms():
            yield self.list_request(form, 1)

    def parse_list(self, response: Response, form: dict[str, str], page: int) -> Iterable[Any]:  # type: ignore[override]
        result = self.parser.parse_list(response.body, response.url, self.fetched_at(response))
        yield from self.records(result)
        self.pages_seen += 1
        if result.total_pages and page < result.total_pages and result.records and not (
                self.max_pages and self.pages_seen >= self.max_pages):
            yield self.list_request(form, page + 1)
