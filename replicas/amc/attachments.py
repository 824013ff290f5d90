"""The AMC notices' attachments as real files: PDF (reportlab), XLSX (openpyxl) and XLS (xlwt), made on request from
the notice and cached, with the loans each one lists (`attachment_truth`) for the end-to-end checks.

What an attachment holds follows from its notice (names and paths are the generator's, `Notice.attachments`):

- the loan list (债权清单) of a notice whose page does not show every loan — a ``large`` package (the rows beyond
  the ones the page shows: they add up with them to the stated 本金 / 利息) or a ``marketing`` notice (all its 户,
  adding up to the stated package) — goes into the notice's PDF when it has one, else into its XLSX;
- a ``package`` notice's XLS (资产包明细.xls) repeats the page's table (a crawl must not load those loans twice;
  where the page states no unit, the XLS rows, in yuan, replace the page's unread ones: `completed_seqs`);
- any other attachment is no loan list: a PDF is the notice's text (处置公告), an XLSX a 抵押物清单 sheet without
  amounts;
- broken (invented, as a server that lost a file behaves): one Orient notice's text PDF in four (`is_broken`) is
  served as an HTML page "文件不存在" with status 200 — a crawl records the problem and keeps the notice.

Layouts (invented from the notice tables of shared/sources.md §3, no real attachment file was found to copy):
XLSX — a title row merged across the sheet, a row with ``截至…`` and ``单位：人民币元``, a two-level header
(序号 / 借款人名称 / 担保人 / 抵押物 merged down two rows; ``债权金额`` merged across 本金余额 / 利息余额 / 本息合计),
a loan with two collateral items on two rows (its other cells merged down), a ``合计`` row merged across the first
four columns, a ``注：`` row, and a second sheet ``说明`` with text only. XLS — one header row with units in the
labels (``本金（元）``), one row per loan, a 合计 row. PDF — a title, ``截至…`` and ``单位：万元`` lines, the two-level
header repeated on every page, `PDF_ROWS` loans a page (long names wrap in their cells), the 合计 row on the last page; amounts in 万元 with two
decimals (a loan's yuan are what the page shows: 0.01 万元).
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from decimal import Decimal

from replicas.amc.generator import BRANCHES, COMPANY, AmcGenerator, Attachment, Notice, cn_date, fmt, q, shown

PDF_ROWS = 18  # loans on a page of a PDF list
PDF_HEADER_ROWS = 2
XLSX_FIRST_LOAN_ROW = 5  # title, unit line, two header rows, then loans (Excel's numbering)
CONTENT_TYPES = {"pdf": "application/pdf", "xls": "application/vnd.ms-excel",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class ListLoan:
    """One loan of an attachment's list, with where it is in the file and the yuan a reader gets."""

    seq: int
    debtor: str
    guarantors: tuple[str, ...]
    collateral: tuple[str, ...]
    principal: Decimal  # exact
    interest: Decimal
    sheet: str | None = None
    page: int | None = None
    row: int = 0

    def shown(self, unit: str) -> tuple[Decimal, Decimal, Decimal]:
        p, i = shown(self.principal, unit), shown(self.interest, unit)
        return p, i, shown(self.principal + self.interest, unit)


@dataclass(frozen=True)
class AttachmentTruth:
    attachment: Attachment
    kind: str  # pdf, xlsx, xls
    role: str  # list (loans to load), repeat (the page's own loans again), text, other (no loan list)
    unit: str  # yuan or wan: how the file writes amounts
    loans: tuple[ListLoan, ...] = ()


def _kind(attachment: Attachment) -> str:
    return attachment.path.rsplit(".", 1)[-1].lower()


def _list_holder(notice: Notice) -> Attachment | None:
    """The attachment that carries the list of a notice whose page does not show every loan."""
    if notice.kind not in ("large", "marketing"):
        return None
    pdfs = [a for a in notice.attachments if _kind(a) == "pdf"]
    sheets = [a for a in notice.attachments if _kind(a) == "xlsx"]
    return (pdfs or sheets or [None])[0]


