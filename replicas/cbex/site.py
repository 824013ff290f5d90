"""www.cbex.com.cn (北京产权交易所) served from a `CbexGenerator`, behind a Jiasule (加速乐) 521 gate.

URL map (the real site's paths, shared/sources.md §4):

- ``GET /xm/zqzc/ypl/`` the 债权资产 list page (a script shell: its rows come from the API below);
- ``GET /onss-api/jsonp/project/search?fromPage=&pageSize=&businessType=ZQ&disclosureType=G3|PG3&sortProperty=
  disclosuretime&sortDirection=1&mark=xm[&callback=jQuery…&_=…]`` (or ``businessType=TJ&disclosureType=TJ3&
  assetType=tj_jrzq``) → ``callback({"data":{"data":[{id,code,name,url,disclosuretime,disclosureprice,
  disclosurepricewithunit,regionname,businesstypename}],"totalPage":N,"totalRecordNum":M}});`` (plain JSON without
  ``callback``, as one crawler reads it with ``res.json()``); field names from public crawler code, values invented;
- ``GET /xm/zqzc/{YYYY}/{MM}/{code}.html`` (and ``/xm/jrzc/tj/…`` for 推介) a listing's page: ``div.main`` with
  ``div#project-table-box`` (a label/value table, then the 债权明细 table), ``li.infoShow a`` attachment links to
  ``otc.cbex.com/editorUpload/…``. The page layout past those selectors is invented (no real page is public).

The gate (every path of the host): a request without the clearance cookies gets **HTTP 521** and a
``<script>document.cookie=('_')+('_')+…`` page that sets ``__jsl_clearance_s`` (with ``Set-Cookie: __jsluid_s``);
with that first cookie it gets 521 again with ``go({"bts":[…],"chars":"…","ct":"…","ha":"sha1",…})``: the cookie
is ``bts[0] + two characters of chars + bts[1]`` whose hash is ``ct``; with it, the page (200, ``csrftoken`` set).
That is the three-step flow public Jiasule solvers describe; the first script here uses only quoted one-letter
strings and the digit forms ``(+[]+[])`` / ``(-~[]+[])`` (the real one mixes in more JSFuck forms), and a session is
challenged again after `REVALIDATE` requests (invented; the real cookie lasts ``vt`` = 3600 s).
"""

from __future__ import annotations

import hashlib
import json
import threading
from html import escape
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

from replicas.responses import Response, not_found, robots
from replicas.cbex.generator import WAN, CbexGenerator, Listing, wan

HOST = "www.cbex.com.cn"
HTML = "text/html;charset=UTF-8"
JS = "application/javascript;charset=UTF-8"
REVALIDATE = 120  # requests a clearance is good for (invented)
CHARS = "QWERTYUIOPASDFGHJKLZXCVBNMqwertyuiopasdfghjklzxcvbnm"
SERIES = {("ZQ", "G3"): "G3", ("ZQ", "PG3"): "PG3", ("TJ", "TJ3"): "TJ3"}


def _h(*parts: object) -> str:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=16).hexdigest()


def detail_path(x: Listing) -> str:
    folder = "/xm/jrzc/tj" if x.business == "TJ" else "/xm/zqzc"
    return f"{folder}/{x.published:%Y}/{x.published:%m}/{x.code}.html"


def _wan_text(value) -> str:
    return f"{wan(value):,.2f}万元"


