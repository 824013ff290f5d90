"""公拍网 gpai.net (Shanghai's public auction platform): court auctions 司法拍卖 and sales 变卖, server-rendered UTF-8.

What is known of the real site (shared/sources.md §4; the real 2018 court list page kept in tests/golden/real/gpai):

- list ``http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate=1..4&Page=N`` (restate 1 即将开始,
  2 正在拍卖, 3 已成交, 4 其他) and a court's own list ``court.do?id=1101&at=376&restate=1``: ``共有拍品（<label>16</label>）``,
  the page count in ``span.page-infos label`` as ``(N)``, one ``div.list-item`` per lot: a status badge
  ``span.badge-icon.badge-bg103`` (the class carries the site's status code, 103 上线), the mode
  ``span.badge-arrow3`` (在线拍), the title link ``div.item-tit a`` to ``http://www.gpai.net/sf\\item2.do?Web_Item_ID=N``
  (a backslash, as served), then ``起拍价：<b>76360000</b>元``, ``评估价：<b>10908.4</b>万元``,
  ``开始时间：2018-04-16 10:00:00`` and ``0 次出价``. The site-wide search ``http://s.gpai.net/sf/search.do?q=&Page=N``
  (a real 2018-11 page) has the same items with a mode badge ``span.badge-arrow3`` (在线拍, 变卖, 在线+同步: these link
  ``item.do?Web_Item_ID=N``, which is then the lot's URL), and also
  ``最新价`` (a lot with bids), ``变卖价`` (a sale's price), ``预计结束：`` and ``N 次围观``. The type filter ``at=`` is 376 房产, 381 土地, 372 股权, 378 机动车,
  383 船舶, 377 物资, 382 财产性权益, 379 其他 (the real page's filter links).
- detail ``item2.do?Web_Item_ID=N``: title ``div.d-m-title b`` (``【一拍】…``), ``div.d-m-time`` (即将开始 / 正在拍卖 /
  已结束 with 成交 / 流拍 / 撤拍), the price box ``div.d-m-price p`` (起拍价 / 当前价 / 成交价), the ``div.d-m-tb`` tables of
  ``label：value`` cells (当前拍卖模式, 拍卖次数, 在线拍周期, 延时周期, 加价幅度 ``span#Price_Step``, 起拍价
  ``span#Price_Start``, 保证金, 评估价, ``td.pr7`` 处置法院, 联系人, 联系电话), ``div.peoples-infos span b`` (报名 / 提醒 /
  围观) and the bid count ``span#html_Bid_Shu``.
- an error answers a short page whose script sends the browser elsewhere (``window.location.href='…'``); public
  crawlers follow it and retry, so does the spider (`redirect_target`).

Personal data on the detail page (联系人, 联系电话) is not read. Speed: one selectolax parse and one selector query a
page (`_LIST_NODES`, `_DETAIL_NODES`); a lot's list text is read once and cut with ``str.find`` and anchored matches.
The lot page's notice (``div.d-article``, a real 2018-11 page) states the sale's period, ``…法院定于2018年11月14日上午
11时至2018年11月15日上午11时止``: ``start_at`` and ``end_at`` (`normalizers.dates.notice_period`); the list gives
开始时间 (or, on the search list, a running lot's 预计结束).
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qsl, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from crawlers.parsers.base import ListPage, ParseError, RawRecord, page_text, require, utf8_page, utf8_text
from normalizers.dates import notice_period

SOURCE = "gpai"
Body = bytes | str
LOT_URL = "https://www.gpai.net/sf/{page}?Web_Item_ID={id}"
# A lot's page is item2.do; the real search list links its 在线+同步 lots to item.do instead, with Web_Item_IDs among
# the item2.do lots' (19728, 19928, 19964 between 19069 and 20107). The lot's URL is the page the site links; its
# source_lot_id is the Web_Item_ID alone, whichever page it is on (a lot keeps its id if its link changes).
LOT_PAGES = ("item2.do", "item.do")
_ITEM_ID = re.compile(r"Web_Item_ID=(\d+)", re.I)
_LOT_PAGE = re.compile(r"[/\\](item2?\.do)\?", re.I)
_BADGE_CODE = re.compile(r"badge-bg(\d+)")
_LIST_AMOUNT = re.compile(r"\s*([\d.,]+\s*[万亿]?元)")
_LIST_TIME = re.compile(r"\s*(\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?)")
_PAGES = re.compile(r"(\d+)")
_REDIRECT = re.compile(r"""(?:window\.)?location(?:\.href)?\s*=\s*['"]([^'"]+)['"]""")
# A title that reads as a place (上海市长宁区中山西路930号…) is the lot's address; a car's (沪D54940奥迪车辆) is not.
# Goods 存放在… a place are not at an address of their own.
_ADDRESS_LIKE = re.compile(r"^(?!存放)[\u4e00-\u9fff]{2,7}?[省市区县].*?[路街道弄号村镇巷幢栋室]")
_TAG = re.compile(r"<[^>]*>")
_DESCRIPTION_AFTER = re.compile(r"[,，;；]\s*(?!\d)")  # not before a number: 盐大路2555号1-3层，2557号1-3层
# The price box and the list write the amount's meaning as its label.
_PRICE_FIELDS = {"起拍价": "reserve_price", "当前价": "current_price", "成交价": "final_price", "评估价": "appraisal_price"}
# The search list (search.do, 2018-11) also writes 最新价 (the highest bid so far) and 变卖价 (a sale's fixed price).
_PRICE_LABELS = tuple((f"{label}：", name) for label, name in
                      {**_PRICE_FIELDS, "最新价": "current_price", "变卖价": "reserve_price"}.items())
# The detail tables' cells, label → record field (the others — 拍卖方式, 在线拍周期, 延时周期, 数量/单位, 优先购买权人,
# 联系人, 联系电话 — are not Lot fields; the contact is personal data and is never read).
_TABLE_FIELDS = {"加价幅度": "increment", "起拍价": "reserve_price", "保证金": "deposit", "评估价": "appraisal_price",
                 "处置法院": "disposal_unit", "拍卖次数": "round"}


@page_text
def decode(body: Body) -> str | tuple[str, bool]:
    """The page as text: the site serves UTF-8 (``<meta charset="UTF-8"/>``)."""
    return body if isinstance(body, str) else utf8_text(body)


def _page(body: Body) -> tuple[str, Body]:
    """A page's text (`decode`) and what its tree is parsed from (`base.utf8_page`: its bytes when they are exactly
    its text)."""
    return utf8_page(body, decode)


def page_kind(text: str) -> str | None:
    if "d-m-tb" in text or 'id="Price_Start"' in text:
        return "detail"
    if "main-col-list" in text or "list-item" in text:
        return "list"
    if len(text) < 4096 and _REDIRECT.search(text):
        return "redirect"
    return None


def is_interstitial(body: Body) -> str | None:
    """gpai.net has no known anti-bot page (sources.md §4); its error page is a redirect (`redirect_target`)."""
    return None


def redirect_target(body: Body, url: str) -> str | None:
    """The URL an error page's script sends the browser to, absolute; None for a page that is not one."""
    text = decode(body)
    if page_kind(text) != "redirect":
        return None
    return _absolute(_REDIRECT.search(text).group(1), url)


