"""Alibaba's current generation (2023–26): the signed mtop JSON API on ``h5api.m.taobao.com`` (sources.md §1b).

Not a source of its own: the API is a second view of the judicial (``alibaba_sf``) and asset (``alibaba_zc``) auctions,
so every record carries the source of its lot — told by the lot's link (``sf-item.taobao.com`` → ``alibaba_sf``,
``zc-item.taobao.com`` / ``zc-paimai`` → ``alibaba_zc``) — and the item id as ``source_lot_id``: a lot crawled
through the HTML pages and through the API is one lot. ``alibaba_mtop`` is only the registry key of this parser.

- list: ``mtop.taobao.datafront.invoke.auctionwalle`` 1.0 → ``data.data.scenes[…].schemeList[…].contentList``,
  10 rows a page, ``hasNextPage`` / ``totalCount`` / ``page``;
- detail: ``mtop.taobao.GovauctionMTopDetailService.queryHttpsItemDetail`` 3.0 → ``data`` (one item);
- 标的物介绍: ``mtop.com.taobao.auction.project.content.get`` ({projectId}) → ``data.content``, HTML; for a 债权 lot
  the claim tables the legacy ``get_pc_desc.htm`` has, read by the same `alibaba.parse_desc` (placeholder
  ``没有标的物介绍`` → nothing).
- shapes: no real answer has been seen (tests/golden/real/alibaba_mtop/ORIGIN.md); rows and details are read in
  every shape public crawler code reads (``auctionTitle``/``auctionLink`` rows of the 资产 search and ``title``/
  ``statusOrder``/``circ`` rows of the sf home scene; a detail ``auctionAddress`` object or text with ``location`` and
  ``latlong``; ``bidStatus`` as a legacy code or 1/3/4/5); the labels and their evidence are in docs/labels.md.
- quirks: JSON or JSONP (``mtopjsonp1({...})``); money in 分 (``currentPrice``, ``bail``, ``incrementnum``,
  ``startPrice`` …: the record says so in ``units``) except the list's display prices (``"236.73"`` + ``"万"``, kept
  as the text ``"236.73万"``); the row's ``status`` (upcoming / ing / sold / end) says less than ``extraMap.status``
  (the legacy state code todo / doing / done / failure / break / revocation), which is preferred; ``sold`` is the
  only thing the row adds (an ended lot with bids → ``已成交``).
- errors come as HTTP 200 with ``ret: ["CODE::message"]``: ``FAIL_SYS_TOKEN_*`` → `MtopTokenError` (the spider
  retries with the token the gateway just set in ``_m_h5_tk``), ``FAIL_SYS_ILLEGAL_ACCESS`` (bad sign) →
  `MtopIllegalAccess`, ``RGV587_ERROR`` (Baxia captcha) and ``FAIL_SYS_USER_VALIDATE`` (risk control, with the
  Baxia code second in ``ret``) → `InterstitialPage`, anything else → `MtopError`.

Signing requests is the spider's business (it holds the cookie jar); this module only reads responses.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import orjson

from crawlers.parsers import alibaba
from crawlers.parsers.alibaba import absolute, interstitial_marker, is_interstitial, split_round  # noqa: F401
from crawlers.parsers.base import InterstitialPage, ListPage, ParseError, RawRecord, page_text, require

SOURCE = "alibaba_mtop"
LIST_API = "mtop.taobao.datafront.invoke.auctionwalle"
DETAIL_API = "mtop.taobao.GovauctionMTopDetailService.queryHttpsItemDetail"
CONTENT_API = "mtop.com.taobao.auction.project.content.get"
NO_CONTENT = ("没有标的物介绍", "没有拍卖须知")
SOLD = "已成交"  # a Chinese status label: every Alibaba source's status table reads it
LEGACY_STATUS = ("todo", "doing", "done", "failure", "break", "revocation")
# The row's own status when extraMap has no state code (sources.md §1b, one repo: unverified values).
ROW_STATUS = {"upcoming": "即将开始", "ing": "正在进行", "sold": SOLD, "end": "已结束",
              "ongoing": "正在进行", "ended": "已结束"}  # ongoing / ended: the sf home list (idx:60794823558)
# The sf home list's ``statusOrder`` (idx:60794823558 reads 0 as 正在拍卖 and 2 as 已结束; its filter "0,1" asks for
# 进行中 and 即将开始, so 1 is upcoming): unverified.
STATUS_ORDER = {"0": "正在进行", "1": "即将开始", "2": "已结束"}
# A numeric ``bidStatus`` of the detail answer, as one public crawler (idx:56114334141, 2025) maps the list row's
# status onto it: upcoming 1, ing 3, end 4, sold 5. No real answer has been seen (tests/golden/real/alibaba_mtop/
# ORIGIN.md): unverified, and any other number stays unmapped (the normalizer then refuses it by name).
BID_STATUS = {"1": "即将开始", "3": "正在进行", "4": "已结束", "5": SOLD}
# The detail's round as its ``titleTag.preTags[].value`` (the SSR initData a public crawler reads, idx:56454476928).
PRE_TAG_ROUNDS = ("一拍", "二拍", "变卖", "重新拍卖")
SOURCE_BY_HOST = {
    "sf-item.taobao.com": "alibaba_sf",
    "sf.taobao.com": "alibaba_sf",
    "zc-item.taobao.com": "alibaba_zc",
    "zc-paimai.taobao.com": "alibaba_zc",
}
_JSONP_RE = re.compile(r"^\s*([\w$.]+)\s*\((.*)\)\s*;?\s*$", re.DOTALL)


class MtopError(ParseError):
    """The gateway answered an error code instead of data (``ret`` is not ``SUCCESS``)."""

    def __init__(self, url: str, code: str, message: str) -> None:
        super().__init__(SOURCE, "ret", url, f"mtop answered {code}::{message}")
        self.code, self.message = code, message


class MtopTokenError(MtopError):
    """``FAIL_SYS_TOKEN_EMPTY`` / ``_EXOIRED`` / ``_ILLEGAL``: call again with the ``_m_h5_tk`` the answer set."""


class MtopIllegalAccess(MtopError):
    """``FAIL_SYS_ILLEGAL_ACCESS::非法请求``: the sign did not match the token (a signing bug): refused."""


# --------------------------------------------------------------------------------------------- envelope


@page_text
def decode(body: bytes | str) -> str:
    return body if isinstance(body, str) else body.decode("utf-8", errors="replace")


def envelope(body: bytes | str, url: str) -> dict[str, Any]:
    """The mtop envelope ``{"api", "data", "ret", "v"}`` of a JSON or JSONP body."""
    text = decode(body).strip()
    match = _JSONP_RE.match(text) if not text.startswith("{") else None
    try:
        value = orjson.loads(match.group(2) if match else text)
    except orjson.JSONDecodeError as exc:
        marker = interstitial_marker(text)
        if marker:
            raise InterstitialPage(SOURCE, url, marker) from None
        raise ParseError(SOURCE, "envelope", url, f"not mtop JSON/JSONP: {exc}") from None
    if not isinstance(value, dict) or not isinstance(value.get("ret"), list):
        raise ParseError(SOURCE, "ret", url, "no mtop envelope")
    return value


def check(value: dict[str, Any], url: str) -> dict[str, Any]:
    """The envelope's ``data`` when ``ret`` says SUCCESS; else the error, raised."""
    ret = str(value["ret"][0]) if value["ret"] else ""
    code, _, message = ret.partition("::")
    if code == "SUCCESS":
        data = value.get("data")
        if not isinstance(data, dict):
            raise ParseError(SOURCE, "data", url, "SUCCESS without data")
        return data
    if code.startswith("RGV587"):
        raise InterstitialPage(SOURCE, url, f"RGV587_ERROR (Baxia captcha: {message})")
    if code == "FAIL_SYS_USER_VALIDATE":  # risk control: ret = [this, "RGV587_ERROR::SM::…"], data.url the punish page
        detail = next((str(r) for r in value["ret"][1:] if str(r).startswith("RGV587")), message or "captcha")
        raise InterstitialPage(SOURCE, url, f"FAIL_SYS_USER_VALIDATE ({detail})")
    if code.startswith("FAIL_SYS_TOKEN"):
        raise MtopTokenError(url, code, message)
    if code == "FAIL_SYS_ILLEGAL_ACCESS":
        raise MtopIllegalAccess(url, code, message)
    raise MtopError(url, code or "?", message)


