-- Run monitoring: one row per ingested crawl run with its counts and verdict, and one row per run and Lot
-- field with that field's coverage. Filled by warehouse/monitoring.py:record_run_metrics, an ingest hook that runs
-- inside the night's transaction, so a run and its metrics commit together.

CREATE TABLE IF NOT EXISTS fct_run_metrics (
    run_id VARCHAR PRIMARY KEY,
    source VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    started_at TIMESTAMPTZ,
    status VARCHAR NOT NULL,
    items INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    retries INTEGER NOT NULL,
    interstitials INTEGER NOT NULL,
    rejects INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    duration_s DOUBLE,
    baseline_runs INTEGER NOT NULL,
    baseline_items DOUBLE,
    health VARCHAR NOT NULL,
    warnings VARCHAR[] NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS fct_run_field_coverage (
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    coverage DOUBLE NOT NULL,
    baseline_coverage DOUBLE,
    dropped BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, field)
);

COMMENT ON TABLE fct_run_metrics IS 'One row per ingested crawl run: items, requests, retries, anti-bot pages, rejects, errors, duration, and its health compared with the previous runs of the same source (zero items = error; items down by more than half = warning).';
COMMENT ON COLUMN fct_run_metrics.run_id IS 'The crawl run (crawl_runs.run_id).';
COMMENT ON COLUMN fct_run_metrics.source IS 'Source slug, e.g. alibaba_sf.';
COMMENT ON COLUMN fct_run_metrics.kind IS 'nightly (a full crawl), refresh (only lots ending soon) or reparse (an archived run re-read by today''s parsers); only nightly runs form the baseline of later nightly runs.';
COMMENT ON COLUMN fct_run_metrics.started_at IS 'When the crawl started.';
COMMENT ON COLUMN fct_run_metrics.status IS 'The run''s status in crawl_runs: ok, partial or failed.';
COMMENT ON COLUMN fct_run_metrics.items IS 'Lots the crawl wrote to its run file.';
COMMENT ON COLUMN fct_run_metrics.requests IS 'HTTP requests sent (Scrapy downloader/request_count, retries included).';
COMMENT ON COLUMN fct_run_metrics.retries IS 'Requests retried after a 429, a 5xx, a timeout or a connection error (Scrapy retry/count).';
COMMENT ON COLUMN fct_run_metrics.interstitials IS 'Anti-bot pages (slider, Baxia) met and retried.';
COMMENT ON COLUMN fct_run_metrics.rejects IS 'Records refused by the crawl''s normalizer or at ingest.';
COMMENT ON COLUMN fct_run_metrics.errors IS 'Errors the crawl logged (pages given up on, parse errors, spider exceptions).';
COMMENT ON COLUMN fct_run_metrics.duration_s IS 'Seconds from the crawl''s start to its end.';
COMMENT ON COLUMN fct_run_metrics.baseline_runs IS 'How many previous nightly runs of the source (at most 3, with items) the comparison used; 0 = no comparison.';
COMMENT ON COLUMN fct_run_metrics.baseline_items IS 'Median items of those previous runs.';
COMMENT ON COLUMN fct_run_metrics.health IS 'ok, warning (a drop of more than half in items or in a field''s coverage) or error (zero items, or the run failed).';
COMMENT ON COLUMN fct_run_metrics.warnings IS 'What is wrong, one sentence each, naming the field when a coverage dropped.';
COMMENT ON COLUMN fct_run_metrics.recorded_at IS 'When the metrics were recorded (the ingest''s time).';

COMMENT ON TABLE fct_run_field_coverage IS 'One row per crawl run and Lot field: the share of the run''s lots that have the field, beside the median of the previous nightly runs of the same source.';
COMMENT ON COLUMN fct_run_field_coverage.run_id IS 'The crawl run (crawl_runs.run_id).';
COMMENT ON COLUMN fct_run_field_coverage.source IS 'Source slug, e.g. alibaba_sf.';
COMMENT ON COLUMN fct_run_field_coverage.field IS 'A Lot field (a column of the view lots).';
COMMENT ON COLUMN fct_run_field_coverage.coverage IS 'Share of the run''s lots with this field set (0 to 1).';
COMMENT ON COLUMN fct_run_field_coverage.baseline_coverage IS 'Median coverage of this field in the previous nightly runs (NULL = no previous run).';
COMMENT ON COLUMN fct_run_field_coverage.dropped IS 'True when coverage fell below half of the baseline: reported as a warning naming the field.';
