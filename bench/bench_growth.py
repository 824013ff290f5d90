"""Growth benchmark: how the cost of the warehouse's nightly stages grows with the number of lots.

For each size in --sizes and each stage, a *setup* child process builds the warehouse the stage starts from
(untimed), then a *measure* child process runs the stage --repeats times on fresh copies of it; the parent reads
that child's own peak RSS (``os.wait4``: the child's rusage alone, not the other children's), so the peak memory
printed is the stage's own. DuckDB's ``memory_limit`` is set (default 8GB) in every run; a stage "fits" when its
child finished without running out of memory and its peak RSS is within the limit.

Stages (each reusing the generator of its own benchmark):
- ``merge``: the nightly merge, night 2 of ``bench_warehouse`` (5 % changed, 2 % new) on a warehouse holding night 1;
- ``views``: every analyst view of ``bench_views`` (three nights, 30 % relisted), each computed whole
  (``SELECT bit_xor(hash(COLUMNS(*))) FROM view``); the seconds are their sum, each view also printed apart;
- ``linkage``: the linkage hook on night 2 (the night's new lots against n linked lots). The lots are the Alibaba
  replica generator's with ``linkage_data``'s noise; generating them is slow (minutes per million), so one generator
  of 100k lots is tiled: tile t > 0 gets ids offset by t·10^13 and a tag on its city, case number and debtor, so
  tiles share no blocking key (they are different assets, as different generators' lots would be);
- ``alerts``: the alert hook on night 2 of ``bench_alerts`` (1,000 saved searches);
- ``history``: one lot's full price history through the real ``lot_history`` view (``WHERE source = ? AND
  source_lot_id = ? ORDER BY version_no``), median over 200 random lots, at --history-rows history rows, beside the
  anchor: the same point query on a plain copy of the table with an ART index (``CREATE INDEX``), in the same
  process. The history is appended night by night as ingest appends it (lot i has 1 + i % 4 versions).

The growth exponent b of time ≈ a·n^b is fitted by least squares on log-log (numpy); b > 1.1 is flagged. Each stage is
timed twice over: wall seconds, and CPU seconds (``time.process_time`` of the measuring child: every thread, DuckDB's
included). On a shared machine other jobs stretch the wall seconds of a long run more than a short one; the CPU
seconds count only the stage's own work, so their b is the steadier one.

    .venv/bin/python bench/bench_growth.py [--sizes 1M,3M,10M] [--quick] [--repeats R] [--stages merge,views]

Targets: nothing grows above linear; 10M lots fit in 8 GiB; one lot's history at 10M rows <= 10 ms.

Results, 4 December 2026, ``--quick``, on the 2-core machine shared with about nine other jobs (load average 12-17:
times several times an idle machine's, and noisy), DuckDB 2.0.1, memory_limit 8GB:

    stage     100k      300k      1M        b      peak RSS at 1M
    merge     1.69 s    7.34 s    8.57 s    0.70   718 MB
    views     0.37 s    1.64 s   12.59 s    1.53   377 MB   (sum of the seven; a 10M build ran beside the 1M run)
    linkage   2.51 s    3.80 s    9.70 s    0.59   913 MB
    alerts    0.80 s    6.36 s   11.31 s    1.14   1,023 MB

Every stage fits in 8 GiB at 1M lots. Again at 1M and 3M with the history index (load 4-10): merge 3.93 s and
22.40 s (b 1.58 ABOVE LINEAR; peak 752 / 1,672 MB; an A/B at 3M gave 14.1 / 25.0 s with the index and 23.8 / 26.7 s
without: not the index, cause not yet found); views 4.15 s and 11.61 s (b 0.94; peak 373 / 797 MB; per view b from
0.53, price_drops, to 1.74, status_changes). The 10M-lot runs were not made (the shared machine's time ran out).
One lot's history at 10M history rows (median of 200 lots, first pass / same lots again), through lot_history:
24.6 / 16.0 ms without an index; 15.1 / 13.7 ms with the warehouse's ART index on source_lot_id (every column),
2.6 / 1.2 ms for the price columns only; the anchor (plain table, ART index, every column): 9.1 / 2.0 ms.
The index costs the 1M-lot merge about 0.2 s (A/B, same moment: 2.88 s with, 2.65 s without).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.timing import Clock  # noqa: E402

STAGES = ("merge", "views", "linkage", "alerts")
HISTORY_LOTS = 200
LINKAGE_TILE = 100_000


# ---------------------------------------------------------------- fitting and sizes


def growth_exponent(sizes: list[float], seconds: list[float]) -> float | None:
    """b of seconds ≈ a·size^b, least squares on log-log; None with fewer than two usable points."""
    pts = [(n, t) for n, t in zip(sizes, seconds, strict=True) if n > 0 and t and t > 0]
    if len({n for n, _ in pts}) < 2:
        return None
    x = np.log([n for n, _ in pts])
    y = np.log([t for _, t in pts])
    b, _ = np.polyfit(x, y, 1)
    return float(b)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    mult = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * mult)


def label(n: int) -> str:
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1_000 and n % 100 == 0:
        return f"{n / 1_000:g}k"
    return str(n)


# ---------------------------------------------------------------- children: setup and measure


def _connect(db: Path, memory_limit: str, read_only: bool = False):
    from warehouse.db import connect

    con = connect(db, read_only=read_only)
    con.execute(f"SET memory_limit = '{memory_limit}'")
    return con


def _fresh_copy(base: Path, work: Path) -> Path:
    db = work / "run.duckdb"
    for p in (db, db.with_name(db.name + ".wal")):
        p.unlink(missing_ok=True)
    shutil.copyfile(base, db)
    return db


def setup(stage: str, n: int, work: Path, memory_limit: str) -> dict:
    import duckdb

    from warehouse.ingest import ingest

    duckdb.execute(f"SET memory_limit = '{memory_limit}'")
    base = work / "base.duckdb"
    info: dict = {}
    if stage == "merge":
        from bench.bench_warehouse import write_run

        metas = [write_run(work / "runs", n, night, "parquet") for night in (1, 2)]
        con = _connect(base, memory_limit)
        ingest(con, metas[:1])
        con.close()
        info["night2"] = [str(metas[1])]
    elif stage == "views":
        from bench.bench_views import link_relistings, write_run

        con = _connect(base, memory_limit)
        for night in (1, 2, 3):
            ingest(con, [write_run(work / "runs", n, night)])
        link_relistings(con)
        con.close()
    elif stage == "linkage":
        from warehouse.linkage import link_assets

        metas = _linkage_runs(n, work)
        con = _connect(base, memory_limit)
        ingest(con, metas[1], hooks=[link_assets])
        con.close()
        info["night2"] = [str(p) for p in metas[2]]
    elif stage == "alerts":
        from bench.bench_alerts import make_searches, write_run
        from alerts.events import EventsHook

        metas = [write_run(work / "runs", n, night) for night in (1, 2)]
        con = _connect(base, memory_limit)
        ingest(con, metas[:1], hooks=[EventsHook(searches=make_searches(1000))])
        con.close()
        info["night2"] = [str(metas[1])]
    elif stage == "history":
        _history_warehouse(base, n, memory_limit)
    else:
        raise ValueError(f"unknown stage {stage!r}")
    shutil.rmtree(work / "runs.tmp", ignore_errors=True)
    return info


def _linkage_runs(n: int, work: Path) -> dict[int, list[Path]]:
    """Night 1 and 2 run files of about n lots: one 100k-lot generator's lots (with noise), tiled."""
    import duckdb

    from bench.linkage_data import truth_rows, write_runs

    per = min(n, LINKAGE_TILE)
    tiles = max(1, round(n / per))
    generators: dict = {}
    out = {}
    for night in (1, 2):
        table = truth_rows([11], per, night, generators=generators)
        con = duckdb.connect()
        con.register("one", table)
        tag = "'甲' || t::VARCHAR"  # t = 0 is the generator's own data, untouched
        tiled = con.execute(f"""
            SELECT * REPLACE (
                CASE WHEN t = 0 THEN source_lot_id ELSE (source_lot_id::BIGINT + t * 10000000000000)::VARCHAR END
                    AS source_lot_id,
                CASE WHEN t = 0 THEN city ELSE city || {tag} END AS city,
                CASE WHEN t = 0 OR case_number IS NULL THEN case_number ELSE case_number || {tag} END AS case_number,
                CASE WHEN t = 0 OR debtor IS NULL THEN debtor ELSE debtor || {tag} END AS debtor,
                CASE WHEN t = 0 THEN asset_key ELSE asset_key || '#' || t::VARCHAR END AS asset_key)
            FROM one, range({tiles}) r(t)""").to_arrow_table()
        con.close()
        out[night] = write_runs(work / "runs" / f"night{night}", tiled, night)
    return out


