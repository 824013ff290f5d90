"""The crawl guard (`crawlers.runner.guard`): it keeps the crawl's time limit itself and takes the crawl's whole
process tree down when its parent dies, whatever the parent was doing. Checked on a stand-in crawl (a process
tree of ``sleep``), with real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from contracts.runfiles import RunPaths
from crawlers.runner import GUARD_TIMEOUT_EXIT, crawl_alive, soft_limit

PROJECT = Path(__file__).resolve().parents[2]
# A stand-in crawl: a shell with a child in a session of its own (as Playwright starts Chromium).
CRAWL = [sys.executable, "-c", "import subprocess, sys, time; "
         "subprocess.Popen(['sleep', '300'], start_new_session=True); time.sleep(300)"]


def guard_cmd(lock: Path, timeout: float, parent: int) -> list[str]:
    return [sys.executable, "-m", "crawlers.runner", "guard", "--lock", str(lock), "--timeout", str(timeout),
            "--parent", str(parent), "--", *CRAWL]


def wait_for_tree(pid: int, size: int) -> list[psutil.Process]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        tree = psutil.Process(pid).children(recursive=True)
        if len(tree) >= size:
            return tree
        time.sleep(0.1)
    pytest.fail(f"the stand-in crawl did not start ({tree})")


def alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    _, left = psutil.wait_procs(procs, timeout=10)
    return [p for p in left if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_the_guard_keeps_the_time_limit_itself_and_kills_the_whole_tree(tmp_path):
    lock = tmp_path / "run.lock"
    started = time.monotonic()
    proc = subprocess.Popen(guard_cmd(lock, 3, os.getpid()), cwd=PROJECT, stderr=subprocess.PIPE, text=True)
    tree = wait_for_tree(proc.pid, 2)  # the crawl, its sleep in another session
    try:
        assert crawl_alive(RunPaths(tmp_path, "run"))  # the guard holds the run's lock
        assert proc.wait(timeout=30) == GUARD_TIMEOUT_EXIT
        assert time.monotonic() - started < 15
        assert "killed after the 3 s timeout" in proc.stderr.read()
        assert not alive(tree)
        assert not crawl_alive(RunPaths(tmp_path, "run"))
    finally:
        for p in alive(tree):
            p.kill()


def test_the_guard_takes_the_crawl_down_when_its_parent_is_killed(tmp_path):
    # The parent: a process that starts the guard (naming itself as the parent) and waits; killed with SIGKILL.
    cmd = guard_cmd(tmp_path / "run.lock", 600, 0)
    script = tmp_path / "night.py"
    script.write_text("import os, subprocess, sys, time\n"
                      f"cmd = {cmd!r}\n"
                      "cmd[cmd.index('--parent') + 1] = str(os.getpid())\n"
                      f"subprocess.Popen(cmd, cwd={str(PROJECT)!r}, start_new_session=True)\n"
                      "time.sleep(600)\n", encoding="utf-8")
    parent = subprocess.Popen([sys.executable, str(script)])
    tree = wait_for_tree(parent.pid, 3)  # the guard, the crawl, its sleep
    try:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        started = time.monotonic()
        assert not alive(tree), "processes outlived the guard's parent"
        assert time.monotonic() - started < 10
    finally:
        for p in alive(tree):
            p.kill()


def test_scrapy_closes_the_crawl_itself_before_the_hard_limit():
    assert soft_limit("alibaba_sf", 100) == 90  # 90 % of the hard limit
    assert soft_limit("gwamc_notice", 3600) == 1500  # the spider's own limit when smaller
