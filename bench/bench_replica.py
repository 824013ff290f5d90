"""Replica benchmark: how many pages a second the loopback replica serves (it must never be what limits a crawl
benchmark). Four client threads on keep-alive connections fetch small JSON answers, detail pages and list pages.

    .venv/bin/python bench/bench_replica.py [--seconds 2] [--repeats 3]

Target: small answers well over 500/s (the crawl bench needs about 300 pages/s).
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import threading
import time

from replicas.server import ReplicaServer


def rate(rep: ReplicaServer, host: str, paths: list[str], seconds: float, threads: int = 4) -> float:
    done = [0] * threads

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", rep.port, timeout=10)
        end, n = time.perf_counter() + seconds, 0
        while time.perf_counter() < end:
            conn.request("GET", paths[(k * 37 + n) % len(paths)], headers={"Host": host})
            conn.getresponse().read()
            n += 1
        done[k] = n
        conn.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with ReplicaServer(seed=7, n_lots=300, night=1, interstitial_rate=0) as rep:
        sf = [lot for lot in rep.generator.lots_for(1) if lot.source == "sf"]
        cases = {
            "bid records (small JSON)": ("sf.taobao.com",
                                         [f"/json/get_bid_records.htm?id={lot.item_id}" for lot in sf]),
            "detail page (~45 KB)": ("sf-item.taobao.com", [f"/sf_item/{lot.item_id}.htm" for lot in sf]),
            "list page (~65 KB)": ("sf.taobao.com", [f"/item_list.htm?category=0&page={p}" for p in (1, 2, 3)]),
        }
        for name, (host, paths) in cases.items():
            rates = [rate(rep, host, paths, args.seconds) for _ in range(args.repeats)]
            print(f"{name:<26} {statistics.median(rates):>7,.0f} pages/s (median of {args.repeats})")


if __name__ == "__main__":
    main()
