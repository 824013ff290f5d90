"""Attachments of the AMC notices: the loan list (债权清单 / 资产清单) a notice puts in a PDF, XLSX or XLS file.

`read_attachment(body, url, content_type, source)` is pure (bytes in, loan rows out): it reads every claim table of
the file with the same claim-table reader as the notices' HTML tables (`crawlers.parsers.amc.read_claim_grid`:
header labels, units, 合计 / 小计 rows, continuation rows, currencies, checks), so a label or unit the notice pages
learn is learnt here too. Each loan carries its provenance: ``source_url`` (the attachment), ``source_sheet`` (a
spreadsheet's sheet) or ``source_page`` (a PDF's page, from 1), and ``source_row`` (the spreadsheet's row number
as Excel shows it; in a PDF, the row of that page's table, from 1, header rows counted).

Formats, told by the bytes: a server's Content-Type and file name are not trusted alone (the AMC servers label
files ``application/octet-stream`` or wrongly); bytes that are none of these formats — an HTML error page served
with 200, a truncated file — are an error naming the Content-Type that came with them:

- **PDF** (``%PDF``): pdfplumber. Every ruled table of every page becomes a grid; a cell merged over several rows or
  columns is found by geometry (the real cell whose box covers the grid position), so it is one cell spanned as in
  an HTML table. A wrapped cell's lines are joined without a separator (a long Chinese name wraps mid-word). A
  table that continues on the next page, with or without its header repeated, stays one table (its 合计 covers all
  of it). The unit is the attachment's own: a header's ``（万元）``, else a ``单位：万元`` line on the page above the
  table or in the document. Chosen over PyMuPDF by measurement on the replica's list (tests/golden/attachments/
  cinda_notice/pdf_list_multipage: 3 pages, a merged two-level header repeated on each page, wrapped names): both
  gave the same cells, merged ones as None; pdfplumber 0.11 took 0.39 s a page and PyMuPDF 2.0's ``find_tables``
  3.96 s a page on this shared machine, and pdfplumber is MIT-licensed (PyMuPDF AGPL) and pure Python.
  A scanned PDF (images, no text) has no table to read: its problem says so.
- **XLSX** (``PK``: a zip with ``xl/workbook.xml``) and **XLS** (OLE2 ``D0 CF 11 E0``, not a Word file): python-calamine
  (one Rust reader for both, with merged ranges). Every sheet is read; numbers come as Excel stores them (a float
  is written back in its shortest exact form, ``1234567.89``), dates as ISO dates. Several claim tables on one sheet
  (a header row again further down) are read apart.
- **DOC / DOCX / WPS, ZIP / RAR**: not read (`Unsupported`, with the reason): no well-kept pure-Python reader for
  legacy Word tables exists and converting needs LibreOffice, which the crawl machines do not have; Word and archive
  attachments are rare on the AMC sites (PDF and XLS(X) carry the lists). They are still downloaded and archived.

Errors: `AttachmentError` (a `ParseError`) names the source, the URL and what is wrong (an HTML page served instead
of the file, a corrupt workbook); the crawl records it on the notice and keeps the notice.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from crawlers.parsers import amc
from crawlers.parsers.amc import Cell
from crawlers.parsers.base import ParseError
from normalizers.amounts import parse_amount

PDF, XLSX, XLS, DOC, DOCX, ARCHIVE = "pdf", "xlsx", "xls", "doc", "docx", "archive"
READABLE = (PDF, XLSX, XLS)


class AttachmentError(ParseError):
    """An attachment that cannot be read: names the source, the URL and the reason."""

    def __init__(self, source: str, url: str, detail: str) -> None:
        super().__init__(source, "attachment", url, detail)


class Unsupported(AttachmentError):
    """A format that is downloaded and archived but not read (Word, archives): the reason says why."""


@dataclass
class AttachmentLoans:
    """What one attachment gave: loan items (``loans`` as in a raw record, with provenance), the checks of its
    合计 / 小计 rows, notes (table notes, odd cells, unitless amounts) and how many pages or sheets it has."""

    url: str
    kind: str
    loans: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    parts: int = 0  # pages of a PDF, sheets of a workbook
    tables: int = 0  # claim tables found


def sniff(body: bytes, url: str = "", content_type: str | None = None) -> str | None:
    """The attachment's format from its bytes (the URL and type only tell Word from Excel in an OLE2 file)."""
    head = body[:8]
    hint = f"{url.split('?')[0].lower()} {(content_type or '').lower()}"
    if head.startswith(b"%PDF"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(body)).namelist())
        except zipfile.BadZipFile:
            return XLSX if ".xlsx" in hint or "spreadsheet" in hint else ARCHIVE
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            return DOCX
        return ARCHIVE
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC if (".doc" in hint and ".docx" not in hint) or ".wps" in hint or "msword" in hint else XLS
    if head.startswith((b"Rar!", b"7z\xbc\xaf")):
        return ARCHIVE
    return None


