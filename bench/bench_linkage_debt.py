"""Cross-platform debt packages: linkage precision and recall on tests/golden/linkage/cross_platform_debt.jsonl (AMC
notices and the CBEX listings of the same packages, plus near misses), with the rule ``debt_package`` and without
it (every other rule unchanged), and the linkage time of both, as medians.

The AMC notices are ingested on night 1, the CBEX listings on night 2, each night with ``hooks=[link_assets]``;
precision and recall are pairwise over same-asset pairs (the file's ``asset`` key), as bench/bench_linkage.py
counts them.

    .venv/bin/python bench/bench_linkage_debt.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.linkage_data import pairwise  # noqa: E402
from contracts.models import Lot  # noqa: E402
from contracts.runfiles import RunWriter  # noqa: E402
from warehouse import linkage  # noqa: E402
from warehouse.db import connect  # noqa: E402
from warehouse.ingest import ingest  # noqa: E402

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "golden" / "linkage" / "cross_platform_debt.jsonl"
NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def load(path: Path = GOLDEN) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _runs(lines: list[dict], runs: Path) -> list[list[Path]]:
    """Night 1: one run per AMC source; night 2: the CBEX run."""
    nights: list[list[Path]] = [[], []]
    by_source: dict[str, list[Lot]] = {}
    for line in lines:
        by_source.setdefault(line["lot"]["source"], []).append(Lot(**line["lot"]))
    for source, lots in sorted(by_source.items()):
        night = 2 if source == "cbex" else 1
        started = NIGHT_1 + timedelta(days=night - 1)
        writer = RunWriter(runs, source, started, fmt="parquet")
        for lot in lots:
            writer.write_lot(lot)
        writer.close(started + timedelta(minutes=5), "ok", None, {"salvage/items": len(lots)})
        nights[night - 1].append(writer.paths.meta)
    return nights


def evaluate(work: Path, *, with_rule: bool = True, lines: list[dict] | None = None) -> dict:
    """Precision, recall and pair counts of the linkage of the golden lots (and the hook's time in seconds)."""
    lines = lines if lines is not None else load()
    nights = _runs(lines, work / "runs")
    con = connect(work / "w.duckdb")
    hook_time = 0.0

    def timed(connection, results):
        nonlocal hook_time
        start = time.perf_counter()
        linkage.link_assets(connection, results)
        hook_time += time.perf_counter() - start

    off = mock.patch.object(linkage, "debt_package_fires", lambda cols: np.zeros(len(cols["principal_ratio"]), bool))
    with nullcontext() if with_rule else off:
        for metas in nights:
            ingest(con, metas, hooks=[timed])
    truth = pa.table({"source": [x["lot"]["source"] for x in lines],
                      "source_lot_id": [x["lot"]["source_lot_id"] for x in lines],
                      "asset_key": [x["asset"] for x in lines]})
    scores = pairwise(con, truth)
    scores["rules"] = dict(con.execute("SELECT rule, count(*) FROM fct_lot_links GROUP BY rule ORDER BY rule")
                           .fetchall())
    scores["seconds"] = hook_time
    con.close()
    return scores


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    lines = load()
    kinds = {k: sum(x["kind"] == k for x in lines) for k in ("pair", "near_miss", "resembled")}
    print(f"{GOLDEN.name}: {len(lines)} lots, {kinds['pair'] // 2} same-package pairs, {kinds['near_miss']} near "
          f"misses (with the {kinds['resembled']} AMC packages they resemble)")
    results: dict[bool, list[dict]] = {True: [], False: []}
    for _ in range(args.repeats):
        for with_rule in (True, False):
            with tempfile.TemporaryDirectory() as work:
                results[with_rule].append(evaluate(Path(work), with_rule=with_rule, lines=lines))
    best = statistics.median(r["seconds"] for r in results[False])
    for with_rule in (True, False):
        rs = results[with_rule]
        first = rs[0]
        print(f"{'with' if with_rule else 'without'} debt_package: precision {first['precision']:.3f} recall "
              f"{first['recall']:.3f} ({first['correct_pairs']}/{first['true_pairs']} pairs, {first['predicted_pairs']} "
              f"predicted); linkage median {statistics.median(r['seconds'] for r in rs) * 1000:.0f} ms = "
              f"{statistics.median(r['seconds'] for r in rs) / best:.2f} x without the rule; rules {first['rules']}")


if __name__ == "__main__":
    main()
