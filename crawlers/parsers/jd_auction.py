"""JD auctions (京东拍卖, paimai.jd.com): court sales (司法), AMC and bank debt packages (债权), bankruptcy,
state and commercial assets. Every page is a JavaScript shell; all data comes from one JSON API (sources.md §2).

- API: ``https://api.m.jd.com/api?appid=paimai&functionId=…&body=<url-encoded JSON>&loginType=3[&jsonp=…]``;
  the envelope is ``{"code":0,"data":…,"message":"成功","status":0}`` (search: ``datas`` and ``totalItem``); with
  ``jsonp=jsonp_{ms}_{n}`` the body is ``jsonp_…({…});``. The parser is chosen by the URL's ``functionId``:

  ============================  =====================================================================================
  ``paimai_unifiedSearch``      a `ListPage` of list records (``datas``); the next page is the same body with
                                ``page`` + 1 while ``page × pageSize < totalItem``; the category is the body's
                                ``childrenCateId``
  ``getProductBasicInfo``       the lot's record: prices, times, place, coordinates, 债权 keys of ``extendInfoMap``
  ``getPaimaiRealTimeData``     a partial record of the lot's state: auctionStatus + displayStatus, current
                                price, bids, 报名, 围观, the actual end
  ``queryProductDescription``   a partial record: for a 债权 package the debt table, loan by loan (`debt_table`)
  ``queryAttachFilesForIntro``  ``{"attachments": [{name, url, format}]}`` (informational; no `Lot` field)
  ============================  =====================================================================================

- lot ids are 9-digit ``paimaiId``; the lot's URL is ``https://paimai.jd.com/{paimaiId}``.
- quirks: amounts are JSON floats in yuan beside preformatted strings (``currentPriceStr`` ``"2,959,062.14"``, kept
  as the raw text); ``assessmentPrice`` / ``marketPrice`` 0 mean none; getProductBasicInfo's ``minPrice`` may be
  ``"无"`` (no reserve: the starting price is ``startPrice``); status is two codes, ``auctionStatus`` (0 预告中,
  1 进行中, 2 已结束) and ``displayStatus`` (1 normal, 5 撤回, 6 暂缓, 7 中止) which overrides it; ``paimaiTimes`` 0 means
  no round; ``extendInfoMap`` is a JSON string inside the JSON; ``priceLowerOffset`` (加价幅度, the increment)
  is in search items, getProductBasicInfo and getPaimaiRealTimeData alike; a street written ``其他`` is JD's
  "no street".
  Real answers (lot 280492523): tests/golden/real/jd_auction/.
- 债权 tables: ``序号 | 债务人 | 保证人/关联方 | 抵押物 | 本金余额 | 利息余额 | 费用 | 债权合计`` with merged cells
  (rowspan / colspan expanded into a grid), continuation rows without 序号 (the loan belongs to the debtor above),
  one or two header rows, the unit (``单位：人民币元`` / ``万元``), the 基准日 (``截至2023年6月30日`` /
  ``基准日：…``), a 合计 row (→ the lot's principal, interest and total claim) and rows in other currencies
  (``…（美元）``, kept in that currency and never taken as a CNY 合计).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlsplit

import orjson
from lxml import etree
from lxml import html as lxml_html

from crawlers.parsers.base import ListPage, ParseError, RawRecord, page_text

SOURCE = "jd_auction"
API_HOST = "api.m.jd.com"
LOT_URL_PREFIX = "https://paimai.jd.com/"
Body = bytes | str

# --------------------------------------------------------------------------------------------- the API envelope


@page_text
def decode(body: Body) -> str:
    """The API answers UTF-8 (JSON, JSONP) and so do the shell pages."""
    if isinstance(body, str):
        return body
    return body.decode("utf-8-sig" if body.startswith(b"\xef\xbb\xbf") else "utf-8", errors="replace")


def is_interstitial(body: Body) -> str | None:
    """JD's API answers JSON or JSONP; no anti-bot page of it is known (sources.md §2: h5st is optional)."""
    return None