def looks_like_html(body: bytes) -> bool:
    start = body[:512].lstrip().lower()
    return start.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"{", b"<script"))


def read_attachment(body: bytes, url: str, content_type: str | None = None, *, source: str = "amc") -> AttachmentLoans:
    """The loans of one attachment (see the module docstring); raises `AttachmentError` / `Unsupported`."""
    kind = sniff(body, url, content_type)
    if kind is None:
        what = "an HTML page" if looks_like_html(body) else f"{len(body)} bytes of no known format"
        raise AttachmentError(source, url, f"not a PDF or spreadsheet: {what} (Content-Type {content_type!r})")
    if kind not in READABLE:
        reason = {DOC: "legacy Word (.doc/.wps) tables are not read: no well-kept reader, LibreOffice not installed",
                  DOCX: "Word (.docx) tables are not read yet",
                  ARCHIVE: "archives (.zip/.rar) are not opened"}[kind]
        raise Unsupported(source, url, reason)
    try:
        return _read_pdf(body, url, source) if kind == PDF else _read_workbook(body, url, kind)
    except AttachmentError:
        raise
    except Exception as exc:  # noqa: BLE001 - a corrupt file of any kind is one clear error naming the URL
        raise AttachmentError(source, url, f"unreadable {kind.upper()}: {type(exc).__name__}: {exc}") from None


# --------------------------------------------------------------------------------------------- grids → loans


@dataclass
class _Segment:
    """Rows of one claim table in reading order, with where each row came from."""

    grid: list[list[Cell]]
    header: tuple[int, int]
    where: list[dict[str, Any]]  # per grid row: {"source_sheet": …} or {"source_page": …}, and "source_row"
    unit: str | None
    as_of: str | None


def _loans_of(segments: list[_Segment], out: AttachmentLoans) -> AttachmentLoans:
    for segment in segments:
        claim = amc.read_claim_grid(segment.grid, segment.header, segment.unit, segment.as_of)
        out.tables += 1
        first = segment.where[segment.header[0]]
        place = {k: v for k, v in first.items() if k != "source_row"}
        for loan in claim.loans:
            item = amc.loan_item(loan)
            item.update(source_url=out.url, **segment.where[loan.grid_row])
            out.loans.append(item)
        out.checks += [{**check, "source_url": out.url, **place} for check in amc._checks(claim)]
        out.notes += [{"note": note, **place} for note in claim.notes]
        for note in claim.loan_notes:
            row = note.get("row")
            out.notes.append({**note, **(segment.where[row] if isinstance(row, int) else place)})
        out.notes += [{"unitless": item, **place} for item in claim.unitless]
    return out


def _header_key(grid: list[list[Cell]], header: tuple[int, int]) -> tuple[str | None, ...]:
    first, end = header
    return tuple(amc.header_field("".join(dict.fromkeys(grid[r][j].text for r in range(first, end))))
                 for j in range(len(grid[first])))


def _split(grid: list[list[Cell]]) -> list[tuple[int, int, int]]:
    """(first, end, stop) of every claim table in a grid: a header row again further down starts another."""
    out: list[tuple[int, int, int]] = []
    start = 0
    while start < len(grid):
        found = amc.header_rows(grid[start:])
        if found is None:
            break
        first, end = found[0] + start, found[1] + start
        nxt = amc.header_rows(grid[end:])
        stop = end + nxt[0] if nxt else len(grid)
        out.append((first, end, stop))
        start = stop
    return out


def _unit_line(texts: list[str]) -> str | None:
    """A unit declared on a line, or in a part of one set apart by spaces (``截至2026年6月30日　单位：万元``)."""
    return amc.doc_unit(texts) or amc.doc_unit([part for text in texts for part in text.split(" ")])


def _text_as_of(texts: list[str]) -> str | None:
    return next((found for text in texts if (found := amc.as_of_text(text))), None)


