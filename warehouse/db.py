"""Opening the warehouse file, keeping its schema (tables, views, comments) current, and publishing new nights.

Reading while the night loads: a DuckDB file that one process writes cannot be opened by another, not even
read-only. So writers never open the analysts' file: `publishing` copies it to ``<db>.next``, the night loads
there, and the finished copy is checkpointed and renamed over ``<db>`` in one atomic step. A reader that opened the
file before keeps reading the previous night (its open file is the old one); a reader that opens it after sees the
whole new night. Nobody ever sees a lock error or half a night. A crash leaves ``<db>`` as it was.

What a kill or a crash can leave, and what the next publish does with it (no person needed):

- ``<db>.next`` (and its ``.wal``): a load killed half-way. Deleted when the next publish starts, and at once when a
  load fails with an error.
- ``<db>.write.lock``: an empty file; the lock itself is an OS lock that dies with its process.
- ``<db>.wal``: someone opened the warehouse read-write (an analyst's ``duckdb salvage.duckdb``) and crashed. The
  WAL holds writes that are not yet in the file; readers still see them (DuckDB replays a matching WAL), but once a
  new night replaced the file the old WAL no longer matches it and every reader would fail with "WAL checkpoint
  iteration does not match". So the publish replays it into the new night (the analyst's writes are kept) and moves
  it out of the way before the new file goes in (`_stale_wal`). A WAL whose writer is still alive (the file is
  locked) makes the publish refuse with `WarehouseInUse`; a WAL that matches no version of the file (left by an
  older Salvage) is kept as ``<db>.wal.orphan-<time>`` and reported, never deleted.
- Readers in a long-lived process: DuckDB keeps one database instance per file per process, and a second
  ``duckdb.connect(path, read_only=True)`` while a first is open gets that instance, i.e. the file as it was when it
  was first opened: a re-published night is never seen. `connect_readonly` opens a fresh in-memory instance and
  ATTACHes the file, so every call reads the file as it is now.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock

from contracts.columns import LOT_COLUMN_NAMES, LOT_TYPES, comment_for, lot_columns_ddl
from contracts.runfiles import fsync_path

SQL_DIR = Path(__file__).with_name("sql")
logger = logging.getLogger(__name__)
DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


class WarehousePathError(FileNotFoundError):
    """The warehouse path names a missing warehouse or folder, a folder, or a file that is not a DuckDB database (a
    FileNotFoundError, so every command that reports a missing warehouse reports these too)."""


class WarehouseInUse(RuntimeError):
    """Another process has the warehouse file open read-write."""


class WarehouseDiskFull(OSError):
    """The disk filled up while the next night was written; the published night is untouched."""


def disk_full(exc: BaseException | None) -> bool:
    """The error, or one it was raised from or during (a ROLLBACK after a failed write), is a full disk."""
    seen = 0
    while exc is not None and seen < 10:
        if getattr(exc, "errno", None) == errno.ENOSPC or "No space left on device" in str(exc) \
                or "disk is full" in str(exc).lower():
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False

TABLE_COMMENTS: dict[str, str] = {
    "dim_lots": "One row per lot (source, source_lot_id): first and last seen, current version, change hashes. "
    "Read lots through the view lots.",
    "fct_lot_versions": "Every version of every lot (SCD type 2), all Lot columns. Read it through the views lots "
    "and lot_history.",
    "fct_crawl_runs": "One row per ingested crawl run. Read it through the view crawl_runs.",
    "fct_rejects": "Records refused at ingest or by the crawl's normalizer, with the reason, source and URL.",
    "lots": "One row per lot (source, source_lot_id): its current state, with first_seen and last_seen. "
    "Money in yuan, times in Asia/Shanghai.",
    "lot_history": "One row per version of a lot: a new version whenever a price, the status, the round, the times "
    "or the bid count changed. valid_from/valid_to bound the period; valid_to is NULL for the current one.",
    "crawl_runs": "One row per crawl run: source, started, finished, items, rejects, status (ok/failed/partial).",
    "fct_replaced_versions": "Lot versions (fct_lot_versions rows, every Lot column) that a re-parse replaced when it "
    "rebuilt the history of the lots it re-read (salvage reparse RUN --ingest): the evidence of what was loaded "
    "before the fix. replaced_by_run is the re-parse run, replaced_at when.",
}


def sql_text(name: str) -> str:
    """A SQL file of ``warehouse/sql`` with the lot-column placeholders expanded."""
    text = (SQL_DIR / name).read_text(encoding="utf-8")
    current = ", ".join("d.last_seen AS fetched_at" if c == "fetched_at" else f"v.{c}" for c in LOT_COLUMN_NAMES)
    return (text.replace("{lot_columns}", lot_columns_ddl())
            .replace("{lot_select_current}", current)
            .replace("{lot_select}", ", ".join(LOT_COLUMN_NAMES)))


def check_warehouse(path: str | Path, *, create: bool = False) -> Path:
    """``path`` if it is a warehouse file, or (``create``) a new one can go there: its folder exists and nothing else
    is at that name. A mistyped ``--db`` must not quietly create an empty warehouse in a new folder."""
    path = Path(path)
    if path.is_dir():
        raise WarehousePathError(f"{path} is a folder, not a warehouse file (give the .duckdb file, e.g. "
                                 f"{path / 'salvage.duckdb'})")
    if path.exists():
        with open(path, "rb") as handle:
            head = handle.read(12)
        if head[8:12] != DUCKDB_MAGIC:
            raise WarehousePathError(f"{path} is not a DuckDB warehouse file (refusing to read or overwrite it)")
        return path
    if not create:
        raise WarehousePathError(f"no warehouse at {path}: run `salvage ingest` or `salvage demo` first "
                                 f"(or check --db / SALVAGE_DB)")
    if not path.parent.is_dir():
        raise WarehousePathError(f"no folder {path.parent} for a new warehouse {path.name}: check --db / SALVAGE_DB "
                                 f"(a new warehouse is only created in a folder that exists)")
    return path


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating its schema when writable). Times display in Asia/Shanghai. Read-only
    connections go through `connect_readonly` (they see the file as it is now, even in a long-lived process)."""
    path = Path(path)
    if read_only:
        return connect_readonly(path)
    con = duckdb.connect(str(path))
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    ensure_schema(con)
    return con


