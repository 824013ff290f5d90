"""``salvage alerts``: saved searches (add, list, remove, test) and sending the alert mails (send)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

SHANGHAI = ZoneInfo("Asia/Shanghai")
console = Console(stderr=True)
out = Console(soft_wrap=True)

alerts_app = typer.Typer(
    help="Alert e-mails for buyers: saved searches in a TOML file [env SALVAGE_ALERTS; ./alerts.toml], events "
    "recorded by every `salvage ingest`, mails sent by `salvage alerts send` (SMTP from SALVAGE_SMTP_*; without "
    "SALVAGE_SMTP_HOST, .eml files into SALVAGE_MAIL_DIR, ./mail).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

FileOption = Annotated[Path | None, typer.Option("--file", help="Saved-search file [env SALVAGE_ALERTS; "
                                                    "./alerts.toml].")]
DbOption = Annotated[Path | None, typer.Option("--db", help="Warehouse file [env SALVAGE_DB; ./salvage.duckdb].")]


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@alerts_app.command()
def add(
    name: Annotated[str, typer.Argument(help="Name of the search (letters, digits, _ . -), unique in the file.")],
    to: Annotated[list[str], typer.Option("--to", help="Recipient e-mail address (repeat for several).")],
    asset_type: Annotated[list[str] | None, typer.Option(help="real_estate, land, vehicle, equipment, equity, "
                                                            "debt, inventory, intangible, other (repeatable).")] = None,
    seller_type: Annotated[list[str] | None, typer.Option(help="court, amc, bank, bankruptcy_administrator, "
                                                             "government, enterprise, other (repeatable).")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Source slug, e.g. alibaba_zc (repeatable).")] = None,
    province: Annotated[list[str] | None, typer.Option(help="Province; 山西 matches 山西省 (repeatable).")] = None,
    city: Annotated[list[str] | None, typer.Option(help="City; 运城 matches 运城市 (repeatable).")] = None,
    round: Annotated[list[str] | None, typer.Option("--round", help="first, second, sell_off, other "
                                                       "(repeatable).")] = None,
    reserve_min: Annotated[str | None, typer.Option(help="Reserve price at least, yuan (5000000, 500万).")] = None,
    reserve_max: Annotated[str | None, typer.Option(help="Reserve price at most, yuan.")] = None,
    principal_min: Annotated[str | None, typer.Option(help="Debt principal at least, yuan.")] = None,
    principal_max: Annotated[str | None, typer.Option(help="Debt principal at most, yuan.")] = None,
    total_claim_min: Annotated[str | None, typer.Option(help="Total claim at least, yuan.")] = None,
    total_claim_max: Annotated[str | None, typer.Option(help="Total claim at most, yuan.")] = None,
    discount_to_appraisal_min: Annotated[Decimal | None, typer.Option(
        help="Reserve at least this many percent below the appraisal.")] = None,
    discount_to_claim_min: Annotated[Decimal | None, typer.Option(
        help="Reserve at least this many percent below the total claim.")] = None,
    keyword: Annotated[list[str] | None, typer.Option(help="Title or debtor contains this (repeatable: any "
                                                         "of them).")] = None,
    exclude_keyword: Annotated[list[str] | None, typer.Option(help="Title or debtor must not contain this "
                                                                 "(repeatable).")] = None,
    starts_within_days: Annotated[int | None, typer.Option(help="Auction starts within this many days.")] = None,
    event: Annotated[list[str] | None, typer.Option(help="Alert on: new, price_drop, status_change, "
                                                       "starting_soon (repeatable; default all).")] = None,
    soon_days: Annotated[int, typer.Option(help="starting_soon: days before the start.")] = 3,
    immediate: Annotated[bool, typer.Option("--immediate", help="Send this search's events as their own mail "
                                            "after each ingest, not in the nightly digest.")] = False,
    file: FileOption = None,
) -> None:
    """Add a saved search to the file. It is checked first; a bad one is refused with what is wrong."""
    from alerts.searches import SearchError, add_search, dump_search, parse_search
    from alerts.settings import searches_path

    data: dict[str, Any] = {"name": name, "recipients": to, "immediate": immediate, "soon_days": soon_days}
    options = {"asset_type": asset_type, "seller_type": seller_type, "source": source, "province": province,
               "city": city, "round": round, "reserve_min": reserve_min, "reserve_max": reserve_max,
               "principal_min": principal_min, "principal_max": principal_max, "total_claim_min": total_claim_min,
               "total_claim_max": total_claim_max, "discount_to_appraisal_min": discount_to_appraisal_min,
               "discount_to_claim_min": discount_to_claim_min, "keywords": keyword,
               "exclude_keywords": exclude_keyword, "starts_within_days": starts_within_days, "events": event}
    data.update({k: v for k, v in options.items() if v})
    path = searches_path(file)
    try:
        search = parse_search(data)
        add_search(path, search)
    except SearchError as exc:
        raise _fail(str(exc), 2) from None
    console.print(f"added to {path}:")
    out.print(dump_search(search), markup=False, highlight=False)


@alerts_app.command("list")
def list_searches(file: FileOption = None) -> None:
    """List the saved searches: recipients, events and filters. Exit 1 when the file is refused."""
    from alerts.searches import SearchError, load_searches
    from alerts.settings import searches_path

    path = searches_path(file)
    try:
        searches = load_searches(path)
    except SearchError as exc:
        raise _fail(str(exc)) from None
    if not searches:
        console.print(f"no saved searches in {path}" + ("" if path.exists() else " (no such file)"))
        return
    table = Table("name", "recipients", "events", "mail", "filters", title=str(path))
    for s in searches:
        table.add_row(s.name, ", ".join(s.recipients), ", ".join(s.events),
                      "immediate" if s.immediate else "digest", s.describe())
    out.print(table)


@alerts_app.command()
def remove(name: Annotated[str, typer.Argument(help="Name of the search.")], file: FileOption = None) -> None:
    """Remove a saved search (its pending events are dropped at the next send)."""
    from alerts.searches import SearchError, remove_search
    from alerts.settings import searches_path

    path = searches_path(file)
    try:
        remove_search(path, name)
    except SearchError as exc:
        raise _fail(str(exc)) from None
    console.print(f"removed {name} from {path}")


@alerts_app.command()
def test(
    name: Annotated[str, typer.Argument(help="Name of the search.")],
    file: FileOption = None,
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Lots to show.")] = 20,
) -> None:
    """Show what a saved search matches in the warehouse today (the current state of every lot)."""
    from alerts.events import matches
    from alerts.searches import SearchError, find_search, load_searches
    from alerts.settings import searches_path
    from contracts import config
    from warehouse.db import connect

    try:
        search = find_search(load_searches(searches_path(file)), name)
        con = connect(config.db_path(db), read_only=True)
    except (SearchError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None
    now = con.execute("SELECT max(started_at) FROM crawl_runs").fetchone()[0] or datetime.now(SHANGHAI)
    total, biddable = matches(con, search, now, "count(*), count(*) FILTER (WHERE l.status IN ('upcoming', "
                              "'ongoing'))").fetchone()
    cursor = matches(con, search, now, "l.source, l.source_lot_id, left(l.title, 30) AS title, l.asset_type, "
                     "l.round, l.status, l.province, l.reserve_price, l.appraisal_price, l.total_claim, "
                     "strftime(l.start_at, '%Y-%m-%d %H:%M') AS start_at",
                     "ORDER BY l.status NOT IN ('upcoming', 'ongoing'), l.start_at NULLS LAST, l.source, "
                     f"l.source_lot_id LIMIT {int(limit)}")
    table = Table(*[d[0] for d in cursor.description],
                  title=f"{name}: {total} lots match ({biddable} upcoming or ongoing) as of "
                        f"{now.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")
    for row in cursor.fetchall():
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)
    out.print(f"filters: {search.describe()}", highlight=False)


def send_pending(db: Path | None = None, file: Path | None = None, mail_dir: Path | None = None):
    """Compose the pending events' mails and send every pending mail (SMTP from the environment, else .eml files);
    print what happened and return the delivery report. Used by `salvage alerts send` and `salvage nightly`."""
    from alerts.delivery import EmlTransport, SmtpTransport, send_to_warehouse
    from alerts.searches import SearchError, load_searches
    from alerts.settings import SettingsError, from_address, searches_path, smtp_settings
    from alerts.settings import mail_dir as default_mail_dir
    from contracts import config

    try:
        settings = smtp_settings()
    except SettingsError as exc:
        raise _fail(str(exc)) from None
    transport = SmtpTransport(settings) if settings else EmlTransport(default_mail_dir(mail_dir), from_address())
    path, warehouse = searches_path(file), config.db_path(db)
    if not warehouse.exists():
        raise _fail(f"no warehouse at {warehouse}: run `salvage ingest` first")
    try:
        if not path.exists():  # a wrong working directory must not drop every pending event as "removed"
            raise SearchError(f"{path}: no such file")
        searches = load_searches(path)
    except SearchError as exc:
        console.print(f"[yellow]warning:[/] {exc}; mails go to the recipients the last ingest loaded",
                      highlight=False)
        searches = None
    report = send_to_warehouse(warehouse, transport, searches)
    console.print(f"{report.composed} mails composed, {len(report.sent)} sent to {transport.via}, "
                  f"{report.pending} pending in the outbox")
    for mail_id, why in report.refused.items():
        console.print(f"[yellow]refused:[/] {mail_id}: {why}", highlight=False)
    for mail_id in report.uncertain:
        console.print(f"[yellow]uncertain:[/] {mail_id}: the connection was lost after the server had the mail; "
                      "it stays pending and is resent with the same Message-ID", highlight=False)
    if report.server_down:
        console.print(f"[bold red]server down:[/] {report.server_down}", highlight=False)
    return report


@alerts_app.command()
def send(
    db: DbOption = None,
    file: FileOption = None,
    mail_dir: Annotated[Path | None, typer.Option("--mail-dir", help="Folder for .eml files when "
                                                     "SALVAGE_SMTP_HOST is unset [env SALVAGE_MAIL_DIR; ./mail].")
                        ] = None,
) -> None:
    """Compose the mails of the pending events (one digest per recipient and night, immediate searches apart) and
    send every pending mail. Exit 1 when mails stay in the outbox (server down or refusing); the next send retries
    exactly those."""
    if not send_pending(db, file, mail_dir).ok:
        raise typer.Exit(1)
