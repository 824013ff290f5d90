"""What a job queue does with a job whose worker is killed with ``kill -9`` mid-job (the machine is gone): is the
job run again, and how long after the kill? Measured for our leased queue (crawlers/jobqueue.py) and RQ (with
``Retry(max=2)``), each on a private redis-server; the reason docs/scaling.md gives for our own queue.

    .venv/bin/pip install rq && .venv/bin/python bench/bench_queue_kill.py [--lease 10] [--wait 150]

A job writes ``start`` to a file, sleeps 8 s and writes ``done``. The worker's whole process tree is killed once the
first ``start`` is written, a fresh worker is started, and the clock runs until a second ``start`` appears.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

from crawlers.redis_server import RedisServer

TASK = textwrap.dedent("""
    import os, time
    def crawl(marker):
        with open(marker, "a") as f:
            f.write(f"start {os.getpid()}\\n")
        time.sleep(8)
        with open(marker, "a") as f:
            f.write(f"done {os.getpid()}\\n")
        return "ok"
""")

OURS = textwrap.dedent("""
    import sys, threading
    from crawlers.jobqueue import JobQueue
    import benchtask
    q = JobQueue(sys.argv[1], "bench", lease=float(sys.argv[2]))
    while True:
        job = q.claim("w")
        if job is None:
            threading.Event().wait(0.5)
            continue
        stop = threading.Event()
        threading.Thread(target=lambda: [q.renew(job) for _ in iter(lambda: stop.wait(q.lease / 3), True)],
                         daemon=True).start()
        benchtask.crawl(job.spec["marker"])
        stop.set()
        q.complete(job, {"status": "ok"})
""")


def kill_tree(pid: int) -> None:
    root = psutil.Process(pid)
    for proc in [*root.children(recursive=True), root]:
        proc.kill()
    root.wait()


def rerun_after_kill(start_worker, marker: Path, wait: float) -> float | None:  # type: ignore[no-untyped-def]
    first = start_worker()
    while not marker.exists():
        time.sleep(0.05)
    killed = time.monotonic()
    kill_tree(first.pid)
    second = start_worker()
    try:
        while time.monotonic() - killed < wait:
            if marker.read_text().count("start") > 1:
                return time.monotonic() - killed
            time.sleep(0.2)
        return None
    finally:
        kill_tree(second.pid)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lease", type=float, default=10, help="our queue's lease, s")
    ap.add_argument("--wait", type=float, default=150, help="give up after this long, s")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="salvage-queue-kill-"))
    (work / "benchtask.py").write_text(TASK)
    (work / "ours.py").write_text(OURS)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(work), str(root)])}
    results: dict[str, float | None] = {}

    with RedisServer() as server:
        from crawlers.jobqueue import JobQueue

        marker = work / "ours.txt"
        JobQueue(server.url, "bench").enqueue("b", {"source": "x", "marker": str(marker)})
        results[f"crawlers/jobqueue.py (lease {args.lease:g} s)"] = rerun_after_kill(
            lambda: subprocess.Popen([sys.executable, str(work / "ours.py"), server.url, str(args.lease)], env=env),
            marker, args.wait)

    try:
        from redis import Redis
        from rq import Queue, Retry
    except ImportError:
        print("rq is not installed (pip install rq): RQ not measured")
    else:
        sys.path.insert(0, str(work))
        import benchtask  # noqa: F401 - RQ pickles the function by its module name

        with RedisServer() as server:
            marker = work / "rq.txt"
            Queue("crawl", connection=Redis.from_url(server.url)).enqueue(
                "benchtask.crawl", str(marker), retry=Retry(max=2), job_timeout=30)
            results["RQ (Retry(max=2), job_timeout 30 s)"] = rerun_after_kill(
                lambda: subprocess.Popen([sys.executable, "-m", "rq.cli", "worker", "--url", server.url, "crawl",
                                          "--with-scheduler"], env=env, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL), marker, args.wait)
    print("queue: seconds from kill -9 of the worker to the job running again")
    for name, seconds in results.items():
        print(f"  {name}: " + (f"{seconds:.1f} s" if seconds is not None else f"not run again within {args.wait:g} s"))


if __name__ == "__main__":
    main()
