"""The 人民法院诉讼资产网 replica: the court lots of the other replicas (`replicas.rmfysszc.feeds`), re-listed under
the site's own ids, in the shapes of shared/sources.md §4 and the real pages in tests/golden/real/rmfysszc/.

========================  ==========================================================================================
www.rmfysszc.gov.cn,      ``POST /ProjectHandle.shtml`` (form ``type``, ``name``, ``area``, …, ``page``) →
www1.rmfysszc.gov.cn      ``{"html": "<div id=130001 class='product' >…", "page": "<a  onclick='post(2)' …>"}``, 20 lots
                          a page, newest id first; ``name`` filters titles, ``area`` the province; past the last
                          page ``<div class='tip'>暂无您查询的标的物</div>`` with a 下一页 link all the same (as the real
                          site answers). ``GET /statichtml/rm_obj/{id}.shtml``: the detail page, GB18030 bytes.
                          ``/robots.txt``; anything else → 404
========================  ==========================================================================================

Inventions (no public page shows them): the detail page's 2025 layout is built from the selectors of a 2025 crawler
(idx:68613461499: ``div#price`` 起拍价 span + value span, ``评 估 值: `` / ``保 证 金: `` with a nested value span,
``处置阶段: ``, the court in ``span > div > span``, ``div.tcl`` 相关附件) and the 2018 page's structure; it declares
``charset=gb2312`` while its bytes are GB18030 (a name outside GB2312 still reads right only as GB18030); the
标的介绍 table's 标的物所在地 row (the 2018 table has 名称, 询价报告, 起拍价, 评估值, 保证金, 类型); the 公告's wording
and its 案号 line; the list's rendering of an ongoing lot (``<i>预计剩余</i>`` is all a crawler shows), of a
withdrawn or suspended one (badge 已撤回 / 已中止 on the 结束时间 row); the Content-Type of the list answer; the
404 page. tests/golden/REPLICA_NOTES.md lists them too.
"""

from __future__ import annotations

import html
import json
import re
import threading
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

from replicas.responses import Response, forbidden, not_found, robots
from replicas.nights import TZ
from replicas.rmfysszc.feeds import FEEDS, Relisted, chosen

HOSTS = ("www.rmfysszc.gov.cn", "www1.rmfysszc.gov.cn")
PAGE_SIZE = 20
FIRST_ID = 130001


def wan(yuan: float) -> str:
    """Yuan as the site writes 万: ``507129.46`` → ``50.712946`` (exact to the fen)."""
    text = f"{Decimal(str(yuan)).quantize(Decimal('0.01')) / 10000:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, TZ)


END_OF_TIME = 2**53  # epoch ms far past any plan: a plan's state then is its final one


def _finals(gen) -> list:
    """Every lot a generator plans, as it stands once its sale is over (``plan.final`` where the generator keeps
    it, else its state at the end of time)."""
    with gen._lock:  # the generator plans under its lock (its own nights do): never twice at once
        plans = gen._plans
    if plans and hasattr(plans[0], "final"):
        return [plan.final for plan in plans]
    return [lot for plan in plans if (lot := gen._state(plan, END_OF_TIME)) is not None]


@dataclass
class _Night:
    lots: list[tuple[int, Relisted]]  # newest id first
    by_id: dict[int, Relisted]


