"""The ``salvage`` command line."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from contracts import config

SHANGHAI = ZoneInfo("Asia/Shanghai")
console = Console(stderr=True)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)  # piped output: don't clip tables

app = typer.Typer(
    help="Salvage: distressed-asset auction listings (NPLs, debt packages, seized property) from Chinese auction "
    "sites and AMC notices, normalized into one DuckDB warehouse.\n\n"
    "Typical use: `salvage demo` once; nightly `salvage crawl SOURCE` for each source, then `salvage ingest`.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",
)
normalize_app = typer.Typer(help="Run one normalizer over text, for checking how a value is read.",
                            no_args_is_help=True)
app.add_typer(normalize_app, name="normalize")
from alerts.cli import alerts_app  # noqa: E402  (saved searches and alert mails)

app.add_typer(alerts_app, name="alerts")
assets_app = typer.Typer(help="Assets (every listing of one asset): undo a wrong link.", no_args_is_help=True)
app.add_typer(assets_app, name="assets")

class JsonLines:
    """Machine output: JSON lines written straight to stdout in batches (no rich console: it would re-scan every
    line for markup and wrap it, about two thirds of the time of ``salvage parse``). Humans get stderr."""

    def __init__(self, batch: int = 512) -> None:
        self.lines: list[str] = []
        self.batch = batch

    def __enter__(self) -> JsonLines:
        return self

    def write(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            sys.stdout.write("\n".join(self.lines) + "\n")
            self.lines.clear()
        sys.stdout.flush()

    def __exit__(self, *exc: object) -> None:
        self.flush()


def _json_default(value: object) -> object:
    """orjson's fallback for what DuckDB returns and orjson does not know: decimals as numbers (as `lot_json`
    writes amounts), anything else (intervals, blobs) as its text."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


DbOption = Annotated[Optional[Path], typer.Option("--db", help="Warehouse file [env SALVAGE_DB; ./salvage.duckdb].")]
RunsOption = Annotated[Optional[Path], typer.Option("--runs", help="Run-file folder [env SALVAGE_RUNS; ./runs].")]
CatalogOption = Annotated[Optional[str], typer.Option(
    "--catalog", help="Shared catalog, postgresql://user@host:port/db?warehouse=/shared/path [env SALVAGE_CATALOG; "
    "none]: after the file, the night is published there for analysts on other machines (whole nights only).")]


def publish_catalog(db_file: Path, catalog: Optional[str]) -> int:
    """Publish the warehouse file to the shared catalog when one is set; 0, or the exit code of a failure (said
    plainly: the file has the night either way, and the next publish sends it whole)."""
    url = config.catalog_url(catalog)
    if not url:
        return 0
    from rich.progress import Progress

    from warehouse.catalog import CatalogBusy, CatalogError, publish

    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("publishing to the catalog", total=None)
            result = publish(db_file, url, on_table=lambda name, rows: progress.update(
                task, description=f"published {name} ({rows:,} rows)"))
    except CatalogBusy as exc:
        console.print(f"[bold red]catalog:[/] {exc}", highlight=False)
        return 2
    except CatalogError as exc:
        console.print(f"[bold red]catalog:[/] {exc}", highlight=False)
        return 1
    console.print(f"catalog: night {result.night.night_id} published ({sum(result.rows.values()):,} rows in "
                  f"{len(result.rows)} tables, {result.seconds:.1f} s)"
                  + (f"; removed night(s) {', '.join(map(str, result.expired.nights))} and "
                     f"{result.expired.files} data files" if result.expired.nights else ""), highlight=False)
    if result.expired.error:
        console.print(f"[yellow]catalog:[/] removing old nights failed ({result.expired.error}); the next publish "
                      "tries again", highlight=False)
    return 0


def fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


def disk_full_exit(exc: BaseException, where: Path) -> typer.Exit:
    """A full disk under the runs folder: said plainly (the warehouse is not touched by a crawl)."""
    from warehouse.db import disk_full

    if not disk_full(exc):
        raise exc
    return fail(f"disk full while writing run files under {where} ({exc}). The warehouse was not touched and "
                f"this run is not loaded; free some space and crawl again.")


def writable_db(db: Optional[Path]) -> Path:
    """The warehouse a writing command loads into: an existing warehouse file, or a new one in a folder that exists
    (said aloud). A mistyped ``--db`` (a folder that does not exist, a folder, a file that is not a warehouse) is
    refused with exit 2 before anything runs."""
    from warehouse.db import WarehousePathError, check_warehouse

    path = config.db_path(db)
    try:
        check_warehouse(path, create=True)
    except WarehousePathError as exc:
        raise fail(str(exc), code=2) from exc
    if not path.exists():
        console.print(f"new warehouse: {path.resolve()}", highlight=False)
    return path


