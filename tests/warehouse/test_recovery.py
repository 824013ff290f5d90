"""What a crash or a careless analyst can leave beside the warehouse, and how the next publish recovers without a
person: a stale ``.wal`` of a read-write session that died, a writer still alive, a WAL that matches no version of
the file, a publish killed between its two renames, a ``.next`` left by a killed load; readers in a long-lived
process; a mistyped warehouse path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from warehouse.db import (WarehouseInUse, WarehousePathError, check_warehouse, connect_readonly,
                          publishing)
from warehouse.ingest import ingest

from .conftest import make_lot, write_run

# an analyst opens the warehouse read-write, writes a note and dies before DuckDB checkpoints (the WAL stays)
ANALYST_CRASH = textwrap.dedent("""
    import os, sys, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("SET wal_autocheckpoint = '1GB'")
    con.execute("CREATE TABLE analyst_notes AS SELECT 'keep me' AS note")
    os._exit(9)
""")

# a reader in a fresh process, as `salvage sql` / `report` / `export` are
READ = "import sys, duckdb; c = duckdb.connect(sys.argv[1], read_only=True); " \
       "print(c.execute('SELECT count(*) FROM crawl_runs').fetchone()[0])"


def _night(db: Path, runs: Path, n: int) -> None:
    with publishing(db) as con:
        ingest(con, [write_run(runs, [make_lot(str(i), night=n, bid_count=n) for i in range(50)], night=n)])


def _fresh_reader(db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", READ, str(db)], capture_output=True, text=True, timeout=60)


def test_a_stale_wal_of_a_crashed_read_write_session_goes_into_the_next_night_and_readers_keep_working(tmp_path):
    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    _night(db, runs, 1)
    subprocess.run([sys.executable, "-c", ANALYST_CRASH, str(db)], check=False, timeout=60)
    wal = db.with_name(db.name + ".wal")
    assert wal.exists()
    _night(db, runs, 2)
    reader = _fresh_reader(db)
    assert reader.returncode == 0, reader.stderr  # before: "WAL checkpoint iteration does not match"
    assert reader.stdout.strip() == "2"
    con = connect_readonly(db)
    assert con.execute("SELECT note FROM analyst_notes").fetchall() == [("keep me",)]  # the analyst's write kept
    con.close()
    assert not wal.exists() and not list(tmp_path.glob("*.wal.*"))


def test_a_live_read_write_session_makes_the_publish_refuse_and_change_nothing(tmp_path):
    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    _night(db, runs, 1)
    before = db.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); "
                               "print('open', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(WarehouseInUse, match="open read-write in another process"):
            _night(db, runs, 2)
    finally:
        holder.kill()
        holder.wait()
    assert db.read_bytes() == before
    assert not db.with_name(db.name + ".next").exists()


def test_a_wal_that_matches_no_version_of_the_file_is_kept_aside_and_readers_recover(tmp_path):
    # the state older code left: a new night published over a file whose WAL was stale
    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    _night(db, runs, 1)
    subprocess.run([sys.executable, "-c", ANALYST_CRASH, str(db)], check=False, timeout=60)
    wal = db.with_name(db.name + ".wal")
    old_wal = wal.read_bytes()
    wal.unlink()
    _night(db, runs, 2)
    wal.write_bytes(old_wal)
    assert "does not match" in _fresh_reader(db).stderr  # broken, as the issue reported
    _night(db, runs, 3)
    reader = _fresh_reader(db)
    assert reader.returncode == 0, reader.stderr
    assert reader.stdout.strip() == "3"
    (orphan,) = tmp_path.glob("salvage.duckdb.wal.orphan-*")
    assert orphan.read_bytes() == old_wal


@pytest.mark.parametrize("killed_after", ["wal_moved", "file_replaced"])
def test_a_publish_killed_between_its_two_renames_is_recovered_by_the_next(tmp_path, killed_after):
    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    _night(db, runs, 1)
    subprocess.run([sys.executable, "-c", ANALYST_CRASH, str(db)], check=False, timeout=60)
    wal, replayed = db.with_name(db.name + ".wal"), db.with_name(db.name + ".wal.replayed")
    if killed_after == "wal_moved":  # db is still the old file; its WAL was moved aside
        os.replace(wal, replayed)
    else:  # the new file (WAL replayed, checkpointed) is in; the moved WAL was not yet deleted
        saved = wal.read_bytes()
        _night(db, runs, 2)
        replayed.write_bytes(saved)
    _night(db, runs, 3)
    assert _fresh_reader(db).stdout.strip() == ("2" if killed_after == "wal_moved" else "3")
    con = connect_readonly(db)
    assert con.execute("SELECT count(*) FROM analyst_notes").fetchone()[0] == 1  # kept once, never lost
    con.close()
    assert not replayed.exists() and not wal.exists()


def test_a_long_lived_reader_sees_each_published_night(tmp_path):
    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    _night(db, runs, 1)
    kept_open = connect_readonly(db)
    cached = duckdb.connect(str(db), read_only=True)  # what the README's "reconnect" did
    _night(db, runs, 2)
    again = duckdb.connect(str(db), read_only=True)
    assert again.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 1  # DuckDB's instance cache: stale
    fresh = connect_readonly(db)
    assert fresh.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 2
    assert fresh.execute("SELECT count(*) FROM lot_history").fetchone()[0] == 100  # views resolve in the file
    assert kept_open.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 1  # an open one keeps its night
    for con in (kept_open, cached, again, fresh):
        con.close()


def test_a_next_copy_left_by_a_killed_load_is_removed_by_the_next_publish(tmp_path):
    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    _night(db, runs, 1)
    leftover = db.with_name(db.name + ".next")
    shutil.copyfile(db, leftover)
    leftover.with_name(leftover.name + ".wal").write_bytes(b"half")
    _night(db, runs, 2)
    assert not leftover.exists() and not leftover.with_name(leftover.name + ".wal").exists()


def test_a_mistyped_warehouse_path_is_refused(tmp_path):
    with pytest.raises(WarehousePathError, match="no folder"):
        check_warehouse(tmp_path / "nosuch" / "salvage.duckdb", create=True)
    with pytest.raises(WarehousePathError, match="is a folder"):
        check_warehouse(tmp_path, create=True)
    (tmp_path / "notes.txt").write_text("not a warehouse, and must not be overwritten " * 3)
    with pytest.raises(WarehousePathError, match="not a DuckDB warehouse"):
        check_warehouse(tmp_path / "notes.txt", create=True)
    with pytest.raises(WarehousePathError, match="no warehouse at"):
        check_warehouse(tmp_path / "salvage.duckdb")
    assert check_warehouse(tmp_path / "salvage.duckdb", create=True) == tmp_path / "salvage.duckdb"
