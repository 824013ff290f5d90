"""Raw archive and re-parse: a night crawled with a buggy normalizer is archived; after the fix, `reparse` re-reads
the archive with the replica switched off (no network) and ingesting the new run corrects the warehouse."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from warcio.archiveiterator import ArchiveIterator

from replicas.server import ReplicaServer
from crawlers.runner import run_crawl
from salvage.reparse import find_run, reparse
from tests.test_end_to_end import expected
from warehouse.db import connect
from warehouse.ingest import ingest
from warehouse.monitoring import MetricsHook

NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.slow

# The normalizer as it was on the night (a bug): every status read as suspended, every asset type as other. The
# crawl is a subprocess, so the patch goes in through sitecustomize on its PYTHONPATH.
BUGGY = '''
import normalizers.lot as _lot
_status, _asset_type = _lot.status, _lot.asset_type
_lot.status = lambda *a, **k: None if _status(*a, **k) is None else "suspended"
_lot.asset_type = lambda *a, **k: "other"
'''


def test_reparse_of_an_archived_night_corrects_the_warehouse_without_network(tmp_path, monkeypatch):
    runs = tmp_path / "runs"
    patch = tmp_path / "buggy"
    patch.mkdir()
    (patch / "sitecustomize.py").write_text(BUGGY, encoding="utf-8")
    # retention (SALVAGE_WARC_DAYS, 30 by default): a crawl of the source deletes its archives older than that
    (runs / "alibaba_sf").mkdir(parents=True)
    old, recent = runs / "alibaba_sf" / "old-run.warc.gz", runs / "alibaba_sf" / "recent-run.warc.gz"
    for path, days in ((old, 31), (recent, 29)):
        path.write_bytes(b"")
        os.utime(path, (time.time() - days * 86400,) * 2)
    with ReplicaServer(seed=5, n_lots=40, night=1, interstitial_rate=0.05) as replica:
        monkeypatch.setenv("PYTHONPATH", str(patch))
        night = run_crawl("alibaba_sf", runs, replica=replica.base_url, clock=NIGHT_1, timeout=120)
        monkeypatch.delenv("PYTHONPATH")
        truth = {str(lot.item_id): lot for lot in replica.generator.lots_for(1) if lot.source == "sf"}
        served = replica.stats()["requests"]
    assert night.meta.status == "ok", night.meta.error
    assert not old.exists() and recent.exists()

    # every response the crawl fetched is in the run's archive, anti-bot pages included
    warc = night.paths.directory / f"{night.meta.run_id}.warc.gz"
    with open(warc, "rb") as handle:
        records = [r for r in ArchiveIterator(handle) if r.rec_type == "response"]
    assert len(records) == served == night.meta.stats["downloader/response_count"]
    assert night.meta.stats.get("salvage/interstitials", 0) > 0

    con = connect(tmp_path / "w.duckdb")
    ingest(con, [night.paths.meta], hooks=[MetricsHook()])
    before = con.execute("SELECT source_lot_id, status, asset_type, fetched_at FROM lots").fetchall()
    assert {r[1] for r in before} <= {"suspended"} and {r[2] for r in before} == {"other"}

    # the fix is in (no patch); the replica is gone: any request to the network would fail
    again = reparse(night.meta.run_id, runs, timeout=120)
    assert again.meta.status == "ok", again.meta.error
    assert again.meta.run_id != night.meta.run_id and again.meta.items == night.meta.items
    assert again.meta.stats["salvage/reparse_of"] == night.meta.run_id
    assert again.meta.stats.get("salvage/replay_missing", 0) == 0
    assert again.meta.stats["salvage/interstitials"] == night.meta.stats["salvage/interstitials"]
    assert not Path(again.paths.directory / f"{again.meta.run_id}.warc.gz").exists()
    assert find_run(again.paths.meta, runs) == again.paths.meta

    hook = MetricsHook()
    ingest(con, [again.paths.meta], hooks=[hook])
    assert hook.runs[0].kind == "reparse"
    after = {r[0]: r[1:] for r in con.execute(
        "SELECT source_lot_id, status, asset_type, fetched_at, reserve_price, bid_count FROM lots").fetchall()}
    assert set(after) == set(truth)
    # corrected: the statuses are the site's, the asset types are read again
    assert {k: (v[3], v[0], v[4]) for k, v in after.items()} == {k: expected(lot) for k, lot in truth.items()}
    assert {v[1] for v in after.values()} - {"other"}
    # with the original fetch times: the re-read observation replaces the one it corrects, no later time invented
    assert {r[0]: r[3] for r in before} == {k: v[2] for k, v in after.items()}
    versions = con.execute("SELECT count(*) FROM lot_history WHERE run_id = ? AND version_no = 2",
                           [again.meta.run_id]).fetchone()[0]
    assert versions == sum(1 for k, v in after.items() if v[0] != "suspended")
    con.close()
