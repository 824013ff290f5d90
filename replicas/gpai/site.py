"""The 公拍网 replica: www.gpai.net's court-auction lists and lot pages, rendered from the generator's lots for the
current night in the shapes of the real pages (crawlers/parsers/gpai.py; the real 2018 list page in
tests/golden/real/gpai).

=====================================  ==========================================================================
``/sf/search.do?action=court&cityNum=35&restate=R&Page=P``  the court auctions by state (1 即将开始, 2 正在拍卖,
                                       3 已成交, 4 其他), 20 a page, ``Page`` counting from 0 (absent = 0)
``/sf/court.do?id=CODE&at=T&restate=R&page=P``  one court's own list (the real page's shape), ``page`` from 1
``/sf/item2.do?Web_Item_ID=N``          the lot page; an unknown id answers the error page
``/robots.txt``                          permissive
=====================================  ==========================================================================

The list markup (badge, 在线拍 arrow, the backslash in ``sf\\item2.do``, ``<p><p>`` nesting, 起拍价 in yuan, 评估价 in
万元, 开始时间, 次出价) is the real page's. Inventions, marked here and in tests/golden/REPLICA_NOTES.md: the page-bar
markup around ``span.page-infos label`` (its ``(N)`` text is from sources.md), 20 lots a page, the badges other than
``badge-bg103 即将开始`` and ``badge-bg105 正在拍卖`` / ``正在进行`` (已成交 114, 流标 113, 已撤回 125), the list's price
label 成交价 on a sold lot (最新价 once bid on, 变卖价 on a sale, 预计结束 on a running lot and ``N 次围观`` are the real
2018-11 search list's), the ordering, the lot page's notice beyond its first paragraph (the sale's period, in the real
page's words) and a 变卖's wording, the detail page's server-rendered markup (its
structure and labels are a public clone's: d-m-time, d-m-price, the d-m-tb tables, peoples-infos, html_Bid_Shu),
the contact cells, and the error page: a script redirect back to the same lot page, served for the first request of
about 3 % of lots a night (public crawlers follow such redirects and retry).
"""

from __future__ import annotations

import hashlib
import html
import threading
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from replicas.responses import Response, not_found, robots
from replicas.gpai.generator import GpaiGenerator, GpaiLot, at
from replicas.nights import per_night

HOSTS = ("www.gpai.net", "s.gpai.net")
PAGE_SIZE = 20
RESTATES = {"1": ("upcoming",), "2": ("ongoing",), "3": ("sold",), "4": ("unsold", "withdrawn")}
# 103 即将开始 and 105 正在拍卖 (正在进行 on a 变卖 lot) are real (the 2018 court list, the 2018-11 search list)
BADGES = {"upcoming": (103, "即将开始"), "ongoing": (105, "正在拍卖"), "sold": (114, "已成交"),
          "unsold": (113, "流标"), "withdrawn": (125, "已撤回")}
UTF8 = "text/html;charset=UTF-8"


def _when(ms: int) -> str:
    """``2018</span>年<span>11</span>月14日上午<span>11</span>时``: a notice's time, its numbers in spans as the real
    2018-11 lot page writes them (下午 and the hour less 12 after noon; 时30分 where the minutes are not 0)."""
    t = at(ms)
    half, hour = ("下午", t.hour - 12) if t.hour > 12 else ("上午", t.hour)
    minutes = f"<span>{t.minute:02d}</span>分" if t.minute else ""
    return f"<span>{t.year}</span>年<span>{t.month}</span>月{t.day}日{half}<span>{hour}</span>时{minutes}"