@app.command()
def crawl(
    source: Annotated[str, typer.Argument(help="Source slug, e.g. alibaba_sf or alibaba_zc (see `salvage sources`).")],
    runs: RunsOption = None,
    replica: Annotated[Optional[str], typer.Option(help="Crawl a replica at this base URL instead of the real "
                                                   "site [env SALVAGE_REPLICA].")] = None,
    max_pages: Annotated[int, typer.Option(help="Stop after this many list pages (0 = all).")] = 0,
    timeout: Annotated[float, typer.Option(help="Hard limit in seconds; the crawl's process group is killed.")] = 1800,
) -> None:
    """Crawl one source into a run file (the warehouse is not opened). Exit 1 when the run failed."""
    from crawlers.runner import run_crawl

    try:
        result = _with_spinner(f"crawling {source}", lambda progress: run_crawl(
            source, config.runs_dir(runs), replica=config.replica_url(replica), timeout=timeout,
            spider_args={"max_pages": str(max_pages)} if max_pages else None, on_progress=progress))
    except ValueError as exc:
        raise fail(str(exc)) from exc
    except OSError as exc:
        raise disk_full_exit(exc, config.runs_dir(runs)) from exc
    meta = result.meta
    colour = {"ok": "green", "partial": "yellow"}.get(meta.status, "red")
    console.print(f"[{colour}]{meta.status}[/] {meta.run_id}: {meta.items} lots, {meta.rejects} rejects"
                  + (f" — {meta.error}" if meta.error else ""))
    out.print(str(result.paths.lots))
    if meta.status == "failed":
        raise typer.Exit(1)


def _with_spinner(label: str, work):  # type: ignore[no-untyped-def]
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} lots"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task(label, total=None)
        return work(lambda n: progress.update(task, completed=n))


@app.command()
def ingest(
    runs: Annotated[Optional[list[Path]], typer.Argument(help="Run files, meta files or folders; default: every "
                                                         "finished run in the runs folder not yet loaded.")] = None,
    db: DbOption = None,
    runs_dir: RunsOption = None,
    catalog: CatalogOption = None,
) -> None:
    """Load finished runs into the warehouse in one transaction (already-loaded runs are skipped).

    With a catalog, the warehouse is then published to it, also when there was nothing new to load (so a publish
    that failed is completed by the next ingest). Exit 2 when another publish holds the catalog."""
    from rich.progress import Progress

    from contracts.runfiles import RunFileError
    from warehouse.db import publishing
    from warehouse.ingest import ingest as do_ingest, resolve_runs
    from warehouse.linkage import link_assets
    from warehouse.monitoring import MetricsHook
    from warehouse.reparse import rebuild_reparsed

    db_file = writable_db(db)
    try:
        metas = resolve_runs(runs or [config.runs_dir(runs_dir)])
    except RunFileError as exc:
        raise fail(str(exc)) from exc
    if not metas:
        console.print(f"no finished runs under {runs or config.runs_dir(runs_dir)}")
        if db_file.exists():
            raise typer.Exit(publish_catalog(db_file, catalog))
        return
    from alerts.events import EventsHook

    alerts_hook = EventsHook(on_warning=lambda w: console.print(f"[yellow]alerts:[/] {w}", highlight=False))
    from warehouse.db import WarehouseDiskFull, WarehouseInUse

    try:
        with publishing(db_file) as con, Progress(console=console, transient=True) as progress:
            task = progress.add_task("ingesting", total=len(metas))
            results = do_ingest(con, metas, on_progress=lambda r: progress.advance(task),
                                hooks=[rebuild_reparsed, link_assets, MetricsHook(), alerts_hook])
    except WarehouseInUse as exc:
        raise fail(str(exc), code=2) from exc
    except WarehouseDiskFull as exc:
        raise fail(exc.strerror) from exc
    for counts in alerts_hook.counts:
        console.print(counts.summary(), highlight=False)
    table = Table("run", "source", "status", "lots", "rejects", "new lots", "new versions", title="ingest")
    for r in results:
        table.add_row(r.run_id, r.source, r.status, str(r.items), str(r.rejects), str(r.new_lots),
                      str(r.new_versions))
    out.print(table)
    refused = [r for r in results if r.status == "refused"]
    for r in refused:
        console.print(f"[bold red]refused:[/] {r.error}")
    published = publish_catalog(db_file, catalog)
    if refused:
        raise typer.Exit(1)
    raise typer.Exit(published)