def connect_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse that sees the night published last, however long this process has
    been running and whatever connections it keeps open.

    ``duckdb.connect(path, read_only=True)`` returns the process's cached instance of ``path`` while any connection
    to it is open, and that instance keeps reading the file it opened first (a publish replaces the file by rename).
    Here each call makes a fresh in-memory instance and ATTACHes the file read-only as the default catalog, so
    queries read ``lots``, ``lot_history``... as usual. Raises `FileNotFoundError` when there is no warehouse and
    `WarehousePathError` when the file is not one."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `salvage ingest` or `salvage demo` first")
    check_warehouse(path)
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {_quote(str(path.resolve()))} AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
        con.execute("SET TimeZone = 'Asia/Shanghai'")
    except BaseException:
        con.close()
        raise
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, add the Lot columns an older warehouse lacks, (re)create the views and set every
    COMMENT, in one transaction."""
    con.execute("BEGIN")
    try:
        _widen_loans(con)
        for sql_file in sorted(SQL_DIR.glob("*.sql")):
            con.execute(sql_text(sql_file.name))
            if sql_file.name == "010_tables.sql":
                add_missing_lot_columns(con)
        apply_comments(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _widen_loans(con: duckdb.DuckDBPyConnection) -> None:
    """A warehouse made before the loans gained fields (an attachment's provenance) gets them, NULL in its stored
    rows: the struct is widened by name (an insert into the old type would drop the new fields without a word)."""
    found = con.execute("SELECT data_type FROM duckdb_columns() WHERE schema_name = 'main' AND "
                        "table_name = 'fct_lot_versions' AND column_name = 'loans'").fetchone()
    if found is None:
        return
    wanted = con.execute(f"SELECT NULL::{LOT_TYPES['loans']}").description[0][1]
    if str(found[0]) != str(wanted):
        for view in ("npl_loans", "npl_packages"):  # views over the column are recreated by the SQL files
            con.execute(f"DROP VIEW IF EXISTS {view}")
        _drop_indexes(con)
        con.execute(f"ALTER TABLE fct_lot_versions ALTER loans TYPE {LOT_TYPES['loans']}")


def _drop_indexes(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB alters no table an index depends on: a migration drops the history's indexes first, and
    ``015_indexes.sql`` makes them again in the same transaction."""
    con.execute("DROP INDEX IF EXISTS fct_lot_versions_lot")


def add_missing_lot_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Add to ``fct_lot_versions`` every Lot column it lacks (NULL in the rows already there): a warehouse made
    before a column was added to the contract opens with it. Returns the names added."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = 'fct_lot_versions'"
    ).fetchall()}
    added = [c for c in LOT_COLUMN_NAMES if c not in have]
    if added:
        _drop_indexes(con)
    for column in added:
        con.execute(f"ALTER TABLE fct_lot_versions ADD COLUMN {column} {LOT_TYPES[column]}")
    return added


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def apply_comments(con: duckdb.DuckDBPyConnection) -> None:
    objects = con.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    kinds = {name: ("VIEW" if typ == "VIEW" else "TABLE") for name, typ in objects}
    for name, comment in TABLE_COMMENTS.items():
        if name in kinds:
            con.execute(f"COMMENT ON {kinds[name]} {name} IS {_quote(comment)}")
    columns = con.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal"
    ).fetchall()
    for table, column, existing in columns:
        if table not in TABLE_COMMENTS:
            continue
        comment = comment_for("status_run" if (table, column) == ("crawl_runs", "status") else column)
        if comment is None and existing:  # a table's own column, commented in its SQL file
            continue
        if comment is None:
            raise RuntimeError(f"column {table}.{column} has no comment in contracts/columns.py")
        con.execute(f"COMMENT ON COLUMN {table}.{column} IS {_quote(comment)}")


