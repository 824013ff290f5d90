from decimal import Decimal
from pathlib import Path

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
