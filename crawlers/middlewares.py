"""Downloader middlewares shared by every spider.

- `ReplicaRoutingMiddleware`: with ``SALVAGE_REPLICA`` set, a request for a real site's URL goes to the replica on
  loopback with the real ``Host`` header, and the response comes back under the real URL. Spiders, parsers, cookies
  and lot URLs therefore never know the difference; only the socket does. A browser request (``meta["playwright"]``)
  keeps the real host on the replica's scheme instead: its browser maps every host to the replica
  (``crawlers.browser``), so the page's own scripts reach the replica too.
- `InterstitialMiddleware`: an anti-bot page (slider, Baxia, expired-cookie redirect) is retried and counted, never
  handed to a parser as an empty page. After ``SALVAGE_INTERSTITIAL_RETRIES`` it gives up on that URL with an
  error naming it (and the counter shows up in the run's stats). A spider's ``block_statuses`` (HTTP statuses its
  site's WAF refuses a client with, e.g. the AMCs' 403) are treated the same way, except on a request that has an
  errback of its own; without it, Scrapy would drop such an answer quietly and the run would look whole.
- `HeadMetaRefreshMiddleware`: Scrapy's `MetaRefreshMiddleware` (it stands in its place), reading only the head of
  a page whose encoding is declared. Scrapy's looks for the tag in the first 4096 characters of ``response.text``,
  and so decodes every page whole (about 180 µs for a 50 kB GBK detail page) before the parser decodes it again.
- `WholePageMiddleware` (a spider middleware): a page cut short in transfer or too large to be one
  (`crawlers.parsers.check_whole`) is refused before the spider's parser reads it; the refusal, like any error a
  parser raises, becomes a reject row with the source, the URL and the reason (`pipelines.stage.StagePipeline`).
"""

from __future__ import annotations

import codecs
import logging
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response

logger = logging.getLogger(__name__)

REAL_URL = "salvage_real_url"


class ReplicaRoutingMiddleware:
    def __init__(self, crawler: Crawler, replica: str) -> None:
        self.crawler = crawler
        parts = urlsplit(replica)
        self.scheme, self.netloc = parts.scheme or "http", parts.netloc

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplicaRoutingMiddleware:
        replica = crawler.settings.get("SALVAGE_REPLICA")
        if not replica:
            raise NotConfigured("no replica: crawling the real sites")
        return cls(crawler, replica)

    def process_request(self, request: Request) -> None:
        if REAL_URL in request.meta:
            return None
        real = urlsplit(request.url)
        request.meta[REAL_URL] = request.url
        if request.meta.get("playwright"):
            # A browser request keeps its real host, on the replica's scheme: the browser resolves every host to
            # the replica itself (crawlers.browser), so the page's own scripts and XHRs reach it as well.
            request._set_url(urlunsplit((self.scheme, real.netloc, real.path or "/", real.query, "")))
            return None
        request.headers["Host"] = real.netloc
        request._set_url(urlunsplit((self.scheme, self.netloc, real.path or "/", real.query, "")))
        return None

    def _restore(self, request: Request) -> None:
        real = request.meta.pop(REAL_URL, None)
        if real:
            request._set_url(real)
            request.headers.pop("Host", None)

    def process_response(self, request: Request, response: Response) -> Response:
        real = request.meta.get(REAL_URL)
        self._restore(request)
        return response.replace(url=real) if real else response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._restore(request)
        return None


class InterstitialMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_retries = crawler.settings.getint("SALVAGE_INTERSTITIAL_RETRIES", 5)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> InterstitialMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        spider = self.crawler.spider
        check = getattr(spider, "is_interstitial", None)
        if not check or urlsplit(response.url).path == "/robots.txt":
            return response  # robots.txt behind an anti-bot page just reads as "no rules"; never retried as a page
        if response.status == 200:
            marker = check(response.body)
        elif (response.status in getattr(spider, "block_statuses", ()) and not request.errback
              and response.status not in request.meta.get("handle_httpstatus_list", ())):
            marker = f"HTTP {response.status}"  # the site's WAF refusing the client; a request with an errback
        else:  # handles its own refusals (an attachment, Great Wall's XHR), as does one that asks for the status
            return response
        if not marker:
            return response
        stats = self.crawler.stats
        stats.inc_value("salvage/interstitials")
        tries = request.meta.get("salvage_interstitial_tries", 0) + 1
        if tries > self.max_retries:
            stats.inc_value("salvage/interstitials_gave_up")
            logger.error("%s: anti-bot page (%s) persists after %d retries: %s", spider.name, marker, tries - 1,
                         response.url)
            raise IgnoreRequest(f"{spider.name}: anti-bot interstitial ({marker}) at {response.url}")
        logger.info("%s: anti-bot page (%s) at %s, retry %d", spider.name, marker, response.url, tries)
        retry = request.replace(dont_filter=True, priority=request.priority - 1)
        retry.meta["salvage_interstitial_tries"] = tries
        return retry


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """`MetaRefreshMiddleware` given the page's first `HEAD` bytes where the response declares its encoding (by a
    BOM, its Content-Type header or a ``<meta>`` charset in its first 4 kB): they decode to the same first 4096
    characters, and those are all that Scrapy reads for the tag and for the page's ``<base>``. The first 8 kB are
    tried, then `HEAD` (no character takes more than four bytes); a head that decodes to fewer than 4097 characters
    (its last may be cut) is not enough. In an encoding that writes ASCII as ASCII, a head without the bytes of
    ``refresh`` is passed on undecoded. A page that declares no encoding is read whole, as Scrapy reads it (its
    encoding is then inferred from all its bytes)."""

    HEAD = 4 * 4096
    # Encodings that write ASCII as ASCII, one byte each: in them a head without the bytes ``refresh`` (in any case)
    # has no refresh tag in its text, and the page needs no decoding at all to be passed on.
    ASCII_SUPERSETS = frozenset({"ascii", "utf-8", "gb18030", "gbk", "gb2312", "big5", "cp1252", "iso8859-1"})

    def process_response(self, request: Request, response: Response, spider: object = None) -> Request | Response:
        encoding = response._declared_encoding() if isinstance(response, HtmlResponse) else None
        if encoding and codecs.lookup(encoding).name in self.ASCII_SUPERSETS and (
                b"refresh" not in response.body[:self.HEAD].lower()):  # (a regex with re.I: 7 to 20 times slower)
            return response
        if encoding and len(response.body) > self.HEAD:
            for size in (2 * 4096, self.HEAD):
                head = response.replace(body=response.body[:size])
                if len(head.text) > 4096 or size == self.HEAD:
                    found = super().process_response(request, head)
                    return response if found is head else found
        return super().process_response(request, response)


class WholePageMiddleware:
    # Scrapy (2.19) deprecates a required ``spider`` argument on spider-middleware methods and will stop passing
    # it: the spider is read from the crawler given to from_crawler instead.
    def __init__(self, crawler: Crawler) -> None:
        from crawlers.parsers import check_whole  # (imported here, once: the parsers are not this module's import)

        self.crawler = crawler
        self.check_whole = check_whole

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WholePageMiddleware:
        return cls(crawler)

    def process_spider_input(self, response: Response) -> None:
        if response.status == 200 and response.body:
            self.check_whole(getattr(self.crawler.spider, "name", "?"), response.body, response.url)