@app.command()
def nightly(
    source: Annotated[Optional[list[str]], typer.Option("--source", "-s", help="Crawl only these sources "
                                                         "(repeatable); default: every source.")] = None,
    db: DbOption = None,
    runs_dir: RunsOption = None,
    replica: Annotated[Optional[str], typer.Option(help="Crawl a replica at this base URL [env "
                                                   "SALVAGE_REPLICA].")] = None,
    timeout: Annotated[float, typer.Option(help="Hard limit per source, in seconds.")] = 3600,
    catalog: CatalogOption = None,
) -> None:
    """One unattended night: crawl every source, ingest what finished, report. For cron:

    `15 2 * * * cd /srv/salvage && .venv/bin/salvage nightly >> var/nightly.log 2>&1`

    After the ingest it publishes the night to the shared catalog when one is set (--catalog, SALVAGE_CATALOG),
    then sends the buyers' alert mails (SMTP from the environment, else .eml files).
    Exit 1 when any source failed (the others are still loaded), the catalog was unreachable or mails stay in the
    outbox; exit 2 when another night holds the lock or another publish holds the catalog."""
    from alerts.events import EventsHook
    from crawlers.runner import sources as known
    from schedules.nightly import NightAlreadyRunning, run_night
    from warehouse.db import WarehouseDiskFull, WarehouseInUse
    from warehouse.linkage import link_assets

    db_file = writable_db(db)
    alerts_hook = EventsHook(on_warning=lambda w: console.print(f"[yellow]alerts:[/] {w}", highlight=False))
    try:
        report = run_night(source or known(), db_file, config.runs_dir(runs_dir),
                           replica=config.replica_url(replica), timeout=timeout, hooks=[link_assets, alerts_hook],
                           on_crawl=lambda r: console.print(
                               f"{r.meta.source}: {r.meta.status}, {r.meta.items} lots"
                               + (f" — {r.meta.error}" if r.meta.error else "")))
    except (NightAlreadyRunning, WarehouseInUse) as exc:
        raise fail(str(exc), code=2) from exc
    except WarehouseDiskFull as exc:
        raise fail(exc.strerror) from exc
    except OSError as exc:
        raise disk_full_exit(exc, config.runs_dir(runs_dir)) from exc
    for r in report.ingested:
        console.print(f"ingested {r.run_id}: {r.status}, +{r.new_lots} lots, +{r.new_versions} versions"
                      + (f" — {r.error}" if r.error else ""))
    for problem in report.failed:
        console.print(f"[bold red]failed:[/] {problem}")
    console.print(f"health digest: {', '.join(report.digest)}", highlight=False)
    published = publish_catalog(db_file, catalog) if db_file.exists() else 0
    from alerts.cli import send_pending

    mailed = send_pending(db_file)  # the buyers' alerts of the night; what the server refuses waits for tomorrow
    raise typer.Exit(report.exit_code or published or (0 if mailed.ok else 1))


@app.command()
def schedule(
    config_file: Annotated[Optional[Path], typer.Option("--config", help="Job file [env SALVAGE_SCHEDULE; "
                                                        "schedules/schedules.toml].")] = None,
    list_jobs: Annotated[bool, typer.Option("--list", help="Show the jobs and their next run times, then exit.")]
    = False,
) -> None:
    """Run the scheduler until SIGTERM: the nightly job per source and the refresh of lots ending within a day.

    Jobs and their next run times persist in a SQLite job store, so a night missed while the machine was down runs
    when it comes back. SIGTERM: no new job starts, a running one finishes."""
    import logging

    from schedules.scheduler import ScheduleError, list_jobs as jobs_of, load_config, serve

    try:
        schedule_config = load_config(config_file)
    except ScheduleError as exc:
        raise fail(str(exc)) from exc
    if list_jobs:
        table = Table("job", "kind", "sources", "when", "next run", title=str(schedule_config.path))
        for row in jobs_of(schedule_config):
            table.add_row(*row)
        out.print(table)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.INFO)
    serve(schedule_config)


@app.command()
def reparse(
    run: Annotated[str, typer.Argument(help="A run id (under the runs folder) or one of its files.")],
    runs_dir: RunsOption = None,
    ingest_too: Annotated[bool, typer.Option("--ingest", help="Also load the new run into the warehouse.")] = False,
    db: DbOption = None,
    timeout: Annotated[float, typer.Option(help="Hard limit in seconds.")] = 1800,
) -> None:
    """Re-read an archived run (its .warc.gz) with today's parsers and normalizers, with no network, into a new run
    file beside it. The lots keep their original fetch times, so ingesting the new run corrects what that night
    loaded: any night, not only the latest (the history of the lots it re-read is rebuilt from every run of the
    source, the replaced versions kept in fct_replaced_versions). Exit 1 when the re-parse failed."""
    from salvage.reparse import reparse as do_reparse
    from contracts.runfiles import RunFileError

    db_file = writable_db(db) if ingest_too else None
    try:
        result = do_reparse(run, config.runs_dir(runs_dir), timeout=timeout)
    except RunFileError as exc:
        raise fail(str(exc)) from exc
    meta = result.meta
    console.print(f"{meta.status} {meta.run_id} (re-parse of {meta.stats.get('salvage/reparse_of')}): "
                  f"{meta.items} lots, {meta.rejects} rejects" + (f" — {meta.error}" if meta.error else ""))
    out.print(str(result.paths.lots))
    if ingest_too and meta.status != "failed":
        from warehouse.db import publishing
        from warehouse.ingest import ingest as do_ingest
        from warehouse.monitoring import MetricsHook

        from warehouse.reparse import rebuild_reparsed

        with publishing(db_file) as con:
            (loaded,) = do_ingest(con, [result.paths.meta], hooks=[rebuild_reparsed, MetricsHook()])
        console.print(f"ingested {loaded.run_id}: {loaded.status}, +{loaded.new_versions} versions"
                      + (f" — {loaded.error}" if loaded.error else ""))
    if meta.status == "failed":
        raise typer.Exit(1)