def _history_warehouse(base: Path, rows: int, memory_limit: str) -> None:
    """A warehouse whose fct_lot_versions has about ``rows`` rows, appended night by night as ingest appends them:
    lot i has 1 + i % 4 versions (night k adds version k of the lots with i % 4 >= k - 1), plus the anchor table."""
    from bench.bench_warehouse import NIGHT_1, lots_sql
    from contracts.columns import LOT_COLUMN_NAMES, LOT_TYPES

    lots = max(4, int(rows / 2.5))
    con = _connect(base, memory_limit)
    typed = ", ".join(f"CAST({c} AS {LOT_TYPES[c]}) AS {c}" for c in LOT_COLUMN_NAMES)
    for night in (1, 2, 3, 4):
        start = f"TIMESTAMPTZ '{NIGHT_1.isoformat()}' + INTERVAL {night - 1} DAY"
        con.execute(f"""
            INSERT INTO fct_lot_versions
            SELECT {typed}, {night}, {start},
                   CASE WHEN i % 4 >= {night} THEN {start} + INTERVAL 1 DAY END, 'night{night}'
            FROM (SELECT *, source_lot_id::BIGINT - 100000000000 AS i FROM ({lots_sql(lots, 1, 0, 0)}))
            WHERE i % 4 >= {night - 1}""")
    con.execute("""
        INSERT INTO dim_lots
        SELECT source, source_lot_id, min(valid_from), max(valid_from), max(version_no), max(valid_from), 0, 0,
               'night4'
        FROM fct_lot_versions GROUP BY ALL""")
    # the anchor: the same rows in a plain table with an ART index on the lot id (DuckDB scans an ART index for an
    # equality on a single-column index only: one on (source, source_lot_id) is not used for this query); and the
    # same rows with no index at all (what the history cost before the warehouse had its index)
    con.execute("CREATE TABLE bench_anchor AS SELECT * FROM fct_lot_versions")
    con.execute("CREATE INDEX bench_anchor_lot ON bench_anchor (source_lot_id)")
    con.execute("CREATE TABLE bench_no_index AS SELECT * FROM fct_lot_versions")
    con.execute("CHECKPOINT")
    con.close()


