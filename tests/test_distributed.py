"""Distributed crawling on a real redis-server (no fake): the leased job queue, the shared politeness budget,
`salvage demo --distributed` against `salvage demo` row for row, and a night that loses a worker (kill -9) and its
Redis (kill -9, restarted) mid-crawl."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from crawlers.jobqueue import JobQueue
from crawlers.politeness import ACQUIRE
from crawlers.redis_server import RedisServer
from tests.conftest import DEMO_LOTS


@pytest.fixture
def redis_server():
    with RedisServer() as server:
        yield server


# ------------------------------------------------------------------------------------------------ the queue

def test_a_lease_that_ends_hands_the_job_to_another_worker_and_only_the_first_result_counts(redis_server):
    queue = JobQueue(redis_server.url, "t", lease=0.5)
    assert queue.enqueue("n1", {"source": "a"}) == ("n1/a/0", True)
    assert queue.enqueue("n1", {"source": "a"}) == ("n1/a/0", False)  # the same night dispatched again: nothing new
    queue.enqueue("n1", {"source": "b"})
    first = queue.claim("w1")
    assert (first.id, first.attempt, first.spec["source"]) == ("n1/a/0", 1, "a")
    time.sleep(0.7)  # w1 stops renewing (killed): its lease ends
    again = queue.claim("w2")
    assert (again.id, again.attempt) == ("n1/a/0", 2)  # back at the head of the queue, before b
    assert not queue.renew(first)  # w1 no longer holds it
    assert queue.renew(again)
    assert queue.complete(again, {"status": "ok", "items": 5})
    assert not queue.complete(first, {"status": "ok", "items": 4})  # late: not counted
    assert queue.complete(again, {"status": "ok", "items": 5})  # a retried report of the same attempt is kept
    results = queue.results("n1")
    assert list(results) == ["n1/a/0"] and results["n1/a/0"]["items"] == 5 and results["n1/a/0"]["attempt"] == 2
    assert not queue.idle()  # b is still pending
    b = queue.claim("w2")
    queue.complete(b, {"status": "ok", "items": 1})
    assert queue.idle() and queue.claim("w2") is None
    assert set(queue.wait("n1", timeout=1)) == {"n1/a/0", "n1/b/0"}


def test_a_job_that_keeps_losing_its_worker_is_failed_not_handed_out_forever(redis_server):
    queue = JobQueue(redis_server.url, "t", lease=0.2, max_attempts=2)
    queue.enqueue("n1", {"source": "poison"})
    for attempt in (1, 2):
        job = queue.claim(f"w{attempt}")
        assert job.attempt == attempt
        time.sleep(0.3)
    assert queue.claim("w3") is None
    result = queue.results("n1")["n1/poison/0"]
    assert result["status"] == "failed" and "2 times" in result["error"]


def test_the_queue_survives_a_redis_crash_and_calls_wait_for_it(redis_server):
    queue = JobQueue(redis_server.url, "t", lease=30, outage=30)
    for source in ("a", "b", "c"):
        queue.enqueue("n1", {"source": source})
    held = queue.claim("w1")
    queue.complete(queue.claim("w1"), {"status": "ok", "items": 2})
    redis_server.stop(kill=True)  # SIGKILL: only what the append-only file has survives
    restart = threading.Timer(1.0, redis_server.start)
    restart.start()
    try:
        third = queue.claim("w2")  # waits through the outage
    finally:
        restart.join()
    assert third.id == "n1/c/0"
    assert queue.results("n1") == {"n1/b/0": {"status": "ok", "items": 2, "attempt": 1,
                                             "token": queue.results("n1")["n1/b/0"]["token"]}}
    assert queue.renew(held)  # the lease w1 held before the crash is still its own


def test_a_finished_crawl_whose_worker_died_before_reporting_is_reported_not_crawled_again(redis_server, tmp_path,
                                                                                            monkeypatch):
    from datetime import datetime

    from contracts.runfiles import RunWriter
    from schedules import distributed
    from warehouse.ingest import resolve_runs

    queue = JobQueue(redis_server.url, "t", lease=0.3)
    queue.enqueue("n1", {"source": "cinda_notice"})
    first = queue.claim("w1")
    writer = RunWriter(tmp_path, "cinda_notice", datetime(2026, 11, 20, 2, 0).astimezone())
    queue.note_attempt(first, f"cinda_notice/{writer.meta.run_id}")
    writer.close(datetime(2026, 11, 20, 2, 5).astimezone(), "ok", None, {})  # crawled; then w1 was killed
    time.sleep(0.4)
    second = queue.claim("w2")
    monkeypatch.setattr(distributed, "run_crawl", lambda *a, **k: pytest.fail("crawled again"))
    result = distributed.run_job(queue, second, tmp_path)
    assert result["meta"] == f"cinda_notice/{writer.meta.run_id}.meta.json" and result["status"] == "ok"
    # a run that was not counted is hidden from `salvage ingest`, which loads every meta file under the runs
    late = RunWriter(tmp_path, "cinda_notice", datetime(2026, 11, 20, 2, 1).astimezone())
    late.close(datetime(2026, 11, 20, 2, 6).astimezone(), "ok", None, {})
    distributed.set_aside(tmp_path, {"meta": f"cinda_notice/{late.meta.run_id}.meta.json"})
    assert [p.name for p in resolve_runs([tmp_path])] == [f"{writer.meta.run_id}.meta.json"]


# ------------------------------------------------------------------------------------------------ politeness

def test_the_politeness_budget_spaces_and_caps_requests_across_workers(redis_server):
    import redis

    clients = [redis.Redis.from_url(redis_server.url, decode_responses=True) for _ in range(2)]  # two workers
    scripts = [c.register_script(ACQUIRE) for c in clients]
    keys = ["t:polite:sf.taobao.com:next", "t:polite:sf.taobao.com:inflight"]

    def reserve(worker: int, slot: str, interval_ms: int = 10_000, concurrency: int = 3) -> tuple[int, int]:
        wait, reserved = scripts[worker](keys=keys, args=[interval_ms, concurrency, slot, 60_000])
        return int(wait), int(reserved)

    waits = [reserve(i % 2, f"s{i}") for i in range(3)]
    assert [r for _, r in waits] == [1, 1, 1]
    # one request every 10 s for both workers together: each reservation starts one interval after the last
    assert waits[0][0] == 0 and 9_000 < waits[1][0] <= 10_000 and 19_000 < waits[2][0] <= 20_000
    assert reserve(0, "s3")[1] == 0  # the site's three slots are taken: wait
    clients[1].zrem(keys[1], "s1")  # a response came back
    wait, reserved = reserve(0, "s3")
    assert reserved == 1 and 29_000 < wait <= 30_000
    # a slot of a worker killed mid-request expires by itself
    clients[0].delete(*keys)
    assert reserve(0, "dead", interval_ms=1, concurrency=1) == (0, 1)
    assert reserve(1, "alive", interval_ms=1, concurrency=1)[1] == 0
    clients[0].zadd(keys[1], {"dead": 0})  # its expiry has passed
    assert reserve(1, "alive", interval_ms=1, concurrency=1)[1] == 1


def test_the_politeness_middleware_is_off_without_a_redis_url():
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawlers.politeness import RedisPoliteness

    with pytest.raises(NotConfigured):
        RedisPoliteness.from_crawler(get_crawler(settings_dict={"SALVAGE_REDIS_URL": ""}))
    from crawlers import settings

    assert settings.DOWNLOADER_MIDDLEWARES["crawlers.politeness.RedisPoliteness"] == 940


# ------------------------------------------------------------------------------------------------ whole nights

CRAWL_TIMES = {"fetched_at", "first_seen", "last_seen", "valid_from", "valid_to"}


def warehouse_rows(db: Path) -> dict[str, list[tuple]]:
    """lots, lot_history and assets, every column; times of a crawl (the crawl clock plus the seconds the crawl
    took) compared by their day, run ids left out (random)."""
    con = duckdb.connect(str(db), read_only=True)
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    rows = {}
    for view in ("lots", "lot_history", "assets"):
        cols = [c for (c, *_) in con.execute(f"DESCRIBE {view}").fetchall() if c != "run_id"]
        select = ", ".join(f'CAST("{c}" AS DATE)' if c in CRAWL_TIMES else f'"{c}"' for c in cols)
        rows[view] = con.execute(f"SELECT {select} FROM {view} ORDER BY ALL").fetchall()
    con.close()
    return rows


@pytest.mark.slow
def test_the_distributed_demo_loads_exactly_what_the_demo_loads(demo_db, tmp_path):
    done = subprocess.run([sys.executable, "-m", "salvage.cli", "demo", "--distributed", "--workers", "3",
                           "--lots", str(DEMO_LOTS), "--db", "out/w.duckdb"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=1200,
                          env={**os.environ, "COLUMNS": "160"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert "3 workers" in done.stderr
    distributed, plain = warehouse_rows(tmp_path / "out" / "w.duckdb"), warehouse_rows(demo_db)
    for view in ("lots", "lot_history", "assets"):
        assert len(distributed[view]) == len(plain[view]) > 0, view
        assert distributed[view] == plain[view], view
    con = duckdb.connect(str(tmp_path / "out" / "w.duckdb"), read_only=True)
    runs = con.execute("SELECT source, count(*), any_value(stats) FROM crawl_runs GROUP BY source").fetchall()
    assert {n for _, n, _ in runs} == {2}  # one run per source and night
    # the crawls went through the shared budget
    assert all(json.loads(stats).get("salvage/politeness/requests", 0) > 0 for _, _, stats in runs)
    logs = sorted((tmp_path / "out" / "workers").glob("worker-*.log"))
    assert len(logs) == 3 and all("jobs done" in log.read_text() for log in logs)  # each stopped when told


def _kill_when_crawling(cluster, queue: JobQueue, runs: Path, job_id: str, timeout: float = 120) -> str:
    """Wait until ``job_id``'s crawl has archived a response, then SIGKILL the worker holding it; its name."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        owner = queue.r.hget(queue.key("owners"), job_id)
        noted = queue.attempts_noted(job_id)
        if owner and noted:
            source, _, run_id = noted[-1].partition("/")
            part = runs / source / f"{run_id}.warc.gz.part"
            if part.exists() and part.stat().st_size > 2000:
                name = owner.split(":")[0]
                proc = cluster.procs[int(name.rsplit("-", 1)[1]) - 1]
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return name
        time.sleep(0.05)
    raise AssertionError(f"{job_id} never started crawling")


