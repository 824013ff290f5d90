from decimal import Decimal
from pathlib import Path

import pytest

from warehouse.db import connect
from warehouse.ingest import ingest, resolve_runs

from .conftest import make_lot, write_run


def test_every_loan_is_a_row_linked_to_its_package_and_totals_are_checked(con, tmp_path: Path):
    loans = [{"seq": 1, "debtor": "运城某钢铁有限公司", "principal": Decimal("9950000"), "total": Decimal("11000000")},
             {"seq": 2, "debtor": "某商贸公司", "principal": Decimal("500000"), "interest": Decimal("100000")},
             {"seq": 3, "debtor": "香港某公司", "principal": Decimal("1000000"), "currency": "USD"}]
    package = make_lot("1", asset_type="debt", loans=loans, total_claim=Decimal("11700000"))
    write_run(tmp_path / "runs", [package, make_lot("2")])
    ingest(con, resolve_runs([tmp_path / "runs"]))
    rows = con.execute("SELECT source_lot_id, seq, debtor, total, currency FROM npl_loans ORDER BY seq").fetchall()
    assert rows == [("1", 1, "运城某钢铁有限公司", Decimal("11000000.00"), "CNY"),
                    ("1", 2, "某商贸公司", None, "CNY"), ("1", 3, "香港某公司", None, "USD")]
    check = con.execute("SELECT loans, loans_total_cny, loans_other_currency, total_difference "
                        "FROM npl_packages").fetchall()
    assert check == [(3, Decimal("11600000.00"), 1, Decimal("100000.00"))]  # 11.7M stated, 11.6M in the table

PDF = "https://www.cinda.com.cn/upload/bulletin/202611/1.pdf"
XLSX = "https://www.cinda.com.cn/upload/bulletin/202611/2.xlsx"
LOANS = [{"seq": 1, "debtor": "页面表格的债务人", "principal": Decimal("100")},
         {"seq": 1, "debtor": "清单甲", "principal": Decimal("200"), "source_url": PDF, "source_page": 2,
          "source_row": 5},
         {"seq": 7, "debtor": "清单乙", "principal": Decimal("300"), "source_url": XLSX, "source_sheet": "债权清单",
          "source_row": 12}]


@pytest.mark.parametrize("jsonl", [False, True])
def test_loans_read_from_attachments_show_where_they_were_read(con, tmp_path: Path, jsonl: bool):
    write_run(tmp_path / "runs", [make_lot("1", asset_type="debt", loans=LOANS)], jsonl=jsonl)
    ingest(con, resolve_runs([tmp_path / "runs"]))
    rows = con.execute("SELECT debtor, source_url, source_sheet, source_page, source_row FROM npl_loans "
                       "ORDER BY principal").fetchall()
    assert rows == [("页面表格的债务人", None, None, None, None), ("清单甲", PDF, None, 2, 5),
                    ("清单乙", XLSX, "债权清单", None, 12)]


def test_a_warehouse_made_before_the_provenance_fields_is_widened_and_keeps_its_loans(tmp_path: Path):
    db = tmp_path / "old.duckdb"
    write_run(tmp_path / "runs", [make_lot("1", asset_type="debt", loans=LOANS[:1])])
    with connect(db) as first:
        ingest(first, resolve_runs([tmp_path / "runs"]))
        # the loans column as it was before: no source_* fields
        # (an index on the table forbids the ALTER: drop it, then make it again, as an index-holding warehouse)
        first.execute("DROP VIEW npl_loans; DROP VIEW npl_packages; DROP INDEX fct_lot_versions_lot")
        first.execute("ALTER TABLE fct_lot_versions ALTER loans TYPE STRUCT(seq INTEGER, debtor VARCHAR, "
                      "guarantors VARCHAR[], collateral VARCHAR, principal DECIMAL(18,2), interest DECIMAL(18,2), "
                      "fees DECIMAL(18,2), total DECIMAL(18,2), currency VARCHAR, claim_as_of DATE, raw JSON)[]")
        first.execute("CREATE INDEX fct_lot_versions_lot ON fct_lot_versions (source_lot_id)")
    with connect(db) as again:
        assert again.execute("SELECT debtor, source_url FROM npl_loans").fetchall() == [("页面表格的债务人", None)]
        write_run(tmp_path / "runs2", [make_lot("1", night=2, asset_type="debt", loans=LOANS)], night=2)
        ingest(again, resolve_runs([tmp_path / "runs2"]))
        assert again.execute("SELECT count(*) FROM npl_loans WHERE source_url IS NOT NULL").fetchone() == (2,)
