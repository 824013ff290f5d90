"""Run monitoring: every ingested run's counts and field coverage, compared with the source's previous runs, and the
operators' health digest.

`record_run_metrics` is an ingest hook (``ingest(con, metas, hooks=[record_run_metrics])``): it runs inside the
night's transaction, after the merge, and reads each loaded run's row of ``fct_crawl_runs`` (its ``stats`` JSON holds
Scrapy's counters and ``salvage/coverage``). It writes ``fct_run_metrics`` (one row per run) and
``fct_run_field_coverage`` (one row per run and Lot field). The rules:

- a failed run, or zero items, is an **error**;
- a nightly run whose items fell below half of the median of the source's previous (at most 3) nightly runs with
  items is a **warning**; so is a field whose coverage fell below half of its median in those runs (the warning
  names the field), and a partial run (its reason is quoted);
- refresh runs (only lots ending soon) and reparse runs are recorded but neither compared nor used as a baseline:
  they are small or repeat an old night by design.

`build_digest` turns the runs of a night into a text and an HTML digest for operators (not the buyers' alert mails);
the nightly run delivers it (schedules/digest.py: files, and mail when SMTP is configured).
"""

from __future__ import annotations

import html
import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from contracts.models import LOT_FIELDS

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASELINE_RUNS = 3
DROP = 0.5  # a value below half of its baseline is a drop


@dataclass
class RunHealth:
    run_id: str
    source: str
    kind: str
    status: str
    items: int
    requests: int
    retries: int
    interstitials: int
    rejects: int
    errors: int
    duration_s: float | None
    health: str = "ok"  # ok | warning | error
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    started_at: datetime | None = None


def _int(stats: dict[str, Any], key: str) -> int:
    value = stats.get(key) or 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def run_kind(stats: dict[str, Any]) -> str:
    if stats.get("salvage/reparse_of"):
        return "reparse"
    return str(stats.get("salvage/kind") or "nightly")


def _duration(stats: dict[str, Any], started: datetime | None, finished: datetime | None) -> float | None:
    if stats.get("elapsed_time_seconds") is not None:
        return round(float(stats["elapsed_time_seconds"]), 1)
    if started and finished:
        return round((finished - started).total_seconds(), 1)
    return None


def record_run_metrics(con: duckdb.DuckDBPyConnection, results: Iterable[Any]) -> list[RunHealth]:
    """The ingest hook: metrics and health of every loaded run (``RunResult``s), in the order given (oldest first)."""
    out: list[RunHealth] = []
    for result in results:
        row = con.execute(
            "SELECT run_id, source, started_at, finished_at, items, rejects, status_run, error, stats "
            "FROM fct_crawl_runs WHERE run_id = ?", [result.run_id]).fetchone()
        if row is None:
            continue
        run_id, source, started, finished, items, rejects, status, error, stats_json = row
        stats = json.loads(stats_json) if stats_json else {}
        health = RunHealth(
            run_id, source, run_kind(stats), status, items, _int(stats, "downloader/request_count"),
            _int(stats, "retry/count"), _int(stats, "salvage/interstitials"), rejects,
            _int(stats, "log_count/ERROR"), _duration(stats, started, finished), error=error, started_at=started)
        coverage: dict[str, float] = stats.get("salvage/coverage") or {}
        baseline = _baseline(con, source, started) if health.kind == "nightly" else []
        base_items = statistics.median(b[0] for b in baseline) if baseline else None
        base_cov = {name: statistics.median(b[1].get(name, 0.0) for b in baseline) for name in LOT_FIELDS} \
            if baseline else {}

        if status == "failed" or items == 0:
            health.health = "error"
            health.warnings.append(f"failed: {error}" if error else "zero items")
        else:
            if base_items is not None and items < DROP * base_items:
                health.warnings.append(f"items dropped to {items} from a median of {base_items:g} "
                                       f"in the previous {len(baseline)} runs")
            if status == "partial":
                health.warnings.append(f"partial: {error}" if error else "partial run")
        rows = []
        for name in LOT_FIELDS:
            value = float(coverage.get(name, 0.0))
            before = base_cov.get(name)
            dropped = bool(items and before and value < DROP * before)
            if dropped:
                health.warnings.append(f"coverage of {name} dropped to {value:.0%} from {before:.0%}")
            rows.append((run_id, source, name, value, before, dropped))
        if health.health != "error" and health.warnings:
            health.health = "warning"
        con.execute("DELETE FROM fct_run_field_coverage WHERE run_id = ?", [run_id])
        con.execute("DELETE FROM fct_run_metrics WHERE run_id = ?", [run_id])
        con.executemany("INSERT INTO fct_run_field_coverage VALUES (?, ?, ?, ?, ?, ?)", rows)
        con.execute(
            "INSERT INTO fct_run_metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
            [run_id, source, health.kind, started, status, items, health.requests, health.retries,
             health.interstitials, rejects, health.errors, health.duration_s, len(baseline), base_items,
             health.health, health.warnings])
        out.append(health)
    return out