@assets_app.command("split")
def assets_split(
    asset_id: Annotated[int, typer.Argument(help="The asset (assets.asset_id) that holds a wrong link.")],
    lots: Annotated[list[str], typer.Argument(help="Its lots to move to a new asset: source:source_lot_id, or "
                                              "source_lot_id when unambiguous.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the link is wrong (kept with the split).")],
    by: Annotated[Optional[str], typer.Option("--by", help="Who splits it [default: the login name].")] = None,
    db: DbOption = None,
) -> None:
    """Un-merge: move LOTS out of ASSET_ID into a new asset. Their link evidence stays as it was; the split (both
    sides, who, why) goes to fct_asset_splits, and later nights never join the two sides again."""
    import getpass

    from warehouse.db import publishing
    from warehouse.linkage import SplitError, split_asset

    path = config.db_path(db)
    from warehouse.db import WarehousePathError, check_warehouse

    try:
        check_warehouse(path)
        with publishing(path) as con:
            split = split_asset(con, asset_id, lots, reason=reason, by=by or getpass.getuser())
    except (SplitError, WarehousePathError) as exc:
        raise fail(str(exc)) from exc
    console.print(f"asset {split.from_asset_id}: {len(split.moved)} lot(s) moved to new asset {split.into_asset_id} "
                  f"({', '.join(f'{s}:{i}' for s, i in split.moved)}); {len(split.kept)} kept", highlight=False)


@app.command()
def runs(db: DbOption = None, limit: Annotated[int, typer.Option(help="How many runs.")] = 20) -> None:
    """The last crawl runs: source, times, items, rejects, status, health against the source's previous runs."""
    from warehouse.db import connect
    from warehouse.monitoring import recent_runs

    try:
        con = connect(config.db_path(db), read_only=True)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from exc
    rows = recent_runs(con, limit)
    table = Table("run", "source", "started", "secs", "items", "rejects", "status", "health", "problems",
                  title="crawl_runs")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    out.print(table)


def _query_statements() -> frozenset:
    import duckdb

    kinds = duckdb.StatementType
    return frozenset({kinds.SELECT, kinds.EXPLAIN, kinds.PRAGMA})


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run, e.g. \"SELECT * FROM lots LIMIT 5\".")],
    db: DbOption = None,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table (same as --format csv).")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, or json (one JSON object per row, for "
                                     "scripts: amounts as numbers, times ISO 8601).")] = "table",
    catalog: Annotated[Optional[str], typer.Option(
        "--catalog", help="Query the latest whole night of the shared catalog instead of a file (postgresql://... "
        "[env SALVAGE_CATALOG, when --db is not given]).")] = None,
) -> None:
    """Run a read-only query against the warehouse (the views lots, lot_history, crawl_runs...).

    Only this warehouse is readable: other files and databases (ATTACH, COPY ... TO, read_csv), extensions (INSTALL,
    LOAD) and settings are refused with exit code 3."""
    import duckdb

    from warehouse.db import connect

    catalog_url = catalog or (None if db else config.catalog_url())
    try:
        if catalog_url:
            from warehouse.catalog import CatalogError, connect_catalog

            try:  # locked down as below, the night's data folders excepted
                con = connect_catalog(catalog_url, lock_down=True)
            except CatalogError as exc:
                raise fail(str(exc)) from exc
        else:
            con = connect(config.db_path(db), read_only=True)
            # Read-only is not enough: a read-only connection may still ATTACH another file read-write, COPY over
            # any file, read any file or fetch extensions. DuckDB's own switches close each of those; locking the
            # configuration keeps the query from switching them back on.
            for setting in ("enable_external_access = false", "autoinstall_known_extensions = false",
                            "autoload_known_extensions = false", "lock_configuration = true"):
                con.execute(f"SET {setting}")
    except (FileNotFoundError, duckdb.Error) as exc:
        raise fail(str(exc)) from exc
    try:
        # Only queries: a statement of another kind (ATTACH even of ':memory:', DETACH, USE, CREATE, DROP, ...)
        # is refused before anything runs, so a query followed by a write does not half-run either.
        kinds = [statement.type for statement in con.extract_statements(query)]
        other = [kind.name for kind in kinds if kind not in _query_statements()]
        if other:
            raise fail(f"refused: salvage sql runs queries only (SELECT, EXPLAIN, PRAGMA), not {', '.join(other)}",
                       code=3)
        cursor = con.execute(query)
    except duckdb.Error as exc:
        if isinstance(exc, duckdb.PermissionException) or "configuration has been locked" in str(exc):
            raise fail("refused: salvage sql reads this warehouse only (no other files or databases, no "
                       f"extensions, no settings): {exc}", code=3) from exc
        raise fail(str(exc)) from exc
    names = [d[0] for d in cursor.description]
    if fmt not in ("table", "csv", "json"):
        raise fail(f"unknown --format {fmt!r}: table, csv or json")
    if fmt == "json":
        import orjson

        with JsonLines() as lines:
            while rows := cursor.fetchmany(2048):
                for row in rows:
                    lines.write(orjson.dumps(dict(zip(names, row)), default=_json_default,
                                             option=orjson.OPT_NON_STR_KEYS).decode())
        return
    rows = cursor.fetchall()
    if csv or fmt == "csv":
        import csv as csv_module

        from warehouse.export import neutralise_cell  # CSV goes to spreadsheets: no formula cells

        writer = csv_module.writer(sys.stdout)
        writer.writerow(names)
        writer.writerows([neutralise_cell(v) for v in row] for row in rows)
        return
    table = Table(*names)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)


