-- Undoing a wrong link: `salvage assets split ASSET_ID LOT...` (warehouse.linkage.split_asset) moves the given lots
-- of an asset to a new asset. The evidence stays: each lot's link row (rule, score, the lot it matched) is kept as
-- it was, and the split is recorded here, one row per lot on either side, with who split it and why. Later nights'
-- linkage never puts a lot of one side in the same asset as a lot of the other side again.

CREATE TABLE IF NOT EXISTS fct_asset_splits (
    split_id BIGINT NOT NULL,
    side VARCHAR NOT NULL,
    from_asset_id BIGINT NOT NULL,
    into_asset_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    source_lot_id VARCHAR NOT NULL,
    rule VARCHAR,
    score DOUBLE,
    matched_source VARCHAR,
    matched_lot_id VARCHAR,
    reason VARCHAR NOT NULL,
    split_by VARCHAR NOT NULL,
    split_at TIMESTAMPTZ NOT NULL
);

COMMENT ON TABLE fct_asset_splits IS 'One row per lot of each asset split by hand (salvage assets split): the lots '
    'moved to a new asset (side moved) and those that stayed (side kept), each with the link evidence it had. '
    'Linkage never joins a moved lot and a kept lot of one split in one asset again.';
COMMENT ON COLUMN fct_asset_splits.split_id IS 'The split (1, 2, ...).';
COMMENT ON COLUMN fct_asset_splits.side IS 'moved: the lot left the asset for into_asset_id; kept: it stayed.';
COMMENT ON COLUMN fct_asset_splits.from_asset_id IS 'The asset that was split.';
COMMENT ON COLUMN fct_asset_splits.into_asset_id IS 'The new asset of the moved lots.';
COMMENT ON COLUMN fct_asset_splits.source IS 'Source of the lot.';
COMMENT ON COLUMN fct_asset_splits.source_lot_id IS 'The lot.';
COMMENT ON COLUMN fct_asset_splits.rule IS 'The rule that had linked it (fct_lot_links.rule at the split).';
COMMENT ON COLUMN fct_asset_splits.score IS 'The score of that link.';
COMMENT ON COLUMN fct_asset_splits.matched_source IS 'Source of the lot it had matched.';
COMMENT ON COLUMN fct_asset_splits.matched_lot_id IS 'The lot it had matched.';
COMMENT ON COLUMN fct_asset_splits.reason IS 'Why the link was judged wrong, as the person wrote it.';
COMMENT ON COLUMN fct_asset_splits.split_by IS 'Who split it.';
COMMENT ON COLUMN fct_asset_splits.split_at IS 'When.';
