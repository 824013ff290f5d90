"""price_drops: drops within one lot and drops between consecutive listings (relistings) of one asset."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from warehouse.ingest import ingest
from warehouse.linkage import link_assets
from warehouse.report import render, report_context

from .conftest import SHANGHAI, make_lot, write_run

CASE = "（2025）晋08执恢12号"


def _house(lot_id: str, night: int, round_: str, reserve: str, start: datetime, **fields):
    """One flat of the same court case, relisted round after round under a new lot id."""
    base = {"title": f"【{round_}】运城市盐湖区解放路12号阳光小区1号楼2单元502室房产", "case_number": CASE,
            "disposal_unit": "山西省运城市中级人民法院", "address": "运城市盐湖区解放路12号阳光小区1号楼2单元502室",
            "province": "山西省", "city": "运城市", "district": "盐湖区", "appraisal_price": Decimal("1400000"),
            "round": round_, "reserve_price": Decimal(reserve), "current_price": Decimal(reserve),
            "start_at": start, "end_at": start.replace(day=start.day + 1)}
    base.update(fields)
    return make_lot(lot_id, night=night, **base)


def _night(con, tmp_path: Path, night: int, lots) -> None:
    ingest(con, [write_run(tmp_path / "runs", lots, night=night)], hooks=[link_assets])


def test_relistings_of_one_asset_and_cuts_within_a_lot_are_both_price_drops(con, tmp_path: Path):
    first = datetime(2026, 11, 20, 10, tzinfo=SHANGHAI)
    second = datetime(2026, 12, 5, 10, tzinfo=SHANGHAI)
    sell_off = datetime(2026, 12, 20, 10, tzinfo=SHANGHAI)
    other = dict(case_number="（2025）晋08执恢99号", title="太原市小店区某路8号商铺", address="太原市小店区某路8号",
                 city="太原市", district="小店区", appraisal_price=Decimal("3000000"))
    _night(con, tmp_path, 1, [_house("p1", 1, "first", "1000000", first, status="ongoing"),
                              _house("shop1", 1, "first", "2000000", first, status="ongoing", **other)])
    _night(con, tmp_path, 2, [_house("p1", 2, "first", "1000000", first, status="unsold"),
                              _house("p2", 2, "second", "800000", second, status="upcoming"),
                              _house("shop1", 2, "first", "2000000", first, status="unsold", **other),
                              # relisted at a higher reserve: a relisting, not a drop
                              _house("shop2", 2, "second", "2100000", second, status="upcoming", **other)])
    _night(con, tmp_path, 3, [_house("p2", 3, "second", "760000", second, status="upcoming"),  # a cut within p2
                              _house("p3", 3, "sell_off", "700000", sell_off, status="upcoming")])
    asset = {lot: a for lot, a in con.execute("SELECT source_lot_id, asset_id FROM fct_lot_links").fetchall()}
    assert asset["p1"] == asset["p2"] == asset["p3"] != asset["shop1"] == asset["shop2"]  # the linkage they rely on

    rows = con.execute("SELECT dropped_date, drop_kind, source_lot_id, previous_source, previous_source_lot_id, "
                       "previous_version_no, old_round, round, old_reserve_price, reserve_price, reserve_drop, "
                       "version_no, asset_id FROM price_drops ORDER BY dropped_date, drop_kind, source_lot_id"
                       ).fetchall()
    assert rows == [
        # p2 first seen on night 2 at 800,000 against p1's 1,000,000 (p1 as it stood then: its version 2, unsold)
        (date(2026, 11, 21), "relisting", "p2", "alibaba_sf", "p1", 2, "first", "second",
         Decimal("1000000.00"), Decimal("800000.00"), 0.2, 1, asset["p2"]),
        # the sell-off is compared with the listing just before it, p2 as it stood on night 3 (cut to 760,000),
        # not with the first round's 1,000,000
        (date(2026, 11, 22), "relisting", "p3", "alibaba_sf", "p2", 2, "second", "sell_off",
         Decimal("760000.00"), Decimal("700000.00"), round(60 / 760, 4), 1, asset["p3"]),
        (date(2026, 11, 22), "within_lot", "p2", "alibaba_sf", "p2", 1, "second", "second",
         Decimal("800000.00"), Decimal("760000.00"), 0.05, 2, asset["p2"]),
    ]
    # the week's report shows both kinds, each relisting linked to the lot it is compared with
    ctx = report_context(con, as_of=date(2026, 11, 22))
    assert ctx["drop_counts"] == {"within_lot": 1, "relisting": 2}
    assert [(r["drop_kind"], r["source_lot_id"]) for r in ctx["drops"]] == [
        ("relisting", "p2"), ("relisting", "p3"), ("within_lot", "p2")]
    html = render(ctx)
    assert "Price drops this week: 3 (2 relistings at a lower reserve, 1 within a lot)" in html
    assert html.count('class="drop-relisting"') == 2 and html.count('class="drop-within_lot"') == 1
    assert 'href="https://sf-item.taobao.com/sf_item/p1.htm">alibaba_sf p1</a>' in html
    assert "No price drop this week." not in html


def test_a_relisting_seen_on_the_same_first_crawl_as_its_earlier_round_is_a_drop(con, tmp_path: Path):
    """A site's first crawl sees the unsold first round and its second round together: still a drop."""
    first = datetime(2026, 11, 1, 10, tzinfo=SHANGHAI)
    second = datetime(2026, 11, 25, 10, tzinfo=SHANGHAI)
    _night(con, tmp_path, 1, [_house("p2", 1, "second", "800000", second, status="upcoming"),
                              _house("p1", 1, "first", "1000000", first, status="unsold")])
    assert con.execute("SELECT drop_kind, source_lot_id, previous_source_lot_id, reserve_drop FROM price_drops"
                       ).fetchall() == [("relisting", "p2", "p1", 0.2)]