def measure(stage: str, n: int, work: Path, repeats: int, memory_limit: str, info: dict) -> dict:
    from warehouse.ingest import ingest

    base = work / "base.duckdb"
    times: list[float] = []
    cpu: list[float] = []
    extra: dict = {}
    if stage in ("merge", "linkage", "alerts"):
        night2 = [Path(p) for p in info["night2"]]
        for _ in range(repeats):
            db = _fresh_copy(base, work)
            con = _connect(db, memory_limit)
            if stage == "merge":
                with Clock() as clock:
                    ingest(con, night2)
                times.append(clock.wall)
                cpu.append(clock.cpu)
            elif stage == "linkage":
                from warehouse.linkage import link_assets

                clocks: list[Clock] = []

                def timed(connection, results, clocks=clocks):
                    with Clock() as clock:
                        stats = link_assets(connection, results)
                    clocks.append(clock)
                    extra["new_lots"] = stats.new_lots

                ingest(con, night2, hooks=[timed])
                times.append(clocks[0].wall)
                cpu.append(clocks[0].cpu)
            else:
                from bench.bench_alerts import TimedHook, make_searches

                hook = TimedHook(make_searches(1000))
                ingest(con, night2, hooks=[hook])
                times.append(hook.seconds[0])
                cpu.append(hook.cpu_seconds[0])
            extra["lots"] = con.execute("SELECT count(*) FROM dim_lots").fetchone()[0]
            con.close()
            db.unlink()
    elif stage == "views":
        from warehouse.export import ANALYST_VIEWS

        con = _connect(base, memory_limit, read_only=True)
        per_view: dict[str, float] = {}
        per_view_cpu: dict[str, float] = {}
        for view in ANALYST_VIEWS:
            runs, cpu_runs = [], []
            for _ in range(repeats):
                with Clock() as clock:
                    con.execute(f"SELECT bit_xor(hash(COLUMNS(*))) FROM {view}").fetchall()
                runs.append(clock.wall)
                cpu_runs.append(clock.cpu)
            per_view[view] = statistics.median(runs)
            per_view_cpu[view] = statistics.median(cpu_runs)
        extra["lots"] = con.execute("SELECT count(*) FROM lots").fetchone()[0]
        con.close()
        extra["views"] = per_view
        times = [sum(per_view.values())]
        cpu = [sum(per_view_cpu.values())]
    elif stage == "history":
        con = _connect(base, memory_limit, read_only=True)
        keys = con.execute(f"SELECT source, source_lot_id FROM dim_lots USING SAMPLE reservoir({HISTORY_LOTS}) "
                           "REPEATABLE (7)").fetchall()
        extra["rows"] = con.execute("SELECT count(*) FROM lot_history").fetchone()[0]
        figures = {}
        price = "version_no, valid_from, valid_to, status, round, reserve_price, current_price, final_price"
        for name, table, cols in (("view", "lot_history", "*"), ("anchor", "bench_anchor", "*"),
                                  ("no_index", "bench_no_index", "*"), ("view_prices", "lot_history", price)):
            sql = f"SELECT {cols} FROM {table} WHERE source = ? AND source_lot_id = ? ORDER BY version_no"
            con.execute(sql, list(keys[0])).fetchall()  # the first query reads the catalog
            for attempt in ("", "_again"):  # each lot's blocks read from the file, then from DuckDB's buffers
                runs, versions = [], 0
                for key in keys:
                    t0 = time.perf_counter()
                    versions += len(con.execute(sql, list(key)).fetchall())
                    runs.append(time.perf_counter() - t0)
                figures[name + attempt] = statistics.median(runs) * 1000
            extra[f"{name}_versions"] = versions
        con.close()
        extra["ms"] = {k: round(v, 3) for k, v in figures.items()}
        extra["view_ms"], extra["anchor_ms"], extra["no_index_ms"] = (figures["view"], figures["anchor"],
                                                                      figures["no_index"])
        times = [figures["view"] / 1000]
    if cpu:
        extra["cpu_seconds"] = statistics.median(cpu)
    return {"seconds": statistics.median(times), "times": times, **extra}


