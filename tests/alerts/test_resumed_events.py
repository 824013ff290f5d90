"""A crawl that resumed a killed one observes some lots at the killed run's (earlier) fetch times: their versions
still give the night's alert events."""

from __future__ import annotations

from datetime import timedelta

from contracts.runfiles import RunWriter
from tests.warehouse.conftest import NIGHT_1, make_lot

from .conftest import night1


def test_a_lot_observed_before_the_resumed_crawl_started_still_alerts(nights):
    nights.ingest(1)
    started = NIGHT_1 + timedelta(days=1)
    resumed_at = started - timedelta(minutes=20)  # fetched by the killed crawl, answered from its archive
    lots = [lot.model_copy(update={"fetched_at": started}) for lot in night1()]
    lots.append(make_lot("5", night=2, asset_type="debt", title="某商贸公司不良债权", province="山西省",
                         reserve_price=2000000, total_claim=9000000, fetched_at=resumed_at))
    writer = RunWriter(nights.runs, "alibaba_sf", started)
    for lot in lots:
        writer.write_lot(lot)
    writer.close(started + timedelta(minutes=5), "ok", None,
                 {"salvage/items": len(lots), "salvage/resumed_earliest": resumed_at.isoformat()})
    from warehouse.ingest import ingest

    ingest(nights.con, [writer.paths.meta], hooks=[nights.hook])
    assert ("npl", "5", "new", 1) in nights.events()
