"""The shared warehouse catalog: the published warehouse as Apache Iceberg tables for analysts on other machines.

The local DuckDB file stays the warehouse (every load writes it, nothing here needs a server). ``--catalog URL``
(or ``SALVAGE_CATALOG``) adds a second step after a night is in the file: `publish` copies the tables the analyst
views read into Iceberg tables whose catalog is a PostgreSQL database and whose data files lie on a path every
analyst's machine mounts. `connect_catalog` gives an analyst a DuckDB connection over the latest whole night with
the same views (``lots``, ``lot_history``, ``crawl_runs``...) as the file.

Why Iceberg through pyiceberg and a SQL catalog on PostgreSQL (docs/catalog.md has the evidence): DuckDB 2.0
cannot download extensions here and the extension packages the registry has (ducklake, iceberg, postgres) are
built for DuckDB 1.4.4 / 1.5.5, which refuse to load into 2.0 or cannot read the warehouse files 2.0 writes.
pyiceberg is the Iceberg project's own Python library and needs no DuckDB extension: it writes Parquet through
Arrow, and DuckDB reads those Parquet files with its built-in reader.

Whole nights only. Iceberg commits one table at a time, so a night is many commits. The night becomes visible in
one PostgreSQL transaction written last: a row of ``salvage_nights`` naming, for every table, the snapshot (and
metadata file) that holds this night. Readers read each table at the snapshot of the latest row, never the
tables' current snapshots, so a reader during a publish sees the previous night whole, and one after it the new
night whole. A publish that dies half-way (PostgreSQL unreachable, killed) leaves table snapshots that no row
names; readers never see them and the next publish writes the whole night again.

One publisher at a time: a publish holds a PostgreSQL session advisory lock (`LOCK_KEY`) from start to its row.
A second publisher waits up to ``wait`` seconds and then fails with `CatalogBusy`, naming the holder (host, pid,
since when). The lock dies with the holder's connection, so a killed publisher never blocks the next. A
publisher whose file is older than the latest published night (its newest crawl started before the night's
newest) is refused with `CatalogStale`: two machines loading separately cannot replace a newer night by an older
one.

Types: Iceberg has no unsigned integers and no JSON type, so ``UBIGINT`` columns travel as ``DECIMAL(20,0)`` and
``JSON`` as text; the night row keeps every column's DuckDB type and readers cast back, so a table read from the
catalog equals the file's.

Each publish rewrites every table in full (one overwrite snapshot per table; old data files stay for readers of
older nights): simple and always consistent, at the cost of writing the whole warehouse per night. A publish
then keeps the newest `KEEP_NIGHTS` nights and removes older ones with the snapshots and data files only they used
(`expire`). docs/catalog.md has the measurements and what is left.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import duckdb

logger = logging.getLogger(__name__)
NAMESPACE = "salvage"
LOCK_KEY = 0x53616C7661676501  # pg advisory lock id of "one publisher at a time" (b"Salvage\x01")
NIGHTS_TABLE = "salvage_nights"
BATCH_ROWS = 250_000
KEEP_NIGHTS = 7  # nights a publish keeps readable; older ones (their snapshots and data files) are removed

# Warehouse tables never published: alert tables hold buyers' mail addresses and searches, staging tables are
# scratch space of a load.
PRIVATE_TABLES = re.compile(r"^(alert_|stg_)")

# DuckDB types Iceberg lacks, how they travel, per word of a (possibly nested) type
TRAVEL_TYPES = {"UBIGINT": "DECIMAL(20,0)", "UINTEGER": "BIGINT", "USMALLINT": "INTEGER", "UTINYINT": "INTEGER",
                "HUGEINT": "DECIMAL(38,0)", "JSON": "VARCHAR"}
_TRAVEL_RE = re.compile(r"\b(" + "|".join(TRAVEL_TYPES) + r")\b")

NIGHTS_DDL = f"""
CREATE TABLE IF NOT EXISTS {NIGHTS_TABLE} (
    night_id BIGSERIAL PRIMARY KEY,
    published_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    publisher TEXT NOT NULL,
    source_db TEXT NOT NULL,
    newest_run_at TIMESTAMPTZ,
    runs INTEGER NOT NULL,
    tables JSONB NOT NULL,
    views JSONB NOT NULL
)"""


class CatalogError(RuntimeError):
    """A catalog operation failed; the message says what to do."""


class CatalogBusy(CatalogError):
    """Another publisher holds the catalog's publish lock."""


