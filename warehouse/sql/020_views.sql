-- Analyst-facing views: the contract. Names and columns are relied on by analysts and later issues.

CREATE OR REPLACE VIEW lots AS
SELECT {lot_select_current}, d.first_seen, d.last_seen
FROM dim_lots d
JOIN fct_lot_versions v
  ON v.source = d.source AND v.source_lot_id = d.source_lot_id AND v.version_no = d.version_no;

CREATE OR REPLACE VIEW lot_history AS
SELECT {lot_select}, version_no, valid_from, valid_to, valid_to IS NULL AS is_current, run_id
FROM fct_lot_versions;

CREATE OR REPLACE VIEW crawl_runs AS
SELECT run_id, source, started_at, finished_at, items, rejects, status_run AS status, error,
       new_lots, new_versions, ingested_at, stats, file
FROM fct_crawl_runs;
