from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from contracts.models import LOT_FIELDS
from contracts.runfiles import RunFileError
from warehouse import ingest as ingest_module
from contracts.columns import LOT_COLUMN_NAMES
from warehouse.ingest import ingest, resolve_runs

from .conftest import make_lot, snapshot, write_run


def test_columns_are_the_lot_fields():
    assert LOT_COLUMN_NAMES == LOT_FIELDS


def test_two_nights_make_history_only_for_tracked_changes(con, tmp_path: Path):
    runs = tmp_path / "runs"
    write_run(runs, [make_lot("1"), make_lot("2"), make_lot("3")], night=1)
    write_run(runs, [
        make_lot("1", night=2, reserve_price=Decimal("800000"), round="second"),  # price drop: new version
        make_lot("2", night=2, view_count=99, title="renamed"),  # untracked fields: no new version
        make_lot("4", night=2),  # new lot
    ], night=2)
    results = ingest(con, resolve_runs([runs]))
    assert [(r.status, r.new_lots, r.new_versions) for r in results] == [("loaded", 3, 3), ("loaded", 1, 2)]

    history = con.execute("SELECT source_lot_id, version_no, reserve_price, round, valid_from, valid_to "
                          "FROM lot_history ORDER BY 1, 2").fetchall()
    assert [(h[0], h[1], h[2], h[3]) for h in history] == [
        ("1", 1, Decimal("1000000.00"), "first"), ("1", 2, Decimal("800000.00"), "second"),
        ("2", 1, Decimal("1000000.00"), "first"), ("3", 1, Decimal("1000000.00"), "first"),
        ("4", 1, Decimal("1000000.00"), "first"),
    ]
    lot1_v1, lot1_v2 = history[0], history[1]
    assert lot1_v1[5] == lot1_v2[4]  # the old version ends where the new one starts
    assert lot1_v2[5] is None

    lots = {r[0]: r[1:] for r in con.execute(
        "SELECT source_lot_id, title, view_count, first_seen < last_seen, reserve_price FROM lots").fetchall()}
    assert lots["2"] == ("renamed", 99, True, Decimal("1000000.00"))
    assert lots["3"][2] is False  # seen only on night 1
    assert lots["1"][3] == Decimal("800000.00")
    nested = con.execute("SELECT guarantors, collateral[1].area_m2, raw->>'reserve_price' FROM lots "
                         "WHERE source_lot_id = '1'").fetchone()
    assert nested == (["张三"], Decimal("88.50"), "1,000,000 ")


def test_ingesting_the_same_run_twice_changes_nothing(con, tmp_path: Path):
    runs = tmp_path / "runs"
    write_run(runs, [make_lot("1"), make_lot("2")])
    ingest(con, resolve_runs([runs]))
    before = snapshot(con)
    again = ingest(con, resolve_runs([runs]))
    assert [r.status for r in again] == ["skipped"]
    assert snapshot(con) == before


def test_an_older_run_does_not_overwrite_a_newer_state(con, tmp_path: Path):
    runs = tmp_path / "runs"
    newer = write_run(runs, [make_lot("1", night=2, status="sold", final_price=Decimal("1200000"))], night=2)
    older = write_run(runs, [make_lot("1", night=1)], night=1)
    ingest(con, [newer])
    ingest(con, [older])
    assert con.execute("SELECT status, (SELECT max(version_no) FROM lot_history) FROM lots"
                       ).fetchone() == ("sold", 1)


