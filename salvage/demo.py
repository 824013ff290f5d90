"""``salvage demo``: two simulated nights of every replica-backed source, loaded into a fresh warehouse.

Night 1 is 2026-11-20 02:00 and night 2 is 2026-11-21 02:00 (Asia/Shanghai) on the crawl clock; the replica changes
prices, statuses and bids between them, adds relistings and withdraws some lots, so the history has something to show.
"""

from __future__ import annotations

import contextlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from crawlers.runner import CrawlResult, run_crawl

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_SOURCES = ("alibaba_sf", "alibaba_zc", "jd_auction",
                "cinda_notice", "citic_amc_notice", "coamc_notice", "gwamc_notice", "caa123", "gpai",
                "rmfysszc", "cbex")
NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
# --distributed: the per-site budget all workers share (crawlers/politeness.py), loose for our own loopback replicas
DEMO_BUDGET = {"SALVAGE_POLITENESS_RPS": "20", "SALVAGE_POLITENESS_CONCURRENCY": "8"}


def crawl_night(replica: str, runs: Path, night: int, console: Console) -> list[CrawlResult]:
    clock = NIGHT_1 + timedelta(days=night - 1)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} lots"),
                  TimeElapsedColumn(), console=console) as progress:
        tasks = {s: progress.add_task(f"night {night}: crawling {s}", total=None) for s in DEMO_SOURCES}

        def one(source: str) -> CrawlResult:
            return run_crawl(source, runs, replica=replica, clock=clock, timeout=600,
                             on_progress=lambda n: progress.update(tasks[source], completed=n))

        with ThreadPoolExecutor(len(DEMO_SOURCES)) as pool:  # one subprocess each: the two cores both work
            return list(pool.map(one, DEMO_SOURCES))


def crawl_night_distributed(cluster, replica: str, runs: Path, night: int, db: Path, hooks: list,  # type: ignore[no-untyped-def]
                            console: Console) -> tuple[list[CrawlResult], list]:
    """The same night through Redis and the cluster's workers (`schedules.distributed`), loaded as below."""
    from schedules.distributed import run_night

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task(f"night {night}: {cluster.n} workers crawling", total=len(DEMO_SOURCES))
        done = run_night(cluster.queue, DEMO_SOURCES, db, runs, replica=replica,
                         clock=NIGHT_1 + timedelta(days=night - 1), timeout=600, hooks=hooks,
                         settings=DEMO_BUDGET,
                         on_progress=lambda n, total: progress.update(task, completed=n, total=total))
    return done.crawls, done.ingested


def run_demo(db: Path, *, n_lots: int, seed: int, console: Console, out: Console, workers: int = 0,
             catalog: str | None = None) -> int:
    """``workers`` > 0: crawl through a private Redis and that many worker processes (`salvage demo
    --distributed`); the warehouse is the same, and each night is also published to a shared catalog: ``catalog``
    (a catalog URL, see warehouse/catalog.py), else a private PostgreSQL started for the demo with its data files
    in ``<db folder>/catalog``. The demo then checks that the catalog's night equals the file."""
    from replicas.server import ReplicaServer
    from alerts import demo as alerts_demo
    from warehouse.db import publishing
    from warehouse.ingest import ingest
    from warehouse.linkage import link_assets
    from warehouse.monitoring import MetricsHook

    workdir = db.parent
    runs = workdir / "runs"
    for stale in (db, db.with_name(db.name + ".wal"), runs):
        if stale.is_dir():
            shutil.rmtree(stale)
        elif stale.exists():
            stale.unlink()
    workdir.mkdir(parents=True, exist_ok=True)
    alerts_hook = alerts_demo.prepare(workdir)  # demo/alerts.toml: saved searches the replica's lots match
    failed: list[str] = []
    cluster = contextlib.nullcontext()
    catalog_server = contextlib.nullcontext()
    if workers:
        from schedules.distributed import LocalCluster

        cluster = LocalCluster(runs, workers, log_dir=workdir / "workers")
        if catalog is None:
            from warehouse.pg_server import PgCluster

            shutil.rmtree(workdir / "catalog", ignore_errors=True)
            catalog_server = PgCluster()
    with ReplicaServer(seed=seed, n_lots=n_lots, night=1) as replica, cluster, catalog_server as pg:
        console.print(f"replicas of the auction sites and AMC notices at {replica.base_url} (seed {seed})")
        if workers:
            console.print(f"Redis at {cluster.redis.url}, {workers} workers (logs in {cluster.log_dir})")
            if pg is not None:
                catalog = f"{pg.url}?warehouse={(workdir / 'catalog').resolve()}"
            console.print(f"shared catalog: {catalog} (PostgreSQL"
                          + (" started for the demo, stopped at its end)" if pg is not None else ")"))
        for night in (1, 2):
            replica.set_night(night)
            hooks = [link_assets, MetricsHook(), alerts_hook]
            if workers:
                results, loaded = crawl_night_distributed(cluster, replica.base_url, runs, night, db, hooks, console)
            else:
                results = crawl_night(replica.base_url, runs, night, console)
            for r in results:
                console.print(f"  {r.meta.source}: {r.meta.status}, {r.meta.items} lots, {r.meta.rejects} rejects"
                              + (f" — {r.meta.error}" if r.meta.error else ""))
                if r.meta.status == "failed":
                    failed.append(f"night {night} {r.meta.source}: {r.meta.error} (log: {r.log})")
            if not workers:
                with publishing(db) as con:
                    loaded = ingest(con, [r.paths.meta for r in results], hooks=hooks)
            console.print(f"  ingested night {night}: "
                          + ", ".join(f"{r.source} +{r.new_lots} lots +{r.new_versions} versions" for r in loaded))
            if workers:
                failed += publish_and_check(db, catalog, night, console)
    print_summary(db, out)
    for line in alerts_demo.deliver(db, alerts_hook):  # night 2 done: the outbox as .eml files in demo/mail/
        out.print(line, highlight=False)
    for problem in failed:
        console.print(f"[bold red]failed:[/] {problem}")
    return 1 if failed else 0


