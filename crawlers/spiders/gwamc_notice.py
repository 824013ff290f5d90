"""China Great Wall AMC (中国长城资产, www.gwamcc.com): disposal notices and the asset-marketing list.

- notices ``Ajax/GetArticleList.ashx?pIndex=N&pSize=20&liName=64`` (JSON) → each notice's page
  ``HiringDetail.aspx?ID=``, a shell whose script loads the body: **rendered in Chromium** (scrapy-playwright; the
  only requests of this crawl that use the browser), read once ``#divContent`` has children;
- assets ``Ajax/GetTjieInfo.ashx?pSize=100&pIndex=N`` (JSON, sent as the site's own XHR: ``X-Requested-With``,
  Referer ``MCInfo.aspx?liName=101``): every row is a lot; ``MoneyTotal`` in any form (see the parser).
"""

from typing import Any

import scrapy

from crawlers.browser import BrowserSpider, browser_meta
from crawlers.parsers import gwamc_notice
from crawlers.spiders.amc import AmcNoticeSpider

XHR = {"X-Requested-With": "XMLHttpRequest", "Referer": "https://www.gwamcc.com/MCInfo.aspx?liName=101",
       "Accept": "application/json, text/javascript, */*; q=0.01"}


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
        return scrapy.Request(url, callback=self.parse_detail, cb_kwargs={"record": record},
                              meta=browser_meta("#divContent > *"))
