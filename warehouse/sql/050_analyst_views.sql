-- Analyst views: the questions credit analysts ask, answered over the contract `lot_history` (versions;
-- the current state of a lot is its version WHERE valid_to IS NULL, the same row `lots` shows). Read-only SELECTs;
-- nothing here is stored.
--
-- "For a given period": a view cannot take parameters, so every view carries DATE columns to filter on, in China
-- time whatever the session's TimeZone: `auction_date` / `month` (npl_discounts, discount_to_appraisal), `month`
-- (realization_rates), `start_date` (lead_times), `first_seen_date` (new_lots), `changed_date` (status_changes),
-- `dropped_date` (price_drops). For example
--   SELECT * FROM new_lots WHERE first_seen_date BETWEEN DATE '2026-11-16' AND DATE '2026-11-22'
-- `salvage export` and `salvage report` filter on the same columns (warehouse/export.py, PERIOD_COLUMNS).
-- Ratios are fractions (0.417 = 41.7 %), rounded to 4 places; money is in yuan.
--
-- Speed (bench/bench_views.py, 1M lots): the views read lot_history (= fct_lot_versions) and never the `lots` view,
-- whose join of dim_lots with the wide version rows costs more than the rest of a view. So:
-- - the current state is `lot_history WHERE valid_to IS NULL` (one row per lot);
-- - first_seen (lead_times, new_lots) is the valid_from of the lot's version 1, which for a lot still at version 1
--   is its current row: only lots with a closed version 1 are looked up (a join with a tenth of the lots);
-- - status_changes and price_drops pair a version with the lot's previous one by a join on version_no - 1, over the
--   versions after the first only, where a window over the whole history would sort every row;
-- - price_drops' relistings order the lots of an asset by a window over the current rows of the assets that have
--   more than one lot only (a hash aggregate of fct_lot_links finds them), never over every version; the current
--   row and first_seen come from dim_lots (its version_no), as the `assets` view orders them. Measured at 1M lots
--   with 15 % of them in relisted assets: about 0.9 s of CPU for the whole view (0.1 s without relistings).
-- - the China date is integer arithmetic at UTC+8 (China has had no daylight saving time since 1991), not a
--   time-zone conversion per row.
CREATE OR REPLACE VIEW npl_discounts AS
SELECT source, source_lot_id, url, title, seller_type, disposal_unit, province, city, debtor, round, status,
       start_at, end_at, auction_date, date_trunc('month', auction_date)::DATE AS month,
       principal, interest, total_claim, claim_as_of, reserve_price, final_price,
       CASE WHEN status = 'sold' AND final_price IS NOT NULL THEN final_price ELSE reserve_price END AS price,
       CASE WHEN status = 'sold' AND final_price IS NOT NULL THEN 'final' ELSE 'reserve' END AS price_kind,
       round(CASE WHEN status = 'sold' AND final_price IS NOT NULL THEN final_price ELSE reserve_price END
             / nullif(total_claim, 0), 4) AS price_to_claim,
       round(CASE WHEN status = 'sold' AND final_price IS NOT NULL THEN final_price ELSE reserve_price END
             / nullif(principal, 0), 4) AS price_to_principal,
       round(reserve_price / nullif(total_claim, 0), 4) AS reserve_to_claim,
       round(final_price / nullif(total_claim, 0), 4) AS final_to_claim
