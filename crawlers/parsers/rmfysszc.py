"""人民法院诉讼资产网 (www.rmfysszc.gov.cn, the Supreme People's Court's judicial-sale aggregator): court sales that
the courts also list on Alibaba, JD and the other platforms, re-listed in one place (shared/sources.md §4).

- list: ``POST https://www.rmfysszc.gov.cn/ProjectHandle.shtml`` (``X-Requested-With: XMLHttpRequest``, form ``type``,
  ``name``, ``area``, ``xmxz``, ``state``, ``money``, ``money1``, ``number``, ``fid1..3``, ``order``, ``page``,
  ``include``) answers JSON ``{"html": "<div id=132030 class='product' >…", "page": "<a onclick='post(2)' …>"}``.
  Each ``div.product`` (its ``id`` is the lot id) has the whole title in ``div.p_img a[title]`` (``div.p_title`` is
  cut with ``…``), ``div.prod-guj`` rows ``起拍价<span>50.712946万</span>``, ``评估值<span>…万</span>`` and one time
  row whose label says the state: ``开始时间`` (upcoming; written ``11月24日10:00``, no year), ``预计剩余`` (ongoing),
  ``结束时间`` (ended), ``流标时间`` / ``成交时间`` (``2022年 10月29日10:03``); an ended lot has
  ``p.prod-price <strong>177.0816</strong>万`` (the failed round's 起拍价 or the 成交价) and a badge in
  ``div.prod-alink`` (``已流标``, ``已成交``), an upcoming one ``<s>即将开始</s>`` and ``91次围观``.
  Paging: the ``page`` HTML, ``a.pagecur`` the current page, ``a.next`` 下一页 ``post(N)`` and 尾页 ``post(LAST)``.
  A page past the last answers ``<div class='tip'>暂无您查询的标的物</div>`` with a 下一页 link still there (real:
  tests/golden/real/rmfysszc/list_past_last_page), so the next page is only followed while there are lots and the
  current page is before 尾页.
- detail: ``https://www.rmfysszc.gov.cn/statichtml/rm_obj/{id}.shtml``, static HTML (GB18030; a 2018 page declares
  UTF-8): ``div#Title``, ``div#price`` (``起拍价<span>￥13.5万元</span>``), ``div#bg1`` spans ``评估值: `` /
  ``评 估 值: `` + value span, ``保证金: ``, ``公告日期: 2018.09.03``, ``拍卖阶段: 第1次拍卖`` / ``处置阶段: …``,
  ``处置法院: …``; ``div#pmgg`` 拍卖公告 (the auction period ``…年…月…日10时起至…止``, without the year on older
  pages, and often the 案号); ``div#bdjs table.xmxx_objtab`` (名称, 起拍价, 评估值, 保证金, 类型, …);
  ``div#zzsc img`` photos; ``div.tcl`` 相关附件 followed by the attachment links. The detail page carries no status
  (the site fills it by script from ``Object/Finish.shtml``): the list record's status stays.

Parsed with selectolax (lexbor), the project's fast HTML parser, in as few CSS queries as the layout allows (a query
costs about as much as reading its matches): bench/bench_rmfysszc.py measures it against a plain extraction.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawlers.parsers.base import (_STRIPPED_CHARS, ListPage, ParseError, RawRecord, bytes_clean, clean_text,
                                   require, tag_ids, utf8_clean)
from normalizers.dates import notice_period

SOURCE = "rmfysszc"
HOST = "https://www.rmfysszc.gov.cn"
LIST_URL = f"{HOST}/ProjectHandle.shtml"
DETAIL_URL = HOST + "/statichtml/rm_obj/{id}.shtml"
Body = bytes | str

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w-]+)""", re.I)
_GB = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936"}