class CatalogUnavailable(CatalogError):
    """PostgreSQL (the catalog) could not be reached or went away during a publish."""


class CatalogStale(CatalogError):
    """The warehouse file is older than the night the catalog already serves."""


class NoNight(CatalogError):
    """Nothing was published to the catalog yet."""


@dataclass(frozen=True)
class CatalogURL:
    """``postgresql://user[:password]@host[:port]/database?warehouse=/shared/path``: the PostgreSQL database that
    holds the catalog and ``salvage_nights``, and (for publishers) where data files go."""

    url: str

    @property
    def _parts(self):  # type: ignore[no-untyped-def]
        return urlsplit(self.url)

    @property
    def warehouse(self) -> str | None:
        value = dict(parse_qsl(self._parts.query)).get("warehouse")
        if not value:
            return None
        return value if "://" in value else Path(value).resolve().as_uri()

    def _without_warehouse(self) -> str:
        parts = self._parts
        scheme = parts.scheme.split("+")[0]
        if scheme not in ("postgresql", "postgres"):
            raise CatalogError(f"catalog URL must be postgresql://user@host:port/database?warehouse=/shared/path, "
                               f"not {self.safe}")
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "warehouse"])
        return urlunsplit(("postgresql", parts.netloc, parts.path, query, ""))

    @property
    def conninfo(self) -> str:
        """For psycopg."""
        return self._without_warehouse()

    @property
    def sqlalchemy(self) -> str:
        """For pyiceberg's SQL catalog (SQLAlchemy on psycopg 3)."""
        return "postgresql+psycopg" + self._without_warehouse()[len("postgresql"):]

    @property
    def safe(self) -> str:
        """The URL without its password, for messages."""
        parts = self._parts
        netloc = parts.netloc
        if "@" in netloc:
            user, host = netloc.rsplit("@", 1)
            netloc = f"{user.split(':', 1)[0]}:***@{host}" if ":" in user else netloc
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


@dataclass
class Night:
    """One published night: its row of ``salvage_nights``."""

    night_id: int
    published_at: datetime
    publisher: str
    source_db: str
    newest_run_at: datetime | None
    runs: int
    tables: dict[str, dict] = field(default_factory=dict)
    views: list[list[str]] = field(default_factory=list)


@dataclass
class Expired:
    """What an expiry removed: nights (their rows), table snapshots and data files."""

    nights: list[int] = field(default_factory=list)
    snapshots: int = 0
    files: int = 0
    error: str | None = None  # an expiry that failed after the night was published (the next publish retries)


@dataclass
class PublishResult:
    night: Night
    seconds: float
    rows: dict[str, int]
    expired: Expired = field(default_factory=Expired)


def _pg_connect(url: CatalogURL, *, autocommit: bool = True, purpose: str = "read"):  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(url.conninfo, autocommit=autocommit, connect_timeout=10,
                               application_name=f"salvage {purpose} {socket.gethostname()} pid {os.getpid()}")
    except psycopg.OperationalError as exc:
        raise CatalogUnavailable(
            f"cannot reach the catalog at {url.safe}: {str(exc).strip()}. Analysts keep the night published last; "
            f"the warehouse file has this night and the next publish (salvage ingest --catalog ...) sends it "
            f"whole.") from exc


def _night_from_row(row: tuple) -> Night:
    night_id, published_at, publisher, source_db, newest_run_at, runs, tables, views = row
    return Night(night_id, published_at, publisher, source_db, newest_run_at, runs, tables, views)


def _latest(pg) -> Night | None:  # type: ignore[no-untyped-def]
    import psycopg

    try:
        row = pg.execute(f"SELECT night_id, published_at, publisher, source_db, newest_run_at, runs, tables, "
                         f"views FROM {NIGHTS_TABLE} ORDER BY night_id DESC LIMIT 1").fetchone()
    except psycopg.errors.UndefinedTable:
        if not pg.autocommit:
            pg.rollback()
        return None
    return _night_from_row(row) if row else None


