"""Alert events, produced inside the night's ingest transaction (an ingest hook), set-based.

``record_events(con, results)`` runs after the merge, in the same transaction, so a night and its events commit
together or not at all. It loads the saved searches into ``alert_searches`` and evaluates all of them in one query
per step (a join of the night's candidate lots with the searches table, never one query per search; the join is a
hash join on (kind, asset type, province) "blocks", each search's own predicates evaluated once per distinct value,
then the search's other filters on the pairs that remain):

- **candidates**: the lot versions the night's runs opened (``fct_lot_versions`` rows of the night's sources with
  ``valid_from`` at or after the night's first crawl), each with the previous version's status and prices;
- **new**: a version 1, upcoming or ongoing, of a source that had been crawled before: the first successful crawl of
  a source is its inventory, not news (otherwise adding a source would mail its whole catalogue as "new");
- **price_drop**: the reserve price or the current price is lower than in the previous version (``drop_pct``: the
  reserve's drop, else the current price's); and a relisting (一拍 流拍 → 二拍 → 变卖): a lot's first version whose
  reserve is lower than that of the lot of the same asset (``fct_lot_links``) listed just before it;
- **status_change**: the status became withdrawn, suspended, sold or unsold;
- **starting_soon**: an upcoming lot (any source) starts within the search's ``soon_days`` of the night; once per
  search, lot and start time (a rescheduled auction is reminded again).

A lot matches a search on the version the event is about (a price that drops into a search's range alerts).
Each event is written at most once per (search, lot, kind, version): an anti-join against ``alert_events``, so
re-running a night, re-ingesting its runs or calling the hook twice adds nothing.

A relisting is a new lot id, so it arrives as ``new`` (with its round) and, when its asset is linked and its reserve
is lower, as ``price_drop``. The linkage hook must run before this one in the ingest (salvage ingest, nightly and the
demo order them so).
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

from alerts.searches import (
    EVENT_KINDS,
    FILTERS,
    Search,
    SearchError,
    load_searches,
    match_predicate,
    search_row,
)
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


_EVENT_COLUMNS = ("event_id, search_name, source, source_lot_id, kind, version_no, start_at, drop_pct, night, run_id, "
                  "detected_at, state")


# the lot columns a candidate carries: what the filters read, what the event keeps, and the keys
_CANDIDATE_COLUMNS = ("source", "source_lot_id", "version_no", "run_id", "title", "url", "asset_type", "seller_type",
                      "round", "status", "province", "city", "start_at", "end_at", "reserve_price",
                      "appraisal_price", "current_price", "principal", "total_claim", "debtor")


def _lot_columns(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in _CANDIDATE_COLUMNS)


BLOCK_KEYS = ("asset_type", "province")  # filters evaluated once per distinct value, then joined on equality


def blocks_sql(candidates: str = "alert_candidates") -> str:
    """Every search against every distinct (kind, asset_type, province) of the candidates, with the search's own
    predicates: the pairs that pass are the only ones the main join looks at (a hash join on those three columns,
    instead of every candidate against every search)."""
    return f"""
    CREATE OR REPLACE TEMP TABLE alert_blocks AS
    SELECT s.*, l.kind AS block_kind, l.asset_type AS block_asset_type, l.province AS block_province
    FROM alert_searches s
    JOIN (SELECT DISTINCT kind, asset_type, province FROM {candidates}) l
      ON list_contains(s.events, l.kind) AND {match_predicate('s', keys=BLOCK_KEYS)}
    """


def matches_sql(candidates: str = "alert_candidates", carried: str = "l.*") -> str:
    """SELECT of every (search, candidate) pair that matches: the candidates joined to ``alert_blocks`` on the block
    keys, then every other filter of the search; a reminder only within the search's own ``soon_days``."""
    return f"""
    SELECT s.name AS search_name, {carried}
    FROM {candidates} l
    JOIN alert_blocks s ON s.block_kind = l.kind AND s.block_asset_type IS NOT DISTINCT FROM l.asset_type
                       AND s.block_province IS NOT DISTINCT FROM l.province
    WHERE {match_predicate('s', skip=BLOCK_KEYS)}
      AND (l.kind <> 'starting_soon' OR l.start_at <= $now + to_days(s.soon_days))
    """


