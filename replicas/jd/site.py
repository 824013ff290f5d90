"""The JD replica: the JSON API every JD auction page loads its data from, rendered from the generator's lots for
the current night (shapes: shared/sources.md §2 and the public samples it cites).

=================  ================================================================================================
api.m.jd.com       ``/api?appid=…&functionId=…&body=<url-encoded JSON>&loginType=3[&jsonp=jsonp_{ms}_{n}]``:
                   ``paimai_unifiedSearch`` (appid ``paimai`` or the 2019-21 ``paimai-search-soa``) →
                   ``{"code":0,"datas":[…],"totalItem":N,"pageSize":40,"message":"成功","status":0}``;
                   ``getProductBasicInfo`` / ``getPaimaiRealTimeData`` / ``queryProductDescription`` (``data`` is the
                   标的物介绍 HTML) / ``queryAttachFilesForIntro`` → ``{"code":0,"data":…,"message":"成功","status":0}``.
                   With ``jsonp`` the body is ``jsonp_…({…});``.
paimai.jd.com      ``/{paimaiId}`` the detail page: a JavaScript shell whose data all comes from the API above
pmsearch.jd.com    ``/`` the search page: a JavaScript shell as well
every host         ``/robots.txt``; anything else → 404
=================  ================================================================================================

Search filters (the body keys of sources.md): ``childrenCateId``, ``labelSet`` (comma lists: a lot matches if it
carries any of the labels), ``multiPaimaiStatus`` (auctionStatus), ``multiDisplayStatus``, ``multiPaimaiTimes``,
``provinceId`` / ``cityId`` / ``countyId``, ``keyword``, ``currentPriceRangeStart`` / ``End`` (yuan),
``timeRangeTime`` (``startTime`` or ``endTime``) with ``timeRangeStart`` / ``timeRangeEnd`` (``YYYY-MM-DD``),
``publishSource``, ``projectType`` (every replica lot is 1 竞价), the legacy ``paimaiStatus``; ``page`` and
``pageSize`` (at most 100). Results come in one fixed order (running lots by end, upcoming by start, the rest newest
end first), whatever ``sortField`` says.

Inventions (sources.md is silent): the error envelope ``{"code":-1,"data":null,"message":"参数错误","status":-1}`` for
an unknown functionId or a body that is not JSON; ``data: null`` for an unknown paimaiId; permissive robots.txt files;
the 标的物介绍 wording around the debt table; the internal ``categoryId`` values of getProductBasicInfo. The
replica does not check Referer headers (the server does not pass headers to sites).
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from replicas.responses import Response, forbidden, not_found, robots
from replicas.jd import data
from replicas.jd.generator import TZ, JdGenerator, JdLot, Package
from replicas.nights import per_night

HOSTS = ("api.m.jd.com", "paimai.jd.com", "pmsearch.jd.com")
API_APPIDS = {"paimai", "paimai-search-soa", "paimai-item-pc"}
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 40, 100
_JSONP_RE = re.compile(r"^[A-Za-z_$][\w$]{0,63}$")
# getProductBasicInfo's internal categoryId (not childrenCateId; never parsed): 12728 is the legacy 司法住宅 id.
_INTERNAL_CATEGORY = {101: 12728, 102: 12730, 103: 12731, 105: 12745, 108: 12766, 109: 12767, 112: 12758,
                      114: 12750, 121: 21440, 123: 12770}  # fmt: skip


def search_url(page: int = 1, page_size: int = DEFAULT_PAGE_SIZE, *, appid: str = "paimai", jsonp: str | None = None,
               **filters: Any) -> str:
    """A ``paimai_unifiedSearch`` URL with the 2022+ body of sources.md (``filters`` override its keys)."""
    body = {
        "investmentType": "", "apiType": 12, "page": page, "pageSize": page_size, "keyword": "", "provinceId": "",
        "cityId": "", "countyId": "", "multiPaimaiStatus": "", "multiDisplayStatus": "", "multiPaimaiTimes": "",
        "childrenCateId": "", "currentPriceRangeStart": "", "currentPriceRangeEnd": "", "timeRangeTime": "endTime",
        "timeRangeStart": "", "timeRangeEnd": "", "loan": "", "purchaseRestriction": "", "liupaiBuyAgain": "",
        "orgId": "", "orgType": "", "sortField": 8, "projectType": 1, "reqSource": 0, "labelSet": "",
        "publishSource": "",
    }  # fmt: skip
    body.update(filters)
    return api_url("paimai_unifiedSearch", body, appid=appid, jsonp=jsonp)


def api_url(function_id: str, body: dict[str, Any], *, appid: str = "paimai", jsonp: str | None = None) -> str:
    """``https://api.m.jd.com/api?appid=…&functionId=…&body=<url-encoded compact JSON>&loginType=3[&jsonp=…]``."""
    encoded = quote(json.dumps(body, ensure_ascii=False, separators=(",", ":")), safe="")
    url = f"https://api.m.jd.com/api?appid={appid}&functionId={function_id}&body={encoded}&loginType=3"
    return f"{url}&jsonp={jsonp}" if jsonp else url


