-- Core tables. The lot_columns placeholder expands to the Lot columns of warehouse/columns.py.
-- dim_lots: one row per (source, source_lot_id), the current state.
-- fct_lot_versions: SCD type 2 history, a new version only when a tracked field changed.

CREATE TABLE IF NOT EXISTS dim_lots (
    {lot_columns},
    first_seen TIMESTAMPTZ NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL,
    version_no INTEGER NOT NULL,
    tracked_hash UBIGINT NOT NULL,
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
