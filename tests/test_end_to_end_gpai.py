"""End to end for 公拍网: the gpai replica → the real `scrapy crawl gpai` subprocess → run files → the warehouse, two
nights; every lot of the replica's ground truth is in `lots` with its fields, the error redirects were followed,
and the lots that changed between the nights opened new versions in `lot_history`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crawlers.runner import run_crawl
from replicas.gpai.generator import at
from replicas.server import ReplicaServer

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
CENT = Decimal("0.01")
ASSET_TYPES = {"376": "real_estate", "381": "land", "378": "vehicle", "372": "equity", "377": "inventory",
               "379": "other", "383": "vehicle", "382": "intangible"}
ROUNDS = {1: "first", 2: "second", 3: "sell_off"}
pytestmark = pytest.mark.slow


def money(value: float) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def expected(lot) -> tuple:
    """The 19 fields a `lots` row must have for a replica lot (what the list and the lot page say)."""
    return (
        lot.title.split("】", 1)[1], ASSET_TYPES[lot.category], ROUNDS[lot.round_no], lot.state, at(lot.start_ms),
        money(lot.start_price), money(lot.appraisal), money(lot.deposit), money(lot.step),
        money(lot.current_price) if lot.bid_count else None,  # no bid, no current price (the page shows 起拍价)
        money(lot.current_price) if lot.state == "sold" else None,
        lot.bid_count, lot.views, lot.applicants, lot.reminders, lot.court, "court",
        lot.address, "上海市" if lot.address else None,
    )


COLUMNS = ("title, asset_type, round, status, start_at, reserve_price, appraisal_price, deposit, increment, "
           "current_price, final_price, bid_count, view_count, applicant_count, reminder_count, disposal_unit, "
           "seller_type, address, province")


@pytest.fixture(scope="module")
def two_nights(crawl_two_nights):
    with crawl_two_nights("e2e_gpai", ("gpai",), seed=11, n_lots=120, reset_stats=True,
                          truth=lambda replica, night: {str(lot.item_id): lot
                                                        for lot in replica.gpai_generator.lots_for(night)}) as run:
        redirects = {night: stats["by_kind"].get("error", 0) for night, stats in run.stats.items()}
        yield run.con, run.of("gpai"), run.truth, redirects


def test_every_lot_of_both_nights_is_crawled_with_its_fields(two_nights):
    con, crawls, truth, redirects = two_nights
    for night in (1, 2):
        meta = crawls[night].meta
        assert (meta.status, meta.items, meta.rejects) == ("ok", len(truth[night]), 0), meta.error
    assert redirects[1] + redirects[2] > 0, "the replica serves some error redirects; the spider must follow them"
    rows = con.execute(f"SELECT source_lot_id, {COLUMNS} FROM lots WHERE source = 'gpai'").fetchall()
    got = {row[0]: tuple(row[1:]) for row in rows}
    latest = {**truth[1], **truth[2]}
    assert set(got) == set(latest)
    mismatched = {k: (got[k], expected(lot)) for k, lot in latest.items() if got[k] != expected(lot)}
    names = [c.strip() for c in COLUMNS.split(",")]
    assert not mismatched, {k: {n: (g, e) for n, g, e in zip(names, *pair) if g != e}
                            for k, pair in list(mismatched.items())[:5]}


def test_changes_between_nights_open_versions(two_nights):
    con, _, truth, _ = two_nights
    tracked = slice(2, 12)  # round … bid_count: the fields whose change opens a version (contracts.columns.TRACKED)
    changed = {k for k, lot in truth[2].items()
               if k in truth[1] and expected(lot)[tracked] != expected(truth[1][k])[tracked]}
    assert changed, "the replica must change some lots between nights"
    versioned = {r[0] for r in con.execute(
        "SELECT source_lot_id FROM lot_history WHERE source = 'gpai' AND version_no = 2").fetchall()}
    assert changed <= versioned
    statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM lots WHERE source = 'gpai'").fetchall()}
    assert {"upcoming", "ongoing", "sold", "unsold", "withdrawn"} <= statuses
    rounds = {r[0] for r in con.execute("SELECT DISTINCT round FROM lots WHERE source = 'gpai'").fetchall()}
    assert rounds == {"first", "second", "sell_off"}  # unsold lots come back as 二拍, then 变卖


def test_error_pages_on_lists_and_lots_are_followed(tmp_path):
    """The site answering its error page (a script redirect) to the first requests, lists included: every lot is
    still crawled, none is lost to an empty-looking list."""
    with ReplicaServer(seed=5, n_lots=40, night=1, interstitial_rate=0) as replica:
        replica.set_fault("www.gpai.net", "antibot", count=12)  # gpai's "antibot" answer is its error page
        crawl = run_crawl("gpai", tmp_path / "runs", replica=replica.base_url, clock=NIGHT_1, timeout=300)
        served = replica.stats()["faults"].get("antibot", 0)
        truth = replica.gpai_generator.lots_for(1)
    assert served == 12
    assert (crawl.meta.status, crawl.meta.items, crawl.meta.rejects) == ("ok", len(truth), 0), crawl.meta.error
