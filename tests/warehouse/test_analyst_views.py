"""The analyst views (warehouse/sql/050_analyst_views.sql) on two nights with known answers, and export."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from warehouse.db import SQL_DIR, connect
from warehouse.export import ANALYST_VIEWS, PERIOD_COLUMNS, ExportError, Filters, export
from warehouse.ingest import ingest, resolve_runs

from .conftest import SHANGHAI, make_lot, write_run

STEEL = dict(asset_type="debt", seller_type="amc", title="河北某钢铁有限公司不良债权", province="河北省",
             city="唐山市", disposal_unit="中国华融资产管理股份有限公司河北省分公司", debtor="河北某钢铁有限公司",
             principal=Decimal("8300000"), total_claim=Decimal("9950000"), reserve_price=Decimal("5000000"),
             appraisal_price=None, start_at=datetime(2026, 11, 20, 10, tzinfo=SHANGHAI),
             end_at=datetime(2026, 11, 20, 18, tzinfo=SHANGHAI))
OTHER_DEBT = dict(asset_type="debt", seller_type="amc", province="河北省", disposal_unit="中国信达河北分公司",
                  total_claim=Decimal("2000000"), reserve_price=Decimal("900000"), appraisal_price=None,
                  status="sold", final_price=Decimal("1000000"), end_at=datetime(2026, 11, 19, 12, tzinfo=SHANGHAI))
HOUSE = dict(status="upcoming", start_at=datetime(2026, 12, 10, 2, tzinfo=SHANGHAI),
             end_at=datetime(2026, 12, 11, 2, tzinfo=SHANGHAI), province="山西省")


@pytest.fixture
def warehouse(tmp_path: Path):
    runs = tmp_path / "runs"
    write_run(runs, [
        make_lot("steel", status="upcoming", **STEEL),
        make_lot("other_debt", **OTHER_DEBT),
        make_lot("cheap_debt", asset_type="debt", province="广东省", total_claim=Decimal("1000000"),
                 reserve_price=Decimal("100000"), appraisal_price=None),
        make_lot("house", **HOUSE),
        make_lot("wd", province="山西省"),
        make_lot("cut", province="山西省"),
        make_lot("rise", province="山西省"),
    ], night=1)
    write_run(runs, [
        make_lot("steel", night=2, status="sold", final_price=Decimal("4150000"),
                 current_price=Decimal("4150000"), bid_count=12, **STEEL),
        make_lot("other_debt", night=2, **OTHER_DEBT),
        make_lot("house", night=2, **HOUSE),
        make_lot("wd", night=2, status="withdrawn", province="山西省"),
        make_lot("cut", night=2, reserve_price=Decimal("800000"), round="second", province="山西省"),
        make_lot("rise", night=2, reserve_price=Decimal("1100000"), province="山西省"),
        make_lot("late", night=2, province="浙江省"),
    ], night=2)
    con = connect(tmp_path / "w.duckdb")
    ingest(con, resolve_runs([runs]))
    yield con
    con.close()


def test_every_view_and_column_has_a_comment(warehouse):
    created = re.findall(r"CREATE OR REPLACE VIEW (\w+)", (SQL_DIR / "050_analyst_views.sql").read_text("utf-8"))
    assert sorted(created) == sorted(ANALYST_VIEWS)
    for view in ANALYST_VIEWS:
        [(comment,)] = warehouse.execute("SELECT comment FROM duckdb_views() WHERE view_name = ?", [view]).fetchall()
        assert comment, view
        columns = warehouse.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ?",
                                    [view]).fetchall()
        assert columns, view
        assert [c for c, comment in columns if not comment] == [], view
        assert PERIOD_COLUMNS[view] in {c for c, _ in columns}


def test_npl_discounts_the_steelmakers_claim_sold_at_41_7_percent(warehouse):
    row = warehouse.execute(
        "SELECT price, price_kind, round(price_to_claim, 3), price_to_principal, reserve_to_claim, final_to_claim, "
        "province, seller_type, disposal_unit, month, auction_date FROM npl_discounts WHERE source_lot_id = 'steel'"
    ).fetchone()
    assert row == (Decimal("4150000.00"), "final", 0.417, 0.5, 0.5025, 0.4171, "河北省", "amc",
                   "中国华融资产管理股份有限公司河北省分公司", date(2026, 11, 1), date(2026, 11, 20))
    unsold = warehouse.execute("SELECT price_kind, price_to_claim, final_to_claim FROM npl_discounts "
                               "WHERE source_lot_id = 'cheap_debt'").fetchone()
    assert unsold == ("reserve", 0.1, None)
    assert warehouse.execute("SELECT count(*) FROM npl_discounts WHERE source_lot_id = 'house'").fetchone() == (0,)


def test_discount_to_appraisal_covers_every_asset_type_with_an_appraisal(warehouse):
    rows = dict(warehouse.execute("SELECT source_lot_id, price_to_appraisal FROM discount_to_appraisal").fetchall())
    assert rows["house"] == round(1_000_000 / 1_400_000, 4)
    assert rows["cut"] == round(800_000 / 1_400_000, 4)
    assert "steel" not in rows  # no appraisal
    assert warehouse.execute("SELECT discount FROM discount_to_appraisal WHERE source_lot_id = 'house'"
                             ).fetchone() == (round(1 - 1_000_000 / 1_400_000, 4),)


def test_realization_rate_is_recovered_over_claim_by_month_and_province(warehouse):
    rows = warehouse.execute("SELECT month, province, sold_lots, recovered, total_claim, realization_rate, "
                             "principal, principal_realization_rate FROM realization_rates").fetchall()
    assert rows == [(date(2026, 11, 1), "河北省", 2, Decimal("5150000.00"), Decimal("11950000.00"),
                     round(5.15 / 11.95, 4), Decimal("8300000.00"), 0.5)]


def test_lead_times_and_time_to_sale(warehouse):
    rows = {r[0]: r[1:] for r in warehouse.execute(
        "SELECT source_lot_id, lead_days, seen_before_start, days_to_sale, start_date FROM lead_times").fetchall()}
    assert rows["house"] == (20.0, True, None, date(2026, 12, 10))  # first seen 11-20 02:00, starts 12-10 02:00
    assert rows["steel"] == (round(8 / 24, 2), True, round(16 / 24, 2), date(2026, 11, 20))
    assert rows["wd"][0] is None


def test_new_lots_of_a_period(warehouse):
    night2 = warehouse.execute("SELECT source_lot_id FROM new_lots WHERE first_seen_date = DATE '2026-11-21'"
                               ).fetchall()
    assert night2 == [("late",)]
    assert warehouse.execute("SELECT count(*) FROM new_lots WHERE first_seen_date BETWEEN DATE '2026-11-20' "
                             "AND DATE '2026-11-20'").fetchone() == (7,)


def test_status_changes_a_withdrawal_on_night_2(warehouse):
    rows = warehouse.execute("SELECT source_lot_id, old_status, new_status, changed_date, version_no "
                             "FROM status_changes ORDER BY source_lot_id").fetchall()
    assert rows == [("steel", "upcoming", "sold", date(2026, 11, 21), 2),
                    ("wd", "ongoing", "withdrawn", date(2026, 11, 21), 2)]
    [(changed_at,)] = warehouse.execute("SELECT changed_at FROM status_changes WHERE new_status = 'withdrawn'"
                                        ).fetchall()
    assert changed_at == datetime(2026, 11, 21, 2, tzinfo=SHANGHAI)


def test_price_drops_a_cut_of_20_percent(warehouse):
    rows = warehouse.execute("SELECT source_lot_id, old_reserve_price, reserve_price, reserve_drop, largest_drop, "
                             "old_round, round, dropped_date FROM price_drops").fetchall()
    assert rows == [("cut", Decimal("1000000.00"), Decimal("800000.00"), 0.2, 0.2, "first", "second",
                     date(2026, 11, 21))]  # "rise" went up, "steel" kept its reserve: not drops


def test_views_read_the_period_in_china_time_whatever_the_session_zone(warehouse):
    warehouse.execute("SET TimeZone = 'UTC'")  # night 2 is 2026-11-20 18:00 UTC
    assert warehouse.execute("SELECT changed_date FROM status_changes WHERE source_lot_id = 'wd'"
                             ).fetchone() == (date(2026, 11, 21),)


def test_export_parquet_and_csv_with_filters(warehouse, tmp_path: Path):
    n = export(warehouse, "npl_discounts", tmp_path / "out" / "npl.parquet", Filters(province=["河北省"]))
    assert n == 2
    back = duckdb.sql(f"SELECT source_lot_id, price_to_claim FROM '{tmp_path / 'out' / 'npl.parquet'}' "
                      "ORDER BY 1").fetchall()
    assert back == [("other_debt", 0.5), ("steel", 0.4171)]

    path = tmp_path / "drops.csv"
    assert export(warehouse, "status_changes", path, Filters(date_from=date(2026, 11, 21),
                                                             date_to=date(2026, 11, 21), source=["alibaba_sf"])) == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfchanged_date,")
    rows = list(csv.DictReader(data.decode("utf-8-sig").splitlines()))
    assert sorted((r["source_lot_id"], r["new_status"]) for r in rows) == [("steel", "sold"), ("wd", "withdrawn")]
    assert "中国华融" in data.decode("utf-8-sig")
    assert export(warehouse, "new_lots", tmp_path / "none.csv", Filters(date_to=date(2026, 11, 19))) == 0
    assert (tmp_path / "none.csv").read_bytes().startswith(b"\xef\xbb\xbffirst_seen_date,")


def test_export_month_range_keeps_overlapping_months_and_refuses_bad_filters(warehouse, tmp_path: Path):
    assert export(warehouse, "realization_rates", tmp_path / "r.csv",
                  Filters(date_from=date(2026, 11, 15), date_to=date(2026, 11, 30))) == 1
    with pytest.raises(ExportError, match="no column asset_type"):
        export(warehouse, "realization_rates", tmp_path / "r.csv", Filters(asset_type=["debt"]))
    with pytest.raises(ExportError, match="unknown view"):
        export(warehouse, "fct_rejects; DROP TABLE dim_lots", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="unknown format"):
        export(warehouse, "new_lots", tmp_path / "x.xlsx")


def test_export_from_a_read_only_warehouse(warehouse, tmp_path: Path):
    db = Path(warehouse.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                                ).fetchone()[0])
    warehouse.close()
    con = connect(db, read_only=True)
    try:
        assert export(con, "price_drops", tmp_path / "d.parquet", Filters(asset_type=["real_estate"])) == 1
    finally:
        con.close()


def test_views_read_the_same_current_state_and_first_seen_as_lots(warehouse):
    """The views skip the `lots` join for speed (see the SQL file's header): they must agree with it."""
    assert warehouse.execute(
        "SELECT count(*) FROM lots l FULL JOIN new_lots n USING (source, source_lot_id) "
        "WHERE l.first_seen IS DISTINCT FROM n.first_seen OR l.status IS DISTINCT FROM n.status "
        "OR l.reserve_price IS DISTINCT FROM n.reserve_price").fetchone() == (0,)
    assert warehouse.execute(
        "SELECT count(*) FROM lots l FULL JOIN lead_times t USING (source, source_lot_id) "
        "WHERE l.first_seen IS DISTINCT FROM t.first_seen OR l.start_at IS DISTINCT FROM t.start_at").fetchone() == (0,)
    assert sorted(warehouse.execute("SELECT source_lot_id FROM npl_discounts").fetchall()) == sorted(
        warehouse.execute("SELECT source_lot_id FROM lots WHERE asset_type = 'debt' AND total_claim > 0").fetchall())