def notice_html(lot: GpaiLot) -> str:
    """The 竞买公告 (``div.d-article``) with its first paragraph, the sale's period, in the real 2018-11 lot page's
    words and markup; the rest of the real notice (the lot, prices, rules, contacts) is left out, and a 变卖's
    wording (网络司法变卖, its 60 days) is invented after the 人民法院诉讼资产网 notice of a 变卖."""
    kind = "网络司法变卖" if lot.round_no == 3 else "网络司法拍卖"
    return ('<div class="tab-list-con"><div class="panel-con"><div class="d-article">'
            '<p style="text-align: center;"><strong><span style="font-size:24px">拍卖公告</span></strong></p>'
            f'<p><span style="color: black;">{html.escape(lot.court)}定于{_when(lot.start_ms)}'
            f'<span style="color: red;">至{_when(lot.end_ms)}止</span>（延时除外）在“公拍网”（www.gpai.net）进行'
            f'{kind}活动，现公告如下<span>:</span></span></p></div></div></div>\n')


def plain(v: float) -> str:
    """``76360000``, ``20369.3``: the list's and Price_Start's numbers (no thousands separator)."""
    return f"{v:.2f}".rstrip("0").rstrip(".")


def grouped(v: float) -> str:
    """``1,100,000``, ``2,204,403.6``: the detail table's 保证金 / 评估价."""
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def wan(v: float) -> str:
    """``10908.4``: the list's 评估价 in 万元."""
    return f"{v / 10000:.6f}".rstrip("0").rstrip(".")


@dataclass
class _Night:
    now: int
    lots: list[GpaiLot]
    by_id: dict[int, GpaiLot]


HEAD = """
<!DOCTYPE html>
<html>
<head>
<meta http-equiv="X-UA-Compatible" content="IE=9; IE=8; IE=7; IE=EDGE">
<meta charset="UTF-8"/>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />

<title>{title} - 公拍网</title>
<link rel="stylesheet" type="text/css" href="/common/common.css" />
<link rel="stylesheet" type="text/css" href="css/style.css?v=201712" />
</head>
<body>
<div class="container">
<div class="header"><div class="auto"><div class="top-left fl">
    <a href="http://www.gpai.net/">公拍网</a><span class="xian">|</span>
    <a href="http://www.gpai.net/sf/" >司法拍卖</a><span class="xian">|</span>
    <a href="http://www.gpai.net/bm/">司法变卖</a><span class="xian">|</span>
    <a href="http://www.gpai.net/zc/" >资产拍卖</a>
</div></div></div>
"""
FOOT = """
<div class="bottom">
Copyright &copy; 2010-2016 上海市拍卖行业协会 版权所有 <br/>地址：上海市黄浦区乔家路2号 邮编：200010 电话：400-820-3720
</div>
</div>
<script type="text/javascript" src="/plugin/jquery/jquery.min-1.11.0.js"></script>
<script src="/common/common.js"></script>
</body>
</html>
"""

ITEM = """
                            <li>
                                <div class="list-item"><span class="badge-arrow3">
{mode}
                                    </span><span class="badge-icon badge-bg{code}">{badge}
                                    </span>
                                    <a href="http://www.gpai.net/sf\\item2.do?Web_Item_ID={id}"><img src="http://imgcdn.gpai.net/upload/courtfile/{img}.jpg" alt="" /></a>
                                    <div class="item-tit"><a href="http://www.gpai.net/sf\\item2.do?Web_Item_ID={id}">{title}</a></div>
                                    <div class="gpai-infos">
                                        <p><p><span>{price_label}：</span><b class='price-red'>{price}</b><span class='price-red'>元</span></p> </p>

                                            <p><span>评估价：</span> <span><b>{appraisal}</b>万元</span></p>
                                        <p><span>{when_label}：{when}</span> </p>
                                        <div class="m-infos-people clearfix">
                                            <span class="dif-line"></span>
                                            <div class="whalf fl">{views} 次围观</div>
                                            <div class="whalf fl">{bids} <span>次出价</span></div>
                                            <div class="whalf fr"><a href='http://www.gpai.net/sf\\item2.do?Web_Item_ID={id}'>详细</a></div>
                                        </div>
                                    </div>
                                </div>
                            </li>
"""


def _digest(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=4).digest(), "big")


