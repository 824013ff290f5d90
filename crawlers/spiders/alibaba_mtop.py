"""Navigation of Alibaba's current generation, the signed mtop API on ``h5api.m.taobao.com`` (sources.md §1b).

Not a spider of its own: `MtopGeneration` is mixed into the Alibaba spiders, and ``scrapy crawl alibaba_sf -a
generation=mtop`` (or the setting ``SALVAGE_ALIBABA_GENERATION=mtop``) makes ``alibaba_sf`` / ``alibaba_zc`` walk the
API instead of the HTML pages. Records keep their source and the item id, so a lot is one lot whichever generation
it was crawled through.

- the list call ``mtop.taobao.datafront.invoke.auctionwalle`` 1.0 lists sf and zc lots together, 10 a page; each
  spider keeps its own (``salvage/mtop_rows_other_source`` counts the rest) and asks for each lot's detail
  (``queryHttpsItemDetail`` 3.0), then the next page while ``hasNextPage``;
- signing: ``sign = md5(token + "&" + t + "&" + appKey + "&" + data)``, the token being the first part of the
  ``_m_h5_tk`` cookie. The first call has no token and fails with ``FAIL_SYS_TOKEN_EMPTY``; its answer sets the
  cookie (Scrapy's cookie jar keeps it for the next calls, under the real host), the token is read from that
  answer's Set-Cookie (or the Cookie the request carried), and the call is made again, signed
  (``salvage/mtop_token_retries``, at most ``MAX_TOKEN_TRIES`` per call). An expired token is renewed the same way.
- a ``cna`` cookie (what Alibaba's tracking script sets in a browser) goes with every call: without it the detail
  call answers Baxia's ``RGV587`` captcha (retried by the anti-bot middleware all the same).
- for a 债权 lot of ``alibaba_zc`` the 标的物介绍 call ``mtop.com.taobao.auction.project.content.get`` ({projectId}
  from the detail) gives the claim (principal, interest, 基准日, debtor, guarantors, collateral), as the legacy
  ``get_pc_desc.htm`` does for the HTML generation;
- with ``-a lots_file`` / ``lot_urls`` only those lots' detail calls are made (the item id is read from the lot URL).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawlers.parsers import alibaba_mtop
from crawlers.parsers.alibaba_mtop import CONTENT_API, DETAIL_API, LIST_API, SOLD, MtopTokenError

HOST = "h5api.m.taobao.com"
APP_KEY = "12574478"
JSV = "2.7.5"
MAX_TOKEN_TRIES = 3
_ITEM_ID_RE = re.compile(r"/(\d{6,})\.htm")
DEBT_CATEGORIES = {"56956002", "债权"}
_TK_RE = re.compile(r"(?:^|;)\s*_m_h5_tk=([0-9a-f]+)_\d+")


def mtop_sign(token: str, t: str, app_key: str, data: str) -> str:
    return hashlib.md5(f"{token}&{t}&{app_key}&{data}".encode()).hexdigest()


def token_from(response: Response) -> str | None:
    """The ``_m_h5_tk`` token the answer set (Set-Cookie), else the one the request sent (Cookie)."""
    headers = [h.decode("latin-1") for h in response.headers.getlist("Set-Cookie")]
    request = getattr(response, "request", None)
    if request is not None:
        headers += [h.decode("latin-1") for h in request.headers.getlist("Cookie")]
    for header in headers:
        match = _TK_RE.search(header)
        if match:
            return match.group(1)
    return None


class MtopGeneration:
    """Mixin for `AlibabaAuctionSpider`: the mtop API generation, chosen by ``-a generation=mtop``."""

    def __init__(self, *args: Any, generation: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._generation = generation
        self.mtop_token: str | None = None
        self.cna = secrets.token_urlsafe(18)[:24]

    @property
    def generation(self) -> str:
        given = self._generation or (self.settings.get("SALVAGE_ALIBABA_GENERATION") if hasattr(self, "settings")
                                     else None)
        return (given or "html").strip().lower()

    async def start(self) -> AsyncIterator[Any]:
        if self.generation != "mtop":
            async for request in super().start():
                yield request
            return
        self.crawler.stats.set_value("salvage/generation", "mtop")
        if self.lot_seeds:
            self.crawler.stats.set_value("salvage/kind", "refresh")
            for seed in self.lot_seeds:
                match = _ITEM_ID_RE.search(seed["url"])
                if match is None:
                    self.logger.error("%s: no item id in lot URL %s", self.name, seed["url"])
                    continue
                record = {k: v for k, v in seed.items() if k != "url"}
                yield self.detail_call(match.group(1), record)
            return
        yield self.list_call(1)

    # ----------------------------------------------------------------------------------------- calls

    def mtop_call(self, api: str, version: str, data: dict[str, Any], callback: Any, cb_kwargs: dict[str, Any],
                  params: dict[str, str] | None = None, tries: int = 0) -> scrapy.Request:
        """A signed GET of ``api`` with the current token (none yet on the first call)."""
        data_text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        t = str(int(time.time() * 1000))
        query = {
            "jsv": JSV, "appKey": APP_KEY, "t": t, "sign": mtop_sign(self.mtop_token or "", t, APP_KEY, data_text),
            "api": api, "v": version, **(params or {}), "type": "jsonp", "dataType": "jsonp",
            "callback": "mtopjsonp1", "data": data_text,
        }
        return scrapy.Request(
            f"https://{HOST}/h5/{api.lower()}/{version}/?{urlencode(query)}",
            callback=callback,
            cb_kwargs=cb_kwargs,
            cookies={"cna": self.cna},
            dont_filter=tries > 0,
            meta={"mtop": (api, version, data, params, tries)},
        )

    def list_call(self, page: int, tries: int = 0) -> scrapy.Request:
        variables = {"page": page, "pageSize": 10, "zcBizTypes": [], "keyword": ""}
        data = {"dfApp": "auctionwalle", "dfApiName": "auctionwalle.page.getScenes",
                "dfVariables": json.dumps(variables, separators=(",", ":")), "dfUniqueId": "searchlist-items"}
        return self.mtop_call(LIST_API, "1.0", data, self.parse_mtop_list, {"page": page},
                              {"requiredParams": "dfApiName,dfUniqueId"}, tries)

    def detail_call(self, item_id: str, record: dict[str, Any], tries: int = 0) -> scrapy.Request:
        return self.mtop_call(DETAIL_API, "3.0", {"itemId": item_id}, self.parse_mtop_detail, {"record": record},
                              {"value": "SFPM_H5"}, tries)

    def content_call(self, project: str, record: dict[str, Any], tries: int = 0) -> scrapy.Request:
        return self.mtop_call(CONTENT_API, "1.0", {"projectId": project}, self.parse_mtop_content,
                              {"record": record}, None, tries)

    def again(self, response: Response, error: MtopTokenError) -> scrapy.Request:
        """The same call, signed with the token the gateway has just set; the error again after the last try."""
        api, version, data, params, tries = response.meta["mtop"]
        self.crawler.stats.inc_value("salvage/mtop_token_retries")
        token = token_from(response)
        if not token or tries + 1 >= MAX_TOKEN_TRIES:
            self.crawler.stats.inc_value("salvage/mtop_token_gave_up")
            raise error
        self.mtop_token = token
        self.logger.info("%s: mtop %s (%s): signing with the new token, try %d", self.name, error.code, api, tries + 2)
        return self.mtop_call(api, version, data, response.request.callback, response.request.cb_kwargs, params,
                              tries + 1)

    # ----------------------------------------------------------------------------------------- answers

    def parse_mtop_list(self, response: Response, page: int) -> Iterable[Any]:
        try:
            result = alibaba_mtop.parse_list(response.body, response.url, self.fetched_at(response))
        except MtopTokenError as error:
            yield self.again(response, error)
            return
        for record in result.records:
            if record["source"] != self.name:
                self.crawler.stats.inc_value("salvage/mtop_rows_other_source")
                continue
            yield self.detail_call(record["source_lot_id"], record)
        self.pages_seen += 1
        if result.extra.get("has_next") and not (self.max_pages and self.pages_seen >= self.max_pages):
            yield self.list_call(page + 1)

    def parse_mtop_detail(self, response: Response, record: dict[str, Any]) -> Iterable[Any]:
        try:
            detail = alibaba_mtop.parse_detail(response.body, response.url, self.fetched_at(response),
                                               source=self.name)
        except MtopTokenError as error:
            yield self.again(response, error)
            return
        merged = {**record, **detail}
        units = {**(record.get("units") or {}), **(detail.get("units") or {})}
        if units:
            merged["units"] = units
        if record.get("status") == SOLD and detail.get("status") == "done":
            merged["status"] = SOLD  # the detail's done says less than the row's sold (bids were made)
        project = alibaba_mtop.project_id(response.body, response.url)
        if self.name == "alibaba_zc" and project and (
            str(merged.get("category")) in DEBT_CATEGORIES or "债权" in str(merged.get("title", ""))
        ):
            yield self.content_call(project, merged)
            return
        yield merged

    def parse_mtop_content(self, response: Response, record: dict[str, Any]) -> Iterable[Any]:
        try:
            found = alibaba_mtop.parse_desc(response.body, response.url, self.fetched_at(response))
        except MtopTokenError as error:
            yield self.again(response, error)
            return
        yield {**record, **{k: v for k, v in found.items() if v not in (None, "", [])}}