def child_main(args: argparse.Namespace) -> None:
    work = Path(args.work)
    info_file = work / "setup.json"
    if args.child == "setup":
        info = setup(args.stage, args.n, work, args.memory_limit)
        info_file.write_text(json.dumps(info))
    else:
        info = json.loads(info_file.read_text())
        result = measure(args.stage, args.n, work, args.repeats, args.memory_limit, info)
        (work / "result.json").write_text(json.dumps(result))


# ---------------------------------------------------------------- the parent


@dataclass
class Row:
    stage: str
    n: int
    seconds: float | None = None
    cpu_seconds: float | None = None
    peak_mb: float | None = None
    fits: bool | None = None
    error: str | None = None
    extra: dict = field(default_factory=dict)


def _run_child(kind: str, stage: str, n: int, work: Path, repeats: int, memory_limit: str,
               log: Path) -> tuple[int, float]:
    """Run one child; its exit status and its own peak RSS in MB (rusage of that child alone)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--stage", stage, "--n", str(n),
           "--work", str(work), "--repeats", str(repeats), "--memory-limit", memory_limit]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[1])
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024  # KiB on Linux


def limit_bytes(text: str) -> float:
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    mult = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}.get(text[-1:], 1)
    return float(text.rstrip("KMGT")) * mult


def run_stage(stage: str, n: int, root: Path, repeats: int, memory_limit: str,
              on_line=print) -> Row:
    work = Path(tempfile.mkdtemp(prefix=f"{stage}-{n}-", dir=root))
    log = work / "child.log"
    row = Row(stage, n)
    try:
        code, _ = _run_child("setup", stage, n, work, repeats, memory_limit, log)
        if code == 0:
            code, row.peak_mb = _run_child("measure", stage, n, work, repeats, memory_limit, log)
        if code != 0:
            lines = [x for x in log.read_text(errors="replace").splitlines() if x.strip()]
            tail = [x for x in lines if "Error" in x or "Exception" in x][-1:] or lines[-1:] or ["(no output)"]
            row.error = f"exit {code}: {tail[0][:200]}"
            row.fits = False if "out of memory" in row.error.lower() else None
            on_line(f"  {stage} {label(n)}: FAILED {row.error}")
            return row
        result = json.loads((work / "result.json").read_text())
        row.seconds = result.pop("seconds")
        row.cpu_seconds = result.pop("cpu_seconds", None)
        row.extra = result
        row.fits = row.peak_mb <= limit_bytes(memory_limit) / 2**20
        cpu_text = "" if row.cpu_seconds is None else f" ({row.cpu_seconds:.3f} s CPU)"
        on_line(f"  {stage} {label(n)}: {row.seconds:.3f} s{cpu_text}, peak RSS {row.peak_mb:,.0f} MB "
                f"({', '.join(f'{k} {v}' for k, v in result.items() if k not in ('times', 'views'))})")
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def exponents(rows: list[Row], of: str = "seconds") -> dict[str, float | None]:
    """Each stage's growth exponent of its wall ``seconds`` (or, ``of="cpu_seconds"``, of its CPU seconds)."""
    out: dict[str, float | None] = {}
    for stage in dict.fromkeys(r.stage for r in rows):
        ok = [r for r in rows if r.stage == stage and getattr(r, of)]
        out[stage] = growth_exponent([r.n for r in ok], [getattr(r, of) for r in ok])
    return out


