"""`salvage demo` as a newcomer runs it: from another folder, with a relative --db path (the session's demo run)."""

import duckdb
import pytest

pytestmark = pytest.mark.slow


def test_the_demo_leaves_a_warehouse_that_answers_questions(demo_run, demo_db):
    assert "lots by source and status" in demo_run.stdout and "crawl_runs" in demo_run.stdout
    assert "relistings at a lower reserve" in demo_run.stdout and "│ relisting " in demo_run.stdout
    con = duckdb.connect(str(demo_db), read_only=True)
    runs = con.execute("SELECT source, status FROM crawl_runs ORDER BY source, started_at").fetchall()
    assert len(runs) == 2 * len({s for s, _ in runs}) and {s for _, s in runs} == {"ok"}
    lots, versions = con.execute("SELECT (SELECT count(*) FROM lots), (SELECT count(*) FROM lot_history)").fetchone()
    assert lots > 0 and versions > lots  # night 2 changed some lots
    assert (demo_run.out / "runs").is_dir()
