"""China Cinda AMC (中国信达资产, www.cinda.com.cn): 不良资产交易 bulletins.

- list: the page ``/home/pc/cn/xdjt/qykhpd/blzcjy/index.shtml`` is a script shell; its rows come from
  ``POST https://www.cinda.com.cn/api/asset/wtdf/json/bulletin/listData`` (form ``currentPage``, ``pageSize``,
  ``seachbulltin=bulletin``) → ``{"data":{"data":[{id,code,name,createtime,amount,dealoffice}],"pageCount":N}}``;
- detail: ``/home/pc/cn/xdjt/qykhpd/blzcjy/zcggxq/index.shtml?bulletintno={id}`` (server-rendered): ``编号：…``,
  ``发布时间：…``, ``资产总额（单位：万元）：人民币：1234.5``, the body with its tables, 联系人, PDF attachments, and a
  footer ``相关资产信息`` listing *other* bulletins (left out: its links are not this notice's).
- the list's ``amount`` carries no unit (the detail says 万元): it is kept in ``raw["list_amount"]`` only. The
  detail's 资产总额 is a debt package's ``total_claim`` when the body states no better total (the prose's
  本息合计 or the table's 合计), and is kept in ``raw["资产总额"]`` either way.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawlers.parsers import amc
from crawlers.parsers.amc import Body, decode, is_interstitial  # noqa: F401
from crawlers.parsers.base import ListPage, ParseError, RawRecord
from normalizers.amounts import parse_amount
from normalizers.codes import asset_type

SOURCE = "cinda_notice"
DETAIL_URL = "https://www.cinda.com.cn/home/pc/cn/xdjt/qykhpd/blzcjy/zcggxq/index.shtml?bulletintno={id}"
_LABEL = {
    "code": re.compile(r"编号\s*[:：]\s*([^\s]+)"),
    "published": re.compile(r"发布时间\s*[:：]\s*(\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)"),
    "total": re.compile(r"(资产总额\s*[（(][^)）]*[)）]\s*[:：]\s*(?:人民币\s*[:：]?\s*)?[\d,.]+\s*(?:万元|元|亿元)?)"),
    "contact": re.compile(r"联系人\s*[:：]\s*(\S+)"),
}


_RELATED = re.compile("相关资产信息")


def _only_string(node: amc.Tag) -> str | None:
    """The text of an element whose only content is one string (through single children), else None."""
    while True:
        child = node.child
        if child is None or child.next is not None:
            return None
        if child.is_text_node:
            return child.text_content
        if child.is_comment_node:
            return child.comment_content
        node = child


def _drop_related(container: amc.Tag, heading: amc.Tag) -> None:
    """Remove a 相关资产信息 heading's block (its parent); a heading straight inside the notice takes what follows
    it instead (the notice itself stays)."""
    parent = heading.parent
    if parent is not None and parent != container:
        parent.decompose()
        return
    while heading.next is not None:
        heading.next.decompose()
    heading.decompose()


def page_kind(text: str) -> str | None:
    if text.lstrip()[:1] in ("{", "["):
        return "list"
    if "zcggxq" in text or "编号" in text and "发布时间" in text:
        return "detail"
    return None


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    data = amc.loads(decode(body), SOURCE, url)
    page = data.get("data") if isinstance(data, dict) else None
    rows = page.get("data") if isinstance(page, dict) else None
    if not isinstance(rows, list):
        raise ParseError(SOURCE, "data.data", url, "no list of bulletins in the response")
    records = [list_record(row, url, fetched_at) for row in rows]
    count = page.get("pageCount")
    return ListPage(records, total_pages=int(count) if str(count or "").isdigit() else None,
                    total_items=int(page["total"]) if str(page.get("total") or "").isdigit() else None)


def list_record(row: dict[str, Any], url: str, fetched_at: datetime) -> RawRecord:
    lot_id = row.get("id")
    if lot_id is None or not str(lot_id).strip():  # refused naming the list page, not a lot URL made of "None"
        raise ParseError(SOURCE, "id", url, "a list row without an id")
    record = amc.identity(SOURCE, lot_id, DETAIL_URL.format(id=lot_id), fetched_at)
    title = amc.squash(row.get("name"))
    if not title:
        raise ParseError(SOURCE, "name", url)
    record.update(title=title, seller_type="amc")
    unit = amc.branch_of(title) or amc.full_unit(SOURCE, row.get("dealoffice"))
    if unit:
        record["disposal_unit"] = unit
    raw: dict[str, Any] = {}
    if row.get("createtime"):
        record["start_at"] = amc.date_part(str(row["createtime"])) or row["createtime"]
        raw["published_at"] = row["createtime"]
    for key, name in (("code", "code"), ("amount", "list_amount")):
        if amc.squash(str(row.get(key) or "")):
            raw[name] = row[key]
    record["raw"] = raw
    return record


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    tree = amc.soup(decode(body))
    container = tree.css_first("div.zcggxq")
    if container is None:
        raise ParseError(SOURCE, "div.zcggxq", url)
    while (related := tree.css_first(".xgzc")) is not None:  # 相关资产信息: other bulletins, not this one's
        related.decompose()
    while (heading := next((h for h in container.css("h3, h4") if _RELATED.search(_only_string(h) or "")),
                           None)) is not None:
        _drop_related(container, heading)
    lot_id = (parse_qs(urlsplit(url).query).get("bulletintno") or [None])[0]
    title = amc.node_text(container.css_first(".ggbt") or container.css_first("h1, h2"))
    text_lines = amc.lines(container)
    head = "\n".join(text_lines[:8])
    found = {name: m.group(1) for name, pattern in _LABEL.items() if (m := pattern.search(head))}
    record = amc.detail_record(SOURCE, container, lot_id=lot_id, url=DETAIL_URL.format(id=lot_id),
                               fetched_at=fetched_at, title=title, published=found.get("published"),
                               text_lines=text_lines)
    raw = record["raw"]
    if "code" in found:
        raw["code"] = found["code"]
    if "total" in found:
        raw["资产总额"] = amc.squash(found["total"])
        amount = parse_amount(found["total"], unit=None)
        is_debt = asset_type(SOURCE, None, record["title"]) == "debt"
        if amount.kind == "amount" and is_debt and "total_claim" not in record:
            record["total_claim"] = amc.squash(found["total"])
    return record
