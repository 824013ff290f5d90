"""The weekly report: known content from the analyst views, escaping, and a real browser rendering it offline."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from warehouse.ingest import ingest, resolve_runs
from warehouse.report import render, report_context, write_report

from .conftest import make_lot, write_run
from .test_analyst_views import warehouse  # noqa: F401  (the two nights with known answers)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EVIL = '<script>alert("x")</script>钢铁'


def _add_night_3(con, tmp_path: Path) -> None:
    write_run(tmp_path / "runs", [make_lot("evil", night=3, title=EVIL, url="javascript:alert(1)")], night=3)
    ingest(con, resolve_runs([tmp_path / "runs"]))


def test_report_context_has_the_weeks_known_answers(warehouse):  # noqa: F811
    ctx = report_context(warehouse)
    assert ctx["as_of"] == date(2026, 11, 21) and ctx["week_from"] == date(2026, 11, 15)
    assert ctx["new_count"] == 8 and ctx["withdrawn_count"] == 1
    assert [r["title"] for r in ctx["withdrawn"]] == ["运城市盐湖区解放路wd号房产"]
    assert [(r["title"], r["largest_drop"]) for r in ctx["drops"]] == [("运城市盐湖区解放路cut号房产", 0.2)]
    [hebei] = ctx["realization"]
    assert (hebei["province"], hebei["sold_lots"], round(hebei["rate"], 4)) == ("河北省", 2, round(5.15 / 11.95, 4))
    status = {b.label: b.value for b in ctx["bar_charts"][0].bars}
    assert status == {"ongoing": 4, "sold": 2, "upcoming": 1, "withdrawn": 1}
    discounts = ctx["line_charts"][0]
    sold = next(s for s in discounts.series if s.name == "debt: sold price / total claim")
    assert len(sold.points) == 1 and "2026-11" in sold.points[0][2]
    # a week with nothing in it still renders
    assert "No new lots this week." in render(report_context(warehouse, as_of=date(2026, 11, 10)))


def test_report_escapes_crawled_text(warehouse, tmp_path: Path):  # noqa: F811
    _add_night_3(warehouse, tmp_path)
    html = render(report_context(warehouse))
    assert EVIL not in html and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;钢铁" in html
    assert "javascript:" not in html
    assert "<script" not in html  # the page runs no script at all


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium is not installed")
def test_report_renders_offline_in_headless_chromium(warehouse, tmp_path: Path):  # noqa: F811
    _add_night_3(warehouse, tmp_path)
    page = write_report(warehouse, tmp_path / "report" / "report.html")
    html = page.read_text("utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html.replace('xmlns="http://www.w3.org/2000/svg"', "")
                         .replace("href=\"https://sf-item.taobao.com", "")), "the page must load nothing"
    flags = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
             f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1280,2400"]
    dom = subprocess.run(flags + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    for chart in ("chart-discounts", "chart-prices", "chart-status", "chart-provinces"):
        assert re.search(rf'<svg id="{chart}"', dom), chart
    assert dom.count("<polyline") >= 3 and dom.count('<rect class="bar"') >= 5
    for table in ("table-new", "table-withdrawn", "table-drops", "table-realization"):
        assert f'<table id="{table}">' in dom, table
    assert "运城市盐湖区解放路wd号房产" in dom and "20.0 %" in dom and "河北省" in dom
    assert "&lt;script&gt;" in dom and "<script>alert" not in dom
    shot = tmp_path / "report.png"
    subprocess.run(flags + [f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_cli_export_and_report_read_the_warehouse_read_only(warehouse, tmp_path: Path):  # noqa: F811
    from typer.testing import CliRunner

    from salvage.cli import app

    db = warehouse.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                           ).fetchone()[0]
    warehouse.close()
    runner = CliRunner()
    csv_path = tmp_path / "out" / "npl.csv"
    result = runner.invoke(app, ["export", "npl_discounts", str(csv_path), "--db", db, "--province", "河北省",
                                 "--from", "2026-11-01", "--to", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf") and len(csv_path.read_text("utf-8-sig").splitlines()) == 3
    result = runner.invoke(app, ["export", "realization_rates", str(tmp_path / "r.csv"), "--db", db,
                                 "--asset-type", "debt"])
    assert result.exit_code == 1 and "no column asset_type" in result.output
    page = tmp_path / "week.html"
    result = runner.invoke(app, ["report", str(page), "--db", db, "--as-of", "2026-11-21"])
    assert result.exit_code == 0, result.output
    assert 'id="table-withdrawn"' in page.read_text("utf-8")
    result = runner.invoke(app, ["report", str(page), "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 1 and "no warehouse" in result.output
