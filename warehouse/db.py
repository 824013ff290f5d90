"""Opening the warehouse file, keeping its schema (tables, views, comments) current, and publishing new nights.

Reading while the night loads: a DuckDB file that one process writes cannot be opened by another, not even
read-only. So writers never open the analysts' file: `publishing` copies it to ``<db>.next``, the night loads
there, and the finished copy is checkpointed and renamed over ``<db>`` in one atomic step. A reader that opened the
file before keeps reading the previous night (its open file is the old one); a reader that opens it after sees the
whole new night. Nobody ever sees a lock error or half a night. A crash leaves ``<db>`` as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock

from contracts.columns import LOT_COLUMN_NAMES, LOT_TYPES, comment_for, lot_columns_ddl

SQL_DIR = Path(__file__).with_name("sql")

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
}


def sql_text(name: str) -> str:
    """A SQL file of ``warehouse/sql`` with the lot-column placeholders expanded."""
    text = (SQL_DIR / name).read_text(encoding="utf-8")
    current = ", ".join("d.last_seen AS fetched_at" if c == "fetched_at" else f"v.{c}" for c in LOT_COLUMN_NAMES)
    return (text.replace("{lot_columns}", lot_columns_ddl())
            .replace("{lot_select_current}", current)
            .replace("{lot_select}", ", ".join(LOT_COLUMN_NAMES)))


def connect(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating its schema when writable). Times display in Asia/Shanghai."""
    path = Path(path)
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `salvage ingest` or `salvage demo` first")
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables, add the Lot columns an older warehouse lacks, (re)create the views and set every
    COMMENT, in one transaction."""
    con.execute("BEGIN")
    try:
        for sql_file in sorted(SQL_DIR.glob("*.sql")):
            con.execute(sql_text(sql_file.name))
            if sql_file.name == "010_tables.sql":
                add_missing_lot_columns(con)
        apply_comments(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def add_missing_lot_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Add to ``fct_lot_versions`` every Lot column it lacks (NULL in the rows already there): a warehouse made
    before a column was added to the contract opens with it. Returns the names added."""
    have = {r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = 'fct_lot_versions'"
    ).fetchall()}
    added = [c for c in LOT_COLUMN_NAMES if c not in have]
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
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal"
    ).fetchall()
    for table, column in columns:
        if table not in TABLE_COMMENTS:
            continue
        comment = comment_for("status_run" if (table, column) == ("crawl_runs", "status") else column)
        if comment is None:
            raise RuntimeError(f"column {table}.{column} has no comment in contracts/columns.py")
        con.execute(f"COMMENT ON COLUMN {table}.{column} IS {_quote(comment)}")


@contextmanager
def publishing(db: str | Path, *, lock_timeout: float = 3600) -> Iterator[duckdb.DuckDBPyConnection]:
    """A writable connection to a working copy of ``db`` that replaces ``db`` atomically when the block ends
    without error (and is thrown away when it raises). Writers queue on ``<db>.write.lock``."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    work = db.with_name(db.name + ".next")
    with FileLock(str(db.with_name(db.name + ".write.lock")), timeout=lock_timeout):
        for stale in (work, work.with_name(work.name + ".wal")):
            stale.unlink(missing_ok=True)
        if db.exists():
            shutil.copyfile(db, work)
        con = connect(work)
        try:
            yield con
            con.execute("CHECKPOINT")
        except BaseException:
            con.close()
            work.unlink(missing_ok=True)
            raise
        con.close()
        _fsync(work)
        os.replace(work, db)
        _fsync(db.parent)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
