"""Alert events, produced inside the night's ingest transaction (an ingest hook), set-based.

``record_events(con, results)`` runs after the merge, in the same transaction, so a night and its events commit
together or not at all. It loads the saved searches into ``alert_searches`` and evaluates all of them in one query
per step (a join of the night's candidate lots with the searches table, never one query per search):

- **candidates**: the lot versions the night's runs opened (``fct_lot_versions`` rows of the night's sources with
  ``valid_from`` at or after the night's first crawl), each with the previous version's status and prices;
- **new**: a version 1, upcoming or ongoing, of a source that had been crawled before: the first successful crawl of
  a source is its inventory, not news (otherwise adding a source would mail its whole catalogue as "new");
- **price_drop**: the reserve price or the current price is lower than in the previous version (``drop_pct``: the
  reserve's drop, else the current price's);
- **status_change**: the status became withdrawn, suspended, sold or unsold;
- **starting_soon**: an upcoming lot (any source) starts within the search's ``soon_days`` of the night; once per
  search, lot and start time (a rescheduled auction is reminded again).

A lot matches a search on the version the event is about (a price that drops into a search's range alerts).
Each event is written at most once per (search, lot, kind, version): an anti-join against ``alert_events``, so
re-running a night, re-ingesting its runs or calling the hook twice adds nothing.

Relisting as "the next round of the same asset" is not an event: it needs the asset linkage of issue 5. The next
round's lot is a new lot id, so it arrives as ``new`` (with its round) when it matches.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from alerts.searches import FILTERS, EVENT_KINDS, Search, SearchError, load_searches, match_predicate, search_row
from alerts.settings import searches_path

SHANGHAI = ZoneInfo("Asia/Shanghai")
BIDDABLE = ("upcoming", "ongoing")
STATUS_EVENTS = ("withdrawn", "suspended", "sold", "unsold")
log = logging.getLogger("salvage.alerts")

_SEARCH_TYPES: dict[str, Any] = {
    "name": "VARCHAR", "recipients": ["VARCHAR"], "immediate": "BOOLEAN", "events": ["VARCHAR"],
    "soon_days": "INTEGER", **{f.key: [f.sql_type.removesuffix("[]")] if f.sql_type.endswith("[]") else f.sql_type
                               for f in FILTERS},
    "definition": "VARCHAR",
}
SEARCH_COLUMNS: tuple[str, ...] = tuple(_SEARCH_TYPES)


@dataclass
class EventCounts:
    """What one call recorded: events by kind, the night, and warnings (e.g. a saved-search file that was refused)."""

    night: str | None = None
    by_kind: dict[str, int] = field(default_factory=dict)
    searches: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    def summary(self) -> str:
        if self.night is None:
            return "alerts: nothing loaded, no events"
        kinds = ", ".join(f"{n} {k}" for k, n in self.by_kind.items() if n) or "none"
        return f"alerts: {self.searches} saved searches, night {self.night}: events {kinds}"


def sync_searches(con: duckdb.DuckDBPyConnection, searches: Iterable[Search]) -> None:
    """Make ``alert_searches`` hold exactly these searches (``added_at`` kept for names it had already)."""
    rows = [{k: (str(v) if v is not None and not isinstance(v, (list, bool, int, str)) else v)
             for k, v in search_row(s).items()} for s in searches]
    structure = json.dumps([_SEARCH_TYPES])
    cols = ", ".join(SEARCH_COLUMNS)
    con.execute("CREATE OR REPLACE TEMP TABLE alert_searches_prev AS SELECT name, added_at FROM alert_searches")
    con.execute("DELETE FROM alert_searches")
    con.execute(
        f"INSERT INTO alert_searches ({cols}, added_at, loaded_at) "
        f"SELECT {', '.join('r.' + c for c in SEARCH_COLUMNS)}, coalesce(p.added_at, now()), now() "
        f"FROM (SELECT unnest(from_json(CAST($rows AS JSON), $structure)) AS r) "
        f"LEFT JOIN alert_searches_prev p ON p.name = r.name",
        {"rows": json.dumps(rows, ensure_ascii=False), "structure": structure})
    con.execute("DROP TABLE alert_searches_prev")


def _resolve_searches(con: duckdb.DuckDBPyConnection, searches: list[Search] | None, path: Path | None,
                      counts: EventCounts) -> None:
    """Load the searches into ``alert_searches``; when the file is unreadable or missing, keep the ones the last
    ingest loaded (a typo in the alerts file must neither stop the warehouse load nor lose the night's events)."""
    if searches is None:
        path = searches_path(path)
        kept = con.execute("SELECT count(*) FROM alert_searches").fetchone()[0]
        try:
            if not path.exists() and kept:
                raise SearchError(f"{path}: no such file")
            searches = load_searches(path)
        except SearchError as exc:
            counts.warnings.append(f"saved searches not reloaded ({exc}); using the {kept} searches the last "
                                   "ingest loaded")
            return
    sync_searches(con, searches)


def night_of(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> tuple[datetime, str] | None:
    row = con.execute("SELECT max(started_at) FROM fct_crawl_runs WHERE list_contains($runs, run_id)",
                      {"runs": run_ids}).fetchone()
    if row[0] is None:
        return None
    now = row[0]
    return now, now.astimezone(SHANGHAI).date().isoformat()


_LOT_SNAPSHOT = ("title", "url", "asset_type", "round", "status", "province", "city", "start_at", "end_at",
                 "reserve_price", "appraisal_price", "current_price", "total_claim")
_EVENT_COLUMNS = ("event_id, search_name, source, source_lot_id, kind, version_no, night, run_id, detected_at, "
                  + ", ".join(_LOT_SNAPSHOT)
                  + ", prev_status, prev_reserve_price, prev_current_price, drop_pct, state")


def _insert_events_sql(candidates: str) -> str:
    """INSERT of every (search, candidate) pair that matches and is not recorded yet. ``candidates`` has the lot
    columns under ``l``, plus kind, version_no and the prev_* columns."""
    snapshot = ", ".join(f"l.{c}" for c in _LOT_SNAPSHOT)
    return f"""
    INSERT INTO alert_events ({_EVENT_COLUMNS})
    SELECT nextval('alert_event_ids'), s.name, l.source, l.source_lot_id, l.kind, l.version_no, CAST($night AS DATE),
           l.run_id, now(), {snapshot}, l.prev_status, l.prev_reserve_price, l.prev_current_price, l.drop_pct, 'pending'
    FROM {candidates} l
    JOIN alert_searches s ON list_contains(s.events, l.kind) AND {match_predicate('s')}
    WHERE NOT EXISTS (
        SELECT 1 FROM alert_events e
        WHERE e.search_name = s.name AND e.source = l.source AND e.source_lot_id = l.source_lot_id
          AND e.kind = l.kind AND (e.version_no = l.version_no
                                   OR (l.kind = 'starting_soon' AND e.start_at IS NOT DISTINCT FROM l.start_at)))
    """


def _lit_list(values: Iterable[str]) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"  # our own constants only


def _candidates_sql() -> str:
    """The versions the night's runs opened, one row per (version, kind)."""
    return f"""
    CREATE OR REPLACE TEMP TABLE alert_candidates AS
    WITH night AS (
        SELECT source, min(started_at) AS since FROM fct_crawl_runs WHERE list_contains($runs, run_id)
        GROUP BY source),
    baseline AS (  -- when each source's first successful crawl ended: its lots until then are inventory, not news
        SELECT source, arg_min(coalesce(finished_at, started_at), started_at) AS first_end
        FROM fct_crawl_runs WHERE status_run IN ('ok', 'partial') AND items > 0 GROUP BY source),
    opened AS (
        SELECT v.*, p.status AS prev_status, p.reserve_price AS prev_reserve_price,
               p.current_price AS prev_current_price, b.first_end
        FROM fct_lot_versions v
        JOIN night n ON n.source = v.source AND v.valid_from >= n.since
        LEFT JOIN baseline b ON b.source = v.source
        LEFT JOIN fct_lot_versions p
          ON p.source = v.source AND p.source_lot_id = v.source_lot_id AND p.version_no = v.version_no - 1
    ),
    kinds AS (
        SELECT *, unnest([
            CASE WHEN version_no = 1 AND (status IS NULL OR list_contains({_lit_list(BIDDABLE)}, status))
                      AND valid_from > first_end THEN 'new' END,
            CASE WHEN version_no > 1 AND (reserve_price < prev_reserve_price OR current_price < prev_current_price)
                 THEN 'price_drop' END,
            CASE WHEN version_no > 1 AND status IS DISTINCT FROM prev_status
                      AND list_contains({_lit_list(STATUS_EVENTS)}, status) THEN 'status_change' END
        ]) AS kind
        FROM opened
    )
    SELECT * EXCLUDE (first_end),
           CASE WHEN kind = 'price_drop' THEN
               CASE WHEN reserve_price < prev_reserve_price
                    THEN round(100 * (1 - reserve_price / prev_reserve_price), 2)
                    ELSE round(100 * (1 - current_price / prev_current_price), 2) END
           END::DECIMAL(6,2) AS drop_pct
    FROM kinds WHERE kind IS NOT NULL
    """


def _soon_sql() -> str:
    """Upcoming lots (current versions, any source) starting within the longest soon_days of any search."""
    return """
    CREATE OR REPLACE TEMP TABLE alert_soon AS
    SELECT v.*, 'starting_soon' AS kind, NULL::VARCHAR AS prev_status, NULL::DECIMAL(18,2) AS prev_reserve_price,
           NULL::DECIMAL(18,2) AS prev_current_price, NULL::DECIMAL(6,2) AS drop_pct
    FROM dim_lots d
    JOIN fct_lot_versions v
      ON v.source = d.source AND v.source_lot_id = d.source_lot_id AND v.version_no = d.version_no
    WHERE (v.status = 'upcoming' OR v.status IS NULL)
      AND v.start_at > $now
      AND v.start_at <= $now + to_days((SELECT coalesce(max(soon_days), 0) FROM alert_searches
                                        WHERE list_contains(events, 'starting_soon')))
    """


def record_events(con: duckdb.DuckDBPyConnection, results: Iterable[Any], searches: list[Search] | None = None,
                  *, path: Path | None = None) -> EventCounts:
    """The ingest hook: record the alert events of the runs just loaded (``results``: RunResult of the ingest).

    ``searches`` default: the saved-search file (``path``, ``$SALVAGE_ALERTS``, ``./alerts.toml``)."""
    counts = EventCounts()
    run_ids = [r.run_id for r in results if r.status == "loaded"]
    night = night_of(con, run_ids) if run_ids else None
    if night is None:
        return counts
    now, counts.night = night
    _resolve_searches(con, searches, path, counts)
    counts.searches = con.execute("SELECT count(*) FROM alert_searches").fetchone()[0]
    for warning in counts.warnings:
        log.warning(warning)
    if not counts.searches:
        return counts
    before = dict(con.execute("SELECT kind, count(*) FROM alert_events GROUP BY kind").fetchall())
    con.execute(_candidates_sql(), {"runs": run_ids})
    con.execute(_insert_events_sql("alert_candidates"), {"night": counts.night, "now": now})
    con.execute(_soon_sql(), {"now": now})
    soon = _insert_events_sql("alert_soon").replace(
        "JOIN alert_searches s ON", "JOIN alert_searches s ON l.start_at <= $now + to_days(s.soon_days) AND")
    con.execute(soon, {"night": counts.night, "now": now})
    con.execute("DROP TABLE alert_candidates; DROP TABLE alert_soon")
    after = dict(con.execute("SELECT kind, count(*) FROM alert_events GROUP BY kind").fetchall())
    counts.by_kind = {k: after.get(k, 0) - before.get(k, 0) for k in EVENT_KINDS}
    return counts


class EventsHook:
    """``record_events`` as an ingest hook (``ingest(con, metas, hooks=[EventsHook(path)])``); keeps what it
    recorded in ``counts`` for the caller to print."""

    def __init__(self, path: Path | None = None, searches: list[Search] | None = None,
                 on_warning: Callable[[str], None] | None = None) -> None:
        self.path, self.searches, self.on_warning = path, searches, on_warning
        self.counts: list[EventCounts] = []

    def __call__(self, con: duckdb.DuckDBPyConnection, results: list[Any]) -> None:
        counts = record_events(con, results, self.searches, path=self.path)
        self.counts.append(counts)
        if self.on_warning:
            for warning in counts.warnings:
                self.on_warning(warning)


def matches(con: duckdb.DuckDBPyConnection, search: Search, now: datetime, columns: str = "l.*",
            order: str = "") -> duckdb.DuckDBPyConnection:
    """The lots that match one search now (``salvage alerts test``): its compiled, parameterized WHERE over
    ``lots``."""
    from alerts.searches import compile_search

    where, params = compile_search(search, now)
    return con.execute(f"SELECT {columns} FROM lots l WHERE {where} {order}", params)
