"""The attachment reader (crawlers/parsers/attachments.py): golden files of every format, and its edge cases.

Golden cases: ``tests/golden/attachments/<source>/<case>/`` holds ``input.<pdf|xlsx|xls>`` (the bytes as served),
``case.json`` (``url``, ``content_type``, ``note``) and ``expected.json`` (the reviewed `AttachmentLoans`). A missing
expected file is written from the current output and the test fails until a person has reviewed it; set
``GOLDEN_UPDATE=1`` to rewrite them after an intended change. Real published attachments would go under
``tests/golden/real/attachments/<source>/<case>/`` with an ORIGIN.md (none was found: see the README).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
from pathlib import Path

import pytest

from crawlers.parsers.attachments import (AttachmentError, Unsupported, join_loans, read_attachment, sniff)
from normalizers.lot import to_lot

GOLDEN = Path(__file__).parent.parent / "golden"
CASES = sorted(p for pattern in ("attachments/*/*", "real/attachments/*/*") for p in GOLDEN.glob(pattern)
               if (p / "case.json").is_file() and any(p.glob("input.*")))
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"
URL = "https://www.cinda.com.cn/upload/bulletin/202611/1.xlsx"


def run(case: Path) -> dict:
    meta = json.loads((case / "case.json").read_text(encoding="utf-8"))
    (body,) = [p.read_bytes() for p in case.glob("input.*")]
    return dataclasses.asdict(read_attachment(body, meta["url"], meta.get("content_type")))


def test_there_are_golden_attachments_of_every_readable_format():
    assert {p.name.split(".")[-1] for c in CASES for p in c.glob("input.*")} >= {"pdf", "xlsx", "xls"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c.relative_to(GOLDEN)))
def test_golden_attachment(case: Path):
    got = json.loads(json.dumps(run(case), ensure_ascii=False, default=str))
    expected_file = case / "expected.json"
    if UPDATE or not expected_file.exists():
        expected_file.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote {expected_file}: review it against the input and commit it")
    want = json.loads(expected_file.read_text(encoding="utf-8"))
    for key in want:
        assert got[key] == want[key], key


def test_the_loans_of_a_pdf_list_normalize_with_their_page_and_row():
    (case,) = [c for c in CASES if c.name == "pdf_list_multipage"]
    found = run(case)
    record = {"source": "cinda_notice", "source_lot_id": "1", "url": "https://www.cinda.com.cn/x",
              "fetched_at": "2026-11-20T02:00:00+08:00", "title": "t", "loans": found["loans"]}
    lot = to_lot(record)
    pages = {x.source_page for x in lot.loans}
    assert len(pages) >= 2 and all(x.source_url.endswith(".pdf") and x.source_sheet is None for x in lot.loans)
    assert [x.seq for x in lot.loans] == list(range(1, len(lot.loans) + 1))  # nothing lost between pages
    assert all(x.source_row >= 3 for x in lot.loans)  # under the two header rows
    # the 合计 on the last page covers the loans of every page: no difference
    (check,) = found["checks"]
    assert {f["difference"] for f in check["fields"].values()} == {"0.00"} and check["loans"] == len(lot.loans)


# ------------------------------------------------------------------ spreadsheets made here


def workbook(rows: list[list], merges: tuple[str, ...] = (), title: str = "Sheet1") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for merge in merges:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_with_two_tables_reads_both_and_their_units_apart():
    body = workbook([
        ["单位：万元"],
        ["序号", "借款人", "本金", "利息"],
        [1, "甲公司", 100.5, 10],
        ["合计", None, 100.5, 10],
        [None],
        ["单位：元"],
        ["序号", "借款人", "本金", "利息"],
        [1, "乙公司", 2000, 30.25],
    ])
    found = read_attachment(body, URL)
    assert found.tables == 2
    assert [(x["debtor"], x["principal"], x.get("units"), x["source_row"]) for x in found.loans] == [
        ("甲公司", "100.5", {"principal": "wan", "interest": "wan"}, 3), ("乙公司", "2000", None, 8)]
    assert all(x["source_sheet"] == "Sheet1" for x in found.loans)


def test_a_sheet_without_any_unit_keeps_its_amounts_unread():
    found = read_attachment(workbook([["借款人", "本金"], ["甲", 5]]), URL)
    assert "principal" not in found.loans[0] and found.notes[0]["unitless"]["principal"] == "5"


def test_merged_amount_cells_make_one_loan_with_two_collateral_items():
    body = workbook([["序号", "借款人", "抵押物", "本金（元）"], [1, "甲", "房产A", 100], [None, None, "房产B", None]],
                    merges=("A2:A3", "B2:B3", "D2:D3"))
    (loan,) = read_attachment(body, URL).loans
    assert loan["collateral"] == "房产A；房产B" and loan["source_row"] == 2


def test_formats_are_told_by_their_bytes():
    assert sniff(b"%PDF-1.7 ...") == "pdf"
    assert sniff(workbook([["a"]]), "x.bin") == "xlsx"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "https://x/a.doc") == "doc"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "https://x/a?id=1", "application/vnd.ms-excel") == "xls"
    assert sniff(b"<!DOCTYPE html><html>") is None


def test_an_html_page_instead_of_the_file_is_a_clear_error_naming_source_and_url():
    with pytest.raises(AttachmentError) as error:
        read_attachment(b"<!DOCTYPE html><html><title>404</title></html>", URL, "text/html", source="cinda_notice")
    assert "cinda_notice" in str(error.value) and URL in str(error.value) and "HTML page" in str(error.value)


def test_a_corrupt_workbook_is_a_clear_error():
    with pytest.raises(AttachmentError, match="unreadable XLSX"):
        read_attachment(workbook([["a"]])[:300], URL, source="cinda_notice")


def test_word_files_are_not_read_and_say_why():
    with pytest.raises(Unsupported, match="legacy Word"):
        read_attachment(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "https://x/清单.doc")


def test_a_pdf_without_text_is_a_clear_error():
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.rect(100, 100, 200, 200)  # lines, no text: what a scan gives a text reader
    page.save()
    with pytest.raises(AttachmentError, match="without text"):
        read_attachment(out.getvalue(), "https://x/scan.pdf", source="coamc_notice")


def test_loans_already_listed_are_repeats_at_the_precision_they_are_written():
    page = [{"seq": 1, "debtor": "甲 公司", "principal": "123.46", "units": {"principal": "wan"}, "currency": "CNY"},
            {"seq": 2, "principal": "800", "currency": "CNY"},  # a row without its debtor
            {"seq": 3, "debtor": "丙公司", "currency": "CNY"}]  # amounts not read: no unit on the page
    found = [{"seq": 1, "debtor": "甲公司", "principal": "1234567.89", "currency": "CNY"},
             {"seq": 9, "debtor": "甲公司", "principal": "1234700", "currency": "CNY"},
             {"seq": 2, "debtor": "乙公司", "principal": "800.00", "currency": "CNY"},
             {"seq": 3, "debtor": "丙公司", "principal": "42", "currency": "CNY", "source_url": "u"},
             {"seq": 4, "debtor": "丁公司", "principal": "1234567.89", "currency": "CNY"},
             {"seq": 4, "debtor": "丁公司", "principal": "1234567.89", "currency": "CNY"},
             {"debtor": None, "principal": "5"}]
    joined = join_loans(page, found)
    assert (joined.added, joined.repeats, joined.completed) == (3, 3, 1)
    assert [(x.get("seq"), x.get("debtor"), x.get("principal")) for x in joined.loans] == [
        (1, "甲 公司", "123.46"), (2, None, "800"), (3, "丙公司", "42"), (9, "甲公司", "1234700"),
        (4, "丁公司", "1234567.89"), (None, None, "5")]
    assert page[2] == {"seq": 3, "debtor": "丙公司", "currency": "CNY"}  # the notice's list is not changed in place


def test_a_pdf_table_going_on_over_pages_without_its_header_stays_one_table():
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    rows = [["序号", "债务人名称", "本金余额（元）", "利息（元）"]]
    rows += [[str(k), f"第{k}号债务人有限公司", f"{k * 1000:,}.00", "10.00"] for k in range(1, 81)]
    rows.append(["合计", "", f"{sum(k * 1000 for k in range(1, 81)):,}.00", "800.00"])
    table = Table(rows)  # platypus splits it over pages; the header is not repeated
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 9), ("GRID", (0, 0), (-1, -1), 0.5, "black"),
                               ("SPAN", (0, -1), (1, -1))]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build([table])
    found = read_attachment(out.getvalue(), "https://x/清单.pdf")
    assert found.parts >= 2 and found.tables == 1
    assert [x["seq"] for x in found.loans] == list(range(1, 81))
    assert {x["source_page"] for x in found.loans} == set(range(1, found.parts + 1))
    assert found.loans[-1]["source_row"] < found.loans[0]["source_row"] + 80  # rows counted on their own page
    (check,) = found.checks
    assert check["loans"] == 80 and {f["difference"] for f in check["fields"].values()} == {"0.00"}
