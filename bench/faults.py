"""Fault table: what the nightly run survives, in numbers. One row per fault; each row says how many times the fault
was tried, how many times the next run completed the night with the warehouse equal to an unkilled run of the same
input, how many rows (lots, versions, loans, links, alert events) were lost or duplicated over all tries, and how
many tries ended with a clear error (or a clean recovery) rather than a silent one.

    .venv/bin/python bench/faults.py            # full: at least 20 tries per kill stage (several minutes)
    .venv/bin/python bench/faults.py --quick    # 3 per stage: what CI runs (tests/test_faults_suite.py)
    .venv/bin/python bench/faults.py --only kill-ingest --only readers-during-load

Scenarios live in ``bench/faults_*.py``: each module has ``SCENARIOS``, a list of `Scenario` (name, stage, and
``run(n, workdir) -> FaultRow``). A new kind of fault is a new module (or a new entry in one); this script
collects them all. Exit status 1 when any row lost or duplicated a row or a try did not survive.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages and bench.* importable
    sys.path.insert(0, str(ROOT))


@dataclass
class FaultRow:
    fault: str
    tried: int
    survived: int
    lost_or_duplicated: int
    clear_error: str  # "n/n": tries that ended in a clear error or a recovery without a person; "n/a" when none due
    notes: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.tried > 0 and self.survived == self.tried and self.lost_or_duplicated == 0


@dataclass
class Scenario:
    name: str
    stage: str
    run: Callable[[int, Path], FaultRow]
    quick_n: int = 3
    full_n: int = 20
    needs: list[str] = field(default_factory=list)  # e.g. ["root"]: skipped (and said so) where not available


def collect() -> list[Scenario]:
    """Every scenario of every ``bench/faults_*.py`` module, in file order."""
    found: list[Scenario] = []
    for path in sorted(Path(__file__).parent.glob("faults_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        found.extend(getattr(module, "SCENARIOS", []))
    return found


def run(scenarios: list[Scenario], *, quick: bool, workdir: Path, n: int | None = None,
        on_row: Callable[[Scenario, FaultRow], None] | None = None) -> list[tuple[Scenario, FaultRow]]:
    rows = []
    for scenario in scenarios:
        tries = n or (scenario.quick_n if quick else scenario.full_n)
        folder = workdir / scenario.name
        folder.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        row = scenario.run(tries, folder)
        row.seconds = time.monotonic() - started
        rows.append((scenario, row))
        if on_row:
            on_row(scenario, row)
    return rows


def table(rows: list[tuple[Scenario, FaultRow]]):  # noqa: ANN201 - a rich Table
    from rich.table import Table

    out = Table("stage", "fault", "tried", "survived", "lost or duplicated", "clear error", "secs", "notes",
                title="faults", show_lines=False)
    for scenario, row in rows:
        colour = "green" if row.ok else "red"
        out.add_row(scenario.stage, row.fault, str(row.tried), f"[{colour}]{row.survived}[/]",
                    f"[{colour}]{row.lost_or_duplicated}[/]", row.clear_error, f"{row.seconds:.0f}", row.notes)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="few tries per scenario (CI)")
    ap.add_argument("--only", action="append", help="run only this scenario (repeatable); see --list")
    ap.add_argument("--n", type=int, help="tries per scenario, overriding --quick and the defaults")
    ap.add_argument("--list", action="store_true", help="list the scenarios and exit")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = ap.parse_args()

    from rich.console import Console

    console = Console(width=None if sys.stdout.isatty() else 220)
    scenarios = collect()
    if args.list:
        for s in scenarios:
            console.print(f"{s.name:<28} {s.stage:<10} quick {s.quick_n}, full {s.full_n}")
        return 0
    if args.only:
        unknown = set(args.only) - {s.name for s in scenarios}
        if unknown:
            console.print(f"unknown scenario(s): {', '.join(sorted(unknown))}; see --list")
            return 2
        scenarios = [s for s in scenarios if s.name in args.only]

    def show(scenario: Scenario, row: FaultRow) -> None:
        console.print(f"{scenario.name}: {row.survived}/{row.tried} survived, {row.lost_or_duplicated} lost or "
                      f"duplicated, {row.seconds:.0f} s", highlight=False)

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        rows = run(scenarios, quick=args.quick, workdir=args.keep, n=args.n, on_row=show)
    else:
        with tempfile.TemporaryDirectory(prefix="salvage-faults-") as tmp:
            rows = run(scenarios, quick=args.quick, workdir=Path(tmp), n=args.n, on_row=show)
    console.print(table(rows))
    return 0 if all(row.ok for _, row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
