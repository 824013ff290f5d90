"""Shared parsing for the four AMCs' disposal notices (长城, 中信金融 ex-华融, 信达, 东方; shared/sources.md §3).

A notice is free-form HTML pasted from Word, read with selectolax (lexbor, an HTML5 parser: a tenth of
BeautifulSoup's cost on these pages; the text is what BeautifulSoup's ``get_text`` gave, the contents of ``script`` /
``style`` / ``template`` left out). One notice is one raw record (a `Lot`):

- ``title``, ``disposal_unit`` (the branch: ``中国长城资产管理股份有限公司广东省分公司``), ``seller_type`` = ``amc``;
- dates: the notice's period (``公告期为…至…``, ``竞价…将于…至…``, ``请于…前``) → ``start_at`` / ``end_at``; a date
  without a time ends at 24:00 (written ``…日24时``); without a stated start, ``start_at`` is the publication date
  (a notice runs from its publication). The publication date itself is kept in ``raw["published_at"]``.
- ``status``: what the stated dates imply at the fetch time, as a label the normalizer knows: ``未开始`` (an auction
  still to start), ``进行中`` (before the stated end), ``已结束`` (after it); none when the notice states no end
  (``20个工作日`` is not a date) — never a guess.
- package totals: the prose's ``本金合计人民币…万元`` / ``利息…`` / ``本息合计…`` (the whole package), else the
  ``合计`` row of a table all in CNY (a 人民币合计 beside 美元 / 港元 rows is only part of the package: left out) →
  ``principal`` / ``interest`` / ``total_claim``; ``claim_as_of`` from ``截至…`` / ``基准日为…``;
- ``loans``: every row of every claim table (a table with a debtor column and an amount column), one dict per loan
  (``seq``, ``debtor``, ``guarantors``, ``collateral``, ``principal``, ``interest``, ``fees``, ``total``,
  ``currency``, ``claim_as_of``, ``units``).

Claim tables: cells are expanded into a grid (``rowspan`` / ``colspan`` copied into every cell they cover, each copy
remembering the cell it came from); header rows are found by their labels with whitespace and units removed
(``本 金`` = ``本金（元）`` = principal), two-level headers read bottom label first (``债权金额（万元）`` over ``本 金``);
the unit of a column comes from its header (``（元）``, ``（万元）``, ``（单位：万元）``), else from ``单位：万元`` /
``金额单位：元`` just above the table or in it, else from an explicit unit line of the notice; with no unit
anywhere the amounts are not read as money (``raw["unitless_amounts"]`` keeps them) — never a guess.
``合计`` / ``小计`` / ``总计`` rows are totals, not loans; a row whose amount cells are the spanned cells of the
previous loan, or a row without 序号 and without amounts, continues the previous loan (a second collateral
item); a note row spanning the table (``注：…``) is kept in ``raw["table_notes"]``. Every other row is a loan,
odd or not: a cell that is not an amount (``详见附件``) is left out of the loan and kept in
``raw["loan_notes"]``. A 币种 column (人民币 / 美元 / 港元) gives each loan its currency.

Checks (``raw["loan_checks"]``): every ``合计`` / ``小计`` row is compared with the sum of the loans it covers (same
currency; a 小计 covers the loans since the previous total row), and the prose's package totals with all CNY
loans: ``{"row", "kind", "currency", "loans", "fields": {field: {"stated", "sum", "difference", "missing"}}}``
in yuan (``difference`` = stated − sum; ``missing`` = loans without that amount). ``raw["households"]`` is the
``N户`` the notice states, ``raw["attachments"]`` the PDF / XLS links ``[{"name", "url"}]``.

Decoding: UTF-8 unless the bytes say otherwise; text that was UTF-8 read as latin1 and stored (东方's mojibake:
``ä¸­å\x9b½``) is repaired run by run before parsing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawlers.parsers.base import ParseError, RawRecord, page_text, tag_ids
from normalizers.amounts import CURRENCIES, NONE_TEXTS, parse_amount
from normalizers.dates import DateParseError, parse_date, parse_datetime

Body = bytes | str
COMPANIES = ("长城", "信达", "东方", "中信金融", "华融")

# --------------------------------------------------------------------------------------------- decoding

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.IGNORECASE)
_MOJIBAKE = re.compile(r"(?:[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3})+")
_MOJIBAKE_LEADS = bytes(range(0xC2, 0xF5))
_HIGH_RUN = re.compile(r"[\x80-\xff]+")


def _utf8_of(run: str) -> str:
    """``run`` read back as UTF-8 when that gives text past Latin (CJK, full-width punctuation: U+2000 and up), else
    ``run`` as it is; raises UnicodeDecodeError where the run is not UTF-8."""
    fixed = run.encode("latin1").decode("utf-8")
    return fixed if max(fixed) >= "\u2000" else run


def _fix(match: re.Match[str]) -> str:
    try:
        return _utf8_of(match.group())
    except (UnicodeEncodeError, UnicodeDecodeError):
        return match.group()


def _fix_high_run(match: re.Match[str]) -> str:
    """A maximal run of U+0080-U+00FF characters: decoded whole when it is valid UTF-8 (the pattern then matches it
    whole: its lead bytes each take one form), else run by run."""
    try:
        return _utf8_of(match.group())
    except UnicodeDecodeError:
        return _MOJIBAKE.sub(_fix, match.group())


def repair_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-latin1 (``ä¸\\xadå\\x9b½`` → ``中国``) run by run; runs that do not decode to CJK text
    (a real ``é``, a lone no-break space) stay as they are."""
    # A run starts with a character in Â-ô: without one among the text's Latin-1 characters (an encoding that drops
    # the others, and a byte deletion: a few microseconds) there is no run, and the scan is skipped. A run lies
    # within a maximal run of U+0080-U+00FF characters (its pattern's every character is one), so those are found
    # by a one-class scan and each decoded whole when it can be: the pattern's own scan, pair by pair, took about
    # 40 ns a character (190 µs on a 5 kB mojibake list answer, twice the cost of parsing the page).
    narrow = text.encode("latin-1", "ignore")
    if len(narrow.translate(None, _MOJIBAKE_LEADS)) == len(narrow):
        return text
    return _HIGH_RUN.sub(_fix_high_run, text)