@app.command()
def sources(
    db: Annotated[Optional[Path], typer.Option("--db", help="Warehouse whose crawl_runs give each source's last "
                                                            "run (default: $SALVAGE_DB or salvage.duckdb).")] = None,
    names: Annotated[bool, typer.Option("--names", help="Print only the slugs, one per line (for scripts).")] = False,
) -> None:
    """List the sources this installation can crawl: slug, real site, whether it needs Chromium, the least a
    healthy night yields, and, from the warehouse's crawl_runs, the status of each source's last run."""
    from crawlers.runner import describe_sources
    from salvage.demo import DEMO_SOURCES

    infos = describe_sources()
    if names:
        for info in infos:
            print(info.name)
        return
    last: dict[str, tuple] = {}
    path = config.db_path(db)
    if path.exists():
        from warehouse.db import connect

        con = connect(path, read_only=True)
        try:
            last = {row[0]: row[1:] for row in con.execute(
                "SELECT source, status, strftime(started_at, '%Y-%m-%d %H:%M'), items, error FROM crawl_runs "
                "QUALIFY row_number() OVER (PARTITION BY source ORDER BY started_at DESC) = 1").fetchall()}
        finally:
            con.close()
    table = Table("source", "site", "browser", "min items", "in demo", "last run", "status", "items",
                  title=f"{len(infos)} sources" + (f" — last runs from {path}" if last else ""))
    for info in infos:
        status, started, items, error = last.get(info.name, ("never run", "", None, None))
        shown = f"[red]{status}[/]: {(error or '')[:60]}" if status == "failed" else status
        table.add_row(info.name, info.site, "yes" if info.browser else "", str(info.min_items),
                      "yes" if info.name in DEMO_SOURCES else "", started, shown, "" if items is None else str(items))
    out.print(table)


@app.command()
def parse(
    source: Annotated[str, typer.Argument(help="Source slug, e.g. alibaba_sf.")],
    files: Annotated[list[Path], typer.Argument(help="Saved pages (list, detail, notice, description).")],
    url: Annotated[Optional[str], typer.Option(help="The URL the page came from (default: the file's path).")] = None,
    fetched_at: Annotated[Optional[datetime], typer.Option(help="Fetch time (default: now).")] = None,
) -> None:
    """Print the normalized lots found in saved pages, as JSON lines (yuan, ISO 8601 +08:00)."""
    from crawlers.parsers import parse_page
    from normalizers.lot import to_lot
    from contracts.models import lot_json

    when = (fetched_at or datetime.now(SHANGHAI))
    when = when if when.tzinfo else when.replace(tzinfo=SHANGHAI)
    status = 0
    with JsonLines() as lines:
        for path in files:
            try:
                records = parse_page(source, path.read_bytes(), url or path.resolve().as_uri(), when)
                for record in records:
                    lines.write(lot_json(to_lot(record)))
            except (OSError, ValueError, KeyError) as exc:
                lines.flush()  # the lots before the error first, then the error (stderr)
                console.print(f"[bold red]{path}:[/] {exc}", markup=True, highlight=False)
                status = 1
    raise typer.Exit(status)


@normalize_app.command("amount")
def normalize_amount(
    unit: Annotated[str, typer.Option(help="Unit of bare numbers: yuan, wan or fen; 'none' = a unit is "
                                      "required.")] = "yuan",
) -> None:
    """Read one amount per line on stdin; print one JSON object per line (raw, value, low, high, as_of, kind, currency,
    error, and for a claim written as its parts, kind split, its principal and interest)."""
    from normalizers.amounts import parse_amount

    with JsonLines(batch=1 if sys.stdin.isatty() else 512) as lines:  # typed by hand: answer each line at once
        for line in sys.stdin:
            amount = parse_amount(line.rstrip("\n"), unit=None if unit == "none" else unit)
            lines.write(json.dumps(amount.to_json(), ensure_ascii=False))