def parse_redirect(text: str, url: str, fetched_at: datetime) -> None:
    target = _REDIRECT.search(text).group(1)
    raise ParseError(SOURCE, "page", url, f"error page: its script redirects to {target!r} (the spider follows it)")


def _absolute(href: str, base: str) -> str:
    """``href`` made absolute; the list's links are written ``http://www.gpai.net/sf\\item2.do?…`` (a backslash)."""
    return urljoin(base, href.strip().replace("\\", "/"))


def lot_url(lot_id: str | int, page: str = "item2.do") -> str:
    """A lot's canonical page: ``https://www.gpai.net/sf/{page}?Web_Item_ID=N``, ``page`` one of `LOT_PAGES`."""
    return LOT_URL.format(page=page, id=lot_id)


def lot_page(url: str) -> str:
    """The lot page (`LOT_PAGES`) a link or URL names: ``item.do`` for ``…/sf/item.do?…`` (or ``sf\\item.do``), else
    ``item2.do``."""
    found = _LOT_PAGE.search(url)
    return found.group(1).lower() if found else "item2.do"


def _identity(lot_id: str, fetched_at: datetime, page: str = "item2.do") -> RawRecord:
    return {"source": SOURCE, "source_lot_id": lot_id, "url": lot_url(lot_id, page), "fetched_at": fetched_at}