def test_bad_rows_go_to_rejects_with_reason_source_and_url(con, tmp_path: Path):
    runs = tmp_path / "runs"
    bad = ('{"source":"alibaba_sf","source_lot_id":"9","url":"https://sf-item.taobao.com/sf_item/9.htm",'
           '"fetched_at":"2026-11-20T02:00:00+08:00","title":"x","reserve_price":"abc","status":"weird"}')
    no_title = ('{"source":"alibaba_sf","source_lot_id":"8","url":"https://sf-item.taobao.com/sf_item/8.htm",'
                '"fetched_at":"2026-11-20T02:00:00+08:00","title":""}')
    blank_title = no_title.replace('"8"', '"7"').replace('"title":""', '"title":"   "')
    spaced_title = no_title.replace('"8"', '"6"').replace('"title":""', '"title":"  房产 "')  # kept: not blank
    write_run(runs, [make_lot("1")], extra_lines=[bad, no_title, blank_title, spaced_title])
    [result] = ingest(con, resolve_runs([runs]))
    assert (result.status, result.rejects) == ("loaded", 3)
    rejects = dict(con.execute("SELECT source_lot_id, source || ' ' || url || ' ' || reason FROM fct_rejects"
                               ).fetchall())
    assert "https://sf-item.taobao.com/sf_item/9.htm" in rejects["9"]
    assert "bad reserve_price: abc" in rejects["9"] and "unknown status: weird" in rejects["9"]
    assert "missing title" in rejects["8"] and "missing title" in rejects["7"]
    assert con.execute("SELECT source_lot_id FROM lots ORDER BY 1").fetchall() == [("1",), ("6",)]
    assert con.execute("SELECT status FROM crawl_runs").fetchone()[0] == "partial"


def test_a_lot_listed_twice_in_one_run_is_one_lot(con, tmp_path: Path):
    runs = tmp_path / "runs"
    write_run(runs, [make_lot("1", bid_count=1), make_lot("1", bid_count=3)])
    ingest(con, resolve_runs([runs]))
    assert con.execute("SELECT count(*), max(bid_count) FROM lot_history").fetchone() == (1, 3)


def test_a_malformed_run_file_is_refused_by_name_and_nothing_changes(con, tmp_path: Path):
    runs = tmp_path / "runs"
    ingest(con, [write_run(runs, [make_lot("1")], night=1)])
    before = snapshot(con)
    broken = write_run(runs, [make_lot("1", night=2, status="sold")], night=2, extra_lines=['{"source": "ali'])
    [result] = ingest(con, [broken])
    assert result.status == "refused"
    assert str(broken.parent) in result.error and "malformed" in result.error
    assert snapshot(con) == before
    # not marked as ingested: once repaired, it loads
    lines = Path(result.file).read_text().splitlines()[:-1]
    Path(result.file).write_text("\n".join(lines) + "\n")
    assert [r.status for r in ingest(con, [broken])] == ["loaded"]


