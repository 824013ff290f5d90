"""The `salvage` command line as a user drives it: output formats, errors a user can act on."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo
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


def test_a_mistyped_db_is_refused_with_exit_2_and_creates_nothing(tmp_path):
    typo = tmp_path / "wherehouse" / "salvage.duckdb"
    for args in (["ingest", "--db", str(typo), "--runs", str(tmp_path / "runs")],
                 ["nightly", "--db", str(typo), "--runs", str(tmp_path / "runs"), "--replica", "http://127.0.0.1:9"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "no folder" in result.output and str(typo.parent) in result.output.replace("\n", "")
    assert not typo.parent.exists() and not (tmp_path / "runs").exists()
    notes = tmp_path / "notes.csv"
    notes.write_text("a,b\n1,2\n" * 10)
    for args in (["ingest", "--db", str(notes)], ["sql", "SELECT 1", "--db", str(notes)],
                 ["ingest", "--db", str(tmp_path)]):
        result = runner.invoke(app, args)
        assert result.exit_code in (1, 2) and "error" in result.output, result.output
    assert notes.read_text() == "a,b\n1,2\n" * 10


def test_golden_report_with_no_real_cases(tmp_path):
    from typer.testing import CliRunner

    from salvage.cli import app

    result = CliRunner().invoke(app, ["golden-report", "--path", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "No real cases" in result.output and "No real amount strings" in result.output


def test_golden_report_counts_fields_and_amounts(tmp_path):
    import json
    import shutil
    from pathlib import Path

    from typer.testing import CliRunner

    from salvage.cli import app

    golden = Path(__file__).parent / "golden"
    case = golden / "alibaba_sf" / "replica_detail_unsold"
    shutil.copytree(case, tmp_path / "alibaba_sf" / "right_case")
    wrong = tmp_path / "alibaba_sf" / "wrong_case"
    shutil.copytree(case, wrong)
    expected = json.loads((wrong / "expected.json").read_text(encoding="utf-8"))
    expected["lots"][0]["title"] = "not the title"
    (wrong / "expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    lines = [
        {"raw": "债权总额10748.33万元", "source": "gwamc_notice", "origin": "test", "date": "2026-12-04",
         "expected": {"kind": "amount", "value": 107483300}},
        {"raw": "1亿余元", "source": "amc_notice", "origin": "test", "date": "2026-12-04",
         "expected": {"error": "an estimate"}},
        {"raw": "3000万元本金及相应利息", "source": "amc_notice", "origin": "test", "date": "2026-12-04",
         "expected": {"kind": "amount", "value": 30000000}},  # wrong on purpose: it is a split
        {"raw": "1,000", "source": "jd_auction", "origin": "test", "date": "2026-12-04"},
    ]
    (tmp_path / "amounts.jsonl").write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines),
                                           encoding="utf-8")
    result = CliRunner().invoke(app, ["golden-report", "--path", str(tmp_path)])
    assert result.exit_code == 1, result.output  # something checked is wrong
    assert "alibaba_sf: 2 real case(s)" in result.output
    title_row = next(line for line in result.output.splitlines() if line.strip("│ ").startswith("title"))
    assert [cell.strip() for cell in title_row.split("│")[1:5]] == ["title", "2", "1", "1"]
    assert "│ all " in result.output and "75.00%" in result.output  # 3 of 4 read
    assert "3 strings, 2 read exactly as checked, 1 silently wrong" in result.output


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


def test_sources_lists_every_spider_with_its_site_and_the_last_run_of_each(tmp_path: Path):
    from crawlers.runner import sources as known
    from warehouse.db import connect

    db = tmp_path / "w.duckdb"
    con = connect(db)
    for run_id, source, day, status, items, error in (
            ("r1", "jd_auction", 20, "ok", 40, None),
            ("r2", "jd_auction", 21, "failed", 0, "0 items: the list API answered an empty page"),
            ("r3", "cinda_notice", 21, "ok", 25, None)):
        con.execute("INSERT INTO fct_crawl_runs (run_id, source, started_at, items, rejects, status_run, error, "
                    "ingested_at, new_lots, new_versions) VALUES (?, ?, ?, ?, 0, ?, ?, now(), 0, 0)",
                    [run_id, source, datetime(2026, 11, day, 2, tzinfo=ZoneInfo("Asia/Shanghai")), items, status,
                     error])
    con.close()
    result = runner.invoke(app, ["sources", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
            for line in result.stdout.splitlines() if line.startswith("│")}
    assert sorted(rows) == known()
    assert rows["jd_auction"][0] == "api.m.jd.com" and rows["gwamc_notice"][1] == "yes"
    assert rows["jd_auction"][4:] == ["2026-11-21 02:00", "failed: 0 items: the list API answered an empty page", "0"]
    assert rows["cinda_notice"][4:] == ["2026-11-21 02:00", "ok", "25"]
    assert rows["alibaba_sf"][5] == "never run"
    plain = runner.invoke(app, ["sources", "--names", "--db", str(db)])
    assert plain.stdout.split() == known()
