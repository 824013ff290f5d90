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

-- (the table's comment and its Lot columns' comments are set by warehouse.db.apply_comments)
COMMENT ON COLUMN fct_replaced_versions.replaced_by_run IS 'The re-parse run whose load replaced this version.';
COMMENT ON COLUMN fct_replaced_versions.replaced_at IS 'When it was replaced (the load''s clock).';
