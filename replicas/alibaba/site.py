"""The Alibaba replica: every page a crawler of sf.taobao.com / zc-paimai.taobao.com meets, rendered from the
generator's lots for the current night with the templates in ``templates/`` (shapes: shared/sources.md §1).

URL map (dispatched on the ``Host`` header; the path and query are the real site's):

=========================  ===================================================================================
sf.taobao.com              ``/`` home (JSON floors) · ``/item_list.htm`` · ``/list/{cat}.htm`` · ``/court_list.htm``
                           · ``/court_item.htm?user_id=`` · ``/{area}/{NN}`` court home · ``/sf_item/{id}.htm``
                           (301 to sf-item) · ``/notice_detail/{project_id}.htm`` · ``/json/get_notice_attach.htm``
                           · ``/json/get_gov_attach.htm`` · ``/json/get_bid_records.htm`` · ``/get_notice.htm``
sf-item.taobao.com         ``/sf_item/{id}.htm`` detail (+ the ``/json/…`` endpoints above)
zc-paimai.taobao.com       ``/zc_item_list.htm`` · ``/json/get_pc_desc.htm?item_id=`` · the ``/json/…`` endpoints
                           and ``/notice_detail/…`` as on sf.taobao.com
zc-item.taobao.com         ``/auction/{id}.htm`` detail
paimai.taobao.com          ``/json/getSubscribersNum?itemIds=&callback=`` · ``/json/get_subscribers_num.htm``
desc.alicdn.com            ``/i7/{a}/{b}/{id}/TB….desc|var^desc;…;lang^gbk;…`` → GBK ``var desc='…';``
every host                 ``/robots.txt``; anything else → 404 page
=========================  ===================================================================================

HTML pages and the desc script are GBK; get_pc_desc is ASCII JSON with ``\\u`` escapes; anti-bot pages UTF-8.
The first request of an HTML page's URL in a night is, with probability ``interstitial_rate`` (decided by a hash of
seed, night and URL), answered with the slider or the Baxia page; the next request of that URL gets the page.
"""

from __future__ import annotations

import hashlib
import html.entities
import json
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import cn2an
import jinja2
from markupsafe import Markup

from replicas.alibaba import data
from replicas.alibaba.generator import TZ, AlibabaGenerator, Lot
from replicas.nights import per_night
from replicas.responses import Response, robots

HOSTS = (
    "sf.taobao.com",
    "sf-item.taobao.com",
    "zc-paimai.taobao.com",
    "zc-item.taobao.com",
    "paimai.taobao.com",
    "desc.alicdn.com",
)
SF_LIST_SIZE, COURT_LIST_SIZE = 40, 20
RECORDS_PAGE_SIZE = 20
SORDER = {0: ("doing",), 1: ("todo",), 2: ("done", "failure"), 4: ("break",), 5: ("revocation",)}
SORDER_NAMES = ((-1, "全部"), (0, "正在进行"), (1, "即将开始"), (2, "已结束"), (4, "中止"), (5, "撤回"))
J_STATUS = {"todo": 0, "doing": 1, "done": 2, "break": 3, "failure": 4, "revocation": 5}
_ROWS = {  # price-table layouts (tbody#J_HoverShow), by cell key; see detail.html's `cell` macro
    "A": (("start", "increment", "type"), ("deposit", "cycle", "prior"), ("consult", "delay", "blank")),
    "B": (("deposit", "consult", "type"), ("start", "cycle", "prior"), ("increment", "delay", "blank")),
    "sell_off": (
        ("selloff_pay", "increment", "selloff_cycle"),
        ("deposit", "consult", "delay"),
        ("selloff_price", "prior", "type"),
    ),
}
ROBOTS = {
    "sf.taobao.com": (
        "/item_list.htm",
        "/list/",
        "/court_list.htm",
        "/court_item.htm",
        "/notice_detail/",
        "/json/",
        "/get_notice.htm",
        "/sf_item/",
    ),
    "sf-item.taobao.com": ("/sf_item/", "/json/"),
    "zc-paimai.taobao.com": ("/zc_item_list.htm", "/json/", "/get_notice.htm", "/notice_detail/"),
    "zc-item.taobao.com": ("/auction/",),
    "paimai.taobao.com": ("/json/",),
    "desc.alicdn.com": ("/i7/",),
}
_DISALLOW = ("/pay_foregift.htm", "/frame.htm", "/kill_auction.htm", "/download_attach.do", "/console/")
_CALLBACK_RE = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")


