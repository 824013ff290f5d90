"""China Great Wall AMC (中国长城资产, www.gwamcc.com): disposal notices and the asset-marketing list.

- notices ``Ajax/GetArticleList.ashx?pIndex=N&pSize=20&liName=64`` (JSON) → each notice's page
  ``HiringDetail.aspx?ID=``, a shell whose script does one thing: it fetches ``Ajax/GetArticleInfo.ashx?ID=`` (JSON:
  ``{"ds":[{Title, ActionDate, Source, Content}]}``) and writes ``Title`` into ``#lblTitle``, ``发布时间：ActionDate
  来源：Source`` into ``#lblDate`` and ``Content`` into ``#divContent``. So the spider **asks for that XHR itself**
  (plain Scrapy, the script's own headers) and builds the same three elements from it: about one tenth of the cost of
  rendering the page. **Fallback:** when the XHR is refused (an HTTP error, an answer that is not that JSON, an empty
  ``ds``), the notice page is rendered in Chromium as before (scrapy-playwright; the only requests of this crawl that
  may use the browser), read once ``#divContent`` has children. ``-a browser=1`` renders every notice page.
- assets ``Ajax/GetTjieInfo.ashx?pSize=100&pIndex=N`` (JSON, sent as the site's own XHR: ``X-Requested-With``,
  Referer ``MCInfo.aspx?liName=101``): every row is a lot; ``MoneyTotal`` in any form (see the parser).
"""

from html import escape
from typing import Any

import orjson
import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.browser import BrowserSpider, browser_meta
from crawlers.parsers import gwamc_notice
from crawlers.parsers.base import ParseError
from crawlers.spiders.amc import AmcNoticeSpider, merge

XHR = {"X-Requested-With": "XMLHttpRequest", "Referer": "https://www.gwamcc.com/MCInfo.aspx?liName=101",
       "Accept": "application/json, text/javascript, */*; q=0.01"}
ARTICLE_INFO = "https://www.gwamcc.com/Ajax/GetArticleInfo.ashx?ID={id}"


def article_page(body: bytes) -> bytes | None:
    """The notice page's elements as ``HiringDetail.js`` fills them from a ``GetArticleInfo`` answer (title and
    content are HTML, inserted as they are, as the script's ``innerHTML`` does), or None when the answer is not that
    JSON with a row (a refusal, an anti-bot page, an empty ``ds``). Its result is what ``parse_detail`` reads."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    rows = data.get("ds") if isinstance(data, dict) else None
    row = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else None
    if row is None or not row.get("Content"):
        return None
    when, source = (escape(str(row.get(key) or "")) for key in ("ActionDate", "Source"))
    date = f"发布时间：{when}&nbsp;&nbsp;&nbsp;来源：{source}"
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
            f'<h3 id="lblTitle" class="article_title">{row.get("Title") or ""}</h3>'
            f'<div id="lblDate" class="article_info">{date}</div>'
            f'<div id="divContent" class="article_content">{row["Content"]}</div></body></html>').encode()


class GwamcNoticeSpider(BrowserSpider, AmcNoticeSpider):
    name = "gwamc_notice"
    parser = gwamc_notice
    allowed_domains = ["gwamcc.com"]
    start_urls = [
        "https://www.gwamcc.com/Ajax/GetArticleList.ashx?pIndex=1&pSize=20&liName=64",
        "https://www.gwamcc.com/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=0",  # pages count from 0 (see the parser)
    ]
    list_headers = XHR
    min_items = 100
    browser: str | bool = False  # -a browser=1: render every notice page (the fallback's path) instead of the XHR

    async def start(self):  # type: ignore[override]
        if getattr(self, "lot_seeds", None):
            async for request in super().start():
                yield request
            return
        for url in self.start_urls:
            yield scrapy.Request(url, headers=XHR, callback=self.parse_list)

    def wants_detail(self, record: dict[str, Any]) -> bool:
        return not str(record["source_lot_id"]).startswith("asset-")

    def detail_request(self, url: str, record: dict[str, Any]) -> scrapy.Request:
        notice_id = gwamc_notice._query(url).get("id")
        if str(self.browser).lower() in ("1", "true", "yes") or not notice_id:
            return self.browser_request(url, record)
        return scrapy.Request(ARTICLE_INFO.format(id=notice_id), callback=self.parse_article,
                              errback=self.article_refused, cb_kwargs={"record": record, "page_url": url},
                              headers={**XHR, "Referer": url})

    def browser_request(self, url: str, record: dict[str, Any]) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_detail, cb_kwargs={"record": record},
                              meta=browser_meta("#divContent > *"), dont_filter=True)

    def parse_article(self, response: Response, record: dict[str, Any], page_url: str) -> Any:
        page = article_page(response.body)
        if page is None:
            self.crawler.stats.inc_value("salvage/gwamc_xhr_refused")
            self.logger.info("GetArticleInfo refused for %s (%s); rendering the page", page_url, response.status)
            yield self.browser_request(page_url, record)
            return
        self.crawler.stats.inc_value("salvage/gwamc_xhr")
        try:
            detail = self.parser.parse_detail(page, page_url, self.fetched_at(response))
        except ParseError:  # the answer's content is not a notice body: the page, rendered, is the reference
            self.crawler.stats.inc_value("salvage/gwamc_xhr_refused")
            yield self.browser_request(page_url, record)
            return
        yield from self.with_attachments(merge(record, detail))

    def article_refused(self, failure: Failure) -> Any:
        """An HTTP error or a network failure of the XHR (after Scrapy's retries): render the page instead."""
        request = failure.request
        response = getattr(failure.value, "response", None)
        self.crawler.stats.inc_value("salvage/gwamc_xhr_refused")
        self.logger.info("GetArticleInfo refused for %s (%s); rendering the page", request.cb_kwargs["page_url"],
                         response.status if response is not None else failure.getErrorMessage())
        yield self.browser_request(request.cb_kwargs["page_url"], request.cb_kwargs["record"])