def latest_night(catalog_url: str) -> Night | None:
    """The night analysts see now (None when nothing was published yet)."""
    url = CatalogURL(catalog_url)
    with _pg_connect(url) as pg:
        return _latest(pg)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def travel_type(duckdb_type: str) -> str:
    """The type a DuckDB column is written to Iceberg as (its own, unless Iceberg lacks it)."""
    return _TRAVEL_RE.sub(lambda m: TRAVEL_TYPES[m.group(1)], duckdb_type)


def published_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """The warehouse's tables analysts read, each with its columns and their DuckDB types, in column order."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND NOT internal AND table_name IN (SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main') ORDER BY table_name, column_index"
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, typ in rows:
        if not PRIVATE_TABLES.match(table):
            tables.setdefault(table, []).append((column, typ))
    return tables


def published_views(con: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> list[list[str]]:
    """The warehouse's views, as [name, CREATE VIEW statement], that read only published tables and views (in the
    order the file made them, which is an order they can be made in)."""
    rows = con.execute("SELECT view_name, sql FROM duckdb_views() WHERE database_name = current_database() AND "
                       "schema_name = 'main' AND NOT internal ORDER BY view_oid").fetchall()
    private = [name for name in _all_tables(con) if PRIVATE_TABLES.match(name)]
    views = []
    for name, sql in rows:
        if any(re.search(rf"\b{re.escape(p)}\b", sql) for p in private):
            continue
        views.append([name, sql])
    return views


def _all_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = "
                                      "current_database() AND schema_name = 'main'").fetchall()]


def _export_select(table: str, columns: list[tuple[str, str]]) -> str:
    cols = []
    for name, typ in columns:
        moved = travel_type(typ)
        cols.append(f"CAST({_quote_ident(name)} AS {moved}) AS {_quote_ident(name)}" if moved != typ
                    else _quote_ident(name))
    return f"SELECT {', '.join(cols)} FROM {_quote_ident(table)}"


def _iceberg_catalog(url: CatalogURL, *, need_warehouse: bool):  # type: ignore[no-untyped-def]
    from pyiceberg.catalog.sql import SqlCatalog
    from sqlalchemy.exc import OperationalError

    props = {"uri": url.sqlalchemy, "pool_pre_ping": "true"}
    if url.warehouse:
        props["warehouse"] = url.warehouse
    elif need_warehouse:
        raise CatalogError(f"the catalog URL names no data folder: add ?warehouse=/shared/path (a folder every "
                           f"analyst's machine mounts at the same path) to {url.safe}")
    try:
        return SqlCatalog("salvage", **props)
    except OperationalError as exc:
        raise CatalogUnavailable(f"cannot reach the catalog at {url.safe}: {exc.orig}") from exc


def _acquire(pg, url: CatalogURL, wait: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + wait
    while True:
        (got,) = pg.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY]).fetchone()
        if got:
            return
        if time.monotonic() >= deadline:
            holder = pg.execute(
                "SELECT a.application_name, a.pid, a.client_addr::text, a.backend_start FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
                "AND ((l.classid::bigint << 32) | l.objid::bigint) = %s LIMIT 1", [LOCK_KEY]).fetchone()
            who = (f"{holder[0] or 'an unnamed client'} (server pid {holder[1]}, from {holder[2] or 'local'}, "
                   f"connected {holder[3]:%Y-%m-%d %H:%M:%S %Z})" if holder else "another publisher")
            raise CatalogBusy(f"another publish to {url.safe} is running: {who}. Waited {wait:.0f} s. Its night "
                              f"becomes visible when it finishes; run again afterwards (nothing was written).")
        time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))


def publish(db_path: str | Path, catalog_url: str, *, wait: float = 0.0,
            on_table: Callable[[str, int], None] | None = None,
            keep_nights: int | None = KEEP_NIGHTS) -> PublishResult:
    """Publish the warehouse file's tables and views to the catalog as one new night (see the module docstring).

    ``wait``: seconds to wait for another publisher before `CatalogBusy`. ``on_table(name, rows)`` is called after
    each table's commit (progress). ``keep_nights``: afterwards, under the same lock, `expire` all but the newest
    so many nights (None: keep everything). Raises `CatalogUnavailable` when PostgreSQL cannot be reached or goes away (the
    night published last stays whole), `CatalogStale` when the file is older than the night already published."""
    import psycopg

    from warehouse.db import connect_readonly

    started = time.perf_counter()
    url = CatalogURL(catalog_url)
    db_path = Path(db_path)
    lock = _pg_connect(url, autocommit=True, purpose="publish")
    try:
        _acquire(lock, url, wait)
        catalog = _iceberg_catalog(url, need_warehouse=True)
        lock.execute(NIGHTS_DDL)
        con = connect_readonly(db_path)
        try:
            con.execute("SET TimeZone = 'UTC'")  # Iceberg's timestamptz is UTC
            con.execute("SET enable_progress_bar = false")  # the caller shows progress (on_table)
            mark = _file_mark(con)
            current = _latest(lock)
            if current is not None and current.newest_run_at is not None and mark[0] is not None \
                    and mark[0] < current.newest_run_at:
                raise CatalogStale(
                    f"{db_path} is older than the night the catalog serves: its newest crawl started at "
                    f"{mark[0]:%Y-%m-%d %H:%M:%S %Z}, night {current.night_id} (from {current.publisher}, "
                    f"{current.source_db}) has crawls up to {current.newest_run_at:%Y-%m-%d %H:%M:%S %Z}. "
                    f"Nothing was written; publish from the machine that loads the newest nights.")
            tables = published_tables(con)
            views = published_views(con, tables)
            catalog.create_namespace_if_not_exists(NAMESPACE)
            recorded: dict[str, dict] = {}
            rows: dict[str, int] = {}
            for table, columns in tables.items():
                recorded[table], rows[table] = _publish_table(catalog, con, table, columns)
                if on_table is not None:
                    on_table(table, rows[table])
        finally:
            con.close()
        with lock.transaction():
            row = lock.execute(
                f"INSERT INTO {NIGHTS_TABLE} (publisher, source_db, newest_run_at, runs, tables, views) "
                f"VALUES (%s, %s, %s, %s, %s, %s) RETURNING night_id, published_at, publisher, source_db, "
                f"newest_run_at, runs, tables, views",
                [f"{socket.gethostname()} pid {os.getpid()}", str(db_path.resolve()), mark[0], mark[1],
                 json.dumps(recorded), json.dumps(views)]).fetchone()
        expired = Expired()
        if keep_nights is not None:
            try:
                expired = _expire(lock, catalog, keep_nights)
            except Exception as exc:  # noqa: BLE001 - the night is published; what is left goes next time
                logger.warning("expiring old nights of %s failed: %s", url.safe, exc)
                expired = Expired(error=f"{type(exc).__name__}: {exc}")
        return PublishResult(_night_from_row(row), time.perf_counter() - started, rows, expired)
    except psycopg.OperationalError as exc:
        raise CatalogUnavailable(
            f"lost the catalog at {url.safe} during the publish: {str(exc).strip()}. Analysts keep the night "
            f"published last; the next publish sends this night whole.") from exc
    except Exception as exc:
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            raise CatalogUnavailable(
                f"lost the catalog at {url.safe} during the publish: {exc.orig}. Analysts keep the night "
                f"published last; the next publish sends this night whole.") from exc
        raise
    finally:
        try:
            lock.close()  # ends the session: the advisory lock goes with it
        except Exception:  # noqa: BLE001 - a connection that died is closed already
            pass


def expire(catalog_url: str, *, keep: int = KEEP_NIGHTS, wait: float = 0.0) -> Expired:
    """Remove all but the newest ``keep`` nights: their ``salvage_nights`` rows, the table snapshots no kept night
    names (a half-done publish's too; each table's current snapshot stays), and the data files only those
    snapshots used. Holds the publish lock. A reader that opened one of the removed nights loses its files: keep
    at least as many nights as a reader may stay on one (a connection reads the night it opened on)."""
    url = CatalogURL(catalog_url)
    lock = _pg_connect(url, autocommit=True, purpose="expire")
    try:
        _acquire(lock, url, wait)
        return _expire(lock, _iceberg_catalog(url, need_warehouse=False), keep)
    finally:
        lock.close()


def _expire(lock, catalog, keep: int) -> Expired:  # type: ignore[no-untyped-def]
    if keep < 1:
        raise ValueError("keep at least the newest night")
    rows = lock.execute(f"SELECT night_id, tables FROM {NIGHTS_TABLE} ORDER BY night_id DESC").fetchall()
    kept, gone = rows[:keep], rows[keep:]
    if not gone:
        return Expired()
    result = Expired(nights=sorted(night_id for night_id, _tables in gone))
    with lock.transaction():  # first no reader can choose them, then their files go
        lock.execute(f"DELETE FROM {NIGHTS_TABLE} WHERE night_id <= %s", [gone[0][0]])
    names = {name for _night_id, tables in kept for name in tables}
    for name in sorted(names):
        table = catalog.load_table((NAMESPACE, name))
        keep_ids = {tables[name]["snapshot_id"] for _night_id, tables in kept if name in tables}
        current = table.current_snapshot()
        if current is not None:
            keep_ids.add(current.snapshot_id)
        drop_ids = [snap.snapshot_id for snap in table.snapshots() if snap.snapshot_id not in keep_ids]
        if not drop_ids:
            continue
        kept_files = {task.file.file_path for sid in keep_ids if sid is not None
                      for task in table.scan(snapshot_id=sid).plan_files()}
        dropped_files = {task.file.file_path for sid in drop_ids
                         for task in table.scan(snapshot_id=sid).plan_files()} - kept_files
        table.maintenance.expire_snapshots().by_ids(drop_ids).commit()
        for path in sorted(dropped_files):
            try:
                table.io.delete(path)
            except FileNotFoundError:
                pass
        result.snapshots += len(drop_ids)
        result.files += len(dropped_files)
    return result


def _file_mark(con: duckdb.DuckDBPyConnection) -> tuple[datetime | None, int]:
    """When the file's newest crawl run started, and how many runs it has."""
    try:
        return con.execute("SELECT max(started_at), count(*) FROM fct_crawl_runs").fetchone()  # type: ignore
    except duckdb.CatalogException:
        return None, 0


