"""End to end for JD: the JD replica → the real `scrapy crawl jd_auction` subprocess → run files → the warehouse, two
nights, every lot checked against the replica generator's ground truth, and every debt package checked down to
the loan: all its loans are in the warehouse (``unnest(loans)``), row by row, and their CNY totals add up to the
package's stated 合计, except where the page itself states a 合计 that differs (those differences are recorded
and must be exactly the replica's known slips; no package is dropped for one)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
ASSET_TYPES = {"house": "real_estate", "commercial": "real_estate", "industrial": "real_estate", "land": "land",
               "vehicle": "vehicle", "equity": "equity", "debt": "debt", "equipment": "equipment",
               "inventory": "inventory", "other": "other"}
ROUNDS = {0: None, 1: "first", 2: "second", 3: "other", 4: "sell_off"}
pytestmark = pytest.mark.slow


def money(value: float) -> Decimal | None:
    return Decimal(str(value)).quantize(CENT) if value else None


def at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, SHANGHAI)


def status(lot) -> str:
    if lot.display_status == 5:
        return "withdrawn"
    if lot.display_status in (6, 7):
        return "suspended"
    # an ended auction is 成交 with a bid and 流拍 (unsold) without one: JD's own terms (docs/labels.md)
    return {0: "upcoming", 1: "ongoing"}.get(lot.auction_status) or ("sold" if lot.bid_count else "unsold")


def expected(lot) -> tuple:
    return (
        lot.title, ASSET_TYPES[lot.kind], ROUNDS[lot.paimai_times], status(lot), at(lot.start_ms), at(lot.end_ms),
        money(lot.start_price), money(lot.assessment_price), money(lot.market_price), money(lot.ensure_price),
        money(lot.increment), money(lot.current_price), money(lot.current_price) if lot.sold else None,
        lot.bid_count, lot.access_num, lot.access_ensure_num, lot.shop_name,
    )


COLUMNS = ("title, asset_type, round, status, start_at, end_at, reserve_price, appraisal_price, market_price, "
           "deposit, increment, current_price, final_price, bid_count, view_count, applicant_count, disposal_unit")


@pytest.fixture(scope="module")
def two_nights(crawl_two_nights):
    with crawl_two_nights("e2e_jd", ("jd_auction",), seed=9, n_lots=150,
                          truth=lambda replica, night: {str(lot.paimai_id): lot
                                                        for lot in replica.jd_generator.lots_for(night)}) as run:
        yield run.con, run.of("jd_auction"), run.truth


def test_every_lot_of_both_nights_is_crawled_with_its_truth(two_nights):
    con, crawls, truth = two_nights
    for night in (1, 2):
        meta = crawls[night].meta
        assert (meta.status, meta.items, meta.rejects) == ("ok", len(truth[night]), 0), meta.error
    rows = con.execute(f"SELECT source_lot_id, {COLUMNS} FROM lots WHERE source = 'jd_auction'").fetchall()
    got = {row[0]: tuple(row[1:]) for row in rows}
    latest = {**truth[1], **truth[2]}
    assert set(got) == set(latest)
    mismatched = {k: (got[k], expected(lot)) for k, lot in latest.items() if got[k] != expected(lot)}
    assert not mismatched, next(iter(mismatched.items()))
    places = con.execute("SELECT count(*), count(province), count(city) FROM lots WHERE source = 'jd_auction'")
    assert len(set(places.fetchone())) == 1  # every lot placed


def test_changes_between_nights_open_versions(two_nights):
    con, _, truth = two_nights
    changed = {k for k, lot in truth[2].items() if k in truth[1] and expected(lot) != expected(truth[1][k])}
    assert changed, "the replica must change some lots between nights"
    versioned = {r[0] for r in con.execute(
        "SELECT source_lot_id FROM lot_history WHERE source = 'jd_auction' AND version_no = 2").fetchall()}
    assert changed <= versioned
    statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM lots WHERE source = 'jd_auction'").fetchall()}
    assert {"upcoming", "ongoing", "sold", "unsold", "withdrawn", "suspended"} <= statuses


def test_every_package_is_in_the_warehouse_loan_by_loan(two_nights):
    con, _, truth = two_nights
    packages = {k: lot.package for k, lot in truth[2].items() if lot.package}
    assert len(packages) > 10 and any(len(p.loans) == 118 for p in packages.values())
    stored = dict(con.execute(
        "SELECT source_lot_id, loans FROM lots WHERE source = 'jd_auction' AND len(loans) > 0").fetchall())
    assert set(stored) == set(packages)  # no package dropped, no loans where there is no package
    for lot_id, package in packages.items():
        rows = [(l["seq"], l["debtor"], l["principal"], l["interest"], l["fees"], l["total"], l["currency"],
                 l["claim_as_of"], sorted(l["guarantors"])) for l in stored[lot_id]]
        assert rows == [(t.seq, t.debtor, t.principal, t.interest, t.fees, t.total, t.currency, package.as_of,
                         sorted(t.guarantors)) for t in package.loans], lot_id
        for loan, t in zip(stored[lot_id], package.loans, strict=True):  # raw: the amount as the table wrote it
            text = f"{t.principal / 10000:,.2f}" if package.unit == "万元" else f"{t.principal:,.2f}"
            assert json.loads(loan["raw"])["principal"] == text + ("（美元）" if t.currency == "USD" else "")


def test_package_totals_add_up_and_every_difference_is_recorded(two_nights):
    con, _, truth = two_nights
    checked = con.execute("""
        WITH loans AS (
            SELECT source_lot_id, principal, total_claim, unnest(loans) AS loan
            FROM lots WHERE source = 'jd_auction' AND asset_type = 'debt'
        )
        SELECT source_lot_id, any_value(principal), any_value(total_claim), count(*) AS loans,
               sum(loan.principal) FILTER (WHERE loan.currency = 'CNY'),
               sum(loan.total) FILTER (WHERE loan.currency = 'CNY'),
               count(*) FILTER (WHERE loan.currency <> 'CNY')
        FROM loans GROUP BY source_lot_id
    """).fetchall()
    packages = {k: lot.package for k, lot in truth[2].items() if lot.package}
    assert {row[0] for row in checked} == set(packages)
    differences, unstated = {}, []
    for lot_id, principal, total_claim, n, cny_principal, cny_total, foreign in checked:
        package = packages[lot_id]
        assert n == len(package.loans) and foreign == len(package.loans) - len(package.cny())
        if total_claim is None:  # a page without a 合计 row and with several CNY loans states no package total
            unstated.append(lot_id)
            continue
        assert principal == cny_principal  # the slips are in the 债权合计 column only
        if total_claim != cny_total:
            differences[lot_id] = total_claim - cny_total
    # the recorded differences are exactly what the pages state (the replica's known slips), no more, no less
    assert differences == {k: p.total_error for k, p in packages.items() if p.total_error and k not in unstated}
    assert differences, "the replica states a few 合计 that differ from their rows"
    assert all(not packages[k].total_row and len(packages[k].cny()) > 1 for k in unstated)
