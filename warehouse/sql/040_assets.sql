-- Assets: one asset, many listings. warehouse/linkage.py (link_assets, an ingest hook) links every new
-- lot to an asset inside the night's transaction: exact keys first (案号, debtor + principal, address), then fuzzy
-- matching (rapidfuzz, by characters) inside blocks. A lot keeps its asset from night to night; when a new lot
-- proves that two assets are one, the younger asset is merged into the older and the merge is recorded.
-- fct_lot_links holds the lot's normalized keys (the evidence later lots are matched against) and, for a lot that
-- joined an existing asset or another lot, the lot it matched, the rule that fired, the score and each comparison.

CREATE TABLE IF NOT EXISTS fct_lot_links (
    source VARCHAR NOT NULL,
    source_lot_id VARCHAR NOT NULL,
    asset_id BIGINT NOT NULL,
    rule VARCHAR NOT NULL,
    score DOUBLE,
    matched_source VARCHAR,
    matched_lot_id VARCHAR,
    same_case_number BOOLEAN,
    same_disposal_unit BOOLEAN,
    same_debtor BOOLEAN,
    same_numbers BOOLEAN,
    principal_ratio DOUBLE,
    value_ratio DOUBLE,
    title_similarity DOUBLE,
    address_similarity DOUBLE,
    asset_type VARCHAR,
    case_key VARCHAR,
    unit_key VARCHAR,
    debtor_key VARCHAR,
    address_key VARCHAR,
    title_key VARCHAR,
    number_key VARCHAR,
    place_key VARCHAR,
    principal DECIMAL(18,2),
    value DECIMAL(18,2),
    linked_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL
);

-- rule debt_package (a debt package across platforms, e.g. an AMC notice and its CBEX listing): its keys and evidence
ALTER TABLE fct_lot_links ADD COLUMN IF NOT EXISTS debtors_key VARCHAR;
ALTER TABLE fct_lot_links ADD COLUMN IF NOT EXISTS claim_as_of DATE;
ALTER TABLE fct_lot_links ADD COLUMN IF NOT EXISTS same_claim_as_of BOOLEAN;

CREATE TABLE IF NOT EXISTS fct_asset_merges (
    merged_asset_id BIGINT NOT NULL,
    into_asset_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    source_lot_id VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    score DOUBLE,
    lots_moved INTEGER NOT NULL,
    merged_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL
);

CREATE OR REPLACE VIEW assets AS
WITH l AS (
    SELECT k.asset_id, k.rule, x.*,
           row_number() OVER (PARTITION BY k.asset_id
                              -- ties by the day first seen (in Shanghai), not its second: lots of one night
                              -- rank alike whatever order the crawls ran in (one machine or many workers)
                              ORDER BY coalesce(x.start_at, x.first_seen) DESC,
                                       date_trunc('day', x.first_seen AT TIME ZONE 'Asia/Shanghai') DESC,
                                       x.source DESC, x.source_lot_id DESC) AS recency
    FROM fct_lot_links k
    JOIN lots x ON x.source = k.source AND x.source_lot_id = k.source_lot_id
)
SELECT asset_id,
       count(*) AS lot_count,
       list(struct_pack(source, source_lot_id, round, status, start_at, reserve_price, url)
            ORDER BY coalesce(start_at, first_seen), source, source_lot_id) AS lots,
       list(DISTINCT source ORDER BY source) AS sources,
       any_value(title ORDER BY recency) AS title,
       any_value(asset_type ORDER BY recency) AS asset_type,
       any_value(disposal_unit ORDER BY recency) AS disposal_unit,
       any_value(case_number ORDER BY recency) FILTER (WHERE case_number IS NOT NULL) AS case_number,
       any_value(debtor ORDER BY recency) FILTER (WHERE debtor IS NOT NULL) AS debtor,
       any_value(province ORDER BY recency) AS province,
       any_value(city ORDER BY recency) AS city,
       any_value(address ORDER BY recency) AS address,
       any_value(appraisal_price ORDER BY recency) FILTER (WHERE appraisal_price IS NOT NULL) AS appraisal_price,
       any_value(principal ORDER BY recency) FILTER (WHERE principal IS NOT NULL) AS principal,
       any_value(total_claim ORDER BY recency) FILTER (WHERE total_claim IS NOT NULL) AS total_claim,
       min(first_seen) AS first_seen,
       min(start_at) AS first_start_at,
       any_value(source ORDER BY recency) AS latest_source,
       any_value(source_lot_id ORDER BY recency) AS latest_lot_id,
       any_value(start_at ORDER BY recency) AS latest_start_at,
       any_value(round ORDER BY recency) AS current_round,
       any_value(status ORDER BY recency) AS current_status,
       any_value(reserve_price ORDER BY recency) AS current_reserve_price,
       any_value(current_price ORDER BY recency) AS current_price,
       max(final_price) FILTER (WHERE status = 'sold') AS sold_price,
       max(last_seen) AS last_seen,
       list(DISTINCT rule ORDER BY rule) AS link_rules
