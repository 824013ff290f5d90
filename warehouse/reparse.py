"""Loading a re-parse of any night, not only the latest: the history of the lots it re-read is rebuilt.

A re-parse (`salvage.reparse`) re-reads an archived run with today's code into a new run whose lots keep their
original fetch times, and whose stats say ``salvage/reparse_of``. Ingested the ordinary way it can only correct lots
whose latest observation is the one re-read (an observation older than a lot's ``last_seen`` never overwrites it).
`rebuild_reparsed` is an ingest hook that does the rest, inside the night's transaction:

1. the affected lots: every lot of the re-parse run and of the run it corrects (a lot the fixed code no longer
   reads must lose that night's observation too);
2. their versions (``fct_lot_versions``) are copied to ``fct_replaced_versions`` (the evidence) and deleted, with
   their ``dim_lots`` rows;
3. every run of the source in ``fct_crawl_runs`` is merged again, oldest first, restricted to those lots, with the
   re-parse in place of the run it corrects: the same merge as a night's (`warehouse.ingest._merge_sql`), so the
   rebuilt history is exactly what loading the fixed nights in order would have given. Rejects are not written
   again.

The run files of the source's other runs must still be where ``fct_crawl_runs.file`` says; a missing one stops the
load with an error naming it (nothing is changed). Alert events and asset links already made are not redone: an
event keeps the version number it was about.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import duckdb

from contracts.columns import LOT_COLUMN_NAMES
from contracts.runfiles import RunFileError
from warehouse.ingest import _lit, _merge_sql, _read_jsonl_sql, _source_sql


def rebuild_reparsed(con: duckdb.DuckDBPyConnection, results: Iterable) -> int:
    """Ingest hook: rebuild the lots of every loaded re-parse run (see the module). Returns the lots rebuilt."""
    loaded = [r.run_id for r in results if getattr(r, "status", "loaded") == "loaded"]
    if not loaded:
        return 0
    rows = con.execute("SELECT run_id, source, stats->>'salvage/reparse_of' FROM fct_crawl_runs "
                       "WHERE run_id IN (SELECT unnest(?::VARCHAR[])) AND stats->>'salvage/reparse_of' IS NOT NULL "
                       "ORDER BY started_at, run_id", [loaded]).fetchall()
    return sum(_rebuild(con, run_id, source, original) for run_id, source, original in rows)


def _run_src(con: duckdb.DuckDBPyConnection, run_id: str, file: str, table: str) -> str:
    path = Path(file)
    if not path.exists():
        raise RunFileError(path, f"run {run_id} is needed to rebuild the history of a re-parsed night, but its "
                                 f"file is gone")
    if path.suffix == ".jsonl":
        con.execute(_read_jsonl_sql(table, path))
        return table
    return _source_sql(path, None)


def _rebuild(con: duckdb.DuckDBPyConnection, new_run: str, source: str, original: str) -> int:
    runs = con.execute("SELECT run_id, file FROM fct_crawl_runs WHERE source = ? AND run_id <> ? AND file IS NOT NULL "
                       "AND status_run <> 'failed' ORDER BY started_at, run_id", [source, original]).fetchall()
    files = dict(runs)
    original_file = con.execute("SELECT file FROM fct_crawl_runs WHERE run_id = ?", [original]).fetchone()
    srcs = {run_id: _run_src(con, run_id, file, f"rp_raw_{i}") for i, (run_id, file) in enumerate(runs)}
    affected = [f"SELECT source, source_lot_id FROM {srcs[new_run]}"]
    if original_file and original_file[0] and Path(original_file[0]).exists():
        affected.append(f"SELECT source, source_lot_id FROM {_run_src(con, original, original_file[0], 'rp_orig')}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE rp_affected AS {' UNION '.join(affected)}")
    n = con.execute("SELECT count(*) FROM rp_affected").fetchone()[0]
    cols = ", ".join(LOT_COLUMN_NAMES)
    mine = "(source, source_lot_id) IN (SELECT source, source_lot_id FROM rp_affected)"
    con.execute(f"INSERT INTO fct_replaced_versions SELECT {cols}, version_no, valid_from, valid_to, run_id, "
                f"{_lit(new_run)}, now() FROM fct_lot_versions WHERE {mine}")
    con.execute(f"DELETE FROM fct_lot_versions WHERE {mine}")
    con.execute(f"DELETE FROM dim_lots WHERE {mine}")
    for run_id, _ in runs:
        src = f"(SELECT * FROM {srcs[run_id]} WHERE {mine})"
        con.execute(_merge_sql(run_id, source, src, rejects=False))
    stats = json.dumps({"salvage/rebuilt_lots": n, "salvage/rebuilt_from_runs": len(files)})
    con.execute("UPDATE fct_crawl_runs SET stats = json_merge_patch(stats, ?::JSON) WHERE run_id = ?", [stats, new_run])
    for i in range(len(runs)):
        con.execute(f"DROP TABLE IF EXISTS rp_raw_{i}")
    con.execute("DROP TABLE IF EXISTS rp_orig; DROP TABLE IF EXISTS rp_affected")
    return n