# `clean_text` without its cost on a clean page. Its test of each stripped character on the decoded text costs
# about 20 us a kB of Chinese text (a list answer is 10-15 kB), nearly all of it for the ASCII controls
# (bench/bench_rmfysszc.py). A UTF-8 page is checked by `base.utf8_clean`. In GB18030 too a control character can
# only come from its own single byte (no multi-byte sequence holds a byte below 0x20 or 0x7F; the digits in its
# four-byte sequences can only make `base.bytes_clean` see a reference that is not there, and then `clean_text` runs),
# so the controls, escapes and references are looked for in the bytes; the other stripped characters, which are few,
# in the text, unless no byte that leads their four-byte sequences is there. A page with none of them is what
# `clean_text` would return; any other page goes through it.
_WIDE_STRIPPED = tuple(c for c in _STRIPPED_CHARS if ord(c) >= 0x80)
# GB18030 has the wide ones as four-byte sequences led by 0x81 (U+0080-U+9FFF) or 0x84 (U+FEFF) only
_GB_WIDE_LEADS = tuple(sorted({c.encode("gb18030")[:1] for c in _WIDE_STRIPPED}))


def _unchanged(text: str, raw: bytes, codec: str) -> bool:
    """True when `clean_text` would return ``text`` as it is; ``raw`` is its ``codec`` (UTF-8 or GB18030) bytes."""
    if codec != "gb18030":
        return utf8_clean(raw, text)
    if not bytes_clean(raw):
        return False
    return not any(lead in raw for lead in _GB_WIDE_LEADS) or not any(c in text for c in _WIDE_STRIPPED)


def decode(body: Body) -> str:
    """`_decode`'s text, cleaned by `clean_text` unless it has nothing that `clean_text` strips (see above)."""
    return _decoded(body)[0]


def _decoded(body: Body) -> tuple[str, bool]:
    """`decode`'s text, and whether it is ``body``'s UTF-8 text as it is (then orjson may read the bytes)."""
    if isinstance(body, str):
        raw = body.encode("utf-8", "surrogatepass")
        return (body if _unchanged(body, raw, "utf-8") else clean_text(body)), False
    text, codec = _decode(body)
    if codec in ("utf-8", "gb18030") and _unchanged(text, body, codec):
        return text, codec == "utf-8"
    return clean_text(text), False


def _decode(body: bytes) -> tuple[str, str]:
    """The list answers UTF-8 JSON; a static page is GB18030 unless its ``<meta charset>`` says UTF-8 (the 2018
    generation). A page declaring gb2312 / gbk is read as GB18030, its superset (names outside GB2312 occur).
    Returns the text and the codec that read it."""
    head = body[:2048]
    if body.lstrip()[:1] in (b"{", b"["):
        return body.decode("utf-8", errors="replace"), "utf-8"
    match = _CHARSET.search(head)
    charset = match.group(1).decode("ascii").lower() if match else "gb18030"
    if charset in ("utf-8", "utf8"):
        try:
            return body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:  # a page that says UTF-8 and is not: GB18030 is the site's own encoding
            return body.decode("gb18030", errors="replace"), "gb18030"
    codec = "gb18030" if charset in _GB else charset
    return body.decode(codec, errors="replace"), codec


def is_interstitial(body: Body) -> str | None:
    """No anti-bot page of this site is known (a 2022 crawler notes only that its list data 有反爬)."""
    return None


def page_kind(text: str) -> str | None:
    head = text.lstrip()[:1]
    if head == "{":
        return "list"
    if 'id="Title"' in text and ('id="bg1"' in text or 'id="price"' in text):
        return "detail"
    return None


# --------------------------------------------------------------------------------------------- list

_TIME_LABELS = {"开始时间": "未开始", "预计剩余": "进行中", "结束时间": "已结束", "流标时间": "已流标", "成交时间": "已成交"}
_POST = re.compile(r"post\((\d+)\)")
_VIEWS = re.compile(r"(\d+)\s*次围观")
_MD_TIME = re.compile(r"(?:(\d{4})\s*年)?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(\d{1,2})\s*[:：时]\s*(\d{2})?")


def _text(node: LexborNode | None) -> str:
    return " ".join(node.text(deep=True).split()) if node is not None else ""