# --------------------------------------------------------------------------------------------- spreadsheets


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _sheet_grid(rows: list[list[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[list[Cell]]:
    height = max([len(rows)] + [end[0] + 1 for _, end in merged])
    width = max([len(r) for r in rows] + [end[1] + 1 for _, end in merged] + [0])
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for (r0, c0), (r1, c1) in merged:
        for r in range(r0, min(r1, height - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                owner[(r, c)] = (r0, c0)
    grid = []
    for r in range(height):
        row = []
        for c in range(width):
            top = owner.get((r, c), (r, c))
            value = rows[top[0]][top[1]] if top[0] < len(rows) and top[1] < len(rows[top[0]]) else None
            lines = [x for x in (amc.squash(x) for x in _cell_text(value).split("\n")) if x]
            row.append(Cell(" ".join(lines), top[0] * width + top[1], tuple(lines) if len(lines) > 1 else ()))
        grid.append(row)
    return grid


def _read_workbook(body: bytes, url: str, kind: str) -> AttachmentLoans:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(body))
    out = AttachmentLoans(url, kind, parts=len(book.sheet_names))
    segments = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False)  # from A1: grid row r is the sheet's row r + 1
        if not rows:
            continue
        grid = _sheet_grid(rows, list(sheet.merged_cell_ranges or []))
        where = [{"source_sheet": name, "source_row": r + 1} for r in range(len(grid))]
        previous_end = 0
        for first, end, stop in _split(grid):
            # the unit and date lines above this header, nearest first (back to the previous table's header)
            texts = [c.text for row in reversed(grid[previous_end:first]) for c in row]
            unit = _unit_line(texts)
            segments.append(_Segment(grid[:stop], (first, end), where[:stop], unit, _text_as_of(texts)))
            previous_end = end
    return _loans_of(_trim(segments), out)


def _trim(segments: list[_Segment]) -> list[_Segment]:
    """Each segment's grid from its own header on (the earlier tables' rows left out)."""
    out = []
    for s in segments:
        first, end = s.header
        out.append(_Segment(s.grid[first:], (0, end - first), s.where[first:], s.unit, s.as_of))
    return out


# --------------------------------------------------------------------------------------------- PDF

def _pdf_table_grid(table: Any, offset: int) -> list[list[Cell]]:
    """A pdfplumber table as a grid: a merged cell (None in ``extract()``) is the real cell whose box covers the
    grid position, so its text and origin repeat over every position it spans."""
    texts = table.extract()
    rows = table.rows
    n_cols = max((len(r.cells) for r in rows), default=0)
    xs: list[tuple[float, float] | None] = [None] * n_cols
    for row in rows:
        for j, box in enumerate(row.cells):
            if box is not None and xs[j] is None:
                xs[j] = (box[0], box[2])
    cells = list(table.cells)
    index = {tuple(box): k for k, box in enumerate(cells)}
    text_of: dict[int, str] = {}
    for i, row in enumerate(rows):
        for j, box in enumerate(row.cells):
            if box is not None:
                text_of[index[tuple(box)]] = texts[i][j] or ""
    grid = []
    for i, row in enumerate(rows):
        out_row = []
        boxes = [b for b in row.cells if b is not None]
        # the row's own band: its shortest cell (a cell merged down makes the row's box as tall as the merge)
        top, bottom = (max(b[1] for b in boxes), min(b[3] for b in boxes)) if boxes else (row.bbox[1], row.bbox[3])
        for j in range(n_cols):
            box = row.cells[j] if j < len(row.cells) else None
            k = index[tuple(box)] if box is not None else None
            if k is None and xs[j] is not None:
                x = (xs[j][0] + xs[j][1]) / 2
                y = (top + bottom) / 2
                k = next((n for n, b in enumerate(cells) if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)
            if k is None:
                out_row.append(Cell("", offset + len(cells) + i * n_cols + j))
                continue
            # a wrapped line is not a new item: join the lines (CJK text has no spaces to keep)
            lines = [x for x in (amc.squash(x) for x in text_of.get(k, "").split("\n")) if x]
            out_row.append(Cell("".join(lines), offset + k))
        grid.append(out_row)
    return grid


def _read_pdf(body: bytes, url: str, source: str = "amc") -> AttachmentLoans:
    import pdfplumber

    segments: list[_Segment] = []
    open_key: tuple[str | None, ...] | None = None
    offset = 0
    doc_texts: list[str] = []
    with pdfplumber.open(io.BytesIO(body)) as pdf:
        out = AttachmentLoans(url, PDF, parts=len(pdf.pages))
        chars = 0
        for number, page in enumerate(pdf.pages, start=1):
            words_text = page.extract_text() or ""
            chars += len(words_text.strip())
            page_lines = [line for line in (amc.squash(x) for x in words_text.split("\n")) if line]
            doc_texts += page_lines
            for table in page.find_tables():
                grid = _pdf_table_grid(table, offset)
                offset += (len(table.cells) + 1) * (len(grid) + 1) * (len(grid[0]) + 1 if grid else 1)
                if not grid:
                    continue
                where = [{"source_page": number, "source_row": r + 1} for r in range(len(grid))]
                found = amc.header_rows(grid)
                if found is not None:
                    key = _header_key(grid, found)
                    if segments and key == open_key and found[0] == 0:
                        # the header repeated on the next page: the same table goes on
                        segments[-1].grid += grid[found[1]:]
                        segments[-1].where += where[found[1]:]
                        continue
                    above = [line for line in _lines_above(page, table)]
                    unit = amc.unit_above(grid, found[0]) or _unit_line(above) or _unit_line(page_lines)
                    segments.append(_Segment(grid, found, where, unit, _text_as_of(above + page_lines)))
                    open_key = key
                elif segments and open_key is not None and len(grid[0]) == len(segments[-1].grid[0]):
                    segments[-1].grid += grid  # a table going on without its header
                    segments[-1].where += where
        if not chars:
            raise AttachmentError(source, url, "a PDF without text (a scan?): no table can be read from it")
    document_unit = _unit_line(doc_texts)
    for segment in segments:
        if segment.unit is None and document_unit:
            segment.unit = document_unit
        if segment.as_of is None:
            segment.as_of = _text_as_of(doc_texts)
    return _loans_of(segments, out)


def _lines_above(page: Any, table: Any) -> list[str]:
    top = table.bbox[1]
    if top <= 0:
        return []
    text = page.crop((0, 0, page.width, top)).extract_text() or ""
    return [line for line in (amc.squash(x) for x in text.split("\n")) if line]


# --------------------------------------------------------------------------------------------- joining a notice


def _yuan(item: dict[str, Any], name: str) -> Any:
    text = item.get(name)
    if text in (None, ""):
        return None
    amount = parse_amount(str(text), unit=(item.get("units") or {}).get(name, "yuan"))
    return (amount.value, amount.currency) if amount.kind == "amount" else None


def loan_key(item: dict[str, Any]) -> tuple[str, str, Any, Any] | None:
    """What makes two listings of a loan the same: the debtor, the currency and the principal in yuan, to the
    precision it is written (a page in 万元 shows 0.01 万元: 50 yuan either way)."""
    debtor = amc.nospace(item.get("debtor") or "")
    principal = _yuan(item, "principal")
    if not debtor or principal is None:
        return None
    in_wan = (item.get("units") or {}).get("principal") == "wan"
    return debtor, item.get("currency") or principal[1], principal[0], Decimal(50) if in_wan else Decimal("0.005")


@dataclass
class Joined:
    loans: list[dict[str, Any]]  # the notice's loans after the attachment's joined them
    added: int = 0  # new loans
    repeats: int = 0  # loans the notice listed already
    completed: int = 0  # page rows without readable amounts replaced by the attachment's row of the same loan


def join_loans(known: list[dict[str, Any]], found: list[dict[str, Any]]) -> Joined:
    """The notice's loans with an attachment's: a loan the notice already lists (its page table or an earlier
    attachment — a notice often gives its list in the body and again as a PDF or XLS) is a repeat, not a new loan:
    the same debtor, currency and principal (to the precision written); for a page row without a debtor, the same
    序号 and principal. A page row whose amounts could not be read (no unit stated) is replaced by the attachment's
    row with the same 序号 and debtor, which has them. Anything else is a new loan."""
    out = Joined(list(known))
    keys = [loan_key(item) for item in out.loans]

    def same(key: tuple[str, str, Any, Any] | None, other: tuple[str, str, Any, Any] | None) -> bool:
        return (key is not None and other is not None and key[:2] == other[:2]
                and abs(key[2] - other[2]) <= max(key[3], other[3]))

    for item in found:
        key = loan_key(item)
        seq, debtor = item.get("seq"), amc.nospace(item.get("debtor") or "")
        principal = _yuan(item, "principal")
        match = None
        for k, old in enumerate(out.loans):
            if same(key, keys[k]):
                match = ("repeat", k)
            elif seq is not None and old.get("seq") == seq and keys[k] is None:
                if not old.get("debtor") and principal is not None and _yuan(old, "principal") is not None and \
                        abs(_yuan(old, "principal")[0] - principal[0]) <= Decimal(50):
                    match = ("repeat", k)
                elif debtor and amc.nospace(old.get("debtor") or "") == debtor and _yuan(old, "principal") is None \
                        and principal is not None and not old.get("source_url"):
                    match = ("complete", k)
            if match:
                break
        if match is None:
            out.loans.append(item)
            keys.append(key)
            out.added += 1
        elif match[0] == "repeat":
            out.repeats += 1
        else:
            out.loans[match[1]] = item
            keys[match[1]] = key
            out.completed += 1
    return out
