"""End to end for 人民法院诉讼资产网: the replica → the real `scrapy crawl rmfysszc` subprocess (and the Alibaba and JD
公拍网 and 中拍平台 crawls whose court lots it re-lists) → run files → the warehouse with asset linkage, two nights. Every lot is checked
against the replica's ground truth, and every re-listed lot must share its asset with the original lot it copies."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from warehouse.linkage import link_assets

SHANGHAI = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
KINDS = {"房产": "real_estate", "土地": "land", "机动车": "vehicle", "股权": "equity", "机械设备": "equipment",
         "债权": "debt", "其他": "other"}
STATUS = {"未开始": "upcoming", "进行中": "ongoing", "已成交": "sold", "已流标": "unsold", "已撤回": "withdrawn",
          "已中止": "suspended"}
ROUNDS = {"第一次拍卖": "first", "第二次拍卖": "second", "变卖": "sell_off", "": None}
ORIGINS = ("alibaba_sf", "jd_auction", "gpai", "caa123")  # the platforms whose court lots the replica re-lists
pytestmark = pytest.mark.slow


def money(value: float) -> Decimal | None:
    return Decimal(str(value)).quantize(CENT) if value else None


def minute(ms: int) -> datetime:
    return datetime.fromtimestamp(ms // 60_000 * 60, SHANGHAI)


def expected(lot) -> tuple:
    shows_views = lot.status in ("未开始", "进行中")  # the list prints 围观 for lots still open only
    return (lot.title, KINDS[lot.kind], ROUNDS[lot.round_label], STATUS[lot.status], minute(lot.start_ms),
            minute(lot.end_ms), money(lot.start_price), money(lot.appraisal), money(lot.deposit),
            money(lot.final_price), lot.court, lot.case_number or None, lot.address or None,
            lot.views if shows_views else None, "court")


COLUMNS = ("title, asset_type, round, status, start_at, end_at, reserve_price, appraisal_price, deposit, final_price, "
           "disposal_unit, case_number, address, view_count, seller_type")


@pytest.fixture(scope="module")
def two_nights(crawl_two_nights):
    with crawl_two_nights("e2e_rmfysszc", (*ORIGINS, "rmfysszc"), seed=9, n_lots=150, hooks=[link_assets],
                          truth=lambda replica, night: replica.rmfysszc.truth(night)) as run:
        yield run.con, run.crawls, run.truth


def test_every_lot_of_both_nights_is_crawled_with_its_truth(two_nights):
    con, crawls, truth = two_nights
    for night in (1, 2):
        meta = crawls[night]["rmfysszc"].meta
        assert (meta.status, meta.items, meta.rejects) == ("ok", len(truth[night]), 0), meta.error
    rows = con.execute(f"SELECT source_lot_id, {COLUMNS} FROM lots WHERE source = 'rmfysszc'").fetchall()
    got = {row[0]: tuple(row[1:]) for row in rows}
    latest = {**truth[1], **truth[2]}
    assert set(got) == set(latest)
    mismatched = {k: (got[k], expected(lot)) for k, lot in latest.items() if got[k] != expected(lot)}
    assert not mismatched, next(iter(mismatched.items()))
    placed = con.execute("SELECT count(*), count(province), count(city) FROM lots WHERE source = 'rmfysszc' "
                         "AND address IS NOT NULL")
    assert len(set(placed.fetchone())) == 1  # every lot placed from its 标的物所在地 (a gpai car or shares have none)
    statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM lots WHERE source = 'rmfysszc'").fetchall()}
    assert {"upcoming", "sold", "unsold"} <= statuses


def test_every_platform_is_relisted_and_every_relisting_shares_its_originals_asset(two_nights):
    con, _, truth = two_nights
    latest = {**truth[1], **truth[2]}
    assert {lot.origin[0] for lot in latest.values()} == set(ORIGINS)
    assets = {(s, i): a for s, i, a in con.execute(
        "SELECT source, source_lot_id, asset_id FROM fct_lot_links").fetchall()}
    wrong = {rid: lot.origin for rid, lot in latest.items()
             if assets[("rmfysszc", rid)] != assets[lot.origin]}
    assert not wrong, f"{len(wrong)} of {len(latest)} re-listed lots not linked to their original: {wrong}"
    # and no re-listed lot joined an asset that is not its original's
    by_asset: dict[int, set[str]] = {}
    for rid, lot in latest.items():
        by_asset.setdefault(assets[("rmfysszc", rid)], set()).add(lot.asset_key)
    assert all(len(keys) == 1 for keys in by_asset.values())