# --------------------------------------------------------------------------------------------- formatting


def _money(v: float) -> str:
    """``65454900`` → ``65,454,900``, ``2204403.6`` → ``2,204,403.6`` (as the site prints amounts)."""
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _dt(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, TZ)


def _html4_escape(text: str) -> str:
    """Text escaped the way the list pages' server template writes titles into the embedded JSON: characters
    with an HTML 4 entity name become that entity (``志高新城&middot;凯旋首府``, ``杭派&bull;艳澜香堤`` on the real
    2018 home page), Chinese text stays as it is."""
    names = html.entities.codepoint2name
    return "".join(f"&{names[ord(c)]};" if ord(c) in names else c for c in text)


FILTERS: dict[str, Callable] = {
    "money": lambda v: _money(v) + " ",  # price table / price box: trailing space
    "money_plain": _money,
    "f2": lambda v: f"{v:.2f}",
    "js": lambda v: Markup(json.dumps(v, ensure_ascii=False)),
    "js_html": lambda v: Markup(json.dumps(_html4_escape(v), ensure_ascii=False)),
    "dt": lambda ms: _dt(ms).strftime("%Y/%m/%d %H:%M:%S"),
    "dt_dash": lambda ms: _dt(ms).strftime("%Y-%m-%d %H:%M:%S"),
    "cn_day": lambda ms: f"{_dt(ms).year}年{_dt(ms).month}月{_dt(ms).day}日",
    "cn_hour": lambda ms: f"{_dt(ms).year}年{_dt(ms).month}月{_dt(ms).day}日{_dt(ms).hour}时",
    "capital": lambda v: cn2an.an2cn(v, "rmb").removesuffix("整"),
    "amount": lambda v, unit: f"{v / 10000:,.2f}万元" if unit == "万元" else f"{v:,.2f}元",
}


def _digest(*parts: object, size: int = 16) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=size).hexdigest()


# --------------------------------------------------------------------------------------------- per-night indexes


@dataclass
class _Night:
    """The lots of one night, indexed for the pages that need them; list filters are memoised."""

    now: int
    lots: dict[str, list[Lot]]  # by source, in list order
    by_id: dict[int, Lot]
    by_project: dict[int, Lot]
    position: dict[int, int]
    filtered: dict[tuple, list[Lot]] = field(default_factory=dict)


def _list_order(lot: Lot) -> tuple:
    """The default (综合) order: running lots by end, then upcoming by start, then the rest newest first."""
    if lot.status == "doing":
        return 0, lot.end_ms, lot.item_id
    if lot.status == "todo":
        return 1, lot.start_ms, lot.item_id
    return 2, -lot.end_ms, -lot.item_id


class _Query:
    """A request's query string, decoded as GBK like the real site, with the raw pairs kept for links."""

    def __init__(self, query: str) -> None:
        self.raw = [part.split("=", 1) if "=" in part else [part, ""] for part in query.split("&") if part]
        self.values = dict(parse_qsl(query, keep_blank_values=True, encoding="gbk", errors="replace"))

    def get(self, key: str, default: str = "") -> str:
        return self.values.get(key, default).strip()

    def int(self, key: str, default: int | None = None) -> int | None:
        try:
            return int(self.get(key))
        except ValueError:
            return default

    def with_page(self, page: int) -> str:
        pairs = [pair for pair in self.raw if pair[0] != "page"] + [["page", str(page)]]
        return "&".join(f"{k}={v}" for k, v in pairs)