def test_a_crash_during_the_merge_leaves_the_warehouse_as_it_was(con, tmp_path: Path, monkeypatch):
    runs = tmp_path / "runs"
    ingest(con, [write_run(runs, [make_lot("1")], night=1)])
    before = snapshot(con)
    metas = [write_run(runs, [make_lot("1", night=2, status="sold")], night=2),
             write_run(runs, [make_lot("2", night=3)], night=3)]
    real_merge = ingest_module._merge_run
    calls = []

    def crash_on_second(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("power cut")
        return real_merge(*args)

    monkeypatch.setattr(ingest_module, "_merge_run", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        ingest(con, metas)
    assert snapshot(con) == before


def test_unfinished_runs_are_not_ingested(tmp_path: Path):
    runs = tmp_path / "runs" / "alibaba_sf"
    runs.mkdir(parents=True)
    (runs / "alibaba_sf-x.jsonl").write_text("")
    with pytest.raises(RunFileError, match="has not finished"):
        resolve_runs([runs / "alibaba_sf-x.jsonl"])


def test_every_table_view_and_column_has_a_comment(con):
    missing_tables = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND comment IS NULL "
        "UNION ALL SELECT table_name FROM duckdb_tables() WHERE comment IS NULL").fetchall()
    assert missing_tables == []
    missing_columns = con.execute(
        "SELECT table_name || '.' || column_name FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND NOT internal AND comment IS NULL").fetchall()
    assert missing_columns == []


def test_analyst_views_have_the_contract_columns(con):
    def cols(view: str) -> list[str]:
        return [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]

    assert cols("lots") == [*LOT_FIELDS, "first_seen", "last_seen"]
    assert cols("lot_history")[: len(LOT_FIELDS)] == list(LOT_FIELDS)
    assert {"version_no", "valid_from", "valid_to"} <= set(cols("lot_history"))
    assert {"source", "started_at", "finished_at", "items", "rejects", "status"} <= set(cols("crawl_runs"))


@pytest.mark.parametrize("jsonl", [False, True], ids=["parquet", "jsonl"])
def test_package_loans_survive_the_run_file_and_the_warehouse(con, tmp_path: Path, jsonl: bool):
    loans = [{"seq": 1, "debtor": "运城某钢铁有限公司", "guarantors": ["张三"], "principal": Decimal("9950000"),
              "total": Decimal("11184567.89"), "currency": "CNY", "raw": {"principal": "995万元"}},
             {"seq": 2, "debtor": "香港某公司", "principal": Decimal("1000000"), "currency": "USD"}]
    write_run(tmp_path / "runs", [make_lot("1", asset_type="debt", loans=loans)], jsonl=jsonl)
    ingest(con, resolve_runs([tmp_path / "runs"]))
    rows = con.execute("SELECT l.seq, l.debtor, l.guarantors, l.principal, l.currency, l.raw->>'principal' "
                       "FROM (SELECT unnest(loans) AS l FROM lots) ORDER BY 1").fetchall()
    assert rows == [(1, "运城某钢铁有限公司", ["张三"], Decimal("9950000.00"), "CNY", "995万元"),
                    (2, "香港某公司", [], Decimal("1000000.00"), "USD", None)]


def test_hooks_run_inside_the_nights_transaction(con, tmp_path: Path):
    seen = []

    def hook(connection, results):
        seen.append((connection.execute("SELECT count(*) FROM lots").fetchone()[0], [r.status for r in results]))
        connection.execute("CREATE TABLE hook_marker AS SELECT 1 AS x")
        raise RuntimeError("alert step failed")

    with pytest.raises(RuntimeError):
        ingest(con, [write_run(tmp_path / "runs", [make_lot("1")])], hooks=[hook])
    assert seen == [(1, ["loaded"])]  # the hook saw the merged night...
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'hook_marker'").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM lots").fetchone() == (0,)  # ...and its failure undid it all


CODE_COLUMNS = ("province_code", "city_code", "district_code")


def test_an_older_warehouse_and_older_run_files_take_the_place_codes(tmp_path: Path):
    """A warehouse and Parquet run files made before the place codes existed still open and load."""
    import duckdb

    from warehouse.db import connect

    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    con = connect(db)
    ingest(con, resolve_runs([write_run(runs / "a", [make_lot("1")])]))
    con.execute("DROP VIEW lots")
    con.execute("DROP VIEW lot_history")
    con.execute("DROP INDEX fct_lot_versions_lot")  # DuckDB alters no table an index depends on
    for column in CODE_COLUMNS:  # the warehouse as an older Salvage left it
        con.execute(f"ALTER TABLE fct_lot_versions DROP COLUMN {column}")
    con.execute("CREATE INDEX fct_lot_versions_lot ON fct_lot_versions (source_lot_id)")  # with its index
    con.close()
    old_run = write_run(runs / "b", [make_lot("2")], night=2)
    (parquet,) = old_run.parent.glob("*.parquet")
    older = f"SELECT * EXCLUDE ({', '.join(CODE_COLUMNS)}) FROM '{parquet}'"
    duckdb.sql(f"COPY ({older}) TO '{parquet}.old' (FORMAT parquet)")
    parquet.with_name(parquet.name + ".old").replace(parquet)
    codes = {"province_code": "140000", "city_code": "140800", "district_code": "140802"}
    placed = make_lot("3", night=3, province="山西省", city="运城市", district="盐湖区", **codes)
    new_run = write_run(runs / "c", [placed], night=3)

    con = connect(db)
    try:
        results = ingest(con, resolve_runs([old_run, new_run]))
        assert [r.status for r in results] == ["loaded", "loaded"]
        rows = con.execute(f"SELECT source_lot_id, {', '.join(CODE_COLUMNS)} FROM lots ORDER BY 1").fetchall()
        assert rows == [("1", None, None, None), ("2", None, None, None), ("3", "140000", "140800", "140802")]
        history = con.execute("SELECT count(*) FROM lot_history WHERE district_code = '140802'").fetchone()
        assert history == (1,)
    finally:
        con.close()
