"""End to end for 中拍平台 (caa123): the replica → the real `scrapy crawl caa123` subprocess → run files → the
warehouse, two nights, every lot of both sides (the judicial JSON API and the commercial pages) checked field by field
against the replica generator's ground truth, and the changes between the nights as new versions in ``lot_history``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crawlers.runner import run_crawl
from replicas.caa123 import CaaSite
from replicas.server import ReplicaServer
from warehouse.db import connect
from warehouse.ingest import ingest

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
CENT = Decimal("0.01")
pytestmark = pytest.mark.slow


def money(value: float) -> Decimal | None:
    return Decimal(str(value)).quantize(CENT) if value else None


def at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, SHANGHAI)


def lot_id(lot) -> str:
    return f"{lot.side}-{lot.lot_id}"


def expected(lot) -> tuple:
    return (
        lot.name, lot.asset_type, lot.round, lot.status, at(lot.start_ms), at(lot.end_ms) if lot.end_known else None,
        money(lot.start_price), money(lot.assess_price), money(lot.cash_deposit), money(lot.rate_ladder),
        money(lot.now_price), money(lot.now_price) if lot.sold else None, lot.bid_count, lot.on_looker,
        lot.enrollment, lot.court, lot.position, lot.province, lot.city,
    )


COLUMNS = ("title, asset_type, round, status, start_at, end_at, reserve_price, appraisal_price, deposit, increment, "
           "current_price, final_price, bid_count, view_count, applicant_count, disposal_unit, address, province, city")


@pytest.fixture(scope="module")
def two_nights(crawl_two_nights):
    with crawl_two_nights("e2e_caa123", ("caa123",), seed=9, n_lots=120,
                          truth=lambda replica, night: {lot_id(lot): lot
                                                        for lot in replica.caa_generator.lots_for(night)}) as run:
        yield run.con, run.of("caa123"), run.truth


def test_every_lot_of_both_nights_and_both_sides_is_crawled_with_its_truth(two_nights):
    con, crawls, truth = two_nights
    for night in (1, 2):
        meta = crawls[night].meta
        assert (meta.status, meta.items, meta.rejects) == ("ok", len(truth[night]), 0), meta.error
    rows = con.execute(f"SELECT source_lot_id, {COLUMNS} FROM lots WHERE source = 'caa123'").fetchall()
    got = {row[0]: tuple(row[1:]) for row in rows}
    latest = {**truth[1], **truth[2]}
    assert set(got) == set(latest)
    mismatched = {k: (got[k], expected(lot)) for k, lot in latest.items() if got[k] != expected(lot)}
    assert not mismatched, next(iter(mismatched.items()))
    sides = dict(con.execute("SELECT left(source_lot_id, 2), count(DISTINCT seller_type) FROM lots "
                             "WHERE source = 'caa123' GROUP BY 1").fetchall())
    assert sides["sf"] == 1 and sides["pm"] >= 3  # courts on one side; banks, AMCs, firms, state bodies on the other
    assert con.execute("SELECT DISTINCT seller_type FROM lots WHERE source_lot_id LIKE 'sf-%'").fetchall() == [
        ("court",)]


def tracked(lot) -> tuple:
    """The fields whose change opens a version (contracts.columns.TRACKED; counts of viewers do not)."""
    return expected(lot)[2:13]


def test_changes_between_nights_open_versions_and_relistings_are_new_lots(two_nights):
    con, _, truth = two_nights
    changed = {k for k, lot in truth[2].items() if k in truth[1] and tracked(lot) != tracked(truth[1][k])}
    assert changed, "the replica must change some lots between nights"
    versioned = {r[0] for r in con.execute(
        "SELECT source_lot_id FROM lot_history WHERE source = 'caa123' AND version_no = 2").fetchall()}
    assert changed <= versioned
    statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM lots WHERE source = 'caa123'").fetchall()}
    assert {"upcoming", "ongoing", "sold", "unsold", "withdrawn", "suspended"} <= statuses
    rounds = {r[0] for r in con.execute("SELECT DISTINCT round FROM lots WHERE source = 'caa123'").fetchall()}
    assert {"first", "second", None} <= rounds


def test_a_refresh_of_given_lots_reads_both_sides(tmp_path):
    """``-a lots_file=…`` (the scheduler's refresh of lots ending soon): the canonical URLs the warehouse holds, with
    the category hint the list gave, fetch each lot's own answer or page, and nothing else."""
    with ReplicaServer(seed=9, n_lots=120, night=1, interstitial_rate=0) as replica:
        lots = replica.caa_generator.lots_for(1)
        court = next(lot for lot in lots if lot.side == "sf" and lot.lot_status == 1)
        firm = next(lot for lot in lots if lot.side == "pm" and lot.lot_status == 1)
        seeds = tmp_path / "seeds.jsonl"
        seeds.write_text(
            f'{{"url": "https://sf.caa123.org.cn/pages/lotdetail.html?lotId={court.lot_id}", '
            f'"category": "sf:{court.standard_type}"}}\n'
            f'{{"url": "https://paimai.caa123.org.cn{CaaSite.detail_path(firm)}", '
            f'"category": "pm:{firm.standard_type}"}}\n', encoding="utf-8")
        crawl = run_crawl("caa123", tmp_path / "runs", replica=replica.base_url, clock=NIGHT_1, timeout=120,
                          spider_args={"lots_file": str(seeds)})
        con = connect(tmp_path / "w.duckdb")
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        ingest(con, [crawl.paths.meta])
        rows = con.execute(f"SELECT source_lot_id, {COLUMNS} FROM lots ORDER BY source_lot_id").fetchall()
        con.close()
    assert (crawl.meta.status, crawl.meta.items, crawl.meta.rejects) == ("ok", 2, 0), crawl.meta.error
    assert {row[0]: tuple(row[1:]) for row in rows} == {lot_id(lot): expected(lot) for lot in (court, firm)}