@app.command("golden-report")
def golden_report(
    path: Annotated[Optional[Path], typer.Option("--path", help="Folder of the real cases and amounts.jsonl "
                                                 "[tests/golden/real].")] = None,
    show_wrong: Annotated[int, typer.Option(help="List up to this many wrong cases and silently wrong amounts.")] = 10,
) -> None:
    """How well Salvage reads what the real sites published: per source and per field, how many real cases (saved
    pages under tests/golden/real/<source>/<case>/ with a reviewed expected.json) read right and wrong; then the
    amount strings of tests/golden/real/amounts.jsonl: how many, the share read, the hand-checked sample and how
    many of it are silently wrong. Exit 1 when anything checked is wrong."""
    from crawlers.golden import AMOUNTS, REAL, amount_report, source_reports

    root = path or REAL
    reports = source_reports(root)
    status = 0
    if not reports:
        out.print(f"No real cases under {root} yet (a case is <source>/<case>/ with input.*, case.json and a "
                  "reviewed expected.json).")
    for report in reports:
        table = Table(title=f"{report.source}: {report.cases} real case(s)", title_justify="left")
        for column in ("field", "cases", "right", "wrong"):
            table.add_column(column, justify="left" if column == "field" else "right")
        for name, count in sorted(report.fields.items(), key=lambda kv: (kv[0] != "(page)", kv[0])):
            table.add_row(name, str(count.cases), str(count.right),
                          f"[red]{count.wrong}[/]" if count.wrong else "0")
            status = status or int(count.wrong > 0)
        out.print(table)
        for problem in report.problems[:show_wrong]:
            out.print(f"  {problem}", markup=False, highlight=False)
    amounts = amount_report(root / AMOUNTS)
    if not amounts.strings:
        out.print(f"No real amount strings in {root / AMOUNTS} yet.")
        raise typer.Exit(status)
    table = Table(title=f"Amount strings ({root / AMOUNTS})", title_justify="left")
    for column in ("source", "strings", "read", "read %", "checked", "silently wrong"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for source, counts in sorted(amounts.by_source.items()):
        share = counts["read"] / counts["strings"] if counts["strings"] else 0
        table.add_row(source, str(counts["strings"]), str(counts["read"]), f"{share:.1%}", str(counts["checked"]),
                      str(counts["silently_wrong"]))
    table.add_row("[bold]all[/]", str(amounts.strings), str(amounts.read), f"[bold]{amounts.read_share:.2%}[/]",
                  str(amounts.checked), f"[bold]{amounts.silently_wrong}[/]")
    out.print(table)
    out.print(f"Read {amounts.read_share:.2%} of all {amounts.strings} strings; {amounts.read_share_stated:.2%} of the "
              f"{amounts.strings - amounts.bare} that state their unit. Of the {amounts.bare} bare numbers whose unit "
              f"the source leaves unsaid, {amounts.by_size} read in yuan or 万元 by their size or writing, {amounts.no_unit} "
              "refused for want of a unit.", markup=False, highlight=False)
    out.print(f"Hand-checked sample: {amounts.checked} strings, {amounts.checked_right} read exactly as checked, "
              f"{amounts.silently_wrong} silently wrong, {amounts.refused_but_readable} refused though readable. "
              f"Kinds: {dict(amounts.by_kind)}.", markup=False, highlight=False)
    if amounts.refusals:
        out.print("Refused, by reason: " + "; ".join(f"{why} ({n})" for why, n in amounts.refusals.most_common()),
                  markup=False, highlight=False)
    for line in amounts.wrong[:show_wrong]:
        out.print(f"  silently wrong: {line}", markup=False, highlight=False)
    raise typer.Exit(status or int(amounts.silently_wrong > 0))


@app.command()
def schema(db: DbOption = None) -> None:
    """Print the data dictionary: every analyst view and table, each column with its type and meaning."""
    import duckdb

    from warehouse.db import ensure_schema

    con = duckdb.connect(str(config.db_path(db)), read_only=True) if db else duckdb.connect()
    if not db:
        ensure_schema(con)
    rows = con.execute(
        "SELECT c.table_name, c.column_name, c.data_type, coalesce(c.comment, ''), coalesce(t.comment, '') "
        "FROM duckdb_columns() c LEFT JOIN (SELECT view_name AS name, comment FROM duckdb_views() UNION ALL "
        "SELECT table_name, comment FROM duckdb_tables()) t ON t.name = c.table_name "
        "WHERE c.schema_name = 'main' AND NOT c.internal ORDER BY c.table_name, c.column_index").fetchall()
    current = None
    for table_name, column, typ, comment, table_comment in rows:
        if table_name != current:
            current = table_name
            out.print(f"\n[bold]{table_name}[/] — {table_comment}")
        out.print(f"  {column:<18} {typ:<22} {comment}", highlight=False)


@app.command()
def export(
    view: Annotated[str, typer.Argument(help="View: npl_discounts, discount_to_appraisal, realization_rates, "
                                        "lead_times, new_lots, status_changes, price_drops, lots or lot_history.")],
    output: Annotated[Path, typer.Argument(help="File to write: .parquet, or .csv (UTF-8 with BOM, for "
                                           "spreadsheets).")],
    db: DbOption = None,
    source: Annotated[Optional[list[str]], typer.Option("--source", help="Only this source (repeatable).")] = None,
    asset_type: Annotated[Optional[list[str]], typer.Option("--asset-type", help="Only this asset type, e.g. debt "
                                                            "(repeatable).")] = None,
    province: Annotated[Optional[list[str]], typer.Option("--province", help="Only this province, e.g. 河北省 "
                                                          "(repeatable).")] = None,
    date_from: Annotated[Optional[datetime], typer.Option("--from", formats=["%Y-%m-%d"], help="First day of the "
                                                          "period (China time), on the view's date column.")] = None,
    date_to: Annotated[Optional[datetime], typer.Option("--to", formats=["%Y-%m-%d"], help="Last day of the "
                                                        "period, included.")] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="parquet or csv (default: the file's "
                                               "suffix).")] = None,
) -> None:
    """Export an analyst view, filtered as the views are, to Parquet or CSV (the warehouse is opened read-only)."""
    import duckdb

    from warehouse.db import connect
    from warehouse.export import ExportError, Filters, export as do_export

    filters = Filters(source or (), asset_type or (), province or (), date_from.date() if date_from else None,
                      date_to.date() if date_to else None)
    try:
        con = connect(config.db_path(db), read_only=True)
        rows = do_export(con, view, output, filters, fmt)
    except (FileNotFoundError, ExportError, duckdb.Error) as exc:
        raise fail(str(exc)) from exc
    console.print(f"{rows:,} rows of {view} written to {output}", highlight=False)


