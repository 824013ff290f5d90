"""Where the nightly merge's time goes as the warehouse grows: each statement of the merge timed at each size, beside
an anchor, the least any merge must do with the night's run file (one scan of it hashing every column).

`bench_growth.py` gives the merge's growth exponent as one figure from single runs; on a shared machine that figure
moves a lot (b 1.11 and 1.26 on the same day). This bench says which statement grows and whether it grows faster
than the scan of the input does on the same machine in the same run: a statement whose growth factor stays near the
scan's is linear in what it reads, whatever the machine's noise and caches add to both.

The warehouses are built as `bench_growth.py`'s merge stage builds them (night 1 ingested; night 2 with 5 % changed
and 2 % new, untimed), kept under --work so that a rerun reuses them. Each size's merge runs --repeats times on fresh
copies, its statements interleaved with the anchor's scan; the medians are printed, then each statement's growth
factor from the smallest to the largest size beside the anchor's.

    .venv/bin/python bench/bench_merge_statements.py [--sizes 1M,10M] [--repeats 3] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_growth import _connect, _fresh_copy, growth_exponent, label, parse_size, setup  # noqa: E402
from contracts.columns import LOT_COLUMN_NAMES  # noqa: E402
from contracts.runfiles import RunMeta, RunPaths  # noqa: E402
from warehouse import ingest as ing  # noqa: E402

ANCHOR = "scan: the run file read, every column hashed"


def statements(con, meta_path: Path) -> list[str]:
    """The merge's statements for the run at ``meta_path``, in the order `ingest` runs them."""
    meta, paths = RunMeta.load(meta_path), RunPaths.for_meta(meta_path)
    src = ing._source_sql(paths.lots, None, ing._parquet_columns(con, paths.lots))
    return [s.strip() for s in ing._merge_sql(meta.run_id, meta.source, src).split(";\n") if s.strip()]


def name(sql: str) -> str:
    words = sql.split()
    return " ".join(words[:6] if words[0] == "CREATE" else words[:3])  # CREATE OR REPLACE TEMP TABLE <name>


def one_size(n: int, work: Path, repeats: int, memory_limit: str) -> dict[str, float]:
    work.mkdir(parents=True, exist_ok=True)
    info_file = work / "info.json"
    if not info_file.exists():
        info_file.write_text(json.dumps(setup("merge", n, work, memory_limit)))
    meta_path = Path(json.loads(info_file.read_text())["night2"][0])
    lots = RunPaths.for_meta(meta_path).lots
    columns = ", ".join(c for c in LOT_COLUMN_NAMES if c != "fetched_at")
    anchor_sql = f"SELECT sum(hash({columns})) FROM read_parquet('{lots}')"
    times: dict[str, list[float]] = {}
    for _ in range(repeats):
        db = _fresh_copy(work / "base.duckdb", work)
        con = _connect(db, memory_limit)
        t0 = time.perf_counter()
        con.execute(anchor_sql).fetchall()
        times.setdefault(ANCHOR, []).append(time.perf_counter() - t0)
        con.execute("BEGIN")
        for sql in [*statements(con, meta_path), "COMMIT", "CHECKPOINT"]:
            t0 = time.perf_counter()
            con.execute(sql)
            times.setdefault(name(sql), []).append(time.perf_counter() - t0)
        con.close()
        db.unlink()
    return {k: statistics.median(v) for k, v in times.items()}


def main(argv: list[str] | None = None) -> dict[int, dict[str, float]]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1M,10M", help="lots per night, comma-separated (default 1M,10M)")
    ap.add_argument("--repeats", type=int, default=3, help="merges per size on fresh copies (medians printed)")
    ap.add_argument("--memory-limit", default="8GB", help="DuckDB's memory_limit (default 8GB)")
    ap.add_argument("--work", type=Path, default=None, help="where the warehouses are built and kept (default: temp)")
    args = ap.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="salvage-merge-"))
    figures = {n: one_size(n, work / f"n{n}", args.repeats, args.memory_limit) for n in sizes}
    rows = list(figures[sizes[0]])
    print(f"{'statement':44}" + "".join(f"{label(n):>10}" for n in sizes) + f"{'growth':>10}{'b':>7}")
    for row in rows:
        secs = [figures[n][row] for n in sizes]
        factor = secs[-1] / secs[0] if secs[0] > 0 else float("nan")
        b = growth_exponent(sizes, secs)
        print(f"{row[:44]:44}" + "".join(f"{s:10.3f}" for s in secs) + f"{factor:10.1f}"
              + (f"{b:7.2f}" if b is not None else f"{'':>7}"))
    total = [sum(v for k, v in figures[n].items() if k != ANCHOR) for n in sizes]
    print(f"{'merge, every statement':44}" + "".join(f"{s:10.3f}" for s in total)
          + f"{total[-1] / total[0]:10.1f}{growth_exponent(sizes, total):7.2f}")
    print(f"(medians of {args.repeats} merges per size; growth = seconds at {label(sizes[-1])} / at {label(sizes[0])}, "
          f"{sizes[-1] / sizes[0]:g}x the lots)")
    return figures


if __name__ == "__main__":
    main()