@pytest.mark.slow
def test_a_night_survives_a_killed_worker_and_a_crashed_redis(tmp_path):
    from replicas.server import ReplicaServer
    from salvage.demo import NIGHT_1
    from schedules.distributed import LocalCluster, run_night
    from warehouse.linkage import link_assets

    sources = ("alibaba_zc", "jd_auction", "cinda_notice")
    budget = {"SALVAGE_POLITENESS_RPS": "10"}
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    ref_db, ref_runs = tmp_path / "ref.duckdb", tmp_path / "ref-runs"
    with ReplicaServer(seed=11, n_lots=20) as replica:
        with LocalCluster(runs, 2, lease=4) as cluster:
            night1 = run_night(cluster.queue, sources, db, runs, replica=replica.base_url, clock=NIGHT_1,
                               timeout=300, settings=budget, hooks=[link_assets])
            assert not night1.failed
            published = warehouse_rows(db)
            replica.set_night(2)
            box: dict = {}
            worker = threading.Thread(target=lambda: box.update(night=run_night(
                cluster.queue, sources, db, runs, replica=replica.base_url, clock=NIGHT_1 + timedelta(days=1),
                timeout=300, settings=budget, hooks=[link_assets])))
            worker.start()
            killed = _kill_when_crawling(cluster, cluster.queue, runs, "night-20261121/cinda_notice/0")
            cluster.procs.append(cluster.start_worker(3))  # the replacement (systemd Restart=, a Job's retry)
            cluster.redis.restart(kill=True, down=1.0)
            assert warehouse_rows(db) == published  # readers still see the last published night, whole
            worker.join(600)
            assert not worker.is_alive()
            night2 = box["night"]
        # the reference: the same two nights, no faults
        replica.set_night(1)
        with LocalCluster(ref_runs, 3) as ref:
            for n in (1, 2):
                replica.set_night(n)
                run_night(ref.queue, sources, ref_db, ref_runs, replica=replica.base_url,
                          clock=NIGHT_1 + timedelta(days=n - 1), timeout=300, settings=budget,
                          hooks=[link_assets])
    assert not night2.failed, night2.failed
    for crawl in night2.crawls:  # the shared budget held throughout, Redis crash included
        assert crawl.meta.stats.get("salvage/politeness/requests", 0) > 0
        assert not crawl.meta.stats.get("salvage/politeness/unbudgeted"), crawl.meta.source
    assert night2.attempts["night-20261121/cinda_notice/0"] == 2  # taken again after worker-N was killed
    assert killed in {"worker-1", "worker-2"}
    con = duckdb.connect(str(db), read_only=True)
    runs_per_source = con.execute("SELECT source, count(*) FROM crawl_runs GROUP BY ALL").fetchall()
    assert sorted(runs_per_source) == [(s, 2) for s in sorted(sources)]  # nothing counted twice
    con.close()
    assert warehouse_rows(db) == warehouse_rows(ref_db)  # no page lost, none twice