@page_text
def decode(body: Body) -> str:
    """Bytes to text: UTF-8 (with or without BOM) whatever the page or the HTTP header claims — the AMC servers
    label UTF-8 as ISO-8859-1 — else the declared charset (GBK read as GB18030), then mojibake repaired."""
    if isinstance(body, str):
        return repair_mojibake(body)
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        match = _META_CHARSET.search(body[:4096])
        declared = match.group(1).decode("ascii").lower() if match else "gb18030"
        declared = "gb18030" if declared in ("gbk", "gb2312", "x-gbk") else declared
        try:
            text = body.decode(declared)
        except (UnicodeDecodeError, LookupError):
            text = body.decode("gb18030", errors="replace")
    return repair_mojibake(text)


def is_interstitial(body: Body) -> str | None:
    """No anti-bot page is known for these sites."""
    return None


def loads(text: str, source: str, url: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ParseError(source, "json", url, f"response is not JSON: {exc}") from None


Tag = LexborNode  # an element of a parsed page
# Elements whose strings are code, not text: BeautifulSoup's get_text left them out, and so does every text read
# here (the tree drops them whole before anything is read).
NOT_TEXT = ["script", "style", "template", "rt", "rp"]


def soup(text: str) -> LexborHTMLParser:
    """The page's tree (``script`` / ``style`` / ``template`` / ``rt`` / ``rp`` elements removed)."""
    tree = LexborHTMLParser(text)
    tree.strip_tags(NOT_TEXT, recursive=True)
    return tree


def parent_tag(node: Tag, name: str) -> Tag | None:
    """The nearest ancestor of ``node`` named ``name``."""
    parent = node.parent
    while parent is not None and parent.tag != name:
        parent = parent.parent
    return parent


def previous_element(node: Tag) -> Tag | None:
    """The element just before ``node`` among its siblings (text and comments skipped)."""
    sibling = node.prev
    while sibling is not None and not sibling.is_element_node:
        sibling = sibling.prev
    return sibling


def child_elements(node: Tag, *names: str) -> list[Tag]:
    """``node``'s child elements named one of ``names``, in order."""
    out = []
    child = node.child
    while child is not None:
        if child.tag in names:
            out.append(child)
        child = child.next
    return out


# --------------------------------------------------------------------------------------------- text helpers

_WS = re.compile(r"[\s\u3000\xa0]+")
# squash / nospace split on str.split()'s whitespace, which is the regex's: Python's ``\s`` and ``str.split()`` both
# test ``str.isspace`` (\u3000 and \xa0 among it; checked over every code point) — the split is four times faster
# than the regex on a cell's text, and a notice squashes some hundred texts.


def squash(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def nospace(text: str | None) -> str:
    return "".join(text.split()) if text else ""


def node_text(node: Tag | None) -> str:
    return squash(node.text(separator=" ")) if node is not None else ""


def lines(node: Tag) -> list[str]:
    """The node's text, one squashed line per text node and per line break within one."""
    return [" ".join(x.split()) for x in node.text(separator="\n").split("\n") if x and not x.isspace()]


# --------------------------------------------------------------------------------------------- tables → grid


class Cell(NamedTuple):
    """A position of a table's grid (a tuple: cheaper to make than a frozen dataclass, and a claim table makes
    hundreds)."""

    text: str
    origin: int  # the source cell: spanned copies share it
    parts: tuple[str, ...] = ()  # the cell's lines when it has several (<br>, paragraphs): one name or item each


_CELL_TAGS = frozenset(tag_ids("td", "th"))  # an int test per child of a row
_SECTIONS = ("tbody", "thead", "tfoot")


def _span(value: str | None) -> int:
    if value is None:  # (most cells: no exception raised and caught for them)
        return 1
    try:
        return min(max(int(str(value).strip() or 1), 1), 500)
    except ValueError:
        return 1


def _own_rows(table: Tag) -> list[Tag]:
    """The table's own ``tr`` (not a nested table's): a row under one of the table's sections (what the HTML parser
    makes of every row) is known without walking its ancestors. Nodes are told apart by ``mem_id`` (selectolax's
    ``==`` of two different nodes serializes both to HTML and compares the texts; a nested table's HTML is never
    its outer table's, so the two tests agree)."""
    rows = []
    own = table.mem_id
    for tr in table.css("tr"):
        parent = tr.parent
        if parent is not None and (parent.mem_id == own or parent.tag in _SECTIONS and parent.parent is not None
                                   and parent.parent.mem_id == own):
            rows.append(tr)
        elif (found := parent_tag(tr, "table")) is not None and found.mem_id == own:
            rows.append(tr)
    return rows


def table_grid(table: Tag, rows: list[Tag] | None = None) -> list[list[Cell]]:
    """The table as a rectangular grid: every ``rowspan`` / ``colspan`` copied into each position it covers. Over
    ``rows`` when the caller has found them, else over the table's own rows."""
    grid: list[list[Cell]] = []
    pending: dict[int, tuple[Cell, int]] = {}  # column → (cell, rows still to cover)
    counter = 0
    cell_tags = _CELL_TAGS
    make = tuple.__new__  # a Cell without the Python-level __new__ of a NamedTuple

    def take_pending(row: list[Cell]) -> None:
        while len(row) in pending:
            cell, left = pending[len(row)]
            if left > 1:
                pending[len(row)] = (cell, left - 1)
            else:
                del pending[len(row)]
            row.append(cell)

    for tr in (_own_rows(table) if rows is None else rows):
        row: list[Cell] = []
        td = tr.child
        while td is not None:
            if td.tag_id not in cell_tags:
                td = td.next
                continue
            if pending:
                take_pending(row)
            text = td.text(separator="\n")
            if "\n" in text:
                parts = tuple(p for p in (" ".join(x.split()) for x in text.split("\n")) if p)
                cell = make(Cell, (" ".join(parts), counter, parts if len(parts) > 1 else ()))
            else:  # one line: printable without a double space, its squashed text is the stripped text
                cell = make(Cell, (text.strip() if text.isprintable() and "  " not in text else " ".join(text.split()),
                                   counter, ()))
            counter += 1
            attributes = td.attributes
            if attributes and ("rowspan" in attributes or "colspan" in attributes):
                down, across = _span(attributes.get("rowspan")), _span(attributes.get("colspan"))
                for _ in range(across):
                    if down > 1:
                        pending[len(row)] = (cell, down - 1)
                    row.append(cell)
            else:
                row.append(cell)
            td = td.next
        take_pending(row)
        for column in sorted(c for c in pending if c > len(row)):  # spans beyond a short row
            while len(row) < column:
                row.append(Cell("", counter))
                counter += 1
            take_pending(row)
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        while len(row) < width:
            row.append(Cell("", counter))
            counter += 1
    return grid


# --------------------------------------------------------------------------------------------- claim tables

# Header label (whitespace and parenthesised units removed) → field, tried in this order.
_HEADER_FIELDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("seq", re.compile(r"^(?:序号|序|编号|No\.?)$", re.IGNORECASE)),
    ("currency", re.compile(r"币种|币别")),
    ("claim_as_of", re.compile(r"基准日|截止日|截至日")),
    ("guarantors", re.compile(r"担保人|保证人")),
    ("collateral", re.compile(r"抵押|质押|担保物")),
    ("debtor", re.compile(r"债务人|借款人|户名|债务企业")),
    ("fees", re.compile(r"费用")),
    ("interest", re.compile(r"利息|欠息")),
    ("principal", re.compile(r"本金")),
    ("total", re.compile(r"本息|合计|总额|总计|债权余额|债权金额")),
)
MONEY = ("principal", "interest", "fees", "total")
_PAREN = re.compile(r"[（(][^（()）]*[)）]")
_UNIT_IN = re.compile(r"(?:单位\s*[:：]\s*)?(?:人民币|美元|港元|港币)?\s*(万元|亿元|元)")
_UNIT_PAREN = re.compile(r"[（(]\s*(?:金额)?(?:单位\s*[:：]\s*)?(?:人民币|美元|港元|港币)?\s*(万元|亿元|元)\s*[)）]")
# a line that only declares the unit: 单位：万元 / 金额单位：人民币元 / （以下金额单位均为人民币元）
_UNIT_LINE = re.compile(r"^[（(]?(?:以下)?(?:金额|币种[:：]人民币)?单位(?:均为|为|[:：])(?:人民币)?(万元|亿元|元)[)）]?[。.；;]?$")
_UNITS = {"元": "yuan", "万元": "wan", "亿元": "yi"}
_SUMMARY = re.compile(r"^[\u4e00-\u9fa5]{0,6}(?:合计|总计|小计|共计)(?:[（(][^)）]*[)）]|人民币|美元|港元|港币)?[:：]?$")
_SEQ = re.compile(r"^\d{1,6}$")
_AMOUNTISH = re.compile(r"\d[\d,，.]*\d|\d")
_AS_OF_TEXT = re.compile(r"(?:截至|截止(?:日期)?(?:到|至)?|基准日(?:期)?(?:为|是)?)\s*[:：]?\s*"
                         r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)")


@lru_cache(maxsize=1024)
def header_field(label: str) -> str | None:
    """The field a header label names (remembered: a site's tables repeat their labels page after page)."""
    key = nospace(_PAREN.sub("", label))
    if not key or len(key) > 16:
        return None
    for name, pattern in _HEADER_FIELDS:
        if pattern.search(key):
            return name
    return None


def currency_code(text: str) -> str | None:
    """人民币 / 美元 / 港元 / USD … → ISO code, None when the text names no currency."""
    upper = text.upper()
    for token in _CURRENCY_TOKENS:
        if token in upper:
            return CURRENCIES[token]
    return None


_CURRENCY_TOKENS = [t for t in sorted(CURRENCIES, key=len, reverse=True) if t not in ("$", "¥")]


def unit_of(text: str, *, line: bool = False) -> str | None:
    """``yuan`` / ``wan`` / ``yi`` stated by a header (``（万元）``) or, with ``line``, by a text that is only a unit
    declaration (``单位：万元``, ``金额单位：人民币元``)."""
    if "元" not in text:  # (both patterns need it: most texts asked are table cells and lines of prose)
        return None
    match = (_UNIT_LINE.match if line else _UNIT_PAREN.search)(nospace(text))
    return _UNITS[match.group(1)] if match else None


def doc_unit(text_lines: list[str]) -> str | None:
    """The unit a notice declares on a line of its own, if any."""
    return next((unit for line in text_lines if (unit := unit_of(line, line=True))), None)


@dataclass
class Column:
    index: int
    labels: list[str]
    field: str | None
    unit: str | None
    currency: str | None


@dataclass
class Row:
    """A loan or total row as read (``values``: yuan amounts of the money fields, for the checks)."""

    kind: str  # loan, 合计, 小计
    label: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    values: dict[str, Decimal] = field(default_factory=dict)
    currency: str = "CNY"
    origins: dict[str, int] = field(default_factory=dict)
    before: int = 0  # a total row: how many loans of its table come before it
    grid_row: int | None = None  # a loan: the grid row it starts on (an attachment's provenance)


@dataclass
class ClaimTable:
    loans: list[Row]
    totals: list[Row]
    notes: list[str]
    loan_notes: list[dict[str, Any]]
    unitless: list[dict[str, str]]
    columns: list[Column]


def _header_rows(grid: list[list[Cell]]) -> tuple[int, int] | None:
    """(first, end) of the header block: the first row naming ≥ 2 fields incl. a debtor and an amount, and the
    label rows under it (two-level headers)."""
    for i, row in enumerate(grid):
        fields = {header_field(c.text) for c in row} - {None}
        if "debtor" in fields and fields & set(MONEY):
            end = i + 1
            origins = {c.origin for c in row}
            while end < len(grid):
                nxt = grid[end]
                texts = [c.text for c in nxt if c.origin not in origins and c.text]
                if not texts or any(_AMOUNTISH.search(t) and not header_field(t) for t in texts):
                    break
                if not all(header_field(t) for t in texts):
                    break
                origins |= {c.origin for c in nxt}
                end += 1
            return i, end
    return None


header_rows = _header_rows  # for the attachments' grids (crawlers/parsers/attachments.py)


def _columns(grid: list[list[Cell]], first: int, end: int, table_unit: str | None) -> list[Column]:
    columns = []
    taken: set[str] = set()
    for j in range(len(grid[first])):
        labels = list(dict.fromkeys(grid[r][j].text for r in range(first, end) if grid[r][j].text))
        name = header_field(labels[-1]) if labels else None
        if name is None and labels:
            name = header_field("".join(labels))
        if name in taken:
            name = None
        if name:
            taken.add(name)
        joined = "".join(labels)
        columns.append(Column(j, labels, name, unit_of(joined) or table_unit, currency_code(_paren_text(joined))))
    return columns


def _paren_text(text: str) -> str:
    return "".join(m.group() for m in _PAREN.finditer(text))


def unit_above(grid: list[list[Cell]], first: int) -> str | None:
    """A unit line (``单位：万元``) in the grid's rows above its header row ``first``."""
    for row in grid[:first]:
        for cell in row:
            unit = unit_of(cell.text, line=True)
            if unit:
                return unit
    return None


def _table_unit(table: Tag, grid: list[list[Cell]], first: int) -> str | None:
    """A unit line above the header inside the table, or in the two elements before the table."""
    unit = unit_above(grid, first)
    if unit:
        return unit
    sibling = table
    for _ in range(2):
        sibling = previous_element(sibling)
        if sibling is None:
            break
        unit = unit_of(sibling.text(separator=" "), line=True)
        if unit:
            return unit
    caption = table.css_first("caption")
    return unit_of(caption.text(separator=" "), line=True) if caption is not None else None


def read_claim_table(table: Tag, doc_unit: str | None, as_of: str | None) -> ClaimTable | None:
    """The loans, totals and notes of one table, or None when it is not a claim table."""
    grid = table_grid(table)
    found = _header_rows(grid)
    if found is None:
        return None
    return read_claim_grid(grid, found, _table_unit(table, grid, found[0]) or doc_unit, as_of)


def read_claim_grid(grid: list[list[Cell]], header: tuple[int, int], unit: str | None,
                    as_of: str | None) -> ClaimTable:
    """The loans, totals and notes of a claim table given as a grid (an HTML table's, or an attachment's sheet or
    PDF table: crawlers/parsers/attachments.py), its header block ``(first, end)`` and the table's unit."""
    first, end = header
    columns = _columns(grid, first, end, unit)
    by_field = {c.field: c for c in columns if c.field}
    out = ClaimTable([], [], [], [], [], columns)
    table_currency = None
    previous: Row | None = None
    for r in range(end, len(grid)):
        row = grid[r]
        texts = [c.text for c in row]
        if not any(texts):
            continue
        distinct = list(dict.fromkeys(c.origin for c in row))
        lead = [c.text for c in {c.origin: c for c in row[:3]}.values()]
        label = next((t for t in lead if _SUMMARY.match(nospace(t))), None)
        if label is not None:
            total = _total_row(row, label, columns, by_field, out)
            total.before = len(out.loans)
            out.totals.append(total)
            previous = None
            continue
        if len(distinct) == 1 or (sum(bool(t) for t in {c.origin: c.text for c in row}.values()) == 1
                                  and nospace(texts[0]).startswith(("注", "备注", "说明"))):
            note = next(t for t in texts if t)
            if not _AMOUNTISH.fullmatch(nospace(note)):
                out.notes.append(note)
                continue
        cells = {name: row[col.index] for name, col in by_field.items()}
        if previous is not None and _continues(previous, cells):
            _merge(previous, cells)
            continue
        loan = _loan_row(r, cells, by_field, as_of, out)
        if loan is None:
            continue
        loan.grid_row = r
        out.loans.append(loan)
        table_currency = table_currency or loan.currency
        previous = loan
    return out


def _continues(previous: Row, cells: dict[str, Cell]) -> bool:
    """A row that carries on the previous loan: its amount cells are the previous loan's spanned cells, or it
    has no 序号 and no amounts (a second collateral item on its own line)."""
    money = [name for name in MONEY if name in cells]
    seq = cells.get("seq")
    spanned = money and all(cells[m].origin == previous.origins.get(m) for m in money)
    if spanned and (seq is None or not seq.text or seq.origin == previous.origins.get("seq")):
        return True
    no_amounts = all(not cells[m].text for m in money)
    no_seq = seq is None or not seq.text
    no_debtor = "debtor" not in cells or not cells["debtor"].text or cells["debtor"].origin == previous.origins.get(
        "debtor")
    return bool(money) and no_amounts and no_seq and no_debtor


def _merge(previous: Row, cells: dict[str, Cell]) -> None:
    for name, sep in (("collateral", "；"), ("guarantors", "、")):
        cell = cells.get(name)
        if cell is None or not cell.text or cell.origin == previous.origins.get(name) or _none(cell.text):
            continue
        text = sep.join(cell.parts) if cell.parts else cell.text
        previous.fields[name] = f"{previous.fields[name]}{sep}{text}" if previous.fields.get(name) else text
        previous.origins[name] = cell.origin


def _none(text: str) -> bool:
    return nospace(text) in NONE_TEXTS


def _amount(text: str, unit: str | None) -> tuple[str, Any]:
    """("ok", Amount) for one amount, ("none", None) for a blank, else ("odd", why)."""
    if _none(text):
        return "none", None
    effective = unit if unit in ("yuan", "wan") else None
    amount = parse_amount(text, unit=effective)
    if amount.kind == "amount":
        return "ok", amount
    if amount.kind == "none":
        return "none", None
    why = amount.error if amount.kind == "unparseable" else amount.kind
    if amount.error == "no unit":
        why = "no unit stated for this table" if unit is None else f"unit {unit} is not read"
    return "odd", why


def _loan_row(r: int, cells: dict[str, Cell], by_field: dict[str, Column], as_of: str | None,
              table: ClaimTable) -> Row | None:
    loan = Row("loan", origins={name: cell.origin for name, cell in cells.items()})
    seq = cells.get("seq")
    if seq is not None and seq.text:
        if _SEQ.match(nospace(seq.text)):
            loan.fields["seq"] = int(nospace(seq.text))
        else:
            table.loan_notes.append({"row": r, "field": "seq", "text": seq.text})
    for name, sep in (("debtor", " "), ("guarantors", "、"), ("collateral", "；")):
        cell = cells.get(name)
        if cell is not None and cell.text and not _none(cell.text):
            loan.fields[name] = sep.join(cell.parts) if cell.parts else cell.text
    currency_cell = cells.get("currency")
    currency = currency_code(currency_cell.text) if currency_cell is not None and currency_cell.text else None
    unitless = {}
    for name in MONEY:
        cell, column = cells.get(name), by_field.get(name)
        if cell is None or column is None:
            continue
        state, found = _amount(cell.text, column.unit)
        if state == "ok":
            loan.fields[name] = cell.text
            if column.unit == "wan":
                loan.units[name] = "wan"
            loan.values[name] = found.value
            if found.currency != "CNY":
                currency = currency or found.currency
        elif state == "odd":
            if column.unit is None and _AMOUNTISH.fullmatch(nospace(cell.text)):
                unitless[name] = cell.text
            else:
                table.loan_notes.append({"row": r, "field": name, "text": cell.text, "why": found})
    currency = currency or by_field.get("principal", Column(0, [], None, None, None)).currency or "CNY"
    loan.currency = loan.fields["currency"] = currency
    when = cells.get("claim_as_of")
    if when is not None and when.text:
        try:
            parse_date(when.text)
            loan.fields["claim_as_of"] = when.text
        except DateParseError:
            table.loan_notes.append({"row": r, "field": "claim_as_of", "text": when.text})
    if "claim_as_of" not in loan.fields and as_of:
        loan.fields["claim_as_of"] = as_of
    if unitless:
        table.unitless.append({"row": str(r), **({"seq": str(loan.fields["seq"])} if "seq" in loan.fields else {}),
                               **unitless})
    substantive = {k for k in loan.fields if k not in ("currency", "claim_as_of")} | set(unitless)
    return loan if substantive else None


def _total_row(row: list[Cell], label: str, columns: list[Column], by_field: dict[str, Column],
               table: ClaimTable) -> Row:
    kind = "小计" if "小计" in label else "合计"
    total = Row(kind, label=label)
    currency = currency_code(label)
    if currency is None and "currency" in by_field:
        currency = currency_code(row[by_field["currency"].index].text)
    for name in MONEY:
        column = by_field.get(name)
        if column is None:
            continue
        text = row[column.index].text
        if text == label:
            continue
        state, found = _amount(text, column.unit)
        if state == "ok":
            total.fields[name] = text
            if column.unit == "wan":
                total.units[name] = "wan"
            total.values[name] = found.value
    total.currency = currency or (table.loans[0].currency if table.loans and len(
        {x.currency for x in table.loans}) == 1 else "CNY")
    return total


def check(label: str, kind: str, currency: str, stated: dict[str, Decimal], loans: list[Row]) -> dict[str, Any]:
    scope = [x for x in loans if x.currency == currency]
    fields = {}
    for name, value in stated.items():
        present = [x.values[name] for x in scope if name in x.values]
        summed = sum(present, Decimal(0))
        fields[name] = {"stated": str(value), "sum": str(summed), "difference": str(value - summed),
                        "missing": len(scope) - len(present)}
    return {"row": label, "kind": kind, "currency": currency, "loans": len(scope), "fields": fields}


# --------------------------------------------------------------------------------------------- prose

# 【】 around the figure: 东方's notice template leaves its blanks bracketed (``未偿本金人民币【10,924.22】万元``,
# idx:62662865461); the brackets are dropped from the text kept (`prose_totals`).
_MONEY_TEXT = r"(?:人民币|美元|港元|港币)?\s*[:：]?\s*【?\s*[\d,，]+(?:\.\d+)?\s*】?\s*(?:亿元|万元|元)"
_PRINCIPAL_LABELLED = rf"本金(?:余额)?(?:合计|总额|共计)?(?:为|约)?\s*[:：]?\s*({_MONEY_TEXT})"
_PROSE_TOTALS = {
    "principal": re.compile(rf"{_PRINCIPAL_LABELLED}|({_MONEY_TEXT})\s*本金及(?:相应|其)?利息"),  # …万元本金及相应利息
    "interest": re.compile(rf"(?<!本)利息(?:余额)?(?:合计|总额|共计)?(?:为)?\s*[:：]?\s*({_MONEY_TEXT})"),
    # 债权合计…万元（截止…） and 债权总额10748.33万元: labels of real 长城 strings (the issue report); 包含债权4户…总金额为
    # 9500.20万元, a real package's summary sentence (not a 评估 / 成交 / 转让 / 保证金 total)
    "total_claim": re.compile(rf"(?:本息(?:合计|总额|余额)|债权(?:总额|合计|金额合计)|(?<!评估)(?<!成交)(?<!转让)(?<!保证金)"
                              rf"总金额)(?:为)?\s*[:：]?\s*({_MONEY_TEXT})"),
}
_APPRAISAL = re.compile(rf"评估(?:价值|价格|值|价)(?:为)?\s*[:：]?\s*({_MONEY_TEXT})")
_HOUSEHOLDS = re.compile(r"(\d{1,5})\s*户")
_D = (r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*(?:上午|下午)?\s*\d{1,2}\s*(?:[时点](?:\s*\d{1,2}\s*分)?|"
      r"[:：]\s*\d{2}))?|\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_D_END = rf"(?:{_D}|\d{{1,2}}\s*月\s*\d{{1,2}}\s*日(?:\s*\d{{1,2}}\s*[时点])?)"
_RANGE = re.compile(rf"(?P<kw>竞价|拍卖|挂牌|报名|公告期|征集|处置期)[^。；\n]{{0,40}}?(?P<start>{_D})\s*(?:起)?\s*"
                    rf"(?:至|到|—|－|~|～)\s*(?P<end>{_D_END})")
_DEADLINE = re.compile(rf"(?:于|在)\s*(?P<end>{_D})\s*(?:前|之前|以前|止)")
_HAS_TIME = re.compile(r"[时点:：]")
_BRANCH = re.compile(r"中国(?:长城|信达|东方|中信金融|华融)资产管理股份有限公司[\u4e00-\u9fa5]{0,12}?分公司")
_COMPANY = re.compile(r"中国(?:长城|信达|东方|中信金融|华融)资产管理股份有限公司")
_LABELLED = {
    "debtor": re.compile(r"^债务人(?:名称)?\s*[:：]\s*(.+)$"),
    "guarantors": re.compile(r"^(?:保证人|担保人)(?:名称)?\s*[:：]\s*(.+)$"),
    "collateral": re.compile(r"^(?:抵押物|抵\(质\)押物|抵（质）押物|担保物)\s*[:：]\s*(.+)$"),
}


def as_of_text(text: str) -> str | None:
    """The date of the first ``截至…`` / ``基准日为…`` phrase, as written."""
    match = _AS_OF_TEXT.search(text)
    return squash(match.group(1)) if match else None


# The principal's second form (a figure before 本金及…利息) is tried at every position of the text by the regex engine
# (some 150 µs on a notice: more than the page's HTML parse); without 本金及 in the text it cannot match, and the
# first form alone finds the same match.
_PROSE_PRINCIPAL_LABELLED = re.compile(_PRINCIPAL_LABELLED)


def prose_totals(text: str) -> dict[str, str]:
    out = {}
    for name, pattern in _PROSE_TOTALS.items():
        if name == "principal" and "本金及" not in text:
            pattern = _PROSE_PRINCIPAL_LABELLED
        match = pattern.search(text)
        if match:
            out[name] = squash(next(g for g in match.groups() if g)).replace("【", "").replace("】", "")
    return out


def households(*texts: str) -> int | None:
    for text in texts:
        match = _HOUSEHOLDS.search(text or "")
        if match:
            return int(match.group(1))
    return None


def _end_text(text: str, start: str | None = None) -> str:
    """An end as the normalizer reads it: a date without a time runs to 24:00; a missing year is the start's."""
    text = squash(text)
    if start and not re.match(r"\d{4}", text):
        text = re.match(r"\d{4}\s*年|\d{4}-", start).group().strip() + text
    return text if _HAS_TIME.search(text) else f"{text}24时" if "年" in text else f"{text} 24:00"


def period(text: str) -> dict[str, str]:
    """The notice's period: ``{"kind", "start", "end", "text"}`` (texts for the normalizer), {} if none stated.
    A sale (竞价 / 拍卖 / 挂牌) wins over a 公告期, a range over a bare deadline."""
    ranges = list(_RANGE.finditer(text))
    ranges.sort(key=lambda m: m.group("kw") not in ("竞价", "拍卖", "挂牌"))
    if ranges:
        m = ranges[0]
        kind = "auction" if m.group("kw") in ("竞价", "拍卖", "挂牌") else "range"
        return {"kind": kind, "start": squash(m.group("start")), "end": _end_text(m.group("end"), m.group("start")),
                "text": squash(m.group())}
    m = _DEADLINE.search(text)
    if m:
        return {"kind": "deadline", "end": _end_text(m.group("end")), "text": squash(m.group())}
    return {}


def status_label(stated: dict[str, str], fetched_at: datetime) -> str | None:
    """未开始 / 进行中 / 已结束 as the stated period implies at ``fetched_at``; None when no end is stated."""
    if not stated:
        return None
    try:
        start = parse_datetime(stated["start"]) if stated.get("start") else None
        end = parse_datetime(stated["end"])
    except DateParseError:
        return None
    if stated["kind"] == "auction" and start is not None and fetched_at < start:
        return "未开始"
    return "已结束" if fetched_at >= end else "进行中"


def branch_of(*texts: str) -> str | None:
    """The disposing branch (``中国长城资产管理股份有限公司广东省分公司``), else the company, from the first text
    that names one."""
    for text in texts:
        match = _BRANCH.search(nospace(text or ""))
        if match:
            return match.group()
    for text in texts:
        match = _COMPANY.search(nospace(text or ""))
        if match:
            return match.group()
    return None


_PLAIN_ROOT_PATH = re.compile(r"/(?!/)[A-Za-z0-9_\-/.]*")


def _plain_root_path(href: str) -> bool:
    """Whether ``href`` is a plain root-relative path (ASCII letters, digits, ``_-/.``, no ``//`` start, no dot
    segment): urljoin returns it unchanged as the path of any base (its dot segments are all it resolves in one)."""
    return _PLAIN_ROOT_PATH.fullmatch(href) is not None and "/." not in href


def joined_path(base: str, href: str) -> str:
    """``urlsplit(urljoin(base, href)).path``; a plain root-relative ``href`` (`_plain_root_path`) is its own path,
    without the two calls (some 40 µs a list page of a few dozen links)."""
    if _plain_root_path(href):
        return href
    return urlsplit(urljoin(base, href)).path


_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d+)?(?=/|$)")


def joined_url(base: str, href: str) -> str:
    """``urljoin(base, href)``; for a plain root-relative ``href`` (`_plain_root_path`) and a base with a plain
    http(s) origin, that origin and ``href`` (what urljoin returns for them)."""
    if _plain_root_path(href) and (origin := _ORIGIN.match(base)):
        return origin.group() + href
    return urljoin(base, href)


ATTACHMENT_EXTS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".rar", ".wps", ".et")


def attachments(container: Tag, base_url: str) -> list[dict[str, str]]:
    """PDF / XLS / DOC / ZIP links of the notice, with absolute URLs, in page order, once each."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for a in container.css("a[href]"):
        href = (a.attrs.get("href") or "").strip()  # (attrs: one attribute read, not the node's whole dict)
        path = href.split("?")[0].split("#")[0].lower()
        label = node_text(a)
        if not path.endswith(ATTACHMENT_EXTS) and not (("附件" in label or "清单" in label)
                                                         and re.search(r"download|upload|attach|file", path)):
            continue
        url = joined_url(base_url, href)
        if url not in seen:
            seen.add(url)
            out.append({"name": label or url.rsplit("/", 1)[-1], "url": url})
    return out


def labelled_claim(text_lines: list[str]) -> dict[str, Any]:
    """A single claim told as ``债务人：…`` / ``保证人：…`` / ``抵押物：…`` lines."""
    out: dict[str, Any] = {}
    for line in text_lines:
        for name, pattern in _LABELLED.items():
            match = pattern.match(line)
            if match and name not in out and not _none(match.group(1)):
                out[name] = squash(match.group(1))
    if "collateral" in out:
        out["collateral"] = [{"description": part.strip()} for part in re.split(r"[；;]", out["collateral"])
                             if part.strip()]
    return out


# --------------------------------------------------------------------------------------------- the record


def _money_text(text: str) -> str:
    return squash(text).lstrip(":：")


def notice_fields(container: Tag, *, url: str, fetched_at: datetime, title: str,
                  published: str | None = None, text_lines: list[str] | None = None) -> dict[str, Any]:
    """Everything a notice body gives (no identity): see the module docstring."""
    text_lines = lines(container) if text_lines is None else text_lines
    text = "\n".join(text_lines)
    record: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    as_of = as_of_text(text)
    declared_unit = doc_unit(text_lines)
    loans: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    cny_total: Row | None = None
    notes: list[str] = []
    loan_notes: list[dict[str, Any]] = []
    unitless: list[dict[str, str]] = []
    all_loans: list[Row] = []
    for table in container.css("table"):
        if parent_tag(table, "table") is not None:
            continue
        claim = read_claim_table(table, declared_unit, as_of)
        if claim is None:
            continue
        table_checks = _checks(claim)
        checks += table_checks
        all_loans += claim.loans
        notes += claim.notes
        loan_notes += claim.loan_notes
        unitless += claim.unitless
        loans += [loan_item(loan) for loan in claim.loans]
        if cny_total is None and all(loan.currency == "CNY" for loan in claim.loans):
            # a package's totals only from a table all in CNY: a 人民币合计 beside 美元/港元 rows is part of it
            cny_total = next((t for t in claim.totals if t.kind == "合计" and t.currency == "CNY"), None)
    stated = prose_totals(text)
    if stated and all_loans:
        values = {}
        for name, key in (("principal", "principal"), ("interest", "interest"), ("total_claim", "total")):
            if name in stated:
                amount = parse_amount(stated[name])
                if amount.kind == "amount" and amount.currency == "CNY":
                    values[key] = amount.value
        if values:
            checks.append(check("公告正文", "正文", "CNY", values, all_loans))
    # package totals: the prose, else the table's CNY 合计 row
    for name, key in (("principal", "principal"), ("interest", "interest"), ("total_claim", "total")):
        if name in stated:
            record[name] = stated[name]
        elif cny_total is not None and key in cny_total.fields:
            record[name] = cny_total.fields[key]
            if key in cny_total.units:
                record.setdefault("units", {})[name] = cny_total.units[key]
    if as_of and (loans or any(k in record for k in ("principal", "interest", "total_claim"))):
        record["claim_as_of"] = as_of
    appraisal = _APPRAISAL.search(text)
    if appraisal:
        record["appraisal_price"] = squash(appraisal.group(1))
    if not loans:
        record.update(labelled_claim(text_lines))
    if loans:
        record["loans"] = loans
    stated_period = period(text)
    published_start = published
    if stated_period.get("start"):
        record["start_at"] = stated_period["start"]
    elif published_start:
        record["start_at"] = published_start
    if stated_period.get("end"):
        record["end_at"] = stated_period["end"]
    label = status_label(stated_period, fetched_at)
    if label:
        record["status"] = label
    count = households(title, text)
    links = attachments(container, url)
    for key, value in (("period", stated_period.get("text")), ("households", count), ("attachments", links),
                       ("loan_checks", checks), ("table_notes", notes), ("loan_notes", loan_notes),
                       ("unitless_amounts", unitless)):
        if value:
            raw[key] = value
    if raw:
        record["raw"] = raw
    return record


def loan_item(loan: Row) -> dict[str, Any]:
    """A loan row as the record's ``loans`` item (its fields, with ``units`` when an amount is in 万元)."""
    item = dict(loan.fields)
    if loan.units:
        item["units"] = dict(loan.units)
    return item


def _checks(claim: ClaimTable) -> list[dict[str, Any]]:
    """Totals against loans, in table order (a 小计 covers the loans since the previous total row)."""
    out = []
    covered = 0
    for total in claim.totals:
        scope = claim.loans[covered : total.before] if total.kind == "小计" else claim.loans[: total.before]
        covered = total.before
        if total.values:  # a total row whose amounts cannot be read (no unit) checks nothing
            out.append(check(total.label, total.kind, total.currency, total.values, scope))
    return out


# --------------------------------------------------------------------------------------------- record helpers

COMPANY_NAMES = {
    "gwamc_notice": "中国长城资产管理股份有限公司",
    "citic_amc_notice": "中国中信金融资产管理股份有限公司",
    "cinda_notice": "中国信达资产管理股份有限公司",
    "coamc_notice": "中国东方资产管理股份有限公司",
}
_DATE_ONLY = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")


def date_part(text: str | None) -> str | None:
    """``2026-11-16 13:48:29`` → ``2026-11-16`` (a notice runs from its publication day)."""
    match = _DATE_ONLY.search(text or "")
    return squash(match.group()) if match else None


def full_unit(source: str, name: str | None) -> str | None:
    """A branch as the lists name it (``广东省分公司``) with its company in front."""
    name = squash(name)
    if not name:
        return None
    return name if name.startswith("中国") else COMPANY_NAMES[source] + name


def identity(source: str, lot_id: Any, url: str, fetched_at: datetime) -> RawRecord:
    if lot_id is None or not str(lot_id).strip():
        raise ParseError(source, "source_lot_id", url)
    return {"source": source, "source_lot_id": str(lot_id).strip(), "url": url, "fetched_at": fetched_at}


def detail_record(source: str, container: Tag, *, lot_id: Any, url: str, fetched_at: datetime, title: str,
                  published: str | None, unit_hint: str | None = None,
                  text_lines: list[str] | None = None) -> RawRecord:
    """One notice's raw record from its body ``container`` (see `notice_fields`)."""
    if not squash(title):
        raise ParseError(source, "title", url)
    record = identity(source, lot_id, url, fetched_at)
    record["title"] = squash(title)
    record["seller_type"] = "amc"
    text_lines = lines(container) if text_lines is None else text_lines
    fields = notice_fields(container, url=url, fetched_at=fetched_at, title=title, published=date_part(published),
                           text_lines=text_lines)
    raw = fields.pop("raw", {})
    record.update(fields)
    unit = branch_of(title, "\n".join(text_lines[:3]), "\n".join(text_lines[-4:])) or full_unit(source, unit_hint)
    if unit:
        record["disposal_unit"] = unit
    if published:
        raw = {"published_at": squash(published), **raw}
    record["raw"] = raw
    return record
