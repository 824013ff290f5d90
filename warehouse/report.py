"""The weekly report (``salvage report``): one static HTML page out of the analyst views, readable offline.

No script and nothing fetched: the charts are inline SVG whose geometry is computed here and drawn by the Jinja2
template (``templates/report.html.j2``, autoescaped, so a lot title is text, never markup). The page shows
discounts and prices by month, lots by status and by province, the week's new and withdrawn lots, the week's
largest price drops (within a lot, and relistings of an asset at a lower reserve, each linked to the lot it is
compared with) and the realization rate by province.

The week ends on ``as_of`` (default: the day of the latest crawl in the warehouse, China time), so the same
warehouse always gives the same page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, FileSystemLoader

from warehouse.export import ANALYST_VIEWS

TEMPLATES = Path(__file__).with_name("templates")
CHINA_DATE = "DATE '1970-01-01' + ((epoch_us({x}) + 28800000000) // 86400000000)::INTEGER"
PALETTE = ("#1f5f99", "#c0392b", "#2e8b57", "#8e44ad")
TABLE_ROWS = 25
DROP_KINDS = ("within_lot", "relisting")  # price_drops.drop_kind


@dataclass
class Bar:
    label: str
    value: float
    text: str
    y: float
    width: float


@dataclass
class BarChart:
    """Horizontal bars, one per label."""

    id: str
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int = 18


@dataclass
class Series:
    name: str
    colour: str
    points: list[tuple[float, float, str]]  # x, y, tooltip

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


@dataclass
class LineChart:
    """Lines over months: x labels under the axis, y ticks left of it."""

    id: str
    title: str
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    width: int = 720
    height: int = 260
    left: int = 70
    right: int = 40
    top: int = 20
    bottom: int = 40
    note: str = ""
    empty: bool = field(default=False)


def _money(value: Any) -> str:
    return "" if value is None else f"{Decimal(value):,.0f}"


def _pct(value: Any) -> str:
    return "" if value is None else f"{float(value) * 100:.1f} %"


def _href(url: Any) -> str:
    """Only web links: a page's URL is crawled text, and ``javascript:`` in an href would run."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else "#"


def bar_chart(chart_id: str, title: str, items: list[tuple[str, float]], fmt=str, width: int = 460,
              label_width: int = 150) -> BarChart:
    top = max((v for _, v in items), default=0) or 1
    span = width - label_width - 70
    bars = [Bar(label, value, fmt(value), i * 24 + 4, max(1.0, span * value / top))
            for i, (label, value) in enumerate(items)]
    return BarChart(chart_id, title, bars, width, len(items) * 24 + 8, label_width)


