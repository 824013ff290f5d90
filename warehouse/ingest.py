"""Loading run files into the warehouse: staging → validation → merge → history → run log, set-based.

All runs of one ``ingest`` call load in ONE transaction, oldest run first (so two nights loaded together still give
two versions). Each run file is read whole by ``read_json`` into a staging table (never row by row); rows whose
values do not cast or validate go to ``fct_rejects`` with the reason, the source and the URL. A run file that cannot
be read at all is refused: it is named in the error, nothing of it is loaded, and it is not marked as ingested, so a
later ingest can retry it. A run already in ``fct_crawl_runs`` is skipped: ingesting the same run twice changes
nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from salvage.models import AssetType, Round, SellerType, Status
from salvage.runfiles import RunFileError, RunMeta, RunPaths
from warehouse.columns import LOT_COLUMN_NAMES, LOT_TYPES, TRACKED

REQUIRED = ("source", "source_lot_id", "url", "fetched_at", "title")
ENUMS = {"asset_type": AssetType, "seller_type": SellerType, "round": Round, "status": Status}
NESTED = {"guarantors", "collateral", "raw"}  # JSON values in the run file


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


def _typed(col: str) -> str:
    typ = LOT_TYPES[col]
    if col in NESTED:
        return f"TRY_CAST(json({col}) AS {typ})"
    return f"TRY_CAST({col} AS {typ})"


def _checks(col: str) -> list[str]:
    """SQL expressions that give a reason text when the staged text value of ``col`` is bad, else NULL."""
    out: list[str] = []
    if col in REQUIRED:
        out.append(f"CASE WHEN {col} IS NULL OR trim({col}) = '' THEN 'missing {col}' END")
    out.append(f"CASE WHEN {col} IS NOT NULL AND {_typed(col)} IS NULL THEN 'bad {col}: ' || left({col}, 80) END")
    if col in ENUMS:
        allowed = ", ".join(_lit(m.value) for m in ENUMS[col])
        out.append(f"CASE WHEN {col} IS NOT NULL AND {col} NOT IN ({allowed}) THEN 'unknown {col}: ' || {col} END")
    if LOT_TYPES[col].startswith("DECIMAL") or LOT_TYPES[col] == "INTEGER":
        out.append(f"CASE WHEN {_typed(col)} < 0 THEN 'negative {col}' END")
    return out


def _read_sql(table: str, file: Path) -> str:
    """Read a run file whole, every column as text: casting and validation happen in SQL, row by row reasons."""
    read_cols = "{" + ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in LOT_COLUMN_NAMES) + "}"
    return f"""
    CREATE OR REPLACE TEMP TABLE {table} AS
    SELECT *, row_number() OVER () AS line_no
    FROM read_json({_lit(str(file))}, format = 'newline_delimited', columns = {read_cols})
    """


def _read_rejects_sql(table: str, file: Path) -> str:
    cols = "{'source': 'VARCHAR', 'source_lot_id': 'VARCHAR', 'url': 'VARCHAR', 'reason': 'VARCHAR', 'record': 'JSON'}"
    return f"""
    CREATE OR REPLACE TEMP TABLE {table} AS
    SELECT * FROM read_json({_lit(str(file))}, format = 'newline_delimited', columns = {cols})
    """


def _stage_sql(run_id: str, source: str, raw_table: str) -> str:
    reasons = [r for c in LOT_COLUMN_NAMES for r in _checks(c)]
    reasons.append(f"CASE WHEN source <> {_lit(source)} THEN 'source ' || source || ' in a run of {source}' END")
    reasons.append(
        "CASE WHEN TRY_CAST(end_at AS TIMESTAMPTZ) < TRY_CAST(start_at AS TIMESTAMPTZ) THEN 'end_at before start_at' END"
    )
    typed = ", ".join(f"{_typed(c)} AS {c}" for c in LOT_COLUMN_NAMES)
    return f"""
    CREATE OR REPLACE TEMP TABLE stg_lots AS
    SELECT {typed}, line_no, concat_ws('; ', {", ".join(reasons)}) AS reason,
           to_json(struct_pack({", ".join(LOT_COLUMN_NAMES)})) AS record
    FROM {raw_table};

    INSERT INTO fct_rejects
    SELECT {_lit(run_id)}, source, source_lot_id, url, reason, record, now()
    FROM stg_lots WHERE reason <> '';

    CREATE OR REPLACE TEMP TABLE stg_good AS
    SELECT * EXCLUDE (line_no, reason, record), hash({", ".join(TRACKED)}) AS tracked_hash
    FROM stg_lots WHERE reason = ''
    QUALIFY row_number() OVER (PARTITION BY source, source_lot_id ORDER BY fetched_at DESC, line_no DESC) = 1;
    """


def _merge_sql(run_id: str) -> str:
    cols = ", ".join(LOT_COLUMN_NAMES)
    c_cols = ", ".join(f"c.{c}" for c in LOT_COLUMN_NAMES)
    sets = ", ".join(f"{c} = c.{c}" for c in LOT_COLUMN_NAMES)
    run = _lit(run_id)
    return f"""
    CREATE OR REPLACE TEMP TABLE stg_changes AS
    SELECT g.*, d.version_no AS prev_version, d.tracked_hash AS prev_hash,
           d.source_lot_id IS NULL AS is_new,
           d.source_lot_id IS NULL OR d.tracked_hash <> g.tracked_hash AS is_changed
    FROM stg_good g
    LEFT JOIN dim_lots d ON d.source = g.source AND d.source_lot_id = g.source_lot_id
    WHERE d.source_lot_id IS NULL OR g.fetched_at >= d.last_seen;

    UPDATE fct_lot_versions AS v SET valid_to = c.fetched_at
    FROM stg_changes c
    WHERE v.source = c.source AND v.source_lot_id = c.source_lot_id AND v.valid_to IS NULL
      AND c.is_changed AND NOT c.is_new;

    INSERT INTO fct_lot_versions ({cols}, version_no, valid_from, valid_to, run_id)
    SELECT {c_cols}, coalesce(c.prev_version, 0) + 1, c.fetched_at, NULL, {run}
    FROM stg_changes c WHERE c.is_changed;

    MERGE INTO dim_lots d USING stg_changes c
    ON d.source = c.source AND d.source_lot_id = c.source_lot_id
    WHEN MATCHED THEN UPDATE SET {sets}, last_seen = c.fetched_at,
        version_no = d.version_no + CASE WHEN c.is_changed THEN 1 ELSE 0 END,
        tracked_hash = c.tracked_hash, last_run_id = {run}
    WHEN NOT MATCHED THEN INSERT ({cols}, first_seen, last_seen, version_no, tracked_hash, last_run_id)
        VALUES ({c_cols}, c.fetched_at, c.fetched_at, 1, c.tracked_hash, {run});
    """


def resolve_runs(paths: Iterable[Path]) -> list[Path]:
    """Meta files for the given paths: a meta file, a run file (``.jsonl``), or a folder of runs."""
    metas: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            metas.extend(path.rglob("*.meta.json"))
        elif path.name.endswith(".meta.json"):
            metas.append(path)
        elif path.suffix == ".jsonl" and not path.name.endswith(".rejects.jsonl"):
            metas.append(path.with_name(path.name.removesuffix(".jsonl") + ".meta.json"))
        else:
            raise RunFileError(path, "not a run file (expected <run_id>.jsonl, <run_id>.meta.json or a folder)")
    for meta in metas:
        if not meta.exists():
            raise RunFileError(meta, "no meta file: the crawl has not finished (or died); nothing to ingest")
    return sorted(set(metas), key=lambda p: (RunMeta.load(p).started_at, p.name))


def ingest(
    con: duckdb.DuckDBPyConnection,
    metas: list[Path],
    on_progress: Callable[[RunResult], None] | None = None,
) -> list[RunResult]:
    """Load finished runs (their meta files, oldest first) in one transaction, then CHECKPOINT.

    Phase 1 reads every new run file into a temporary table, outside the transaction (a DuckDB error aborts the
    transaction it happens in, and a malformed file must not abort the others). Phase 2 validates, merges and logs
    every readable run inside one transaction.
    """
    done = {r[0] for r in con.execute("SELECT run_id FROM fct_crawl_runs").fetchall()}
    results: list[RunResult] = []
    staged: list[tuple[RunMeta, RunResult, str]] = []
    for i, meta_path in enumerate(metas):
        meta = RunMeta.load(meta_path)
        paths = RunPaths.for_meta(meta_path)
        result = RunResult(meta.run_id, meta.source, str(paths.lots), "skipped", items=meta.items)
        results.append(result)
        if meta.run_id in done or meta.run_id in {m.run_id for m, _, _ in staged}:
            continue
        table = f"stg_raw_{i}"
        try:
            if not paths.lots.exists():
                raise RunFileError(paths.lots, "run file missing")
            con.execute(_read_sql(table, paths.lots))
        except (duckdb.Error, RunFileError) as exc:
            result.status = "refused"
            result.error = str(exc) if isinstance(exc, RunFileError) else f"{paths.lots}: malformed run file: {exc}"
            continue
        if paths.rejects.exists() and paths.rejects.stat().st_size:
            try:
                con.execute(_read_rejects_sql(f"{table}_rejects", paths.rejects))
            except duckdb.Error as exc:
                result.status, result.error = "refused", f"{paths.rejects}: malformed rejects file: {exc}"
                continue
        staged.append((meta, result, table))
    con.execute("BEGIN")
    try:
        for meta, result, table in staged:
            _merge_run(con, meta, result, table)
            if on_progress:
                on_progress(result)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for _, _, table in staged:
            con.execute(f"DROP TABLE IF EXISTS {table}")
            con.execute(f"DROP TABLE IF EXISTS {table}_rejects")
    con.execute("CHECKPOINT")
    return results


def _merge_run(con: duckdb.DuckDBPyConnection, meta: RunMeta, result: RunResult, raw_table: str) -> None:
    con.execute(_stage_sql(meta.run_id, meta.source, raw_table))
    if con.execute(f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{raw_table}_rejects'").fetchone()[0]:
        con.execute(
            f"INSERT INTO fct_rejects SELECT {_lit(meta.run_id)}, source, source_lot_id, url, reason, record, now() "
            f"FROM {raw_table}_rejects"
        )
    warehouse_rejects = con.execute("SELECT count(*) FROM stg_lots WHERE reason <> ''").fetchone()[0]
    con.execute(_merge_sql(meta.run_id))
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