def _b_text(b: float | None) -> str:
    return "" if b is None else f"{b:.2f}" + (" ABOVE LINEAR" if b > 1.1 else "")


def table(rows: list[Row], memory_limit: str):
    from rich.table import Table

    exps, cpu_exps = exponents(rows), exponents(rows, of="cpu_seconds")
    t = Table(title=f"How cost grows (DuckDB memory_limit {memory_limit})")
    for col in ("stage", "size", "seconds", "CPU seconds", "peak RSS MB", "fits", "growth b", "growth b (CPU)"):
        t.add_column(col, justify="left" if col == "stage" else "right")
    for stage in dict.fromkeys(r.stage for r in rows):
        mine = [r for r in rows if r.stage == stage]
        for i, r in enumerate(mine):
            last = i == len(mine) - 1
            t.add_row(stage if i == 0 else "", label(r.n),
                      "failed" if r.seconds is None else f"{r.seconds:.3f}",
                      "" if r.cpu_seconds is None else f"{r.cpu_seconds:.3f}",
                      "" if r.peak_mb is None else f"{r.peak_mb:,.0f}",
                      {True: "yes", False: "no", None: "?"}[r.fits],
                      _b_text(exps[stage]) if last else "", _b_text(cpu_exps[stage]) if last else "")
    return t