FROM l
GROUP BY asset_id;

CREATE OR REPLACE VIEW asset_price_history AS
SELECT k.asset_id,
       row_number() OVER (PARTITION BY k.asset_id
                          ORDER BY h.valid_from, coalesce(h.start_at, h.valid_from), h.source, h.source_lot_id,
                                   h.version_no) AS seq,
       h.source, h.source_lot_id, h.version_no, h.valid_from, h.valid_to, h.is_current,
       h.round, h.status, h.start_at, h.end_at, h.reserve_price, h.current_price, h.final_price,
       h.appraisal_price, h.total_claim, h.bid_count
FROM fct_lot_links k
JOIN lot_history h ON h.source = k.source AND h.source_lot_id = k.source_lot_id;

COMMENT ON TABLE fct_lot_links IS 'One row per lot: the asset it belongs to (asset_id), the evidence that linked it '
    '(the lot it matched, the rule that fired, the score and each comparison) and its normalized keys, which later '
    'lots are matched against. Written by warehouse.linkage.link_assets inside the night''s ingest. A lot keeps its '
    'asset_id from night to night unless its asset is merged into an older one (see fct_asset_merges).';
COMMENT ON COLUMN fct_lot_links.source IS 'Source of the lot.';
COMMENT ON COLUMN fct_lot_links.source_lot_id IS 'The site''s lot id; with source, the lot.';
COMMENT ON COLUMN fct_lot_links.asset_id IS 'The asset: every listing of one asset (relistings 一拍 → 二拍 → 变卖, '
    'withdrawn and relisted, the same asset on two sites, an AMC notice and its auction) has the same asset_id.';
COMMENT ON COLUMN fct_lot_links.rule IS 'The rule that linked the lot: new_asset (no match: the first lot of a new '
    'asset), case_number (same normalized 案号, no conflicting numbers, unit or value), debtor_principal (same '
    'debtor, principal within rounding), address_value (same normalized address and value), fuzzy_title_address '
    '(similar title and address, same numbers and value), fuzzy_title_value (similar title, same disposal unit, '
    'numbers and value), relisted_title (the same source re-listing a lot under the same title and value at another '
    'reserve price), debt_package (same set of debtors, principal within rounding, same claim as-of date: a '
    'debt package an AMC announces and an exchange lists). The exact conditions are warehouse.linkage.RULES.';
COMMENT ON COLUMN fct_lot_links.score IS 'Agreement of the compared evidence, 0 to 1 (the mean of the comparisons '
    'both lots allow); NULL for new_asset.';
COMMENT ON COLUMN fct_lot_links.matched_source IS 'Source of the lot this one was matched to (its best match); '
    'NULL for new_asset.';
COMMENT ON COLUMN fct_lot_links.matched_lot_id IS 'source_lot_id of the lot this one was matched to.';
COMMENT ON COLUMN fct_lot_links.same_case_number IS 'Evidence: both lots have a case number and the normalized '
    'numbers are equal (NULL when either has none).';
COMMENT ON COLUMN fct_lot_links.same_disposal_unit IS 'Evidence: the normalized disposal units are equal (NULL '
    'when either has none).';
COMMENT ON COLUMN fct_lot_links.same_debtor IS 'Evidence: the normalized debtors are equal (NULL when either has '
    'none).';
COMMENT ON COLUMN fct_lot_links.same_numbers IS 'Evidence: the numbers in the two titles (room, building, street '
    'number, plate, share) are the same (NULL when either title has none).';
COMMENT ON COLUMN fct_lot_links.principal_ratio IS 'Evidence: smaller principal over larger (1 = equal; NULL when '
    'either has none).';
COMMENT ON COLUMN fct_lot_links.value_ratio IS 'Evidence: smaller value over larger, value being the appraisal, '
    'else the market price, else the total claim (NULL when either has none).';
