"""Events: recorded in the night's transaction, once per (search, lot, kind, version), however often a night runs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from alerts.events import EventsHook, record_events
from alerts.searches import add_search
from tests.warehouse.conftest import make_lot, write_run
from warehouse.ingest import ingest

from .conftest import LATER, SEARCHES, SOON, Nights, night2, search

EXPECTED = [
    ("homes", "1", "price_drop", 2), ("homes", "2", "status_change", 2), ("homes", "3", "starting_soon", 1),
    ("homes", "4", "new", 1), ("npl", "5", "new", 1), ("shanxi", "1", "price_drop", 2), ("shanxi", "5", "new", 1),
]


def test_a_night_produces_new_lots_price_drops_status_changes_and_starting_soon(nights: Nights):
    nights.ingest(1)
    # the first crawl of a source is its inventory: only the reminder, no "new" for everything
    assert nights.events() == [("homes", "3", "starting_soon", 1)]
    nights.ingest(2)
    assert nights.events() == EXPECTED
    # an event names the lot version it is about: the lot as it was is in lot_history
    versions = ("FROM alert_events e JOIN lot_history v USING (source, source_lot_id, version_no) "
                "JOIN lot_history p ON p.source = e.source AND p.source_lot_id = e.source_lot_id "
                "AND p.version_no = e.version_no - 1 ")
    drop = nights.con.execute("SELECT p.reserve_price, v.reserve_price, e.drop_pct, e.night::VARCHAR " + versions
                              + "WHERE kind = 'price_drop' AND search_name = 'homes'").fetchone()
    assert drop == (Decimal("1000000.00"), Decimal("800000.00"), Decimal("20.00"), "2026-11-21")
    assert nights.con.execute("SELECT p.status, v.status " + versions + "WHERE kind = 'status_change'"
                              ).fetchone() == ("ongoing", "withdrawn")
    assert nights.hook.counts[-1].by_kind == {"new": 3, "price_drop": 2, "status_change": 1, "starting_soon": 0}


def test_rerunning_a_night_makes_no_new_events(two_nights: Nights):
    con, before = two_nights.con, two_nights.events()
    assert [r.status for r in ingest(con, two_nights.metas, hooks=[two_nights.hook])] == ["skipped", "skipped"]
    # the same night crawled again (a new run with the same lots) and the hook called again by hand
    two_nights.ingest(2)
    loaded = ingest(con, [write_run(two_nights.runs, night2(), night=2)], hooks=[two_nights.hook])
    record_events(con, loaded, SEARCHES)
    assert two_nights.events() == before


def test_a_rescheduled_auction_is_reminded_again_but_a_new_version_alone_is_not(two_nights: Nights):
    n = two_nights
    n.ingest(3, [make_lot("3", night=3, status="upcoming", start_at=SOON, bid_count=0, reserve_price=Decimal("1e6"),
                          view_count=50)])
    later_soon = SOON.replace(day=24)
    n.ingest(4, [make_lot("3", night=4, status="upcoming", start_at=later_soon)])
    soon = n.con.execute("SELECT version_no, start_at FROM alert_events WHERE kind = 'starting_soon' "
                         "ORDER BY event_id").fetchall()
    assert [v for v, _ in soon] == [1, 2] and soon[1][1] == later_soon


def test_events_commit_with_the_night_or_not_at_all(nights: Nights):
    nights.ingest(1)

    def crash(con, results):
        raise KeyboardInterrupt("power cut after the alert hook")

    meta = write_run(nights.runs, night2(), night=2)
    with pytest.raises(KeyboardInterrupt):
        ingest(nights.con, [meta], hooks=[nights.hook, crash])
    assert nights.events() == [("homes", "3", "starting_soon", 1)]
    assert nights.con.execute("SELECT count(*) FROM lots").fetchone() == (4,)
    ingest(nights.con, [meta], hooks=[nights.hook])  # the night is retried: nothing was lost
    assert nights.events() == EXPECTED


def test_a_broken_search_file_neither_stops_the_night_nor_loses_its_events(con, tmp_path: Path):
    path = tmp_path / "alerts.toml"
    for s in SEARCHES:
        add_search(path, s)
    warnings: list[str] = []
    hook = EventsHook(path, on_warning=warnings.append)
    runs = tmp_path / "runs"
    ingest(con, [write_run(runs, [make_lot("1", start_at=LATER)], night=1)], hooks=[hook])
    path.write_text(path.read_text() + '\n[[search]]\nname = "typo"\nrecipients = "nobody"\n')
    [result] = ingest(con, [write_run(runs, [make_lot("4", night=2, start_at=LATER)], night=2)], hooks=[hook])
    assert result.status == "loaded"
    assert "search 'typo' refused" in warnings[0] and "using the 3 searches the last ingest loaded" in warnings[0]
    assert con.execute("SELECT search_name, source_lot_id, kind FROM alert_events").fetchall() == [
        ("homes", "4", "new")]


def test_a_price_that_drops_into_a_searchs_range_alerts(nights: Nights):
    nights.ingest(1, [make_lot("7", reserve_price=Decimal(2500000), start_at=LATER)])
    nights.ingest(2, [make_lot("7", night=2, reserve_price=Decimal(1900000), start_at=LATER)])
    assert nights.events() == [("homes", "7", "price_drop", 2)]
    assert nights.con.execute("SELECT drop_pct FROM alert_events").fetchone() == (Decimal("24.00"),)


def test_a_lot_first_seen_already_sold_is_not_news(nights: Nights):
    nights.ingest(1)
    nights.ingest(2, [make_lot("8", night=2, status="sold", final_price=Decimal(900000))])
    assert ("homes", "8", "new", 1) not in nights.events()


def test_a_search_only_gets_the_kinds_it_asked_for(con, tmp_path: Path):
    only_new = search("only-new", asset_type="real_estate", events=["new"], soon_days=0)
    hook = EventsHook(searches=[only_new])
    runs = tmp_path / "runs"
    from .conftest import night1

    ingest(con, [write_run(runs, night1(), night=1)], hooks=[hook])
    ingest(con, [write_run(runs, night2(), night=2)], hooks=[hook])
    assert con.execute("SELECT DISTINCT kind FROM alert_events").fetchall() == [("new",)]


def test_candidates_carry_every_column_a_filter_reads():
    import re

    from alerts.events import _CANDIDATE_COLUMNS
    from alerts.searches import FILTERS

    read = {c for f in FILTERS for c in re.findall(r"\bl\.(\w+)", f.predicate)}
    assert read and read <= set(_CANDIDATE_COLUMNS)


def test_a_relisting_at_a_lower_reserve_is_a_price_drop_once_the_asset_is_linked(tmp_path: Path):
    from warehouse.db import connect
    from warehouse.linkage import link_assets

    con = connect(tmp_path / "w.duckdb")
    hook = EventsHook(searches=SEARCHES)
    runs = tmp_path / "runs"
    asset = {"case_number": "（2026）晋08执恢123号", "title": "运城市盐湖区解放路18号3栋502室住宅",
             "province": "山西省", "city": "运城市", "district": "盐湖区", "address": "解放路18号3栋502室"}
    first = make_lot("11", night=1, round="first", status="unsold", reserve_price=Decimal("1000000"),
                     start_at=SOON.replace(day=10), **asset)
    ingest(con, [write_run(runs, [first], night=1)], hooks=[link_assets, hook])
    # a chain already complete in a source's first crawl is inventory: its 二拍 is no news
    inventory = connect(tmp_path / "inventory.duckdb")
    ingest(inventory, [write_run(tmp_path / "r0", [first, make_lot("13", night=1, round="second",
           reserve_price=Decimal("800000"), start_at=LATER, **asset)], night=1)], hooks=[link_assets, hook])
    assert inventory.execute("SELECT count(*) FROM alert_events WHERE kind = 'price_drop'").fetchone() == (0,)
    second = make_lot("12", night=2, round="second", status="upcoming", reserve_price=Decimal("800000"),
                      start_at=LATER, **asset)
    ingest(con, [write_run(runs, [first.model_copy(update={"fetched_at": second.fetched_at}), second],
                           night=2)], hooks=[link_assets, hook])
    drops = con.execute("SELECT search_name, source_lot_id, version_no, drop_pct FROM alert_events "
                        "WHERE kind = 'price_drop' ORDER BY 1").fetchall()
    assert drops == [("homes", "12", 1, Decimal("20.00")), ("shanxi", "12", 1, Decimal("20.00"))]
    # without the linkage (hook order or an unlinked lot) a new lot is only "new"
    con2 = connect(tmp_path / "w2.duckdb")
    ingest(con2, [write_run(tmp_path / "r2", [first], night=1)], hooks=[hook])
    ingest(con2, [write_run(tmp_path / "r2", [second], night=2)], hooks=[hook])
    assert con2.execute("SELECT count(*) FROM alert_events WHERE kind = 'price_drop'").fetchone() == (0,)


def test_a_relisting_drop_reads_as_a_relisting_in_the_mail():
    from alerts.mail import _what

    line = _what({"kind": "price_drop", "round": "second", "reserve_price": Decimal("800000"),
                  "prev_reserve_price": None, "prev_current_price": None, "current_price": None,
                  "drop_pct": Decimal("20.00")})
    assert "relisted" in line and "20.00%" in line and "800,000" in line
