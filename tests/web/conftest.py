"""A small warehouse with known answers for `salvage serve`: three nights published as the nightly run publishes
them (warehouse.db.publishing, asset linkage on), without crawling.

- alibaba_sf ``house-1``: a house, 一拍 ongoing at 1,000,000 on night 1, unsold on night 2 (3 versions by night 3);
  ``house-2`` is its 二拍 (same 案号) listed on night 2 at 800,000, bid up on night 3: one asset, linked by case_number.
- jd_auction ``pkg-1``: a debt package in 河北省 with three loans, claim 11,700,000, reserve 3,000,000 then 2,500,000.
- alibaba_sf ``evil``: a title that is a script tag, and a ``javascript:`` URL.
- 55 filler lots (``f-00`` … ``f-54``) in 浙江省 / 广东省 so that the list has two pages.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.warehouse.conftest import make_lot, write_run
from warehouse.db import publishing
from warehouse.ingest import ingest
from warehouse.linkage import link_assets

EVIL_TITLE = '<script>alert("x")</script>钢铁'
CASE = "（2025）晋08执恢12号"
UNIT = "山西省运城市中级人民法院"
FILLERS = 55


def _house(lot_id: str, night: int, **fields):
    base = {"title": "运城市盐湖区解放路12号阳光小区1号楼2单元502室房产", "disposal_unit": UNIT, "case_number": CASE,
            "address": "运城市盐湖区解放路12号阳光小区1号楼2单元502室", "province": "山西省", "city": "运城市",
            "district": "盐湖区", "appraisal_price": Decimal("1400000")}
    base.update(fields)
    return make_lot(lot_id, night=night, **base)


def _package(night: int, reserve: str):
    loans = [{"seq": 1, "debtor": "石家庄某钢铁有限公司", "principal": Decimal("9950000"), "total": Decimal("11000000")},
             {"seq": 2, "debtor": "某商贸公司", "principal": Decimal("500000"), "interest": Decimal("100000")},
             {"seq": 3, "debtor": "香港某公司", "principal": Decimal("1000000"), "currency": "USD"}]
    return make_lot("pkg-1", night=night, source="jd_auction", url="https://paimai.jd.com/pkg-1",
                    title="石家庄某钢铁有限公司等3户债权资产包", asset_type="debt", seller_type="amc",
                    disposal_unit="某资产管理公司河北分公司", province="河北省", city="石家庄市",
                    total_claim=Decimal("11700000"), principal=Decimal("11450000"), reserve_price=Decimal(reserve),
                    appraisal_price=None, loans=loans, guarantors=[], collateral=[], debtor="石家庄某钢铁有限公司")


def _filler(i: int):
    province, city = ("浙江省", "杭州市") if i % 2 else ("广东省", "广州市")
    return make_lot(f"f-{i:02d}", title=f"{city}某路{i + 100}号商铺", province=province, city=city,
                    case_number=f"（2026）浙01执{i + 500}号", address=f"{city}某路{i + 100}号",
                    reserve_price=Decimal(200000 + 10000 * i), appraisal_price=Decimal(300000 + 10000 * i),
                    status="upcoming" if i % 3 else "ongoing", guarantors=[], collateral=[])


NIGHTS = {
    1: [_house("house-1", 1, round="first", status="ongoing", reserve_price=Decimal("1000000")),
        _package(1, "3000000"),
        make_lot("evil", title=EVIL_TITLE, url="javascript:alert(1)", province="山西省", reserve_price=Decimal("1500000"),
                 guarantors=[],
                 collateral=[]),
        *[_filler(i) for i in range(FILLERS)]],
    2: [_house("house-1", 2, round="first", status="unsold", reserve_price=Decimal("1000000")),
        _house("house-2", 2, round="second", status="upcoming", reserve_price=Decimal("800000"),
               title="【第二次拍卖】盐湖区解放路12号阳光小区1栋2单元502室不动产"),
        _package(2, "2500000")],
    3: [_house("house-1", 3, round="first", status="unsold", reserve_price=Decimal("1000000"), bid_count=0,
               current_price=Decimal("1000000")),
        _house("house-2", 3, round="second", status="ongoing", reserve_price=Decimal("800000"),
               current_price=Decimal("850000"), bid_count=3,
               title="【第二次拍卖】盐湖区解放路12号阳光小区1栋2单元502室不动产")],
}


def publish_night(db: Path, runs: Path, night: int, lots_by_source: dict[str, list]) -> None:
    metas = [write_run(runs, lots, night=night, source=source) for source, lots in lots_by_source.items()]
    with publishing(db) as con:
        ingest(con, metas, hooks=[link_assets])


def by_source(lots: list) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for lot in lots:
        grouped.setdefault(lot.source, []).append(lot)
    return grouped


def build_warehouse(folder: Path) -> Path:
    db = folder / "salvage.duckdb"
    for night, lots in NIGHTS.items():
        publish_night(db, folder / "runs", night, by_source(lots))
    return db


@pytest.fixture(scope="session")
def serve_db(tmp_path_factory) -> Path:
    """The warehouse (built once; tests must not change it: copy it first)."""
    return build_warehouse(tmp_path_factory.mktemp("serve"))
