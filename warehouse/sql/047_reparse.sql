-- Re-parsed nights: warehouse/reparse.py rebuilds the history of the lots a re-parse re-read, from every run that
-- observed them, with the re-parse in place of the run it corrects. The versions it replaces are kept here.

CREATE TABLE IF NOT EXISTS fct_replaced_versions (
    {lot_columns},
    version_no INTEGER NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_to TIMESTAMPTZ,
    run_id VARCHAR NOT NULL,
    replaced_by_run VARCHAR NOT NULL,
    replaced_at TIMESTAMPTZ NOT NULL
);

COMMENT ON TABLE fct_replaced_versions IS 'Lot versions (fct_lot_versions rows, every Lot column) that a re-parse '
    'replaced when it rebuilt the history of the lots it re-read (salvage reparse RUN --ingest): the evidence of '
    'what was loaded before the fix. replaced_by_run is the re-parse run, replaced_at when.';