FROM (SELECT *, DATE '1970-01-01' + ((epoch_us(coalesce(end_at, start_at, valid_from)) + 28800000000) // 86400000000)::INTEGER AS auction_date
      FROM lot_history WHERE valid_to IS NULL AND asset_type = 'debt' AND (total_claim > 0 OR principal > 0));

COMMENT ON VIEW npl_discounts IS 'Debt lots (NPLs, loan claims) with a claim: the price (final when sold, else reserve) against the total claim and the principal. One row per lot; filter on auction_date or month, group by province, seller_type/disposal_unit, month. Example: a 9.95M yuan claim sold for 4.15M has price_to_claim 0.4171.';
COMMENT ON COLUMN npl_discounts.source IS 'Source slug (alibaba_sf, alibaba_zc, ...).';
COMMENT ON COLUMN npl_discounts.source_lot_id IS 'The site''s own lot id; (source, source_lot_id) identifies a lot.';
COMMENT ON COLUMN npl_discounts.url IS 'Page of the lot on the site.';
COMMENT ON COLUMN npl_discounts.title IS 'Lot title as listed.';
COMMENT ON COLUMN npl_discounts.seller_type IS 'court, amc, bank, bankruptcy_administrator, government, enterprise or other.';
COMMENT ON COLUMN npl_discounts.disposal_unit IS 'The court or seller disposing of the claim (处置单位).';
COMMENT ON COLUMN npl_discounts.province IS 'Province (省) of the lot.';
COMMENT ON COLUMN npl_discounts.city IS 'City (市) of the lot.';
COMMENT ON COLUMN npl_discounts.debtor IS 'Debtor (债务人).';
COMMENT ON COLUMN npl_discounts.round IS 'Auction round: first, second, sell_off or other.';
COMMENT ON COLUMN npl_discounts.status IS 'Current status: upcoming, ongoing, sold, unsold, withdrawn, suspended, ended.';
COMMENT ON COLUMN npl_discounts.start_at IS 'Auction start.';
COMMENT ON COLUMN npl_discounts.end_at IS 'Auction end (the sale time for a sold lot).';
COMMENT ON COLUMN npl_discounts.auction_date IS 'Date (China time) of the auction end, else its start, else when the lot''s current state was first seen: the column to filter a period on.';
COMMENT ON COLUMN npl_discounts.month IS 'First day of the month of auction_date.';
COMMENT ON COLUMN npl_discounts.principal IS 'Debt principal in yuan (债权本金).';
COMMENT ON COLUMN npl_discounts.interest IS 'Accrued interest in yuan.';
COMMENT ON COLUMN npl_discounts.total_claim IS 'Total claim in yuan (本息合计).';
COMMENT ON COLUMN npl_discounts.claim_as_of IS 'Reference date of principal and interest (基准日).';
COMMENT ON COLUMN npl_discounts.reserve_price IS 'Reserve (starting) price in yuan.';
COMMENT ON COLUMN npl_discounts.final_price IS 'Sale price in yuan when sold.';
COMMENT ON COLUMN npl_discounts.price IS 'final_price when the lot sold, else reserve_price (yuan).';
COMMENT ON COLUMN npl_discounts.price_kind IS 'final or reserve: which price is in price.';
COMMENT ON COLUMN npl_discounts.price_to_claim IS 'price / total_claim as a fraction (0.417 = 41.7 % of the claim); NULL without a claim.';
COMMENT ON COLUMN npl_discounts.price_to_principal IS 'price / principal as a fraction; NULL without a principal.';
COMMENT ON COLUMN npl_discounts.reserve_to_claim IS 'reserve_price / total_claim as a fraction.';
COMMENT ON COLUMN npl_discounts.final_to_claim IS 'final_price / total_claim as a fraction; NULL unless sold with a price.';

CREATE OR REPLACE VIEW discount_to_appraisal AS
SELECT source, source_lot_id, url, title, asset_type, seller_type, disposal_unit, province, city, round, status,
       start_at, end_at, auction_date, date_trunc('month', auction_date)::DATE AS month,
       appraisal_price, reserve_price, final_price,
       CASE WHEN status = 'sold' AND final_price IS NOT NULL THEN final_price ELSE reserve_price END AS price,
       CASE WHEN status = 'sold' AND final_price IS NOT NULL THEN 'final' ELSE 'reserve' END AS price_kind,
       round(CASE WHEN status = 'sold' AND final_price IS NOT NULL THEN final_price ELSE reserve_price END
             / appraisal_price, 4) AS price_to_appraisal,
       round(1 - CASE WHEN status = 'sold' AND final_price IS NOT NULL THEN final_price ELSE reserve_price END
             / appraisal_price, 4) AS discount,
       round(reserve_price / appraisal_price, 4) AS reserve_to_appraisal
FROM (SELECT *, DATE '1970-01-01' + ((epoch_us(coalesce(end_at, start_at, valid_from)) + 28800000000) // 86400000000)::INTEGER AS auction_date
      FROM lot_history WHERE valid_to IS NULL AND appraisal_price > 0);

COMMENT ON VIEW discount_to_appraisal IS 'Every lot with an appraisal, any asset type: the price (final when sold, else reserve) against the appraised value. One row per lot; filter on auction_date or month.';
COMMENT ON COLUMN discount_to_appraisal.source IS 'Source slug.';
COMMENT ON COLUMN discount_to_appraisal.source_lot_id IS 'The site''s own lot id.';
COMMENT ON COLUMN discount_to_appraisal.url IS 'Page of the lot on the site.';
COMMENT ON COLUMN discount_to_appraisal.title IS 'Lot title as listed.';
COMMENT ON COLUMN discount_to_appraisal.asset_type IS 'real_estate, land, vehicle, equipment, equity, debt, inventory, intangible or other.';
COMMENT ON COLUMN discount_to_appraisal.seller_type IS 'court, amc, bank, bankruptcy_administrator, government, enterprise or other.';
COMMENT ON COLUMN discount_to_appraisal.disposal_unit IS 'The court or seller disposing of the asset.';
COMMENT ON COLUMN discount_to_appraisal.province IS 'Province of the asset.';
COMMENT ON COLUMN discount_to_appraisal.city IS 'City of the asset.';
COMMENT ON COLUMN discount_to_appraisal.round IS 'Auction round: first, second, sell_off or other.';
COMMENT ON COLUMN discount_to_appraisal.status IS 'Current status.';
COMMENT ON COLUMN discount_to_appraisal.start_at IS 'Auction start.';
COMMENT ON COLUMN discount_to_appraisal.end_at IS 'Auction end.';
COMMENT ON COLUMN discount_to_appraisal.auction_date IS 'Date (China time) of the auction end, else its start, else when the lot''s current state was first seen: the column to filter a period on.';
COMMENT ON COLUMN discount_to_appraisal.month IS 'First day of the month of auction_date.';
COMMENT ON COLUMN discount_to_appraisal.appraisal_price IS 'Appraised value in yuan (评估价).';
COMMENT ON COLUMN discount_to_appraisal.reserve_price IS 'Reserve (starting) price in yuan.';
COMMENT ON COLUMN discount_to_appraisal.final_price IS 'Sale price in yuan when sold.';
COMMENT ON COLUMN discount_to_appraisal.price IS 'final_price when the lot sold, else reserve_price (yuan).';
COMMENT ON COLUMN discount_to_appraisal.price_kind IS 'final or reserve: which price is in price.';
COMMENT ON COLUMN discount_to_appraisal.price_to_appraisal IS 'price / appraisal_price as a fraction (0.7 = at 70 % of the appraisal).';
COMMENT ON COLUMN discount_to_appraisal.discount IS '1 - price_to_appraisal: the discount to the appraisal as a fraction (0.3 = 30 % below).';
COMMENT ON COLUMN discount_to_appraisal.reserve_to_appraisal IS 'reserve_price / appraisal_price as a fraction.';

CREATE OR REPLACE VIEW realization_rates AS
SELECT date_trunc('month', DATE '1970-01-01' + ((epoch_us(coalesce(end_at, valid_from)) + 28800000000) // 86400000000)::INTEGER)::DATE AS month,
       province, source, seller_type,
       count(*) AS sold_lots,
       sum(final_price) AS recovered,
       sum(total_claim) AS total_claim,
       round(sum(final_price) / sum(total_claim), 4) AS realization_rate,
       sum(final_price) FILTER (WHERE principal > 0) AS recovered_with_principal,
       sum(principal) FILTER (WHERE principal > 0) AS principal,
       round(sum(final_price) FILTER (WHERE principal > 0) / sum(principal) FILTER (WHERE principal > 0), 4)
           AS principal_realization_rate
FROM lot_history
WHERE valid_to IS NULL AND asset_type = 'debt' AND status = 'sold' AND final_price IS NOT NULL AND total_claim > 0
GROUP BY ALL;

COMMENT ON VIEW realization_rates IS 'Comprehensive realization rate of sold debt: amount recovered (final prices) over total claim, one row per month x province x source x seller_type. Roll up with sums, never by averaging rates: SELECT province, sum(recovered) / sum(total_claim) FROM realization_rates WHERE month >= DATE ''2026-01-01'' GROUP BY province.';
COMMENT ON COLUMN realization_rates.month IS 'First day of the month (China time) of the sale (auction end; when unknown, when the sale was first seen): the column to filter a period on.';
COMMENT ON COLUMN realization_rates.province IS 'Province of the lots.';
COMMENT ON COLUMN realization_rates.source IS 'Source slug.';
COMMENT ON COLUMN realization_rates.seller_type IS 'Seller type (amc, court, bank, ...).';
COMMENT ON COLUMN realization_rates.sold_lots IS 'Sold debt lots with a final price and a total claim.';
COMMENT ON COLUMN realization_rates.recovered IS 'Sum of their final prices in yuan.';
COMMENT ON COLUMN realization_rates.total_claim IS 'Sum of their total claims in yuan.';
COMMENT ON COLUMN realization_rates.realization_rate IS 'recovered / total_claim as a fraction: the comprehensive realization rate.';
COMMENT ON COLUMN realization_rates.recovered_with_principal IS 'Sum of final prices of the lots that state a principal (yuan).';
COMMENT ON COLUMN realization_rates.principal IS 'Sum of principals of the lots that state one (yuan).';
COMMENT ON COLUMN realization_rates.principal_realization_rate IS 'recovered_with_principal / principal as a fraction: recovery against principal only.';

CREATE OR REPLACE VIEW lead_times AS
SELECT source, source_lot_id, url, title, asset_type, seller_type, province, round, status,
       first_seen, start_at, end_at,
       DATE '1970-01-01' + ((epoch_us(start_at) + 28800000000) // 86400000000)::INTEGER AS start_date,
       round((epoch_us(start_at) - epoch_us(first_seen)) / 86400e6, 2) AS lead_days,
       first_seen < start_at AS seen_before_start,
       CASE WHEN status = 'sold' THEN end_at END AS sold_at,
       round((epoch_us(CASE WHEN status = 'sold' THEN end_at END) - epoch_us(first_seen)) / 86400e6, 2) AS days_to_sale
FROM (SELECT c.*, coalesce(f.valid_from, c.valid_from) AS first_seen
      FROM lot_history c
      LEFT JOIN (SELECT source, source_lot_id, valid_from FROM lot_history WHERE version_no = 1 AND valid_to IS NOT NULL) f
        ON f.source = c.source AND f.source_lot_id = c.source_lot_id
      WHERE c.valid_to IS NULL);

COMMENT ON VIEW lead_times IS 'How long before its start each lot was first seen (listings are advertised weeks ahead), and for sold lots how long from first seen to the sale. One row per lot; filter a period on start_date. Per lot id: a relisting is a new lot.';
COMMENT ON COLUMN lead_times.source IS 'Source slug.';
COMMENT ON COLUMN lead_times.source_lot_id IS 'The site''s own lot id.';
COMMENT ON COLUMN lead_times.url IS 'Page of the lot on the site.';
COMMENT ON COLUMN lead_times.title IS 'Lot title as listed.';
COMMENT ON COLUMN lead_times.asset_type IS 'Asset type.';
COMMENT ON COLUMN lead_times.seller_type IS 'Seller type.';
COMMENT ON COLUMN lead_times.province IS 'Province of the asset.';
COMMENT ON COLUMN lead_times.round IS 'Auction round.';
COMMENT ON COLUMN lead_times.status IS 'Current status.';
COMMENT ON COLUMN lead_times.first_seen IS 'When Salvage first saw the lot.';
COMMENT ON COLUMN lead_times.start_at IS 'Auction start.';
COMMENT ON COLUMN lead_times.end_at IS 'Auction end.';
COMMENT ON COLUMN lead_times.start_date IS 'Date (China time) of the auction start: the column to filter a period on.';
COMMENT ON COLUMN lead_times.lead_days IS 'Days from first seen to the auction start (negative: first seen after it started); NULL without a start.';
COMMENT ON COLUMN lead_times.seen_before_start IS 'True when the lot was seen before its auction started.';
COMMENT ON COLUMN lead_times.sold_at IS 'When the lot sold (its auction end); NULL unless sold.';
COMMENT ON COLUMN lead_times.days_to_sale IS 'Days from first seen to sold_at; NULL unless sold; negative when the sale was over before Salvage first saw the lot (the first crawl of a site sees past sales): filter on seen_before_start for lead times that mean something.';

CREATE OR REPLACE VIEW new_lots AS
SELECT DATE '1970-01-01' + ((epoch_us(first_seen) + 28800000000) // 86400000000)::INTEGER AS first_seen_date, first_seen,
       source, source_lot_id, url, title, asset_type, seller_type, disposal_unit, province, city, round, status,
       start_at, end_at, reserve_price, appraisal_price, principal, total_claim
FROM (SELECT c.*, coalesce(f.valid_from, c.valid_from) AS first_seen
      FROM lot_history c
      LEFT JOIN (SELECT source, source_lot_id, valid_from FROM lot_history WHERE version_no = 1 AND valid_to IS NOT NULL) f
        ON f.source = c.source AND f.source_lot_id = c.source_lot_id
      WHERE c.valid_to IS NULL);

COMMENT ON VIEW new_lots IS 'Lots by the day Salvage first saw them, with their current state: the new lots of a period are WHERE first_seen_date BETWEEN a AND b.';
COMMENT ON COLUMN new_lots.first_seen_date IS 'Date (China time) Salvage first saw the lot: the column to filter a period on.';
COMMENT ON COLUMN new_lots.first_seen IS 'When Salvage first saw the lot.';
COMMENT ON COLUMN new_lots.source IS 'Source slug.';
COMMENT ON COLUMN new_lots.source_lot_id IS 'The site''s own lot id.';
COMMENT ON COLUMN new_lots.url IS 'Page of the lot on the site.';
COMMENT ON COLUMN new_lots.title IS 'Lot title as listed.';
COMMENT ON COLUMN new_lots.asset_type IS 'Asset type.';
COMMENT ON COLUMN new_lots.seller_type IS 'Seller type.';
COMMENT ON COLUMN new_lots.disposal_unit IS 'The court or seller disposing of the asset.';
COMMENT ON COLUMN new_lots.province IS 'Province of the asset.';
COMMENT ON COLUMN new_lots.city IS 'City of the asset.';
COMMENT ON COLUMN new_lots.round IS 'Auction round.';
COMMENT ON COLUMN new_lots.status IS 'Current status.';
COMMENT ON COLUMN new_lots.start_at IS 'Auction start.';
COMMENT ON COLUMN new_lots.end_at IS 'Auction end.';
COMMENT ON COLUMN new_lots.reserve_price IS 'Current reserve price in yuan.';
COMMENT ON COLUMN new_lots.appraisal_price IS 'Appraised value in yuan.';
COMMENT ON COLUMN new_lots.principal IS 'Debt principal in yuan.';
COMMENT ON COLUMN new_lots.total_claim IS 'Total claim in yuan.';

CREATE OR REPLACE VIEW status_changes AS
SELECT DATE '1970-01-01' + ((epoch_us(v.valid_from) + 28800000000) // 86400000000)::INTEGER AS changed_date, v.valid_from AS changed_at,
       v.source, v.source_lot_id, v.url, v.title, v.asset_type, v.seller_type, v.disposal_unit, v.province,
       p.status AS old_status, v.status AS new_status, p.round AS old_round, v.round,
       v.reserve_price, v.current_price, v.final_price, v.version_no, v.run_id
FROM fct_lot_versions v
JOIN fct_lot_versions p
  ON p.source = v.source AND p.source_lot_id = v.source_lot_id AND p.version_no = v.version_no - 1
WHERE v.version_no > 1 AND v.status IS DISTINCT FROM p.status;

COMMENT ON VIEW status_changes IS 'Every change of a lot''s status between two versions in lot_history (withdrawn, suspended, sold, unsold, and back to ongoing), with when the crawl first saw it. Filter a period on changed_date and the kind on new_status: WHERE new_status = ''withdrawn'' AND changed_date >= DATE ''2026-11-16''. A lot first seen already withdrawn has no change here.';
COMMENT ON COLUMN status_changes.changed_date IS 'Date (China time) of changed_at: the column to filter a period on.';
COMMENT ON COLUMN status_changes.changed_at IS 'When the crawl first saw the new status (valid_from of the new version); the change happened since the previous crawl.';
COMMENT ON COLUMN status_changes.source IS 'Source slug.';
COMMENT ON COLUMN status_changes.source_lot_id IS 'The site''s own lot id.';
COMMENT ON COLUMN status_changes.url IS 'Page of the lot on the site.';
COMMENT ON COLUMN status_changes.title IS 'Lot title in the new version.';
COMMENT ON COLUMN status_changes.asset_type IS 'Asset type.';
COMMENT ON COLUMN status_changes.seller_type IS 'Seller type.';
COMMENT ON COLUMN status_changes.disposal_unit IS 'The court or seller disposing of the asset.';
COMMENT ON COLUMN status_changes.province IS 'Province of the asset.';
COMMENT ON COLUMN status_changes.old_status IS 'Status in the previous version.';
COMMENT ON COLUMN status_changes.new_status IS 'Status in the new version: withdrawn, suspended, sold, unsold, ongoing, ...';
COMMENT ON COLUMN status_changes.old_round IS 'Round in the previous version.';
COMMENT ON COLUMN status_changes.round IS 'Round in the new version.';
COMMENT ON COLUMN status_changes.reserve_price IS 'Reserve price in yuan in the new version.';
COMMENT ON COLUMN status_changes.current_price IS 'Current price in yuan in the new version.';
COMMENT ON COLUMN status_changes.final_price IS 'Sale price in yuan in the new version (when sold).';
COMMENT ON COLUMN status_changes.version_no IS 'version_no of the new version in lot_history.';
COMMENT ON COLUMN status_changes.run_id IS 'The crawl run that wrote the new version.';

CREATE OR REPLACE VIEW price_drops AS
WITH within_lot AS (  -- a version of a lot cheaper than the lot's previous version
    SELECT v.valid_from, v.source, v.source_lot_id, v.url, v.title, v.asset_type, v.seller_type, v.disposal_unit,
           v.province, p.round AS old_round, v.round, v.status, p.reserve_price AS old_reserve_price, v.reserve_price,
           p.current_price AS old_current_price, v.current_price, v.appraisal_price, v.version_no, v.run_id,
           'within_lot' AS drop_kind, v.source AS previous_source, v.source_lot_id AS previous_source_lot_id,
           v.url AS previous_url, p.version_no AS previous_version_no
    FROM fct_lot_versions v
    JOIN fct_lot_versions p
      ON p.source = v.source AND p.source_lot_id = v.source_lot_id AND p.version_no = v.version_no - 1
    WHERE v.version_no > 1 AND (v.reserve_price < p.reserve_price OR v.current_price < p.current_price)
),
relisted_assets AS (  -- only assets with more than one lot can have a relisting
    SELECT asset_id FROM fct_lot_links GROUP BY asset_id HAVING count(*) > 1
),
listings AS (  -- each lot of such an asset and the lot listed just before it, in the order of assets.lots
    SELECT k.asset_id, c.source, c.source_lot_id,
           lag(c.source) OVER w AS previous_source, lag(c.source_lot_id) OVER w AS previous_source_lot_id
    FROM fct_lot_links k
    SEMI JOIN relisted_assets r ON r.asset_id = k.asset_id
    JOIN dim_lots d ON d.source = k.source AND d.source_lot_id = k.source_lot_id
    JOIN fct_lot_versions c ON c.source = d.source AND c.source_lot_id = d.source_lot_id AND c.version_no = d.version_no
    WINDOW w AS (PARTITION BY k.asset_id
                 ORDER BY coalesce(c.start_at, d.first_seen), c.source, c.source_lot_id)
),
relisting AS (  -- a lot as first seen, cheaper than the asset's previous lot as it stood at that moment
    SELECT v.valid_from, v.source, v.source_lot_id, v.url, v.title, v.asset_type, v.seller_type, v.disposal_unit,
           v.province, p.round AS old_round, v.round, v.status, p.reserve_price AS old_reserve_price, v.reserve_price,
           p.current_price AS old_current_price, v.current_price, v.appraisal_price, v.version_no, v.run_id,
           'relisting' AS drop_kind, p.source AS previous_source, p.source_lot_id AS previous_source_lot_id,
           p.url AS previous_url, p.version_no AS previous_version_no
    FROM listings l
    JOIN fct_lot_versions v ON v.source = l.source AND v.source_lot_id = l.source_lot_id AND v.version_no = 1
    JOIN fct_lot_versions p ON p.source = l.previous_source AND p.source_lot_id = l.previous_source_lot_id
     AND ((p.valid_from <= v.valid_from AND (p.valid_to IS NULL OR p.valid_to > v.valid_from))
          OR (p.version_no = 1 AND p.valid_from > v.valid_from))  -- the previous lot seen only later: as first seen
    WHERE v.reserve_price < p.reserve_price
)
SELECT DATE '1970-01-01' + ((epoch_us(d.valid_from) + 28800000000) // 86400000000)::INTEGER AS dropped_date,
       d.valid_from AS dropped_at,
       d.source, d.source_lot_id, d.url, d.title, d.asset_type, d.seller_type, d.disposal_unit, d.province,
       d.old_round, d.round, d.status,
       d.old_reserve_price, d.reserve_price,
       round((d.old_reserve_price - d.reserve_price) / nullif(d.old_reserve_price, 0), 4) AS reserve_drop,
       d.old_current_price, d.current_price,
       round((d.old_current_price - d.current_price) / nullif(d.old_current_price, 0), 4) AS current_drop,
       greatest(round((d.old_reserve_price - d.reserve_price) / nullif(d.old_reserve_price, 0), 4),
                round((d.old_current_price - d.current_price) / nullif(d.old_current_price, 0), 4)) AS largest_drop,
       d.appraisal_price, d.version_no, d.run_id,
       d.drop_kind, k.asset_id, d.previous_source, d.previous_source_lot_id, d.previous_url, d.previous_version_no
FROM (SELECT * FROM within_lot UNION ALL SELECT * FROM relisting) d
LEFT JOIN fct_lot_links k ON k.source = d.source AND k.source_lot_id = d.source_lot_id;

COMMENT ON VIEW price_drops IS 'Price drops of two kinds, with the drop as a fraction. within_lot: a version of a lot whose reserve or current price is lower than in the lot''s previous version (a cut for the next round, a lower sell-off price). relisting: a relisting is a new lot id (一拍 → 二拍 → 变卖, withdrawn and relisted, another site), linked to its asset in fct_lot_links; a lot whose reserve, as first seen, is lower than that of the asset''s lot listed just before it (the order of assets.lots) as it stood then. previous_source / previous_source_lot_id name the lot it is compared with (the same lot for within_lot). Filter a period on dropped_date; largest first: ORDER BY largest_drop DESC.';
COMMENT ON COLUMN price_drops.dropped_date IS 'Date (China time) of dropped_at: the column to filter a period on.';
COMMENT ON COLUMN price_drops.dropped_at IS 'When the crawl first saw the lower price (valid_from of the new version; relisting: when the new lot was first seen).';
COMMENT ON COLUMN price_drops.source IS 'Source slug.';
COMMENT ON COLUMN price_drops.source_lot_id IS 'The site''s own lot id.';
COMMENT ON COLUMN price_drops.url IS 'Page of the lot on the site.';
COMMENT ON COLUMN price_drops.title IS 'Lot title in the new version.';
COMMENT ON COLUMN price_drops.asset_type IS 'Asset type.';
COMMENT ON COLUMN price_drops.seller_type IS 'Seller type.';
COMMENT ON COLUMN price_drops.disposal_unit IS 'The court or seller disposing of the asset.';
COMMENT ON COLUMN price_drops.province IS 'Province of the asset.';
COMMENT ON COLUMN price_drops.old_round IS 'Round in the previous version (relisting: of the previous lot).';
COMMENT ON COLUMN price_drops.round IS 'Round in the new version.';
COMMENT ON COLUMN price_drops.status IS 'Status in the new version.';
COMMENT ON COLUMN price_drops.old_reserve_price IS 'Reserve price in yuan in the previous version (relisting: of the previous lot).';
COMMENT ON COLUMN price_drops.reserve_price IS 'Reserve price in yuan in the new version.';
COMMENT ON COLUMN price_drops.reserve_drop IS '(old_reserve_price - reserve_price) / old_reserve_price as a fraction (0.2 = 20 % lower; negative when it rose).';
COMMENT ON COLUMN price_drops.old_current_price IS 'Current price in yuan in the previous version (relisting: of the previous lot, its last bid when it had bids).';
COMMENT ON COLUMN price_drops.current_price IS 'Current price in yuan in the new version.';
COMMENT ON COLUMN price_drops.current_drop IS '(old_current_price - current_price) / old_current_price as a fraction.';
COMMENT ON COLUMN price_drops.largest_drop IS 'The larger of reserve_drop and current_drop: sort by it for the largest drops.';
COMMENT ON COLUMN price_drops.appraisal_price IS 'Appraised value in yuan in the new version.';
COMMENT ON COLUMN price_drops.version_no IS 'version_no of the new version in lot_history (1 for a relisting).';
COMMENT ON COLUMN price_drops.run_id IS 'The crawl run that wrote the new version.';
COMMENT ON COLUMN price_drops.drop_kind IS 'within_lot (two versions of one lot) or relisting (a new lot of the same asset, cheaper than the asset''s lot listed before it).';
COMMENT ON COLUMN price_drops.asset_id IS 'The asset of the lot (fct_lot_links, assets); NULL for a lot not linked yet.';
COMMENT ON COLUMN price_drops.previous_source IS 'Source of the lot the price is compared with: the same lot for within_lot, the asset''s previous lot for relisting.';
COMMENT ON COLUMN price_drops.previous_source_lot_id IS 'source_lot_id of the lot the price is compared with.';
COMMENT ON COLUMN price_drops.previous_url IS 'Page of the lot the price is compared with.';
COMMENT ON COLUMN price_drops.previous_version_no IS 'version_no in lot_history of the version the price is compared with.';