def page_kind(text: str) -> str | None:
    """``"list"`` or ``"detail"`` by the envelope's ``api`` (an error answer is still of its call's kind, so that
    its parser raises it); ``"interstitial"`` for a Baxia HTML page; None otherwise."""
    head = text.lstrip()[:400]
    if f'"api":"{LIST_API}"' in head.replace(" ", ""):
        return "list"
    if f'"api":"{DETAIL_API}"'.lower() in head.replace(" ", "").lower():
        return "detail"
    if f'"api":"{CONTENT_API}"' in head.replace(" ", ""):
        return "desc"
    if interstitial_marker(text):
        return "interstitial"
    try:
        api = str(envelope(text, "").get("api", ""))
    except ParseError:
        return None
    kinds = {LIST_API.lower(): "list", DETAIL_API.lower(): "detail", CONTENT_API.lower(): "desc"}
    return kinds.get(api.lower())


# --------------------------------------------------------------------------------------------- records


def lot_source(link: str | None, url: str) -> str:
    """``alibaba_sf`` or ``alibaba_zc`` from a lot's link."""
    host = urlsplit(absolute(require(link, SOURCE, "auctionLink", url), url)).netloc.lower()
    try:
        return SOURCE_BY_HOST[host]
    except KeyError:
        raise ParseError(SOURCE, "auctionLink", url, f"lot link on an unknown host {host!r}") from None


