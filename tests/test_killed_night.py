"""A night killed with ``kill -9`` while its crawls run: every process it started (guards, Scrapy, the Playwright
driver, Chromium) dies with it, and the next night loads the run that had finished, discards the ones that had
not (recording them as failed runs in crawl_runs) and says which, in its log and in its digest.

A real ``salvage nightly`` subprocess crawls the replicas: alibaba_zc (fast, finishes), alibaba_sf (every answer
delayed, still running) and gwamc_notice (rendered in Chromium, delayed, still running) and is killed once
Chromium is up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from replicas.alibaba.site import Response
from replicas.amc.sites import GreatWallSite
from replicas.server import ReplicaServer

pytestmark = pytest.mark.slow
PROJECT = Path(__file__).resolve().parent.parent
SF_HOSTS = "sf.taobao.com,sf-item.taobao.com"
GWAMC_HOSTS = "www.gwamcc.com,gwamcc.com"


def salvage(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("salvage")
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "salvage.cli", *args]


def night_env(tmp_path: Path) -> dict[str, str]:
    searches = tmp_path / "alerts.toml"
    searches.write_text('[[search]]\nname = "zc"\nrecipients = ["desk@example.com"]\nsource = ["alibaba_zc"]\n',
                        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALVAGE_")}
    env.update(SALVAGE_ALERTS=str(searches), SALVAGE_MAIL_DIR=str(tmp_path / "mail"),
               SALVAGE_DIGEST_DIR=str(tmp_path / "digests"), PYTHONPATH=str(PROJECT))
    return env


def run_ids(runs: Path, source: str, pattern: str) -> set[str]:
    return {p.name.split(".")[0] for p in (runs / source).glob(pattern)}


@pytest.fixture()
def great_wall_needs_a_browser(monkeypatch):
    """Great Wall's site answering only its page script's own XHR (with its ``t=``): the crawl falls back to
    Chromium, so the killed night has a browser to leave behind."""
    answer = GreatWallSite._article_info

    def browsers_only(self, query):
        if "t" not in query:
            return Response(403, b"<h1>403 Forbidden</h1>", "text/html", "refused")
        return answer(self, query)

    monkeypatch.setattr(GreatWallSite, "_article_info", browsers_only)


def test_a_killed_night_leaves_no_process_and_the_next_night_loads_or_discards_what_it_left(
        tmp_path: Path, great_wall_needs_a_browser):
    db, runs = tmp_path / "w.duckdb", tmp_path / "runs"
    env = night_env(tmp_path)
    survivors: list[psutil.Process] = []
    with ReplicaServer(seed=5, n_lots=30, night=1, interstitial_rate=0.0) as replica:
        replica.set_fault(SF_HOSTS, "slow", delay=20.0)  # still running at the kill
        replica.set_fault(GWAMC_HOSTS, "slow", delay=1.0)
        night = subprocess.Popen(
            salvage("nightly", "-s", "alibaba_zc", "-s", "alibaba_sf", "-s", "gwamc_notice", "--db", str(db),
                    "--runs", str(runs), "--replica", replica.base_url, "--timeout", "600"),
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 300
            tree: list[psutil.Process] = []
            while time.monotonic() < deadline and night.poll() is None:
                tree = psutil.Process(night.pid).children(recursive=True)
                browser = any("chrom" in p.name().lower() for p in tree if p.is_running())
                if browser and run_ids(runs, "alibaba_zc", "*.meta.json") and run_ids(runs, "alibaba_sf", "*.part"):
                    break
                time.sleep(0.5)
            else:
                pytest.fail(f"the night never reached the kill point: {night.communicate(timeout=5)[0][-2000:]!r}")
            tree = psutil.Process(night.pid).children(recursive=True)  # every process the night started
            os.kill(night.pid, signal.SIGKILL)
            night.wait()
            _, alive = psutil.wait_procs(tree, timeout=20)
            survivors = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
            described = [f"{p.pid} {p.name()}" for p in survivors]
            assert not survivors, f"{len(survivors)} of {len(tree)} processes outlived the killed night: {described}"
        finally:
            for p in survivors:
                p.kill()
            if night.poll() is None:
                night.kill()
        finished = run_ids(runs, "alibaba_zc", "*.meta.json")
        unfinished = run_ids(runs, "alibaba_sf", "*.part") | run_ids(runs, "gwamc_notice", "*.part")
        assert len(finished) == 1 and unfinished and not (unfinished & finished)

        replica.clear_faults()
        second = subprocess.run(
            salvage("nightly", "-s", "alibaba_zc", "--db", str(db), "--runs", str(runs), "--replica",
                    replica.base_url, "--timeout", "600"),
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    log = second.stdout + second.stderr
    assert second.returncode == 0, log
    assert not list(runs.rglob("*.part")), "partial files of the killed night were left behind"
    con = duckdb.connect(str(db), read_only=True)
    rows = dict(((r, (s, e)) for r, s, e in con.execute("SELECT run_id, status, error FROM crawl_runs").fetchall()))
    con.close()
    [zc] = finished
    assert rows[zc][0] == "ok"  # the finished run of the killed night is loaded
    for run_id in unfinished:  # the killed night's unfinished crawls are recorded as failed, saying why
        assert rows[run_id][0] == "failed" and "never finished" in rows[run_id][1], rows[run_id]
    assert len(rows) == 2 + len(unfinished)  # and tonight's own run
    digest = "\n".join(p.read_text(encoding="utf-8") for p in sorted((tmp_path / "digests").glob("*.txt")))
    for text in (log, digest):
        assert f"{zc}" in text and "loaded" in text, text
        for run_id in unfinished:
            assert run_id in text and "discarded" in text, text