def page_kind(text: str) -> str | None:
    """A body's kind when no URL says it (`parse_by_url` normally decides by ``functionId``)."""
    head = text.lstrip()[:200]
    if head.startswith(("{", "jsonp", "[")) or re.match(r"[\w$]+\s*\(", head):
        return "api"
    return "shell" if "<html" in head.lower() or "<!doctype" in head.lower() else None


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def function_id(url: str) -> str | None:
    """The API function a URL calls (``paimai_unifiedSearch`` …), None for a URL that is not the API."""
    if not urlsplit(url).path.endswith("/api"):
        return None
    return _param(url, "functionId") or None


def _unquote(value: str) -> str:
    """`urllib.parse.unquote_plus`, about ten times faster on a percent-encoded JSON body: each ``%XX`` becomes a
    ``\\xXX`` byte escape for the C decoder (exact when the value holds no literal backslash; anything malformed
    goes the standard way)."""
    if "\\" not in value:
        try:
            return codecs.escape_decode(value.encode().replace(b"+", b" ").replace(b"%", b"\\x"))[0].decode()
        except (ValueError, UnicodeDecodeError):
            pass
    return unquote_plus(value)


def _param(url: str, name: str) -> str | None:
    """One query parameter of ``url``, decoded (the first of its name), without parsing the others."""
    query_text = url.partition("?")[2].partition("#")[0]
    key = name + "="
    for part in query_text.split("&"):
        if part.startswith(key):
            return _unquote(part[len(key):])
    return None


def request_body(url: str) -> dict[str, Any]:
    """The URL's ``body`` parameter (URL-encoded JSON) as a dict; {} when it has none or it is not JSON."""
    raw = _param(url, "body")
    if not raw:
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}


# Percent-encoding of ASCII text as `urllib.parse.quote(text, safe="")` does it, in one C-level str.translate.
_URL_QUOTE = {c: f"%{c:02X}" for c in range(128) if not (chr(c).isalnum() or chr(c) in "_.-~")}


def quote_json(body: dict[str, Any]) -> str:
    """A request body as the ``body`` parameter: compact JSON, non-ASCII as ``\\uXXXX`` (the same JSON), then
    percent-encoded like ``quote(…, safe="")``; many times faster than ``quote`` on a 600-character body."""
    return json.dumps(body, separators=(",", ":")).translate(_URL_QUOTE)


def api_url(function: str, body: dict[str, Any], *, appid: str = "paimai", jsonp: str | None = None) -> str:
    """``https://api.m.jd.com/api?appid=…&functionId=…&body=<url-encoded compact JSON>&loginType=3[&jsonp=…]``."""
    encoded = quote_json(body)
    url = f"https://{API_HOST}/api?appid={appid}&functionId={function}&body={encoded}&loginType=3"
    return f"{url}&jsonp={jsonp}" if jsonp else url


def _with_body(url: str, body: dict[str, Any]) -> str:
    """``url`` with its ``body`` parameter replaced; every other parameter is kept exactly as it was written."""
    base, _, query_text = url.partition("?")
    encoded = "body=" + quote_json(body)
    parts = [encoded if part.startswith("body=") else part for part in query_text.partition("#")[0].split("&")]
    return f"{base}?{'&'.join(parts)}"