def _split(total: Decimal, n: int, rng) -> list[Decimal]:
    """``total`` in ``n`` parts of whole hundreds of yuan (0.01 万元), the last taking the remainder."""
    weights = [rng.uniform(0.2, 3.0) for _ in range(n)]
    scale = sum(weights)
    parts = [q(Decimal(int(total * Decimal(w / scale) / 100)) * 100) for w in weights[:-1]]
    return parts + [q(total - sum(parts, Decimal(0)))]


BROKEN_PAGE = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>提示</title></head>"
               "<body><p>您访问的文件不存在或已被删除。</p></body></html>").encode()


def is_broken(notice: Notice, attachment: Attachment) -> bool:
    """An Orient notice's text PDF that the server has lost (answered by an HTML page), one notice in four."""
    return (notice.amc == "coamc" and _kind(attachment) == "pdf" and _list_holder(notice) != attachment
            and int(notice.notice_id[:4], 16) % 4 == 0)


def attachment_truth(gen: AmcGenerator, notice: Notice, attachment: Attachment) -> AttachmentTruth:
    kind = _kind(attachment)
    holder = _list_holder(notice)
    if holder is not None and attachment.path == holder.path:
        rng = gen._rng("attachment", notice.amc, notice.notice_id)
        shown_debtors = {loan.debtor for loan in notice.loans}
        n = notice.households - len(shown_debtors) if notice.kind == "large" else notice.households
        principal = notice.package_principal - sum((x.principal for x in notice.loans), Decimal(0))
        interest = notice.package_interest - sum((x.interest for x in notice.loans), Decimal(0))
        branch_cities = BRANCHES[notice.branch[len(COMPANY[notice.amc]):]][1]
        ps, is_ = _split(principal, n, rng), _split(interest, n, rng)
        loans = []
        unit = "wan" if kind == "pdf" else "yuan"
        for k in range(n):
            city = rng.choice(branch_cities)
            debtor = gen._company(rng, city)
            guarantors = tuple(gen._person(rng) if rng.random() < 0.6 else gen._company(rng, city)
                               for _ in range(rng.randint(0, 2)))
            collateral = tuple(gen._collateral(rng, city, j + 1) for j in range(2 if rng.random() < 0.2 else 1))
            if kind == "pdf":
                collateral = collateral[:1]  # one collateral item a loan in the PDF list
                where = {"page": k // PDF_ROWS + 1, "row": PDF_HEADER_ROWS + k % PDF_ROWS + 1}
            else:
                where = {"sheet": "债权清单", "row": 0}
            loans.append(ListLoan(k + 1, debtor, guarantors, collateral, ps[k], is_[k], **where))
        if kind != "pdf":  # rows in the sheet: a loan with two collateral items takes two rows
            row, placed = XLSX_FIRST_LOAN_ROW, []
            for loan in loans:
                placed.append(ListLoan(**{**loan.__dict__, "row": row}))
                row += len(loan.collateral)
            loans = placed
        return AttachmentTruth(attachment, kind, "list", unit, tuple(loans))
    if kind == "xls" and notice.loans:
        return AttachmentTruth(attachment, kind, "repeat", "yuan")
    return AttachmentTruth(attachment, kind, "text" if kind == "pdf" else "other", "yuan")


# --------------------------------------------------------------------------------------------- rendering

_CACHE: dict[tuple[str, str, str], bytes] = {}
_LOCK = threading.Lock()


def render(gen: AmcGenerator, notice: Notice, attachment: Attachment) -> tuple[bytes, str]:
    """The file's bytes and content type (made once per notice and path)."""
    if is_broken(notice, attachment):
        return BROKEN_PAGE, "text/html; charset=utf-8"
    key = (notice.amc, notice.notice_id, attachment.path)
    with _LOCK:
        body = _CACHE.get(key)
    truth = attachment_truth(gen, notice, attachment)
    if body is None:
        if truth.kind == "pdf":
            body = _pdf(notice, truth)
        elif truth.kind == "xlsx":
            body = _xlsx(notice, truth)
        else:
            body = _xls(notice, truth)
        with _LOCK:
            _CACHE[key] = body
    return body, CONTENT_TYPES[truth.kind]


def _as_of_text(notice: Notice) -> str:
    return f"截至{cn_date(notice.as_of)}" if notice.as_of else ""


def _xlsx(notice: Notice, truth: AttachmentTruth) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if truth.role != "list":
        sheet.title = "抵押物清单"
        sheet.append(["序号", "抵押物名称", "坐落", "备注"])
        for k, item in enumerate(notice.collateral or ("详见公告",), start=1):
            sheet.append([k, item, notice.province, ""])
        return _save(book)
    sheet.title = "债权清单"
    sheet.append([f"{notice.branch}债权资产清单"])
    sheet.merge_cells("A1:H1")
    sheet.append([_as_of_text(notice), None, None, None, None, None, None, "单位：人民币元"])
    sheet.append(["序号", "借款人名称", "担保人", "抵押物", "债权金额", None, None, "备注"])
    sheet.append([None, None, None, None, "本金余额", "利息余额", "本息合计", None])
    for column in "ABCDH":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("E3:G3")
    for loan in truth.loans:
        first = sheet.max_row + 1
        for j, item in enumerate(loan.collateral):
            if j == 0:
                sheet.append([loan.seq, loan.debtor, "、".join(loan.guarantors) or "无", item,
                              float(loan.principal), float(loan.interest), float(loan.principal + loan.interest), ""])
            else:
                sheet.append([None, None, None, item, None, None, None, None])
        if len(loan.collateral) > 1:
            for column in "ABCEFGH":
                sheet.merge_cells(f"{column}{first}:{column}{first + len(loan.collateral) - 1}")
    total_p = sum((x.principal for x in truth.loans), Decimal(0))
    total_i = sum((x.interest for x in truth.loans), Decimal(0))
    sheet.append(["合计", None, None, None, float(total_p), float(total_i), float(total_p + total_i), None])
    sheet.merge_cells(f"A{sheet.max_row}:D{sheet.max_row}")
    sheet.append(["注：以上债权金额仅供参考，以借款合同、判决书等法律文书为准。"])
    sheet.merge_cells(f"A{sheet.max_row}:H{sheet.max_row}")
    for row in sheet.iter_rows(min_row=5, min_col=5, max_col=7):
        for cell in row:
            cell.number_format = "#,##0.00"
    notes = book.create_sheet("说明")
    notes.append(["本清单为公告附件，债权金额以法律文书为准。"])
    return _save(book)


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xls(notice: Notice, truth: AttachmentTruth) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("资产包明细")
    if truth.role == "repeat":
        sheet.write(0, 0, f"{notice.branch}资产包明细")
        header = ["序号", "借款人", "保证人", "抵押物", "本金（元）", "利息（元）", "本息合计（元）"]
        for j, label in enumerate(header):
            sheet.write(1, j, label)
        r = 2
        for loan in notice.loans:
            if loan.currency != "CNY":
                continue
            sheet.write(r, 0, loan.seq)
            sheet.write(r, 1, loan.debtor)
            sheet.write(r, 2, "、".join(loan.guarantors))
            sheet.write(r, 3, "；".join(loan.collateral))
            for j, value in ((4, loan.principal), (5, loan.interest), (6, loan.principal + loan.interest)):
                sheet.write(r, j, float(value))
            r += 1
    else:
        sheet.write(0, 0, "详见公告")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf(notice: Notice, truth: AttachmentTruth) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # Adobe's CJK font, not embedded: no font file
    title = ParagraphStyle("title", fontName="STSong-Light", fontSize=14, leading=20, alignment=1)
    text = ParagraphStyle("text", fontName="STSong-Light", fontSize=10, leading=15, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), title=notice.title)
    if truth.role != "list":
        doc.build([Paragraph(notice.title, title),
                   Paragraph("　　本公告所涉资产情况详见公告正文，交易条件以双方签署的协议为准。", text),
                   Paragraph(f"{notice.branch}　{cn_date(notice.published)}", text)])
        return out.getvalue()
    story = [Paragraph(f"{notice.branch}债权资产清单", title),
             Paragraph(f"{_as_of_text(notice)}　　　单位：万元", text)]
    header = [["序号", "借款人名称", "担保人", "抵押物", "债权金额（万元）", "", ""],
              ["", "", "", "", "本金", "利息", "本息合计"]]
    style = [("FONT", (0, 0), (-1, -1), "STSong-Light", 7), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             *[("SPAN", (j, 0), (j, 1)) for j in range(4)], ("SPAN", (4, 0), (6, 0))]
    widths = (26, 140, 130, 300, 52, 52, 60)
    pages = [truth.loans[k:k + PDF_ROWS] for k in range(0, len(truth.loans), PDF_ROWS)]
    total_p = sum((shown(x.principal, "wan") for x in truth.loans), Decimal(0))
    total_i = sum((shown(x.interest, "wan") for x in truth.loans), Decimal(0))
    for number, rows in enumerate(pages, start=1):
        data = [list(r) for r in header]
        for loan in rows:  # names wrap inside their cells, as Word's tables do
            data.append([str(loan.seq), Paragraph(loan.debtor, cell), Paragraph("、".join(loan.guarantors) or "无", cell),
                         Paragraph(loan.collateral[0], cell),
                         fmt(loan.principal, "wan"), fmt(loan.interest, "wan"),
                         fmt(shown(loan.principal, "wan") + shown(loan.interest, "wan"), "wan")])
        extra = []
        if number == len(pages):
            data.append(["合计", "", "", "", fmt(total_p, "wan"), fmt(total_i, "wan"), fmt(total_p + total_i, "wan")])
            extra = [("SPAN", (0, len(data) - 1), (3, len(data) - 1))]
        table = Table(data, colWidths=widths)
        table.setStyle(TableStyle(style + extra))
        story.append(table)
        if number < len(pages):
            story.append(PageBreak())
    doc.build(story)
    return out.getvalue()


