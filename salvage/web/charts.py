"""Price charts as inline SVG, laid out here and drawn by the template (templates/_chart.html).

Written here rather than with a plotting library: the page must load nothing from the network and run no script,
and a time axis with a few polylines and points is a few dozen lines, where matplotlib or a JS chart library would
be a large dependency (or a script) for it. The weekly report (warehouse/report.py) draws its charts the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

PALETTE = ("#1f5f99", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085")


@dataclass
class Point:
    x: float
    y: float
    tip: str


@dataclass
class Series:
    name: str
    colour: str
    points: list[Point]

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class PriceChart:
    title: str
    series: list[Series]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    width: int = 720
    height: int = 260
    left: int = 90
    right: int = 24
    top: int = 16
    bottom: int = 36
    empty: bool = field(default=False)

    @property
    def point_count(self) -> int:
        return sum(len(s.points) for s in self.series)


def money(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(value):,.2f}"


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * magnitude:
            return m * magnitude
    return 10 * magnitude


def _axis_money(value: float) -> str:
    if value >= 1e8:
        return f"{value / 1e8:g}亿"
    if value >= 1e4:
        return f"{value / 1e4:g}万"
    return f"{value:g}"


def price_chart(title: str, series: dict[str, list[tuple[datetime, Decimal | None]]]) -> PriceChart:
    """One line per named series of (time, yuan) points; points without a price are left out. The y axis starts
    at zero so that a drop looks as large as it is."""
    kept = {name: [(t, float(v)) for t, v in points if v is not None and t is not None]
            for name, points in series.items()}
    kept = {name: points for name, points in kept.items() if points}
    chart = PriceChart(title, [], [], [])
    if not kept:
        chart.empty = True
        return chart
    times = [t.timestamp() for points in kept.values() for t, _ in points]
    t0, t1 = min(times), max(times)
    if t1 == t0:
        t0, t1 = t0 - 86400, t1 + 86400  # one moment: put it in the middle
    top_value = max(v for points in kept.values() for _, v in points) or 1.0
    step = _nice_step(top_value)
    y_max = step * math.ceil(top_value / step)
    plot_w = chart.width - chart.left - chart.right
    plot_h = chart.height - chart.top - chart.bottom

    def x(t: datetime) -> float:
        return chart.left + (t.timestamp() - t0) / (t1 - t0) * plot_w

    def y(v: float) -> float:
        return chart.top + plot_h - v / y_max * plot_h

    for i, (name, points) in enumerate(kept.items()):
        chart.series.append(Series(name, PALETTE[i % len(PALETTE)], [
            Point(x(t), y(v), f"{name}: {money(v)} yuan, {t:%Y-%m-%d %H:%M}") for t, v in sorted(points)]))
    chart.y_ticks = [(y(step * k), _axis_money(step * k)) for k in range(int(round(y_max / step)) + 1)]
    labelled: dict[str, float] = {}
    label_format = "%m-%d" if t1 - t0 < 300 * 86400 else "%Y-%m"
    for t in sorted({t for points in kept.values() for t, _ in points}):
        label = t.strftime(label_format)
        if label not in labelled and all(abs(x(t) - other) > 48 for other in labelled.values()):
            labelled[label] = x(t)
    chart.x_ticks = [(pos, label) for label, pos in labelled.items()]
    return chart