CHECKED_VIEWS = ("lots", "lot_history", "assets")


def publish_and_check(db: Path, catalog: str, night: int, console: Console) -> list[str]:
    """Publish the file's night to the shared catalog, then read the catalog's latest night back: its lots,
    versions and assets must be the file's, row for row. Returns the problems (none when equal)."""
    from warehouse.catalog import connect_catalog, publish
    from warehouse.db import connect

    done = publish(db, catalog, wait=60)
    file_con, cat_con = connect(db, read_only=True), connect_catalog(catalog)
    problems = []
    try:
        counts = []
        for view in CHECKED_VIEWS:
            query = f"SELECT * FROM {view} ORDER BY ALL"
            mine, theirs = file_con.execute(query).fetchall(), cat_con.execute(query).fetchall()
            counts.append(f"{len(theirs)} {view}")
            if mine != theirs:
                problems.append(f"night {night}: the catalog's {view} differ from the file's "
                                f"({len(theirs)} rows against {len(mine)})")
    finally:
        file_con.close()
        cat_con.close()
    console.print(f"  published night {night} to the catalog as its night {done.night.night_id}: " + ", ".join(counts)
                  + (" — the same as the file" if not problems else " — [bold red]NOT the file's[/]"))
    return problems


def _table(out: Console, title: str, con, sql: str) -> None:  # type: ignore[no-untyped-def]
    cursor = con.execute(sql)
    table = Table(*[d[0] for d in cursor.description], title=title)
    for row in cursor.fetchall():
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)


def print_summary(db: Path, out: Console) -> None:
    from warehouse.db import connect

    con = connect(db, read_only=True)
    _table(out, "lots by source and status", con,
           "SELECT source, status, count(*) AS lots FROM lots GROUP BY ALL ORDER BY source, lots DESC")
    _table(out, "history", con,
           "SELECT source, count(*) AS versions, count(DISTINCT source_lot_id) AS lots, "
           "count(*) FILTER (WHERE version_no > 1) AS changed_versions FROM lot_history GROUP BY source ORDER BY 1")
    _table(out, "largest discounts to appraisal", con,
           "SELECT source, source_lot_id, left(title, 24) AS title, round, status, reserve_price, appraisal_price, "
           "round(100 * (1 - reserve_price / appraisal_price), 1) AS discount_pct FROM lots "
           "WHERE appraisal_price > 0 AND reserve_price > 0 "
           "ORDER BY reserve_price / appraisal_price, appraisal_price DESC LIMIT 8")
    _table(out, "assets: one asset across its relistings and sites", con,
           "SELECT count(*) AS assets, count(*) FILTER (WHERE lot_count > 1) AS relisted_assets, "
           "max(lot_count) AS most_lots, count(*) FILTER (WHERE len(sources) > 1) AS on_several_sources "
           "FROM assets")
    _table(out, "price drops: within a lot, and relistings at a lower reserve (price_drops)", con,
           "SELECT drop_kind, count(*) AS drops, count(DISTINCT asset_id) AS assets, "
           "round(100 * median(largest_drop), 1) AS median_drop_pct, max(dropped_date) AS latest "
           "FROM price_drops GROUP BY drop_kind ORDER BY drop_kind")
    _table(out, "debt packages down to the loan", con,
           "SELECT source, count(*) AS packages, sum(len(loans)) AS loans, "
           "sum((SELECT sum(l.total) FROM unnest(loans) t(l) WHERE l.currency = 'CNY')) AS loans_total_cny "
           "FROM lots WHERE len(loans) > 0 GROUP BY source ORDER BY source")
    _table(out, "crawl_runs", con,
           "SELECT source, strftime(started_at, '%Y-%m-%d %H:%M') AS started, items, rejects, status "
           "FROM crawl_runs ORDER BY started_at, source")
    con.close()
    out.print(f"\nThe warehouse is [bold]{db}[/]. Query it:\n"
              f"  salvage sql --db {db} \"SELECT * FROM lots LIMIT 5\"\n"
              f"  python -c \"import duckdb; print(duckdb.connect('{db}', read_only=True)"
              f".sql('SELECT * FROM lot_history LIMIT 5'))\"\n"
              f"  salvage schema --db {db}   # the data dictionary")