@contextmanager
def publishing(db: str | Path, *, lock_timeout: float = 3600) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to a working copy of ``db`` that replaces ``db`` atomically when the block ends
    without error (and is thrown away when it raises). Writers queue on ``<db>.write.lock``. A stale ``<db>.wal``
    is replayed into the copy and moved out of the way before the copy is published (see the module docstring)."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    work = db.with_name(db.name + ".next")
    with FileLock(str(db.with_name(db.name + ".write.lock")), timeout=lock_timeout):
        for stale in (work, work.with_name(work.name + ".wal")):
            stale.unlink(missing_ok=True)
        wal = _stale_wal(db)
        try:
            if db.exists():
                shutil.copyfile(db, work)
            if wal is not None:
                shutil.copyfile(wal, work.with_name(work.name + ".wal"))
            con = connect(work)  # replays the copied WAL, if any
        except BaseException as exc:
            for stale in (work, work.with_name(work.name + ".wal")):
                stale.unlink(missing_ok=True)
            _raise_disk_full(exc, db)
            raise
        try:
            yield con
            con.execute("CHECKPOINT")
            con.close()
            fsync_path(work)
        except BaseException as exc:
            try:
                con.close()
            except Exception:  # noqa: BLE001 - closing after a failed write may fail again; the copy goes anyway
                pass
            for stale in (work, work.with_name(work.name + ".wal")):
                stale.unlink(missing_ok=True)
            _raise_disk_full(exc, db)
            raise
        if wal is not None:
            # its writes are in the new file now; out of the way first, so no reader ever pairs it with the new file
            # (between the two renames a reader sees the previous night without them, never an error)
            os.replace(wal, _replayed(db))
        os.replace(work, db)
        fsync_path(db.parent)
        _replayed(db).unlink(missing_ok=True)


def _raise_disk_full(exc: BaseException, db: Path) -> None:
    if disk_full(exc):
        raise WarehouseDiskFull(
            errno.ENOSPC, f"disk full while writing the next night beside {db} ({exc}). The published night is "
            f"intact and the working copy is removed; a load needs free space of about the warehouse's size plus "
            f"the night: free some and run again") from exc


def _replayed(db: Path) -> Path:
    return db.with_name(db.name + ".wal.replayed")


def _stale_wal(db: Path) -> Path | None:
    """``<db>.wal`` when there is one to replay into the next night, after recovering a publish killed between
    moving the WAL aside and renaming the new file in. Raises `WarehouseInUse` when a live process writes ``db``."""
    wal = db.with_name(db.name + ".wal")
    replayed = _replayed(db)
    if replayed.exists() and not wal.exists():
        # killed during the two renames: if the WAL still matches db, db is the old file and needs it back
        if _wal_matches(db, replayed):
            os.replace(replayed, wal)
        else:
            replayed.unlink()
    if not db.exists():
        return None
    try:  # a live read-write connection holds an exclusive lock; a shared one fails at once
        probe = duckdb.connect(":memory:")
        try:
            probe.execute(f"ATTACH {_quote(str(db.resolve()))} AS probe (READ_ONLY)")
        finally:
            probe.close()
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseInUse(
                f"{db} is open read-write in another process ({exc}). Analysts must open it read-only "
                f"(salvage sql, or duckdb -readonly {db}); close that process and run again. Nothing was "
                f"loaded; finished runs stay in the runs folder for the next ingest.") from exc
        if "does not match" in str(exc) and wal.exists():  # a WAL of an older version of the file: keep it, never replay it
            orphan = wal.with_name(f"{wal.name}.orphan-{time.strftime('%Y%m%dT%H%M%S')}")
            os.replace(wal, orphan)
            logger.warning("%s matched no version of %s (left by an older Salvage?): kept as %s, not replayed",
                           wal, db, orphan)
            return None
        raise
    if not wal.exists():
        return None
    logger.warning("%s was left by a process that opened the warehouse read-write and died: its writes go into "
                   "this night", wal)
    return wal


def _wal_matches(db: Path, wal: Path) -> bool:
    """Whether ``wal`` replays onto ``db`` (tried on a scratch copy of both)."""
    scratch = db.with_name(db.name + ".walcheck")
    if not db.exists():
        return False
    try:
        shutil.copyfile(db, scratch)
        shutil.copyfile(wal, scratch.with_name(scratch.name + ".wal"))
        probe = duckdb.connect(":memory:")
        try:
            probe.execute(f"ATTACH {_quote(str(scratch.resolve()))} AS probe (READ_ONLY)")
            return True
        except duckdb.Error:
            return False
        finally:
            probe.close()
    finally:
        for path in (scratch, scratch.with_name(scratch.name + ".wal")):
            path.unlink(missing_ok=True)