def _insert_events_sql() -> str:
    """INSERT of every matching (search, candidate) pair not recorded yet. ``alert_candidates`` has the lot columns,
    kind, version_no, drop_pct and ``dedupe`` (the version, or the start time of a reminder). Event ids come from
    the temporary sequence ``alert_event_ids`` (after the largest recorded), so the rows stream into the table:
    ``row_number() OVER ()`` held every matched pair in memory first."""
    carried = "l.source, l.source_lot_id, l.kind, l.version_no, l.start_at, l.drop_pct, l.run_id, l.dedupe"
    return f"""
    INSERT INTO alert_events ({_EVENT_COLUMNS})
    SELECT nextval('alert_event_ids'), m.search_name, m.source,
           m.source_lot_id, m.kind, m.version_no, m.start_at, m.drop_pct, CAST($night AS DATE), m.run_id, now(),
           'pending'
    FROM ({matches_sql(carried=carried)}) m
    ANTI JOIN (  -- what is recorded already, for the candidate lots only
        SELECT e.search_name, e.source, e.source_lot_id, e.kind, {_DEDUPE.format(t='e')} AS dedupe
        FROM alert_events e SEMI JOIN (SELECT DISTINCT source, source_lot_id FROM alert_candidates) c
          ON c.source = e.source AND c.source_lot_id = e.source_lot_id
    ) e ON e.search_name = m.search_name AND e.source = m.source AND e.source_lot_id = m.source_lot_id
       AND e.kind = m.kind AND e.dedupe = m.dedupe
    """


# once per (search, lot, kind, version); a reminder once per (search, lot, start time)
_DEDUPE = "CASE WHEN {t}.kind = 'starting_soon' THEN epoch_us({t}.start_at)::VARCHAR ELSE {t}.version_no::VARCHAR END"


def _lit_list(values: Iterable[str]) -> str:
    return "[" + ", ".join("'" + v + "'" for v in values) + "]"  # our own constants only


def _candidates_sql() -> str:
    """The versions the night's runs opened, one row per (version, kind)."""
    return f"""
    CREATE OR REPLACE TEMP TABLE alert_candidates AS
    WITH night AS (
        -- a resumed crawl's observations start before the crawl did (crawlers/archive.py, Resume)
        SELECT source, least(min(started_at), min(TRY_CAST(stats->>'salvage/resumed_earliest' AS TIMESTAMPTZ)))
               AS since FROM fct_crawl_runs WHERE list_contains($runs, run_id)
        GROUP BY source),
    baseline AS (  -- when each source's first successful crawl ended: its lots until then are inventory, not news
        SELECT source, arg_min(coalesce(finished_at, started_at), started_at) AS first_end
        FROM fct_crawl_runs WHERE status_run IN ('ok', 'partial') AND items > 0 GROUP BY source),
    relisted AS (  -- a new lot of a linked asset: the reserve of the asset's lot listed just before it
        SELECT me.source, me.source_lot_id,
               arg_max(pv.reserve_price, coalesce(pv.start_at, pv.valid_from)) AS prev_lot_reserve
        FROM fct_lot_versions me
        JOIN night n ON n.source = me.source AND me.valid_from >= n.since AND me.version_no = 1
        JOIN fct_lot_links l ON l.source = me.source AND l.source_lot_id = me.source_lot_id
        JOIN fct_lot_links o ON o.asset_id = l.asset_id
         AND NOT (o.source = l.source AND o.source_lot_id = l.source_lot_id)
        JOIN fct_lot_versions pv ON pv.source = o.source AND pv.source_lot_id = o.source_lot_id
         AND pv.valid_to IS NULL AND pv.reserve_price IS NOT NULL
        WHERE coalesce(pv.start_at, pv.valid_from) < coalesce(me.start_at, me.valid_from)
        GROUP BY me.source, me.source_lot_id
    ),
    opened AS (
        SELECT {_lot_columns('v')}, v.valid_from, p.status AS prev_status,
               coalesce(p.reserve_price, r.prev_lot_reserve) AS prev_reserve_price,
               p.current_price AS prev_current_price, b.first_end
        FROM fct_lot_versions v
        JOIN night n ON n.source = v.source AND v.valid_from >= n.since
        LEFT JOIN baseline b ON b.source = v.source
        LEFT JOIN fct_lot_versions p
          ON p.source = v.source AND p.source_lot_id = v.source_lot_id AND p.version_no = v.version_no - 1
        LEFT JOIN relisted r ON v.version_no = 1 AND r.source = v.source AND r.source_lot_id = v.source_lot_id
    ),
    kinds AS (
        SELECT *, unnest([
            CASE WHEN version_no = 1 AND (status IS NULL OR list_contains({_lit_list(BIDDABLE)}, status))
                      AND valid_from > first_end THEN 'new' END,
            CASE WHEN (reserve_price < prev_reserve_price OR current_price < prev_current_price)
                      AND (version_no > 1 OR valid_from > first_end)
                 THEN 'price_drop' END,  -- on a version 1: the relisted asset's last reserve, news after the inventory
            CASE WHEN version_no > 1 AND status IS DISTINCT FROM prev_status
                      AND list_contains({_lit_list(STATUS_EVENTS)}, status) THEN 'status_change' END
        ]) AS kind
        FROM opened
    )
    SELECT * EXCLUDE (first_end, valid_from), version_no::VARCHAR AS dedupe,
           CASE WHEN kind = 'price_drop' THEN
               CASE WHEN reserve_price < prev_reserve_price
                    THEN round(100 * (1 - reserve_price / prev_reserve_price), 2)
                    ELSE round(100 * (1 - current_price / prev_current_price), 2) END
           END::DECIMAL(6,2) AS drop_pct
    FROM kinds WHERE kind IS NOT NULL
    """


