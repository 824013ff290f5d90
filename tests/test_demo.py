"""`salvage demo` as a newcomer runs it: from another folder, with a relative --db path."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow


def test_the_demo_leaves_a_warehouse_that_answers_questions(tmp_path: Path):
    env = {**os.environ, "COLUMNS": "160"}
    done = subprocess.run([sys.executable, "-m", "salvage.cli", "demo", "--lots", "60", "--db", "out/w.duckdb"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "lots by source and status" in done.stdout and "crawl_runs" in done.stdout
    con = duckdb.connect(str(tmp_path / "out" / "w.duckdb"), read_only=True)
    runs = con.execute("SELECT source, status FROM crawl_runs ORDER BY source, started_at").fetchall()
    assert len(runs) == 2 * len({s for s, _ in runs}) and {s for _, s in runs} == {"ok"}
    lots, versions = con.execute("SELECT (SELECT count(*) FROM lots), (SELECT count(*) FROM lot_history)").fetchone()
    assert lots > 0 and versions > lots  # night 2 changed some lots
    assert (tmp_path / "out" / "runs").is_dir()