def unwrap(body: Body, url: str, field: str = "data") -> dict[str, Any]:
    """The response's JSON object: JSONP stripped, the envelope's ``code`` checked (0 = success)."""
    raw = decode(body)  # text without control characters (`page_text`)
    start = 0
    while start < len(raw) and raw[start] in " \t\r\n":
        start += 1
    if raw[start:start + 1] not in ("{", "["):  # jsonp_1700000000000_1234({...});
        left, right = raw.find("("), raw.rfind(")")
        if left < 0 or right < left:
            raise ParseError(SOURCE, field, url, "neither JSON nor JSONP")
        raw = raw[left + 1:right]
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ParseError(SOURCE, field, url, f"response is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ParseError(SOURCE, field, url, "response is not a JSON object")
    code = payload.get("code")
    if code not in (0, "0"):
        raise ParseError(SOURCE, "code", url, f"API error code {code!r}: {payload.get('message') or payload.get('echo')}")
    return payload


def _data(body: Body, url: str, kind: type) -> Any:
    data = unwrap(body, url).get("data")
    if not isinstance(data, kind):
        raise ParseError(SOURCE, "data", url, "no such lot (data is null)" if data is None else "unexpected data")
    return data


# --------------------------------------------------------------------------------------------- shared fields


def _lot_id(value: Any, field: str, url: str) -> str:
    if isinstance(value, bool) or value in (None, ""):
        raise ParseError(SOURCE, field, url)
    text = str(value).strip()
    if not text.isdigit():
        raise ParseError(SOURCE, field, url, f"not a lot id: {value!r}")
    return text


_NONZERO_DIGIT = re.compile(r"[1-9]")


def _given(value: Any) -> bool:
    """A money value the page states: a number above 0 (JD writes 0 for "none") or text with a non-zero digit
    (not ``"0.00"``, ``"无"`` or blank). Type tests, not isinstance: this runs for every price of every lot."""
    kind = type(value)
    if kind is float or kind is int:
        return value > 0
    if kind is str:
        return _NONZERO_DIGIT.search(value) is not None
    return False


def _money(record: RawRecord, field: str, text: Any, number: Any = None) -> None:
    """Set ``field`` to the page's preformatted text when it has one, else to the JSON number; skip 0 and 无."""
    if _given(number if number is not None else text):
        record[field] = text if text is not None and _given(text) else number


def _status(item: dict[str, Any]) -> dict[str, Any] | None:
    auction, display = item.get("auctionStatus"), item.get("displayStatus")
    if auction is None:
        return None if display is None else {"displayStatus": display}
    return {"auctionStatus": auction} if display is None else {"auctionStatus": auction, "displayStatus": display}


def _ended_sold(item: dict[str, Any]) -> bool:
    """An ended auction (auctionStatus 2, displayStatus normal or absent) with bids was sold at its current price."""
    bids = item.get("bidCount")
    return (type(bids) is int and bids >= 1 and item.get("auctionStatus") in (2, "2")
            and item.get("displayStatus") in (1, "1", None))


_NO_STREET = {"其他", "无", "暂无", "-", "--", "/"}


def _place(province: Any, city: Any, county: Any, address: Any) -> tuple[str, str] | None:
    """(spaced location for the place normalizer, the address as one string) from JD's address parts."""
    parts = [str(p).strip() for p in (province, city, county) if p and str(p).strip()]
    street = str(address).strip() if address else ""
    if street in _NO_STREET:  # JD writes 其他 where the seller gave no street (real lot 280492523)
        street = ""
    if not parts and not street:
        return None
    joined: list[str] = []
    for part in parts:  # 东莞市 东莞市: a city without districts repeats itself as the county
        if joined and part.startswith(joined[-1]):  # 上海 上海市: a municipality is written once
            joined[-1] = part
        elif part not in joined:
            joined.append(part)
    full = "".join(joined)
    if street and not street.startswith(full):
        full += street
    elif street:
        full = street
    return " ".join([*parts, street]).strip(), full


def _coordinate(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or number == 0 else number


# --------------------------------------------------------------------------------------------- search (list)

_LIST_MONEY = (  # (text key, number key, field): the text is the raw value when the page has one
    ("currentPriceStr", "currentPrice", "current_price"),
    ("assessmentPriceStr", "assessmentPrice", "appraisal_price"),
    (None, "marketPrice", "market_price"),
    (None, "ensurePrice", "deposit"),
    (None, "priceLowerOffset", "increment"),  # 加价幅度: in search items too (legacy getAssetsList items had it)
)


def list_record(item: Any, url: str, fetched_at: datetime, category: str | None) -> RawRecord:
    """One raw record from one ``datas`` item of ``paimai_unifiedSearch``.

    (Type tests rather than isinstance, one dict lookup per key: 40 of these per page, and the page as a whole
    must keep up with ``json.loads``; bench/bench_jd.py.)"""
    if type(item) is not dict:
        raise ParseError(SOURCE, "datas", url, f"list item is not an object: {item!r:.80}")
    get = item.get
    lot_id = get("id")
    lot_id = str(lot_id) if type(lot_id) is int and lot_id > 0 else _lot_id(lot_id, "id", url)
    title = get("title")
    if type(title) is not str or not title.strip():
        raise ParseError(SOURCE, "title", url)
    record: RawRecord = {
        "source": SOURCE,
        "source_lot_id": lot_id,
        "url": LOT_URL_PREFIX + lot_id,
        "fetched_at": fetched_at,
        "title": title,
    }
    status = _status(item)
    if status:
        record["status"] = status
    times = get("paimaiTimes")
    if type(times) is int and times > 0:
        record["round"] = times
    _money(record, "reserve_price", get("minPrice"))  # the list's minPrice is the 起拍价 / 变卖价 (sources.md §2)
    for text_key, number_key, field in _LIST_MONEY:
        _money(record, field, get(text_key) if text_key else None, get(number_key))
    value = get("startTimeMills") or get("startTime")
    if value:
        record["start_at"] = value
    value = get("endTimeMills") or get("endTime")
    if value:
        record["end_at"] = value
    bids = get("bidCount")
    if type(bids) is int:
        record["bid_count"] = bids
    if "current_price" in record and _ended_sold(item):
        record["final_price"] = record["current_price"]
    shop = get("shopName")
    if type(shop) is str and shop.strip():
        record["disposal_unit"] = shop
    address = get("productAddress")
    if type(address) is str and address.strip():
        record["address"] = record["location"] = address
    elif get("province") or get("city"):
        record["location"] = " ".join(str(item[k]) for k in ("province", "city") if get(k))
    if category:
        record["category"] = category
    return record


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    """A ``paimai_unifiedSearch`` response → its records, the next page's URL and the totals."""
    payload = unwrap(body, url, "datas")
    items = payload.get("datas")
    if not isinstance(items, list):
        raise ParseError(SOURCE, "datas", url, "no datas list in the search response")
    request = request_body(url)
    category = str(request.get("childrenCateId", "")).strip()
    category = category if category.isdigit() else None  # "" (every category) or a list gives no category
    records = [list_record(item, url, fetched_at, category) for item in items]
    total = payload.get("totalItem")
    total = total if isinstance(total, int) and not isinstance(total, bool) else None
    try:
        page = int(request.get("page") or 1)
        size = int(request.get("pageSize") or payload.get("pageSize") or 40)
    except (TypeError, ValueError):
        page, size = 1, 40
    next_url = None
    if items and total is not None and page * size < total:
        page_value = request.get("page")
        request["page"] = str(page + 1) if isinstance(page_value, str) else page + 1
        next_url = _with_body(url, request)
    return ListPage(
        records=records,
        next_url=next_url,
        total_items=total,
        total_pages=-(-total // size) if total is not None and size > 0 else None,
    )


# --------------------------------------------------------------------------------------------- detail functions


def _extend_info(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            parsed = orjson.loads(value)
        except orjson.JSONDecodeError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def _answer_id(data: dict[str, Any], url: str) -> str:
    """The answer's ``paimaiId``, which must be the one the request's body asked for (when it names one)."""
    lot_id = data.get("paimaiId")
    lot_id = str(lot_id) if type(lot_id) is int and lot_id > 0 else _lot_id(lot_id, "paimaiId", url)
    if f"%22paimaiId%22%3A{lot_id}%" in url:  # the body says "paimaiId":<this id> followed by , or }
        return lot_id
    asked = request_body(url).get("paimaiId")
    if asked not in (None, "") and str(asked).strip() != lot_id:
        raise ParseError(SOURCE, "paimaiId", url, f"the answer is for lot {lot_id}, not {asked}")
    return lot_id


def parse_basic(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    """``getProductBasicInfo`` → the lot's record (the spider lays it over the list record)."""
    data = _data(body, url, dict)
    get = data.get
    lot_id = _answer_id(data, url)
    title = get("title")
    if type(title) is not str or not title.strip():
        raise ParseError(SOURCE, "title", url)
    record: RawRecord = {
        "source": SOURCE,
        "source_lot_id": lot_id,
        "url": LOT_URL_PREFIX + lot_id,
        "fetched_at": fetched_at,
        "title": title,
    }
    start_price = get("startPrice")
    if not _given(start_price):
        raise ParseError(SOURCE, "startPrice", url)
    record["reserve_price"] = start_price  # minPrice may be "无": never the starting price here
    for key, field in (("assessmentPrice", "appraisal_price"), ("ensurePrice", "deposit"),
                       ("priceLowerOffset", "increment")):
        _money(record, field, get(key))  # 0 = none
    value = get("startTime")
    if value:
        record["start_at"] = value
    value = get("endTime")
    if value:
        record["end_at"] = value
    display = get("displayStatus")
    if display not in (None, "", 1, "1"):  # alone, only an abnormal displayStatus states the status
        record["status"] = {"displayStatus": display}
    address = get("productAddressResult")
    if type(address) is dict:
        place = _place(address.get("province"), address.get("city"), address.get("county"), address.get("address"))
        if place:
            record["location"], record["address"] = place
    lng, lat = get("lng"), get("lat")
    if lng and lat:  # "" when the lot has no coordinates
        lng, lat = _coordinate(lng), _coordinate(lat)
        if lng is not None and lat is not None:
            record["lng"], record["lat"] = lng, lat
    extend = get("extendInfoMap")
    if extend and extend != "{}":
        extend = _extend_info(extend)
        debtor = extend.get("debtorName") or extend.get("borrowerName")
        if isinstance(debtor, str) and debtor.strip():
            record["debtor"] = debtor
        principal = extend.get("principalBalance") or extend.get("claimsPrincipal")
        if _given(principal):
            record["principal"] = principal
    return record


def parse_realtime(body: Body, url: str, fetched_at: datetime) -> dict[str, Any]:
    """``getPaimaiRealTimeData`` → a partial record of the lot's state (no identity, no title: the spider merges
    it into the lot it asked about): status codes, current price, bids, 报名 and 围观 counts, the actual end
    (after delays); a sold lot's final price. The answer must be for the lot the URL names."""
    data = _data(body, url, dict)
    _answer_id(data, url)
    if data.get("auctionStatus") in (None, ""):
        raise ParseError(SOURCE, "auctionStatus", url)
    record: dict[str, Any] = {"status": _status(data)}
    _money(record, "current_price", data.get("currentPriceStr"), data.get("currentPrice"))
    _money(record, "increment", data.get("priceLowerOffset"))  # 加价幅度, also in this answer
    for key, field in (("bidCount", "bid_count"), ("accessEnsureNum", "applicant_count"), ("accessNum", "view_count")):
        if isinstance(data.get(key), int) and not isinstance(data.get(key), bool):
            record[field] = data[key]
    if data.get("endTime"):
        record["end_at"] = data["endTime"]
    if _ended_sold(data) and "current_price" in record:
        record["final_price"] = record["current_price"]
    return record


def parse_attachments(body: Body, url: str, fetched_at: datetime) -> dict[str, Any]:
    """``queryAttachFilesForIntro`` → ``{"attachments": [{"name", "url", "format"}]}`` ({} when there are none)."""
    files = _data(body, url, list)
    attachments = []
    for item in files:
        if not isinstance(item, dict) or item.get("isDeleted") in (1, "1"):
            continue
        address = item.get("attachmentAddress")
        if not isinstance(address, str) or not address.strip():
            raise ParseError(SOURCE, "attachmentAddress", url)
        link = "https:" + address if address.startswith("//") else address
        attachments.append({"name": item.get("attachmentName"), "url": link, "format": item.get("attachmentFormat")})
    return {"attachments": attachments} if attachments else {}


def parse_desc(body: Body, url: str, fetched_at: datetime) -> dict[str, Any]:
    """``queryProductDescription`` (``data`` = the 标的物介绍 HTML) → for a 债权 package the loans and the claim
    (see `debt_table`); {} for a description without a debt table."""
    description = _data(body, url, str)
    return debt_table(description, url)


# --------------------------------------------------------------------------------------------- the debt table

_EMPTY = {"", "-", "--", "—", "——", "/", "无", "暂无"}
_FOREIGN = re.compile(r"美元|USD|US\$|港元|港币|HKD|HK\$|欧元|EUR|日元|JPY|英镑|GBP")
_CURRENCY_OF = {"美元": "USD", "USD": "USD", "US$": "USD", "港元": "HKD", "港币": "HKD", "HKD": "HKD", "HK$": "HKD",
                "欧元": "EUR", "EUR": "EUR", "日元": "JPY", "JPY": "JPY", "英镑": "GBP", "GBP": "GBP"}  # fmt: skip
_AS_OF = re.compile(
    r"(?:(?:截至|截止)(?:日期)?|基准日(?:期)?(?:为|是)?\s*[:：]?)\s*"
    r"(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}[-./]\d{1,2}[-./]\d{1,2})"
)
_UNIT = re.compile(r"单位\s*[:：]\s*(?:人民币)?\s*(万元|元)|人民币(万元|元)")
_NAME_SPLIT = re.compile(r"[、，,；;\n]+")
COLUMNS = ("seq", "debtor", "guarantors", "collateral", "principal", "interest", "fees", "total")
AMOUNTS = ("principal", "interest", "fees", "total")


def _squash(text: str) -> str:
    """Whitespace runs as one space, none at the ends: ``re.sub(r"\\s+", " ", text).strip()`` (``\\s`` and ``str.split``
    know the same whitespace), without the regex (a fifth of a debt table's cells' time)."""
    return " ".join(text.split())


def _cells(tr) -> list[tuple[str, int, int]]:
    out = []
    for cell in tr:
        if cell.tag not in ("td", "th"):
            continue
        # the spans are read only from a cell that has either attribute (most have neither: two lookups and two
        # int() a cell, a third of the cells' time, for 1 and 1)
        rowspan = colspan = 1
        keys = cell.keys()
        if "rowspan" in keys or "colspan" in keys:
            try:
                rowspan = min(max(int(cell.get("rowspan") or 1), 1), 1000)
                colspan = min(max(int(cell.get("colspan") or 1), 1), 50)
            except ValueError:
                rowspan = colspan = 1
        out.append((_squash(cell.text_content()), rowspan, colspan))
    return out


def table_grid(table) -> list[list[str]]:
    """A table as a grid of cell texts, merged cells repeated in every row and column they span."""
    grid: list[list[str]] = []
    carry: dict[int, tuple[int, str]] = {}  # column → (rows still to fill, text) of a rowspan from above
    for tr in table.iter("tr"):
        parent = tr.getparent()
        if parent is not None and parent.tag not in ("table", "tbody", "thead", "tfoot"):
            continue
        cells = _cells(tr)
        if not carry and all(rowspan == 1 and colspan == 1 for _, rowspan, colspan in cells):
            if cells:  # nothing merged from above or across (most rows): the row is its cells' texts
                grid.append([text for text, _, _ in cells])
            continue
        out: dict[int, str] = {}
        new: dict[int, tuple[int, str]] = {}
        col = 0
        for cell in (*cells, None):  # None: the end of the row
            text, rowspan, colspan = cell or (None, 1, 1)
            # cells merged from above fill their columns first (all that remain, after the row's last cell)
            while carry and (text is None or col in carry):
                c = col if col in carry else min(carry)
                left, above = carry.pop(c)
                out[c] = above
                if left > 1:
                    new[c] = (left - 1, above)
                col = max(col, c + 1)
            if text is None:
                break
            for _ in range(colspan):
                out[col] = text
                if rowspan > 1:
                    new[col] = (rowspan - 1, text)
                col += 1
        carry = new
        if out:
            grid.append([out.get(c, "") for c in range(max(out) + 1)])
    return grid


def _column_map(row: list[str]) -> dict[str, int] | None:
    """The columns of a debt table's header row, by field; None when ``row`` is not such a header."""
    columns: dict[str, int] = {}
    for i, text in enumerate(row):
        key = text.replace(" ", "")
        if not key:
            continue
        if key in ("序号", "编号") or key.startswith("序号"):
            field = "seq"
        elif "本金" in key:
            field = "principal"
        elif "利息" in key or "欠息" in key:
            field = "interest"
        elif "费用" in key or "代垫" in key:
            field = "fees"
        elif "保证人" in key or "担保人" in key or "关联方" in key:
            field = "guarantors"
        elif "抵押" in key or "质押" in key or "担保物" in key:
            field = "collateral"
        elif "债务人" in key or "借款人" in key or "主债务人" in key:
            field = "debtor"
        elif "合计" in key or "总额" in key or "本息" in key:
            field = "total"
        else:
            continue
        columns.setdefault(field, i)
    return columns if {"principal", "debtor"} <= columns.keys() else None


def _unit(header: list[str], text: str) -> str:
    """``"wan"`` when the table's amounts are in 万元 (a header ``本金（万元）`` or ``单位：人民币万元``), else yuan."""
    for cell in header:
        if "万元" in cell and ("本金" in cell or "合计" in cell or "利息" in cell):
            return "wan"
    match = _UNIT.search(text)
    return "wan" if match and "万元" in (match.group(1) or match.group(2) or "") else "yuan"


def _currency(texts: list[str]) -> str:
    for text in texts:
        match = _FOREIGN.search(text)
        if match:
            return _CURRENCY_OF[match.group(0)]
    return "CNY"


def _text_value(text: str) -> str | None:
    return None if text.strip() in _EMPTY else text


def debt_table(description: str, url: str) -> dict[str, Any]:
    """A 债权 description's debt table → the partial record of its package:

    - ``loans``: one dict per loan row (``seq``, ``debtor``, ``guarantors``, ``collateral``, ``principal``,
      ``interest``, ``fees``, ``total``, ``currency``, ``claim_as_of`` and ``units`` for a 万元 table), every
      value the page's text; a continuation row (no 序号) is a further loan of the debtor above and takes its 序号,
      debtor, guarantors and collateral when its cells are blank;
    - ``principal`` / ``interest`` / ``total_claim`` from the 合计 row (CNY rows; a 合计 in another currency is
      not taken), else the only loan's figures; ``claim_as_of`` the 基准日 as written;
    - ``debtor`` when the package has one debtor; ``guarantors`` and ``collateral`` over all its loans.

    {} when the description has no debt table; a debt table without a loan row raises `ParseError`."""
    if "本金" not in description:
        return {}
    try:
        root = lxml_html.fragment_fromstring(description, create_parent="div")
    except (etree.ParserError, ValueError) as exc:  # empty or undecodable markup
        raise ParseError(SOURCE, "data", url, f"description HTML does not parse: {exc}") from None
    found = None
    for table in root.iter("table"):
        grid = table_grid(table)
        for i, row in enumerate(grid):
            columns = _column_map(row)
            if columns:
                found = (grid, i, columns)
                break
        if found:
            break
    if found is None:
        return {}
    grid, header_at, columns = found
    text = _squash(root.text_content())
    unit = _unit(grid[header_at], text)
    as_of_match = _AS_OF.search(text)
    as_of = as_of_match.group(0).strip() if as_of_match else None
    first_amount = min(columns[f] for f in AMOUNTS if f in columns)

    loans: list[dict[str, Any]] = []
    totals: dict[str, str] | None = None
    last: dict[str, str] = {}
    for row in grid[header_at + 1:]:
        row = row + [""] * (max(columns.values()) + 1 - len(row))
        if len(set(row)) == 1:  # one cell across the table: a note or a sub-heading
            continue
        label = next((c for c in row[:first_amount] if c), "").replace(" ", "")
        amounts = {f: row[columns[f]] for f in AMOUNTS if f in columns}
        if label.startswith(("合计", "总计")):
            if totals is None and not _FOREIGN.search(label) and _currency(list(amounts.values())) == "CNY":
                totals = amounts
            continue
        if label.startswith("小计") or not any(any(ch.isdigit() for ch in v) for v in amounts.values()):
            continue
        cells = {f: row[columns[f]] for f in ("seq", "debtor", "guarantors", "collateral") if f in columns}
        seq = re.match(r"\d+", cells.get("seq", "").strip())
        if seq:
            last = {"seq": seq.group(0)}
            for field in ("debtor", "guarantors", "collateral"):
                last[field] = cells.get(field, "")
        else:  # a continuation row: the debtor above, unless the row names its own
            for field in ("debtor", "guarantors", "collateral"):
                if cells.get(field, "").strip() in ("", "同上"):
                    cells[field] = last.get(field, "")
        loan: dict[str, Any] = {}
        if last.get("seq"):
            loan["seq"] = last["seq"]
        for field in ("debtor", "guarantors", "collateral"):
            value = _text_value(cells.get(field, ""))
            if value:
                loan[field] = value
        for field, value in amounts.items():
            if value.strip():
                loan[field] = value
        loan["currency"] = _currency(list(amounts.values()))
        if as_of:
            loan["claim_as_of"] = as_of
        if unit == "wan":
            loan["units"] = {f: "wan" for f in AMOUNTS if f in amounts}
        loans.append(loan)
    if not loans:
        raise ParseError(SOURCE, "loans", url, "a debt table without a loan row")

    record: dict[str, Any] = {"loans": loans}
    cny = [loan for loan in loans if loan["currency"] == "CNY"]
    claim = totals if totals is not None else ({f: cny[0].get(f, "") for f in AMOUNTS} if len(cny) == 1 else None)
    if claim:
        for field, key in (("principal", "principal"), ("interest", "interest"), ("total_claim", "total")):
            if claim.get(key, "").strip():
                record[field] = claim[key]
        if unit == "wan":
            record["units"] = {f: "wan" for f in ("principal", "interest", "total_claim") if f in record}
    if as_of:
        record["claim_as_of"] = as_of
    debtors = list(dict.fromkeys(loan["debtor"] for loan in loans if loan.get("debtor")))
    if len(debtors) == 1:
        record["debtor"] = debtors[0]
    guarantors = list(dict.fromkeys(
        name.strip() for loan in loans for name in _NAME_SPLIT.split(loan.get("guarantors", ""))
        if name.strip() and name.strip() not in _EMPTY))
    if guarantors:
        record["guarantors"] = guarantors
    collateral = list(dict.fromkeys(loan["collateral"] for loan in loans if loan.get("collateral")))
    if collateral:
        record["collateral"] = [{"description": c} for c in collateral]
    return record


# --------------------------------------------------------------------------------------------- dispatch

FUNCTIONS = {
    "paimai_unifiedSearch": "list",
    "getProductBasicInfo": "basic",
    "getPaimaiRealTimeData": "realtime",
    "queryProductDescription": "desc",
    "queryAttachFilesForIntro": "attachments",
}


def parse_by_url(body: Body, url: str, fetched_at: datetime) -> list[RawRecord]:
    """`crawlers.parsers.parse_page` for JD: the parser is the one for the URL's ``functionId``.

    A search page gives its records, getProductBasicInfo one record, getPaimaiRealTimeData, a description or an
    attachment list one partial record (none when it holds nothing). A detail page ``paimai.jd.com/{id}`` is a
    JavaScript shell and raises `ParseError` (its data is the API's); so does an API function with no parser."""
    function = function_id(url)
    if function is None:
        kind = page_kind(decode(body))
        detail = ("a JavaScript shell page: the lot's data comes from api.m.jd.com (getProductBasicInfo, "
                  "getPaimaiRealTimeData, queryProductDescription)") if kind == "shell" else "not a JD API URL"
        raise ParseError(SOURCE, "page", url, detail)
    kind = FUNCTIONS.get(function)
    if kind is None:
        raise ParseError(SOURCE, "functionId", url, f"no parser for API function {function!r}")
    if kind == "list":
        return parse_list(body, url, fetched_at).records
    if kind == "basic":
        return [parse_basic(body, url, fetched_at)]
    if kind == "realtime":
        return [parse_realtime(body, url, fetched_at)]
    result = parse_desc(body, url, fetched_at) if kind == "desc" else parse_attachments(body, url, fetched_at)
    return [result] if result else []
