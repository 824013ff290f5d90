"""Loading run files into the warehouse: staging → validation → merge → history → run log, set-based.

Phase 1 reads every new run file whole into a temporary table (``read_parquet``, or ``read_json`` with every column
as text for JSON-lines runs), outside any transaction: a DuckDB error aborts the transaction it happens in, and a
malformed file must not abort the others. Such a file is refused: named in the result, nothing of it loaded, not
marked as ingested (a later ingest retries it).

Phase 2, in ONE transaction for all runs, oldest run first (so two nights loaded together still give two versions):
rows that do not cast or validate go to ``fct_rejects`` with the reason, source and URL; the rest are deduplicated
(latest fetch wins) and compared with ``dim_lots`` by two hashes: a tracked field changed → the current version is
closed and a new one opened; only untracked fields changed → the current version row is rewritten in place;
nothing changed → a narrow update of ``last_seen`` (0.4 s for a million lots, where rewriting the wide rows cost
1.7 s with delete + insert and 3.5 s with MERGE). Staging is narrow (keys, hashes, reasons); the wide columns are
read from the run file only for the rows that are written. A run already in ``fct_crawl_runs`` is skipped, so ingesting the same run twice
changes nothing. An observation older than the lot's ``last_seen`` never overwrites it. ``CHECKPOINT`` at the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from contracts.models import AssetType, Round, SellerType, Status
from contracts.runfiles import RunFileError, RunMeta, RunPaths
from contracts.columns import ADDED_COLUMNS, LOT_COLUMN_NAMES, LOT_TYPES, TRACKED

REQUIRED = ("source", "source_lot_id", "url", "fetched_at", "title")
ENUMS = {"asset_type": AssetType, "seller_type": SellerType, "round": Round, "status": Status}
NESTED = {"guarantors", "collateral", "raw"}  # JSON values in a JSON-lines run
NUMERIC = [c for c in LOT_COLUMN_NAMES if LOT_TYPES[c].startswith("DECIMAL") or LOT_TYPES[c] == "INTEGER"]


@dataclass
class RunResult:
    run_id: str
    source: str
    file: str
    status: str  # loaded | skipped | refused
    items: int = 0
    rejects: int = 0
    new_lots: int = 0
    new_versions: int = 0
    error: str | None = None


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parquet_columns(con: duckdb.DuckDBPyConnection, file: Path) -> set[str]:
    return {r[0] for r in con.execute(f"SELECT name FROM parquet_schema({_lit(str(file))})").fetchall()}


def _source_sql(file: Path, raw_table: str | None, present: set[str] | None = None) -> str:
    """A subquery giving a run's typed Lot columns, ``line_no`` and ``cast_errors``.

    Parquet runs are read straight from the file (typed already; ``file_row_number`` is the line number). JSON-lines
    runs were read into ``raw_table`` in phase 1, every column as text and cast there, so that one bad value rejects
    one row, not the file. A Parquet file written before a column of `ADDED_COLUMNS` existed (``present`` lacks it)
    gives that column as NULL."""
    if raw_table is not None:
        return raw_table
    cols = ", ".join(
        f"CAST({c if present is None or c in present else 'NULL'} AS {LOT_TYPES[c]}) AS {c}" for c in LOT_COLUMN_NAMES
    )
    return (f"(SELECT {cols}, file_row_number AS line_no, '' AS cast_errors "
            f"FROM read_parquet({_lit(str(file))}, file_row_number = true))")


def _read_jsonl_sql(table: str, file: Path) -> str:
    read_cols = "{" + ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in LOT_COLUMN_NAMES) + "}"
    cols = ", ".join(f"{_cast(c)} AS {c}" for c in LOT_COLUMN_NAMES)
    errors = "concat_ws('; ', " + ", ".join(
        f"CASE WHEN {c} IS NOT NULL AND {_cast(c)} IS NULL THEN 'bad {c}: ' || left({c}, 80) END"
        for c in LOT_COLUMN_NAMES) + ")"
    return f"""
    CREATE OR REPLACE TEMP TABLE {table} AS
    SELECT {cols}, row_number() OVER () AS line_no, {errors} AS cast_errors
    FROM read_json({_lit(str(file))}, format = 'newline_delimited', columns = {read_cols})
    """


def _cast(col: str) -> str:
    return f"TRY_CAST({'json(' + col + ')' if col in NESTED else col} AS {LOT_TYPES[col]})"


def _reasons(source: str) -> str:
    """SQL for the reasons a typed staged row is refused ('' when it is good)."""
    checks = ["NULLIF(cast_errors, '')"]
    # blank = empty or only spaces (what trim() strips); trim() copies every string, so it runs only on the rows that
    # start with a space (a third of the staging's CPU went to trimming every url and title); a typed column is blank
    # only when NULL
    checks += [f"CASE WHEN {c} IS NULL OR {c} = '' OR (prefix({c}, ' ') AND trim({c}) = '') THEN 'missing {c}' END"
               if LOT_TYPES[c] == "VARCHAR" else f"CASE WHEN {c} IS NULL THEN 'missing {c}' END" for c in REQUIRED]
    for col, enum in ENUMS.items():
        allowed = ", ".join(_lit(m.value) for m in enum)
        checks.append(f"CASE WHEN {col} NOT IN ({allowed}) THEN 'unknown {col}: ' || {col} END")
    checks += [f"CASE WHEN {c} < 0 THEN 'negative {c}' END" for c in NUMERIC]
    checks.append(f"CASE WHEN source <> {_lit(source)} THEN 'source ' || source || ' in a run of {source}' END")
    checks.append("CASE WHEN end_at < start_at THEN 'end_at before start_at' END")
    return f"concat_ws('; ', {', '.join(checks)})"


def _merge_sql(run_id: str, source: str, src: str, rejects: bool = True) -> str:
    """Stage narrow (keys, hashes, reasons), refuse bad rows, then write only what changed.

    - ``stg_keys``: one narrow row per staged line; ``stg_changes``: the good ones, latest per lot, joined to
      ``dim_lots``: ``is_new``, ``is_changed`` (a tracked field changed: close the version, open a new one) and
      ``is_touched`` (only untracked fields changed: rewrite the current version row in place).
    - unchanged lots cost a narrow update of ``dim_lots`` (last_seen) and nothing else."""
    cols = ", ".join(LOT_COLUMN_NAMES)
    s_cols = ", ".join(f"s.{c}" for c in LOT_COLUMN_NAMES)
    untracked = [c for c in LOT_COLUMN_NAMES if c != "fetched_at"]
    run = _lit(run_id)
    key = "{a}.source = {b}.source AND {a}.source_lot_id = {b}.source_lot_id"
    reject_sql = (f"INSERT INTO fct_rejects SELECT {run}, s.source, s.source_lot_id, s.url, k.reason, "
                  f"to_json(struct_pack({s_cols})), now() FROM stg_keys k JOIN {src} s ON s.line_no = k.line_no "
                  f"WHERE k.reason <> '';") if rejects else ""  # a replay of a run already loaded: none again
    return f"""
    CREATE OR REPLACE TEMP TABLE stg_keys AS
    SELECT source, source_lot_id, line_no, fetched_at, {_reasons(source)} AS reason,
           hash({", ".join(TRACKED)}) AS tracked_hash, hash({", ".join(untracked)}) AS full_hash
    FROM {src};

    {reject_sql}

    CREATE OR REPLACE TEMP TABLE stg_changes AS
    SELECT k.*, d.version_no AS prev_version, d.version_from AS prev_from,
           coalesce(d.first_seen, k.fetched_at) AS first_seen,
           d.source_lot_id IS NULL AS is_new,
           d.source_lot_id IS NULL OR d.tracked_hash <> k.tracked_hash AS is_changed,
           d.tracked_hash = k.tracked_hash AND d.full_hash <> k.full_hash AS is_touched
    FROM (SELECT * FROM stg_keys WHERE reason = ''
          QUALIFY row_number() OVER (PARTITION BY source, source_lot_id ORDER BY fetched_at DESC, line_no DESC) = 1
         ) k
    LEFT JOIN dim_lots d ON {key.format(a="d", b="k")}
    WHERE d.source_lot_id IS NULL OR k.fetched_at >= d.last_seen;

    UPDATE fct_lot_versions AS v SET valid_to = c.fetched_at
    FROM stg_changes c
    WHERE c.is_changed AND NOT c.is_new AND v.valid_to IS NULL AND {key.format(a="v", b="c")};

    DELETE FROM fct_lot_versions AS v USING stg_changes c
    WHERE c.is_touched AND v.valid_to IS NULL AND {key.format(a="v", b="c")};

    INSERT INTO fct_lot_versions ({cols}, version_no, valid_from, valid_to, run_id)
    SELECT {s_cols},
           CASE WHEN c.is_changed THEN coalesce(c.prev_version, 0) + 1 ELSE c.prev_version END,
           CASE WHEN c.is_changed THEN c.fetched_at ELSE c.prev_from END, NULL, {run}
    FROM stg_changes c JOIN {src} s ON s.line_no = c.line_no
    WHERE c.is_changed OR c.is_touched;

    UPDATE dim_lots AS d SET last_seen = c.fetched_at, version_no = c.prev_version + c.is_changed::INTEGER,
        version_from = CASE WHEN c.is_changed THEN c.fetched_at ELSE d.version_from END,
        tracked_hash = c.tracked_hash, full_hash = c.full_hash, last_run_id = {run}
    FROM stg_changes c
    WHERE NOT c.is_new AND {key.format(a="d", b="c")};

    INSERT INTO dim_lots
    SELECT source, source_lot_id, fetched_at, fetched_at, 1, fetched_at, tracked_hash, full_hash, {run}
    FROM stg_changes WHERE is_new;
    """


def resolve_runs(paths: Iterable[Path]) -> list[Path]:
    """Meta files for the given paths: a meta file, a run file (``.parquet``/``.jsonl``), or a folder of runs."""
    metas: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            metas.extend(path.rglob("*.meta.json"))
        elif path.name.endswith(".meta.json"):
            metas.append(path)
        elif path.suffix in (".parquet", ".jsonl") and not path.name.endswith(".rejects.jsonl"):
            metas.append(path.with_name(path.name.removesuffix(path.suffix) + ".meta.json"))
        else:
            raise RunFileError(path, "not a run file (expected <run_id>.parquet, .jsonl, .meta.json or a folder)")
    for meta in metas:
        if not meta.exists():
            raise RunFileError(meta, "no meta file: the crawl has not finished (or died); nothing to ingest")
    return sorted(set(metas), key=lambda p: (RunMeta.load(p).started_at, p.name))


def ingest(
    con: duckdb.DuckDBPyConnection,
    metas: list[Path],
    on_progress: Callable[[RunResult], None] | None = None,
    hooks: Iterable[Callable[[duckdb.DuckDBPyConnection, list[RunResult]], None]] = (),
) -> list[RunResult]:
    """Load finished runs (their meta files, oldest first) in one transaction, then CHECKPOINT.

    ``hooks`` run inside that transaction after the merge, with the results (alert events are written there, so
    a night and the events it produced commit together or not at all)."""
    done = {r[0] for r in con.execute("SELECT run_id FROM fct_crawl_runs").fetchall()}
    results: list[RunResult] = []
    staged: list[tuple[RunMeta, RunResult, str | None]] = []
    for i, meta_path in enumerate(metas):
        meta = RunMeta.load(meta_path)
        paths = RunPaths.for_meta(meta_path)
        result = RunResult(meta.run_id, meta.source, str(paths.lots), "skipped", items=meta.items)
        results.append(result)
        if meta.run_id in done or meta.run_id in {m.run_id for m, _, _ in staged}:
            continue
        table = f"stg_raw_{i}" if paths.lots.suffix == ".jsonl" else None
        try:
            _read_run(con, f"stg_raw_{i}", paths)
        except RunFileError as exc:
            result.status, result.error = "refused", str(exc)
            continue
        staged.append((meta, result, f"stg_raw_{i}" if table is None else table))
    con.execute("BEGIN")
    try:
        for meta, result, table in staged:
            _merge_run(con, meta, result, table)
            if on_progress:
                on_progress(result)
        loaded = [r for r in results if r.status == "loaded"]
        for hook in hooks:
            hook(con, loaded)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for _, _, table in staged:
            con.execute(f"DROP TABLE IF EXISTS {table}; DROP TABLE IF EXISTS {table}_rejects")
    con.execute("CHECKPOINT")
    return results


def _read_run(con: duckdb.DuckDBPyConnection, table: str, paths: RunPaths) -> None:
    """Phase 1: make sure the run can be read. JSON lines are read whole into ``table``; a Parquet file's footer and
    schema are checked (it is read in phase 2, straight from the file)."""
    if not paths.lots.exists():
        raise RunFileError(paths.lots, "run file missing")
    try:
        if paths.lots.suffix == ".jsonl":
            con.execute(_read_jsonl_sql(table, paths.lots))
        else:
            names = _parquet_columns(con, paths.lots)
            missing = [c for c in LOT_COLUMN_NAMES if c not in names and c not in ADDED_COLUMNS]
            if missing:
                raise RunFileError(paths.lots, f"not a lot run file: columns {missing} missing")
    except duckdb.Error as exc:
        raise RunFileError(paths.lots, f"malformed run file: {exc}") from exc
    if paths.rejects.exists() and paths.rejects.stat().st_size:
        cols = "{'source': 'VARCHAR', 'source_lot_id': 'VARCHAR', 'url': 'VARCHAR', 'reason': 'VARCHAR', " \
               "'record': 'JSON'}"
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_rejects AS SELECT * FROM read_json("
                        f"{_lit(str(paths.rejects))}, format = 'newline_delimited', columns = {cols})")
        except duckdb.Error as exc:
            raise RunFileError(paths.rejects, f"malformed rejects file: {exc}") from exc


def _merge_run(con: duckdb.DuckDBPyConnection, meta: RunMeta, result: RunResult, raw_table: str) -> None:
    paths = RunPaths(Path(result.file).parent, meta.run_id)
    jsonl = paths.lots.suffix == ".jsonl"
    present = None if jsonl else _parquet_columns(con, paths.lots)
    con.execute(_merge_sql(meta.run_id, meta.source, _source_sql(paths.lots, raw_table if jsonl else None, present)))
    if con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{raw_table}_rejects'").fetchone()[0]:
        con.execute(
            f"INSERT INTO fct_rejects SELECT {_lit(meta.run_id)}, source, source_lot_id, url, reason, record, now() "
            f"FROM {raw_table}_rejects"
        )
    warehouse_rejects = con.execute("SELECT count(*) FROM stg_keys WHERE reason <> ''").fetchone()[0]
    new_lots, new_versions = con.execute(
        "SELECT count(*) FILTER (WHERE is_new), count(*) FILTER (WHERE is_changed) FROM stg_changes"
    ).fetchone()
    status = "partial" if meta.status == "ok" and warehouse_rejects else meta.status
    con.execute(
        "INSERT INTO fct_crawl_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), ?, ?, ?, ?)",
        [
            meta.run_id, meta.source, meta.started_at, meta.finished_at, meta.items,
            meta.rejects + warehouse_rejects, status, meta.error, new_lots, new_versions,
            json.dumps(meta.stats, ensure_ascii=False, default=str), result.file,
        ],
    )
    result.status, result.rejects = "loaded", meta.rejects + warehouse_rejects
    result.new_lots, result.new_versions = new_lots, new_versions