class AlibabaSite:
    """Serves the Alibaba hosts from an `AlibabaGenerator` for the current night."""

    hosts = HOSTS

    def __init__(self, generator: AlibabaGenerator, interstitial_rate: float = 0.03) -> None:
        self.gen = generator
        self.interstitial_rate = interstitial_rate
        self.night = 1
        self._seen: set[tuple[str, str]] = set()
        self._nights: dict[int, _Night] = {}
        self._lock = threading.Lock()
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
            autoescape=jinja2.select_autoescape(["html"]),
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters.update(FILTERS)
        json_routes = [
            (r"/json/get_notice_attach\.htm", self._notice_attach),
            (r"/json/get_gov_attach\.htm", self._gov_attach),
            (r"/json/get_bid_records\.htm", self._bid_records),
            (r"/get_notice\.htm", self._item_notice),
            (r"/notice_detail/(\d+)\.htm", self._notice_page),
        ]
        routes_by_host = {
            "sf.taobao.com": [
                (r"/", self._home),
                (r"/item_list\.htm", self._sf_list),
                (r"/list/(\d+)(?:__\d+)?\.htm", self._sf_list),
                (r"/court_list\.htm", self._court_list),
                (r"/court_item\.htm", self._court_items),
                (r"/(\d{3,4})/(\d\d)", self._court_items),
                (r"/sf_item/(\d+)\.htm", self._legacy_item),
                *json_routes,
            ],
            "sf-item.taobao.com": [(r"/sf_item/(\d+)\.htm", self._detail), *json_routes],
            "zc-paimai.taobao.com": [
                (r"/zc_item_list\.htm", self._zc_list),
                (r"/json/get_pc_desc\.htm", self._pc_desc),
                *json_routes,
            ],
            "zc-item.taobao.com": [(r"/auction/(\d+)\.htm", self._detail)],
            "paimai.taobao.com": [
                (r"/json/getSubscribersNum", self._subscribers),
                (r"/json/get_subscribers_num\.htm", self._subscribers),
            ],
            "desc.alicdn.com": [(r"/i7/\d+/\d+/(\d+)/TB[^/]*\.desc.*", self._desc)],
        }
        self._routes: dict[str, list[tuple[re.Pattern, Callable]]] = {
            host: [(re.compile(pattern + r"\Z"), handler) for pattern, handler in routes]
            for host, routes in routes_by_host.items()
        }

    # ----------------------------------------------------------------------------------------- entry points

    def set_night(self, night: int) -> None:
        with self._lock:
            self.night = night
            self._seen.clear()

    def warm(self, night: int) -> None:
        """Generate and index a night's lots ahead of its first request."""
        self._index(night)

    def handle(self, host: str, target: str) -> Response:
        """Answer a GET of ``target`` (path and query) on ``host``."""
        parts = urlsplit(target)
        path, query = parts.path or "/", _Query(parts.query)
        if path == "/robots.txt":
            return self._robots(host)
        night = self.night
        for pattern, handler in self._routes.get(host, ()):
            match = pattern.match(path)
            if match:
                response = handler(self._index(night), host, path, query, *match.groups())
                if response.kind.endswith("page") and self._interstitial(night, host, target):
                    return self._antibot(night, host, target)
                return response
        return self.not_found()

    def not_found(self) -> Response:
        return self._html("not_found.html", "not_found", status=404)

    # ----------------------------------------------------------------------------------------- helpers

    def _index(self, night: int) -> _Night:
        return per_night(self._nights, night, self._lock, lambda: self._build_index(night))

    def _build_index(self, night: int) -> _Night:
        lots = self.gen.lots_for(night)
        by_source = {
            source: sorted((lot for lot in lots if lot.source == source), key=_list_order) for source in ("sf", "zc")
        }
        return _Night(
            now=self.gen.now_ms(night),
            lots=by_source,
            by_id={lot.item_id: lot for lot in lots},
            by_project={lot.project_id: lot for lot in lots},
            position={lot.item_id: i for group in by_source.values() for i, lot in enumerate(group)},
        )

    def _render(self, template: str, **context) -> str:
        return self.env.get_template(template).render(**context)

    def _html(self, template: str, kind: str, status: int = 200, **context) -> Response:
        return Response(
            status, self._render(template, **context).encode("gbk"), "text/html;charset=GBK", kind
        )

    def _script(
        self, text: str, kind: str, content_type: str = "application/javascript;charset=GBK"
    ) -> Response:
        return Response(200, text.encode("gbk"), content_type, kind)

    def _jsonp(self, query: _Query, payload: object, kind: str) -> Response:
        callback = query.get("callback")
        name = callback if _CALLBACK_RE.match(callback) else "null"
        return self._script(f"{name}({json.dumps(payload, ensure_ascii=False)});", kind)

    def _robots(self, host: str) -> Response:
        return robots(ROBOTS.get(host, ()), _DISALLOW)

    def _interstitial(self, night: int, host: str, target: str) -> bool:
        with self._lock:
            if (host, target) in self._seen:
                return False
            self._seen.add((host, target))
        return int(_digest(self.gen.seed, night, host, target, size=8), 16) / 2**64 < self.interstitial_rate

    def _antibot(self, night: int, host: str, target: str) -> Response:
        token = _digest("antibot", self.gen.seed, night, host, target)
        template = "slider.html" if int(token[-1], 16) % 2 else "baxia.html"
        body = self._render(template, host=host, path=target, token=token).encode()
        return Response(200, body, "text/html;charset=UTF-8", "interstitial")

    def _lot(self, index: _Night, item_id: str | int, source: str | None = None) -> Lot | None:
        try:
            lot = index.by_id.get(int(item_id))
        except (TypeError, ValueError):
            return None
        return lot if lot and (source is None or lot.source == source) else None

    def _channel(self, lot: Lot) -> dict:
        sf = lot.source == "sf"
        host = "sf.taobao.com" if sf else "zc-paimai.taobao.com"
        return {
            "site": lot.source,
            "channel": "司法拍卖" if sf else "资产拍卖",
            "channel_host": host,
            "unit_url": lot.unit_url,
            "notice_page_url": f"//{host}/notice_detail/{lot.project_id}.htm",
            "notice_title": (
                f"{lot.unit}关于{lot.title}（{lot.round_name}）的公告" if sf else f"关于{lot.title}的拍卖公告"
            ),
        }

    # ----------------------------------------------------------------------------------------- list pages

    def _filtered(self, index: _Night, source: str, query: _Query, fixed: dict) -> list[Lot]:
        wanted = {
            **{
                k: query.get(k)
                for k in (
                    "sorder",
                    "city",
                    "province",
                    "location_code",
                    "q",
                    "support_loans",
                    "auction_start_from",
                    "auction_start_to",
                    "item_biz_type",
                )
            },
            **fixed,
        }
        key = (source, tuple(sorted(wanted.items())))
        cached = index.filtered.get(key)
        if cached is not None:
            return cached
        tests: list[Callable[[Lot], bool]] = []
        category = wanted.get("category")
        if category not in (None, "", "0"):
            tests.append(lambda lot, c=category: str(lot.category) == c)
        sorder = wanted["sorder"]
        if sorder.lstrip("-").isdigit() and int(sorder) in SORDER:
            tests.append(lambda lot, s=SORDER[int(sorder)]: lot.status in s)
        if wanted["item_biz_type"].isdigit():
            tests.append(lambda lot, b=int(wanted["item_biz_type"]): lot.biz_type == b)
        if wanted["city"]:
            tests.append(lambda lot, c=wanted["city"]: c in (lot.city, lot.city + "市"))
        if wanted["province"]:
            tests.append(lambda lot, p=wanted["province"]: p.startswith(lot.province))
        if wanted["location_code"]:
            tests.append(
                lambda lot, code=wanted["location_code"]: lot.location_code.startswith(code.rstrip("0"))
            )
        if wanted["q"]:
            tests.append(lambda lot, q=wanted["q"]: q in lot.title or q in lot.address)
        if wanted["support_loans"] == "1":
            tests.append(lambda lot: lot.support_loans == 1)
        if wanted.get("user_id"):
            tests.append(lambda lot, u=wanted["user_id"]: str(lot.user_id) == u)
        for name, cmp in (
            ("auction_start_from", lambda a, b: a >= b),
            ("auction_start_to", lambda a, b: a <= b),
        ):
            if re.fullmatch(r"\d{4}-\d\d-\d\d", wanted[name]):
                tests.append(
                    lambda lot, d=wanted[name], cmp=cmp: cmp(_dt(lot.start_ms).date().isoformat(), d)
                )
        lots = [lot for lot in index.lots[source] if all(test(lot) for test in tests)]
        if len(index.filtered) > 512:
            index.filtered.clear()
        index.filtered[key] = lots
        return lots

    def _list_page(
        self,
        index: _Night,
        host: str,
        path: str,
        query: _Query,
        lots: list[Lot],
        *,
        site: str,
        size: int,
        page_title: str,
        cat_links,
        status_links,
        biz_links=(),
        court=None,
    ) -> Response:
        page = max(query.int("page", 1) or 1, 1)
        count = len(lots)
        pages = math.ceil(count / size)
        items = lots[(page - 1) * size : page * size]
        link = lambda n: f"//{host}{path}?{query.with_page(n)}"  # noqa: E731
        shown = sorted({1, pages, *range(max(page - 2, 1), min(page + 2, pages) + 1)}) if pages else []
        page_links: list[tuple[int | None, str]] = []
        for n in shown:
            if page_links and n - page_links[-1][0] > 1:
                page_links.append((None, ""))
            page_links.append((n, link(n)))
        return self._html(
            "list.html",
            f"{site}_list_page",
            site=site,
            page_title=page_title,
            court=court,
            items=items,
            now=index.now,
            count=count,
            page=page,
            page_total=pages,
            page_links=page_links,
            prev_url=link(page - 1) if 1 < page <= pages else "",
            next_url=link(page + 1) if page < pages else "",
            cat_links=cat_links,
            status_links=status_links,
            biz_links=biz_links,
        )

    def _sf_list(
        self, index: _Night, host: str, path: str, query: _Query, list_category: str | None = None
    ) -> Response:
        category = query.get("category") if list_category is None else list_category
        lots = self._filtered(index, "sf", query, {"category": category})
        current_sorder = query.int("sorder", -1)
        cat_links = [("全部", "//sf.taobao.com/list/0.htm", category in ("", "0"))] + [
            (names[1][0], f"//sf.taobao.com/list/{cat}.htm", category == str(cat))
            for cat, names in data.SF_CATEGORIES.items()
        ]
        status_links = [
            (name, f"//sf.taobao.com/item_list.htm?category={category or 0}&sorder={n}", n == current_sorder)
            for n, name in SORDER_NAMES
        ]
        return self._list_page(
            index,
            host,
            path,
            query,
            lots,
            site="sf",
            size=SF_LIST_SIZE,
            page_title="司法拍卖_法院拍卖_网络司法拍卖平台 - 阿里拍卖",
            cat_links=cat_links,
            status_links=status_links,
        )

    def _zc_list(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        category = query.get("front_category")
        lots = self._filtered(index, "zc", query, {"category": category, "user_id": query.get("user_id")})
        base = "//zc-paimai.taobao.com/zc_item_list.htm"
        cat_links = [("全部", base, category in ("", "0"))] + [
            (name, f"{base}?front_category={cat}", category == str(cat))
            for cat, (name, _) in data.ZC_CATEGORIES.items()
        ]
        prefix = f"{base}?front_category={category}&" if category else f"{base}?"
        status_links = [
            (name, f"{prefix}sorder={n}", n == query.int("sorder", -1)) for n, name in SORDER_NAMES
        ]
        biz_links = [
            (name, f"{prefix}item_biz_type={n}", query.get("item_biz_type") == str(n))
            for n, name in data.ZC_BIZ_TYPES.items()
        ]
        return self._list_page(
            index,
            host,
            path,
            query,
            lots,
            site="zc",
            size=SF_LIST_SIZE,
            page_title="资产拍卖_不良资产处置_债权拍卖 - 阿里资产",
            cat_links=cat_links,
            status_links=status_links,
            biz_links=biz_links,
        )

    def _courts(self) -> dict[int, data.Court]:
        return {court.user_id: court for region in data.REGIONS for court in data.courts(region)}

    def _court_items(
        self,
        index: _Night,
        host: str,
        path: str,
        query: _Query,
        area: str | None = None,
        nn: str | None = None,
    ) -> Response:
        courts = self._courts()
        if area:
            court = next((c for c in courts.values() if c.path == f"{area}/{nn}"), None)
        else:
            court = courts.get(query.int("user_id", 0) or 0)
        if court is None:
            return self.not_found()
        lots = self._filtered(
            index, "sf", query, {"category": query.get("category"), "user_id": str(court.user_id)}
        )
        base = f"//sf.taobao.com/court_item.htm?user_id={court.user_id}"
        status_links = [
            (name, f"{base}&sorder={n}", n == query.int("sorder", -1)) for n, name in SORDER_NAMES
        ]
        return self._list_page(
            index,
            host,
            path,
            query,
            lots,
            site="sf",
            size=COURT_LIST_SIZE,
            page_title=f"{court.name} - 司法拍卖 - 阿里拍卖",
            cat_links=[],
            court=court,
            status_links=status_links,
        )

    def _court_list(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        counts: dict[int, int] = {}
        for lot in index.lots["sf"]:
            counts[lot.user_id] = counts.get(lot.user_id, 0) + 1
        provinces: dict[str, list[dict]] = {}
        for region in data.REGIONS:
            for court in data.courts(region):
                group = provinces.setdefault(region.province, [])
                if all(c["name"] != court.name for c in group):
                    group.append(
                        {
                            "name": court.name,
                            "url": f"//sf.taobao.com/{court.path}",
                            "count": counts.get(court.user_id, 0),
                        }
                    )
        return self._html("court_list.html", "court_list_page", site="sf", provinces=list(provinces.items()))

    def _home(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        live = [lot for lot in index.lots["sf"] if lot.status in ("doing", "todo")]
        today = _dt(index.now).date()

        def starting(days: int) -> list[Lot]:
            day = (today + timedelta(days=days)).isoformat()
            return [lot for lot in live if _dt(lot.start_ms).date().isoformat() == day][:8]

        floors = [
            {
                "key": "car",
                "name": "机动车",
                "more": "//sf.taobao.com/list/50025972.htm",
                "lots": [lot for lot in live if lot.kind == "vehicle"][:8],
            },
            {
                "key": "house",
                "name": "住宅用房",
                "more": "//sf.taobao.com/list/50025969.htm",
                "lots": [lot for lot in live if lot.category == 50025969][:8],
            },
            {
                "key": "other",
                "name": "其他",
                "more": "//sf.taobao.com/list/50025976.htm",
                "lots": [lot for lot in live if lot.category in (50025976, 50025971, 50025970)][:8],
            },
            {
                "key": "tomorrow",
                "name": "明日开拍",
                "more": "//sf.taobao.com/item_list.htm?sorder=1",
                "lots": starting(1),
            },
            {
                "key": "after-tomorrow",
                "name": "后天开拍",
                "more": "//sf.taobao.com/item_list.htm?sorder=1",
                "lots": starting(2),
            },
            {
                "key": "three-days-later",
                "name": "三天后开拍",
                "more": "//sf.taobao.com/item_list.htm?sorder=1",
                "lots": starting(3),
            },
        ]
        counts = {
            "doing": sum(lot.status == "doing" for lot in live),
            "todo": sum(lot.status == "todo" for lot in live),
            "courts": len({lot.user_id for lot in index.lots["sf"]}),
        }
        return self._html("home.html", "sf_home_page", site="sf", floors=floors, now=index.now, counts=counts)

    # ----------------------------------------------------------------------------------------- detail pages

    def _legacy_item(self, index: _Night, host: str, path: str, query: _Query, item_id: str) -> Response:
        if not self._lot(index, item_id, "sf"):
            return self.not_found()
        location = f"https://sf-item.taobao.com/sf_item/{item_id}.htm"
        return Response(301, b"", "text/html;charset=GBK", "redirect", (("Location", location),))

    def _detail(self, index: _Night, host: str, path: str, query: _Query, item_id: str) -> Response:
        lot = self._lot(index, item_id, "sf" if host == "sf-item.taobao.com" else "zc")
        if lot is None:
            return self.not_found()
        channel = self._channel(lot)
        api = f"//{channel['channel_host']}"
        h = _digest(self.gen.seed, lot.item_id)
        if lot.source == "sf":
            sid = str(lot.item_id)
            desc_url = (
                f"//desc.alicdn.com/i7/{sid[:2]}0/{sid[3:6]}/{sid}/TB1{h[:22]}.desc%7Cvar%5Edesc%3Bsign%5E"
                f"{h[:32]}%3Blang%5Egbk%3Bt%5E{lot.publish_ms // 1000}"
            )
        else:
            desc_url = f"{api}/json/get_pc_desc.htm?item_id={lot.item_id}"
        rows = _ROWS["sell_off"] if lot.sell_off else _ROWS["AB"[lot.item_id % 2]]
        if lot.source == "zc":
            rows = tuple(tuple("market" if key == "consult" else key for key in row) for row in rows)
        group = index.lots[lot.source]
        at = index.position[lot.item_id]
        likes = [
            other
            for other in (group[at - 1] if at else None, group[(at + 1) % len(group)])
            if other is not None and other.item_id != lot.item_id
        ]
        reasons = data.BREAK_REASONS if lot.status == "break" else data.REVOKE_REASONS
        return self._html(
            "detail.html",
            f"{lot.source}_detail_page",
            lot=lot,
            now=index.now,
            rows=rows,
            j_status=J_STATUS[lot.status],
            tb_token=h[:13],
            page_id=h[:30],
            qr_token=h[-7:],
            pics=self._pics(lot),
            likes=likes,
            cancel_reason=reasons[lot.item_id % len(reasons)],
            notice_url=f"{api}/json/get_notice_attach.htm?project_id={lot.project_id}",
            item_notice_url=f"{api}/get_notice.htm?t_name=TB1{h[8:30]}&snt_name=null",
            gov_attach_url=f"{api}/json/get_gov_attach.htm?id={lot.item_id}",
            desc_url=desc_url,
            records_url=f"{api}/json/get_bid_records.htm?id={lot.item_id}&records_type=pageRecords",
            **channel,
        )

    @staticmethod
    def _pics(lot: Lot) -> list[str]:
        extra = hashlib.md5(lot.pic.encode()).hexdigest()
        return [lot.pic_url] + [
            f"//img.alicdn.com/bao/uploaded/i{k}/{lot.user_id}/TB2{extra[k : k + 22]}_!!0-paimai.jpg"
            for k in range(1, 2 + int(extra[0], 16) % 4)
        ]

    # ----------------------------------------------------------------------------------------- lazy parts

    def _notice_content(self, lot: Lot) -> str:
        return self._render("notice_content.html", lot=lot, **self._channel(lot))

    def _notice_attach(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        lot = index.by_project.get(query.int("project_id", 0) or 0)
        if lot is None:
            return self.not_found()
        attaches = [{"id": lot.project_id * 10 + 1, "title": f"{lot.title}竞买公告.pdf"}]
        return self._jsonp(
            query, {"content": self._notice_content(lot), "attaches": attaches}, "notice_attach"
        )

    def _notice_page(self, index: _Night, host: str, path: str, query: _Query, project_id: str) -> Response:
        lot = index.by_project.get(int(project_id))
        if lot is None or (lot.source == "sf") != host.startswith("sf"):
            return self.not_found()
        return self._html(
            "notice_detail.html",
            "notice_page",
            lot=lot,
            content=Markup(self._notice_content(lot)),
            **self._channel(lot),
        )

    def _gov_attach(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        lot = self._lot(index, query.get("id"))
        if lot is None:
            return self.not_found()
        names = ["评估报告", "执行裁定书"] if lot.source == "sf" else ["资产情况说明"]
        if lot.status == "done":
            names.append("拍卖成交确认书")
        files = [{"id": lot.item_id % 10**9 * 10 + i, "title": f"{name}.pdf"} for i, name in enumerate(names)]
        return self._jsonp(query, files, "gov_attach")

    def _item_notice(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        site = "sf" if host.startswith("sf") else "zc"
        return self._jsonp(query, {"content": self._render("item_notice.html", site=site)}, "item_notice")

    def _bid_records(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        lot = self._lot(index, query.get("id"))
        if lot is None:
            return self.not_found()
        bids = self.gen.bid_records(lot)[::-1]
        page = max(query.int("currentPage", 1) or 1, 1)
        records = [
            {
                "status": 99 if i == 0 and lot.status in ("done", "doing") else -1,
                "alias": bid.alias,
                "price": bid.price,
                "ms": bid.ms,
            }
            for i, bid in enumerate(bids)
        ]
        text = self._render(
            "bid_records.js.j2",
            total=len(bids),
            page=page,
            page_size=RECORDS_PAGE_SIZE,
            records=records[(page - 1) * RECORDS_PAGE_SIZE : page * RECORDS_PAGE_SIZE],
        )
        return self._script(text, "bid_records")

    def _desc_context(self, lot: Lot) -> dict:
        h = _digest("desc", lot.item_id)
        kind = {"commercial": "house"}.get(lot.kind, lot.kind)
        year = _dt(lot.publish_ms).year - 1 - int(h[0], 16) % 8
        plate = re.search(r"[\u4e00-\u9fa5][A-Z][A-Z0-9]{5}", lot.title)
        use = re.search(r"出让(\w+?)用地", lot.title)
        facts = {
            "cert": f"{data.PROVINCE_ABBR[lot.province]}（{year}）{lot.city}市不动产权第{int(h[1:8], 16) % 10**7:07d}号",
            "floor": f"第{int(h[8:10], 16) % 30 + 1}层",
            "use": f"{use.group(1)}用地" if use else "其他用地",
            "state": "现状为空置" if int(h[10], 16) % 2 else "现由被执行人使用",
            "limits": "已抵押、已查封" if int(h[11], 16) % 2 else "已查封",
            "plate": plate.group(0) if plate else "",
            "vin": "LSV" + h[12:26].upper(),
            "registered": f"{year - 3}-{int(h[26], 16) % 12 + 1:02d}-15",
            "mileage": int(h[27:32], 16) % 200000,
        }
        return {
            "lot": lot,
            "kind": kind,
            "facts": facts,
            "site": lot.source,
            "pics": [pic.removesuffix(".jpg") for pic in self._pics(lot)],
        }

    def _desc(self, index: _Night, host: str, path: str, query: _Query, item_id: str) -> Response:
        lot = self._lot(index, item_id, "sf")
        if lot is None:
            return self.not_found()
        html = self._render("desc.html", **self._desc_context(lot)).replace("\\", "\\\\").replace("'", "\\'")
        return self._script("var desc='" + html.replace("\n", "") + "';", "desc")

    def _pc_desc(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        lot = self._lot(index, query.get("item_id"), "zc")
        if lot is None:
            return self.not_found()
        if lot.debt:
            content = self._render("zc_pc_desc.html", d=lot.debt)
        else:
            content = self._render("desc.html", **self._desc_context(lot))
        body = json.dumps({"success": True, "itemId": lot.item_id, "content": content}).encode("ascii")
        return Response(200, body, "application/json;charset=UTF-8", "pc_desc")

    def _subscribers(self, index: _Night, host: str, path: str, query: _Query) -> Response:
        ids = (query.get("itemIds") or query.get("item_ids")).split(",")
        rows = [
            {"itemId": lot.item_id, "subscribersNum": lot.subscribers}
            for lot in (self._lot(index, i) for i in ids)
            if lot
        ]
        return (
            self._jsonp(query, rows, "subscribers")
            if query.get("callback")
            else Response(200, json.dumps(rows).encode(), "application/json;charset=UTF-8", "subscribers")
        )


def start_urls(source: str, category: str | None = None) -> list[str]:
    """The real list URLs a spider starts from: ``sf`` → all categories, page 1; ``zc`` → all (or, with
    ``category="债权"`` or a front_category id, that category), page 1."""
    if source == "sf":
        return [
            "https://sf.taobao.com/item_list.htm?category=0&auction_source=0&st_param=-1&auction_start_seg=-1"
            "&page=1"
        ]
    if source == "zc":
        codes = {name: code for code, (name, _) in data.ZC_CATEGORIES.items()}
        front = codes.get(category, category) if category else None
        cat = f"&front_category={front}" if front else ""
        return [
            f"https://zc-paimai.taobao.com/zc_item_list.htm?auction_source=0{cat}&st_param=-1"
            "&auction_start_seg=-1&page=1"
        ]
    raise ValueError(f"unknown Alibaba source {source!r} (sf or zc)")
