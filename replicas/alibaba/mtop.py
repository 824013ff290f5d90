"""Replica of Alibaba's current generation: the signed mtop JSON API on ``h5api.m.taobao.com`` (shared/sources.md §1b).

It serves the SAME lots, on the same night, as the legacy HTML replica (`replicas.alibaba.site`): one generator, so
an item seen through the HTML pages and through the API has the same ``itemId``, prices and state.

Calls (path lower-cased as the real gateway does; every answer is HTTP 200 with the mtop envelope
``{"api", "data", "ret": ["CODE::message"], "v"}``, wrapped as ``mtopjsonp1({...})`` when ``type=jsonp``):

- ``/h5/mtop.taobao.datafront.invoke.auctionwalle/1.0/?jsv=2.7.5&appKey=12574478&t=…&sign=…&api=…&v=1.0&type=jsonp
  &dataType=jsonp&callback=mtopjsonp1&data={"dfApp":"auctionwalle","dfApiName":"auctionwalle.page.getScenes",
  "dfVariables":"{\\"page\\":1,\\"zcBizTypes\\":[],\\"keyword\\":\\"\\"}","dfUniqueId":…}`` → ``data.data.scenes[0]
  .schemeList[0]`` with ``hasNextPage, totalCount, page, pageSize (10), contentList[row…]``; sf and zc lots in one
  list (the list order of the HTML site); ``zcBizTypes`` keeps the lots of those 资产 biz types, ``keyword`` those
  whose title has it.
- ``/h5/mtop.taobao.govauctionmtopdetailservice.queryhttpsitemdetail/3.0/?…&value=SFPM_H5&data={"itemId":…}`` →
  ``data`` = the item (prices in 分).
- ``/h5/mtop.com.taobao.auction.project.content.get/1.0/?…&data={"projectId":…}`` → ``data.content``: the 标的物介绍
  HTML; for a 债权 lot the same claim tables as the legacy ``get_pc_desc.htm`` (template ``zc_pc_desc.html``), for
  any other lot the placeholder ``没有标的物介绍`` (this replica does not render other descriptions here).

Handshake, as the gateway does it:

- the token is the first part of cookie ``_m_h5_tk`` (``<32 hex>_<expiry ms>``); a call without it answers
  ``FAIL_SYS_TOKEN_EMPTY::令牌为空``, with an expired one ``FAIL_SYS_TOKEN_EXOIRED::令牌过期`` [sic, the real
  spelling], with a forged one ``FAIL_SYS_TOKEN_ILLEGAL::非法令牌``; each sets a fresh ``_m_h5_tk`` and
  ``_m_h5_tk_enc`` (Set-Cookie, Domain=taobao.com). The token is an HMAC of its expiry: nothing is stored;
- with a valid token, ``sign`` must be ``md5(token + "&" + t + "&" + appKey + "&" + data)``, else
  ``FAIL_SYS_ILLEGAL_ACCESS::非法请求`` (refused: no data);
- the detail and content calls without a ``cna`` cookie (set by Alibaba's tracking script in a browser) gets the Baxia answer
  ``RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试`` with a ``_____tmd_____/punish?x5secdata=`` URL;
- in the server's ``antibot`` fault mode every call answers the risk-control pair
  ``["FAIL_SYS_USER_VALIDATE", "RGV587_ERROR::SM::…"]`` with the same punish URL (`MtopSite._antibot`).

Invented, unverified (no real answer has been seen; tests/golden/REPLICA_NOTES.md): the detail's ``bidStatus`` as
the legacy state code (one public crawler maps rows onto a numeric 1/3/4/5), its ``auctionAddress`` as an object
(public code also reads it as text with ``location`` and ``latlong``) and its times in epoch ms.

Row fields (sources.md §1b): ``itemId, auctionTitle`` (with the 【round】 prefix), ``price/priceUnit`` (the current
price shown in 元/万/亿), ``displayInitialPrice/displayInitialPriceUnit``, ``auctionLink``, ``auctionBenefits``,
``status`` (upcoming / ing / sold / end — the one repo's values; 流拍, 中止 and 撤回 all show ``end``),
``currentPrice`` (分), ``pv, applyCnt, shopName, pictureUrl, titlePic`` and ``extraMap{bail, incrementnum`` (分),
``hArea / landArea`` (㎡×100), ``consulteUnitPrice, category, startTime, endTime, status`` (the item's state code
as the legacy list JSON has it: todo / doing / done / failure / break / revocation), ``circ`` (round number),
``bizType, locationCode, subscribeCnt}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jinja2

from replicas.alibaba.generator import HOUR, AlibabaGenerator, Lot
from replicas.alibaba.site import FILTERS, _list_order
from replicas.responses import Response, robots, status_page

HOST = "h5api.m.taobao.com"
LIST_API = "mtop.taobao.datafront.invoke.auctionwalle"
DETAIL_API = "mtop.taobao.GovauctionMTopDetailService.queryHttpsItemDetail"
CONTENT_API = "mtop.com.taobao.auction.project.content.get"
NO_CONTENT = "没有标的物介绍"
PAGE_SIZE = 10
TOKEN_LIFETIME = 2 * HOUR
_CALLBACK_RE = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
_PATH_RE = re.compile(r"^/h5/([\w.]+)/(\d+\.\d+)/?$")
_HOUSE_KINDS = ("house", "commercial")


def fen(yuan: float) -> int:
    return round(yuan * 100)


def display(yuan: float) -> tuple[str, str]:
    """An amount as the list shows it: ``(\"236.73\", \"万\")``, ``(\"1.25\", \"亿\")``, ``(\"8500\", \"元\")``."""
    if yuan >= 1e8:
        return f"{yuan / 1e8:.2f}", "亿"
    if yuan >= 1e4:
        return f"{yuan / 1e4:.2f}", "万"
    return f"{yuan:.2f}".rstrip("0").rstrip("."), "元"


def row_status(lot: Lot) -> str:
    if lot.status == "todo":
        return "upcoming"
    if lot.status == "doing":
        return "ing"
    return "sold" if lot.status == "done" and lot.bid_count else "end"


class MtopSite:
    """Serves ``h5api.m.taobao.com`` from the Alibaba generator. ``cookies`` gives the Cookie header of the request
    being answered (the server passes it; a test may pass ``cookie=`` to `handle` directly)."""

    hosts = (HOST,)

    def __init__(self, generator: AlibabaGenerator, cookies: Callable[[], str | None] = lambda: None) -> None:
        self.gen = generator
        self.cookies = cookies
        self.night = 1
        self._secret = f"mtop-replica|{generator.seed}".encode()
        self._order: dict[int, list[Lot]] = {}
        self._projects: dict[int, dict[int, Lot]] = {}
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters.update(FILTERS)

    # ----------------------------------------------------------------------------------------- entry points

    def set_night(self, night: int) -> None:
        self.night = night

    def warm(self, night: int) -> None:
        self._lots(night)

    def not_found(self) -> Response:
        return status_page(404, "not_found")

    def handle(self, host: str, target: str, cookie: str | None = None) -> Response:
        parts = urlsplit(target)
        if parts.path == "/robots.txt":
            return robots(allow=("/h5/",))
        match = _PATH_RE.match(parts.path.lower())
        if match is None:
            return self.not_found()
        path_api, version = match.groups()
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        api = query.get("api", "")
        if path_api == LIST_API and version == "1.0":
            api, handler = LIST_API, self._list
        elif path_api == DETAIL_API.lower() and version == "3.0":
            api, handler = DETAIL_API, self._detail
        elif path_api == CONTENT_API and version == "1.0":
            api, handler = CONTENT_API, self._content
        else:
            return self._answer(query, api or path_api, version, "FAIL_SYS_API_NOT_FOUNDED::请求API不存在", {})
        night = self.night
        jar = _cookie_jar(cookie if cookie is not None else self.cookies())
        now = self.gen.now_ms(night)
        token, expiry = _split_token(jar.get("_m_h5_tk", ""))
        if not token:
            return self._answer(query, api, version, "FAIL_SYS_TOKEN_EMPTY::令牌为空", {}, self._new_token(now))
        if not hmac.compare_digest(token, self._token(expiry)):
            return self._answer(query, api, version, "FAIL_SYS_TOKEN_ILLEGAL::非法令牌", {}, self._new_token(now))
        if expiry <= now:
            return self._answer(query, api, version, "FAIL_SYS_TOKEN_EXOIRED::令牌过期", {}, self._new_token(now))
        data = query.get("data", "")
        expected = hashlib.md5(f"{token}&{query.get('t', '')}&{query.get('appKey', '')}&{data}".encode()).hexdigest()
        if not query.get("t") or not hmac.compare_digest(query.get("sign", "").lower(), expected):
            return self._answer(query, api, version, "FAIL_SYS_ILLEGAL_ACCESS::非法请求", {})
        try:
            params = json.loads(data) if data else {}
        except ValueError:
            params = None
        if not isinstance(params, dict):
            return self._answer(query, api, version, "FAIL_SYS_PARAM_FORMAT_ERROR::参数格式错误", {})
        if api != LIST_API and not jar.get("cna"):
            return self._answer(query, api, version, "RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试",
                                {"url": _punish_url(api, version, data)}, kind="mtop_rgv587")
        return handler(night, query, api, version, params)

    def _antibot(self, night: int, host: str, target: str) -> Response:
        """For the server's ``antibot`` fault mode: the gateway's risk-control answer to a client it has flagged,
        HTTP 200 with ``ret: ["FAIL_SYS_USER_VALIDATE", "RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"]`` and the
        ``_____tmd_____/punish?x5secdata=`` URL in ``data.url``, for any call (token and sign unchecked). The shape
        is the one public client code quotes from real mtop answers (idx:66690400494 an h5api.m.taobao.com call,
        idx:60323256118 an h5api.m.1688.com one); the x5secdata value is invented (a hash of the call's data)."""
        parts = urlsplit(target.split("#")[0])
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        match = _PATH_RE.match(parts.path.lower())
        api, version = (query.get("api") or match.group(1), match.group(2)) if match else (query.get("api", ""), "1.0")
        return self._answer(query, api, version,
                            ["FAIL_SYS_USER_VALIDATE", "RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"],
                            {"url": _punish_url(api, version, query.get("data", ""))}, kind="interstitial")

    # ----------------------------------------------------------------------------------------- handshake

    def _token(self, expiry: int) -> str:
        return hmac.new(self._secret, str(expiry).encode(), hashlib.md5).hexdigest()

    def _new_token(self, now: int) -> tuple[tuple[str, str], ...]:
        expiry = now + TOKEN_LIFETIME
        token = self._token(expiry)
        enc = hmac.new(self._secret, f"enc|{token}".encode(), hashlib.md5).hexdigest()
        tail = "; Path=/; Domain=taobao.com; Max-Age=86400; Secure; SameSite=None"
        return (("Set-Cookie", f"_m_h5_tk={token}_{expiry}{tail}"), ("Set-Cookie", f"_m_h5_tk_enc={enc}{tail}"))

    def _answer(self, query: dict, api: str, version: str, ret: str | list[str], data: dict,
                headers: tuple[tuple[str, str], ...] = (), kind: str | None = None) -> Response:
        rets = [ret] if isinstance(ret, str) else ret
        envelope = json.dumps({"api": api, "data": data, "ret": rets, "v": version}, ensure_ascii=False,
                              separators=(",", ":"))
        kind = kind or ("mtop_" + rets[0].split("::")[0].lower())
        if query.get("type") == "jsonp":
            callback = query.get("callback", "mtopjsonp1")
            callback = callback if _CALLBACK_RE.match(callback) else "mtopjsonp1"
            return Response(200, f" {callback}({envelope})".encode(), "application/javascript;charset=UTF-8",
                            kind, headers)
        return Response(200, envelope.encode(), "application/json;charset=UTF-8", kind, headers)

    # ----------------------------------------------------------------------------------------- calls

    def _lots(self, night: int) -> list[Lot]:
        lots = self._order.get(night)
        if lots is None:
            lots = self._order[night] = sorted(self.gen.lots_for(night), key=_list_order)
        return lots

    def _list(self, night: int, query: dict, api: str, version: str, params: dict) -> Response:
        try:
            variables = json.loads(params.get("dfVariables") or "{}")
            page = max(int(variables.get("page") or 1), 1)
        except (TypeError, ValueError):
            return self._answer(query, api, version, "FAIL_SYS_PARAM_FORMAT_ERROR::参数格式错误", {})
        biz_types = {str(b) for b in variables.get("zcBizTypes") or []}
        keyword = str(variables.get("keyword") or "").strip()
        lots = [
            lot for lot in self._lots(night)
            if (not biz_types or str(lot.biz_type) in biz_types) and (not keyword or keyword in lot.title)
        ]
        rows = [self._row(lot) for lot in lots[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]]
        scheme = {
            "hasNextPage": page * PAGE_SIZE < len(lots),
            "totalCount": len(lots),
            "page": page,
            "pageSize": PAGE_SIZE,
            "totalPage": math.ceil(len(lots) / PAGE_SIZE),
            "contentList": rows,
        }
        data = {"data": {"scenes": [{"spmc": "searchlist-items", "schemeList": [scheme]}]},
                "dfUniqueId": params.get("dfUniqueId", "")}
        return self._answer(query, api, version, "SUCCESS::调用成功", data, kind="mtop_list")

    def _row(self, lot: Lot) -> dict:
        price, price_unit = display(lot.current_price)
        initial, initial_unit = display(lot.initial_price)
        benefits = [lot.district] + ([f"{lot.area:g}m²"] if lot.area else [])
        extra = {
            "bail": fen(lot.deposit),
            "incrementnum": fen(lot.increment),
            "category": str(lot.category),
            "startTime": lot.start_ms,
            "endTime": lot.end_ms,
            "status": lot.status,
            "circ": str(lot.round),
            "bizType": str(lot.biz_type),
            "locationCode": lot.location_code,
            "subscribeCnt": lot.subscribers,
        }
        if lot.area and lot.kind in _HOUSE_KINDS:
            extra["hArea"] = round(lot.area * 100)
            extra["consulteUnitPrice"] = int(lot.consult_price / lot.area) if lot.consult_price else 0
        elif lot.area and lot.kind == "land":
            extra["landArea"] = round(lot.area * 100)
        return {
            "itemId": str(lot.item_id),
            "auctionTitle": f"【{lot.round_name}】{lot.title}",
            "price": price,
            "priceUnit": price_unit,
            "displayInitialPrice": initial,
            "displayInitialPriceUnit": initial_unit,
            "auctionLink": lot.item_url,
            "auctionBenefits": benefits,
            "status": row_status(lot),
            "currentPrice": fen(lot.current_price),
            "pv": lot.viewer_count,
            "applyCnt": lot.apply_count,
            "shopName": lot.unit,
            "pictureUrl": "https:" + lot.pic_url,
            "titlePic": "https:" + lot.pic_url + "_460x460.jpg",
            "extraMap": extra,
        }

    def _detail(self, night: int, query: dict, api: str, version: str, params: dict) -> Response:
        try:
            lot = self.gen.lot(night, int(params.get("itemId")))
        except (TypeError, ValueError):
            lot = None
        if lot is None:
            return self._answer(query, api, version, "FAIL_BIZ_ITEM_NOT_EXIST::拍品不存在", {})
        data = {
            "itemId": lot.item_id,
            "title": f"【{lot.round_name}】{lot.title}",
            "auctionLink": lot.item_url,
            "startPrice": fen(lot.initial_price),
            "consultPrice": fen(lot.consult_price),
            "foregiftPrice": fen(lot.deposit),
            "incrementPrice": fen(lot.increment),
            "currentPriceLong": fen(lot.current_price),
            "bidStatus": lot.status,
            "startTime": lot.start_ms,
            "endTime": lot.end_ms,
            "sellerNick": lot.unit,
            "associatedUnit": {"orgName": lot.unit, "orgUrl": lot.unit_url},
            "caseNumber": lot.case_no,
            "phone": lot.phone,
            "connectPeople": lot.contact_name,
            "auctionAddress": {
                "province": lot.province,
                "city": lot.city,
                "district": lot.district,
                "address": lot.address,
                "lat": f"{lot.lat:.6f}",
                "lng": f"{lot.lng:.6f}",
            },
            "applyNum": lot.apply_count,
            "attachmentList": [{"title": f"{lot.title}竞买公告.pdf", "id": lot.project_id * 10 + 1}],
            "projectId": lot.project_id,
            "bizType": str(lot.biz_type),
        }
        return self._answer(query, api, version, "SUCCESS::调用成功", data, kind="mtop_detail")

    def _content(self, night: int, query: dict, api: str, version: str, params: dict) -> Response:
        projects = self._projects.get(night)
        if projects is None:
            projects = self._projects[night] = {lot.project_id: lot for lot in self.gen.lots_for(night)}
        try:
            lot = projects.get(int(params.get("projectId")))
        except (TypeError, ValueError):
            lot = None
        if lot is None:
            return self._answer(query, api, version, "FAIL_BIZ_PROJECT_NOT_EXIST::项目不存在", {})
        content = self.env.get_template("zc_pc_desc.html").render(d=lot.debt) if lot.debt else NO_CONTENT
        return self._answer(query, api, version, "SUCCESS::调用成功", {"content": content}, kind="mtop_content")


def _punish_url(api: str, version: str, data: str) -> str:
    """Baxia's captcha page for a call, as the gateway gives it in ``data.url`` (the doubled slash is real)."""
    return (f"https://{HOST}:443//h5/{api.lower()}/{version}/_____tmd_____/punish?x5secdata="
            + hashlib.sha1(data.encode()).hexdigest() + "&x5step=1")


def _cookie_jar(header: str | None) -> dict[str, str]:
    jar: dict[str, str] = {}
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            jar[name] = value
    return jar


def _split_token(value: str) -> tuple[str, int]:
    token, _, expiry = value.partition("_")
    return (token, int(expiry)) if re.fullmatch(r"[0-9a-f]{32}", token) and expiry.isdigit() else ("", 0)
