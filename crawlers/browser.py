"""Crawling a page through a real browser: scrapy-playwright with Debian's Chromium, for the requests that need it.

Only a spider whose pages are filled in by their own scripts uses this (``gwamc_notice``: Great Wall's notice pages
load their body from ``Ajax/GetArticleInfo.ashx`` after the page has loaded). It mixes `BrowserSpider` in and
marks just those requests with `browser_meta`; every other request of the crawl (lists, JSON, robots.txt) goes
through Scrapy's plain HTTP handler as usual.

Settings (per spider, `playwright_settings`): ``/usr/bin/chromium`` headless (Playwright cannot download its own
browsers here), images off in Blink (``--blink-settings=imagesEnabled=false``: cheaper than routing each image
request through Python to abort it), no background networking, component updates, sync or first-run work; one
context with a few pages at a time (each page closed as soon as its HTML is read: scrapy-playwright closes pages it
does not hand to the callback); a hard navigation timeout and a timeout on waiting for the body.

**Replica routing for the browser.** With ``SALVAGE_REPLICA`` set, `ReplicaRoutingMiddleware` sends plain requests
to the replica's address with the real ``Host`` header. A browser cannot be pointed at another address for one
request only: the page's own script and XHR would go to the real site. So for a browser request the middleware keeps
the real host (on the replica's scheme, ``http://www.gwamcc.com/HiringDetail.aspx?ID=…``) and the browser itself
is told where every host lives: Chromium's ``--host-resolver-rules=MAP * 127.0.0.1:PORT`` (added at launch by
`BrowserSpider.update_settings` when a replica is set). The page, its script and its XHR then all reach the replica,
each with the real ``Host`` header, and nothing leaks to the internet; no request is routed through Python for it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--blink-settings=imagesEnabled=false",
)
HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
NAVIGATION_TIMEOUT_MS = 20_000  # a page that has not loaded by then fails (and is retried by Scrapy)
WAIT_TIMEOUT_MS = 15_000  # the script's own request must have filled the page by then
PAGES_AT_ONCE = 4  # open pages (tabs); measured in bench/bench_amc.py


def playwright_settings(pages: int = PAGES_AT_ONCE, crawl_timeout_s: int = 1500) -> dict[str, Any]:
    """``custom_settings`` for a spider that renders some of its pages in Chromium."""
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": CHROMIUM,
            "headless": True,
            "args": list(CHROMIUM_ARGS),
            "timeout": 30_000,
        },
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": NAVIGATION_TIMEOUT_MS,
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": pages,
        "CLOSESPIDER_TIMEOUT": crawl_timeout_s,  # the crawl's own hard stop (crawlers.runner kills it later still)
    }


def replica_browser_args(replica: str) -> list[str]:
    """Chromium flags that send every host to the replica's address (the page keeps its real host name)."""
    return [f"--host-resolver-rules=MAP * {urlsplit(replica).netloc}, EXCLUDE localhost"]


def browser_meta(wait_for: str, **extra: Any) -> dict[str, Any]:
    """``meta`` of a request rendered in the browser: the response is the page's HTML once ``wait_for`` (a CSS
    selector) is in the DOM, i.e. once the page's script has inserted the content."""
    # imported here, not at the top: every crawl loads every spider module, and only a browser request needs
    # scrapy-playwright and Playwright
    from scrapy_playwright.page import PageMethod

    return {
        "playwright": True,
        "playwright_context": "pages",
        "playwright_page_methods": [PageMethod("wait_for_selector", wait_for, state="attached",
                                               timeout=WAIT_TIMEOUT_MS)],
        **extra,
    }


class PagePoolMiddleware:
    """Reuses the browser's pages (tabs) across requests instead of opening and closing one per request.

    scrapy-playwright opens a page for every request and closes it once its HTML is read, unless the request
    carries a page in ``meta["playwright_page"]`` (then it navigates that one) and ``playwright_include_page``
    (then it leaves the page open). This middleware, last before the download handler, lends each browser
    request a free page of the pool, lets the handler open a new one while fewer than ``PLAYWRIGHT_MAX_PAGES_PER_
    CONTEXT`` are open, and otherwise waits for one to come back; the page returns to the pool when the response
    or the error comes back. A page that closed (crashed) leaves the pool. The response's ``playwright_page`` is
    the lent page: a callback must not close it (the HTML is already in the response). Lending is per download
    attempt, so a retried request never carries the page of its failed attempt.
    """

    LENT = "salvage_pool_lent"

    def __init__(self, crawler: Any, size: int) -> None:
        self.crawler = crawler
        self.size = size
        self.opened = 0  # pages the handler opened for the pool and that have not closed
        self.free: Any = None  # asyncio.Queue of idle pages, made in the crawl's event loop

    @classmethod
    def from_crawler(cls, crawler: Any) -> "PagePoolMiddleware":
        return cls(crawler, crawler.settings.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", PAGES_AT_ONCE))

    async def process_request(self, request: Any) -> None:
        if not request.meta.get("playwright"):
            return None
        import asyncio

        if self.free is None:
            self.free = asyncio.Queue()
        request.meta.pop("playwright_page", None)  # a retry's copy of the meta holds the page of its last attempt
        request.meta["playwright_include_page"] = True
        request.meta[self.LENT] = True
        while True:
            if self.free.empty() and self.opened < self.size:
                self.opened += 1  # the handler opens it; it joins the pool when the response comes back
                return None
            page = await self.free.get()
            if isinstance(page, _ClosedPage):  # a page closed meanwhile: there is room to open a new one
                continue
            if page.is_closed():  # an idle page that crashed
                self.opened -= 1
                continue
            request.meta["playwright_page"] = page
            return None

    def _give_back(self, request: Any) -> None:
        if not request.meta.pop(self.LENT, False):
            return
        page = request.meta.get("playwright_page")
        if page is None or page.is_closed():  # the handler failed before opening it, or the page crashed
            self.opened -= 1
            if self.free is not None:
                self.free.put_nowait(_ClosedPage())  # wakes a waiter, which then has room to open a new page
            return
        self.crawler.stats.inc_value("salvage/browser_pages")
        self.free.put_nowait(page)

    def process_response(self, request: Any, response: Any) -> Any:
        if request.meta.get(self.LENT):
            self._give_back(request)
        return response

    def process_exception(self, request: Any, exception: BaseException) -> None:
        if request.meta.get(self.LENT):
            self._give_back(request)
        return None


class _ClosedPage:
    """A stand-in put in the pool for a page that closed: whoever takes it opens a new page instead."""

    def is_closed(self) -> bool:
        return True


class BrowserSpider:
    """Mixin: `playwright_settings` in ``custom_settings``, and the replica's host rules added at launch."""

    custom_settings: dict[str, Any] = playwright_settings()

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Launch flags that depend on the run: the replica's host rules, and ``SALVAGE_BROWSER_ARGS`` (extra
        Chromium flags, comma-separated, for tuning: ``-s SALVAGE_BROWSER_ARGS=--renderer-process-limit=2``)."""
        super().update_settings(settings)  # type: ignore[misc]
        extra = [a.strip() for a in (settings.get("SALVAGE_BROWSER_ARGS") or "").split(",") if a.strip()]
        replica = settings.get("SALVAGE_REPLICA")
        if replica:
            extra += replica_browser_args(replica)
        if extra:
            options = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
            options["args"] = [*options.get("args", []), *extra]
            settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", options, priority="spider")