def completed_seqs(gen: AmcGenerator, notice: Notice) -> set[int]:
    """序号 of the page rows a crawl replaces with the XLS's: a page that states no unit (its amounts are not read)
    repeated in a 资产包明细.xls that states them."""
    if notice.unit != "none" or not any(attachment_truth(gen, notice, a).role == "repeat" for a in notice.attachments):
        return set()
    return {x.seq for x in notice.loans if x.currency == "CNY"}


def expected_attachment_loans(gen: AmcGenerator, notice: Notice, host: str) -> list[dict]:
    """Every loan a crawl must load from the notice's attachments, with its provenance and the yuan it reads."""
    out = []
    for attachment in notice.attachments:
        truth = attachment_truth(gen, notice, attachment)
        if truth.role == "repeat":
            completed = completed_seqs(gen, notice)
            cny = [x for x in notice.loans if x.currency == "CNY"]
            out += [{"source_url": host + attachment.path, "source_sheet": "资产包明细", "source_page": None,
                     "source_row": 3 + k, "seq": x.seq, "debtor": x.debtor, "principal": q(x.principal),
                     "interest": q(x.interest), "total": q(x.principal + x.interest), "currency": "CNY",
                     "guarantors": list(x.guarantors), "collateral": "；".join(x.collateral)}
                    for k, x in enumerate(cny) if x.seq in completed]
        if truth.role != "list":
            continue
        for loan in truth.loans:
            principal, interest, total = loan.shown(truth.unit)
            if truth.unit == "wan":  # the PDF's 本息合计 is the sum of the shown 本金 and 利息
                total = principal + interest
            out.append({"source_url": host + attachment.path, "source_sheet": loan.sheet, "source_page": loan.page,
                        "source_row": loan.row, "seq": loan.seq, "debtor": loan.debtor, "principal": principal,
                        "interest": interest, "total": total, "currency": "CNY",
                        "guarantors": list(loan.guarantors), "collateral": "；".join(loan.collateral)})
    return out

