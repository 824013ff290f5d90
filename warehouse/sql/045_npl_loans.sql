-- Debt packages down to the loan: every loan of a package as its own row, linked to its lot, and a
-- package view that checks the loans against the total the page stated. Built on the lots contract view.

CREATE OR REPLACE VIEW npl_loans AS
SELECT l.source, l.source_lot_id, l.title AS package_title, l.url, l.disposal_unit, l.seller_type, l.province,
       l.status, t.loan.seq AS seq, t.loan.debtor AS debtor, t.loan.guarantors AS guarantors,
       t.loan.collateral AS collateral, t.loan.principal AS principal, t.loan.interest AS interest,
       t.loan.fees AS fees, t.loan.total AS total, t.loan.currency AS currency,
       coalesce(t.loan.claim_as_of, l.claim_as_of) AS claim_as_of, t.loan.raw AS raw,
       t.loan.source_url AS source_url, t.loan.source_sheet AS source_sheet, t.loan.source_page AS source_page,
       t.loan.source_row AS source_row
FROM lots l, unnest(l.loans) AS t(loan);

CREATE OR REPLACE VIEW npl_packages AS
SELECT l.source, l.source_lot_id, l.title, l.url, l.disposal_unit, l.province, l.status,
       l.principal AS stated_principal, l.total_claim AS stated_total_claim, l.reserve_price,
       len(l.loans) AS loans,
       list_sum([x.principal FOR x IN l.loans IF x.currency = 'CNY']) AS loans_principal_cny,
       list_sum([coalesce(x.total, x.principal + coalesce(x.interest, 0) + coalesce(x.fees, 0))
                 FOR x IN l.loans IF x.currency = 'CNY']) AS loans_total_cny,
       len([x FOR x IN l.loans IF x.currency <> 'CNY']) AS loans_other_currency,
       l.total_claim - list_sum([coalesce(x.total, x.principal + coalesce(x.interest, 0) + coalesce(x.fees, 0))
                                 FOR x IN l.loans IF x.currency = 'CNY']) AS total_difference
FROM lots l
WHERE len(l.loans) > 0;

COMMENT ON VIEW npl_loans IS 'Every loan of every debt package (JD 债权 tables, AMC notices, Alibaba claims): one row per row of the page''s claim table or of its attached 债权清单, with its package lot. Amounts are in the loan''s currency.';
COMMENT ON COLUMN npl_loans.source IS 'Source of the package lot.';
COMMENT ON COLUMN npl_loans.source_lot_id IS 'The package lot''s id on its site; with source, joins lots.';
COMMENT ON COLUMN npl_loans.package_title IS 'Title of the package lot.';
COMMENT ON COLUMN npl_loans.url IS 'Page of the package.';
COMMENT ON COLUMN npl_loans.disposal_unit IS 'Seller of the package (AMC branch, bank, court).';
COMMENT ON COLUMN npl_loans.seller_type IS 'amc, bank, court, ...';
COMMENT ON COLUMN npl_loans.province IS 'Province of the package lot.';
COMMENT ON COLUMN npl_loans.status IS 'Current status of the package lot.';
COMMENT ON COLUMN npl_loans.seq IS 'Row number (序号) as the table gives it; NULL when the table has none.';
COMMENT ON COLUMN npl_loans.debtor IS 'Debtor (债务人) of this loan.';
COMMENT ON COLUMN npl_loans.guarantors IS 'Guarantors (保证人) of this loan.';
COMMENT ON COLUMN npl_loans.collateral IS 'Collateral (抵押物) as the table describes it.';
COMMENT ON COLUMN npl_loans.principal IS 'Principal balance (本金余额), in the loan''s currency.';
COMMENT ON COLUMN npl_loans.interest IS 'Interest balance (利息余额), in the loan''s currency.';
COMMENT ON COLUMN npl_loans.fees IS 'Fees (费用), in the loan''s currency.';
COMMENT ON COLUMN npl_loans.total IS 'Total claim of the loan (债权合计), in the loan''s currency.';
COMMENT ON COLUMN npl_loans.currency IS 'CNY, or USD/HKD/... for rows the page states in another currency.';
COMMENT ON COLUMN npl_loans.claim_as_of IS 'Reference date (基准日) of the amounts: the row''s, else the package''s.';
COMMENT ON COLUMN npl_loans.raw IS 'The text the table wrote for the loan''s amounts and date.';
COMMENT ON COLUMN npl_loans.source_url IS 'The attachment (债权清单 PDF / XLS / XLSX) the loan was read from; NULL for a row of the page''s own table.';
COMMENT ON COLUMN npl_loans.source_sheet IS 'Sheet of the spreadsheet attachment the row is on.';
COMMENT ON COLUMN npl_loans.source_page IS 'Page of the PDF attachment the row is on, from 1.';
COMMENT ON COLUMN npl_loans.source_row IS 'Row of the loan in the attachment: the spreadsheet row number as Excel shows it, or the row of the PDF page''s table (from 1, header rows counted).';

COMMENT ON VIEW npl_packages IS 'One row per debt package with loans: the stated totals against the sum of its CNY loans (total_difference), so an analyst sees packages whose table does not add up. Foreign-currency loans are counted apart.';
COMMENT ON COLUMN npl_packages.source IS 'Source of the package lot.';
COMMENT ON COLUMN npl_packages.source_lot_id IS 'The package lot''s id on its site.';
COMMENT ON COLUMN npl_packages.title IS 'Title of the package lot.';
COMMENT ON COLUMN npl_packages.url IS 'Page of the package.';
COMMENT ON COLUMN npl_packages.disposal_unit IS 'Seller of the package.';
COMMENT ON COLUMN npl_packages.province IS 'Province of the package lot.';
COMMENT ON COLUMN npl_packages.status IS 'Current status of the package lot.';
COMMENT ON COLUMN npl_packages.stated_principal IS 'Principal the page states for the whole package (its 合计), yuan.';
COMMENT ON COLUMN npl_packages.stated_total_claim IS 'Total claim the page states for the whole package (its 合计), yuan.';
COMMENT ON COLUMN npl_packages.reserve_price IS 'Reserve price of the package, yuan.';
COMMENT ON COLUMN npl_packages.loans IS 'Number of loans (table rows) in the package.';
COMMENT ON COLUMN npl_packages.loans_principal_cny IS 'Sum of the CNY loans'' principal, yuan.';
COMMENT ON COLUMN npl_packages.loans_total_cny IS 'Sum of the CNY loans'' totals (principal + interest + fees when a row has no total), yuan.';
COMMENT ON COLUMN npl_packages.loans_other_currency IS 'Loans stated in another currency (not in the CNY sums).';
COMMENT ON COLUMN npl_packages.total_difference IS 'stated_total_claim minus loans_total_cny: 0 when the table adds up; NULL when the page states no total.';
