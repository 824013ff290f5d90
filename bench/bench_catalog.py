"""Shared catalog benchmark: N generated lots loaded on night 1 and merged on night 2 (5% changed, 2% new) into the
warehouse file, then published to the shared catalog (Iceberg tables, SQL catalog on a throw-away PostgreSQL,
tests/pgcluster.py), while readers query both.

The file is the baseline (what every night does anyway); the catalog's cost is the publish after it (every table
rewritten in full). Printed per night: the file's load, the publish, and the catalog path (load + publish) as a
ratio to the file alone. Run files come from bench_warehouse.py's generator (every Lot field, typed Parquet as a
crawl writes it). Each repeat uses a fresh warehouse and a fresh catalog database. Medians.

Readers: a separate process queries the file (warehouse.db.connect_readonly) and the catalog
(warehouse.catalog.connect_catalog), one after the other, for the whole run: it counts queries, errors and reads
that saw no whole night (a lot count other than 0, N or N + 2%).

    .venv/bin/python bench/bench_catalog.py [--lots 1000000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_warehouse import write_run  # noqa: E402

from tests.pgcluster import PgCluster  # noqa: E402
from warehouse.catalog import NoNight, connect_catalog, publish  # noqa: E402
from warehouse.db import connect_readonly, publishing  # noqa: E402
from warehouse.ingest import ingest  # noqa: E402

QUERY = "SELECT count(*), sum(reserve_price) FROM lots"


def read_loop(db: str, catalog: str, whole: list[int], stop, results) -> None:  # type: ignore[no-untyped-def]
    """Query the file and the catalog in turn until ``stop``; put the tallies on ``results``."""
    tally = {kind: {"queries": 0, "errors": 0, "half": 0, "seconds": [], "last_error": ""}
             for kind in ("file", "catalog")}
    openers = {"file": lambda: connect_readonly(db), "catalog": lambda: connect_catalog(catalog)}
    while not stop.is_set():
        for kind, opener in openers.items():
            t0 = time.perf_counter()
            try:
                con = opener()
                con.execute("SET enable_progress_bar = false")
                try:
                    count, _total = con.execute(QUERY).fetchone()
                finally:
                    con.close()
            except (FileNotFoundError, NoNight):
                count = 0  # nothing published yet
            except Exception as exc:  # noqa: BLE001 - counted and reported
                tally[kind]["errors"] += 1
                tally[kind]["last_error"] = f"{type(exc).__name__}: {exc}"[:300]
                continue
            tally[kind]["queries"] += 1
            if count:  # a night was there to read
                tally[kind]["seconds"].append(time.perf_counter() - t0)
            if count not in whole:
                tally[kind]["half"] += 1
        time.sleep(0.05)
    results.put(tally)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lots", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-readers", action="store_true", help="time the loads without the reader process")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="salvage-bench-catalog-"))
    pg = PgCluster().start()
    try:
        runs = work / "runs"
        nights = [write_run(runs, args.lots, 1, "parquet"), write_run(runs, args.lots, 2, "parquet")]
        print(f"run files: {args.lots:,} lots night 1, {int(args.lots * 1.02):,} night 2; PostgreSQL on "
              f"127.0.0.1:{pg.port}", flush=True)
        whole = [0, args.lots, int(args.lots * 1.02)]
        times: dict[str, list[float]] = {k: [] for k in ("file1", "pub1", "file2", "pub2")}
        tallies = []
        for rep in range(args.repeats):
            db = work / f"w{rep}.duckdb"
            shared = work / f"shared{rep}"
            url = f"{pg.new_database()}?warehouse={shared}"
            ctx = multiprocessing.get_context("spawn")
            stop, results = ctx.Event(), ctx.Queue()
            reader = None
            if not args.no_readers:
                reader = ctx.Process(target=read_loop, args=(str(db), url, whole, stop, results))
                reader.start()
            try:
                for night, meta in enumerate(nights, 1):
                    t0 = time.perf_counter()
                    with publishing(db) as con:
                        con.execute("SET enable_progress_bar = false")  # keeps the figures' lines readable
                        [result] = ingest(con, [meta])
                    t1 = time.perf_counter()
                    published = publish(db, url, wait=600)
                    t2 = time.perf_counter()
                    times[f"file{night}"].append(t1 - t0)
                    times[f"pub{night}"].append(t2 - t1)
                    size = sum(f.stat().st_size for f in shared.rglob("*.parquet")) / 2**20
                    print(f"  repeat {rep + 1} night {night}: file {t1 - t0:.1f} s (+{result.new_lots:,} lots, "
                          f"+{result.new_versions:,} versions), publish {t2 - t1:.1f} s "
                          f"({sum(published.rows.values()):,} rows; data files now {size:,.0f} MiB; file "
                          f"{db.stat().st_size / 2**20:,.0f} MiB)", flush=True)
            finally:
                if reader is not None:
                    stop.set()
                    tallies.append(results.get(timeout=300))
                    reader.join(60)
            db.unlink()
            shutil.rmtree(shared, ignore_errors=True)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"\nmedians of {args.repeats} repeat(s), {args.lots:,} lots:")
        print(f"{'night':<22}{'file':>10}{'publish':>10}{'catalog path':>14}{'ratio':>8}")
        for night, label in ((1, "night 1 (load)"), (2, "night 2 (merge)")):
            file_s, pub_s = med[f"file{night}"], med[f"pub{night}"]
            print(f"{label:<22}{file_s:>9.1f}s{pub_s:>9.1f}s{file_s + pub_s:>13.1f}s"
                  f"{(file_s + pub_s) / file_s:>7.2f}x")
        print("(ratio: the catalog path, file load then publish, to the file alone; 1.00x = the file)")
        for kind in ("file", "catalog"):
            queries = sum(t[kind]["queries"] for t in tallies)
            errors = sum(t[kind]["errors"] for t in tallies)
            half = sum(t[kind]["half"] for t in tallies)
            seconds = [s for t in tallies for s in t[kind]["seconds"]]
            last = next((t[kind]["last_error"] for t in tallies if t[kind]["last_error"]), "")
            if not args.no_readers:
                print(f"readers of the {kind}: {queries} queries during the loads, {errors} errors, {half} saw a "
                      f"part of a night, median open+query {statistics.median(seconds) if seconds else 0:.3f} s of "
                      f"the {len(seconds)} that found a night"
                      + (f" (last error: {last})" if last else ""))
    finally:
        pg.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
