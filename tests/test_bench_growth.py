"""The growth benchmark at tiny sizes: its table's shape, its children's peak memory, and the exponent fit."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from bench.bench_growth import growth_exponent, label, main, parse_size, table


@pytest.mark.parametrize("b", [0.5, 1.0, 1.5, 2.0])
def test_growth_exponent_recovers_a_known_power(b: float) -> None:
    sizes = [1e5, 3e5, 1e6, 3e6, 1e7]
    assert growth_exponent(sizes, [0.02 * n**b for n in sizes]) == pytest.approx(b, abs=1e-9)


def test_growth_exponent_fits_noisy_linear_data_and_needs_two_sizes() -> None:
    sizes = [1e6, 3e6, 1e7]
    noisy = [1.1 * 1.0, 0.95 * 3.0, 1.05 * 10.0]  # linear time with ±10 % noise
    assert 0.9 < growth_exponent(sizes, noisy) < 1.1
    assert growth_exponent([1e6], [1.0]) is None
    assert growth_exponent([1e6, 1e6], [1.0, 2.0]) is None
    assert growth_exponent([1e6, 3e6], [1.0, None]) is None  # a failed size is left out


def test_sizes_are_read_and_printed_with_suffixes() -> None:
    assert [parse_size(s) for s in ("2k", "1M", "10M", "1_500")] == [2_000, 1_000_000, 10_000_000, 1_500]
    assert [label(n) for n in (2_000, 1_000_000, 10_000_000, 2_500_000)] == ["2k", "1M", "10M", "2.5M"]


def test_growth_bench_at_tiny_sizes(tmp_path) -> None:
    rows = main(["--sizes", "2k,6k", "--stages", "merge,history", "--history-rows", "5k", "--repeats", "1",
                 "--work", str(tmp_path)])
    measured = [(r.stage, r.n) for r in rows]
    assert measured == [("merge", 2_000), ("merge", 6_000), ("history", 5_000)]
    for r in rows:
        assert r.error is None, r.error
        assert r.seconds > 0 and math.isfinite(r.seconds)
        assert 20 < r.peak_mb < 8192 and r.fits  # the child's own peak, a python + duckdb process
    for r in rows[:2]:  # the merge's CPU seconds: the work of every thread, beside its wall seconds
        assert r.cpu_seconds is not None and 0 < r.cpu_seconds < r.seconds * 4
    merge_6k = rows[1]
    assert merge_6k.extra["lots"] == 6_120  # night 2 adds 2 % new lots
    history = rows[-1]
    assert history.extra["rows"] >= 5_000 * 0.99
    assert history.extra["view_versions"] == history.extra["anchor_versions"] > 200  # 200 lots, 1-4 versions each
    console = Console(width=120, record=True)
    console.print(table(rows[:-1], "8GB"))
    text = console.export_text()
    assert "peak RSS MB" in text and "growth b" in text and "growth b (CPU)" in text
    lines = [ln for ln in text.splitlines() if " 2k " in ln or " 6k " in ln]
    assert len(lines) == 2  # one line per (stage, size)
    assert list(tmp_path.iterdir()) == []  # the warehouses are removed


def test_merge_statements_bench_runs_the_merge_ingest_runs(tmp_path) -> None:
    """The statement bench's statements are the merge's: run one by one they leave the warehouse `ingest` leaves."""
    from bench.bench_growth import _connect, setup
    from bench.bench_merge_statements import ANCHOR, main as statements_main, statements
    from warehouse.ingest import ingest

    info = setup("merge", 3_000, tmp_path, "1GB")
    night2 = Path(info["night2"][0])
    tables = "SELECT * FROM dim_lots ORDER BY ALL", "SELECT * FROM fct_lot_versions ORDER BY ALL"
    seen = []
    for by_statement in (False, True):
        db = tmp_path / f"copy{by_statement}.duckdb"
        shutil.copyfile(tmp_path / "base.duckdb", db)
        con = _connect(db, "1GB")
        if by_statement:
            con.execute("BEGIN")
            for sql in statements(con, night2):
                con.execute(sql)
            con.execute("COMMIT")
        else:
            ingest(con, [night2])
        seen.append([con.execute(q).fetchall() for q in tables])
        con.close()
    assert seen[0] == seen[1] and len(seen[0][1]) > 3_000  # night 2 opened versions
    figures = statements_main(["--sizes", "2k,4k", "--repeats", "1", "--work", str(tmp_path / "bench")])
    for per_size in figures.values():
        assert ANCHOR in per_size and "COMMIT" in per_size and len(per_size) == 11  # the anchor, nine statements (stg_keys and stg_changes apart), COMMIT, CHECKPOINT
        assert all(s >= 0 for s in per_size.values())
