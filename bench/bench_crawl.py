"""Crawl benchmark: replica pages/s for one crawl process (one core) with parsing, normalizing and staging, and
that process's peak RSS.

The replica runs in this process (a thread: the other core); the crawl is the real `salvage crawl` subprocess.
Pages/s = responses downloaded / the crawl's own elapsed time (Scrapy's start → finish, from the run's stats).

    .venv/bin/python bench/bench_crawl.py [--lots 2000] [--source alibaba_sf] [--repeats 3]

Targets: >= 250 pages/s on one core; crawl process peak RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
from datetime import datetime
from pathlib import Path

from replicas.server import ReplicaServer
from crawlers.runner import run_crawl


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lots", type=int, default=2000)
    ap.add_argument("--source", default="alibaba_sf")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rates, items = [], []
    with ReplicaServer(seed=11, n_lots=args.lots, night=1, interstitial_rate=0) as replica:
        for rep in range(args.repeats):
            work = Path(tempfile.mkdtemp(prefix="salvage-crawl-bench-"))
            try:
                result = run_crawl(args.source, work / "runs", replica=replica.base_url, timeout=900,
                                   settings={"LOG_LEVEL": "WARNING"})
            finally:
                shutil.rmtree(work, ignore_errors=True)
            stats = result.meta.stats
            pages = stats.get("downloader/response_count", 0)
            elapsed = (datetime.fromisoformat(str(stats["finish_time"]))
                       - datetime.fromisoformat(str(stats["start_time"]))).total_seconds()
            rates.append(pages / elapsed)
            items.append(result.meta.items)
            print(f"  repeat {rep + 1}: {result.meta.status}, {result.meta.items} lots, {pages} pages in "
                  f"{elapsed:.1f} s = {pages / elapsed:,.0f} pages/s")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"median: {statistics.median(rates):,.0f} pages/s on one core (target >= 250); "
          f"{statistics.median(items):,.0f} lots a crawl")
    print(f"peak RSS of a crawl process: {peak_mb:,.0f} MB (target <= 300 MB)")


if __name__ == "__main__":
    main()
