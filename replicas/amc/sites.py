"""The four AMC sites, served from an `AmcGenerator` for the current night (shapes: shared/sources.md §3).

URL map (dispatched on the ``Host`` header; paths and queries are the real sites'):

======================  ===========================================================================================
www.gwamcc.com          ``GET /Ajax/GetArticleList.ashx?pIndex=&pSize=&liName=64`` → ``{"ds":[{ID,Title,ActionDate}]}``
(长城)                  · ``GET /HiringDetail.aspx?ID=`` → a shell page whose script ``/js/HiringDetail.js`` fetches
                        ``/Ajax/GetArticleInfo.ashx?ID=`` and inserts the body (JS-only: nothing in the HTML)
                        · ``GET /Ajax/GetTjieInfo.ashx?pSize=&pIndex=`` → ``{"pager":[{"pCount"}],"ds":[…MoneyTotal…]}``
                        · ``/MCInfoDetail.aspx?ID=`` (an asset's page; invented) · ``/UpLoadFile/…`` attachments
www.famc.citic          ``GET /ywjs/ywdt/zcczxx/index.shtml`` (``index_N.shtml``), SSR list, 20 a page
(中信金融, ex-华融)     · ``GET /ywjs/ywdt/zcczxx/{YYYY}/{id}.shtml`` detail: ``div.blzcwz_text``, ``<title>…_公司名``
www.cinda.com.cn        ``POST /api/asset/wtdf/json/bulletin/listData`` (form ``currentPage,pageSize,seachbulltin``)
(信达)                  → ``{"data":{"data":[{id,code,name,createtime,amount,dealoffice}],"pageCount"}}``
                        · ``GET /home/pc/cn/xdjt/qykhpd/blzcjy/zcggxq/index.shtml?bulletintno={id}`` detail (SSR:
                        编号, 发布时间, ``资产总额（单位：万元）：人民币：…``, body, 联系人, PDFs, footer 相关资产信息)
sales.coamc.com.cn      ``POST /coamc/api/getNoticePage`` (form ``title,type,branchId,condition,pageSize,page,
(东方)                  noticeCate``) → ``{"data":{"data":{"content":[…],"totalPages"}}}`` · detail
                        ``/html/{branch}/{TYPE}/{YYYYMMDD}/{id}.html`` with ``.notice-detail.clear`` (first line the
                        branch). Served as ``charset=ISO-8859-1`` (the bytes are UTF-8); some API rows and some
                        notice bodies are double-encoded (UTF-8 read as latin1, stored, served again as UTF-8).
every host              ``/robots.txt``; anything else → 404
======================  ===========================================================================================
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from html import escape
from urllib.parse import parse_qsl, urlsplit

from replicas.responses import Response, forbidden, not_found, robots
from replicas.amc.attachments import render as attachment_file
from replicas.amc.generator import COAMC_TYPES, COMPANY, GW_PROVINCE_IDS, AmcGenerator, Asset, Notice
from replicas.amc.notices import body_html, summary_amount

JSON_UTF8 = "application/json;charset=UTF-8"
HTML_UTF8 = "text/html; charset=utf-8"
NOT_FOUND = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head>"
             "<body><h1>404 - 找不到文件或目录。</h1></body></html>")


def mojibake(text: str) -> str:
    """UTF-8 text read as latin1: what a backend that mis-decodes a UTF-8 column stores and serves again."""
    return text.encode("utf-8").decode("latin1")


def _uuid(*parts: object) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).hexdigest()


class AmcSite:
    """Shared plumbing: routing by path, night switching, robots.txt, 404s, attachments."""

    amc: str
    hosts: tuple[str, ...]
    robots_allow: tuple[str, ...] = ("/",)
    attachment_prefix: str = "/upload/"

    def __init__(self, generator: AmcGenerator) -> None:
        self.gen = generator
        self.night = 1
        self._lock = threading.Lock()

    def set_night(self, night: int) -> None:
        with self._lock:
            self.night = night

    def warm(self, night: int) -> None:  # the plan is made up front; nothing to build per night
        return None

    def handle(self, host: str, target: str) -> Response:
        parts = urlsplit(target)
        path, query = parts.path or "/", dict(parse_qsl(parts.query, keep_blank_values=True))
        if path == "/robots.txt":
            return robots(self.robots_allow, ("/admin/",))
        if path.startswith(self.attachment_prefix):
            return self._attachment(path)
        return self.get(path, query)

    def handle_post(self, host: str, target: str, form: bytes) -> Response:
        parts = urlsplit(target)
        fields = dict(parse_qsl(form.decode("utf-8", "replace"), keep_blank_values=True))
        return self.post(parts.path or "/", fields)

    def get(self, path: str, query: dict[str, str]) -> Response:
        return self.not_found()

    def post(self, path: str, form: dict[str, str]) -> Response:
        return Response(405, b'{"error":"method not allowed"}', JSON_UTF8, "not_found")

    def _antibot(self, night: int, host: str, target: str) -> Response:
        """For the server's ``antibot`` fault mode only. INVENTED: no block answer of any of the four AMC sites is
        known (shared/sources.md §3), so this is a plain HTTP 403 page, as a WAF in front of a site answers; it
        names no vendor and no parser takes it for content (tests/golden/REPLICA_NOTES.md)."""
        return forbidden("text/html; charset=utf-8", "<p>您的访问已被拦截</p>")

    def not_found(self) -> Response:
        return not_found(NOT_FOUND, HTML_UTF8)

    def _attachment(self, path: str) -> Response:
        """The notice's PDF / XLSX / XLS, made from its plan (replicas/amc/attachments.py)."""
        found = next(((n, a) for n in self.gen.notices(self.amc, self.night) for a in n.attachments
                      if a.path == path), None)
        if found is None:
            return self.not_found()
        body, content_type = attachment_file(self.gen, *found)
        return Response(200, body, content_type, "attachment")

    def notices(self) -> list[Notice]:
        return self.gen.notices(self.amc, self.night)

    def find(self, notice_id: str) -> Notice | None:
        return self.gen.notice(self.amc, notice_id, self.night)

    @staticmethod
    def _int(value: str | None, default: int, low: int = 1, high: int = 1000) -> int:
        try:
            return min(max(int(value or default), low), high)
        except ValueError:
            return default

    @staticmethod
    def _json(payload: object, kind: str, content_type: str = JSON_UTF8) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return Response(200, body, content_type, kind)