def lot_url(link: str, url: str) -> str:
    parts = urlsplit(absolute(link, url))
    return f"https://{parts.netloc}{parts.path}"


def _status(code: Any, row_status: Any = None) -> str | None:
    """The state code to store: the legacy code (``extraMap.status`` / ``bidStatus``), ``已成交`` when the row says
    ``sold``, else the row's status as its Chinese label."""
    row = str(row_status or "").strip()
    if row == "sold":
        return SOLD
    code = str(code if code is not None else "").strip()
    if code in LEGACY_STATUS:
        return code
    if code in BID_STATUS:
        return BID_STATUS[code]
    return ROW_STATUS.get(row) or (code or None)


def _given(value: Any) -> bool:
    return value is not None and value != ""


def _first(*values: Any) -> Any:
    for value in values:  # (a loop, not next() over a generator: ten calls a row, the row's largest cost)
        if value is not None and value != "":
            return value
    return None


def list_record(row: Any, url: str, fetched_at: datetime, scene: str = "") -> RawRecord:
    """One row of ``contentList`` → a raw record of its lot's own source.

    Rows differ by scene in public crawler code (no real answer seen): the 资产 search (``searchlist-items``) has
    ``auctionTitle``, ``auctionLink``, ``status`` and ``displayInitialPrice``; the sf home list
    (``searchlistsf-items``, idx:60794823558) has ``title``, ``statusOrder``, ``circ``, ``initialPrice`` (分),
    ``bidCnt`` and no link (its lots are sf lots). Both are read; ``extraMap`` fills what the row lacks."""
    if not isinstance(row, dict):
        raise ParseError(SOURCE, "contentList", url, f"row is not an object: {row!r:.80}")
    extra = row.get("extraMap") or row.get("auctionExtraMap") or {}
    lot_id = str(require(_first(row.get("itemId"), extra.get("itemId")), SOURCE, "itemId", url))
    link = _first(row.get("auctionLink"), extra.get("auctionLink"))
    if not link and scene.startswith("searchlistsf"):
        link = f"https://sf-item.taobao.com/sf_item/{lot_id}.htm"
    raw_title = _first(row.get("auctionTitle"), row.get("title"), extra.get("title"), extra.get("reTitle"))
    round_, title = split_round(require(raw_title, SOURCE, "auctionTitle", url))
    record: RawRecord = {
        "source": lot_source(link, url),
        "source_lot_id": lot_id,
        "url": lot_url(link, url),
        "fetched_at": fetched_at,
        "title": require(title, SOURCE, "auctionTitle", url),
    }
    circ = str(_first(row.get("circ"), extra.get("circ")) or "").strip()
    if not round_ and circ.isdigit() and circ != "0":
        round_ = f"第{circ}次拍卖"  # as the sf home list's reader writes it (idx:60794823558)
    if round_:
        record["round"] = round_
    units: dict[str, str] = {}
    display = _first(row.get("displayInitialPrice"), extra.get("displayInitialPrice"))
    if _given(display):
        unit = _first(row.get("displayInitialPriceUnit"), extra.get("displayInitialPriceUnit")) or ""
        record["reserve_price"] = f"{display}{unit}"
    elif _given(row.get("initialPrice")):
        record["reserve_price"], units["reserve_price"] = row["initialPrice"], "fen"
    for field, value in (("current_price", row.get("currentPrice")), ("deposit", extra.get("bail")),
                         ("increment", extra.get("incrementnum"))):
        if _given(value):
            record[field], units[field] = value, "fen"
    status = _status(extra.get("status"), row.get("status"))
    if not status and _given(row.get("statusOrder")):
        status = STATUS_ORDER.get(str(row["statusOrder"]), str(row["statusOrder"]))
    if status:
        record["status"] = status
    if status == SOLD and "current_price" in record:
        record["final_price"], units["final_price"] = record["current_price"], "fen"
    for field, value in (("start_at", _first(extra.get("startTime"), row.get("startTime"))),
                         ("end_at", _first(extra.get("endTime"), row.get("endTime"))),
                         ("view_count", row.get("pv")), ("applicant_count", row.get("applyCnt")),
                         ("bid_count", row.get("bidCnt")),
                         ("reminder_count", _first(extra.get("subscribeCnt"), row.get("subscribeCnt"))),
                         ("category", extra.get("category")),
                         ("location_code", _first(extra.get("locationCode"), row.get("locationCode")))):
        if _given(value):
            record[field] = value
    if units:
        record["units"] = units
    return record


