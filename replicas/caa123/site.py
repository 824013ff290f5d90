"""Serves 中拍平台 (caa123) from a `CaaGenerator` for the current night: the judicial JSON API on sf.caa123.org.cn and
the commercial pages on paimai.caa123.org.cn. What is known of the real site and what this replica invents:
docs/sources_caa123.md; every invention is marked ``INVENTED`` below and listed in tests/golden/REPLICA_NOTES.md.

Judicial (sf.caa123.org.cn), JSON, UTF-8:

- ``GET /caa-web-ws/ws/0.1/lots?start=P&count=N&sortname=&sortorder=&lotStatus=&province=&city=&priceBegin=&priceEnd=
  &lotMode=&times=&isRestricted=&canLoan=&standardType=&secondaryType=&_=ms`` → ``{"items": [...], "page": P + 1,
  "totalCount": T, "totalPages": ceil(T / N)}``: ``start`` is the page index from 0 (idx:46803537396 pages with
  ``start=page``; the site's own script reads ``data.items``, ``data.page``, ``data.totalPages``, ``data.totalCount``,
  idx:43495282691); ``lotStatus`` and ``standardType`` filter;
- ``GET /caa-web-ws/ws/0.1/lot/{id}`` (also under ``/sf-web-ws/``, the 2022 prefix, idx:18383028528) → the lot:
  ``id, name, court, startPrice, assessPrice, nowPrice, lotStatus ("0"…"6"), times, rateLadder, cashDeposit,
  delayTime ("5"), startTime, endTime (ms), standardType, secondaryType, position, remark (HTML), onLooker,
  enrollment, delayTimes`` (the keys idx:46803537396, idx:1657535754 and idx:68779191655 read).

Commercial (paimai.caa123.org.cn), HTML, UTF-8:

- ``GET /pages/lots/list.html?status=&standardType=&num=P`` (the query the site's list script builds, idx:44097260300)
  → 12 lots a page in ``ul.auction-list-wrap li.lot-item``, the total in ``span.count``, the pager in
  ``div.page-wrap[data-page][data-total-pages]`` with ``a.next``;
- ``GET /pages/financeassets/financelotdetail.html?meetId=M&lotId=L`` (the detail URL idx:68779191655 sends as
  Referer) → the lot page: ``h2.lot-title``, ``span.lot-status``, ``em.now-price``, the ``table.lot-info`` rows
  ``span.key`` / ``span.value``.

INVENTED: the real commercial pages are JavaScript shells that fill themselves from JSON
(``/caa-search-ws/ws/0.1/lots``, ``/paimai-web/lot/{lotId}``); no rendered page is public, so the markup here (classes,
labels, number formats) is the replica's own. Likewise invented: list items' key set and order, the JSON's number
forms beyond ``…0.0`` floats, the 404 answers, and the 403 of the ``antibot`` fault mode.
"""

from __future__ import annotations

import html
import json
import re
import threading
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from replicas.responses import Response, forbidden, not_found, robots
from replicas.caa123.generator import STATUS_LABELS, CaaGenerator, CaaLot
from replicas.nights import TZ, per_night

SF_HOST, PM_HOST = "sf.caa123.org.cn", "paimai.caa123.org.cn"
HOSTS = (SF_HOST, PM_HOST)
LIST_PATH = "/caa-web-ws/ws/0.1/lots"
LOT_PATH = re.compile(r"/(?:caa|sf)-web-ws/ws/0\.1/lot/(\d+)")
PM_LIST_PATH = "/pages/lots/list.html"
PM_DETAIL_PATH = "/pages/financeassets/financelotdetail.html"
PM_PAGE_SIZE = 12
MAX_COUNT = 100  # INVENTED: the largest ``count`` the API honours (a public crawler asks for 100, idx:1657535754)
JSON_TYPE = "application/json;charset=UTF-8"
HTML_TYPE = "text/html;charset=UTF-8"
TIMES_LABELS = {1: "第一次拍卖", 2: "第二次拍卖", 3: "变卖"}