# ============================================================================================== 长城 Great Wall


HIRING_JS = """(function () {
  var m = /[?&]ID=(\\d+)/i.exec(window.location.search);
  if (!m) { return; }
  var xhr = new XMLHttpRequest();
  xhr.open("GET", "/Ajax/GetArticleInfo.ashx?ID=" + m[1] + "&t=" + new Date().getTime(), true);
  xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
  xhr.onreadystatechange = function () {
    if (xhr.readyState !== 4 || xhr.status !== 200) { return; }
    var data = JSON.parse(xhr.responseText), row = data.ds && data.ds[0];
    if (!row) { document.getElementById("divContent").innerHTML = "<p class='empty'>暂无内容</p>"; return; }
    document.getElementById("lblTitle").innerHTML = row.Title;
    document.getElementById("lblDate").innerHTML = "发布时间：" + row.ActionDate + "&nbsp;&nbsp;&nbsp;来源：" + row.Source;
    document.getElementById("divContent").innerHTML = row.Content;
    document.title = row.Title + "-中国长城资产管理股份有限公司";
  };
  xhr.send(null);
})();
"""

HIRING_SHELL = """<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml">
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<title>中国长城资产管理股份有限公司</title>
<link href="/css/style.css" rel="stylesheet" type="text/css" />
</head>
<body>
<form method="post" action="./HiringDetail.aspx?ID={id}" id="form1">
<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTM2{id}ZGQ=" /></div>
<div class="header"><a href="/" class="logo">中国长城资产</a>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/Hiring.aspx?liName=64">资产处置公告</a></li>
<li><a href="/MCInfo.aspx?liName=101">资产推介</a></li></ul></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/Hiring.aspx?liName=64">资产处置公告</a></div>
<div class="main">
  <div class="article">
    <h3 id="lblTitle" class="article_title"></h3>
    <div id="lblDate" class="article_info"></div>
    <div id="divContent" class="article_content"></div>
  </div>
</div>
<div class="footer">版权所有：中国长城资产管理股份有限公司 京ICP备05073869号</div>
</form>
<script type="text/javascript" src="/js/HiringDetail.js"></script>
</body>
</html>
"""


