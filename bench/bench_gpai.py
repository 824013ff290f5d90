"""Parse benchmark for 公拍网 (gpai): pages/s on one core of `crawlers.parsers.gpai` beside a plain selectolax
extraction of the same fields from the same pages, in the same run.

Pages come from the replica (seed 7, 300 lots, night 1): full list pages (20 lots each) and lot pages of every state.
The baseline decodes the bytes and reads each field with its own selector (the lots' title links, badges, price lines,
开始时间 and bid counts; the lot page's title, price box, table cells, counters and bid count) and does nothing else:
no text cleaning, no identity, no checks. Each measurement runs for about --seconds and is repeated; medians.

    .venv/bin/python bench/bench_gpai.py [--seconds 1] [--repeats 3]

Target: the parser >= 0.8 x its baseline.
"""

from __future__ import annotations

import argparse
import statistics
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser
from timing import rate  # bench/timing.py (scripts run with bench/ on sys.path)

from crawlers.parsers import gpai
from replicas.server import ReplicaServer

FETCHED = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
LIST = "http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate={}&at={}"


def baseline_list(body: bytes) -> list[dict]:
    tree = LexborHTMLParser(body.decode("utf-8"))
    items = []
    for item in tree.css("div.list-item"):
        link = item.css_first("div.item-tit a")
        badge = item.css_first("span.badge-icon")
        prices = [b.text() for b in item.css("div.gpai-infos b")]
        start = item.css_first("div.gpai-infos p:nth-of-type(3) span")
        bids = item.css_first("div.whalf.fl")
        items.append({"href": link.attributes.get("href"), "title": link.text(strip=True),
                      "badge": badge.text(strip=True), "class": badge.attributes.get("class"), "prices": prices,
                      "start": start.text() if start is not None else None,
                      "bids": bids.text(strip=True) if bids is not None else None})
    pages = tree.css_first("span.page-infos label")
    return [items, pages.text() if pages is not None else None]


def baseline_detail(body: bytes) -> dict:
    tree = LexborHTMLParser(body.decode("utf-8"))

    def text(css: str) -> str | None:
        node = tree.css_first(css)
        return node.text(strip=True) if node is not None else None

    return {
        "title": text("div.d-m-title b"), "phase": text("div.d-m-time span.time-txt"),
        "outcome": text("div.d-m-time label"), "price": text("div.d-m-price p"),
        "cells": [td.text(strip=True) for td in tree.css("div.d-m-tb td")],
        "people": [b.text() for b in tree.css("div.peoples-infos span b")], "bids": text("span#html_Bid_Shu"),
    }


def pages() -> tuple[list[tuple[bytes, str]], list[tuple[bytes, str]]]:
    def get(replica: ReplicaServer, url: str) -> bytes:
        parts = urlsplit(url)
        return replica.respond(parts.netloc, f"{parts.path}?{parts.query}").body

    with ReplicaServer(seed=7, n_lots=300, night=1, interstitial_rate=0) as replica:
        next(s for s in replica.sites if "www.gpai.net" in s.hosts).redirect_rate = 0
        lists = [(get(replica, url), url) for url in (LIST.format(1, 376), LIST.format(1, 376) + "&Page=1",
                                                      LIST.format(4, 376), LIST.format(3, 376))]
        lots = replica.gpai_generator.lots_for(1)
        picked = {}
        for lot in lots:  # one lot page of each state and round
            picked.setdefault((lot.state, lot.round_no), lot)
        details = [(get(replica, lot.url), lot.url) for lot in picked.values()]
    return lists, details


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    lists, details = pages()
    cases = [
        ("gpai list", lists, lambda b, u: gpai.parse_list(b, u, FETCHED), baseline_list),
        ("gpai detail", details, lambda b, u: gpai.parse_detail(b, u, FETCHED), baseline_detail),
    ]
    print(f"pages/s on one core, median of {args.repeats} x {args.seconds:.1f} s")
    print(f"{'page':<12} {'pages':>5} {'bytes':>7} {'parser':>9} {'baseline':>9} {'ratio':>6}")
    for name, group, ours, base in cases:
        def run_ours(group=group, ours=ours) -> None:
            for body, url in group:
                ours(body, url)

        def run_base(group=group, base=base) -> None:
            for body, _ in group:
                base(body)

        ratios, o_rates, b_rates = [], [], []
        for _ in range(args.repeats):  # interleaved, so that a busy machine slows both alike
            o = rate(run_ours, args.seconds) * len(group)
            b = rate(run_base, args.seconds) * len(group)
            o_rates.append(o)
            b_rates.append(b)
            ratios.append(o / b)
        size = sum(len(b) for b, _ in group) // len(group)
        print(f"{name:<12} {len(group):>5} {size:>7,} {statistics.median(o_rates):>9,.0f} "
              f"{statistics.median(b_rates):>9,.0f} {statistics.median(ratios):>6.2f}")


if __name__ == "__main__":
    main()
