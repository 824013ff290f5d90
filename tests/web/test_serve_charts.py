"""The server-side price chart: geometry from known points."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from salvage.web.charts import price_chart

T0 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_points_span_the_plot_and_the_y_axis_starts_at_zero():
    chart = price_chart("p", {"reserve": [(T0, Decimal("1000000")), (T0 + timedelta(days=2), Decimal("800000"))],
                              "final": [(T0, None), (T0 + timedelta(days=1), None)]})
    assert [s.name for s in chart.series] == ["reserve"]  # a series without prices is left out
    first, last = chart.series[0].points
    assert first.x == chart.left and last.x == chart.width - chart.right
    bottom = chart.height - chart.bottom
    assert first.y == chart.top  # 1,000,000 is the top tick
    assert abs((bottom - last.y) / (bottom - first.y) - 0.8) < 1e-9  # 800,000 at 80 % of the height
    assert chart.y_ticks[0] == (bottom, "0") and chart.y_ticks[-1][1] == "100万"
    assert [label for _, label in chart.x_ticks] == ["11-20", "11-22"]
    assert "reserve: 800,000.00 yuan, 2026-11-22 02:00" == last.tip


def test_one_moment_is_drawn_in_the_middle_and_no_price_is_an_empty_chart():
    chart = price_chart("p", {"reserve": [(T0, Decimal("5"))]})
    (point,) = chart.series[0].points
    assert point.x == chart.left + (chart.width - chart.left - chart.right) / 2
    assert price_chart("p", {"reserve": [(T0, None)]}).empty
    years = price_chart("p", {"r": [(T0, Decimal(1)), (T0 + timedelta(days=400), Decimal(2))]})
    assert [label for _, label in years.x_ticks] == ["2026-11", "2027-12"]
