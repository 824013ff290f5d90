"""Distributed crawl benchmark: one night of the replicas crawled by 1, 2 and 4 workers under one politeness budget
(the same requests/s and concurrency per site for all workers together, held in Redis: crawlers/politeness.py).

Each setting gets its own redis-server (free port) and worker processes (`schedules.distributed.LocalCluster`); the
replica runs in this process. Pages/s = responses downloaded by every crawl of the night (their Scrapy stats) / the
wall time from dispatch to the last job's result (what a night takes). Printed as ratios to 1 worker; medians over
``--repeats``.

    .venv/bin/python bench/bench_workers.py [--lots 10] [--rps 4] [--workers 1 2 4] [--repeats 1]

More workers than sources buys nothing (a job is one source's crawl), and a site's budget caps its own crawl
however many workers there are: the night ends with its slowest source.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from replicas.server import ReplicaServer
from schedules.distributed import LocalCluster, run_night

SOURCES = ("alibaba_sf", "alibaba_zc", "jd_auction", "cinda_notice", "citic_amc_notice", "coamc_notice")
NIGHT = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def one_night(workers: int, replica: str, rps: float, concurrency: int) -> tuple[float, int, float]:
    """pages/s, pages and seconds of one night crawled by ``workers`` workers."""
    work = Path(tempfile.mkdtemp(prefix="salvage-workers-bench-"))
    try:
        with LocalCluster(work / "runs", workers, log_dir=work / "workers") as cluster:
            time.sleep(2)  # the workers are up and polling before the clock starts
            start = time.perf_counter()
            night = run_night(cluster.queue, SOURCES, work / "w.duckdb", work / "runs", replica=replica,
                              clock=NIGHT, timeout=900, publish=None,
                              settings={"SALVAGE_POLITENESS_RPS": f"{rps:g}",
                                        "SALVAGE_POLITENESS_CONCURRENCY": str(concurrency), "LOG_LEVEL": "WARNING"})
            seconds = time.perf_counter() - start
        bad = [c.meta.source for c in night.crawls if c.meta.status == "failed"]
        if bad:
            raise SystemExit(f"crawls failed: {', '.join(bad)}; see {work}")
        pages = sum(int(c.meta.stats.get("downloader/response_count", 0)) for c in night.crawls)
        return pages / seconds, pages, seconds
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lots", type=int, default=10, help="lots per source in the replica")
    ap.add_argument("--rps", type=float, default=4.0, help="the budget: requests/s per site, all workers together")
    ap.add_argument("--concurrency", type=int, default=4, help="the budget: requests in flight per site")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    rates: dict[int, list[float]] = {w: [] for w in args.workers}
    print(f"{len(SOURCES)} sources, {args.lots} lots each, budget {args.rps:g} requests/s and {args.concurrency} "
          f"in flight per site")
    with ReplicaServer(seed=11, n_lots=args.lots, night=1, interstitial_rate=0) as replica:
        for rep in range(args.repeats):
            for w in args.workers:
                rate, pages, seconds = one_night(w, replica.base_url, args.rps, args.concurrency)
                rates[w].append(rate)
                print(f"  repeat {rep + 1}, {w} workers: {pages} pages in {seconds:.1f} s = {rate:.1f} pages/s",
                      flush=True)
    base = statistics.median(rates[args.workers[0]])
    print(f"\nworkers  pages/s (median of {args.repeats})  ratio to {args.workers[0]} worker")
    for w in args.workers:
        median = statistics.median(rates[w])
        print(f"{w:>7}  {median:>24.1f}  {median / base:>5.2f}")


if __name__ == "__main__":
    main()
