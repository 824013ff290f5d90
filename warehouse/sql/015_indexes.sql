-- Indexes, made after the tables have every column (DuckDB alters no table an index depends on: a migration
-- drops these first and this file makes them again).
--
-- One lot's history (lot_history WHERE source = ? AND source_lot_id = ?) is a point query: without an index DuckDB
-- scans every version (zone maps cannot prune: the ids share their leading characters and the history is in night
-- order). An ART index on the lot id makes it an index lookup (bench/bench_growth.py, 10M versions, a loaded machine:
-- 24.6 -> 15.1 ms for every column, 2.6 ms for the price columns). On the lot id alone: DuckDB uses an ART index for
-- an equality on a single-column index, not for one on (source, source_lot_id). It costs the 1M-lot merge ~0.2 s.
-- (bench/run_all.py, history row: ~1 ms at a million rows where the scan took 16 ms.)
CREATE INDEX IF NOT EXISTS fct_lot_versions_lot ON fct_lot_versions (source_lot_id);