COMMENT ON COLUMN fct_lot_links.title_similarity IS 'Evidence: similarity 0 to 100 of the normalized titles (round '
    'markers and the place prefix stripped), by characters (rapidfuzz ratio).';
COMMENT ON COLUMN fct_lot_links.address_similarity IS 'Evidence: similarity 0 to 100 of the normalized addresses, '
    'by characters (NULL when either has none).';
COMMENT ON COLUMN fct_lot_links.asset_type IS 'The lot''s asset_type when it was keyed.';
COMMENT ON COLUMN fct_lot_links.case_key IS 'Key: the case number 案号 normalized (full-width to ASCII, brackets, '
    'spaces and 第 removed).';
COMMENT ON COLUMN fct_lot_links.unit_key IS 'Key: the disposal unit normalized.';
COMMENT ON COLUMN fct_lot_links.debtor_key IS 'Key: the debtor normalized (有限责任公司 as 有限公司).';
COMMENT ON COLUMN fct_lot_links.address_key IS 'Key: the address normalized, without its province, city and '
    'district prefix (栋/幢/座 as 号楼).';
COMMENT ON COLUMN fct_lot_links.title_key IS 'Key: the title normalized, without round markers (第一次拍卖, 二拍, '
    '变卖, 重新拍卖...) and the place prefix.';
COMMENT ON COLUMN fct_lot_links.number_key IS 'Key: the numbers of title_key in order, separated by |.';
COMMENT ON COLUMN fct_lot_links.place_key IS 'Key: the city (or province) without its suffix, for blocking.';
COMMENT ON COLUMN fct_lot_links.principal IS 'Key: the lot''s debt principal in yuan.';
COMMENT ON COLUMN fct_lot_links.value IS 'Key: the lot''s appraisal, else market price, else total claim, in yuan.';
COMMENT ON COLUMN fct_lot_links.debtors_key IS 'Key: the lot''s debtor and the debtors of its loans, each '
    'normalized as debtor_key, sorted, distinct, joined by |.';
COMMENT ON COLUMN fct_lot_links.claim_as_of IS 'Key: the date the lot''s claim amounts are as of (基准日).';
COMMENT ON COLUMN fct_lot_links.same_claim_as_of IS 'Evidence: the lot''s claim as-of date equals the matched '
    'lot''s (NULL when either has none or the lot matched nothing).';
COMMENT ON COLUMN fct_lot_links.linked_at IS 'When the lot was linked (the ingest''s clock).';
COMMENT ON COLUMN fct_lot_links.run_id IS 'The crawl run whose ingest linked the lot.';

COMMENT ON TABLE fct_asset_merges IS 'One row per merge of two assets: a new lot matched lots of two assets, so the '
    'younger asset (higher asset_id) was merged into the older one; its lots moved in fct_lot_links.';
COMMENT ON COLUMN fct_asset_merges.merged_asset_id IS 'The asset that no longer exists.';
COMMENT ON COLUMN fct_asset_merges.into_asset_id IS 'The asset its lots now belong to.';
COMMENT ON COLUMN fct_asset_merges.source IS 'Source of the new lot that joined the two assets.';
COMMENT ON COLUMN fct_asset_merges.source_lot_id IS 'The new lot that joined the two assets.';
COMMENT ON COLUMN fct_asset_merges.rule IS 'The rule of that new lot''s link (see fct_lot_links.rule).';
COMMENT ON COLUMN fct_asset_merges.score IS 'The score of that link.';
COMMENT ON COLUMN fct_asset_merges.lots_moved IS 'How many lots moved from merged_asset_id to into_asset_id.';
COMMENT ON COLUMN fct_asset_merges.merged_at IS 'When the merge happened (the ingest''s clock).';
COMMENT ON COLUMN fct_asset_merges.run_id IS 'The crawl run whose ingest merged the assets.';

COMMENT ON VIEW assets IS 'One row per asset: its lots across relistings and sites (in listing order), its sources, '
    'first and latest listing, and its current state (the latest lot''s round, status and prices).';
COMMENT ON COLUMN assets.asset_id IS 'The asset (fct_lot_links.asset_id).';
COMMENT ON COLUMN assets.lot_count IS 'Number of lots (listings) of the asset.';
COMMENT ON COLUMN assets.lots IS 'Its lots in listing order: source, source_lot_id, round, status, start_at, '
    'reserve_price, url.';
