"""Linkage benchmark: asset linkage over N generated lots (time, precision, recall), and the nightly merge with
linkage against the merge alone.

Lots come from the Alibaba replica generator (one generator per 100k lots, different seeds, item ids offset so they
stay unique), with the noise layer of ``bench/linkage_data.py`` (reworded titles, address variants, 万元 rounding,
case-number brackets, 有限责任公司). Night 1 is every lot visible on the generators' night 1; night 2 is their
night 2 (ended auctions, relistings published overnight, new lots). Each repeat uses fresh warehouses:

- night 1 is ingested with ``hooks=[link_assets]``: the hook's own time is the linkage of all N lots (every lot is
  new);
- night 2 is ingested into two copies of that warehouse: without hooks (*merge alone*) and with the hook (*merge with
  linkage*: the incremental linkage of the night's new lots against the N linked ones).

Precision and recall are pairwise over same-asset pairs (the generator's ``asset_key``, never served).
Prints medians.

    .venv/bin/python bench/bench_linkage.py [--lots 1000000] [--repeats 3] [--data DIR]

Generating a million lots takes minutes: ``--data DIR`` keeps the run files and the truth there and reuses them.

Targets: precision >= 0.99, recall >= 0.95; nightly merge with linkage <= 2 x the merge alone.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.linkage_data import pairwise, truth_rows, write_runs  # noqa: E402
from warehouse.db import connect  # noqa: E402
from warehouse.ingest import ingest  # noqa: E402
from warehouse.linkage import link_assets  # noqa: E402

PER_GENERATOR = 100_000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lots", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--data", type=Path, help="keep (and reuse) the generated runs and truth in this folder")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="salvage-bench-linkage-"))
    try:
        t0 = time.perf_counter()
        tables, metas = _data(args.lots, args.data or work)
        new_2 = len({r for r in tables[2].column("source_lot_id").to_pylist()}
                    - set(tables[1].column("source_lot_id").to_pylist()))
        print(f"{tables[1].num_rows:,} lots on night 1, {tables[2].num_rows:,} on night 2 ({new_2:,} new), "
              f"generated with noise (or read back) in {time.perf_counter() - t0:.0f} s", flush=True)
        figures: dict[str, list[float]] = {k: [] for k in (
            "link_all", "precision", "recall", "merge", "merge_linked", "link_night", "precision_2", "recall_2")}
        for rep in range(args.repeats):
            hook_times: list[float] = []
            stats = []

            def timed(connection, results):
                start = time.perf_counter()
                stats.append(link_assets(connection, results))
                hook_times.append(time.perf_counter() - start)

            db = work / f"night1-{rep}.duckdb"
            con = connect(db)
            ingest(con, metas[1], hooks=[timed])
            scores = pairwise(con, tables[1])
            con.close()
            # night 2 on two copies of the same linked night-1 warehouse: the merge alone, then with linkage
            plain, linked = work / f"plain{rep}.duckdb", work / f"linked{rep}.duckdb"
            shutil.copyfile(db, plain)
            shutil.copyfile(db, linked)
            db.unlink()
            con = connect(plain)
            t = time.perf_counter()
            ingest(con, metas[2])
            figures["merge"].append(time.perf_counter() - t)
            con.close()
            plain.unlink()
            con = connect(linked)
            t = time.perf_counter()
            ingest(con, metas[2], hooks=[timed])
            figures["merge_linked"].append(time.perf_counter() - t)
            scores_2 = pairwise(con, tables[2])
            con.close()
            linked.unlink()
            figures["link_all"].append(hook_times[0])
            figures["link_night"].append(hook_times[1])
            figures["precision"].append(scores["precision"])
            figures["recall"].append(scores["recall"])
            figures["precision_2"].append(scores_2["precision"])
            figures["recall_2"].append(scores_2["recall"])
            print(f"  repeat {rep + 1}: linkage of {stats[0].new_lots:,} lots {hook_times[0]:.2f} s "
                  f"({stats[0].candidate_pairs:,} candidate pairs, {stats[0].linked_pairs:,} linked, "
                  f"{stats[0].new_assets:,} assets; rules {stats[0].rules}); "
                  f"precision {scores['precision']:.4f} recall {scores['recall']:.4f} "
                  f"({scores['correct_pairs']:,} of {scores['predicted_pairs']:,} predicted, "
                  f"{scores['true_pairs']:,} true pairs)")
            print(f"            night 2: merge alone {figures['merge'][-1]:.2f} s, merge + linkage "
                  f"{figures['merge_linked'][-1]:.2f} s (linkage {hook_times[1]:.2f} s for {stats[1].new_lots:,} "
                  f"new lots, {stats[1].merges} merges); night-2 precision {scores_2['precision']:.4f} "
                  f"recall {scores_2['recall']:.4f}", flush=True)
        med = {k: statistics.median(v) for k, v in figures.items()}
        n = tables[1].num_rows
        print(f"median linkage of {n:,} lots: {med['link_all']:.2f} s ({n / med['link_all']:,.0f} lots/s); "
              f"precision {med['precision']:.4f} (target >= 0.99), recall {med['recall']:.4f} (target >= 0.95)")
        print(f"median nightly merge at {n:,} lots: alone {med['merge']:.2f} s, with linkage "
              f"{med['merge_linked']:.2f} s = {med['merge_linked'] / med['merge']:.2f} x (target <= 2 x); "
              f"linkage {med['link_night']:.2f} s; after night 2 precision {med['precision_2']:.4f} "
              f"recall {med['recall_2']:.4f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _data(lots: int, folder: Path) -> tuple[dict, dict]:
    """The two nights' truth tables and run files (meta paths), generated or read back from ``folder``."""
    index = folder / f"linkage-{lots}.json"
    if index.exists():
        saved = json.loads(index.read_text())
        tables = {int(n): pq.read_table(folder / f"linkage-{lots}-truth-{n}.parquet") for n in saved}
        return tables, {int(n): [Path(p) for p in paths] for n, paths in saved.items()}
    per = min(PER_GENERATOR, lots)
    seeds = list(range(11, 11 + max(1, round(lots / per))))
    generators: dict = {}
    tables = {night: truth_rows(seeds, per, night, generators=generators) for night in (1, 2)}
    del generators
    folder.mkdir(parents=True, exist_ok=True)
    metas = {night: write_runs(folder / f"runs-{lots}", table, night) for night, table in tables.items()}
    for night, table in tables.items():
        pq.write_table(table, folder / f"linkage-{lots}-truth-{night}.parquet")
    index.write_text(json.dumps({n: [str(p) for p in paths] for n, paths in metas.items()}))
    return tables, metas


if __name__ == "__main__":
    main()
