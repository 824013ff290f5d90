"""`salvage schedule`: jobs from the config file, a missed night caught up from the persistent store, SIGTERM, and
the refresh of lots ending soon (against the replica)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler

from schedules import scheduler as sched
from crawlers.runner import sources
from schedules.scheduler import build_scheduler, list_jobs, load_config

SHANGHAI = ZoneInfo("Asia/Shanghai")
ROOT = Path(__file__).resolve().parent.parent


def set_stored_next_run(config, job_id: str, when: datetime) -> None:
    """Edit the persistent store as a scheduler that stopped before ``when`` left it."""
    store = sched._store(config)
    job = store.lookup_job(job_id)
    job.next_run_time = when
    store.update_job(job)
    store.shutdown()


def write_config(tmp_path: Path, grace: int = 43200, cron: str = "15 2 * * *") -> Path:
    path = tmp_path / "schedules.toml"
    path.write_text(f"""
[scheduler]
jobstore = "{tmp_path / 'var' / 'schedule.sqlite'}"
misfire_grace_time = {grace}

[[job]]
id = "nightly-alibaba_sf"
kind = "nightly"
sources = ["alibaba_sf"]
cron = "{cron}"

[[job]]
id = "refresh-ending-soon"
kind = "refresh"
sources = ["alibaba_sf", "alibaba_zc"]
every_minutes = 15
lock_timeout = 0
""", encoding="utf-8")
    return path


def test_the_shipped_config_loads_and_lists_every_job_with_its_next_run(tmp_path, monkeypatch):
    shipped = load_config(sched.DEFAULT_CONFIG)
    assert {j.id for j in shipped.jobs} >= {"nightly-alibaba_sf", "nightly-alibaba_zc", "refresh-ending-soon"}
    nightly = [s for j in shipped.jobs if j.kind == "nightly" for s in j.sources]
    assert sorted(nightly) == sources()  # every source crawled every night, once
    config = load_config(write_config(tmp_path))
    now = datetime(2026, 11, 20, 1, 0, tzinfo=SHANGHAI)
    rows = {r[0]: r for r in list_jobs(config, now=now)}
    assert rows["nightly-alibaba_sf"][1:4] == ("nightly", "alibaba_sf", "cron 15 2 * * *")
    assert rows["nightly-alibaba_sf"][4] == "2026-11-20 02:15 CST"
    assert rows["refresh-ending-soon"][3] == "every 15 min"


def test_a_bad_config_names_the_job(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[job]]\nid = "x"\nkind = "nightly"\nsources = ["a"]\n', encoding="utf-8")
    with pytest.raises(sched.ScheduleError, match="job 'x': give either cron or every_minutes"):
        load_config(bad)


def test_a_night_missed_while_the_machine_was_down_runs_once_when_it_comes_back(tmp_path, monkeypatch):
    config = load_config(write_config(tmp_path))
    # the scheduler ran before: the store holds the job, due three hours ago (the machine was off since)
    first = build_scheduler(config, scheduler_cls=BackgroundScheduler)
    first.start(paused=True)
    first.shutdown()
    set_stored_next_run(config, "nightly-alibaba_sf", datetime.now(SHANGHAI) - timedelta(hours=3))
    set_stored_next_run(config, "refresh-ending-soon", datetime.now(SHANGHAI) + timedelta(days=1))
    assert "(missed: runs at start)" in dict((r[0], r[4]) for r in list_jobs(config))["nightly-alibaba_sf"]

    ran: list[str] = []
    done = threading.Event()
    monkeypatch.setitem(sched.RUNNERS, "nightly", lambda spec, options: (ran.append(spec.id), done.set()))
    second = build_scheduler(config, scheduler_cls=BackgroundScheduler)
    second.start()
    try:
        assert done.wait(10), "the missed night did not run"
        time.sleep(0.5)
        job = second.get_job("nightly-alibaba_sf")
        assert job.next_run_time > datetime.now(SHANGHAI)  # back on its cron
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 43200)
    finally:
        second.shutdown()
    assert ran == ["nightly-alibaba_sf"]  # once, not once per missed trigger


def test_a_night_missed_by_more_than_the_grace_time_is_skipped(tmp_path, monkeypatch):
    # the night's time half a day from now: no regular run of it falls within the grace time whatever the clock says
    # (at 02:15 it did, between 02:15 and 03:15 China time)
    far = (datetime.now(SHANGHAI) + timedelta(hours=12)).hour
    config = load_config(write_config(tmp_path, grace=3600, cron=f"15 {far} * * *"))
    first = build_scheduler(config, scheduler_cls=BackgroundScheduler)
    first.start(paused=True)
    first.shutdown()
    set_stored_next_run(config, "nightly-alibaba_sf", datetime.now(SHANGHAI) - timedelta(hours=3))
    set_stored_next_run(config, "refresh-ending-soon", datetime.now(SHANGHAI) + timedelta(days=1))
    ran: list[str] = []
    monkeypatch.setitem(sched.RUNNERS, "nightly", lambda spec, options: ran.append(spec.id))
    second = build_scheduler(config, scheduler_cls=BackgroundScheduler)
    second.start()
    time.sleep(1.5)
    second.shutdown()
    assert ran == []


def test_sigterm_stops_the_scheduler_cleanly(tmp_path):
    config = write_config(tmp_path)
    env = {**os.environ, "SALVAGE_DB": str(tmp_path / "w.duckdb"), "SALVAGE_RUNS": str(tmp_path / "runs")}
    proc = subprocess.Popen([sys.executable, "-m", "salvage.cli", "schedule", "--config", str(config)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        seen = ""
        while "scheduler started" not in seen and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            seen += line
        assert "scheduler started" in seen, seen
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, seen + rest
    assert "SIGTERM: stopping" in rest and "scheduler stopped" in rest


@pytest.mark.slow
def test_the_refresh_job_recrawls_only_the_lots_ending_within_a_day(tmp_path):
    from replicas.server import ReplicaServer
    from schedules.nightly import run_night

    night = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    with ReplicaServer(seed=5, n_lots=40, night=1, interstitial_rate=0.0) as replica:
        run_night(["alibaba_sf"], db, runs, replica=replica.base_url, clock=night, timeout=120, digest=False)
        seeds = sched.ending_lots(db, ["alibaba_sf"], night, night + timedelta(hours=24))["alibaba_sf"]
        assert 0 < len(seeds)
        con = duckdb.connect(str(db), read_only=True)
        before = dict(con.execute("SELECT url, asset_type FROM lots").fetchall())
        total = len(before)
        con.close()
        assert len(seeds) < total
        spec = load_config(write_config(tmp_path)).jobs[1]
        sched.refresh_job(spec, {"db": str(db), "runs": str(runs), "replica": replica.base_url,
                                 "now": night.isoformat()})
    con = duckdb.connect(str(db), read_only=True)
    try:
        kind, items, status = con.execute(
            "SELECT kind, items, status FROM fct_run_metrics ORDER BY started_at DESC LIMIT 1").fetchone()
        assert (kind, items, status) == ("refresh", len(seeds), "ok")
        after = dict(con.execute("SELECT url, asset_type FROM lots").fetchall())
        assert after == before  # the list's category hint came along: no asset type changed
        run_id = con.execute("SELECT run_id FROM fct_run_metrics WHERE kind = 'refresh'").fetchone()[0]
    finally:
        con.close()
    # a refresh run re-parses like any other: the same lots, from its archive
    from salvage.reparse import reparse

    again = reparse(run_id, runs, timeout=120)
    assert (again.meta.status, again.meta.items) == ("ok", len(seeds)), again.meta.error
    assert again.meta.stats.get("salvage/replay_missing", 0) == 0


@pytest.mark.slow
def test_the_scheduler_catches_up_a_missed_night_on_the_replica_with_the_real_job(tmp_path):
    from replicas.server import ReplicaServer

    config = load_config(write_config(tmp_path))
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    first = build_scheduler(config, scheduler_cls=BackgroundScheduler)
    first.start(paused=True)
    first.shutdown()
    set_stored_next_run(config, "nightly-alibaba_sf", datetime.now(SHANGHAI) - timedelta(hours=5))
    set_stored_next_run(config, "refresh-ending-soon", datetime.now(SHANGHAI) + timedelta(days=1))
    with ReplicaServer(seed=5, n_lots=40, night=1, interstitial_rate=0.0) as replica:
        finished = threading.Event()
        second = build_scheduler(config, scheduler_cls=BackgroundScheduler,
                                 options={"db": str(db), "runs": str(runs), "replica": replica.base_url})
        second.add_listener(lambda event: finished.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        second.start()
        try:
            assert finished.wait(120), "the missed night did not run"
        finally:
            second.shutdown()
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT source, status FROM crawl_runs").fetchall() == [("alibaba_sf", "ok")]
        assert con.execute("SELECT kind, health FROM fct_run_metrics").fetchall() == [("nightly", "ok")]
    finally:
        con.close()
    assert list((tmp_path / "digests").glob("digest-*.txt"))