def line_chart(chart_id: str, title: str, months: list[date], series: dict[str, dict[date, float]],
               fmt=_pct, note: str = "") -> LineChart:
    chart = LineChart(chart_id, title, [], [], [], note=note)
    values = [v for s in series.values() for v in s.values() if v is not None]
    if not months or not values:
        chart.empty = True
        return chart
    plot_w = chart.width - chart.left - chart.right
    plot_h = chart.height - chart.top - chart.bottom
    low, high = min(0.0, min(values)), max(values) * 1.1 or 1.0
    step = plot_w / max(1, len(months) - 1)

    def x(i: int) -> float:
        return chart.left + (i * step if len(months) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return chart.top + plot_h - (v - low) / (high - low) * plot_h

    every = max(1, len(months) // 12)
    chart.x_labels = [(x(i), m.strftime("%Y-%m")) for i, m in enumerate(months) if i % every == 0]
    chart.y_ticks = [(y(low + (high - low) * k / 4), fmt(low + (high - low) * k / 4)) for k in range(5)]
    for n, (name, by_month) in enumerate(series.items()):
        points = [(x(i), y(by_month[m]), f"{name} {m:%Y-%m}: {fmt(by_month[m])}")
                  for i, m in enumerate(months) if by_month.get(m) is not None]
        chart.series.append(Series(name, PALETTE[n % len(PALETTE)], points))
    return chart


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def latest_day(con: duckdb.DuckDBPyConnection) -> date:
    """The day (China time) of the latest crawl in the warehouse."""
    day = con.execute(f"SELECT {CHINA_DATE.format(x='max(valid_from)')} FROM lot_history").fetchone()[0]
    if day is None:
        raise ValueError("the warehouse holds no lots yet: nothing to report")
    return day


def report_context(con: duckdb.DuckDBPyConnection, as_of: date | None = None, days: int = 7,
                   months: int = 12) -> dict[str, Any]:
    """Everything the template shows, queried from the analyst views."""
    missing = set(ANALYST_VIEWS) - {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
    if missing:
        raise ValueError(f"the warehouse lacks the views {sorted(missing)}: run `salvage ingest` to bring its "
                         "schema up to date")
    as_of = as_of or latest_day(con)
    week_from = as_of - timedelta(days=days - 1)
    first_month = date(as_of.year, as_of.month, 1)
    for _ in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    month_axis = [first_month]
    while len(month_axis) < months:
        nxt = (month_axis[-1] + timedelta(days=32)).replace(day=1)
        month_axis.append(nxt)
    window = [first_month, as_of]

    def by_month(sql: str) -> dict[date, float]:
        return {m: (None if v is None else float(v)) for m, v in con.execute(sql, window).fetchall()}

    discounts = line_chart("chart-discounts", "Price against claim and appraisal, median by month", month_axis, {
        "debt: price / total claim": by_month(
            "SELECT month, median(price_to_claim) FROM npl_discounts WHERE auction_date BETWEEN ? AND ? GROUP BY 1"),
        "debt: sold price / total claim": by_month(
            "SELECT month, median(price_to_claim) FROM npl_discounts WHERE price_kind = 'final' "
            "AND auction_date BETWEEN ? AND ? GROUP BY 1"),
        "all assets: price / appraisal": by_month(
            "SELECT month, median(price_to_appraisal) FROM discount_to_appraisal WHERE auction_date BETWEEN ? AND ? "
            "GROUP BY 1"),
    }, note="price = the sale price when sold, else the reserve; month of the auction (its end, else its start)")
    start_day = CHINA_DATE.format(x="start_at")
    prices = line_chart("chart-prices", "Reserve price, median by month of the auction start (yuan)", month_axis, {
        "all assets": by_month(
            f"SELECT date_trunc('month', {start_day})::DATE, median(reserve_price) FROM new_lots "
            f"WHERE {start_day} BETWEEN ? AND ? GROUP BY 1"),
        "debt": by_month(
            f"SELECT date_trunc('month', {start_day})::DATE, median(reserve_price) FROM new_lots "
            f"WHERE {start_day} BETWEEN ? AND ? AND asset_type = 'debt' GROUP BY 1"),
    }, fmt=lambda v: f"{v / 10_000:,.0f} 万")

    status = bar_chart("chart-status", "Lots by current status", [
        (s or "unknown", n) for s, n in con.execute(
            "SELECT status, count(*) FROM new_lots GROUP BY 1 ORDER BY 2 DESC").fetchall()], fmt=lambda v: f"{v:,}")
    provinces = con.execute("SELECT coalesce(province, 'unknown'), count(*) FROM new_lots GROUP BY 1 "
                            "ORDER BY 2 DESC, 1 LIMIT 15").fetchall()
    province = bar_chart("chart-provinces", "Lots by province (top 15)", provinces, fmt=lambda v: f"{v:,}")

    week = [week_from, as_of]
    new_count = con.execute("SELECT count(*) FROM new_lots WHERE first_seen_date BETWEEN ? AND ?", week).fetchone()[0]
    new_lots = _rows(con, "SELECT first_seen_date, source, title, url, asset_type, province, status, start_at, "
                          "reserve_price, appraisal_price, total_claim FROM new_lots "
                          "WHERE first_seen_date BETWEEN ? AND ? ORDER BY reserve_price DESC NULLS LAST LIMIT ?",
                     week + [TABLE_ROWS])
    withdrawn_count = con.execute("SELECT count(*) FROM status_changes WHERE new_status = 'withdrawn' "
                                  "AND changed_date BETWEEN ? AND ?", week).fetchone()[0]
    withdrawn = _rows(con, "SELECT changed_date, source, title, url, asset_type, province, old_status, "
                           "reserve_price FROM status_changes WHERE new_status = 'withdrawn' "
                           "AND changed_date BETWEEN ? AND ? ORDER BY reserve_price DESC NULLS LAST LIMIT ?",
                      week + [TABLE_ROWS])
    drops = _rows(con, "SELECT dropped_date, drop_kind, source, source_lot_id, title, url, asset_type, province, "
                       "old_round, round, old_reserve_price, reserve_price, old_current_price, current_price, "
                       "largest_drop, previous_source, previous_source_lot_id, previous_url "
                       "FROM price_drops WHERE dropped_date BETWEEN ? AND ? "
                       "ORDER BY largest_drop DESC, reserve_price DESC, source, source_lot_id LIMIT ?",
                  week + [TABLE_ROWS])
    drop_counts = dict.fromkeys(DROP_KINDS, 0) | dict(con.execute(
        "SELECT drop_kind, count(*) FROM price_drops WHERE dropped_date BETWEEN ? AND ? GROUP BY 1", week).fetchall())
    realization = _rows(con, "SELECT coalesce(province, 'unknown') AS province, sum(sold_lots) AS sold_lots, "
                             "sum(recovered) AS recovered, sum(total_claim) AS total_claim, "
                             "sum(recovered) / sum(total_claim) AS rate FROM realization_rates "
                             "WHERE month BETWEEN ? AND ? GROUP BY 1 ORDER BY total_claim DESC", window)
    totals = con.execute("SELECT count(*), count(DISTINCT source) FROM new_lots").fetchone()
    return {
        "as_of": as_of, "week_from": week_from, "days": days, "first_month": first_month,
        "lots": totals[0], "sources": totals[1],
        "line_charts": [discounts, prices], "bar_charts": [status, province],
        "new_count": new_count, "new_lots": new_lots, "withdrawn_count": withdrawn_count, "withdrawn": withdrawn,
        "drops": drops, "drop_counts": drop_counts, "realization": realization,
    }


def render(context: dict[str, Any]) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = _money
    env.filters["pct"] = _pct
    env.filters["href"] = _href
    return env.get_template("report.html.j2").render(**context)


def write_report(con: duckdb.DuckDBPyConnection, path: str | Path, as_of: date | None = None,
                 days: int = 7) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report_context(con, as_of=as_of, days=days)), encoding="utf-8")
    return path