class GreatWallSite(AmcSite):
    amc = "gwamc"
    hosts = ("www.gwamcc.com", "gwamcc.com")
    attachment_prefix = "/UpLoadFile/"

    def get(self, path: str, query: dict[str, str]) -> Response:
        lowered = path.lower()
        if lowered == "/ajax/getarticlelist.ashx":
            return self._article_list(query)
        if lowered == "/ajax/getarticleinfo.ashx":
            return self._article_info(query)
        if lowered == "/hiringdetail.aspx":
            notice = self.find(query.get("ID", query.get("id", "")))
            if notice is None:
                return self.not_found()
            return Response(200, HIRING_SHELL.replace("{id}", notice.notice_id).encode(), HTML_UTF8, "shell")
        if lowered == "/js/hiringdetail.js":
            return Response(200, HIRING_JS.encode(), "application/javascript", "script")
        if lowered == "/ajax/gettjieinfo.ashx":
            return self._assets(query)
        if lowered == "/mcinfodetail.aspx":
            return self._asset_page(query.get("ID", ""))
        return self.not_found()

    def _article_list(self, query: dict[str, str]) -> Response:
        if query.get("liName", "64") != "64":
            return self._json({"ds": []}, "list", "text/plain; charset=utf-8")
        size = self._int(query.get("pSize"), 20, 1, 100)
        page = self._int(query.get("pIndex"), 1, 1, 10_000)
        rows = self.notices()[(page - 1) * size : page * size]
        payload = {"ds": [{"ID": int(n.notice_id), "Title": n.title, "ActionDate": f"{n.published:%Y-%m-%d}"}
                          for n in rows]}
        return self._json(payload, "list", "text/plain; charset=utf-8")

    def _article_info(self, query: dict[str, str]) -> Response:
        notice = self.find(query.get("ID", ""))
        rows = []
        if notice is not None:
            rows.append({"ID": int(notice.notice_id), "Title": notice.title,
                         "ActionDate": f"{notice.published:%Y-%m-%d}", "Source": notice.branch.replace(
                             COMPANY["gwamc"], ""), "Hits": 100 + int(notice.notice_id) % 900,
                         "Content": body_html(notice)})
        return self._json({"ds": rows}, "fragment", "text/plain; charset=utf-8")

    def _assets(self, query: dict[str, str]) -> Response:
        size = self._int(query.get("pSize"), 100, 1, 100)
        page = self._int(query.get("pIndex"), 0, 0, 10_000)  # from 0, as the real site (its dump: pIndex 0 → r_n 1)
        assets = self.gen.assets(self.night)
        rows = assets[page * size : (page + 1) * size]
        payload = {
            "pager": [{"pCount": math.ceil(len(assets) / size)}],
            "ds": [asset_row(a, page * size + k + 1) for k, a in enumerate(rows)],
        }
        return self._json(payload, "asset_list", "text/plain; charset=utf-8")

    def _asset_page(self, asset_id: str) -> Response:
        asset = next((a for a in self.gen.assets(self.night) if str(a.asset_id) == asset_id), None)
        if asset is None:
            return self.not_found()
        body = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(asset.name)}"
                f"-中国长城资产管理股份有限公司</title></head><body><div class=\"mcinfo\"><h3>{escape(asset.name)}</h3>"
                f"<p>资产类型：{asset.type_name}</p><p>所在地区：{asset.province}{asset.city}</p>"
                f"<p>金额：{escape(asset.money_total)}</p></div></body></html>")
        return Response(200, body.encode(), HTML_UTF8, "detail")


def asset_row(asset: Asset, row_number: int) -> dict:
    """One ``GetTjieInfo`` row, keys in the site's (alphabetical) order, in the real dump's shape: ``CityName`` the
    province's short name, ``PName`` the site's number for it, ``City`` a number (invented: the site's table is
    unknown), ``Trade`` / ``TradeName`` and ``ProType`` / ``ProTypeName`` real pairs."""
    return {
        "ADate": f"{asset.published:%Y-%m-%d}", "City": asset.city_code, "CityName": asset.province_short,
        "ID": asset.asset_id, "MoneyTotal": asset.money_total, "PName": GW_PROVINCE_IDS[asset.province_short],
        "ProName": asset.name,
        "ProType": asset.type_code, "ProTypeName": asset.type_name, "Trade": asset.trade_code,
        "TradeName": asset.trade, "r_n": row_number,
    }  # fmt: skip


# ============================================================================================== 中信金融 (ex-华融)