class CbexSite:
    hosts = (HOST,)

    def __init__(self, generator: CbexGenerator, cookies=lambda: None) -> None:
        self.gen = generator
        self.night = 1
        self._cookies = cookies
        self._lock = threading.Lock()
        self._sessions: dict[str, list[int]] = {}  # __jsluid_s -> [generation, requests since cleared]
        self._issued = 0

    def set_night(self, night: int) -> None:
        with self._lock:
            self.night = night

    def warm(self, night: int) -> None:
        return None

    def not_found(self) -> Response:
        return not_found("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head>"
                         "<body>页面不存在</body></html>", HTML)

    # ------------------------------------------------------------------------------------------------ the gate

    def _clearance(self, sid: str, generation: int) -> tuple[str, str, str, str]:
        """(stage-1 cookie, bts[0], the two characters, bts[1]) of a session's generation."""
        h = _h(self.gen.seed, sid, generation)
        ts = f"{int(self.gen.night_time(self.night).timestamp())}.{int(h[:3], 16) % 1000:03d}"
        first = f"{ts}|-1|{h[3:19]}"
        pair = CHARS[int(h[19:21], 16) % len(CHARS)] + CHARS[int(h[21:23], 16) % len(CHARS)]
        return first, f"{ts}|0|{h[23:27]}", pair, f"{h[27:32]}%3D"

    def _jar(self) -> tuple[str | None, str | None]:
        """(``__jsluid_s``, ``__jsl_clearance_s``) of the request's Cookie header."""
        jar = SimpleCookie()
        try:
            jar.load(self._cookies() or "")
        except Exception:  # a malformed Cookie header is no cookie
            jar = SimpleCookie()
        return (jar["__jsluid_s"].value if "__jsluid_s" in jar else None,
                jar["__jsl_clearance_s"].value if "__jsl_clearance_s" in jar else None)

    def _new_session(self) -> Response:
        """The first 521 of a client Jiasule does not know (caller holds the lock): a new ``__jsluid_s``."""
        self._issued += 1
        sid = _h("sid", self.gen.seed, self._issued)
        self._sessions[sid] = [0, 0]
        return self._stage1(sid, self._clearance(sid, 0)[0], new=True)

    def _antibot(self, night: int, host: str, target: str) -> Response:
        """For the server's ``antibot`` fault mode: the gate's first step again, whatever clearance the request
        carries, as the real gate challenges a session again once its clearance is no longer accepted (the session
        moves to a new clearance; a request without a known session gets a new one). The real site's block is
        this same 521 page; nothing is invented beyond what the module docstring says of the gate."""
        sid, _ = self._jar()
        with self._lock:
            state = self._sessions.get(sid) if sid else None
            if state is None:
                return self._new_session()
            state[0], state[1] = state[0] + 1, 0
            return self._stage1(sid, self._clearance(sid, state[0])[0])

    def _gate(self, target: str) -> Response | None:
        """None when the request carries a valid clearance; else the 521 page of the step it is at."""
        sid, clearance = self._jar()
        with self._lock:
            if sid is None or sid not in self._sessions:
                return self._new_session()
            state = self._sessions[sid]
            first, head, pair, tail = self._clearance(sid, state[0])
            if clearance == head + pair + tail:
                state[1] += 1
                if state[1] <= REVALIDATE:
                    return None
                state[0], state[1] = state[0] + 1, 0  # the session is challenged again
                return self._stage1(sid, self._clearance(sid, state[0])[0])
            if clearance == first:
                return self._stage2(head, pair, tail)
            return self._stage1(sid, first)

    def _stage1(self, sid: str, value: str, new: bool = False) -> Response:
        digits = {"0": "(+[]+[])", "1": "(-~[]+[])"}
        text = f"__jsl_clearance_s={value}"
        expr = "+".join(digits.get(ch) or f"('{ch}')" for ch in text)
        body = f"<script>document.cookie={expr}+';max-age=3600;path=/';location.href=location.pathname+location.search</script>"
        headers = (("Set-Cookie", f"__jsluid_s={sid}; max-age=31536000; path=/; HttpOnly; secure"),) if new else ()
        return Response(521, body.encode(), "text/html", "interstitial", headers)

    def _stage2(self, head: str, pair: str, tail: str) -> Response:
        ct = hashlib.sha1((head + pair + tail).encode()).hexdigest()
        go = {"bts": [head, tail], "chars": CHARS, "ct": ct, "ha": "sha1", "is": True, "tn": "__jsl_clearance_s",
              "vt": "3600", "wt": "1500"}
        body = ("<script>var _0x1c2f=function(){};function go(_0x3a){/* hash each candidate, set the cookie, "
                "reload */}" + f";go({json.dumps(go, separators=(',', ':'))})</script>")
        return Response(521, body.encode(), "text/html", "interstitial")

    # ------------------------------------------------------------------------------------------------ pages

    def handle(self, host: str, target: str) -> Response:
        parts = urlsplit(target)
        path, query = parts.path or "/", dict(parse_qsl(parts.query, keep_blank_values=True))
        if path == "/robots.txt":
            return robots(allow=(), disallow=("/admin/",))
        gate = self._gate(target)
        if gate is not None:
            return gate
        if path == "/onss-api/jsonp/project/search":
            return self._search(query)
        if path in ("/xm/zqzc/ypl/", "/xm/zqzc/"):
            return self._html(_LIST_PAGE, "list_page")
        code = path.rsplit("/", 1)[-1].removesuffix(".html")
        x = self.gen.listing(code, self.night)
        if x is None or detail_path(x) != path:
            return self.not_found()
        return self._html(detail_html(x, self.night), "detail")

    def _html(self, body: str, kind: str) -> Response:
        token = _h("csrf", self.gen.seed, self.night)
        token = f"{token[:8]}-{token[8:12]}-{token[12:16]}-{token[16:20]}-{token[20:32]}"
        return Response(200, body.encode("utf-8"), HTML, kind, (("Set-Cookie", f"csrftoken={token}; path=/"),))

    def _search(self, query: dict[str, str]) -> Response:
        business, disclosure = query.get("businessType", ""), query.get("disclosureType", "")
        series = SERIES.get((business, disclosure))
        try:
            page = max(int(query.get("fromPage") or 1), 1)
            size = min(max(int(query.get("pageSize") or 15), 1), 2000)
        except ValueError:
            return Response(400, b'{"code":"400","msg":"bad parameter"}', JS, "error")
        rows = [x for x in self.gen.listings(self.night) if series and x.series(self.night) == series]
        if business == "TJ" and query.get("assetType") not in (None, "", "tj_jrzq"):
            rows = []
        chunk = rows[(page - 1) * size: page * size]
        payload = {"data": {"data": [self._row(x) for x in chunk], "totalPage": -(-len(rows) // size),
                            "totalRecordNum": len(rows)}}
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        callback = query.get("callback")
        if callback:
            return Response(200, f"/**/{callback}({text});".encode("utf-8"), JS, "list")
        return Response(200, text.encode("utf-8"), "application/json;charset=UTF-8", "list")

    def _row(self, x: Listing) -> dict:
        path = detail_path(x)
        price = "面议" if x.price is None else f"{wan(x.price):.2f}"
        return {
            "id": f"{x.uuid[:8]}-{x.uuid[8:12]}-{x.uuid[12:16]}-{x.uuid[16:20]}-{x.uuid[20:]}",
            "code": x.code,
            "name": x.name,
            "url": path if x.business == "TJ" else f"https://{HOST}{path}",  # TJ rows give a relative path
            "disclosuretime": f"{x.published:%Y-%m-%d} 00:00:00",
            "disclosureprice": price,
            "disclosurepricewithunit": price if x.price is None else f"{price}万元",
            "regionname": x.province,
            "businesstypename": "金融资产" if x.business == "TJ" else "债权资产",
        }


_LIST_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>债权资产-北京产权交易所</title>
<script src="/static/js/jquery.min.js"></script><script src="/static/js/xm/list.js"></script></head>
<body><div class="main"><div class="list-box" id="projectList"><!-- rows come from /onss-api/jsonp/project/search --></div>
<div class="pager" id="pager"></div></div></body></html>"""


def detail_html(x: Listing, night: int) -> str:
    """A listing's page (layout invented around the selectors real crawlers read: div#project-table-box, div.main,
    li.infoShow a)."""
    e = escape
    debtors = "、".join(x.debtors)
    price = "面议" if x.price is None else f"{wan(x.price):,.2f}万元"
    pairs = [
        ("项目名称", x.name), ("项目编号", x.code),
        ("转让底价" if x.business == "ZQ" else "参考价格", price), ("交易品类", "债权资产" if x.business == "ZQ" else "金融资产"),
        ("信息披露起始日期", f"{x.published:%Y-%m-%d}"), ("信息披露截止日期", f"{x.end:%Y-%m-%d}"),
        ("项目状态", x.status(night)), ("所在地区", x.province),
        ("转让方名称", x.transferor), ("债务人", debtors),
        ("债权本金", _wan_text(x.principal)), ("利息", _wan_text(x.interest)),
        ("债权总额", _wan_text(x.principal + x.interest)), ("基准日", f"{x.as_of:%Y-%m-%d}"),
        ("保证人", "、".join(x.guarantors) or "无"), ("抵押物", "；".join(x.collateral) or "无"),
    ]
    rows = []
    for i in range(0, len(pairs), 2):
        cells = "".join(f'<td class="label">{e(k)}</td><td class="cont">{e(v)}</td>' for k, v in pairs[i:i + 2])
        rows.append(f"<tr>{cells}</tr>")
    claims = "".join(
        f"<tr><td>{i}</td><td>{e(c.debtor)}</td><td>{wan(c.principal):,.2f}</td><td>{wan(c.interest):,.2f}</td>"
        f"<td>{wan(c.total):,.2f}</td></tr>" for i, c in enumerate(x.claims, 1))
    total = sum((c.total for c in x.claims), 0)
    claims += (f"<tr><td colspan=\"2\">合计</td><td>{wan(x.principal):,.2f}</td><td>{wan(x.interest):,.2f}</td>"
               f"<td>{wan(total):,.2f}</td></tr>")
    files = "".join(f'<li class="infoShow"><a href="https://otc.cbex.com/editorUpload/{x.published:%Y%m}/{x.code}-{k}.pdf" '
                    f'target="_blank">{e(name)}</a></li>' for k, name in enumerate(("债权转让公告.pdf", "债权明细表.pdf")))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{e(x.name)}-北京产权交易所</title>
<link rel="stylesheet" href="/static/css/xm/detail.css"></head>
<body><div class="header"><a href="/">北京产权交易所</a></div>
<div class="main">
<h1 class="xmjs_detail_title">{e(x.name)}</h1>
<div id="project-table-box">
<table class="project-table">{''.join(rows)}</table>
<h3>债权明细</h3><p>单位：万元</p>
<table class="claim-table"><tr><th>序号</th><th>债务人</th><th>债权本金（万元）</th><th>利息（万元）</th><th>债权总额（万元）</th></tr>
{claims}</table>
</div>
<div class="notice"><h3>重大事项及其他披露内容</h3><p>债权金额截至{x.as_of.year}年{x.as_of.month}月{x.as_of.day}日，基准日后的利息以法院生效判决为准。转让方对标的债权的瑕疵不承担担保责任。</p></div>
<ul class="files">{files}</ul>
</div>
<div class="footer">北京产权交易所 版权所有</div></body></html>"""


__all__ = ["CbexSite", "HOST", "WAN", "detail_html", "detail_path"]
