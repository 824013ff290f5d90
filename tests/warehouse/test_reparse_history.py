"""Re-parsing an older night: three nights are loaded, night 1 was read by a buggy normalizer; loading night 1's
re-parse (same fetch times, ``salvage/reparse_of``) rebuilds the history of its lots so the warehouse equals one
that loaded the fixed night 1 and nights 2 and 3 in order. The replaced versions are kept."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from contracts.runfiles import RunWriter
from warehouse.db import connect
from warehouse.ingest import ingest
from warehouse.reparse import rebuild_reparsed

from .conftest import NIGHT_1, make_lot, write_run

HISTORY = ("SELECT source_lot_id, version_no, valid_from, valid_to, status, asset_type, reserve_price, bid_count "
           "FROM lot_history ORDER BY ALL")
LOTS = "SELECT source_lot_id, status, asset_type, reserve_price, first_seen, last_seen FROM lots ORDER BY ALL"


def night(n: int, fixed: bool = True) -> list:
    """Lot 1 drops its price on night 3; lot 2 is sold on night 2; lot 3 appears on night 2. The bug: night 1's
    normalizer read every status as suspended and every asset type as other."""
    lots = [make_lot("1", night=n, reserve_price=Decimal(800000 if n == 3 else 1000000)),
            make_lot("2", night=n, status="sold" if n >= 2 else "ongoing", bid_count=3 if n >= 2 else 0)]
    if n >= 2:
        lots.append(make_lot("3", night=n))
    if not fixed:
        lots = [lot.model_copy(update={"status": "suspended", "asset_type": "other"}) for lot in lots]
    return lots


def reparse_run(runs, original_meta, lots):
    started = NIGHT_1
    writer = RunWriter(runs, "alibaba_sf", started)
    for lot in lots:
        writer.write_lot(lot)
    writer.close(started + timedelta(minutes=5), "ok", None,
                 {"salvage/items": len(lots), "salvage/reparse_of": original_meta.name.removesuffix(".meta.json")})
    return writer.paths.meta


def test_reparse_of_the_first_of_three_nights_rebuilds_its_lots_history(tmp_path):
    runs = tmp_path / "runs"
    truth = connect(tmp_path / "truth.duckdb")
    ingest(truth, [write_run(tmp_path / "truth_runs", night(n), night=n) for n in (1, 2, 3)])
    expected_history, expected_lots = truth.execute(HISTORY).fetchall(), truth.execute(LOTS).fetchall()

    con = connect(tmp_path / "w.duckdb")
    metas = [write_run(runs, night(1, fixed=False), night=1), write_run(runs, night(2), night=2),
             write_run(runs, night(3), night=3)]
    for meta in metas:
        ingest(con, [meta])
    buggy = con.execute(HISTORY).fetchall()
    assert buggy != expected_history and {r[4] for r in buggy if r[1] == 1 and r[0] != "3"} == {"suspended"}

    ingest(con, [reparse_run(runs, metas[0], night(1))], hooks=[rebuild_reparsed])
    assert con.execute(HISTORY).fetchall() == expected_history
    assert con.execute(LOTS).fetchall() == expected_lots
    # the evidence: the versions night 1 loaded wrongly (and those built on them) are kept
    replaced = con.execute("SELECT source_lot_id, version_no, status FROM fct_replaced_versions ORDER BY ALL").fetchall()
    assert ("1", 1, "suspended") in replaced and ("2", 1, "suspended") in replaced
    assert con.execute("SELECT count(*) FROM fct_rejects").fetchone()[0] == 0
    assert con.execute("SELECT stats->>'salvage/rebuilt_lots' FROM crawl_runs WHERE stats->>'salvage/reparse_of' "
                       "IS NOT NULL").fetchone()[0] == "2"


def test_without_the_rebuild_an_older_night_stays_wrong(tmp_path):
    """What the ordinary ingest does with the same re-parse (the behaviour the rebuild fixes)."""
    runs = tmp_path / "runs"
    con = connect(tmp_path / "w.duckdb")
    metas = [write_run(runs, night(1, fixed=False), night=1), write_run(runs, night(2), night=2)]
    for meta in metas:
        ingest(con, [meta])
    ingest(con, [reparse_run(runs, metas[0], night(1))])
    assert ("1", 1, "suspended") in {r[:3] for r in con.execute(
        "SELECT source_lot_id, version_no, status FROM lot_history").fetchall()}
