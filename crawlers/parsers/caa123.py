"""中拍平台 (caa123, the China Auctioneers Association's platform): court sales on its judicial side
(sf.caa123.org.cn, a JSON API) and commissioned sales on its commercial side (paimai.caa123.org.cn, HTML pages).
What is known of the real site, with its public evidence, and what the replica invents: docs/sources_caa123.md.

The page kind is told by the URL (`parse_by_url`):

==============================================================  ======================================================
``sf.caa123.org.cn/caa-web-ws/ws/0.1/lots?start=P&count=N…``    `ListPage`: one record per ``items`` entry; the next
                                                                page is ``start`` + 1 while ``start + 1 < totalPages``
``sf.caa123.org.cn/{caa,sf}-web-ws/ws/0.1/lot/{id}``            the lot: prices, times, court, address, counts
``paimai.caa123.org.cn/pages/lots/list.html?…&num=P``           `ListPage` of ``li.lot-item``; the next page from
                                                                ``a.next``; the category from the URL's standardType
``paimai.caa123.org.cn/pages/financeassets/financelotdetail…``  the lot: title, status badge, the ``table.lot-info``
==============================================================  ======================================================

Identity: ``source_lot_id`` is ``sf-{id}`` or ``pm-{lotId}`` (the two sides are separate systems with their own
ids); the canonical URLs are ``https://sf.caa123.org.cn/pages/lotdetail.html?lotId={id}`` (the detail page the 2022
crawler sends as Referer) and the commercial detail page with its ``meetId`` and ``lotId``.

Codes as the site writes them: ``lotStatus`` a string "0"…"6" (`normalizers.codes.CAA123_STATUS`), ``times`` 1-3
turned into its label (`CAA123_TIMES`), ``standardType`` as the hint ``category`` ``sf:6`` / ``pm:6`` (the two sides
number categories differently). Quirks: money is a JSON float (``756000.0``; ``assessPrice`` 0 = none); an upcoming
lot may state its end as its start (``endTime == startTime``: no end yet, not read); ``delayTime`` is a string.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import orjson
from selectolax.lexbor import LexborHTMLParser

from crawlers.parsers.base import ListPage, ParseError, RawRecord, page_text, tag_ids, utf8_clean, utf8_page, utf8_text
from normalizers.codes import CAA123_TIMES

SOURCE = "caa123"
SF_HOST, PM_HOST = "sf.caa123.org.cn", "paimai.caa123.org.cn"
SF_LOT_URL = "https://sf.caa123.org.cn/pages/lotdetail.html?lotId="
PM_LOT_URL = "https://paimai.caa123.org.cn/pages/financeassets/financelotdetail.html?meetId={}&lotId={}"
Body = bytes | str


@page_text
def decode(body: Body) -> str | tuple[str, bool]:
    """Both hosts answer UTF-8 (the JSON API and the pages). The text is `crawlers.parsers.base.clean_text`'s (no
    control or zero-width character in any spelling); a body whose bytes show none (`base.utf8_text`) is decoded
    without running it."""
    return body if isinstance(body, str) else utf8_text(body)


def _markup(body: Body) -> Body:
    """What a page's tree is parsed from: `base.utf8_page`'s (its bytes when they are exactly its text: selectolax
    would encode the text back to them, 10 us of a 10 kB list page's 80 us tree), or for a text given, `decode`'s
    (cleaned as `decode` cleans it)."""
    return utf8_page(body, decode)[1] if isinstance(body, bytes) else decode(body)


def is_interstitial(body: Body) -> str | None:
    """No anti-bot page of the site is known (docs/sources_caa123.md)."""
    return None


def page_kind(text: str) -> str | None:
    head = text.lstrip()[:300]
    if head.startswith("{"):
        return "api"
    if 'class="lot-detail"' in text:
        return "detail"
    if 'class="auction-list-wrap"' in text:
        return "list"
    return None


def _split(url: str) -> tuple[str, str, str]:
    """(host, path, query) of an absolute URL, without urllib (this runs once per page)."""
    rest = url.partition("://")[2]
    host, _, path = rest.partition("/")
    path, _, query = ("/" + path).partition("?")
    return host.lower().partition(":")[0], path, query.partition("#")[0]


def _param(query: str, name: str) -> str:
    key = name + "="
    for part in query.split("&"):
        if part.startswith(key):
            return part[len(key):]
    return ""


def parse_by_url(body: Body, url: str, fetched_at: datetime) -> list[RawRecord]:
    """Any page of the source, its kind told by the URL (see the module docstring)."""
    host, path, _ = _split(url)
    if (host == SF_HOST and path.endswith("/ws/0.1/lots")) or (host == PM_HOST and path.endswith("/list.html")):
        return parse_list(body, url, fetched_at).records
    return [parse_detail(body, url, fetched_at)]


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    host = _split(url)[0]
    if host == SF_HOST:
        return parse_sf_list(body, url, fetched_at)
    if host == PM_HOST:
        return parse_pm_list(body, url, fetched_at)
    raise ParseError(SOURCE, "page", url, "not a 中拍平台 list URL")


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    host, path, _ = _split(url)
    if host == SF_HOST and "/ws/0.1/lot/" in path:
        return parse_sf_lot(body, url, fetched_at)
    if host == PM_HOST and path.endswith("/financelotdetail.html"):
        return parse_pm_detail(body, url, fetched_at)
    raise ParseError(SOURCE, "page", url, "not a 中拍平台 lot URL")


# --------------------------------------------------------------------------------------------- judicial JSON


def _payload(body: Body, url: str, field: str) -> dict[str, Any]:
    try:
        # a body that is exactly its text goes to orjson as it is (orjson would encode the text back to it); one with
        # no byte that leads a zero-width character is told so by its bytes alone (`utf8_clean` without the text: the
        # API's answers write no “” ，：, and decoding them cost a tenth of their parse)
        exact = type(body) is bytes and (utf8_clean(body) or utf8_text(body)[1])
        try:
            payload = orjson.loads(body if exact else decode(body))
        except orjson.JSONDecodeError:
            payload = orjson.loads(decode(body))  # (the error as the text gives it)
    except orjson.JSONDecodeError as exc:
        raise ParseError(SOURCE, field, url, f"the answer is not JSON: {exc}") from None
    if type(payload) is not dict:
        raise ParseError(SOURCE, field, url, "the answer is not a JSON object")
    return payload


def _number(value: Any) -> bool:
    kind = type(value)
    return (kind is float or kind is int) and value > 0


def _sf_record(item: Any, url: str, fetched_at: datetime) -> RawRecord:
    """The fields a judicial list item and a lot answer share (type tests: 12 per page must keep up with json)."""
    if type(item) is not dict:
        raise ParseError(SOURCE, "items", url, f"list item is not an object: {item!r:.80}")
    get = item.get
    lot_id = get("id")
    if type(lot_id) is not int or lot_id <= 0:
        if type(lot_id) is str and lot_id.strip().isdigit():
            lot_id = int(lot_id)
        else:
            raise ParseError(SOURCE, "id", url, f"not a lot id: {lot_id!r}")
    title = get("name")
    if type(title) is not str or not title.strip():
        raise ParseError(SOURCE, "name", url)
    record: RawRecord = {"source": SOURCE, "source_lot_id": f"sf-{lot_id}", "url": f"{SF_LOT_URL}{lot_id}",
                         "fetched_at": fetched_at, "title": title}
    status = get("lotStatus")
    if status is not None and status != "":
        if type(status) is not str and type(status) is not int:
            raise ParseError(SOURCE, "lotStatus", url, f"not a status code: {status!r:.40}")
        record["status"] = str(status)
    times = get("times")
    if times:
        label = CAA123_TIMES.get(str(times))
        if label is None:
            raise ParseError(SOURCE, "times", url, f"unknown round code {times!r}")
        record["round"] = label
    value = get("startPrice")
    if not _number(value):
        raise ParseError(SOURCE, "startPrice", url)
    record["reserve_price"] = value
    value = get("assessPrice")
    if _number(value):  # 0 / null: no appraisal
        record["appraisal_price"] = value
    value = get("nowPrice")
    if _number(value):
        record["current_price"] = value
        if str(status) == "3":  # 已成交: the last price is the price it sold at
            record["final_price"] = value
    start, end = get("startTime"), get("endTime")
    for key, value in (("startTime", start), ("endTime", end)):
        if value is not None and type(value) is not int:
            raise ParseError(SOURCE, key, url, f"not epoch milliseconds: {value!r:.40}")
    if start:
        record["start_at"] = start
    if end and not (start and end <= start):  # end == start: no end stated yet
        record["end_at"] = end
    court = get("court")
    if type(court) is str and court.strip():
        record["disposal_unit"] = court
    value = get("bidCount")
    if type(value) is int:
        record["bid_count"] = value
    value = get("onLooker")
    if type(value) is int:
        record["view_count"] = value
    standard = get("standardType")
    if standard is not None and standard != "":
        if type(standard) is not str and type(standard) is not int:
            raise ParseError(SOURCE, "standardType", url, f"not a category code: {standard!r:.40}")
        record["category"] = f"sf:{standard}"
    return record


def parse_sf_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    """A judicial ``…/ws/0.1/lots`` answer → its records, the next page's URL and the totals."""
    payload = _payload(body, url, "items")
    items = payload.get("items")
    if type(items) is not list:
        raise ParseError(SOURCE, "items", url, f"no items list in the answer ({str(payload)[:120]})")
    records = [_sf_record(item, url, fetched_at) for item in items]
    total_pages, total = payload.get("totalPages"), payload.get("totalCount")
    total_pages = total_pages if type(total_pages) is int else None
    query = _split(url)[2]
    start = _param(query, "start")
    start = int(start) if start.isdigit() else 0
    next_url = None
    if items and total_pages is not None and start + 1 < total_pages:
        next_url = re.sub(r"([?&])start=\d*", rf"\g<1>start={start + 1}", url, count=1) if "start=" in url \
            else f"{url}{'&' if '?' in url else '?'}start={start + 1}"
    return ListPage(records=records, next_url=next_url, total_items=total if type(total) is int else None,
                    total_pages=total_pages)


def parse_sf_lot(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    """A judicial ``…/ws/0.1/lot/{id}`` answer → the lot's record (laid over its list record by the spider)."""
    payload = _payload(body, url, "id")
    if "id" not in payload and ("code" in payload or "message" in payload):
        raise ParseError(SOURCE, "id", url, f"the API answered an error: {str(payload)[:120]}")
    record = _sf_record(payload, url, fetched_at)
    asked = _split(url)[1].rpartition("/")[2]
    if asked.isdigit() and record["source_lot_id"] != "sf-" + asked:
        raise ParseError(SOURCE, "id", url, f"the answer is for lot {record['source_lot_id']}, not {asked}")
    get = payload.get
    for key, field in (("rateLadder", "increment"), ("cashDeposit", "deposit")):
        value = get(key)
        if _number(value):
            record[field] = value
    value = get("enrollment")
    if type(value) is int:
        record["applicant_count"] = value
    position = get("position")
    if type(position) is str and position.strip():
        record["address"] = record["location"] = position
    return record


# --------------------------------------------------------------------------------------------- commercial HTML

_COUNT = re.compile(r"\d[\d,]*")


def _digits(text: str) -> str | None:
    match = _COUNT.search(text)
    return match.group(0) if match else None


def _pm_identity(lot_id: str, meet_id: str, url: str, fetched_at: datetime) -> RawRecord:
    if not lot_id.isdigit():
        raise ParseError(SOURCE, "lotId", url, f"not a lot id: {lot_id!r}")
    return {"source": SOURCE, "source_lot_id": f"pm-{lot_id}", "url": PM_LOT_URL.format(meet_id, lot_id),
            "fetched_at": fetched_at}


_LIST_TIMES = {"开始时间": "start_at", "结束时间": "end_at"}
_PRICE_FIELDS = {"起拍价": ("reserve_price",), "当前价": ("current_price",), "成交价": ("current_price", "final_price")}


def _text(node: Any) -> str:
    """A node's text, stripped: read from its one text child when it has just that (``text_content``, None for any
    other node: 0.5 us a node where ``text(strip=True)`` and a test of the child's tag cost 0.6), else
    ``text(strip=True)``."""
    child = node.first_child
    if child is not None and child.next is None:
        text = child.text_content
        if text is not None:
            return text.strip()
    return node.text(strip=True)


# One selector for every node a list page's parse reads, matched once over the page: lexbor compiles a selector at
# each call, so one query in document order (an item's ``li`` before its own nodes) costs a fraction of a query per
# field per item. Each selector of a list walks the tree again (2-3 us on a 10 kB list page, whatever it tests): the
# spans' classes are one ``span:is(…)`` (the same nodes in the same order: 24 us for the query where six span
# selectors took 30).
_PM_LIST_NODES = ("ul.auction-list-wrap, li.lot-item, p.lot-name a, em.price, "
                  "span:is(.label, .lot-status, .lot-time, .bid, .look, .count), div.page-wrap, div.page-wrap a.next")


_UL, _LI, _A, _DIV, _EM = tag_ids("ul", "li", "a", "div", "em")  # the elements a list page's query returns


def parse_pm_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    """A commercial list page → one record per ``li.lot-item``, the next page and the total."""
    tree = LexborHTMLParser(_markup(body))
    standard = _param(_split(url)[2], "standardType")
    category = f"pm:{standard}"
    records: list[RawRecord] = []
    record: RawRecord | None = None
    wrapped = False
    label = total = total_pages = next_url = None
    for node in tree.css(_PM_LIST_NODES):
        tag, attrs = node.tag_id, node.attributes  # (an int: the tag name is a new str at each read)
        kind = attrs.get("class") or ""
        if tag == _UL:
            wrapped = True
        elif tag == _LI:
            _close_item(record, url)
            record = _pm_identity(attrs.get("data-lotid") or "", attrs.get("data-meetid") or "", url, fetched_at)
            if standard:
                record["category"] = category
            records.append(record)
            label = None
        elif tag == _A and "next" in kind:
            href = attrs.get("href")
            if href:
                next_url = href if "://" in href else f"https://{PM_HOST}{href if href[:1] == '/' else '/' + href}"
        elif tag == _DIV:
            total_pages = attrs.get("data-total-pages")
        elif kind == "count":
            total = _text(node)
        elif record is None:
            continue
        elif tag == _A:
            record["title"] = _text(node)
        elif kind == "label":
            label = _text(node)
        elif tag == _EM:
            text = _text(node)
            for field in _PRICE_FIELDS.get(label, ()):
                record[field] = text
        elif kind.startswith("lot-status"):
            if text := _text(node):
                record["status"] = text
        elif kind == "lot-time":
            key, _, value = _text(node).partition("：")
            if value and key in _LIST_TIMES:
                record[_LIST_TIMES[key]] = value
        elif kind in ("bid", "look") and (count := _digits(_text(node))):
            record["bid_count" if kind == "bid" else "view_count"] = count
    _close_item(record, url)
    if not wrapped:
        raise ParseError(SOURCE, "ul.auction-list-wrap", url, "not a lot list page")
    return ListPage(records=records, next_url=next_url,
                    total_items=int(total) if total and total.isdigit() else None,
                    total_pages=int(total_pages) if total_pages and total_pages.isdigit() else None)


def _close_item(record: RawRecord | None, url: str) -> None:
    if record is not None and not record.get("title"):
        raise ParseError(SOURCE, "lot-name", url, f"lot {record['source_lot_id']} has no title")


# label of a ``table.lot-info`` row → field (None: read into another field below, or not a `Lot` field)
_PM_ROWS = {"起拍价": "reserve_price", "评估价": "appraisal_price", "保证金": "deposit", "加价幅度": "increment",
            "开始时间": "start_at", "结束时间": "end_at", "标的所在地": "address", "委托人": "disposal_unit",
            "出价次数": "bid_count", "报名人数": "applicant_count", "围观次数": "view_count"}
_PM_COUNTS = {"bid_count", "applicant_count", "view_count"}
_NOT_GIVEN = {"", "无", "暂无", "待定", "-", "--"}


_PM_DETAIL_NODES = "div.lot-detail, h2.lot-title, span:is(.lot-status, .price-label, .key, .value), em.now-price"


def parse_pm_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    """A commercial lot page → the lot's record (one selector query over the page, as `parse_pm_list`)."""
    tree = LexborHTMLParser(_markup(body))
    nodes = tree.css(_PM_DETAIL_NODES)
    if not nodes or nodes[0].tag != "div":
        raise ParseError(SOURCE, "div.lot-detail", url, "not a lot page")
    attrs = nodes[0].attributes
    query = _split(url)[2]
    lot_id = attrs.get("data-lotid") or _param(query, "lotId")
    asked = _param(query, "lotId")
    if asked and asked != lot_id:
        raise ParseError(SOURCE, "lotId", url, f"the page is for lot {lot_id}, not {asked}")
    record = _pm_identity(lot_id, attrs.get("data-meetid") or _param(query, "meetId"), url, fetched_at)
    label = key = None
    for node in nodes[1:]:
        kind = node.attributes.get("class") or ""
        text = _text(node)
        if kind == "key":
            key = text
        elif kind == "value":
            field, key = _PM_ROWS.get(key), None
            if field is None or text in _NOT_GIVEN:
                continue
            if field in _PM_COUNTS:
                text = _digits(text)
                if text is None:
                    continue
            record[field] = text
        elif kind == "lot-title":
            record["title"] = text
        elif kind.startswith("lot-status"):
            if text:
                record["status"] = text
        elif kind == "price-label":
            label = text
        elif kind == "now-price" and text:
            for field in _PRICE_FIELDS.get(label, ()):
                if field != "reserve_price":
                    record[field] = text
    if not record.get("title"):
        raise ParseError(SOURCE, "h2.lot-title", url)
    if "address" in record:
        record["location"] = record["address"]
    if "reserve_price" not in record:
        raise ParseError(SOURCE, "起拍价", url)
    return record
