"""China Orient AMC (中国东方资产, 资产营销网 sales.coamc.com.cn): disposal and investment notices.

- list: ``POST https://sales.coamc.com.cn/coamc/api/getNoticePage`` (form ``title``, ``type``, ``branchId``,
  ``condition=0``, ``pageSize``, ``page``, ``noticeCate``) → ``{"data":{"data":{"content":[{id,title,url,auditTime,
  addTime,branchName,typeKey}],"totalPages":N}}}``; ``type`` is one of DEBTS_DISPOSITION 抵债物, CREDIT_DISPOSITION
  债权, ASSET_DISPOSITION 资产包, STOCK_DISPOSITION 股权, MULTI_DISPOSITION 多项 (noticeCate 1), INVESTMENT 资产包招商,
  MARKETING 推介 (noticeCate 2);
- detail: ``/html/{branch uuid}/{TYPE}/{YYYYMMDD}/{id}.html``, body ``.notice-detail.clear`` whose first line is the
  branch, then the title (``h3``), ``发布时间：…`` and the text with its tables.
- quirks: served as ``charset=ISO-8859-1`` although the bytes are UTF-8 (decoded as UTF-8 here); some titles,
  branch names and whole notice bodies were stored double-encoded (UTF-8 read as latin1: ``ä¸\\xadå\\x9b½``) and are
  repaired (latin1 → UTF-8) before parsing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from crawlers.parsers import amc
from crawlers.parsers.amc import Body, decode, is_interstitial  # noqa: F401
from crawlers.parsers.base import ListPage, ParseError, RawRecord

SOURCE = "coamc_notice"
BASE = "https://sales.coamc.com.cn/"
TYPES = {  # typeKey → (name, noticeCate, asset type when the type says it)
    "DEBTS_DISPOSITION": ("抵债物资产处置公告", 1, None),
    "CREDIT_DISPOSITION": ("债权资产处置公告", 1, "debt"),
    "ASSET_DISPOSITION": ("资产包处置公告", 1, "debt"),
    "STOCK_DISPOSITION": ("股权资产处置公告", 1, "equity"),
    "MULTI_DISPOSITION": ("多项资产处置公告", 1, None),
    "INVESTMENT": ("资产包招商公告", 2, "debt"),
    "MARKETING": ("推介信息", 2, None),
}
_DETAIL_PATH = re.compile(r"/html/([0-9a-zA-Z-]+)/([A-Z_]+)/(\d{8})/([0-9a-zA-Z-]+)\.html$")
_PUBLISHED = re.compile(r"发布时间\s*[:：]\s*(\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)")


def page_kind(text: str) -> str | None:
    if text.lstrip()[:1] in ("{", "["):
        return "list"
    if "notice-detail" in text:
        return "detail"
    return None


def _type_fields(record: RawRecord, type_key: str | None) -> None:
    if type_key in TYPES and TYPES[type_key][2]:
        record["asset_type"] = TYPES[type_key][2]


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    data = amc.loads(decode(body), SOURCE, url)
    outer = data.get("data") if isinstance(data, dict) else None
    page = outer.get("data") if isinstance(outer, dict) else None
    rows = page.get("content") if isinstance(page, dict) else None
    if not isinstance(rows, list):
        raise ParseError(SOURCE, "data.data.content", url, "no list of notices in the response")
    records = [list_record(row, url, fetched_at) for row in rows]
    pages = page.get("totalPages")
    return ListPage(records, total_pages=int(pages) if str(pages or "").isdigit() else None,
                    total_items=page.get("totalElements"))


def list_record(row: dict[str, Any], url: str, fetched_at: datetime) -> RawRecord:
    href = amc.squash(row.get("url"))
    if not href:
        raise ParseError(SOURCE, "url", url)
    if row.get("id") is None or not str(row["id"]).strip():  # refused naming the list page, not the lot's
        raise ParseError(SOURCE, "id", url, "a list row without an id")
    record = amc.identity(SOURCE, row.get("id"), amc.joined_url(BASE, href), fetched_at)
    title = amc.squash(row.get("title"))
    if not title:
        raise ParseError(SOURCE, "title", url)
    record.update(title=title, seller_type="amc")
    unit = amc.branch_of(title) or amc.full_unit(SOURCE, row.get("branchName"))
    if unit:
        record["disposal_unit"] = unit
    _type_fields(record, row.get("typeKey"))
    published = row.get("auditTime") or row.get("addTime")
    raw: dict[str, Any] = {"typeKey": row.get("typeKey")} if row.get("typeKey") else {}
    if published:
        record["start_at"] = amc.date_part(str(published)) or published
        raw["published_at"] = published
    record["raw"] = raw
    return record


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    tree = amc.soup(decode(body))
    container = tree.css_first("div.notice-detail")
    if container is None:
        raise ParseError(SOURCE, ".notice-detail", url)
    match = _DETAIL_PATH.search(urlsplit(url).path)
    text_lines = amc.lines(container)
    heading = container.css_first("h1, h2, h3")
    title = amc.node_text(heading) or next((x for x in text_lines[:4] if "公告" in x or "招商" in x), "")
    first_line = text_lines[0] if text_lines else ""
    published = _PUBLISHED.search("\n".join(text_lines[:6]))
    record = amc.detail_record(SOURCE, container, lot_id=match.group(4) if match else None, url=url.split("?")[0],
                               fetched_at=fetched_at, title=title, published=published.group(1) if published
                               else (f"{match.group(3)[:4]}-{match.group(3)[4:6]}-{match.group(3)[6:]}" if match
                                     else None), unit_hint=first_line if "分公司" in first_line else None,
                               text_lines=text_lines)
    if match:
        _type_fields(record, match.group(2))
        record["raw"]["typeKey"] = match.group(2)
    return record
