"""Failure modes against the replica: a source that is down, slow, answers 500 or 429, truncates pages or serves the
anti-bot page for a while. Faults are injected with the replica's ``/__replica__/fault`` admin endpoint on the
alibaba_sf hosts only, so alibaba_zc is the control: a broken source must be reported (run status, crawl_runs,
run metrics, the digest) while the other one loads."""

from __future__ import annotations

import json
import urllib.request
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from replicas.server import ReplicaServer
from crawlers.runner import run_crawl
from schedules.nightly import run_night

NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SF_HOSTS = "sf.taobao.com,sf-item.taobao.com"
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("no_faults")]  # replica, no_faults: tests/conftest.py


def fault(replica: ReplicaServer, hosts: str, mode: str, count: int = 0, delay: float | None = None) -> dict:
    """Set a fault through the HTTP admin endpoint (as an operator or another process would)."""
    url = f"{replica.base_url}/__replica__/fault?host={hosts}&mode={mode}&count={count}"
    if delay is not None:
        url += f"&delay={delay}"
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def crawl_sf(replica: ReplicaServer, tmp_path: Path, **kwargs):
    return run_crawl("alibaba_sf", tmp_path / "runs", replica=replica.base_url, clock=NIGHT_1,
                     timeout=kwargs.pop("timeout", 120), **kwargs)


@pytest.fixture(scope="module")
def healthy_items(replica, tmp_path_factory):
    result = crawl_sf(replica, tmp_path_factory.mktemp("healthy"))
    assert result.meta.status == "ok"
    return result.meta.items


def test_the_admin_endpoint_sets_lists_and_clears_faults(replica):
    assert fault(replica, SF_HOSTS, "500", count=2)["faults"]["sf.taobao.com"]["left"] == 2
    assert fault(replica, SF_HOSTS, "off")["faults"] == {}
    with pytest.raises(urllib.error.HTTPError):
        fault(replica, SF_HOSTS, "explode")


@pytest.mark.parametrize("mode", ["500", "429"])
def test_a_few_500_or_429_answers_are_retried_and_cost_no_lot(replica, tmp_path, healthy_items, mode):
    fault(replica, SF_HOSTS, mode, count=3)
    result = crawl_sf(replica, tmp_path)
    stats = result.meta.stats
    assert result.meta.status == "ok", result.meta.error
    assert result.meta.items == healthy_items
    assert stats.get(f"retry/reason_count/{mode} {'Internal Server Error' if mode == '500' else 'Too Many Requests'}",
                     0) >= 1 or stats.get("retry/count", 0) >= 1, stats


def test_a_source_answering_500_all_night_fails_loudly(replica, tmp_path):
    fault(replica, SF_HOSTS, "500")
    result = crawl_sf(replica, tmp_path)
    assert result.meta.status == "failed" and "zero items" in result.meta.error
    assert result.meta.stats.get("retry/max_reached", 0) >= 1


def test_a_slow_source_still_loads_and_one_slower_than_the_hard_timeout_is_killed(replica, tmp_path,
                                                                                   healthy_items):
    fault(replica, SF_HOSTS, "slow", count=10, delay=0.5)
    slow = crawl_sf(replica, tmp_path / "slow")
    assert slow.meta.status == "ok" and slow.meta.items == healthy_items
    fault(replica, SF_HOSTS, "slow", delay=30)
    hung = crawl_sf(replica, tmp_path / "hung", timeout=6)
    assert hung.meta.status == "failed" and "killed after the 6 s timeout" in hung.meta.error


def test_a_truncated_list_page_fails_the_night_and_a_truncated_detail_page_costs_that_lot(replica, tmp_path,
                                                                                          healthy_items):
    fault(replica, "sf.taobao.com", "truncate")
    whole = crawl_sf(replica, tmp_path / "list")
    assert whole.meta.status == "failed" and "zero items" in whole.meta.error
    replica.clear_faults()
    fault(replica, "sf-item.taobao.com", "truncate", count=2)
    some = crawl_sf(replica, tmp_path / "detail")
    assert some.meta.status == "partial", some.meta.error
    assert "errors logged" in some.meta.error
    assert healthy_items - 2 <= some.meta.items < healthy_items


def test_anti_bot_pages_for_a_while_are_retried_and_forever_fail_the_source(replica, tmp_path, healthy_items):
    # The slider on the next 6 requests of each host. robots.txt is the first request to a host: behind the slider
    # it reads as "no rules" and is not retried; the 5 pages that get the slider on each host (at most the 5
    # retries a page has) are retried until they come through, so every lot is crawled and the run is ok.
    fault(replica, SF_HOSTS, "antibot", count=6)
    passing = crawl_sf(replica, tmp_path / "while")
    assert passing.meta.items == healthy_items
    assert passing.meta.stats["salvage/interstitials"] == 10  # 5 pages on each of the two hosts
    assert passing.meta.status == "ok", passing.meta.error
    fault(replica, SF_HOSTS, "antibot")
    blocked = crawl_sf(replica, tmp_path / "forever")
    assert blocked.meta.status == "failed"
    assert blocked.meta.stats.get("salvage/interstitials_gave_up", 0) >= 1


def test_a_source_that_is_down_is_reported_while_the_other_loads(replica, tmp_path):
    fault(replica, SF_HOSTS, "down")
    db = tmp_path / "w.duckdb"
    report = run_night(["alibaba_sf", "alibaba_zc"], db, tmp_path / "runs", replica=replica.base_url,
                       clock=NIGHT_1, timeout=120, digest_dir=tmp_path / "digests")
    by_source = {c.meta.source: c.meta for c in report.crawls}
    assert by_source["alibaba_sf"].status == "failed" and by_source["alibaba_zc"].status == "ok"
    assert report.exit_code == 1 and any(f.startswith("alibaba_sf:") for f in report.failed)
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = dict(con.execute("SELECT source, status FROM crawl_runs").fetchall())
        assert runs == {"alibaba_sf": "failed", "alibaba_zc": "ok"}
        assert con.execute("SELECT count(*) FROM lots WHERE source = 'alibaba_zc'").fetchone()[0] > 0
        assert con.execute("SELECT count(*) FROM lots WHERE source = 'alibaba_sf'").fetchone()[0] == 0
        health = dict(con.execute("SELECT source, health FROM fct_run_metrics").fetchall())
        assert health == {"alibaba_sf": "error", "alibaba_zc": "ok"}
    finally:
        con.close()
    text = Path(next(p for p in report.digest if p.endswith(".txt"))).read_text(encoding="utf-8")
    assert "ERROR    alibaba_sf" in text and "OK       alibaba_zc" in text
    assert "zero items" in text