def _baseline(con: duckdb.DuckDBPyConnection, source: str, started: datetime | None) -> list[tuple[int, dict]]:
    """(items, coverage) of the source's previous nightly runs with items, newest first."""
    rows = con.execute(
        "SELECT r.items, r.stats FROM fct_run_metrics m JOIN fct_crawl_runs r USING (run_id) "
        "WHERE m.source = ? AND m.kind = 'nightly' AND m.items > 0 AND m.started_at < ? "
        "ORDER BY m.started_at DESC LIMIT ?", [source, started, BASELINE_RUNS]).fetchall()
    return [(items, (json.loads(stats) if stats else {}).get("salvage/coverage") or {}) for items, stats in rows]


class MetricsHook:
    """``record_run_metrics`` as a hook that remembers what it recorded (for the digest after the commit)."""

    def __init__(self) -> None:
        self.runs: list[RunHealth] = []

    def __call__(self, con: duckdb.DuckDBPyConnection, results: list[Any]) -> None:
        self.runs.extend(record_run_metrics(con, results))


def recent_runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[tuple]:
    """The last runs for ``salvage runs``: run, source, started, seconds, items, rejects, status, health, problems."""
    has_metrics = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'fct_run_metrics'").fetchone()[0]
    health = ("coalesce(m.health, ''), coalesce(array_to_string(m.warnings, '; '), c.error, '')"
              if has_metrics else "'', coalesce(c.error, '')")
    join = "LEFT JOIN fct_run_metrics m USING (run_id)" if has_metrics else ""
    return con.execute(
        f"SELECT c.run_id, c.source, strftime(c.started_at, '%Y-%m-%d %H:%M'), "
        f"round(epoch(c.finished_at - c.started_at)), c.items, c.rejects, c.status, {health} "
        f"FROM crawl_runs c {join} ORDER BY c.started_at DESC LIMIT ?", [limit]).fetchall()


# ------------------------------------------------------------------------------------------------- the digest

@dataclass
class Digest:
    subject: str
    text: str
    html: str
    health: str  # the worst of the runs


def build_digest(runs: list[RunHealth], *, title: str = "Salvage night", failed: Iterable[str] = ()) -> Digest:
    """A text and an HTML digest of the night's runs; ``failed`` lists what failed outside them (a refused run
    file, a night that could not start)."""
    failed = list(failed)
    order = {"ok": 0, "warning": 1, "error": 2}
    worst = max((r.health for r in runs), key=order.__getitem__, default="ok")
    if failed and worst != "error":
        worst = "error"
    counts = {h: sum(r.health == h for r in runs) for h in order}
    subject = f"[salvage] {title}: {worst.upper()} — {len(runs)} runs, {counts['error']} errors, " \
              f"{counts['warning']} warnings"
    lines = [subject, ""]
    for r in runs:
        secs = f"{r.duration_s:.0f} s" if r.duration_s is not None else "?"
        lines.append(f"{r.health.upper():8} {r.source} ({r.kind}) {r.run_id}: {r.status}, {r.items} items, "
                     f"{r.requests} requests, {r.retries} retries, {r.interstitials} anti-bot pages, "
                     f"{r.rejects} rejects, {r.errors} errors, {secs}")
        lines += [f"         - {w}" for w in r.warnings]
    lines += [f"FAILED   {f}" for f in failed]
    colour = {"ok": "#2e7d32", "warning": "#b26a00", "error": "#c62828"}
    cells = "".join(
        f"<tr><td style='color:{colour[r.health]};font-weight:bold'>{r.health}</td><td>{html.escape(r.source)}</td>"
        f"<td>{html.escape(r.kind)}</td><td>{html.escape(r.run_id)}</td><td>{html.escape(r.status)}</td>"
        f"<td>{r.items}</td><td>{r.requests}</td><td>{r.retries}</td><td>{r.interstitials}</td><td>{r.rejects}</td>"
        f"<td>{r.errors}</td><td>{'' if r.duration_s is None else f'{r.duration_s:.0f}'}</td>"
        f"<td>{'<br>'.join(html.escape(w) for w in r.warnings)}</td></tr>" for r in runs)
    extra = "".join(f"<li>{html.escape(f)}</li>" for f in lines if f.startswith("FAILED"))
    body = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(subject)}</title></head><body>"
            f"<h2 style='color:{colour[worst]}'>{html.escape(subject)}</h2>"
            "<table border='1' cellpadding='4' cellspacing='0'><tr><th>health</th><th>source</th><th>kind</th>"
            "<th>run</th><th>status</th><th>items</th><th>requests</th><th>retries</th><th>anti-bot</th>"
            "<th>rejects</th><th>errors</th><th>secs</th><th>problems</th></tr>"
            f"{cells}</table>{f'<ul>{extra}</ul>' if extra else ''}</body></html>")
    return Digest(subject, "\n".join(lines) + "\n", body, worst)