class GpaiSite:
    """Serves the gpai.net hosts from a `GpaiGenerator` for the current night."""

    hosts = HOSTS

    def __init__(self, generator: GpaiGenerator, redirect_rate: float = 0.03) -> None:
        self.gen = generator
        self.redirect_rate = redirect_rate
        self.night = 1
        self._nights: dict[int, _Night] = {}
        self._redirected: set[tuple[int, int]] = set()
        self._lock = threading.Lock()

    def set_night(self, night: int) -> None:
        with self._lock:
            self.night = night

    def warm(self, night: int) -> None:
        self._index(night)

    def _index(self, night: int) -> _Night:
        def build() -> _Night:
            lots = self.gen.lots_for(night)
            return _Night(self.gen.now_ms(night), lots, {lot.item_id: lot for lot in lots})

        return per_night(self._nights, night, self._lock, build)

    def handle(self, host: str, target: str) -> Response:
        parts = urlsplit(target)
        query = {k.lower(): v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        path = parts.path.replace("\\", "/")
        if path == "/robots.txt":
            return robots()
        index = self._index(self.night)
        if path == "/sf/search.do" and query.get("action", "court") == "court":
            page = int(query["page"]) if query.get("page", "").isdigit() else 0
            return self._list(index, query, page, page_base=0, title="法院自主拍卖", path="/sf/search.do")
        if path == "/sf/court.do" and query.get("id"):
            page = int(query["page"]) if query.get("page", "").isdigit() else 1
            return self._list(index, query, max(page - 1, 0), page_base=1, title=None, path="/sf/court.do")
        if path == "/sf/item2.do":
            return self._detail(index, query.get("web_item_id", ""), target)
        return self.not_found()

    def not_found(self) -> Response:
        return not_found("<!DOCTYPE html><html><head><meta charset=\"UTF-8\"/><title>公拍网</title></head><body>"
                         "<div class=\"error\">您访问的页面不存在</div></body></html>", UTF8)

    def _antibot(self, night: int, host: str, target: str) -> Response:
        """For the server's ``antibot`` fault mode: gpai.net has no known anti-bot page; its error page is served."""
        return self._redirect_page("http://www.gpai.net" + target.split("#")[0], "interstitial")

    @staticmethod
    def _redirect_page(target: str, kind: str) -> Response:
        body = f"<script>window.location.href='{target}';</script>"
        return Response(200, body.encode(), UTF8, kind)

    # ----------------------------------------------------------------------------------------- lists

    def _list(self, index: _Night, query: dict[str, str], page: int, *, page_base: int, title: str | None,
              path: str) -> Response:
        states = RESTATES.get(query.get("restate", ""), tuple(s for v in RESTATES.values() for s in v))
        court = query.get("id")
        kind = query.get("at") or None
        lots = [lot for lot in index.lots if lot.state in states and (court is None or lot.court_code == court)
                and (kind is None or lot.category == kind)]
        lots.sort(key=lambda lot: (lot.start_ms if lot.state == "upcoming" else -lot.start_ms, lot.item_id))
        pages = max(1, -(-len(lots) // PAGE_SIZE))
        shown = lots[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        court_name = next((lot.court for lot in index.lots if lot.court_code == court), None) if court else None
        heading = (f"<span class='searchtitle'>{html.escape(court_name)}</span>" if court_name else
                   f"<span class='searchtitle2'>{title}</span>")
        items = "\n".join(self._item(lot) for lot in shown)
        base = [(k, v) for k, v in query.items() if k != "page"]
        page_key = "Page" if page_base == 0 else "page"
        current = " class='current'"
        links = "".join(f"<a href='http://www.gpai.net{path}?{urlencode(base + [(page_key, str(n + page_base))])}'"
                        f"{current if n == page else ''}>{n + 1}</a>" for n in range(pages))
        body = (
            HEAD.format(title=html.escape(court_name or title or "公拍网"))
            + '            <div class="block-wrap notice-wrap">\n                <div class="auto">\n\n'
            + f'                    <div class="searchtop">\n{heading}\n                    </div>\n'
            + '                    <div class="sm-filtbar">\n                        <div class="filtbar-l fl">\n'
            + f'                            <span>\n共有拍品（<label>{len(lots)}</label>）\n                            </span>\n'
            + '                        </div>\n                    </div>\n'
            + '                    <div class="filt-result-list">\n                        <ul class="main-col-list clearfix">\n\n'
            + items
            + '\n\n                        </ul>\n                    </div>\n'
            + f'                    <div class="page-bar"><div class="page-nav"><span class="page-infos"><label>({pages})</label></span>{links}</div></div>\n'
            + "                </div>\n            </div>\n"
            + FOOT
        )
        return Response(200, body.encode("utf-8"), UTF8, "list")

    @staticmethod
    def _item(lot: GpaiLot) -> str:
        code, badge = BADGES[lot.state]
        if lot.state == "ongoing" and lot.mode == "变卖":
            badge = "正在进行"  # real: a sale's running badge (2018-11 search list)
        # real labels (2018-11 search list): 起拍价, 最新价 once bid on, 变卖价 on a sale; 成交价 is invented
        label = ("成交价" if lot.state == "sold" and lot.bid_count else "最新价" if lot.bid_count
                 else "变卖价" if lot.mode == "变卖" else "起拍价")
        # real (2018-11 search list): a running lot shows its end (预计结束), the others 开始时间 (the lot page's
        # notice states both); the 围观 count beside 次出价
        when_label, when_ms = ("预计结束", lot.end_ms) if lot.state == "ongoing" else ("开始时间", lot.start_ms)
        return ITEM.format(
            mode=lot.mode, code=code, badge=badge, id=lot.item_id, title=html.escape(lot.title),
            img=f"{at(lot.start_ms - 30 * 86_400_000):%Y-%-m}/{lot.item_id:08d}{lot.court_code}",
            price_label=label, price=plain(lot.current_price if lot.bid_count else lot.start_price),
            appraisal=wan(lot.appraisal), when_label=when_label, when=f"{at(when_ms):%Y-%m-%d %H:%M:%S}",
            views=lot.views, bids=lot.bid_count,
        )

    # ----------------------------------------------------------------------------------------- detail

    def _detail(self, index: _Night, raw_id: str, target: str) -> Response:
        lot = index.by_id.get(int(raw_id)) if raw_id.isdigit() else None
        here = "http://www.gpai.net" + target
        if lot is None:
            return self._redirect_page("http://www.gpai.net/sf/", "error")
        key = (self.night, lot.item_id)
        if _digest("redirect", self.gen.seed, *key) % 1000 < self.redirect_rate * 1000:
            with self._lock:
                first = key not in self._redirected
                self._redirected.add(key)
            if first:
                return self._redirect_page(here, "error")
        return Response(200, self.detail_html(lot).encode("utf-8"), UTF8, "detail")

    @staticmethod
    def detail_html(lot: GpaiLot) -> str:
        if lot.state in ("upcoming", "ongoing"):
            phase = "即将开始" if lot.state == "upcoming" else "正在拍卖"
            clock = f'<label>{"距开始：" if lot.state == "upcoming" else "距结束："}</label>' \
                    '<span id="ItemSecondCount" class="SecondCount"><b class="Item">1</b>天</span>'
        else:
            phase = "已结束"
            outcome = {"sold": "成交", "unsold": "流拍", "withdrawn": "撤拍"}[lot.state]
            clock = f'<label>{outcome}</label><span id="ItemSecondCount" class="SecondCount"><b class="Item">' \
                    f'{outcome}</b></span>'
        if not lot.bid_count:
            price = f'<p><span>起拍价：</span>\n<b class="price-red">{plain(lot.start_price)}</b>\n' \
                    '<span class="price-red">元</span>\n</p>'
        elif lot.state == "sold":
            price = f'<p><span>成交价：</span>\n<b class="price-red">{plain(lot.current_price)}</b>\n' \
                    '<span class="price-red">元</span>\n</p>'
        else:
            price = f'<p><span>当前价：</span>\n<b class="price-red">{plain(lot.current_price)}</b>\n' \
                    f'<span class="price-red">元</span>\n<span class="buyerCode">当前领先：{lot.bid_count % 97 + 1}号' \
                    '</span>\n</p>'
        # A 变卖's cells (变卖期, 竞价期, 变卖预缴款 before 保证金) are those a public crawler reads by position for it
        # (idx:46029277255); their values are invented.
        if lot.round_no == 3:
            first_row = "<td>当前拍卖模式：变卖</td>\n<td>变卖期：60天</td>\n<td>拍卖方式：按总价拍卖</td>"
            cycle = "<td>竞价期：60天</td>"
            deposit = f"<td>变卖预缴款：{grouped(lot.start_price)} 元</td>\n<td>保证金：{grouped(lot.deposit)} 元</td>"
        else:
            times = "第一次拍卖" if lot.round_no == 1 else "第二次拍卖"
            first_row = f"<td>当前拍卖模式：在线拍</td>\n<td>拍卖次数：{times}</td>\n<td>拍卖方式：按总价拍卖</td>"
            cycle = "<td>在线拍周期：24 小时</td>"
            deposit = f"<td>保证金：{grouped(lot.deposit)} 元</td>"
        title = html.escape(lot.title)
        return (
            HEAD.format(title=title)
            + '<div class="block-wrap details-wrap">\n<div class="auto">\n'
            + '<div class="b-breadcrumb clearfloat"><a href="javascript:;">全部</a><span>&gt;</span>'
            + f'<a href="court.do?id={lot.court_code}">{html.escape(lot.court)}</a><span>&gt;</span>拍品详情</div>\n'
            + '<div class="details-top clearfix">\n<div class="details-main">\n<div class="d-m-pics">\n'
            + '<div class="peoples-infos">\n'
            + f'<span><b>{lot.applicants}</b>人报名</span> |\n<span><b>{lot.reminders}</b>人设置提醒</span> |\n'
            + f'<span><b>{lot.views}</b>人围观</span>\n</div>\n</div>\n'
            + '<div class="d-m-infos">\n<div class="plr20">\n'
            + f'<div class="d-m-title"><b>{title}</b></div>\n</div>\n<div id="ItemArea">\n<div class="plr20">\n'
            + f'<div class="d-m-time">\n<span class="fl time-txt">{phase}</span>\n{clock}\n</div>\n'
            + f'<div class="d-m-price" id="ItemPriceLine">\n{price}\n</div>\n</div>\n</div>\n'
            + '<div class="plr20">\n<div class="d-m-tb">\n<table>\n<tbody>\n'
            + f"<tr>\n{first_row}\n</tr>\n"
            + (f"<tr>\n{cycle}\n<td>延时周期：5 分钟</td>\n"
               f'<td>加价幅度：<span id="Price_Step">{lot.step}元</span></td>\n</tr>\n')
            + (f'<tr>\n<td>起拍价：<span id="Price_Start">{plain(lot.start_price)}</span>元</td>\n'
               f"{deposit}\n</tr>\n")
            + f"<tr>\n<td>评估价：{grouped(lot.appraisal)} 元</td>\n<td>数量/单位：1/项</td>\n</tr>\n"
            + "</tbody>\n</table>\n<div class=\"d-m-table\"></div>\n<table>\n<tbody>\n"
            + f"<tr>\n<td nowrap class='pr7'>处置法院：{html.escape(lot.court)}</td>\n<td>优先购买权人：无</td>\n</tr>\n"
            + "<tr>\n<td valign='top'>联系人：执行局</td>\n<td colspan='2'>联系电话：400-820-3720</td>\n</tr>\n"
            + "</tbody>\n</table>\n</div>\n</div>\n</div>\n</div>\n</div>\n"
            + '<div class="details-con"><div class="tab-list"><ul class="clearfix">'
            + '<li class="cur"><a href="#menuid1">竞买公告</a></li>'
            + f'<li><a href="#menuid4">竞买记录 （<span class="red" id="html_Bid_Shu">{lot.bid_count}</span>）</a></li>'
            + "</ul></div>\n"
            + notice_html(lot)
            + "</div>\n"
            + f'<input type="hidden" id="Web_Item_ID" value="{lot.item_id}">\n'
            + "</div>\n</div>\n"
            + FOOT
        )
