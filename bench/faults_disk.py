"""Disk full: a small tmpfs (mounted here, as root) as the warehouse folder and as the runs folder. Writing the next
warehouse or a run file must fail with a clear error ("disk full", what to do), and leave the last published night
intact and readable, with no working copy left behind. The tmpfs sizes are drawn (seeded) between "the copy does
not fit" and "everything fits", so the disk fills at different points: the copy, the load, the checkpoint; a try
where everything fits must load the night exactly.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

from bench.faults import FaultRow, Scenario
from bench.faultkit import Diff, compare, fresh_reader_ok, run, run_env, salvage_cmd, state, world

CLEAR = ("disk full", "No space left on device")


@contextmanager
def tmpfs(folder: Path, size: int):
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True,
                   capture_output=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def can_mount(work: Path) -> str | None:
    if os.geteuid() != 0:
        return "needs root (mount -t tmpfs)"
    probe = work / "probe"
    try:
        with tmpfs(probe, 1 << 20):
            return None
    except (subprocess.CalledProcessError, OSError) as exc:
        return f"cannot mount a tmpfs: {exc}"


def disk_full_warehouse(n: int, work: Path) -> FaultRow:
    why = can_mount(work)
    if why:
        return FaultRow("disk full while writing the next warehouse", 0, 0, 0, "n/a", f"skipped: {why}")
    w = world()
    rng = random.Random(21)
    env = run_env(work)
    size = w.night1_db.stat().st_size
    night1 = state(w.night1_db)
    full = w.fresh_db(work / "unkilled")
    done = run(salvage_cmd("ingest", "--db", str(full), "--runs", str(w.runs2)), env)
    assert done.returncode == 0, done.stderr
    night2, size2 = state(full), full.stat().st_size
    trials, failed, clear = [], 0, 0
    for i in range(n):
        limit = int(rng.uniform(1.02, 4.0) * size) // 4096 * 4096
        with tmpfs(work / f"try{i}", limit) as folder:
            db = folder / "salvage.duckdb"
            try:
                shutil.copyfile(w.night1_db, db)
            except OSError:  # smaller than the warehouse itself: no try
                continue
            again = run(salvage_cmd("ingest", "--db", str(db), "--runs", str(w.runs2)), env)
            said = " ".join((again.stdout + again.stderr).split())
            if again.returncode == 0:
                diff = compare(db, night2)
                ok = True
            else:
                failed += 1
                diff = compare(db, night1)  # the published night, untouched
                ok = any(c in said for c in CLEAR) and "Traceback" not in said
                clear += ok
                if not ok:
                    diff.problems.append(f"unclear error: {said[-160:]}")
            if (why := fresh_reader_ok(db)) is not None:
                diff.problems.append(f"reader: {why}")
            trials.append((ok, diff))
    tried = len(trials)
    return FaultRow("disk full while writing the next warehouse (tmpfs as the warehouse folder)", tried,
                    sum(1 for ok, d in trials if ok and d.clean), sum(d.rows for _, d in trials),
                    f"{clear}/{failed}",
                    f"tmpfs 1.02-4 x the {size // 1024} KiB warehouse (night 2: {size2 // 1024} KiB); "
                    f"{failed} loads failed, {tried - failed} fitted; "
                    + "; ".join(sorted({d.summary() for _, d in trials if not d.clean})[:2]))


def disk_full_runs(n: int, work: Path) -> FaultRow:
    why = can_mount(work)
    if why:
        return FaultRow("disk full while writing run files", 0, 0, 0, "n/a", f"skipped: {why}")
    w = world()
    rng = random.Random(22)
    env = run_env(work)
    db = w.fresh_db(work / "warehouse")
    trials, clear, fitted = [], 0, 0
    for i in range(n):
        limit = rng.choice([16, 64, 256, 512, 1024]) * 1024
        before = state(db)
        with tmpfs(work / f"runs{i}", limit) as runs:
            crawl = run(salvage_cmd("crawl", "alibaba_sf", "--runs", str(runs), "--replica", w.base_url), env)
            load = run(salvage_cmd("ingest", "--db", str(db), "--runs", str(runs)), env)
            said = " ".join((crawl.stdout + crawl.stderr).split())
            diff = Diff()
            if crawl.returncode == 0:  # it fitted: an ordinary night, loaded
                fitted += 1
                ok = load.returncode == 0
            else:
                ok = any(c in said for c in CLEAR) and "Traceback" not in said
                clear += ok
                diff = compare(db, before)  # nothing of the failed run loaded, the night as it was
                if not ok:
                    diff.problems.append(f"crawl exit {crawl.returncode}: {said[-160:]}")
                if load.returncode != 0:
                    diff.problems.append(f"ingest after it: exit {load.returncode}")
            trials.append((ok, diff))
    return FaultRow("disk full while writing run files (tmpfs as the runs folder)", n,
                    sum(1 for ok, d in trials if ok and d.clean), sum(d.rows for _, d in trials),
                    f"{clear}/{n - fitted}",
                    f"tmpfs of 16 KiB to 1 MiB: {n - fitted} crawls hit the full disk, {fitted} fitted and loaded; "
                    + "; ".join(sorted({d.summary() for _, d in trials if not d.clean})[:2]))


SCENARIOS = [
    Scenario("disk-full-warehouse", "disk", disk_full_warehouse, quick_n=3, full_n=12, needs=["root"]),
    Scenario("disk-full-runs", "disk", disk_full_runs, quick_n=2, full_n=8, needs=["root"]),
]