@pytest.mark.slow
def test_the_commands_enqueue_work_off_and_load_a_night(redis_server, tmp_path):
    from replicas.server import ReplicaServer

    cli = [sys.executable, "-m", "salvage.cli"]
    common = ["--redis", redis_server.url, "--runs", str(tmp_path / "runs")]
    env = {**os.environ, "COLUMNS": "160"}
    env.pop("SALVAGE_REDIS_URL", None)
    with ReplicaServer(seed=5, n_lots=10) as replica:
        night = ["--night", "2026-11-20", "-s", "alibaba_zc", "--replica", replica.base_url]
        enqueued = subprocess.run([*cli, "dispatch", *common, *night, "--no-wait"], env=env, capture_output=True,
                                  text=True, timeout=120)
        assert enqueued.returncode == 0, enqueued.stderr
        assert "night-20261120/alibaba_zc/0" in enqueued.stderr
        worked = subprocess.run([*cli, "worker", *common, "--drain", "--name", "w-test"], env=env,
                                capture_output=True, text=True, timeout=600)
        assert worked.returncode == 0, worked.stderr[-2000:]
        assert "1 jobs done (0 failed)" in worked.stderr
        loaded = subprocess.run([*cli, "dispatch", *common, *night, "--db", str(tmp_path / "w.duckdb")], env=env,
                                capture_output=True, text=True, timeout=300)
        assert loaded.returncode == 0, loaded.stderr[-2000:]
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    (runs, lots), = con.execute("SELECT count(*), sum(items) FROM crawl_runs WHERE source = 'alibaba_zc'").fetchall()
    assert runs == 1 and lots > 0
    assert con.execute("SELECT count(*) FROM lots").fetchone()[0] == lots
    missing = subprocess.run([*cli, "worker", "--runs", str(tmp_path / "runs")], env=env, capture_output=True,
                             text=True, timeout=60)
    assert missing.returncode == 1 and "SALVAGE_REDIS_URL" in missing.stderr
