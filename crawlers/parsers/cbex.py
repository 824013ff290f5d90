"""CBEX 北京产权交易所 (www.cbex.com.cn): 债权资产 (businessType ZQ) and 金融资产推介 (TJ) listings.

- list: ``/onss-api/jsonp/project/search?fromPage=N&pageSize=…&businessType=ZQ&disclosureType=G3|PG3&…`` (or
  ``businessType=TJ&disclosureType=TJ3&assetType=tj_jrzq``) answers JSONP, ``/**/jQuery…({"data":{"data":[…],
  "totalPage":N,"totalRecordNum":M}});``, or plain JSON without ``callback``. A row gives ``code`` (项目编号, the lot
  id), ``name``, ``url`` (absolute, or a path for some series), ``disclosuretime``, ``disclosurepricewithunit``
  (``123.45万元`` or ``面议``), ``regionname``, ``businesstypename`` (field names: public crawlers, shared/sources.md
  §4). The series says the stage: PG3 预披露, G3 正式披露.
- detail: ``div.main`` › ``div#project-table-box``: label/value cells (项目编号, 项目名称, 转让底价 / 挂牌价格 /
  参考价格, 信息披露起始 / 截止日期, 项目状态, 所在地区, 转让方名称, 债务人, 债权本金, 利息, 债权总额, 基准日, 保证人,
  抵押物; also the ``span.xmjs_detail_label_name`` / ``span.xmjs_detail_label_cont`` layout) and the 债权明细
  table, read row by row as the AMC parsers read a claim table (``crawlers.parsers.amc.read_claim_grid``: header
  labels, 万元 columns, 合计 rows) → ``loans``; attachments from ``li.infoShow a``.
- the Jiasule (加速乐) gate: the site answers 521 with a cookie script until the client holds ``__jsl_clearance_s``.
  `jsl_challenge` solves both steps (the ``document.cookie=('_')+…`` expression, then ``go({bts, chars, ct, ha})``:
  the two characters whose hash matches ``ct``), as public Jiasule solvers do; such a page reaching `parse_page`
  is an `InterstitialPage`.

Amounts stay as the page writes them (``1,234.56万元``); the normalizer reads the unit. Parsed with selectolax and
orjson (the list and the detail are the high-volume pages); the claim table's logic is the AMC parsers' own.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawlers.parsers import amc
from crawlers.parsers.base import ListPage, ParseError, RawRecord, clean_text, tag_ids, utf8_text
from normalizers.amounts import NONE_TEXTS

SOURCE = "cbex"
BASE = "https://www.cbex.com.cn"
LIST_STAGE = {"PG3": "预披露", "G3": "正式披露"}
DEBT_KINDS = ("债权资产", "金融资产", "债权")

_JSONP = re.compile(r"^\s*(?:/\*\*/)?\s*([A-Za-z_$][\w$.]*)\s*\((.*)\)\s*;?\s*$", re.S)
_WS = re.compile(r"[\s\u3000\xa0]+")
_NAMES = re.compile(r"[、，,；;\n]+")
# project codes as public crawlers show them: CP2026BJ1000193, GR2023BJ1002647, G32026BJ100002
_CODE = re.compile(r"[A-Z][A-Z0-9]{3,9}BJ\d{5,8}")
_MONEY = frozenset(amc.MONEY)
_DEBTOR_HEAD = re.compile(r"债务人|借款人|户名|债务企业")
_SEMICOLONS = re.compile(r"[；;]")
_FILE = re.compile(r"\.(?:pdf|docx?|xlsx?|zip|rar)$", re.I)

# label → field, first label found wins (labels as the page writes them, spaces removed)
LABELS: dict[str, tuple[str, ...]] = {
    "code": ("项目编号",),
    "title": ("项目名称", "标的名称"),
    "price": ("转让底价", "挂牌价格", "挂牌价", "参考价格"),
    "kind": ("交易品类", "资产类型"),
    "start": ("信息披露起始日期", "披露起始日期", "挂牌起始日期"),
    "end": ("信息披露截止日期", "披露截止日期", "挂牌截止日期"),
    "period": ("信息披露起止日期", "披露起止日期", "挂牌起止日期"),
    "status": ("项目状态",),
    "location": ("所在地区", "标的所在地"),
    "unit": ("转让方名称", "转让方"),
    "debtor": ("债务人", "主债务人", "债务人名称"),
    "principal": ("债权本金", "本金余额", "借款本金"),
    "interest": ("利息", "利息余额", "欠息"),
    "total": ("债权总额", "债权金额"),
    "as_of": ("基准日", "债权基准日"),
    "guarantors": ("保证人", "担保人"),
    "collateral": ("抵押物", "抵质押物", "担保物"),
}
_LABEL_OF = {label: name for name, labels in LABELS.items() for label in labels}


def squash(text: str | None) -> str:
    """Whitespace runs (\u3000 and \xa0 too) as one space, none at the ends."""
    if not text:
        return ""
    if text.isprintable() and "  " not in text:  # no tab, newline, \xa0 or \u3000 (they are not printable)
        return text.strip()
    text = text.strip()
    if "  " in text or "\n" in text or "\t" in text or "\xa0" in text or "\u3000" in text or "\r" in text:
        return " ".join(text.split())
    return text


def _decoded(body: bytes) -> tuple[str, bool]:
    """The text of UTF-8 ``body`` (`clean_text`'s, a BOM dropped with it) and whether ``body`` is exactly that text
    (`base.utf8_text`: valid UTF-8 whose bytes show nothing for `clean_text` to remove, which is then not run: a byte
    scan is several times cheaper than its per-character checks on a page of Chinese text)."""
    text, exact = utf8_text(body)
    return (text, True) if exact else (clean_text(text), False)


def decode(body: bytes | str) -> str:
    """UTF-8 (the site's pages and API say so; a BOM is dropped), cleaned by `clean_text` as every parser's text
    is (``page_text``), the result the same as ``clean_text`` of the decoded page."""
    if isinstance(body, str):
        return clean_text(body)
    return _decoded(body)[0]


def is_interstitial(body: bytes | str) -> str | None:
    """The Jiasule marker of a 521 cookie page, None for any other page."""
    head = body[:20000] if isinstance(body, bytes) else body[:20000].encode("utf-8", "replace")
    if b"document.cookie" in head and b"__jsl_clearance" in head or b"('_')+('_')" in head:
        return "jiasule: __jsl_clearance_s cookie script"
    if b";go({" in head and b'"bts"' in head:
        return "jiasule: go({bts, chars, ct}) challenge"
    return None


def page_kind(text: str) -> str | None:
    if is_interstitial(text):
        return "interstitial"
    start = text.lstrip()[:200]
    if start.startswith(("{", "/**/")) or _JSONP.match(start + ")"):
        return "list"
    if "project-table-box" in text:
        return "detail"
    return None


# --------------------------------------------------------------------------------------------- the gate


_DIGIT_FORMS = {"(+[]+[])": "0", "(-~[]+[])": "1", "(+!+[]+[])": "1"}
_STAGE1 = re.compile(r"document\.cookie\s*=\s*(.+?)\s*;\s*location", re.S)
_TOKEN = re.compile(r"\('([^']*)'\)|\(\+\[\]\+\[\]\)|\(-~\[\]\+\[\]\)|\(\+!\+\[\]\+\[\]\)|\+|'([^']*)'")
_GO = re.compile(r";go\((\{.*?\})\)", re.S)
_HASHES = {"md5": hashlib.md5, "sha1": hashlib.sha1, "sha256": hashlib.sha256}


def jsl_challenge(body: bytes | str, url: str = "") -> tuple[str, str]:
    """The cookie ``(name, value)`` a Jiasule 521 page asks for. Step 1: the ``document.cookie=`` expression of
    quoted strings and digit forms, evaluated; step 2: ``go({"bts":[a,b],"chars":C,"ct":H,"ha":…,"tn":name})``,
    the value ``a + x + y + b`` (x, y in C) whose hash is H. Raises `ParseError` for a challenge it cannot read."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    go = _GO.search(text)
    if go:
        try:
            spec = orjson.loads(go.group(1))
            head, tail = spec["bts"]
            digest = _HASHES[spec.get("ha", "sha1")]
            chars, target = spec["chars"], spec["ct"]
        except (orjson.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
            raise ParseError(SOURCE, "jiasule go()", url, f"unreadable challenge: {exc}") from None
        for x in chars:
            for y in chars:
                value = f"{head}{x}{y}{tail}"
                if digest(value.encode()).hexdigest() == target:
                    return spec.get("tn", "__jsl_clearance_s"), value
        raise ParseError(SOURCE, "jiasule go()", url, "no two characters of chars give the hash ct")
    stage1 = _STAGE1.search(text)
    if not stage1:
        raise ParseError(SOURCE, "jiasule", url, "a 521 page without a cookie script or go() challenge")
    expr, pos, out = stage1.group(1), 0, []
    for match in _TOKEN.finditer(expr):
        if match.start() != pos:
            raise ParseError(SOURCE, "jiasule", url, f"unknown form in the cookie script: {expr[pos:pos + 30]!r}")
        pos = match.end()
        token = match.group()
        if token != "+":
            out.append(match.group(1) if match.group(1) is not None else match.group(2)
                       if match.group(2) is not None else _DIGIT_FORMS[token])
    if pos != len(expr):
        raise ParseError(SOURCE, "jiasule", url, f"unknown form in the cookie script: {expr[pos:pos + 30]!r}")
    cookie = "".join(out).split(";", 1)[0]
    name, sep, value = cookie.partition("=")
    if not sep or not name.strip():
        raise ParseError(SOURCE, "jiasule", url, f"the cookie script sets no cookie: {cookie[:60]!r}")
    return name.strip(), value.strip()


# --------------------------------------------------------------------------------------------- list


_JSONP_BYTES = re.compile(rb"^\s*(?:/\*\*/)?\s*[A-Za-z_$][\w$.]*\s*\((.*)\)\s*;?\s*$", re.S)


def _loads(text: str, url: str) -> Any:
    match = _JSONP.match(text)
    payload = match.group(2) if match else text.strip().removeprefix("/**/")
    try:
        return orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise ParseError(SOURCE, "json", url, f"the list answer is not JSON(P): {exc}") from None


def _load_answer(body: bytes | str, url: str) -> Any:
    """The list answer's JSON. Bytes with nothing for `clean_text` to remove go to orjson as they are (orjson
    would otherwise encode the decoded text back to UTF-8); any other answer, or one this shortcut cannot read, is
    read from the text as `_loads` reads it (so its errors are the same)."""
    if isinstance(body, bytes):
        text, exact = _decoded(body)
        if exact:
            match = _JSONP_BYTES.match(body)
            try:
                return orjson.loads(match.group(1) if match else body.strip().removeprefix(b"/**/"))
            except orjson.JSONDecodeError:
                pass
        return _loads(text, url)
    return _loads(decode(body), url)


_SIMPLE_PATH = re.compile(r"/(?!/)[\w\-.~%!$&'()*+,=:@/]*")


def absolute(url: str) -> str:
    """A row's ``url`` as an https URL on www.cbex.com.cn (www.cbex.com redirects there; paths are relative)."""
    url = url.strip()
    if url.startswith(BASE + "/"):
        return url
    if _SIMPLE_PATH.fullmatch(url) and "/." not in url:
        # what urljoin makes of a path with no dot segment, query, fragment or parameters (it costs a few µs a row)
        return (BASE + url).replace("http://www.cbex.com.cn", BASE)
    if url.startswith("//"):
        url = "https:" + url
    url = urljoin(BASE + "/", url)
    return re.sub(r"^https?://www\.cbex\.com(?=/)", BASE, url).replace("http://www.cbex.com.cn", BASE)


_FROM_PAGE = re.compile(r"([?&]fromPage=)(\d+)")
_SERIES = re.compile(r"[?&]disclosureType=([A-Z0-9]+)")


def parse_list(body: bytes | str, url: str, fetched_at: datetime) -> ListPage:
    data = _load_answer(body, url)
    page = data.get("data") if isinstance(data, dict) else None
    rows = page.get("data") if isinstance(page, dict) else None
    if not isinstance(rows, list):
        raise ParseError(SOURCE, "data.data", url, "no list of projects in the answer")
    series = _SERIES.search(url)
    stage = LIST_STAGE.get(series.group(1)) if series else None
    records = [list_record(row, url, fetched_at, stage) for row in rows]
    pages = page.get("totalPage")
    total_pages = int(pages) if isinstance(pages, int) or str(pages or "").isdigit() else None
    count = page.get("totalRecordNum", page.get("total"))
    next_url = None
    current = _FROM_PAGE.search(url)
    number = int(current.group(2)) if current else 1
    if total_pages and number < total_pages and rows:
        next_url = (_FROM_PAGE.sub(lambda m: f"{m.group(1)}{number + 1}", url, count=1) if current
                    else f"{url}{'&' if '?' in url else '?'}fromPage={number + 1}")
    return ListPage(records, next_url=next_url, total_pages=total_pages,
                    total_items=int(count) if isinstance(count, int) or str(count or "").isdigit() else None)


def _str(value: Any) -> str:
    """A JSON value as text, stripped (the normalizer collapses inner whitespace where a field needs it)."""
    if value.__class__ is str:
        return value.strip()
    return "" if value is None else str(value).strip()


_BASE_SLASH = BASE + "/"


def list_record(row: dict[str, Any], url: str, fetched_at: datetime, stage: str | None) -> RawRecord:
    # Written out field by field (conditional expressions, no helper calls or comprehensions per value): a list
    # answer is a few dozen rows and this is all the parse does per row. A value is text stripped, None as "".
    get = row.get
    code, link = get("code"), get("url")
    code = code.strip() if code.__class__ is str else _str(code)
    if not code or not link:
        raise ParseError(SOURCE, "code" if not code else "url", url, f"a list row without it: {str(row)[:120]}")
    if link.__class__ is not str or not link.startswith(_BASE_SLASH) or link[-1].isspace():
        link = absolute(str(link))  # (an absolute URL on the site, no space at its end, is as `absolute` leaves it)
    name = get("name")
    name = name.strip() if name.__class__ is str else _str(name)
    record: RawRecord = {"source": SOURCE, "source_lot_id": code, "url": link, "fetched_at": fetched_at,
                         "title": name or code}
    kind = get("businesstypename")
    if (kind.strip() if kind.__class__ is str else _str(kind)) in DEBT_KINDS:
        record["asset_type"] = "debt"
    price = get("disclosurepricewithunit") or get("disclosureprice")
    price = price.strip() if price.__class__ is str else _str(price)
    if price and price not in NONE_TEXTS:
        record["reserve_price"] = price
    region = get("regionname")
    region = region.strip() if region.__class__ is str else _str(region)
    if region:
        record["location"] = region
    when = get("disclosuretime")
    when = when.strip() if when.__class__ is str else _str(when)
    if when:
        record["start_at"] = when
    if stage:
        record["status"] = stage
    raw = {}
    if (value := get("id")) is not None and value != "":
        raw["id"] = value
    if (value := get("disclosuretime")) is not None and value != "":
        raw["disclosuretime"] = value
    if (value := get("disclosureprice")) is not None and value != "":
        raw["disclosureprice"] = value
    if kind is not None and kind != "":
        raw["businesstypename"] = kind
    record["raw"] = raw
    return record


# --------------------------------------------------------------------------------------------- detail


def _text(node: LexborNode | None) -> str:
    return squash(node.text(separator=" ")) if node is not None else ""


def _cells(tr: LexborNode) -> list[LexborNode]:
    return [c for c in tr.iter() if c.tag in ("td", "th")]


GridCell = amc.Cell  # a cell of a table's grid, read by the AMC claim-table functions


_CELL_TAGS = frozenset(tag_ids("td", "th"))  # (an int test per child of a row)


@lru_cache(maxsize=512)
def header_field(label: str) -> str | None:
    """`amc.header_field`, remembered (a site's tables repeat their header labels page after page)."""
    return amc.header_field(label)


@lru_cache(maxsize=512)
def _column(labels: tuple[str, ...], table_unit: str | None) -> tuple[str | None, str | None, str | None]:
    """(field, unit, currency) of a claim-table column from its header labels, as `amc._columns` reads them."""
    name = header_field(labels[-1]) if labels else None
    if name is None and labels:
        name = header_field("".join(labels))
    joined = "".join(labels)
    return name, amc.unit_of(joined) or table_unit, amc.currency_code(amc._paren_text(joined))


def header_rows(grid: list[list[GridCell]]) -> tuple[int, int] | None:
    """`amc.header_rows` with the remembered label lookup: the first row naming a debtor and an amount, and the
    label rows under it."""
    for i, row in enumerate(grid):
        fields = {header_field(c.text) for c in row} - {None}
        if "debtor" in fields and fields & _MONEY:
            end = i + 1
            origins = {c.origin for c in row}
            while end < len(grid):
                texts = [c.text for c in grid[end] if c.origin not in origins and c.text]
                if not texts or not all(header_field(t) for t in texts) or any(
                        amc._AMOUNTISH.search(t) and not header_field(t) for t in texts):
                    break
                origins |= {c.origin for c in grid[end]}
                end += 1
            return i, end
    return None


_PLAIN_NUMBER = re.compile(r"-?[\d,，]*\d(?:\.\d+)? ?")
_MONEY_WAN, _MONEY_YUAN, _NOTE = object(), object(), object()  # how a money column's cells are read


def claim_loans(grid: list[list[GridCell]], header: tuple[int, int], unit: str | None, as_of: str | None,
                notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The loans of a 债权明细 grid, as `amc.read_claim_grid` reads a claim table (the same header labels, units
    and 合计 rows; a row whose cells are the previous row's spanned cells continues that loan), with amounts kept
    as written: a plain number under a column whose unit is known is the loan's amount, anything else (``详见附件``,
    a number in a table that states no unit) goes to ``notes`` and is never read as money."""
    first, end = header
    by_field: dict[str, tuple[int, str | None, str | None]] = {}
    for j in range(len(grid[first])):
        if end - first == 1:
            text = grid[first][j].text
            labels: tuple[str, ...] = (text,) if text else ()
        else:
            labels = tuple(dict.fromkeys(grid[r][j].text for r in range(first, end) if grid[r][j].text))
        name, col_unit, currency = _column(labels, unit)
        if name and name not in by_field:
            by_field[name] = (j, col_unit, currency)
    # per column: (field, index, what to do with its text); the columns whose cells tell a loan from the previous
    # loan's spanned cells
    columns = [(name, index, _MONEY_WAN if name in _MONEY and col_unit == "wan" else _MONEY_YUAN if name in _MONEY
                and col_unit == "yuan" else _NOTE if name in _MONEY else name)
               for name, (index, col_unit, _) in by_field.items()]
    keyed = [index for name, (index, _, _) in by_field.items() if name in _MONEY or name == "debtor"]
    currency = by_field["principal"][2] if "principal" in by_field and by_field["principal"][2] else "CNY"
    summary = amc._SUMMARY.match
    loans: list[dict[str, Any]] = []
    previous: tuple[int, ...] | None = None
    for r in range(end, len(grid)):
        row = grid[r]
        for cell in row:
            if cell.text:
                break
        else:
            continue
        for cell in row[:3]:
            if "计" in cell.text and summary(cell.text.replace(" ", "")):
                break
        else:
            cell = None
        if cell is not None:
            previous = None
            continue  # a 合计 / 小计 row: the listing states its totals in the label table
        origins = tuple([row[index].origin for index in keyed])
        if previous is not None and origins == previous:
            continue  # the previous loan's spanned cells (a second collateral line)
        previous = origins
        loan: dict[str, Any] = {}
        units: dict[str, str] = {}
        for name, index, how in columns:
            cell = row[index]
            text = cell.text
            if not text or text in NONE_TEXTS:
                continue
            if how is _MONEY_WAN or how is _MONEY_YUAN:
                if _PLAIN_NUMBER.fullmatch(text):
                    loan[name] = text
                    if how is _MONEY_WAN:
                        units[name] = "wan"
                else:
                    notes.append({"row": r, "field": name, "text": text})
            elif how is _NOTE:
                notes.append({"row": r, "field": name, "text": text})
            elif how == "seq":
                if text.isdigit():
                    loan["seq"] = int(text)
            elif how == "currency":
                loan["currency"] = amc.currency_code(text) or text
            elif how == "claim_as_of":
                loan["claim_as_of"] = text
            else:
                loan[name] = ("、" if name == "guarantors" else "；" if name == "collateral" else " ").join(
                    cell.parts) if cell.parts else text
        if not loan or len(loan) == 1 and "seq" in loan:
            continue
        if "currency" not in loan:
            loan["currency"] = currency
        if as_of and "claim_as_of" not in loan:
            loan["claim_as_of"] = as_of
        if units:
            loan["units"] = units
        loans.append(loan)
    return loans


def _pairs(box: LexborNode, tables: list[tuple[LexborNode, list[LexborNode]]], page: str) -> dict[str, str]:
    """Label → value of the label/value cells of ``tables`` (each with its rows) and of the xmjs label spans (first
    value of a label wins). Only the value cells of known labels are read in full."""
    found: dict[str, str] = {}
    label_of = _LABEL_OF
    cell_tags = _CELL_TAGS
    for _table, trs in tables:
        for tr in trs:
            label = None  # the cell before, when it may be a label
            for cell in tr.iter():
                if cell.tag_id not in cell_tags:
                    continue
                if label is None:
                    label = cell
                    continue
                # the label as text(strip=True) gives it (text nodes stripped one by one), spaces and a closing
                # colon removed; text() joins the nodes as they are for less, and gives the same label unless
                # non-space whitespace remains inside
                text = label.text().strip().replace(" ", "")
                name = label_of.get((text if text.isprintable() else label.text(strip=True).replace(" ", "")
                                     ).rstrip(":："))
                if name is not None and name not in found:
                    found[name] = squash(cell.text(separator=" "))
                label = None
    if "xmjs_detail_label_name" not in page:
        return found  # (no span of that class on the page)
    for name in box.css("span.xmjs_detail_label_name"):
        label = _text(name).replace(" ", "").rstrip(":：")
        value = name.next
        while value is not None and not (value.tag == "span" and "xmjs_detail_label_cont" in (
                value.attributes.get("class") or "")):
            value = value.next
        if label in _LABEL_OF and value is not None and _LABEL_OF[label] not in found:
            found[_LABEL_OF[label]] = _text(value)
    return found


def _none(text: str | None) -> bool:
    """No value: empty or a 无 / 暂无 / - (the label values are squashed already)."""
    return not text or text in NONE_TEXTS


@lru_cache(maxsize=1024)
def _date(text: str) -> str | None:
    """`amc.date_part`, remembered (pages of a night share their dates)."""
    return amc.date_part(text)


def parse_detail(body: bytes | str, url: str, fetched_at: datetime) -> RawRecord:
    if isinstance(body, bytes):
        page, exact = _decoded(body)
        # selectolax parses bytes as UTF-8 and would encode a str back to them: the page's own bytes are given when
        # they are what that would make
        tree = LexborHTMLParser(body if exact else page)
    else:
        page = decode(body)
        tree = LexborHTMLParser(page)
    box = tree.css_first("div#project-table-box")
    if box is None:
        raise ParseError(SOURCE, "div#project-table-box", url, "not a project page")
    # the claim tables first (a header naming a debtor and an amount), so their cells are not read as labels
    label_tables = []
    grids = []
    for table in box.css("table"):
        trs = table.css("tr")  # each table's rows are found once
        if not trs or not _DEBTOR_HEAD.search(trs[0].text()):
            label_tables.append((table, trs))  # a label/value table (a claim table's header names a debtor)
            continue
        grid = amc.table_grid(table, trs)  # every row under the table, found once
        header = header_rows(grid)
        if header is not None:
            grids.append((table, grid, header))
        else:
            label_tables.append((table, trs))
    f = _pairs(box, label_tables, page)
    code = f.get("code") or urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".html")
    if not _CODE.fullmatch(code or ""):
        raise ParseError(SOURCE, "项目编号", url, f"no project code on the page (found {code!r})")
    title = f.get("title") or _text(tree.css_first("h1.xmjs_detail_title")) or _text(tree.css_first("title")).split(
        "-北京产权交易所")[0]
    if not title:
        raise ParseError(SOURCE, "项目名称", url)
    record: RawRecord = {"source": SOURCE, "source_lot_id": code, "url": url, "fetched_at": fetched_at,
                         "title": title}
    raw: dict[str, Any] = {}
    as_of = _date(f.get("as_of", "")) if not _none(f.get("as_of")) else None
    loans: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for table, grid, header in grids:
        unit = amc.unit_above(grid, header[0]) or _unit_before(table)
        loans += claim_loans(grid, header, unit, as_of, notes)
    if loans:
        record["loans"] = loans
    if notes:
        raw["loan_notes"] = notes
    if not _none(f.get("price")):
        record["reserve_price"] = f["price"]
    elif f.get("price"):
        raw["price"] = f["price"]
    kind = f.get("kind", "")
    if any(k in kind for k in DEBT_KINDS):
        record["asset_type"] = "debt"
    elif kind:
        record["category"] = kind
    period = f.get("period", "")
    start = _date(f.get("start", "")) or (_date(period) if period else None)
    end = _date(f.get("end", "")) or (_date(period.split("至", 1)[-1]) if "至" in period else None)
    if start:
        record["start_at"] = start
    if end:
        record["end_at"] = f"{end} 24:00"  # a disclosure period runs to the end of its last day
    if f.get("status"):
        record["status"] = f["status"]
    if not _none(f.get("location")):
        record["location"] = f["location"]
    if not _none(f.get("unit")):
        record["disposal_unit"] = f["unit"]
    debtors = [d for d in (squash(x) for x in _NAMES.split(f.get("debtor", ""))) if d and d not in NONE_TEXTS]
    if len(debtors) == 1:
        record["debtor"] = debtors[0]
    elif debtors:
        raw["debtors"] = debtors
    for name, key in (("principal", "principal"), ("interest", "interest"), ("total_claim", "total")):
        if not _none(f.get(key)):
            record[name] = f[key]
    if as_of:
        record["claim_as_of"] = as_of
    if not _none(f.get("guarantors")):
        record["guarantors"] = f["guarantors"]
    if not _none(f.get("collateral")):
        record["collateral"] = [{"description": squash(p)} for p in _SEMICOLONS.split(f["collateral"]) if p.strip()]
    files = []
    for a in tree.css("li.infoShow a, div#project-table-box a"):
        href = (a.attributes.get("href") or "").strip()
        if href and _FILE.search(href.split("?")[0]):
            link = href if href.startswith("https://") else urljoin("https://otc.cbex.com/", href)
            if all(link != x["url"] for x in files):
                files.append({"name": _text(a) or link.rsplit("/", 1)[-1], "url": link})
    if files:
        raw["attachments"] = files
    for key, label in _RAW_LABELS:
        if f.get(key):
            raw[label] = f[key]
    record["raw"] = raw
    return record


_RAW_LABELS = (("kind", "交易品类"), ("status", "项目状态"), ("period", "信息披露起止日期"))


def _unit_before(table: LexborNode) -> str | None:
    """A ``单位：万元`` line in the two elements before the table."""
    node = table.prev
    seen = 0
    while node is not None and seen < 3:
        if node.tag != "-text":
            seen += 1
            unit = amc.unit_of(_text(node), line=True)
            if unit:
                return unit
        node = node.prev
    return None
