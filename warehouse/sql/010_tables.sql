-- Core tables. The lot_columns placeholder expands to the Lot columns of contracts/columns.py.
-- fct_lot_versions: SCD type 2 history, every Lot column, a new version only when a tracked field changed; the
--   current version's untracked columns (title, view counts...) are rewritten in place when they change.
-- dim_lots: narrow, one row per (source, source_lot_id): when it was seen, its current version, change hashes.
--   Keeping the wide columns once (not in a state table and again in the history) halves the night's writes.

CREATE TABLE IF NOT EXISTS dim_lots (
    source VARCHAR NOT NULL,
    source_lot_id VARCHAR NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    version_no INTEGER NOT NULL,
    version_from TIMESTAMPTZ NOT NULL,
    tracked_hash UBIGINT NOT NULL,
    full_hash UBIGINT NOT NULL,
    last_run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS fct_lot_versions (
    {lot_columns},
    version_no INTEGER NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to TIMESTAMPTZ,
    run_id VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS fct_crawl_runs (
    run_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    items INTEGER NOT NULL,
    rejects INTEGER NOT NULL,
    status_run VARCHAR NOT NULL,
    error VARCHAR,
    ingested_at TIMESTAMPTZ NOT NULL,
    new_lots INTEGER NOT NULL,
    new_versions INTEGER NOT NULL,
    stats JSON,
    file VARCHAR
);

CREATE TABLE IF NOT EXISTS fct_rejects (
    run_id VARCHAR NOT NULL,
    source VARCHAR,
    source_lot_id VARCHAR,
    url VARCHAR,
    reason VARCHAR NOT NULL,
    record JSON,
    rejected_at TIMESTAMPTZ NOT NULL
);
