"""China CITIC Financial AMC (中国中信金融资产, formerly China Huarong 华融; www.famc.citic): 资产处置信息.

- list: ``https://www.famc.citic/ywjs/ywdt/zcczxx/index.shtml`` then ``index_2.shtml`` …, server-rendered: each
  notice an ``<a href="/ywjs/ywdt/zcczxx/{YYYY}/{id}.shtml" title="…">`` with its date ``YYYY-MM-DD`` beside it;
  the next page is the ``下一页`` link;
- detail: ``/ywjs/ywdt/zcczxx/{YYYY}/{id}.shtml``: ``h1`` title (the ``<title>`` carries the suffix
  ``_中国中信金融资产管理股份有限公司``), ``span.date``, body ``div.blzcwz_text`` with the claim tables.
- lots: debt packages, single claims, foreclosed property, equity; the id is the page's number.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from crawlers.parsers import amc
from crawlers.parsers.amc import Body, decode, is_interstitial  # noqa: F401
from crawlers.parsers.base import ListPage, ParseError, RawRecord

SOURCE = "citic_amc_notice"
TITLE_SUFFIX = re.compile(r"\s*[_\-|]\s*(?:中国)?中信金融资产管理股份有限公司\s*$")
_DETAIL_PATH = re.compile(r"/ywjs/ywdt/zcczxx/(\d{4})/(\d+)\.shtml$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Links to a notice whose text is the section's name, not the notice's title: a crawler of the live list skips
# anchors named 资产处置公告 that point at a notice page (idx:62556868574, 2026-09-03).
SECTION_NAMES = {"资产处置公告", "资产处置信息", "更多", "详情", "查看详情"}


def page_kind(text: str) -> str | None:
    if "blzcwz_text" in text:
        return "detail"
    if "/ywjs/ywdt/zcczxx/" in text:
        return "list"
    return None


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    tree = LexborHTMLParser(decode(body))
    records: list[RawRecord] = []
    seen: set[str] = set()
    untitled: dict[str, str] = {}
    # A link resolves to a notice's path only if its own path ends in .shtml (or, with no path of its own, if the
    # list page's path is a notice's): the other links (navigation, most of a page's) are not resolved at all.
    base_is_notice = _DETAIL_PATH.search(urlsplit(url).path) is not None
    links = tree.css("a[href]")
    for link in links:
        href = link.attrs.get("href") or ""  # (attrs: one attribute read, not the node's whole dict)
        if not base_is_notice and ".shtml" not in href.replace("\t", "").replace("\r", "").replace("\n", ""):
            continue  # (urlsplit drops tabs and line breaks anywhere in a URL)
        match = _DETAIL_PATH.search(amc.joined_path(url, href))
        if not match or match.group(2) in seen:
            continue
        title = amc.squash(link.attrs.get("title") or link.text(deep=True))
        if not title or title in SECTION_NAMES:  # an image or section link; the titled link follows
            untitled.setdefault(match.group(2), href)
            continue
        seen.add(match.group(2))
        record = amc.identity(SOURCE, match.group(2), "https://www.famc.citic" + match.group(), fetched_at)
        record.update(title=title, seller_type="amc")
        unit = amc.branch_of(title)
        if unit:
            record["disposal_unit"] = unit
        parent = link.parent
        date = _DATE.search(parent.text(deep=True)) if parent is not None else None
        if date:
            record["start_at"] = date.group()
            record["raw"] = {"published_at": date.group()}
        records.append(record)
    missing = [href for lot_id, href in untitled.items() if lot_id not in seen]
    if missing:
        raise ParseError(SOURCE, "title", url, f"link {missing[0]} has no title")
    next_link = next((a for a in links if "下一页" in a.text(deep=True)), None)
    next_url = urljoin(url, next_link.attributes["href"]) if next_link is not None else None
    total = re.search(r"共\s*(\d+)\s*页", tree.body.text(deep=True) if tree.body else "")
    return ListPage(records, next_url=next_url, total_pages=int(total.group(1)) if total else None)


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    tree = amc.soup(decode(body))
    content = tree.css_first("div.blzcwz_text")
    if content is None:
        raise ParseError(SOURCE, "div.blzcwz_text", url)
    match = _DETAIL_PATH.search(urlsplit(url).path)
    heading = tree.css_first("div.blzcwz h1") or tree.css_first("h1")
    title = amc.node_text(heading) or TITLE_SUFFIX.sub("", amc.node_text(tree.css_first("title")))
    date_node = tree.css_first(".blzcwz_info .date") or tree.css_first(".blzcwz_info")
    date = _DATE.search(amc.node_text(date_node)) if date_node is not None else None
    return amc.detail_record(SOURCE, content, lot_id=match.group(2) if match else None, url=url.split("?")[0],
                             fetched_at=fetched_at, title=title, published=date.group() if date else None)
