"""The `salvage` command line as a user drives it: output formats, errors a user can act on."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from salvage.cli import app

GOLDEN = Path(__file__).parent / "golden" / "alibaba_sf"
runner = CliRunner()


def test_normalize_amount_prints_one_json_object_per_line():
    result = runner.invoke(app, ["normalize", "amount"],
                           input="65,454,900 \n1,234.56万元\n100-300万元\n9731万股\n无\n12元/㎡\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["kind"] for r in rows] == ["amount", "amount", "range", "shares", "none", "unparseable"]
    assert rows[0]["value"] == 65454900 and rows[1]["value"] == 12345600
    assert (rows[2]["low"], rows[2]["high"]) == (1000000, 3000000)
    assert rows[5]["error"] and set(rows[0]) >= {"raw", "value", "low", "high", "as_of", "kind", "error"}


def test_parse_tells_list_and_detail_pages_apart_and_prints_normalized_lots():
    case = json.loads((GOLDEN / "list_search_page" / "case.json").read_text())
    result = runner.invoke(app, ["parse", "alibaba_sf", str(GOLDEN / "list_search_page" / "input.html"),
                                 "--url", case["url"], "--fetched-at", case["fetched_at"]])
    assert result.exit_code == 0, result.output
    lots = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lots) == 5 and all(lot["source"] == "alibaba_sf" for lot in lots)
    assert all(lot["fetched_at"].endswith("+08:00") for lot in lots)
    detail = runner.invoke(app, ["parse", "alibaba_sf",
                                 str(GOLDEN / "detail_first_round_ongoing" / "input.html")])
    [lot] = [json.loads(line) for line in detail.stdout.splitlines()]
    assert lot["round"] == "first" and isinstance(lot["reserve_price"], (int, float))


def test_parse_names_the_file_of_an_anti_bot_page_and_exits_1():
    page = GOLDEN / "interstitial_slider" / "input.html"
    result = runner.invoke(app, ["parse", "alibaba_sf", str(page)])
    assert result.exit_code == 1
    assert "interstitial_slider" in result.output and "anti-bot" in result.output


def test_schema_prints_the_data_dictionary():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    for name in ("lots", "lot_history", "crawl_runs", "reserve_price", "valid_from"):
        assert name in result.stdout


def test_reading_commands_explain_a_missing_warehouse(tmp_path: Path):
    for args in (["runs"], ["sql", "SELECT 1"]):
        result = runner.invoke(app, [*args, "--db", str(tmp_path / "none.duckdb")])
        assert result.exit_code == 1 and "salvage demo" in result.output


def test_ingest_refuses_a_path_that_is_not_a_run(tmp_path: Path):
    stray = tmp_path / "notes.txt"
    stray.write_text("x")
    result = runner.invoke(app, ["ingest", str(stray), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 1 and "not a run file" in result.output


def test_machine_output_goes_straight_to_stdout_not_through_the_rich_console(monkeypatch):
    from salvage import cli

    def refuse(*args, **kwargs):
        raise AssertionError("JSON lines printed through the rich console")

    monkeypatch.setattr(cli.out, "print", refuse)
    case = json.loads((GOLDEN / "list_search_page" / "case.json").read_text())
    page = str(GOLDEN / "list_search_page" / "input.html")
    result = runner.invoke(app, ["parse", "alibaba_sf", page, page, "--url", case["url"]])
    assert result.exit_code == 0, result.output
    assert len([json.loads(line) for line in result.stdout.splitlines()]) == 10
    amounts = runner.invoke(app, ["normalize", "amount"], input="1,234.56万元\n" * 1500)
    assert amounts.exit_code == 0 and [json.loads(x)["value"] for x in amounts.stdout.splitlines()] == [12345600] * 1500


def test_sql_format_json_prints_one_object_per_row(tmp_path: Path):
    from warehouse.db import connect

    db = tmp_path / "w.duckdb"
    connect(db).close()
    query = ("SELECT i AS n, (i * 1.5)::DECIMAL(18,2) AS price, '债权' AS kind, TIMESTAMPTZ '2026-11-20 02:00:00+08' "
             "AS at, DATE '2026-11-20' AS day, NULL AS nothing, [1, 2] AS list FROM range(3000) t(i)")
    result = runner.invoke(app, ["sql", query, "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3000 and rows[0] == {"n": 0, "price": 0, "kind": "债权", "at": rows[0]["at"],
                                             "day": "2026-11-20", "nothing": None, "list": [1, 2]}
    assert rows[1]["price"] == 1.5 and rows[2]["price"] == 3
    assert rows[0]["at"].startswith("2026-11-20T") and rows[0]["at"][-6:] in ("+08:00", "+00:00")
    bad = runner.invoke(app, ["sql", "SELECT 1", "--db", str(db), "--format", "xml"])
    assert bad.exit_code == 1 and "table, csv or json" in bad.output