def _squash(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


_PAGE_PARAM = re.compile(r"([?&])page=\d*", re.I)


def _with_page(url: str, page: int) -> str:
    """``url`` asking for ``Page=page`` (the parameter replaced where it is, else added at the end)."""
    if _PAGE_PARAM.search(url):
        return _PAGE_PARAM.sub(lambda m: f"{m.group(1)}Page={page}", url, count=1)
    return f"{url}{'&' if '?' in url else '?'}Page={page}"


# One selector query a page, its nodes taken in document order and told apart by tag: selectolax compiles a
# selector on every call, and a list page asked item by item compiles four per lot (measured: the list parser at
# 0.56 of a plain field-by-field extraction that way, bench/bench_gpai.py).
_LIST_NODES = ("div.list-item span.badge-arrow3, div.list-item span.badge-icon, div.item-tit a, div.gpai-infos, "
               "span.page-infos label, div.filtbar-l label")
_DETAIL_NODES = ("div.d-m-title b, div.d-m-time span.time-txt, div.d-m-time label, div.d-m-price p, div.d-m-tb td, "
                 "div.peoples-infos span b, span#html_Bid_Shu")


def _list_record(link, badge, mode: str, url: str, fetched_at: datetime, category: str | None, court: str,
                 n: int) -> RawRecord:
    href = link.attributes.get("href") or ""
    found = _ITEM_ID.search(href)
    if found is None:
        raise ParseError(SOURCE, "Web_Item_ID", url, f"lot {n}: link {href!r} has no Web_Item_ID")
    title = require(_squash(link.text()), SOURCE, "title", url)
    record = _identity(found.group(1), fetched_at, lot_page(href))
    record["title"] = title
    if badge is not None:
        record["status"] = badge.text(strip=True)
        code = _BADGE_CODE.search(badge.attributes.get("class") or "")
        if code:
            record["raw"] = {"status_code": code.group(1)}
    if mode == "变卖":  # the mode badge: 在线拍, or 变卖 (a sale at a fixed price after unsold auctions)
        record["round"] = mode
    if category:
        record["category"] = category
    if court:
        record["disposal_unit"] = court
    if (location := _title_location(title)) is not None:
        record["location"] = location
    return record


def _title_location(title: str) -> str | None:
    """The address a lot's title reads as, if it does: without its 【一拍】, a kind before a space (``办公房 上海市普陀区…``)
    or a leading 位于, and cut before a description that follows a comma (``…在建工程房地产, 土地权属性质为国有…``; a comma
    before a number goes on with the address: ``盐大路2555号1-3层，2557号1-3层商业房地产``)."""
    bare = title.split("】", 1)[-1] if title.startswith("【") else title
    kind, space, rest = bare.partition(" ")
    if space and len(kind) <= 4 and _ADDRESS_LIKE.match(rest):
        bare = rest
    bare = bare.removeprefix("位于")
    if not _ADDRESS_LIKE.match(bare):
        return None
    return _DESCRIPTION_AFTER.split(bare, 1)[0].strip()


def _list_infos(record: RawRecord, info: str) -> None:
    # str.find, then a match anchored where the label ends: a regular-expression search over the lot's text costs
    # more than the rest of the lot together (measured: 15 us a lot)
    for label, name in _PRICE_LABELS:
        if (at := info.find(label)) >= 0 and (amount := _LIST_AMOUNT.match(info, at + len(label))):
            record[name] = amount.group(1)
    if "final_price" in record:
        record.setdefault("current_price", record["final_price"])
    for label, name in (("开始时间：", "start_at"), ("结束时间：", "end_at")):
        if (at := info.find(label)) >= 0 and (when := _LIST_TIME.match(info, at + len(label))):
            record[name] = when.group(1)
    if (at := info.find("预计结束：")) >= 0 and (when := _LIST_TIME.match(info, at + 5)):  # the search list's end
        record.setdefault("end_at", when.group(1))
    for words, name in (("次出价", "bid_count"), ("次围观", "view_count")):
        if (at := info.find(words)) > 0 and (count := info[max(at - 24, 0):at].split()) and count[-1].isdigit():
            record[name] = count[-1]


def parse_list(body: Body, url: str, fetched_at: datetime) -> ListPage:
    text, markup = _page(body)
    if "main-col-list" not in text and page_kind(text) != "list":  # an error page must not read as an empty list
        if page_kind(text) == "redirect":
            parse_redirect(text, url, fetched_at)
        raise ParseError(SOURCE, "ul.main-col-list", url, "not a list page")
    tree = LexborHTMLParser(markup)
    parts = urlsplit(url)
    query = {k.lower(): v for k, v in parse_qsl(parts.query)}
    category = query.get("at") or None
    court_node = tree.css_first("span.searchtitle") if parts.path.endswith("/court.do") else None
    court = _squash(court_node.text()) if court_node is not None else ""  # a court's own list names the court
    records: list[RawRecord] = []
    badge = record = None
    mode = ""
    total = total_pages = None
    for node in tree.css(_LIST_NODES):
        tag = node.tag
        if tag == "span":
            if "badge-arrow3" in (node.attributes.get("class") or ""):
                mode = node.text(strip=True)
            else:
                badge = node
        elif tag == "a":
            record = _list_record(node, badge, mode, url, fetched_at, category, court, len(records) + 1)
            records.append(record)
            badge, mode = None, ""
        elif tag == "div":
            if record is None:
                raise ParseError(SOURCE, "div.item-tit a", url, f"lot {len(records) + 1} has no title link")
            _list_infos(record, node.text())
            record = None
        elif (label := node.text(strip=True)) and (m := _PAGES.search(label)):  # the two labels
            if label.startswith("(") or label.endswith("页"):  # (N) / 共920页 (the real search list)
                total_pages = int(m.group(1))
            else:
                total = int(m.group(1))
    total_pages = total_pages or 1
    current = tree.css_first("div.page-nav a.on")
    if current is not None and current.text(strip=True).isdigit():
        # the real search list's bar: its pages count from 1 (Page=1 is 'on' on the first page, whose URL may carry
        # no Page at all), and a.page-next links the next one
        on, after = int(current.text(strip=True)), tree.css_first("div.page-nav a.page-next")
        target = _absolute(after.attributes.get("href") or "", url) if after is not None else None
        next_url = target if records and on < total_pages and target and target != url else None
        return ListPage(records, next_url=next_url, total_items=total, total_pages=total_pages)
    page = int(query["page"]) if query.get("page", "").isdigit() else 0  # Page counts from 0 (its links: Page=0…)
    next_url = _with_page(url, page + 1) if records and page + 1 < total_pages else None
    return ListPage(records, next_url=next_url, total_items=total, total_pages=total_pages)


def parse_detail(body: Body, url: str, fetched_at: datetime) -> RawRecord:
    text, markup = _page(body)
    if page_kind(text) == "redirect":
        parse_redirect(text, url, fetched_at)
    tree = LexborHTMLParser(markup)
    title = mode = phase = outcome = ""
    fields: dict[str, str] = {}
    people: list[str] = []
    box = None
    for node in tree.css(_DETAIL_NODES):
        tag = node.tag
        if tag == "td":
            label, sep, value = node.text().partition("：")
            if not sep:
                continue
            label, value = label.strip(), value.strip()
            if label.endswith("拍卖模式"):  # 当前拍卖模式：在线拍 / 变卖
                mode = value
            elif (name := _TABLE_FIELDS.get(label)) and value:
                fields[name] = value
        elif tag == "b":
            if node.parent.tag == "span":  # 报名 / 提醒 / 围观
                people.append(node.text(strip=True))
            elif not title:
                title = _squash(node.text())
        elif tag == "span":
            if node.attributes.get("id") == "html_Bid_Shu":
                fields["bid_count"] = node.text(strip=True) or "0"
            else:
                phase = node.text(strip=True)
        elif tag == "label":
            outcome = outcome or node.text(strip=True)
        elif tag == "p" and box is None:
            box = node
    found = _ITEM_ID.search(url)
    if found is None:
        hidden = tree.css_first("input#Web_Item_ID")
        lot_id = (hidden.attributes.get("value") or "") if hidden is not None else ""
    else:
        lot_id = found.group(1)
    record = _identity(require(lot_id, SOURCE, "Web_Item_ID", url), fetched_at, lot_page(url))
    record["title"] = require(title, SOURCE, "div.d-m-title b", url)
    record.update(fields)
    if mode == "变卖":
        record["round"] = "变卖"
    if "reserve_price" not in record and (start := tree.css_first("span#Price_Start")) is not None:
        record["reserve_price"] = start.text(strip=True) + "元"
    if box is not None:
        label, _, value = box.text().partition("：")
        name = _PRICE_FIELDS.get(label.strip())
        value = _squash(value).split(" 当前领先")[0].replace(" ", "")
        if name in ("current_price", "final_price") and value:
            record["current_price"] = value
            if name == "final_price":
                record["final_price"] = value
    state = outcome if phase == "已结束" and outcome else phase
    if state:
        record["status"] = state
    if (at := text.find("定于")) >= 0:  # the notice: …法院定于2018年11月14日上午11时至2018年11月15日上午11时止
        start, end = notice_period("".join(_TAG.sub("", text[at : at + 2000]).split()))
        if start:
            record["start_at"], record["end_at"] = start, end
    for name, value in zip(("applicant_count", "reminder_count", "view_count"), people):
        record[name] = value
    return record
