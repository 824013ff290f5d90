"""Reading while the night loads: a real second process reads the analysts' file in a loop while nights are
ingested; it must never get a lock error nor see half a night."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from warehouse.db import connect, publishing
from warehouse.ingest import ingest

from .conftest import make_lot, snapshot, write_run

READER = textwrap.dedent("""
    import json, sys, time, duckdb
    db, stop = sys.argv[1], sys.argv[2]
    seen, errors = [], []
    import os
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(db, read_only=True)
            runs, lots, versions = con.execute(
                "SELECT (SELECT count(*) FROM crawl_runs), (SELECT count(*) FROM lots), "
                "(SELECT count(*) FROM lot_history)").fetchone()
            con.close()
            seen.append([runs, lots, versions])
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.002)
    print(json.dumps({"seen": seen, "errors": errors}))
""")


def test_a_reader_in_another_process_never_sees_a_lock_error_or_half_a_night(tmp_path: Path):
    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    nights = [write_run(runs, [make_lot(str(i), night=n, bid_count=n) for i in range(n * 3000)], night=n)
              for n in (1, 2, 3)]
    with publishing(db) as con:
        ingest(con, [nights[0]])
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        for meta in nights[1:]:
            with publishing(db) as con:
                ingest(con, [meta])
                time.sleep(0.3)  # the night is written but not yet published: readers must not see it
            time.sleep(0.3)
    finally:
        stop.touch()
        out = json.loads(reader.communicate(timeout=60)[0])
    assert out["errors"] == []
    # every state a reader saw is a whole night: (runs, lots, versions) after night 1, 2 or 3 and nothing between
    whole_nights = {(1, 3000, 3000), (2, 6000, 9000), (3, 9000, 18000)}
    assert {tuple(s) for s in out["seen"]} <= whole_nights
    assert {tuple(s) for s in out["seen"]} >= {(1, 3000, 3000), (3, 9000, 18000)}


def test_a_failed_night_leaves_the_analysts_file_as_it_was(tmp_path: Path):
    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    with publishing(db) as con:
        ingest(con, [write_run(runs, [make_lot("1")], night=1)])
    con = connect(db, read_only=True)
    before = snapshot(con)
    con.close()
    with pytest.raises(RuntimeError, match="crash"):
        with publishing(db) as con:
            ingest(con, [write_run(runs, [make_lot("1", night=2, status="sold")], night=2)])
            raise RuntimeError("crash after the merge, before publishing")
    con = connect(db, read_only=True)
    assert snapshot(con) == before
    con.close()
    assert not db.with_name(db.name + ".next").exists()
