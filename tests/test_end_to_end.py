"""End to end: the Alibaba replica → the real `scrapy crawl` subprocesses → run files → the warehouse, two nights,
checked lot by lot against the replica generator's ground truth."""

from __future__ import annotations

from decimal import Decimal

import pytest

STATUS = {"todo": "upcoming", "doing": "ongoing", "failure": "unsold", "break": "suspended",
          "revocation": "withdrawn"}
pytestmark = pytest.mark.slow


def expected(lot) -> tuple:
    status = STATUS.get(lot.status) or ("sold" if lot.bid_count else "ended")
    return (Decimal(str(lot.initial_price)).quantize(Decimal("0.01")), status, lot.bid_count)


@pytest.fixture(scope="module")
def two_nights(crawl_two_nights):
    with crawl_two_nights("e2e", ("alibaba_sf", "alibaba_zc"), seed=5, n_lots=120, interstitial_rate=0.05,
                          truth=lambda replica, night: {(f"alibaba_{lot.source}", str(lot.item_id)): lot
                                                        for lot in replica.generator.lots_for(night)}) as run:
        yield run.con, {n: list(c.values()) for n, c in run.crawls.items()}, run.truth, run.stats[2]


def test_every_lot_of_both_nights_is_crawled_with_its_truth(two_nights):
    con, crawls, truth, _ = two_nights
    for night in (1, 2):
        assert all(c.meta.status == "ok" for c in crawls[night]), [c.meta.error for c in crawls[night]]
        assert sum(c.meta.items for c in crawls[night]) == len(truth[night])
    got = {(r[0], r[1]): r[2:] for r in con.execute(
        "SELECT source, source_lot_id, reserve_price, status, bid_count FROM lots").fetchall()}
    latest = {**truth[1], **truth[2]}
    assert set(got) == set(latest)
    assert {k: got[k] for k in latest} == {k: expected(lot) for k, lot in latest.items()}


def test_anti_bot_pages_were_served_retried_and_cost_no_lot(two_nights):
    _, crawls, _, served = two_nights
    assert served["interstitials"] > 0
    assert sum(c.meta.stats.get("salvage/interstitials", 0) for n in crawls for c in crawls[n]) \
        == served["interstitials"]


def test_changes_between_nights_open_versions_and_nothing_else_does(two_nights):
    con, _, truth, _ = two_nights
    changed = {k for k, lot in truth[2].items() if k in truth[1] and expected(lot) != expected(truth[1][k])}
    assert changed, "the replica must change some lots between nights"
    versioned = {(r[0], r[1]) for r in con.execute(
        "SELECT source, source_lot_id FROM lot_history WHERE version_no = 2").fetchall()}
    assert changed <= versioned
    runs = con.execute("SELECT source, items, status FROM crawl_runs ORDER BY started_at, source").fetchall()
    assert [r[2] for r in runs] == ["ok"] * 4


def test_debt_lots_carry_their_claim(two_nights):
    con, *_ = two_nights
    debt = con.execute("SELECT count(*), count(principal), count(debtor), count(claim_as_of) FROM lots "
                       "WHERE source = 'alibaba_zc' AND asset_type = 'debt'").fetchone()
    assert debt[0] > 0 and debt[1] == debt[2] == debt[0]