def _soon_sql() -> str:
    """Upcoming lots (current versions, any source) starting within the longest soon_days of any search."""
    return f"""
    INSERT INTO alert_candidates BY NAME
    SELECT {_lot_columns('v')}, 'starting_soon' AS kind, epoch_us(v.start_at)::VARCHAR AS dedupe
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

    ``searches`` default: the saved-search file (``path``, ``$SALVAGE_ALERTS``, ``./alerts.toml``). Problems with
    the file do not raise: they are in the returned ``warnings`` (see ``EventsHook``)."""
    counts = EventCounts()
    run_ids = [r.run_id for r in results if r.status == "loaded"]
    night = night_of(con, run_ids) if run_ids else None
    if night is None:
        return counts
    now, counts.night = night
    _resolve_searches(con, searches, path, counts)
    counts.searches = con.execute("SELECT count(*) FROM alert_searches").fetchone()[0]
    if not counts.searches:
        return counts
    before = dict(con.execute("SELECT kind, count(*) FROM alert_events GROUP BY kind").fetchall())
    con.execute(_candidates_sql(), {"runs": run_ids})
    con.execute(_soon_sql(), {"now": now})
    con.execute(blocks_sql())
    first_id = con.execute("SELECT coalesce(max(event_id), 0) + 1 FROM alert_events").fetchone()[0]
    con.execute(f"CREATE OR REPLACE TEMP SEQUENCE alert_event_ids START WITH {int(first_id)}")
    # the order the events are stored in means nothing (event_id is their order): without insertion order the
    # insert streams the matches into the table instead of buffering them by batch (the peak memory at 10M lots)
    order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("SET preserve_insertion_order = false")
    try:
        con.execute(_insert_events_sql(), {"night": counts.night, "now": now})
    finally:
        con.execute(f"SET preserve_insertion_order = {bool(order)}")
    con.execute("DROP TABLE alert_candidates; DROP TABLE alert_blocks; DROP SEQUENCE alert_event_ids")
    after = dict(con.execute("SELECT kind, count(*) FROM alert_events GROUP BY kind").fetchall())
    counts.by_kind = {k: after.get(k, 0) - before.get(k, 0) for k in EVENT_KINDS}
    return counts


class EventsHook:
    """``record_events`` as an ingest hook (``ingest(con, metas, hooks=[EventsHook(path)])``); keeps what it
    recorded in ``counts`` for the caller to print, and hands warnings to ``on_warning`` (default: the log)."""

    def __init__(self, path: Path | None = None, searches: list[Search] | None = None,
                 on_warning: Callable[[str], None] | None = None) -> None:
        self.path, self.searches, self.on_warning = path, searches, on_warning or log.warning
        self.counts: list[EventCounts] = []

    def __call__(self, con: duckdb.DuckDBPyConnection, results: list[Any]) -> None:
        counts = record_events(con, results, self.searches, path=self.path)
        self.counts.append(counts)
        for warning in counts.warnings:
            self.on_warning(warning)


def matches(con: duckdb.DuckDBPyConnection, search: Search, now: datetime, columns: str = "l.*",
            order: str = "") -> duckdb.DuckDBPyConnection:
    """The lots that match one search now (``salvage alerts test``): its compiled, parameterized WHERE over
    ``lots``."""
    from alerts.searches import compile_search

    where, params = compile_search(search, now)
    return con.execute(f"SELECT {columns} FROM lots l WHERE {where} {order}", params)
