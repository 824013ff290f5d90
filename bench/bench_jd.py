"""JD parse benchmark: pages/s on one core for the JD parser beside a plain ``json.loads`` of the same pages.

Pages come from the JD replica (seed 7, 300 lots, night 1; realistic sizes): a ``paimai_unifiedSearch`` page of 40
lots, ``getProductBasicInfo`` and ``getPaimaiRealTimeData`` of one lot (the detail functions every lot costs), and
``queryProductDescription`` of a 债权 package (HTML table; only 债权 lots fetch it). The baseline only decodes the
JSON; the parser also checks the envelope, builds the records and, for the description, expands the debt table.
Each measurement runs for about --seconds and is repeated; medians are printed. The process is pinned to one core.

    .venv/bin/python bench/bench_jd.py [--seconds 1] [--repeats 5]

Target: list and detail parsing >= 0.8 x the json.loads baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from timing import rate  # bench/timing.py (scripts run with bench/ on sys.path)

from crawlers.parsers import jd_auction as jd
from normalizers.lot import to_lot
from replicas.jd import JdGenerator, JdSite
from replicas.jd.site import api_url, search_url

FETCHED = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))


def fetch(site: JdSite, url: str) -> bytes:
    parts = urlsplit(url)
    return site.handle(parts.netloc, f"{parts.path}?{parts.query}").body


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    gen = JdGenerator(seed=7, n_lots=300)
    site = JdSite(gen)
    list_url = search_url(1, 40)
    lot = next(l for l in gen.lots_for(1) if l.bid_count >= 10)
    package = max((l for l in gen.lots_for(1) if l.package and len(l.package.loans) < 30),
                  key=lambda l: len(l.package.loans))
    basic_url = api_url("getProductBasicInfo", {"paimaiId": lot.paimai_id})
    realtime_url = api_url("getPaimaiRealTimeData", {"paimaiId": lot.paimai_id, "start": 0, "end": 9, "source": 0})
    desc_url = api_url("queryProductDescription", {"paimaiId": package.paimai_id, "source": 0})
    pages = {name: fetch(site, url) for name, url in
             (("list", list_url), ("basic", basic_url), ("realtime", realtime_url), ("desc", desc_url))}
    cases = [
        ("search (40 lots)", "list", lambda: jd.parse_list(pages["list"], list_url, FETCHED)),
        ("basic info", "basic", lambda: jd.parse_basic(pages["basic"], basic_url, FETCHED)),
        ("real-time data", "realtime", lambda: jd.parse_realtime(pages["realtime"], realtime_url, FETCHED)),
        (f"债权 desc ({len(package.package.loans)} loans)", "desc",
         lambda: jd.parse_desc(pages["desc"], desc_url, FETCHED)),
    ]
    print(f"pages/s on one core, median of {args.repeats} x {args.seconds:.1f} s")
    print(f"{'page':<22} {'bytes':>7} {'parser':>9} {'json.loads':>10} {'ratio':>6}  (median of per-run ratios)")
    for name, key, ours in cases:
        body = pages[key]
        ours_rates, base_rates = [], []
        for _ in range(args.repeats):  # interleaved, so that both see the same load on a shared machine
            ours_rates.append(rate(ours, args.seconds))
            base_rates.append(rate(lambda b=body: json.loads(b), args.seconds))
        o, b = statistics.median(ours_rates), statistics.median(base_rates)
        ratio = statistics.median(x / y for x, y in zip(ours_rates, base_rates, strict=True))
        print(f"{name:<22} {len(body):>7,} {o:>9,.0f} {b:>10,.0f} {ratio:>6.2f}")
    record = {**jd.parse_list(pages["list"], list_url, FETCHED).records[0]}
    normalize = statistics.median(rate(lambda: to_lot(record), args.seconds) for _ in range(args.repeats))
    print(f"normalize (to_lot of a JD list record): {normalize:,.0f} lots/s")


if __name__ == "__main__":
    main()