def _publish_table(catalog, con: duckdb.DuckDBPyConnection, table: str,  # type: ignore[no-untyped-def]
                   columns: list[tuple[str, str]]) -> tuple[dict, int]:
    """One overwrite commit of ``table``: its rows in Arrow batches (bounded memory), the schema widened first when
    the file gained columns. Returns what the night row records of it, and its row count."""
    from pyiceberg.exceptions import NoSuchTableError

    reader = con.sql(_export_select(table, columns)).to_arrow_reader(BATCH_ROWS)
    schema = reader.schema
    identifier = (NAMESPACE, table)
    try:
        iceberg = catalog.load_table(identifier)
    except NoSuchTableError:
        iceberg = catalog.create_table(identifier, schema=schema)
    have = {f.name for f in iceberg.schema().fields}
    if any(name not in have for name in schema.names):
        with iceberg.update_schema() as update:
            update.union_by_name(schema)
        iceberg = catalog.load_table(identifier)
    with warnings.catch_warnings():  # the first publish of a table overwrites nothing, and pyiceberg says so
        warnings.filterwarnings("ignore", message="Delete operation did not match any records")
        iceberg.overwrite(reader)
    snapshot = iceberg.current_snapshot()
    count = int(snapshot.summary["total-records"]) if snapshot and snapshot.summary else 0
    return ({"snapshot_id": snapshot.snapshot_id if snapshot else None, "metadata": iceberg.metadata_location,
             "columns": [list(c) for c in columns], "rows": count}, count)