COMMENT ON COLUMN assets.sources IS 'The sources that listed it.';
COMMENT ON COLUMN assets.title IS 'Title of the latest lot.';
COMMENT ON COLUMN assets.asset_type IS 'asset_type of the latest lot.';
COMMENT ON COLUMN assets.disposal_unit IS 'Disposal unit of the latest lot.';
COMMENT ON COLUMN assets.case_number IS 'Case number 案号 of the latest lot that has one.';
COMMENT ON COLUMN assets.debtor IS 'Debtor of the latest lot that names one.';
COMMENT ON COLUMN assets.province IS 'Province of the latest lot.';
COMMENT ON COLUMN assets.city IS 'City of the latest lot.';
COMMENT ON COLUMN assets.address IS 'Address of the latest lot.';
COMMENT ON COLUMN assets.appraisal_price IS 'Appraisal in yuan of the latest lot that has one.';
COMMENT ON COLUMN assets.principal IS 'Debt principal in yuan of the latest lot that has one.';
COMMENT ON COLUMN assets.total_claim IS 'Total claim in yuan of the latest lot that has one.';
COMMENT ON COLUMN assets.first_seen IS 'When Salvage first saw any lot of the asset.';
COMMENT ON COLUMN assets.first_start_at IS 'Start of its earliest auction.';
COMMENT ON COLUMN assets.latest_source IS 'Source of the latest lot (latest start, else latest first_seen).';
COMMENT ON COLUMN assets.latest_lot_id IS 'source_lot_id of the latest lot.';
COMMENT ON COLUMN assets.latest_start_at IS 'Start of the latest lot''s auction.';
COMMENT ON COLUMN assets.current_round IS 'Round of the latest lot.';
COMMENT ON COLUMN assets.current_status IS 'Status of the latest lot: the asset''s current state.';
COMMENT ON COLUMN assets.current_reserve_price IS 'Reserve price in yuan of the latest lot.';
COMMENT ON COLUMN assets.current_price IS 'Current price in yuan of the latest lot.';
COMMENT ON COLUMN assets.sold_price IS 'Final price in yuan when one of its lots sold.';
COMMENT ON COLUMN assets.last_seen IS 'When Salvage last saw any lot of the asset.';
COMMENT ON COLUMN assets.link_rules IS 'The rules that linked its lots (new_asset for the first).';

COMMENT ON VIEW asset_price_history IS 'Every price and status an asset has had, across all its lots, in time order: '
    'one row per version of each of its lots (lot_history), seq numbering them by valid_from.';
COMMENT ON COLUMN asset_price_history.asset_id IS 'The asset (fct_lot_links.asset_id).';
COMMENT ON COLUMN asset_price_history.seq IS 'Position in the asset''s history, from 1, by valid_from.';
COMMENT ON COLUMN asset_price_history.source IS 'Source of the lot.';
COMMENT ON COLUMN asset_price_history.source_lot_id IS 'The lot.';
COMMENT ON COLUMN asset_price_history.version_no IS 'Version of the lot (lot_history.version_no).';
COMMENT ON COLUMN asset_price_history.valid_from IS 'Start of the period in which the lot was in this state.';
COMMENT ON COLUMN asset_price_history.valid_to IS 'End of the period; NULL for the lot''s current version.';
COMMENT ON COLUMN asset_price_history.is_current IS 'True for the lot''s current version.';
COMMENT ON COLUMN asset_price_history.round IS 'Auction round of the lot.';
COMMENT ON COLUMN asset_price_history.status IS 'Status of the lot in this version.';
COMMENT ON COLUMN asset_price_history.start_at IS 'Auction start of the lot.';
COMMENT ON COLUMN asset_price_history.end_at IS 'Auction end of the lot.';
COMMENT ON COLUMN asset_price_history.reserve_price IS 'Reserve price in yuan.';
COMMENT ON COLUMN asset_price_history.current_price IS 'Current price in yuan.';
COMMENT ON COLUMN asset_price_history.final_price IS 'Sale price in yuan when sold.';
COMMENT ON COLUMN asset_price_history.appraisal_price IS 'Appraisal in yuan.';
COMMENT ON COLUMN asset_price_history.total_claim IS 'Total claim in yuan (debt).';
COMMENT ON COLUMN asset_price_history.bid_count IS 'Number of bids.';