@app.command()
def report(
    output: Annotated[Path, typer.Argument(help="HTML file to write.")] = Path("report.html"),
    db: DbOption = None,
    as_of: Annotated[Optional[datetime], typer.Option("--as-of", formats=["%Y-%m-%d"], help="Last day of the week "
                                                      "(default: the day of the latest crawl).")] = None,
    days: Annotated[int, typer.Option(help="Days in the week.")] = 7,
) -> None:
    """Write the weekly report: one static HTML page of charts and tables that loads nothing from the network."""
    import duckdb

    from warehouse.db import connect
    from warehouse.report import write_report

    try:
        con = connect(config.db_path(db), read_only=True)
        path = write_report(con, output, as_of=as_of.date() if as_of else None, days=days)
    except (FileNotFoundError, ValueError, duckdb.Error) as exc:
        raise fail(str(exc)) from exc
    out.print(str(path))


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on. Keep the loopback default unless others must "
                                      "reach the page: it has no login.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
    allow_host: Annotated[Optional[list[str]], typer.Option("--allow-host", help="Another name this server may "
                                                             "be called by in the browser's Host header "
                                                             "(repeatable); loopback names and --host always "
                                                             "are.")] = None,
) -> None:
    """A local, read-only web page over the warehouse: search and filter lots, each lot's history and price chart,
    assets with all their listings and the evidence linking them, debt packages with their loans.

    It always shows the latest whole night (it re-opens the file when the nightly run publishes a new one) and
    never writes. Stop it with Ctrl-C."""
    import ipaddress

    import uvicorn

    from salvage.web.app import create_app

    path = config.db_path(db)
    if not path.exists():
        raise fail(f"no warehouse at {path}: run `salvage ingest` or `salvage demo` first, or pass --db PATH")
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback:
        console.print(f"[yellow]warning:[/] listening on {host}: anyone who can reach it reads the warehouse "
                      "(there is no login)", highlight=False)
    console.print(f"serving {path} read-only at http://{host if ':' not in host else f'[{host}]'}:{port}/ "
                  "(Ctrl-C to stop)", highlight=False)
    uvicorn.run(create_app(path, allowed_hosts=[host, *(allow_host or [])]), host=host, port=port,
                log_level="warning", server_header=False)


RedisOption = Annotated[Optional[str], typer.Option("--redis", help="Redis URL shared by the coordinator and the "
                                                    "workers [env SALVAGE_REDIS_URL].")]
NamespaceOption = Annotated[str, typer.Option(help="Key prefix in Redis (several deployments on one Redis).")]


def _redis_url(url: Optional[str]) -> str:
    import os

    found = url or os.environ.get("SALVAGE_REDIS_URL")
    if not found:
        raise fail("no Redis: give --redis redis://HOST:6379/0 or set SALVAGE_REDIS_URL")
    return found


@app.command()
def worker(
    redis_url: RedisOption = None,
    runs_dir: RunsOption = None,
    drain: Annotated[bool, typer.Option(help="Stop once nothing is pending or leased (else: wait for jobs until "
                                        "`salvage dispatch --stop-workers` or SIGTERM).")] = False,
    lease: Annotated[float, typer.Option(help="Lease per job, in seconds: renewed every third of it while the "
                                         "crawl runs; a worker silent this long loses the job to another.")] = 60,
    name: Annotated[Optional[str], typer.Option(help="Worker name in logs and results (default host-pid).")] = None,
    namespace: NamespaceOption = "salvage",
) -> None:
    """Take crawl jobs from Redis and run them (one crawl at a time; run one worker per core, on any machine that
    shares the runs folder). SIGTERM: finish the current crawl, then stop; a second SIGTERM stops at once (the job
    goes to another worker when its lease ends)."""
    import logging
    import signal

    from crawlers.jobqueue import JobQueue
    from schedules.distributed import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    queue = JobQueue(_redis_url(redis_url), namespace, lease=lease)
    w = Worker(queue, config.runs_dir(runs_dir), name=name, drain=drain)

    def on_term(signum: int, frame: object) -> None:
        if w.stopping.is_set():
            raise SystemExit(143)
        w.stopping.set()

    signal.signal(signal.SIGTERM, on_term)
    console.print(f"worker {w.name}: taking jobs from {queue.url} ({namespace}), runs in {w.runs}", highlight=False)
    stats = w.run()
    console.print(f"worker {w.name}: {stats.done} jobs done ({stats.failed} failed), {stats.duplicates} reported "
                  "late and not counted", highlight=False)