class RmfysszcSite:
    """Serves the aggregator from the generators of the platforms in `FEEDS` (``{platform: generator}``)."""

    hosts = HOSTS

    def __init__(self, generators: dict) -> None:
        self.generators = generators
        self.night = 1
        self._nights: dict[int, _Night] = {}
        self._lock = threading.Lock()
        self._ids: dict[tuple[str, int], int] | None = None

    # ----------------------------------------------------------------------------------------- ground truth

    def ids(self) -> dict[tuple[str, int], int]:
        """(platform, original lot id) → the site's id, for every lot ever re-listed (night-independent: ids are
        given in publication order over the generators' whole plans, so a lot keeps its id from night to night)."""
        if self._ids is None:
            with self._lock:
                if self._ids is None:
                    found = []
                    for platform, gen in self.generators.items():
                        adapt, key = FEEDS[platform][1], gen.lot_key
                        for lot in _finals(gen):
                            relisted = adapt(lot)
                            if relisted and chosen(platform, lot.asset_key):
                                found.append((relisted.publish_ms, platform, getattr(lot, key)))
                    self._ids = {(p, lot_id): FIRST_ID + i for i, (_, p, lot_id) in enumerate(sorted(found))}
        return self._ids

    def truth(self, night: int) -> dict[str, Relisted]:
        """Every lot the site shows on ``night``, by its id (str), with its origin: what a crawl is checked
        against. Never served."""
        return {str(rid): lot for rid, lot in self._index(night).lots}

    # ----------------------------------------------------------------------------------------- entry points

    def set_night(self, night: int) -> None:
        with self._lock:
            self.night = night

    def warm(self, night: int) -> None:
        self._index(night)

    def _index(self, night: int) -> _Night:
        index = self._nights.get(night)
        if index is None:
            ids = self.ids()
            lots = []
            for platform, gen in self.generators.items():
                adapt = FEEDS[platform][1]
                key = gen.lot_key
                for lot in gen.lots_for(night):
                    rid = ids.get((platform, getattr(lot, key)))
                    if rid is not None and (relisted := adapt(lot)) is not None:
                        lots.append((rid, relisted))
            lots.sort(key=lambda x: -x[0])
            with self._lock:
                index = self._nights.setdefault(night, _Night(lots, dict(lots)))
        return index

    def handle(self, host: str, target: str) -> Response:
        parts = urlsplit(target)
        path = parts.path or "/"
        if path == "/robots.txt":
            return robots()
        m = re.fullmatch(r"/statichtml/rm_obj/(\d+)\.shtml", path)
        if m:
            lot = self._index(self.night).by_id.get(int(m.group(1)))
            if lot is None:
                return self.not_found()
            body = detail_page(int(m.group(1)), lot).encode("gb18030")
            return Response(200, body, "text/html", "detail")
        return self.not_found()

    def handle_post(self, host: str, target: str, form: bytes) -> Response:
        if urlsplit(target).path != "/ProjectHandle.shtml":
            return self.not_found()
        query = dict(parse_qsl(form.decode("utf-8", errors="replace"), keep_blank_values=True))
        page = int(query["page"]) if query.get("page", "").isdigit() and int(query["page"]) > 0 else 1
        lots = self._index(self.night).lots
        if query.get("name"):
            lots = [x for x in lots if query["name"] in x[1].title]
        if query.get("area"):
            area = re.sub(r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)$", "", query["area"])
            lots = [x for x in lots if x[1].address.startswith(area) or area in x[1].court[:6]]
        last = max(1, -(-len(lots) // PAGE_SIZE))
        chunk = lots[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        body = {"html": "".join(list_item(rid, lot, i) for i, (rid, lot) in enumerate(chunk))
                or "<div class='tip'>暂无您查询的标的物</div>", "page": pager(page, last)}
        return Response(200, json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
                        "text/html; charset=utf-8", "list")

    def not_found(self) -> Response:
        return not_found("<html><head><title>404</title></head><body><h2>您访问的页面不存在</h2></body></html>",
                         "text/html", "gb18030")

    def _antibot(self, night: int, host: str, target: str) -> Response:
        """For the server's ``antibot`` fault mode only: no block page of this site is known; a plain 403."""
        return forbidden("text/html")


# --------------------------------------------------------------------------------------------- list


def pager(page: int, last: int) -> str:
    """The ``page`` HTML: 首页 / 上一页 after page 1, a window of five pages, then 下一页 (always, even on the
    last page and past it, as the real site does) and 尾页."""
    links = []
    if page > 1:
        links += [(1, "next", "首页"), (page - 1, "next", "上一页")]
    start = max(1, page - 3)
    links += [(n, "pagecur" if n == page else "pagecur1", str(n)) for n in range(start, start + 5)
              if n <= max(last, page + 1)]
    links += [(page + 1, "next", "下一页"), (last, "next", "尾页")]
    return "".join(f"<a  onclick='post({n})' class='{cls}'>{label}</a>" for n, cls, label in links)


def list_item(rid: int, lot: Relisted, i: int) -> str:
    style = " style='margin-right:0px;'" if i % 4 == 3 else " "
    title = html.escape(lot.title, quote=True)
    short = html.escape(lot.title[:15] + ("…" if len(lot.title) > 15 else ""))
    pic = f"https://filegy.rmfysszc.gov.cn/{_at(lot.publish_ms):%Y/%m%d}/{rid:08X}/{rid:08X}-1.jpg"
    head = (f"<div id={rid} class='product'{style}><div class='p_img'><a href='Handle/{rid}.shtml' title='{title}'>"
            f"<img src='{pic}'></a><div class='p_title'><a href='Handle/{rid}.shtml'>{short}</a></div></div>")
    prices = f"<p>起拍价<span>{wan(lot.start_price)}万</span></p><p>评估值<span>{wan(lot.appraisal)}万</span></p>"
    end = _at(lot.end_ms)
    if lot.status == "未开始":
        start = _at(lot.start_ms)
        guj = f"{prices}<p>开始时间<span class='time-fd'>{start.month}月{start.day}日{start:%H:%M}</span><s>即将开始</s></p>"
        return (f"{head}<div class='prod-guj'>{guj}</div><div class='prod-alink'><a title='' "
                f"href='Handle/{rid}.shtml'>{lot.views}次围观</a><a href='Handle/{rid}.shtml'>我要竞拍</a></div></div>")
    if lot.status == "进行中":
        guj = f"{prices}<p><i>预计剩余</i><span class='time-fd' data-end='{lot.end_ms}'></span></p>"
        return (f"{head}<div class='prod-guj'>{guj}</div><div class='prod-alink'><a title='' "
                f"href='Handle/{rid}.shtml'>{lot.views}次围观</a><a href='Handle/{rid}.shtml'>我要竞拍</a></div></div>")
    if lot.status in ("已流标", "已成交"):
        sold = lot.status == "已成交"
        shown = lot.final_price if sold else lot.start_price
        label, icon = ("成交时间", "cj") if sold else ("流标时间", "lb")
        when = f"{end.year}年 {end.month}月{end.day}日{end:%H:%M}" if sold else f"{end.year}年{end.month}月{end.day}日{end:%H:%M}"
        return (f"{head}<p style='color:#535353;height:23px' class='prod-price'><img src='//www.rmfysszc.gov.cn/"
                f"2017version/images/{icon}.png'> <strong>{wan(shown)}</strong>万</p><div class='prod-guj'><p>评估值"
                f"<span>{wan(lot.appraisal)}万</span></p><p>{label}<span class='time-fd'>{when}</span></p></div>"
                f"<div class='prod-alink'><a href='' style='border:0;'>{lot.status}</a></div></div>")
    # 已撤回 / 已中止 (invented rendering): the prices, the scheduled end and the badge
    return (f"{head}<div class='prod-guj'>{prices}<p>结束时间<span class='time-fd'>{end.year}年{end.month}月{end.day}日"
            f"{end:%H:%M}</span></p></div><div class='prod-alink'><a href='' style='border:0;'>{lot.status}</a></div>"
            "</div>")


# --------------------------------------------------------------------------------------------- detail


def _cn(ms: int) -> str:
    t = _at(ms)
    return f"{t.year}年{t.month}月{t.day}日{t:%H:%M}"


def detail_page(rid: int, lot: Relisted) -> str:
    e = html.escape
    announced = _at(lot.publish_ms)
    stage = (f"<tr style=\" height:25px;\"><td><span style=\"color:#515050;\">处置阶段: {lot.round_label}</span></td>"
             "</tr>") if lot.round_label else ""
    case = (f"<p>案号：{e(lot.case_number)}</p>") if lot.case_number else ""
    sale = "变卖" if lot.round_label == "变卖" else "拍卖"
    appraisal = f"{wan(lot.appraisal)}万元" if lot.appraisal else "无"
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
    <meta http-equiv="content-type" content="text/html; charset=gb2312" />
    <title>{e(lot.title)}_{e(lot.court)}</title>
    <meta name="Description" content="人民法院诉讼资产网" />
    <link rel="Stylesheet" type="text/css" href="/Styles/xmxx.css" />
</head>
<body style="background:#eeeeee;">
<div style="width:1200px; margin:0px auto;background:white;">
  <div id="Title"><h1 style="font-family:'宋体'; color:#292c2e">{e(lot.title)}</h1></div>
  <div id="Main1" style="height:320px;">
    <div id="MainLeft" style="float:left; width:480px; height:100%;">
      <div id="zzsc"><a href="javascript:void(0)"><img class="pic1" src="https://filegy.rmfysszc.gov.cn/{announced:%Y/%m%d}/{rid:08X}/{rid:08X}-1.jpg" /></a></div>
    </div>
    <div id="MainRight" style="width:480px;float:left; height:100%;margin-left:10px;">
      <div id="price" style=" width:100%; height:80px; background:#f1f1f1;">
        <div style="text-indent:30px; margin-top:10px;"><span>起拍价</span><span style="font-size:22px;color:#d91615;">￥{wan(lot.start_price)}万元</span></div>
      </div>
      <div id="bg1" style="width:100%; height:110px; margin-top:30px; text-indent:30px;">
        <table>
          <tr style=" height:25px;"><td><span style="color:#515050;">评 估 值: <span style="color:#d91615;">{appraisal}</span></span></td></tr>
          <tr style=" height:25px;"><td><span style="color:#515050;">保 证 金: <span style="color:#d91615;">{wan(lot.deposit)}万元</span></span></td></tr>
          <tr style=" height:25px;"><td><span style="color:#515050;">公告日期: {announced:%Y.%m.%d}</span></td></tr>
          {stage}
          <tr style=" height:25px;"><td><span style="color:#515050;">法&nbsp;&nbsp;&nbsp;&nbsp;院: <div style="display:inline"><span>{e(lot.court)}</span></div></span></td></tr>
        </table>
      </div>
    </div>
  </div>
  <div class="xmxx_main"><div id="Main" style="width:960px; margin:0px auto"><div id="Content">
    <div id="pmgg" style="width:100%; margin-bottom:20px;">
      <div style="text-indent:20px;">
        <p style="text-align:center;font-weight: bolder;">{e(lot.title)}</p>
        <p>{e(lot.court)}将于{_cn(lot.start_ms)}起至{_cn(lot.end_ms)}止（延时的除外）在{lot.platform}上进行公开{sale}活动，现公告如下：</p>
        {case}
        <p>一、{sale}标的物：{e(lot.title)}，起拍价{wan(lot.start_price)}万元，保证金{wan(lot.deposit)}万元。</p>
        <p style="text-align:right">{e(lot.court)}　{announced.year}年{announced.month}月{announced.day}日</p>
      </div>
    </div>
    <div id="jmxz" style="width:100%;margin-bottom:20px;"><div style="text-indent:20px;"><p>竞买人应当具备完全民事行为能力。</p></div></div>
    <div id="bdjs" style="width:100%; margin-bottom:20px;">
      <div id="bdjs11" style="text-indent:20px;text-align:center;">
        <table cellpadding="0" cellspacing="1" border="0" class="xmxx_objtab" >    <tr>        <th>名称</th>        <td colspan="7">{e(lot.title)}</td>     </tr>    <tr>        <th>标的物所在地</th>        <td colspan="7">{e(lot.address)}</td>     </tr>    <tr>        <th>起拍价</th>        <td>{wan(lot.start_price)}（万元）</td>        <th>评估值</th>        <td>{wan(lot.appraisal) + "（万元）" if lot.appraisal else "无"}</td>        <th>保证金</th>        <td>{wan(lot.deposit)}（万元）</td>        <th>类型</th>        <td>{lot.kind}</td>    </tr></table>
      </div>
      <div style="width:100%;"><div class="s1" style="float:left;"></div><div class="tcl" style="float:left; line-height:18px;">相关附件</div>
        <div class="fj"><a href="/upload/{rid}/pmgg.pdf" target="_blank">{sale}公告.pdf</a></div></div>
    </div>
  </div></div></div>
</div>
</body>
</html>
"""