def _json(payload: object, kind: str, status: int = 200) -> Response:
    # compact JSON, non-ASCII as UTF-8 (Java services; INVENTED: the exact byte layout)
    return Response(status, json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode(), JSON_TYPE, kind)


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, TZ).strftime("%Y-%m-%d %H:%M:%S")


def _yuan(value: float) -> str:
    return f"¥{value:,.2f}"  # INVENTED format


def _filtered(lots: list[CaaLot], status: str, standard: str) -> list[CaaLot]:
    """The lots of a list query's status (a digit; anything else does not filter) and standardType (empty: all)."""
    if status.isdigit():
        lots = [lot for lot in lots if lot.lot_status == int(status)]
    if standard:
        lots = [lot for lot in lots if lot.standard_type == standard]
    return lots


class CaaSite:
    """Serves both 中拍平台 hosts from a `CaaGenerator` for the current night."""

    hosts = HOSTS

    def __init__(self, generator: CaaGenerator) -> None:
        self.gen = generator
        self.night = 1
        self._lock = threading.Lock()
        self._sides: dict[int, dict[str, list[CaaLot]]] = {}

    def set_night(self, night: int) -> None:
        with self._lock:
            self.night = night

    def warm(self, night: int) -> None:
        self._side(night, "sf")

    def _side(self, night: int, side: str) -> list[CaaLot]:
        def build() -> dict[str, list[CaaLot]]:
            # INVENTED order: newest start first, then id (the API's default sort is not documented)
            order = sorted(self.gen.lots_for(night), key=lambda lot: (-lot.start_ms, lot.lot_id))
            return {s: [lot for lot in order if lot.side == s] for s in ("sf", "pm")}

        return per_night(self._sides, night, self._lock, build)[side]

    def handle(self, host: str, target: str) -> Response:
        parts = urlsplit(target)
        path, query = parts.path or "/", dict(parse_qsl(parts.query, keep_blank_values=True))
        if path == "/robots.txt":
            return robots()
        if host == SF_HOST:
            if path == LIST_PATH:
                return self._sf_list(query)
            if match := LOT_PATH.fullmatch(path):
                lot = self.gen.lot(self.night, int(match.group(1)))
                if lot is None or lot.side != "sf":
                    return _json({"code": 404, "message": "拍品不存在"}, "not_found", 404)  # INVENTED
                return _json(self.sf_lot(lot), "detail")
        if host == PM_HOST:
            if path == PM_LIST_PATH:
                return self._pm_list(query)
            if path == PM_DETAIL_PATH:
                lot_id = query.get("lotId", "")
                lot = self.gen.lot(self.night, int(lot_id)) if lot_id.isdigit() else None
                if lot is None or lot.side != "pm":
                    return self.not_found()
                return Response(200, self.pm_detail(lot).encode(), HTML_TYPE, "detail")
        return self.not_found()

    def not_found(self) -> Response:  # INVENTED
        return not_found("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404-中拍平台</title></head>"
                         "<body><div class=\"lot-empty\">您访问的页面不存在</div></body></html>", HTML_TYPE)

    def _antibot(self, night: int, host: str, target: str) -> Response:
        """For the server's ``antibot`` fault mode only (INVENTED: no block page of the site is known)."""
        return forbidden(HTML_TYPE)

    # ----------------------------------------------------------------------------------------- judicial JSON

    def _sf_list(self, query: dict[str, str]) -> Response:
        lots = _filtered(self._side(self.night, "sf"), query.get("lotStatus", ""), query.get("standardType", ""))
        try:
            start, count = max(int(query.get("start") or 0), 0), int(query.get("count") or 12)
        except ValueError:
            return _json({"code": 400, "message": "参数错误"}, "error", 400)  # INVENTED
        count = min(max(count, 1), MAX_COUNT)
        page = lots[start * count:(start + 1) * count]
        return _json({"items": [self.sf_item(lot) for lot in page], "page": start + 1, "totalCount": len(lots),
                      "totalPages": -(-len(lots) // count)}, "list")

    @staticmethod
    def sf_item(lot: CaaLot) -> dict:
        # the list DTO's keys (idx:23202642847 reads id, name, startTime, endTime, standardType, assessPrice,
        # nowPrice, startPrice); lotStatus, times, court, onLooker and bidCount on it are INVENTED
        return {"id": lot.lot_id, "name": lot.name, "startPrice": lot.start_price, "assessPrice": lot.assess_price,
                "nowPrice": lot.now_price, "startTime": lot.start_ms, "endTime": lot.end_ms,
                "lotStatus": str(lot.lot_status), "times": lot.times, "standardType": lot.standard_type,
                "secondaryType": lot.secondary_type, "court": lot.court, "bidCount": lot.bid_count,
                "onLooker": lot.on_looker}

    @staticmethod
    def sf_lot(lot: CaaLot) -> dict:
        remark = (f"<table><tr><td><p>标的物名称</p></td><td><p>{html.escape(lot.name)}</p></td></tr>"
                  f"<tr><td><p>标的物所在地</p></td><td><p>{html.escape(lot.position)}</p></td></tr>"
                  f"<tr><td><p>权利来源</p></td><td><p>{html.escape(lot.court)}执行裁定</p></td></tr></table>")
        return {
            "id": lot.lot_id, "name": lot.name, "court": lot.court, "startPrice": lot.start_price,
            "assessPrice": lot.assess_price, "nowPrice": lot.now_price, "lotStatus": str(lot.lot_status),
            "times": lot.times, "rateLadder": lot.rate_ladder, "cashDeposit": lot.cash_deposit,
            "delayTime": str(lot.delay_time), "term": lot.term, "startTime": lot.start_ms, "endTime": lot.end_ms,
            "standardType": lot.standard_type, "secondaryType": lot.secondary_type, "position": lot.position,
            "remark": remark, "onLooker": lot.on_looker, "enrollment": lot.enrollment, "bidCount": lot.bid_count,
            "delayTimes": lot.delay_times,
        }  # fmt: skip

    # ----------------------------------------------------------------------------------------- commercial HTML

    def _pm_list(self, query: dict[str, str]) -> Response:
        status, standard = query.get("status", ""), query.get("standardType", "")
        lots = _filtered(self._side(self.night, "pm"), status, standard)
        num = int(query["num"]) if query.get("num", "").isdigit() else 0
        page = lots[num * PM_PAGE_SIZE:(num + 1) * PM_PAGE_SIZE]
        total_pages = -(-len(lots) // PM_PAGE_SIZE)
        items = "\n".join(self.pm_item(lot) for lot in page)
        pager = ""
        if num + 1 < total_pages:
            pager = f'<a class="next" href="{PM_LIST_PATH}?status={status}&standardType={standard}&num={num + 1}">下一页</a>'
        empty = ' style="display:none"' if page else ""
        body = (
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>标的列表-中拍平台</title>\n"
            "<link rel=\"stylesheet\" href=\"/styles/lots.css\">\n</head>\n<body>\n"
            "<div class=\"sifa-head\"><ul class=\"nav_title\"><li class=\"newnav_avtive\"><a href=\"/index.html\">中拍平台</a></li>"
            "<li><a href=\"https://sf.caa123.org.cn/\">司法拍卖</a></li></ul></div>\n"
            f"<div class=\"filter-fixed\">共<span class=\"count\">{len(lots)}</span>件标的</div>\n"
            f"<div class=\"lot-list\"><ul class=\"auction-list-wrap\">\n{items}\n</ul></div>\n"
            f"<div class=\"lot-empty\"{empty}>暂无标的</div>\n"
            f"<div class=\"page-wrap\" data-page=\"{num + 1}\" data-total-pages=\"{total_pages}\">{pager}</div>\n"
            "<script src=\"/scripts/pages/lots/list.js\"></script>\n</body>\n</html>\n"
        )
        return Response(200, body.encode(), HTML_TYPE, "list")

    @staticmethod
    def detail_path(lot: CaaLot) -> str:
        return f"{PM_DETAIL_PATH}?meetId={lot.meet_id}&lotId={lot.lot_id}"

    def pm_item(self, lot: CaaLot) -> str:
        label = "成交价" if lot.sold else ("当前价" if lot.bid_count else "起拍价")
        price = lot.now_price if lot.bid_count else lot.start_price
        when = f"结束时间：{_when(lot.end_ms)}" if lot.lot_status else f"开始时间：{_when(lot.start_ms)}"
        href = html.escape(self.detail_path(lot))
        return (
            f'<li class="lot-item" data-lotid="{lot.lot_id}" data-meetid="{lot.meet_id}">'
            f'<a class="lot-img" href="{href}" target="_blank"><img src="/upload/lot/{lot.lot_id}.jpg"></a>'
            f'<p class="lot-name"><a href="{href}" target="_blank" title="{html.escape(lot.name)}">'
            f'{html.escape(lot.name)}</a></p>'
            f'<p class="lot-price"><span class="label">{label}</span><em class="price">{_yuan(price)}</em></p>'
            f'<p class="lot-state"><span class="lot-status status-{lot.lot_status}">'
            f'{STATUS_LABELS[lot.lot_status]}</span><span class="lot-time">{when}</span></p>'
            f'<p class="lot-count"><span class="bid">{lot.bid_count}次出价</span>'
            f'<span class="look">{lot.on_looker}人围观</span></p></li>'
        )

    def pm_detail(self, lot: CaaLot) -> str:
        prefix = f"【{TIMES_LABELS[lot.times]}】" if lot.times else ""
        label = "成交价" if lot.sold else "当前价"
        rows = [
            ("起拍价", _yuan(lot.start_price)),
            ("评估价", _yuan(lot.assess_price) if lot.assess_price else "无"),
            ("保证金", _yuan(lot.cash_deposit)),
            ("加价幅度", _yuan(lot.rate_ladder)),
            ("竞价周期", f"{lot.term}天"),
            ("延时周期", f"{lot.delay_time}分钟"),
            ("开始时间", _when(lot.start_ms)),
            ("结束时间", _when(lot.end_ms) if lot.end_known else "待定"),
            ("标的所在地", lot.position),
            ("委托人", lot.court),
            ("拍卖人", lot.auctioneer),
            ("出价次数", f"{lot.bid_count}次"),
            ("报名人数", f"{lot.enrollment}人"),
            ("围观次数", f"{lot.on_looker}次"),
        ]
        cells = "\n".join(f'<tr><td><span class="key">{k}</span><span class="value">{html.escape(v)}</span></td></tr>'
                          for k, v in rows)
        return (
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(lot.name)}-中拍平台</title>\n</head>\n<body>\n"
            f"<div class=\"lot-detail\" data-lotid=\"{lot.lot_id}\" data-meetid=\"{lot.meet_id}\">\n"
            f"<h2 class=\"lot-title\">{html.escape(prefix + lot.name)}</h2>\n"
            f"<div class=\"lot-state\"><span class=\"lot-status status-{lot.lot_status}\">"
            f"{STATUS_LABELS[lot.lot_status]}</span></div>\n"
            f"<div class=\"price-box\"><span class=\"price-label\">{label}</span>"
            f"<em class=\"now-price\">{lot.now_price:,.2f}</em><i>元</i></div>\n"
            f"<table class=\"lot-info\">\n{cells}\n</table>\n"
            "<div class=\"lot-intro\"><h3>标的物介绍</h3>"
            f"<p>{html.escape(lot.name)}，现状拍卖。</p></div>\n</div>\n"
            "<script src=\"/scripts/pages/financeassets/financelotdetail.js\"></script>\n</body>\n</html>\n"
        )