def view_table(rows: list[Row]):
    from rich.table import Table

    views = [r for r in rows if r.stage == "views" and r.extra.get("views")]
    t = Table(title="Analyst views, each computed whole (seconds)")
    t.add_column("view")
    for r in views:
        t.add_column(label(r.n), justify="right")
    t.add_column("growth b", justify="right")
    for view in (views[0].extra["views"] if views else {}):
        secs = [r.extra["views"][view] for r in views]
        b = growth_exponent([r.n for r in views], secs)
        t.add_row(view, *(f"{s:.3f}" for s in secs), _b_text(b))
    return t


def main(argv: list[str] | None = None) -> list[Row]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1M,3M,10M", help="lot counts, comma-separated (k and M suffixes)")
    ap.add_argument("--quick", action="store_true", help="sizes 100k,300k,1M")
    ap.add_argument("--stages", default=",".join(STAGES) + ",history",
                    help="of " + ", ".join(STAGES) + ", history")
    ap.add_argument("--repeats", type=int, help="default: 1 at 10M lots and above, 3 below")
    ap.add_argument("--history-rows", default="10M", help="history rows for the one-lot history lookup")
    ap.add_argument("--memory-limit", default="8GB", help="DuckDB memory_limit in every run")
    ap.add_argument("--work", type=Path, help="folder for the warehouses (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    ap.add_argument("--child", choices=["setup", "measure"], help=argparse.SUPPRESS)
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_main(args)
        return []
    from rich.console import Console

    console = Console()
    sizes = [100_000, 300_000, 1_000_000] if args.quick else [parse_size(s) for s in args.sizes.split(",")]
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(stages) - set(STAGES) - {"history"}
    if unknown:
        ap.error(f"unknown stage(s) {', '.join(sorted(unknown))}: choose from {', '.join(STAGES)}, history")
    root = Path(tempfile.mkdtemp(prefix="salvage-bench-growth-", dir=args.work))
    rows: list[Row] = []
    try:
        for stage in (s for s in STAGES if s in stages):
            for n in sizes:
                repeats = args.repeats or (1 if n >= 10_000_000 else 3)
                rows.append(run_stage(stage, n, root, repeats, args.memory_limit, console.print))
        history = None
        if "history" in stages:
            history = run_stage("history", parse_size(args.history_rows), root, 1, args.memory_limit,
                                console.print)
        if rows:
            console.print(table(rows, args.memory_limit))
            if any(r.stage == "views" for r in rows):
                console.print(view_table(rows))
        if history is not None and history.seconds is not None:
            e = history.extra
            console.print(f"one lot's history through lot_history at {e['rows']:,} history rows: "
                          f"{e['view_ms']:.2f} ms (median of {HISTORY_LOTS} lots); anchor, the same point query "
                          f"on a plain table with an ART index: {e['anchor_ms']:.2f} ms; ratio "
                          f"{e['view_ms'] / e['anchor_ms']:.1f} x (target <= 10 ms); the same rows without "
                          f"an index: {e['no_index_ms']:.2f} ms; peak RSS {history.peak_mb:,.0f} MB")
            console.print("  medians in ms (first pass over the 200 lots / the same lots again; view_prices: "
                          "the price columns only): " + ", ".join(f"{k} {v:.2f}" for k, v in e["ms"].items()))
            rows.append(history)
        if args.json:
            args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=1, default=str))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return rows


if __name__ == "__main__":
    main()