CITIC_LIST_PATH = "/ywjs/ywdt/zcczxx/"
CITIC_PAGE_SIZE = 20
CITIC_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="renderer" content="webkit">
<title>{title}_中国中信金融资产管理股份有限公司</title>
<link rel="stylesheet" href="/css/common.css"></head>
<body><div class="header"><div class="logo"><a href="/">中国中信金融资产管理股份有限公司</a></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/gywm/">关于我们</a></li><li class="on"><a href="/ywjs/">业务介绍</a></li>
<li><a href="/xwzx/">新闻中心</a></li></ul></div>
"""
CITIC_FOOT = """<div class="footer"><p>版权所有 中国中信金融资产管理股份有限公司 京ICP备12042563号</p></div>
<script src="/js/jquery.min.js"></script></body></html>"""


class CiticSite(AmcSite):
    amc = "citic"
    hosts = ("www.famc.citic", "famc.citic")
    attachment_prefix = "/ywjs/ywdt/zcczxx/fj/"

    def get(self, path: str, query: dict[str, str]) -> Response:
        if path in (CITIC_LIST_PATH, CITIC_LIST_PATH + "index.shtml"):
            return self._list(1)
        if path.startswith(CITIC_LIST_PATH + "index_") and path.endswith(".shtml"):
            number = path[len(CITIC_LIST_PATH + "index_") : -len(".shtml")]
            return self._list(int(number)) if number.isdigit() and int(number) >= 2 else self.not_found()
        parts = path[len(CITIC_LIST_PATH) :].split("/") if path.startswith(CITIC_LIST_PATH) else []
        if len(parts) == 2 and parts[0].isdigit() and parts[1].endswith(".shtml"):
            notice = self.find(parts[1][: -len(".shtml")])
            if notice is not None and str(notice.published.year) == parts[0]:
                return self._detail(notice)
        return self.not_found()

    @staticmethod
    def url(notice: Notice) -> str:
        return f"{CITIC_LIST_PATH}{notice.published.year}/{notice.notice_id}.shtml"

    def _list(self, page: int) -> Response:
        notices = self.notices()
        pages = max(1, math.ceil(len(notices) / CITIC_PAGE_SIZE))
        if page > pages:
            return self.not_found()
        items = notices[(page - 1) * CITIC_PAGE_SIZE : page * CITIC_PAGE_SIZE]
        lis = "\n".join(
            f'<li><a href="{self.url(n)}" target="_blank" title="{escape(n.title)}">{escape(n.title)}</a>'
            f"<span>{n.published:%Y-%m-%d}</span></li>" for n in items)

        def link(n: int) -> str:
            return "index.shtml" if n == 1 else f"index_{n}.shtml"

        nav = [f'<a href="{link(1)}">首页</a>']
        if page > 1:
            nav.append(f'<a href="{link(page - 1)}" class="prev">上一页</a>')
        nav += [f'<span class="cur">{n}</span>' if n == page else f'<a href="{link(n)}">{n}</a>'
                for n in range(1, pages + 1)]
        if page < pages:
            nav.append(f'<a href="{link(page + 1)}" class="next">下一页</a>')
        nav.append(f'<a href="{link(pages)}">尾页</a>')
        html = (CITIC_HEAD.replace("{title}", "资产处置信息")
                + '<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/ywjs/">业务介绍</a> &gt; '
                  '<a href="/ywjs/ywdt/">业务动态</a> &gt; 资产处置信息</div>\n'
                + f'<div class="list_con"><h2>资产处置信息</h2><ul class="list">\n{lis}\n</ul>\n'
                + f'<div class="page">{"".join(nav)}<span class="total">共{pages}页</span></div></div>\n'
                + CITIC_FOOT)
        return Response(200, html.encode(), HTML_UTF8, "list")

    def _detail(self, notice: Notice) -> Response:
        html = (CITIC_HEAD.replace("{title}", escape(notice.title))
                + '<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/ywjs/ywdt/zcczxx/">资产处置信息</a>'
                  " &gt; 正文</div>\n"
                + f'<div class="blzcwz"><h1>{escape(notice.title)}</h1>\n'
                + f'<div class="blzcwz_info"><span class="date">{notice.published:%Y-%m-%d}</span>'
                  "<span>来源：中国中信金融资产管理股份有限公司</span></div>\n"
                + f'<div class="blzcwz_text">\n{body_html(notice)}\n</div>\n'
                + '<div class="blzcwz_share">分享到：<a href="javascript:;">微信</a></div></div>\n'
                + CITIC_FOOT)
        return Response(200, html.encode(), HTML_UTF8, "detail")


# ============================================================================================== 信达 Cinda

CINDA_API = "/api/asset/wtdf/json/bulletin/listData"
CINDA_DETAIL = "/home/pc/cn/xdjt/qykhpd/blzcjy/zcggxq/index.shtml"
CINDA_LIST_PAGE = "/home/pc/cn/xdjt/qykhpd/blzcjy/index.shtml"


class CindaSite(AmcSite):
    amc = "cinda"
    hosts = ("www.cinda.com.cn", "cinda.com.cn")
    attachment_prefix = "/upload/"

    def get(self, path: str, query: dict[str, str]) -> Response:
        if path == CINDA_DETAIL:
            notice = self.find(query.get("bulletintno", ""))
            return self._detail(notice) if notice is not None else self.not_found()
        if path == CINDA_LIST_PAGE:  # the list page is a script shell: its rows come from the API
            html = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>不良资产交易-中国信达</title></head>"
                    "<body><div id=\"app\"><ul class=\"bulletin-list\"></ul><div class=\"pager\"></div></div>"
                    f"<script>var api='{CINDA_API}';</script><script src=\"/home/pc/js/blzcjy.js\"></script>"
                    "</body></html>")
            return Response(200, html.encode(), HTML_UTF8, "shell")
        if path == CINDA_API:
            return Response(405, b'{"code":405,"msg":"Request method \'GET\' not supported"}', JSON_UTF8,
                            "not_found")
        return self.not_found()

    def post(self, path: str, form: dict[str, str]) -> Response:
        if path != CINDA_API:
            return self.not_found()
        size = self._int(form.get("pageSize"), 10, 1, 50)
        page = self._int(form.get("currentPage"), 1, 1, 10_000)
        notices = self.notices() if form.get("seachbulltin", "bulletin") == "bulletin" else []
        rows = notices[(page - 1) * size : page * size]
        payload = {"code": 200, "msg": "成功", "data": {
            "data": [self.row(n) for n in rows], "pageCount": max(1, math.ceil(len(notices) / size)),
            "currentPage": page, "total": len(notices)}}
        return self._json(payload, "list")

    @staticmethod
    def row(notice: Notice) -> dict:
        amount = summary_amount(notice)
        return {"id": notice.notice_id, "code": notice.code, "name": notice.title,
                "createtime": f"{notice.published:%Y-%m-%d %H:%M:%S}", "amount": "" if amount is None else str(amount),
                "dealoffice": notice.branch.replace(COMPANY["cinda"], "")}

    def _detail(self, notice: Notice) -> Response:
        amount = summary_amount(notice)
        amount_line = (f'<p class="zcze">资产总额（单位：万元）：人民币：{amount}</p>' if amount is not None else "")
        related = [n for n in self.notices() if n.notice_id != notice.notice_id][:5]
        related_html = "".join(
            f'<li><a href="{CINDA_DETAIL}?bulletintno={n.notice_id}">{escape(n.title)}</a>'
            f'<span>{n.published:%Y-%m-%d}</span>'
            + (f'<a class="fj" href="{n.attachments[-1].path}">{escape(n.attachments[-1].name)}</a>'
               if n.attachments else "") + "</li>" for n in related)
        attach = "".join(f'<li><a href="{a.path}" target="_blank">{escape(a.name)}</a></li>' for a in notice.attachments)
        html = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                f"<title>{escape(notice.title)}-中国信达资产管理股份有限公司</title></head><body>"
                '<div class="top"><a href="/">中国信达</a></div><div class="zcggxq">'
                f'<h2 class="ggbt">{escape(notice.title)}</h2>'
                f'<div class="ggxx"><span>编号：{notice.code}</span><span>发布时间：{notice.published:%Y-%m-%d}</span>'
                f"<span>处置机构：{escape(notice.branch)}</span></div>"
                f"{amount_line}"
                f'<div class="ggnr">{body_html(notice)}</div>'
                f'<div class="lxr"><p>联系人：{notice.contact}</p><p>联系电话：{notice.phone}</p></div>'
                + (f'<div class="fjxz"><h4>附件下载</h4><ul>{attach}</ul></div>' if attach else "")
                + f'</div><div class="xgzc"><h3>相关资产信息</h3><ul>{related_html}</ul></div>'
                '<div class="foot">中国信达资产管理股份有限公司 版权所有</div></body></html>')
        return Response(200, html.encode(), HTML_UTF8, "detail")


# ============================================================================================== 东方 Orient

COAMC_API = "/coamc/api/getNoticePage"
LATIN1_JSON = "application/json;charset=ISO-8859-1"
LATIN1_HTML = "text/html;charset=ISO-8859-1"


def coamc_url(notice: Notice) -> str:
    return (f"/html/{_uuid('branch', notice.branch)}/{notice.type_key}/{notice.published:%Y%m%d}/"
            f"{notice.notice_id}.html")


class OrientSite(AmcSite):
    amc = "coamc"
    hosts = ("sales.coamc.com.cn",)
    attachment_prefix = "/coamc/upload/"

    def get(self, path: str, query: dict[str, str]) -> Response:
        if path in ("/coamc/", "/coamc/index.html"):
            html = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>中国东方资产管理股份有限公司资产营销网"
                    "</title></head><body><div id=\"app\"></div><script src=\"/coamc/js/app.js\"></script></body></html>")
            return Response(200, html.encode(), LATIN1_HTML, "shell")
        if path == COAMC_API:
            return Response(405, b'{"code":"405","msg":"Request method not supported"}', LATIN1_JSON, "not_found")
        if path.startswith("/html/") and path.endswith(".html"):
            notice = self.find(path.rsplit("/", 1)[-1][: -len(".html")])
            if notice is not None and coamc_url(notice) == path:
                return self._detail(notice)
        return self.not_found()

    def post(self, path: str, form: dict[str, str]) -> Response:
        if path != COAMC_API:
            return self.not_found()
        size = self._int(form.get("pageSize"), 10, 1, 100)
        page = self._int(form.get("page"), 1, 1, 10_000)
        wanted = form.get("type", "")
        cate = form.get("noticeCate", "")
        types = {t for t, _, c in COAMC_TYPES if (not cate or str(c) == cate)}
        notices = [n for n in self.notices() if n.type_key in types and (not wanted or n.type_key == wanted)]
        if form.get("title"):
            notices = [n for n in notices if form["title"] in n.title]
        rows = notices[(page - 1) * size : page * size]
        payload = {"code": "200", "msg": "success", "data": {"code": "200", "data": {
            "content": [self.row(n) for n in rows], "totalPages": math.ceil(len(notices) / size),
            "totalElements": len(notices), "number": page - 1, "size": size}}}
        return self._json(payload, "list", LATIN1_JSON)

    @staticmethod
    def row(notice: Notice) -> dict:
        title, branch = notice.title, notice.branch.replace(COMPANY["coamc"], "")
        if notice.mojibake:
            title, branch = mojibake(title), mojibake(branch)
        return {"id": notice.notice_id, "title": title, "url": coamc_url(notice),
                "auditTime": f"{notice.published:%Y-%m-%d %H:%M:%S}",
                "addTime": f"{notice.published.date():%Y-%m-%d} 09:00:00", "branchName": branch,
                "branchId": _uuid("branch", notice.branch), "typeKey": notice.type_key}

    def _detail(self, notice: Notice) -> Response:
        type_name = next(name for key, name, _ in COAMC_TYPES if key == notice.type_key)
        content = (f'<p class="branch">{escape(notice.branch)}</p>\n<h3 class="title">{escape(notice.title)}</h3>\n'
                   f'<p class="time">发布时间：{notice.published:%Y-%m-%d %H:%M:%S}&nbsp;&nbsp;类型：{type_name}</p>\n'
                   f'<div class="content">{body_html(notice)}</div>')
        if notice.mojibake == "page":
            content = mojibake(content)
        html = ("<!DOCTYPE html><html><head><meta charset=\"UTF-8\"><title>东方资产营销网</title></head><body>"
                '<div class="head"><a href="/coamc/">返回中国东方营销网站首页</a></div>'
                f'<div class="container"><div class="notice-detail clear">\n{content}\n</div></div>'
                '<div class="footer">中国东方资产管理股份有限公司 版权所有 京ICP备09066476号</div></body></html>')
        return Response(200, html.encode("utf-8"), LATIN1_HTML, "detail")


def amc_sites(generator: AmcGenerator) -> list[AmcSite]:
    return [GreatWallSite(generator), CiticSite(generator), CindaSite(generator), OrientSite(generator)]