def _clock(text: str, fetched_at: datetime, *, future: bool) -> str | None:
    """``11月24日10:00`` / ``2022年 10月29日10:03`` → ``2022-11-24 10:00``. A time without its year (the list's
    开始时间) takes the fetch year, or the next one when that would put an upcoming start half a year back."""
    m = _MD_TIME.search(text)
    if m is None:
        return None
    year, month, day, hour, minute = m.groups()
    if year is None:
        year = fetched_at.year
        if future and (fetched_at.month - int(month)) > 6:
            year += 1
        elif not future and (int(month) - fetched_at.month) > 6:
            year -= 1
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d} {int(hour):02d}:{int(minute or 0):02d}"


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    text, as_is = _decoded(body)
    try:
        # orjson reads UTF-8 bytes faster than a str: the bytes when they are the text as it is
        data = orjson.loads(body if as_is else text)
    except orjson.JSONDecodeError as exc:
        try:  # bytes that are not UTF-8: read as `decode` reads them (a replacement character each)
            data = orjson.loads(text) if as_is else None
        except orjson.JSONDecodeError:
            data = None
        if data is None:
            raise ParseError(SOURCE, "html", url, f"the list answer is not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("html"), str):
        raise ParseError(SOURCE, "html", url, "no \"html\" string in the list answer")
    tree = LexborHTMLParser(data["html"])
    records = [list_record(lot_id, parts, url, fetched_at) for lot_id, parts in _products(tree)]
    if not records and tree.css_first("div.tip") is None and data["html"].strip():
        raise ParseError(SOURCE, "div.product", url, "neither lots nor the 暂无 notice in the list answer")
    paging = LexborHTMLParser(data.get("page") or "<p></p>")
    current = last = next_page = None
    for link in paging.css("a"):
        m = _POST.search(link.attributes.get("onclick") or "")
        if m is None:
            continue
        label, number = _text(link), int(m.group(1))
        if "pagecur" in (link.attributes.get("class") or "").split():
            current = number
        elif label == "下一页":
            next_page = number
        elif label == "尾页":
            last = number
    follow = bool(records) and next_page is not None and (last is None or current is None or current < last)
    return ListPage(records, next_url=None, total_pages=last,
                    extra={"page": current, "next_page": next_page if follow else None})


_BADGES = ("已流标", "已成交", "已撤回", "已中止", "已暂缓", "即将开始")


_PARTS = "div.product, div.p_img > a, div.p_title, div.prod-guj > p, p.prod-price, div.prod-alink"


def _products(tree: LexborHTMLParser) -> list[tuple[str, list[tuple[str, LexborNode]]]]:
    """Each ``div.product``'s id and the parts a record reads (their class, or ``a`` for the title link), from one
    CSS query over the whole list (document order: a product, then its parts). One query per product costs more
    than the rest of the record together (bench/bench_rmfysszc.py)."""
    products: list[tuple[str, list[tuple[str, LexborNode]]]] = []
    for node in tree.css(_PARTS):
        if node.tag == "a":  # div.p_img > a
            if products:
                products[-1][1].append(("a", node))
            continue
        attributes = node.attributes
        cls = attributes.get("class")
        if cls == "product" and node.tag == "div":
            products.append(((attributes.get("id") or "").strip(), []))
        elif products:
            products[-1][1].append((cls or "", node))
    return products


def list_record(lot_id: str, parts: list[tuple[str, LexborNode]], url: str, fetched_at: datetime) -> RawRecord:
    """One ``div.product`` from its parts (`_products`)."""
    if not lot_id.isdigit():
        raise ParseError(SOURCE, "div.product@id", url, f"a lot without a numeric id ({lot_id!r})")
    title = price = links = ""
    rows: list[str] = []  # each prod-guj row's text: a label, then its value (and a badge)
    for cls, part in parts:
        if cls == "a":
            title = (part.attributes.get("title") or "").strip()
        elif cls == "p_title":
            title = title or part.text(strip=True)
        elif cls == "prod-price":
            price = part.text(strip=True)
        elif cls == "prod-alink":
            links = part.text(strip=True)
        else:
            rows.append(part.text(strip=True))
    record: RawRecord = {"source": SOURCE, "source_lot_id": lot_id, "url": DETAIL_URL.format(id=lot_id),
                         "fetched_at": fetched_at, "title": require(title, SOURCE, "title", url),
                         "seller_type": "court"}
    raw: dict[str, Any] = {}
    state = badge = None
    for text in rows:
        if text.startswith("起拍价"):
            record["reserve_price"] = text[3:].strip()  # the text carries its unit (万)
        elif text.startswith("评估值"):
            record["appraisal_price"] = text[3:].strip()
        else:
            if badge is None and text.endswith(_BADGES):
                badge = next(b for b in _BADGES if text.endswith(b))
            name = text[:4]  # every time label is four characters
            label = _TIME_LABELS.get(name)
            if label is not None:
                state = label
                value = text[4:].removesuffix(badge or "").strip()
                raw[name] = value or text
                when = _clock(value, fetched_at, future=name == "开始时间") if value else None
                if when:
                    record["start_at" if name == "开始时间" else "end_at"] = when
    if badge is None and links:
        badge = next((b for b in _BADGES if b in links), None)
    if badge or state:
        record["status"] = badge or state
    if price:
        raw["prod-price"] = price
        if record.get("status") == "已成交":
            record["final_price"] = record["current_price"] = price
        elif "reserve_price" not in record:
            record["reserve_price"] = price  # a failed round's 起拍价
    views = _VIEWS.search(links)
    if views:
        record["view_count"] = int(views.group(1))
    record["raw"] = raw
    return record


# --------------------------------------------------------------------------------------------- detail

_LABELED = re.compile(r"^(?P<label>[^:：]{2,12})[:：]\s*(?P<value>.*)$")
_CASE = re.compile(r"[（(〔\[]\s*\d{4}\s*[）)〕\]]\s*[\u4e00-\u9fff]{1,4}\d{0,6}[\u4e00-\u9fff]{1,6}\d+号")
_ENTRUSTED_BY = re.compile(r"受?([\u4e00-\u9fff]{2,20}人民法院)委托")
_ANNOUNCED = re.compile(r"(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})")


def _squash(text: str) -> str:
    return "".join(text.split())  # str.split() splits on \xa0 and \u3000 too


_IDS = ("Title", "price", "bg1", "pmgg", "bdjs", "zzsc")
_CONTAINERS = ", ".join(f"#{name}" for name in _IDS) + ", div.tcl"  # and the headings (相关附件) in the same walk


_SPAN, _TH, _IMG = tag_ids("span", "th", "img")


def _sections(tree: LexborHTMLParser, text: str) -> dict[str, Any]:
    """The detail page's parts: its containers found by id in one query, then each read within itself (small
    subtrees: far cheaper than descendant selectors over the whole page; bench/bench_rmfysszc.py)."""
    box, headings = {}, []
    for node in tree.css(_CONTAINERS):
        if (name := node.id) in _IDS:
            box[name] = node
        else:
            headings.append(node)
    price, bg1, bdjs, zzsc = (box.get(k) for k in ("price", "bg1", "bdjs", "zzsc"))
    # the two smallest boxes are walked (a few nodes: cheaper than compiling a selector)
    return {
        "title": box.get("Title"), "notice": box.get("pmgg"), "price_box": price,
        "price": [n.text(strip=True) for n in price.traverse() if n.tag_id == _SPAN] if price is not None else [],
        "bg1": [n.text(strip=True) for n in bg1.css("td > span")] if bg1 is not None else [],
        "cells": [(n.tag_id == _TH, n.text(strip=True)) for n in bdjs.css("th, td")] if bdjs is not None else [],
        "images": [src for n in zzsc.traverse() if n.tag_id == _IMG and (src := n.attributes.get("src"))]
        if zzsc is not None else [],
        "tcl": headings,
    }


def _bg1(texts: list[str]) -> dict[str, str]:
    """``div#bg1``'s labeled values (the text of each ``td > span``): ``评估值: `` + the next span,
    ``评 估 值: <span>66.29万元</span>`` (the value inside the label's span), or ``处置法院: 重庆市…`` in one span;
    labels lose their spacing (``评 估 值`` → ``评估值``)."""
    found: dict[str, str] = {}
    for i, text in enumerate(texts):
        m = _LABELED.match(text) if ":" in text or "：" in text else None
        if m is None:
            continue
        label, value = _squash(m["label"]), m["value"].strip()
        if not value and i + 1 < len(texts):
            value = texts[i + 1]
        if value and label not in found:
            found[label] = value
    return found


def _objtab(cells: list[tuple[bool, str]]) -> dict[str, str]:
    """The 标的介绍 table (``th`` label, ``td`` value pairs, several a row; each cell as (is a th, its text))."""
    found: dict[str, str] = {}
    head = None
    for is_th, text in cells:
        if is_th:
            head = _squash(text)
        elif head is not None:
            found.setdefault(head, text)
            head = None
    return found


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    text = decode(body)
    tree = LexborHTMLParser(text)
    m = re.search(r"/rm_obj/(\d+)\.shtml", url)
    if m is None:
        raise ParseError(SOURCE, "id", url, "not a …/statichtml/rm_obj/{id}.shtml URL")
    lot_id = m.group(1)
    parts = _sections(tree, text)
    title = require(_text(parts["title"]), SOURCE, "div#Title", url)
    record: RawRecord = {"source": SOURCE, "source_lot_id": lot_id, "url": DETAIL_URL.format(id=lot_id),
                         "fetched_at": fetched_at, "title": title, "seller_type": "court"}
    raw: dict[str, Any] = {}
    spans = parts["price"]  # <span>起拍价</span><span>…</span> (later pages) or 起拍价<span>￥13.5万元</span> (2018)
    for i, span in enumerate(spans[:-1]):
        if _squash(span).startswith("起拍价"):
            record["reserve_price"] = spans[i + 1]
            break
    else:
        box = parts.get("price_box")
        for part in (box.css("div") if box is not None else ()):
            span = part.css_first("span")
            if span is not None and _squash(part.text(deep=True)).startswith("起拍价"):
                record["reserve_price"] = span.text(strip=True)
                break
    labeled = _bg1(parts["bg1"])
    for label, value in labeled.items():
        if label.startswith("评估"):
            record["appraisal_price"] = value
        elif label.startswith("保证金"):
            record["deposit"] = value
        elif label in ("拍卖阶段", "处置阶段"):
            record["round"] = value
            raw[label] = value
        elif label.endswith("法院"):
            record["disposal_unit"] = value
        elif label == "公告日期":
            raw["公告日期"] = value
    table = _objtab(parts["cells"])
    if "类型" in table:
        record["category"] = table["类型"]
    for label in ("标的物所在地", "所在地", "坐落", "标的所在地"):
        if table.get(label):
            record["address"] = record["location"] = table[label]
            break
    if "reserve_price" not in record and table.get("起拍价"):
        record["reserve_price"] = table["起拍价"]
    if "appraisal_price" not in record and table.get("评估值"):
        record["appraisal_price"] = table["评估值"]
    notice = parts["notice"]
    notice_text = _squash(notice.text(deep=True)) if notice is not None else ""
    announced = _ANNOUNCED.search(raw.get("公告日期", ""))
    start, end = notice_period(notice_text, int(announced.group(1)) if announced else fetched_at.year)
    if start:
        record["start_at"], record["end_at"] = start, end
    case = _CASE.search(notice_text)
    if case:
        record["case_number"] = case.group(0)
    # (a match ends with 人民法院委托: the search, 5 us on a notice without it, is skipped there)
    if "disposal_unit" not in record and "人民法院委托" in notice_text:
        court = _ENTRUSTED_BY.search(notice_text)
        if court:
            record["disposal_unit"] = court.group(1)
    for field_name in ("reserve_price", "appraisal_price", "deposit"):
        if field_name in record:
            record[field_name] = record[field_name].replace("（万元）", "万元").replace("(万元)", "万元")
    if parts["images"]:
        raw["images"] = parts["images"]
    attachments = []
    for heading in parts["tcl"]:
        if "相关附件" in _text(heading):
            box = heading.next
            while box is not None and box.tag != "div":
                box = box.next
            for link in (box.iter() if box is not None else ()):
                href = link.attributes.get("href") if link.tag == "a" else None
                if href:
                    url_ = href if href.startswith("http") else HOST + href if href.startswith("/") else \
                        urljoin(HOST + "/", href)
                    attachments.append({"name": link.text(strip=True), "url": url_})
    if attachments:
        raw["attachments"] = attachments
    record["raw"] = raw
    return record
