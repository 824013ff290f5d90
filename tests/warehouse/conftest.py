"""Factories for warehouse tests: lots and finished run files, without crawling."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from contracts.models import Lot
from contracts.runfiles import RunWriter
from warehouse.db import connect

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)


def make_lot(lot_id: str, night: int = 1, **fields: Any) -> Lot:
    base: dict[str, Any] = {
        "source": "alibaba_sf",
        "source_lot_id": lot_id,
        "url": f"https://sf-item.taobao.com/sf_item/{lot_id}.htm",
        "fetched_at": NIGHT_1 + timedelta(days=night - 1),
        "title": f"运城市盐湖区解放路{lot_id}号房产",
        "asset_type": "real_estate",
        "seller_type": "court",
        "round": "first",
        "status": "ongoing",
        "reserve_price": Decimal("1000000"),
        "appraisal_price": Decimal("1400000"),
        "bid_count": 0,
        "guarantors": ["张三"],
        "collateral": [{"description": "房产一套", "area_m2": Decimal("88.5")}],
        "raw": {"reserve_price": "1,000,000 "},
    }
    base.update(fields)
    return Lot(**base)


def write_run(runs: Path, lots: list[Lot], *, night: int = 1, source: str = "alibaba_sf",
              extra_lines: list[str] = (), status: str = "ok", jsonl: bool = False) -> Path:
    """A finished run: Parquet, or JSON lines when ``jsonl`` or when raw ``extra_lines`` must go in."""
    started = NIGHT_1 + timedelta(days=night - 1)
    writer = RunWriter(runs, source, started, fmt="jsonl" if extra_lines or jsonl else "parquet")
    for lot in lots:
        writer.write_lot(lot)
    for line in extra_lines:
        writer.write_lot(line)
    writer.close(started + timedelta(minutes=5), status, None, {"salvage/items": len(lots)})
    return writer.paths.meta


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def snapshot(con) -> dict[str, list[tuple]]:
    """Every row of every table, for 'nothing changed' assertions."""
    tables = ["dim_lots", "fct_lot_versions", "fct_crawl_runs", "fct_rejects"]
    volatile = {"fct_crawl_runs": " EXCLUDE (ingested_at)", "fct_rejects": " EXCLUDE (rejected_at)"}
    return {t: sorted(map(repr, con.execute(f"SELECT *{volatile.get(t, '')} FROM {t}").fetchall())) for t in tables}