def _data_files(info: dict) -> list[str]:
    """The Parquet files of a table at the night's snapshot (local paths)."""
    from pyiceberg.table import StaticTable

    if info.get("snapshot_id") is None:
        return []
    try:
        table = StaticTable.from_metadata(info["metadata"])
        tasks = list(table.scan(snapshot_id=info["snapshot_id"]).plan_files())
    except OSError as exc:
        raise CatalogError(f"cannot read the catalog's files ({exc}): the shared folder must be mounted on this "
                           f"machine at the path the publisher wrote to ({info['metadata']})") from exc
    files = []
    for task in tasks:
        if task.delete_files:
            raise CatalogError(f"{info['metadata']}: row deletes are not supported by this reader")
        path = task.file.file_path
        files.append(unquote(urlsplit(path).path) if path.startswith("file:") else path)
    return files


def connect_catalog(catalog_url: str, *, night: int | None = None,
                    lock_down: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection (in memory, reading the Parquet files where they lie) over the latest whole night, or the
    night ``night``, with the warehouse's tables and views under their usual names, times in Asia/Shanghai. The
    night's number and time are in the view ``catalog_night``. Raises `NoNight` when nothing was published.

    ``lock_down`` (salvage sql): the connection reads the night's data folders and nothing else (no other files,
    no extensions, settings locked)."""
    url = CatalogURL(catalog_url)
    with _pg_connect(url) as pg:
        if night is None:
            chosen = _latest(pg)
        else:
            row = pg.execute(f"SELECT night_id, published_at, publisher, source_db, newest_run_at, runs, tables, "
                             f"views FROM {NIGHTS_TABLE} WHERE night_id = %s", [night]).fetchone()
            chosen = _night_from_row(row) if row else None
    if chosen is None:
        raise NoNight(f"no night published to {url.safe} yet" if night is None else
                      f"no night {night} in {url.safe}")
    return night_connection(chosen, lock_down=lock_down)


def night_connection(chosen: Night, *, lock_down: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        con.execute("SET enable_progress_bar = false")
        folders: set[str] = set()
        for table, info in chosen.tables.items():
            files = _data_files(info)
            folders.update(str(Path(f).parent) for f in files)
            con.execute(f"CREATE VIEW {_quote_ident(table)} AS {_table_select(info['columns'], files)}")
        _create_views(con, chosen.views)
        con.execute(f"CREATE VIEW catalog_night AS SELECT {chosen.night_id}::BIGINT AS night_id, "
                    f"{_sql_literal(chosen.published_at.isoformat())}::TIMESTAMPTZ AS published_at, "
                    f"{_sql_literal(chosen.publisher)} AS publisher, {chosen.runs}::INTEGER AS runs")
        if lock_down:
            listing = ", ".join(_sql_literal(f.rstrip("/") + "/") for f in sorted(folders))
            con.execute(f"SET allowed_directories = [{listing}]")
            for setting in ("enable_external_access = false", "autoinstall_known_extensions = false",
                            "autoload_known_extensions = false", "lock_configuration = true"):
                con.execute(f"SET {setting}")
    except BaseException:
        con.close()
        raise
    return con


def _create_views(con: duckdb.DuckDBPyConnection, views: list[list[str]]) -> None:
    """Make the views, each after the views it reads (a view whose source is missing waits for the next pass)."""
    pending = list(views)
    while pending:
        waiting = []
        for name, sql in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException as exc:
                waiting.append((name, sql, exc))
        if len(waiting) == len(pending):
            name, _sql, exc = waiting[0]
            raise CatalogError(f"view {name} of the published night cannot be made: {exc}")
        pending = [[name, sql] for name, sql, _exc in waiting]


def _table_select(columns: list[list[str]], files: list[str]) -> str:
    cols = []
    for name, typ in columns:
        moved = travel_type(typ)
        cols.append(f"CAST({_quote_ident(name)} AS {typ}) AS {_quote_ident(name)}" if moved != typ
                    else _quote_ident(name))
    if not files:
        return "SELECT " + ", ".join(f"CAST(NULL AS {typ}) AS {_quote_ident(name)}" for name, typ in columns) \
            + " WHERE false"
    listing = ", ".join(_sql_literal(f) for f in files)
    return f"SELECT {', '.join(cols)} FROM read_parquet([{listing}])"


def read_tables(catalog_url: str, names: Iterable[str] | None = None) -> dict:
    """The latest whole night's tables (or those named) as Arrow tables, in the file's types."""
    con = connect_catalog(catalog_url)
    try:
        wanted = list(names) if names is not None else [
            r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
        return {name: con.sql(f"SELECT * FROM {_quote_ident(name)}").to_arrow_table() for name in wanted}
    finally:
        con.close()