# --------------------------------------------------------------------------------------------- formatting


def price_str(v: float) -> str:
    """``currentPriceStr``: ``2959062.14`` → ``"2,959,062.14"``, ``280.0`` → ``"280"``."""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.2f}"


def price_cn(v: float) -> str:
    """``currentPriceCN``: ``"295.91万"`` from 10,000 yuan up, else ``"280元"``."""
    return f"{v / 10000:.2f}万" if v >= 10_000 else f"{price_str(v)}元"


def _table_amount(v: Decimal | None, unit: str, currency: str) -> str:
    if v is None:
        return "-"
    text = f"{v / 10000:,.2f}" if unit == "万元" else f"{v:,.2f}"
    return f"{text}（美元）" if currency == "USD" else text


def _date_cn(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------------------------- per-night index


@dataclass
class _Night:
    now: int
    lots: list[JdLot]  # in search order
    by_id: dict[int, JdLot]
    filtered: dict[tuple, list[JdLot]] = field(default_factory=dict)


def _search_order(lot: JdLot) -> tuple:
    if lot.auction_status == 1 and lot.display_status == 1:
        return 0, lot.end_ms, lot.paimai_id
    if lot.auction_status == 0 and lot.display_status == 1:
        return 1, lot.start_ms, lot.paimai_id
    return 2, -lot.end_ms, -lot.paimai_id


def _ints(value: Any) -> set[int] | None:
    """A filter value (``""``, ``109``, ``"1027,1028"``) as a set of ints; None when it does not filter."""
    parts = [p.strip() for p in str(value if value is not None else "").split(",")]
    numbers = {int(p) for p in parts if p.lstrip("-").isdigit()}
    return numbers or None


class JdSite:
    """Serves the JD hosts from a `JdGenerator` for the current night."""

    hosts = HOSTS

    def __init__(self, generator: JdGenerator) -> None:
        self.gen = generator
        self.night = 1
        self._nights: dict[int, _Night] = {}
        self._lock = threading.Lock()
        self.functions: dict[str, Callable[[_Night, dict], Response | dict | list | str | None]] = {
            "paimai_unifiedSearch": self._search,
            "getProductBasicInfo": self._basic_info,
            "getPaimaiRealTimeData": self._realtime,
            "queryProductDescription": self._description,
            "queryAttachFilesForIntro": self._attachments,
        }

    # ----------------------------------------------------------------------------------------- entry points

    def set_night(self, night: int) -> None:
        with self._lock:
            self.night = night

    def warm(self, night: int) -> None:
        self._index(night)

    def handle(self, host: str, target: str) -> Response:
        """Answer a GET of ``target`` (path and query) on ``host``."""
        parts = urlsplit(target)
        path = parts.path or "/"
        if path == "/robots.txt":
            return robots()
        if host == "api.m.jd.com" and path == "/api":
            return self._api(self._index(self.night), dict(parse_qsl(parts.query, keep_blank_values=True)))
        if host == "paimai.jd.com" and re.fullmatch(r"/\d{6,12}", path):
            return self._shell(f"paimaiId:{int(path[1:])}", "detail_shell")
        if host == "pmsearch.jd.com" and path == "/":
            return self._shell("page:'search'", "search_shell")
        return self.not_found()

    def not_found(self) -> Response:
        return not_found("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 - 京东</title></head>"
                         "<body><div class=\"error\">抱歉，您访问的页面不存在</div></body></html>",
                         "text/html;charset=utf-8")

    def _antibot(self, night: int, host: str, target: str) -> Response:
        """For the server's ``antibot`` fault mode only: JD's block page is not documented (sources.md §2), so
        this invented answer is a plain HTTP 403 that no parser takes for content."""
        return forbidden("text/html;charset=utf-8", "<p>访问被拒绝</p>")

    # ----------------------------------------------------------------------------------------- helpers

    def _index(self, night: int) -> _Night:
        def build() -> _Night:
            lots = sorted(self.gen.lots_for(night), key=_search_order)
            return _Night(now=self.gen.now_ms(night), lots=lots, by_id={lot.paimai_id: lot for lot in lots})

        return per_night(self._nights, night, self._lock, build)

    @staticmethod
    def _shell(config: str, kind: str) -> Response:
        body = (
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>京东拍卖</title>"
            "<link rel=\"stylesheet\" href=\"//storage.360buyimg.com/paimai-pc/static/css/app.css\"></head>"
            "<body><div id=\"app\"></div>"
            f"<script>window.pageConfig={{{config}}};</script>"
            "<script src=\"//storage.360buyimg.com/paimai-pc/static/js/app.js\"></script></body></html>"
        )
        return Response(200, body.encode(), "text/html;charset=utf-8", kind)

    def _api(self, index: _Night, query: dict[str, str]) -> Response:
        function = self.functions.get(query.get("functionId", ""))
        try:
            body = json.loads(query.get("body") or "{}")
        except ValueError:
            body = None
        if function is None or not isinstance(body, dict) or query.get("appid") not in API_APPIDS:
            payload: dict[str, Any] = {"code": -1, "data": None, "message": "参数错误", "status": -1}
            kind = "error"
        else:
            result = function(index, body)
            kind = query["functionId"]
            if isinstance(result, dict) and "datas" in result:
                payload = {"code": 0, **result, "message": "成功", "status": 0}
            else:
                payload = {"code": 0, "data": result, "message": "成功", "status": 0}
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        callback = query.get("jsonp", "")
        if callback and _JSONP_RE.match(callback):
            return Response(200, f"{callback}({text});".encode(), "application/javascript;charset=UTF-8", kind)
        return Response(200, text.encode(), "application/json;charset=UTF-8", kind)

    @staticmethod
    def _id(body: dict) -> int | None:
        try:
            return int(body.get("paimaiId"))
        except (TypeError, ValueError):
            return None

    # ----------------------------------------------------------------------------------------- search

    def _filtered(self, index: _Night, body: dict) -> list[JdLot]:
        keys = ("childrenCateId", "labelSet", "multiPaimaiStatus", "multiDisplayStatus", "multiPaimaiTimes",
                "provinceId", "cityId", "countyId", "keyword", "currentPriceRangeStart", "currentPriceRangeEnd",
                "timeRangeTime", "timeRangeStart", "timeRangeEnd", "publishSource", "projectType", "paimaiStatus")
        wanted = tuple((k, str(body.get(k, "")).strip()) for k in keys)
        cached = index.filtered.get(wanted)
        if cached is not None:
            return cached
        w = dict(wanted)
        tests: list[Callable[[JdLot], bool]] = []
        for key, attr in (("childrenCateId", "category"), ("multiPaimaiStatus", "auction_status"),
                          ("paimaiStatus", "auction_status"), ("multiDisplayStatus", "display_status"),
                          ("multiPaimaiTimes", "paimai_times"), ("publishSource", "publish_source")):
            if (values := _ints(w[key])) is not None:
                tests.append(lambda lot, a=attr, v=values: getattr(lot, a) in v)
        if (labels := _ints(w["labelSet"])) is not None:
            tests.append(lambda lot, v=labels: not v.isdisjoint(lot.labels))
        for key, attr in (("provinceId", "province_id"), ("cityId", "city_id"), ("countyId", "county_id")):
            if (values := _ints(w[key])) is not None:
                tests.append(lambda lot, a=attr, v=values: getattr(lot.region, a) in v)
        if w["projectType"] not in ("", "1"):
            tests.append(lambda lot: False)  # every replica lot is a 竞价 (projectType 1) lot
        if w["keyword"]:
            tests.append(lambda lot, q=w["keyword"]: q in lot.title)
        for key, cmp in (("currentPriceRangeStart", float.__ge__), ("currentPriceRangeEnd", float.__le__)):
            try:
                bound = float(w[key]) if w[key] else None
            except ValueError:
                bound = None
            if bound is not None:
                tests.append(lambda lot, b=bound, c=cmp: c(float(lot.current_price), b))
        attr = "start_ms" if w["timeRangeTime"] == "startTime" else "end_ms"
        for key, cmp in (("timeRangeStart", str.__ge__), ("timeRangeEnd", str.__le__)):
            if re.fullmatch(r"\d{4}-\d\d-\d\d", w[key]):
                tests.append(lambda lot, d=w[key], c=cmp, a=attr: c(
                    datetime.fromtimestamp(getattr(lot, a) / 1000, TZ).date().isoformat(), d))
        lots = [lot for lot in index.lots if all(test(lot) for test in tests)]
        if len(index.filtered) > 512:
            index.filtered.clear()
        index.filtered[wanted] = lots
        return lots

    def _search(self, index: _Night, body: dict) -> dict:
        try:
            page = max(int(body.get("page") or 1), 1)
            size = min(max(int(body.get("pageSize") or DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
        except (TypeError, ValueError):
            page, size = 1, DEFAULT_PAGE_SIZE
        lots = self._filtered(index, body)
        items = [self.search_item(lot) for lot in lots[(page - 1) * size : page * size]]
        return {"datas": items, "totalItem": len(lots), "pageSize": size}

    @staticmethod
    def search_item(lot: JdLot) -> dict[str, Any]:
        region = lot.region
        return {
            "id": lot.paimai_id,
            "title": lot.title,
            "currentPrice": lot.current_price,
            "currentPriceStr": price_str(lot.current_price),
            "currentPriceCN": price_cn(lot.current_price),
            "minPrice": lot.start_price,
            "assessmentPrice": lot.assessment_price,
            "assessmentPriceStr": price_str(lot.assessment_price),
            "assessmentPriceCN": price_cn(lot.assessment_price) if lot.assessment_price else "",
            "marketPrice": lot.market_price,
            "ensurePrice": lot.ensure_price,
            "priceLowerOffset": lot.increment,  # search items carry 加价幅度 (real legacy list items had it too)
            "productAddress": lot.full_address,
            "province": region.province,
            "city": region.city,
            "courtCityName": region.city if lot.publish_source == 7 else "",
            "shopName": lot.shop_name,
            "auctionStatus": lot.auction_status,
            "displayStatus": lot.display_status,
            "paimaiTimes": lot.paimai_times,
            "startTime": lot.start_ms,
            "startTimeMills": lot.start_ms,
            "endTime": lot.end_ms,
            "endTimeMills": lot.end_ms,
            "bidCount": lot.bid_count,
            "labelSet": list(lot.labels),
            "loan": lot.loan_support,
            "purchaseRestriction": lot.purchase_restriction,
            "skuId": lot.sku_id,
            "vendorId": lot.vendor_id,
            "publishSource": lot.publish_source,
            "productImage": f"//img10.360buyimg.com/paimai/s400x400_{lot.images[0]}",
        }

    # ----------------------------------------------------------------------------------------- detail functions

    def _basic_info(self, index: _Night, body: dict) -> dict | None:
        lot = index.by_id.get(self._id(body))
        if lot is None:
            return None
        region = lot.region
        return {
            "albumId": lot.album_id,
            "assessmentPrice": lot.assessment_price,
            "auctionType": 1,
            "businessType": 1,
            "categoryId": _INTERNAL_CATEGORY.get(lot.category, 12770),
            "delayedTime": 5,
            "displayStatus": lot.display_status,
            "endTime": lot.scheduled_end_ms,
            "ensurePrice": lot.ensure_price,
            "extendInfoMap": json.dumps(dict(lot.extend_info), ensure_ascii=False, separators=(",", ":")),
            "judicatureBasicInfoResult": {
                "consultName": lot.consult_name,
                "consultTel": lot.consult_tel,
                "loan": lot.loan_support,
                "purchaseRestriction": lot.purchase_restriction,
                "snapshotInfoResultList": [],
                "specialNotice": "",
            },
            "labelList": [{"id": label, "name": data.LABELS[label], "status": 1, "type": 1} for label in lot.labels],
            "lat": f"{lot.lat}" if lot.lng is not None else "",
            "lng": f"{lot.lng}" if lot.lng is not None else "",
            "minPrice": lot.min_price,
            "paimaiId": lot.paimai_id,
            "paimaiImageResultList": [{"imagePath": path, "skuId": lot.sku_id} for path in lot.images],
            "priceHigherOffset": 100000000000.0,
            "priceLowerOffset": lot.increment,
            "productAddressResult": {
                "address": lot.address,
                "city": region.city,
                "cityId": region.city_id,
                "county": region.county,
                "countyId": region.county_id,
                "province": region.province,
                "provinceId": region.province_id,
                "town": "",
                "townId": 0,
            },
            "productId": lot.product_id,
            "publishSource": lot.publish_source,
            "skuId": lot.sku_id,
            "startPrice": lot.start_price,
            "startTime": lot.start_ms,
            "title": lot.title,
            "vendorId": lot.vendor_id,
        }

    def _realtime(self, index: _Night, body: dict) -> dict | None:
        lot = index.by_id.get(self._id(body))
        if lot is None:
            return None
        try:
            start, end = max(int(body.get("start", 0)), 0), int(body.get("end", 9))
        except (TypeError, ValueError):
            start, end = 0, 9
        bids = self.gen.bids(lot)[::-1]  # newest first
        if lot.auction_status == 1:
            remain = lot.end_ms - index.now
        elif lot.auction_status == 0 and lot.display_status == 1:
            remain = lot.start_ms - index.now
        else:
            remain = -1
        return {
            "accessEnsureNum": lot.access_ensure_num,
            "accessNum": lot.access_num,
            "auctionStatus": lot.auction_status,
            "bidCount": lot.bid_count,
            "bidList": [
                {"bidTime": bid.ms, "isPrior": 0, "paimaiId": lot.paimai_id, "price": bid.price,
                 "username": bid.username}
                for bid in bids[start : end + 1]
            ],
            "bidderName": "",
            "blowCondition": "",  # from here to whetherTrustee: keys of the real answer (lot 280492523)
            "blowFlag": 0,
            "currentBidUserNumber": "",
            "currentUser": "",
            "delayEndTime": "",
            "orderStatus": -1,
            "passKey": "",
            "pauseTime": None,
            "payDeadline": "",
            "payUrl": "",
            "priorPurchaserLevel": 0,
            "whetherTrustee": 0,
            "confirmationUrl": (f"//storage.jd.com/auction.gateway/CONFIRMATION_{lot.paimai_id}.pdf?Expires="
                                f"{lot.end_ms // 1000 + 86400 * 30}" if lot.sold else ""),
            "currentPrice": lot.current_price,
            "currentPriceStr": price_str(lot.current_price),
            "delayedCount": lot.delayed_count,
            "displayStatus": lot.display_status,
            "endTime": lot.end_ms,
            "myNumber": "暂无代码",
            "paimaiId": lot.paimai_id,
            "priceLowerOffset": lot.increment,
            "remainTime": remain,
            "remarks": lot.remarks,
            "restartTime": "",
        }

    def _attachments(self, index: _Night, body: dict) -> list | None:
        lot = index.by_id.get(self._id(body))
        if lot is None:
            return None
        files = []
        for i, name in enumerate(lot.attachments):
            fmt = name.rsplit(".", 1)[-1]
            code = f"{lot.sku_id:x}{i:02d}{lot.album_id:x}"
            files.append({
                "attachmentAddress": f"https://storage.jd.com/auction.gateway/ATTACHMENT_{code}.{fmt}",
                "attachmentCode": f"ATTACHMENT_{code}_{lot.publish_ms}",
                "attachmentFormat": fmt,
                "attachmentName": name,
                "attachmentSize": str(50_000 + (lot.sku_id >> i) % 9_000_000),
                "attachmentStyle": "2",
                "attachmentType": "3",
                "code": str(lot.sku_id),  # real answers have a 14-digit "code" (a skuId? unverified)
                "evtId": lot.paimai_id,
                "isDeleted": 0,
            })
        return files

    def _description(self, index: _Night, body: dict) -> str | None:
        lot = index.by_id.get(self._id(body))
        if lot is None:
            return None
        images = "".join(
            f"<a href='//img30.360buyimg.com/popWareDetail/{path}' target='_blank'><img "
            f"src='//img30.360buyimg.com/popWareDetail/{path}' alt=''/></a><br/>"
            for path in lot.images
        )
        if lot.package is None:
            return (
                f"<p><span style=\"font-family:宋体;font-size:16px\">标的物名称：{html.escape(lot.title)}</span></p>"
                f"<p><span style=\"font-family:宋体;font-size:16px\">标的物所在地：{html.escape(lot.full_address)}"
                "</span></p><p><span style=\"font-family:宋体;font-size:16px\">标的物现状：以实物现状为准，"
                "竞买人应实地看样。</span></p>"
                f"<p>{images}</p>"
            )
        return debt_description(lot, lot.package) + f"<p>{images}</p>"


# --------------------------------------------------------------------------------------------- the debt table

_P = '<p style="text-indent:2em;line-height:28px"><span style="font-family:宋体;font-size:16px">{}</span></p>'
_TD = '<td style="border:1px solid #000;padding:4px"{}>{}</td>'
_HEAD = ("序号", "债务人", "保证人/关联方", "抵押物", "本金余额", "利息余额", "费用", "债权合计")


def _td(text: str, rowspan: int = 1, colspan: int = 1, align: str = "") -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    attrs += f' align="{align}"' if align else ""
    return _TD.format(attrs, html.escape(text) if text else "")


def debt_description(lot: JdLot, package: Package) -> str:
    """The 标的物介绍 of a 债权 lot: intro, unit line, 基准日, the debt table (rowspans or blank continuation
    cells, one or two header rows, a 合计 row), notes and the 特别提示 / 特别说明 sections."""
    unit = package.unit
    as_of = _date_cn(package.as_of)
    debtors = package.debtors
    parts = [_P.format(html.escape(
        f"受{package.creditor}委托，现将其合法持有的对{debtors[0]}"
        + (f"等{len(debtors)}户" if len(debtors) > 1 else "") + "的债权在京东资产交易平台公开竞价转让，有关情况如下："))]
    parts.append("<p><strong><span style=\"font-family:宋体;font-size:16px\">一、标的物基本情况</span></strong></p>")
    if package.as_of_style == 0:
        parts.append(_P.format(f"截至{as_of}，本资产包共涉及债务人{len(debtors)}户、债权{len(package.loans)}笔，"
                               "债权明细如下表所示。"))
    elif package.as_of_style == 1:
        parts.append(_P.format(f"基准日：{as_of}"))
    unit_line = f"单位：人民币{unit}"
    if package.as_of_style == 2:
        unit_line += f"（截至{as_of}）"
    parts.append(f'<p style="text-align:right"><span style="font-family:宋体;font-size:14px">{unit_line}</span></p>')

    rows: list[str] = []
    if package.header_rows == 2:
        rows.append("<tr>" + "".join(_td(h, rowspan=2, align="center") for h in _HEAD[:4])
                    + _td("债权金额", colspan=4, align="center") + "</tr>")
        rows.append("<tr>" + "".join(_td(h, align="center") for h in _HEAD[4:]) + "</tr>")
    else:
        rows.append("<tr>" + "".join(_td(h, align="center") for h in _HEAD) + "</tr>")
    by_seq: dict[int, list] = {}
    for loan in package.loans:
        by_seq.setdefault(loan.seq, []).append(loan)
    for seq, loans in by_seq.items():
        n = len(loans)
        for i, loan in enumerate(loans):
            cells = []
            guarantors = "、".join(loan.guarantors) or "无"
            collateral = loan.collateral or "无"
            if package.continuation == "rowspan":
                if i == 0:
                    cells += [_td(str(seq), rowspan=n, align="center"), _td(loan.debtor, rowspan=n),
                              _td(guarantors, rowspan=n), _td(collateral, rowspan=n)]
            else:  # later loans of a debtor leave 序号 and 债务人 blank ("same as above")
                first = i == 0
                cells += [_td(str(seq) if first else "", align="center"), _td(loan.debtor if first else ""),
                          _td(guarantors), _td(collateral)]
            cells += [_td(_table_amount(getattr(loan, name), unit, loan.currency), align="right")
                      for name in ("principal", "interest", "fees", "total")]
            rows.append("<tr>" + "".join(cells) + "</tr>")
    if package.total_row:
        stated = package.stated()
        label = "合计" if not any(loan.currency != "CNY" for loan in package.loans) else "合计（人民币）"
        rows.append("<tr>" + _td(label, colspan=4, align="center")
                    + "".join(_td(_table_amount(v, unit, "CNY"), align="right") for v in stated) + "</tr>")
    parts.append('<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%">'
                 "<tbody>" + "".join(rows) + "</tbody></table>")
    notes = ["注：1. 上表债权金额为截至基准日的金额，基准日后产生的利息、罚息等按借款合同约定及法律规定计算。"]
    usd = [loan.seq for loan in package.loans if loan.currency == "USD"]
    if usd:
        notes.append(f"2. 第{usd[0]}户债务人的部分债权币种为美元，上表合计未包含该笔美元债权。")
    parts.append(_P.format("".join(notes)))
    parts.append("<p><strong><span style=\"font-family:宋体;font-size:16px\">二、特别提示</span></strong></p>")
    parts.append(_P.format("1. 本次转让的债权以现状为准，转让方不对债务人的偿付能力、担保的有效性作任何承诺。"
                           "2. 竞买人应自行查阅债权相关档案资料。"))
    parts.append("<p><strong><span style=\"font-family:宋体;font-size:16px\">三、特别说明</span></strong></p>")
    parts.append(_P.format(f"债权人：{package.creditor}。成交后，买受人应在成交之日起十个工作日内签订《债权转让协议》。"))
    return "".join(parts)
