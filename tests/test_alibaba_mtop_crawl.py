"""Alibaba through its current mtop API: ``scrapy crawl alibaba_sf|alibaba_zc -a generation=mtop`` against the replica
finds the same lots as the HTML crawl of the same night (same ids, reserve prices in yuan, statuses), and ingesting
both generations leaves one ``lots`` row per lot."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from replicas.server import ReplicaServer
from crawlers.runner import run_crawl
from warehouse.db import connect
from warehouse.ingest import ingest

NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SOURCES = ("alibaba_sf", "alibaba_zc")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("mtop")
    with ReplicaServer(seed=9, n_lots=60, night=1, interstitial_rate=0.05) as replica:
        runs = {
            generation: [
                run_crawl(source, work / generation, replica=replica.base_url, clock=NIGHT_1, timeout=300,
                          spider_args={"generation": generation})
                for source in SOURCES
            ]
            for generation in ("mtop", "html")
        }
        truth = {(f"alibaba_{lot.source}", str(lot.item_id)) for lot in replica.generator.lots_for(1)}
        served = replica.stats()
    return work, runs, truth, served


def _rows(con) -> dict[tuple[str, str], tuple]:
    return {(r[0], r[1]): (r[2], r[3]) for r in con.execute(
        "SELECT source, source_lot_id, reserve_price, status FROM lots").fetchall()}


def test_the_api_crawl_signs_after_the_token_handshake(crawled):
    _, runs, truth, served = crawled
    for run in runs["mtop"]:
        assert run.meta.status == "ok", run.meta.error
        assert run.meta.stats.get("salvage/generation") == "mtop"
        assert run.meta.stats.get("salvage/mtop_token_retries", 0) >= 1  # the first call has no token
        assert not run.meta.stats.get("salvage/mtop_token_gave_up")
    assert sum(run.meta.items for run in runs["mtop"]) == len(truth)
    kinds = served["by_kind"]
    assert kinds.get("mtop_fail_sys_token_empty", 0) >= 2 and not kinds.get("mtop_fail_sys_illegal_access")
    assert kinds["mtop_detail"] == len(truth)


def test_api_and_html_generations_give_the_same_lots_and_one_row_each(crawled, tmp_path):
    _, runs, truth, _ = crawled
    assert all(run.meta.status == "ok" for run in runs["html"]), [run.meta.error for run in runs["html"]]
    by_generation = {}
    for generation in ("html", "mtop"):
        con = connect(tmp_path / f"{generation}.duckdb")
        ingest(con, [run.paths.meta for run in runs[generation]])
        by_generation[generation] = _rows(con)
        con.close()
    assert set(by_generation["html"]) == set(by_generation["mtop"]) == truth
    assert by_generation["mtop"] == by_generation["html"]  # same reserve prices (yuan) and statuses
    assert all(isinstance(price, Decimal) for price, _ in by_generation["mtop"].values())

    con = connect(tmp_path / "both.duckdb")
    results = ingest(con, [run.paths.meta for generation in ("html", "mtop") for run in runs[generation]])
    assert len(results) == 4 and not [r for r in results if r.status == "skipped"]
    assert con.execute("SELECT count(*), count(DISTINCT (source, source_lot_id)) FROM lots").fetchone() == (
        len(truth), len(truth))
    assert _rows(con) == by_generation["html"]
    con.close()


def test_debt_lots_carry_the_same_claim_through_the_api(crawled, tmp_path):
    _, runs, _, served = crawled
    claims = {}
    for generation in ("html", "mtop"):
        con = connect(tmp_path / f"{generation}.duckdb")
        ingest(con, [run.paths.meta for run in runs[generation]])
        claims[generation] = {r[0]: r[1:] for r in con.execute(
            "SELECT source_lot_id, principal, interest, total_claim, claim_as_of, debtor, guarantors FROM lots "
            "WHERE source = 'alibaba_zc' AND asset_type = 'debt'").fetchall()}
        con.close()
    assert claims["mtop"] and all(row[0] is not None and row[4] for row in claims["mtop"].values())
    assert claims["mtop"] == claims["html"]
    assert served["by_kind"]["mtop_content"] == len(claims["mtop"])