def parse_list(body: bytes | str, url: str, fetched_at: datetime) -> ListPage:
    """A list answer → the rows of every scheme of every scene (``next_url`` stays None: the next call must be
    signed, so the spider builds it from ``extra["page"]`` and ``extra["has_next"]``)."""
    data = check(envelope(body, url), url)
    scenes = (data.get("data") or {}).get("scenes")
    if not isinstance(scenes, list):
        raise ParseError(SOURCE, "scenes", url, "data.data.scenes is missing")
    records: list[RawRecord] = []
    total = page = None
    has_next = False
    for scene in scenes:
        for scheme in (scene or {}).get("schemeList") or []:
            rows = scheme.get("contentList")
            if not isinstance(rows, list):
                raise ParseError(SOURCE, "contentList", url, "a scheme without contentList")
            records += [list_record(row, url, fetched_at, str((scene or {}).get("spmc") or "")) for row in rows]
            has_next = has_next or bool(scheme.get("hasNextPage"))
            total = scheme.get("totalCount", total)
            page = scheme.get("page", page)
            size = scheme.get("pageSize") or len(rows) or 1
    pages = -(-int(total) // int(size)) if total is not None else None
    return ListPage(records=records, next_url=None, total_items=total, total_pages=pages,
                    extra={"page": page, "has_next": has_next})


def parse_detail(body: bytes | str, url: str, fetched_at: datetime, source: str | None = None) -> RawRecord:
    """A detail answer → one raw record. ``source`` (the spider's) wins over the one told by ``auctionLink``."""
    item = check(envelope(body, url), url)
    lot_id = str(require(item.get("itemId"), SOURCE, "itemId", url))
    link = item.get("auctionLink")
    source = source or lot_source(link, url)
    if link:
        canonical = lot_url(link, url)
    elif source == "alibaba_sf":
        canonical = f"https://sf-item.taobao.com/sf_item/{lot_id}.htm"
    else:
        canonical = f"https://zc-item.taobao.com/auction/{lot_id}.htm"
    round_, title = split_round(require(item.get("title"), SOURCE, "title", url))
    record: RawRecord = {
        "source": source,
        "source_lot_id": lot_id,
        "url": canonical,
        "fetched_at": fetched_at,
        "title": require(title, SOURCE, "title", url),
    }
    round_ = round_ or _pre_tag_round(item.get("titleTag"))
    if round_:
        record["round"] = round_
    units: dict[str, str] = {}
    for field, key in (("reserve_price", "startPrice"), ("appraisal_price", "consultPrice"),
                       ("deposit", "foregiftPrice"), ("increment", "incrementPrice"),
                       ("current_price", "currentPriceLong")):
        value = item.get(key)
        if _given(value) and not (field == "appraisal_price" and value in (0, "0")):
            record[field], units[field] = value, "fen"
    require(record.get("reserve_price"), SOURCE, "startPrice", url)
    status = _status(item.get("bidStatus"))
    if status:
        record["status"] = status
    for field, value in (("start_at", item.get("startTime")), ("end_at", item.get("endTime")),
                         ("applicant_count", item.get("applyNum"))):
        if _given(value):
            record[field] = value
    unit = (item.get("associatedUnit") or {}).get("orgName") or item.get("sellerNick")
    if unit:
        record["disposal_unit"] = unit
    if str(item.get("caseNumber") or "").strip():
        record["case_number"] = item["caseNumber"]
    record.update(_place(item))
    record["units"] = units
    return record


def _pre_tag_round(title_tag: Any) -> str | None:
    """The round among ``titleTag.preTags[].value`` (``一拍`` / ``二拍`` / ``变卖`` / ``重新拍卖``), or None."""
    tags = title_tag.get("preTags") if isinstance(title_tag, dict) else None
    for tag in tags if isinstance(tags, list) else []:
        value = str(tag.get("value") or "").strip() if isinstance(tag, dict) else ""
        if value in PRE_TAG_ROUNDS:
            return value
    return None


def _place(item: dict[str, Any]) -> dict[str, Any]:
    """Location, address and coordinates of a detail answer, in either shape seen in public code (no real answer
    has been seen): ``auctionAddress`` as an object ``{province, city, district, address|fullAddress, lat, lng}``,
    or as the street text with ``location`` ``"上海 上海市 普陀区"`` beside it and ``latlong`` ``["lng", "lat"]``."""
    fields: dict[str, Any] = {}
    address = item.get("auctionAddress")
    street = ""
    lng = lat = None
    if isinstance(address, dict):
        place = " ".join(str(address[k]) for k in ("province", "city", "district") if address.get(k))
        street = str(address.get("address") or address.get("fullAddress") or "").strip()
        lng, lat = address.get("lng"), address.get("lat")
    else:
        place = ""
        street = str(address or "").strip()
    place = place or " ".join(str(item.get("location") or "").split())
    latlong = item.get("latlong")
    if (lng is None or lat is None) and isinstance(latlong, list) and len(latlong) == 2:
        lng, lat = latlong
    if place or street:
        fields["location"] = place or street
        fields["address"] = " ".join(filter(None, (place, street)))
    try:
        lng, lat = float(lng), float(lat)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return fields
    if (lng, lat) != (0.0, 0.0) and -180 <= lng <= 180 and -90 <= lat <= 90:
        fields["lng"], fields["lat"] = lng, lat
    return fields


def project_id(body: bytes | str, url: str) -> str | None:
    """The ``projectId`` of a detail answer (the key of its 标的物介绍 call), or None."""
    value = check(envelope(body, url), url).get("projectId")
    return str(value) if _given(value) else None


def parse_desc(body: bytes | str, url: str, fetched_at: datetime) -> dict[str, Any]:
    """A content answer → the claim fields of a 债权 description (a partial record, no identity), or {} when the
    content is a placeholder or no claim description."""
    content = check(envelope(body, url), url).get("content")
    if not isinstance(content, str) or not content.strip() or content.strip() in NO_CONTENT:
        return {}
    return alibaba.parse_desc(SOURCE, content, url, fetched_at)