@app.command()
def dispatch(
    source: Annotated[Optional[list[str]], typer.Option("--source", "-s", help="Sources of the night "
                                                         "(repeatable); default: every source.")] = None,
    redis_url: RedisOption = None,
    db: DbOption = None,
    runs_dir: RunsOption = None,
    replica: Annotated[Optional[str], typer.Option(help="Crawl a replica at this base URL [env "
                                                   "SALVAGE_REPLICA].")] = None,
    timeout: Annotated[float, typer.Option(help="Hard limit per source, in seconds.")] = 3600,
    wait: Annotated[bool, typer.Option(help="Wait for every job, then load the night into --db (the "
                                       "coordinator); --no-wait only enqueues.")] = True,
    stop_workers: Annotated[bool, typer.Option(help="Tell the running workers to stop after their current job, "
                                               "and enqueue nothing.")] = False,
    night: Annotated[Optional[str], typer.Option(help="The night's day, YYYY-MM-DD (default: today, China time); "
                                                 "its jobs are keyed by it.")] = None,
    namespace: NamespaceOption = "salvage",
    catalog: CatalogOption = None,
) -> None:
    """Enqueue one night (a crawl job per source) for the workers, wait for it and load it, as `salvage nightly`
    does in one process, then publish it to the shared catalog when one is set (--catalog or SALVAGE_CATALOG).
    Dispatching the same night again adds nothing: run it again to wait for and load a night whose coordinator
    died. Exit 1 when a source failed or the publish failed, 2 when another night holds the warehouse's lock or
    another loader is publishing."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from alerts.events import EventsHook
    from crawlers.jobqueue import JobQueue
    from crawlers.runner import sources as known
    from schedules.distributed import dispatch as enqueue
    from schedules.distributed import night_batch, run_night
    from schedules.nightly import NightAlreadyRunning
    from warehouse.db import WarehouseInUse
    from warehouse.linkage import link_assets
    from warehouse.monitoring import MetricsHook

    queue = JobQueue(_redis_url(redis_url), namespace)
    if stop_workers:
        queue.request_stop()
        console.print("workers told to stop after their current job")
        return
    sources_ = source or known()
    try:
        day = datetime.strptime(night, "%Y-%m-%d").replace(tzinfo=SHANGHAI) if night else datetime.now(SHANGHAI)
    except ValueError as exc:
        raise fail(f"--night {night!r}: expected YYYY-MM-DD") from exc
    batch = night_batch(day)
    if not wait:
        ids = enqueue(queue, sources_, batch=batch, replica=config.replica_url(replica), clock=None, timeout=timeout)
        console.print(f"{batch}: {len(ids)} jobs enqueued: {', '.join(ids)}", highlight=False)
        return
    alerts_hook = EventsHook(on_warning=lambda w: console.print(f"[yellow]alerts:[/] {w}", highlight=False))
    db_file = writable_db(db)
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task(f"{batch}: crawls done", total=len(sources_))
        try:
            night = run_night(queue, sources_, db_file, config.runs_dir(runs_dir), batch=batch,
                              replica=config.replica_url(replica), timeout=timeout,
                              hooks=[MetricsHook(), link_assets, alerts_hook],
                              on_progress=lambda done, total: progress.update(task, completed=done, total=total))
        except (NightAlreadyRunning, WarehouseInUse) as exc:
            raise fail(str(exc), code=2) from exc
        except TimeoutError as exc:
            raise fail(str(exc)) from exc
    for r in night.ingested:
        console.print(f"ingested {r.run_id}: {r.status}, +{r.new_lots} lots, +{r.new_versions} versions"
                      + (f" — {r.error}" if r.error else ""))
    for problem in night.failed:
        console.print(f"[bold red]failed:[/] {problem}")
    published = publish_catalog(db_file, catalog)
    raise typer.Exit(1 if night.failed else published)



@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="Warehouse file to create.")] = Path("demo/salvage.duckdb"),
    lots: Annotated[int, typer.Option(help="Lots per source in the replica.")] = 300,
    seed: Annotated[int, typer.Option(help="Replica seed.")] = 7,
    distributed: Annotated[bool, typer.Option(help="Crawl through a private Redis and worker processes (the "
                                              "distributed set-up of docs/scaling.md) instead of in-process.")] = False,
    workers: Annotated[int, typer.Option(help="Workers with --distributed.")] = 3,
    catalog: Annotated[Optional[str], typer.Option("--catalog", help="With --distributed: publish each night to "
                                                   "this shared catalog (postgresql://…?warehouse=/path) instead of "
                                                   "a private PostgreSQL started for the demo.")] = None,
) -> None:
    """Start replicas of every source, crawl two simulated nights of each, ingest them, print a summary and write the
    alert mails. With --distributed the same nights go through Redis and --workers worker processes and are
    published to a shared catalog (Iceberg tables, catalog on PostgreSQL); the warehouse ends up the same, and the
    demo checks that the catalog's night equals the file."""
    from salvage.demo import run_demo

    code = run_demo(db, n_lots=lots, seed=seed, console=console, out=out,
                    workers=max(1, workers) if distributed else 0, catalog=catalog)
    raise typer.Exit(code)


if __name__ == "__main__":
    app()
