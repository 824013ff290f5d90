"""How many real published cases Salvage reads right: the figures behind ``salvage golden-report``.

Real cases live under ``tests/golden/real/<source>/<case>/`` (``input.*``, ``case.json``, a reviewed
``expected.json``), as in ``tests/test_golden.py``: each page is parsed (`crawlers.parsers.parse_page`) and each
record with a lot identity normalized (`normalizers.lot.to_lot`); the lots (or, for a fragment without a lot, the
raw records) are compared with ``expected.json`` field by field. A case whose page raised where it should not (or
did not raise where it should) counts as wrong in a field named ``(page)``.

Real amount strings live in ``tests/golden/real/amounts.jsonl``, one JSON object a line: ``raw`` (the string as
published), ``source``, ``origin``, ``date`` and, for the hand-checked sample, ``expected`` (``kind``, ``value`` or
``low``/``high``, ``principal``, ``interest``, ``currency``, ``as_of``, or ``error`` for a string that must be
refused). A string is *read* when `parse_amount` gives anything but ``unparseable``; a checked string is *silently
wrong* when the reader gives a value that is not the expected one (a number where a refusal was expected, or a
different number, kind, currency or date). A refusal of a string that has an expected value (or for another reason than
the expected one) is counted apart (``refused_but_readable``): it is a gap, not a silent error.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

REAL = Path(__file__).resolve().parents[1] / "tests" / "golden" / "real"
AMOUNTS = "amounts.jsonl"
# the fields of `Amount.to_json` an ``expected`` entry may pin
AMOUNT_FIELDS = ("kind", "value", "low", "high", "principal", "interest", "currency", "as_of", "unit_inferred")


@dataclass
class FieldCount:
    cases: int = 0
    right: int = 0
    wrong: int = 0


@dataclass
class SourceReport:
    source: str
    cases: int = 0
    fields: dict[str, FieldCount] = field(default_factory=lambda: defaultdict(FieldCount))
    problems: list[str] = field(default_factory=list)


@dataclass
class AmountReport:
    strings: int = 0
    read: int = 0
    refused: int = 0
    refused_without_reason: int = 0
    no_unit: int = 0  # bare numbers refused for want of a unit (none documented, or yuan and 万元 both possible)
    by_size: int = 0  # bare numbers read in yuan or 万元 by their size or writing (``unit_inferred``)
    checked: int = 0
    checked_right: int = 0
    silently_wrong: int = 0
    refused_but_readable: int = 0
    by_source: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_kind: Counter = field(default_factory=Counter)
    refusals: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)

    @property
    def read_share(self) -> float:
        return self.read / self.strings if self.strings else 0.0

    @property
    def bare(self) -> int:
        """Bare numbers whose unit the source does not state: read by their size or writing, or refused for want of a unit."""
        return self.no_unit + self.by_size

    @property
    def read_share_stated(self) -> float:
        """The share read of the strings that state their unit (all but the bare numbers)."""
        stated = self.strings - self.bare
        return (self.read - self.by_size) / stated if stated else 0.0


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# A loan's fields that golden files have always written out, None included; a field added to `Loan` later (the
# attachment provenance) is left out while at its default, like a new `Lot` field.
LOAN_FIELDS_WRITTEN = ("seq", "debtor", "guarantors", "collateral", "principal", "interest", "fees", "total",
                       "currency", "claim_as_of", "raw")


def _compact(lot: dict[str, Any]) -> dict[str, Any]:
    """A lot as golden files hold it: without its empty fields (None, [], {}), so that a new field left at its
    default changes no golden file."""
    out = {k: v for k, v in lot.items() if v not in (None, [], {})}
    if "loans" in out:
        out["loans"] = [{k: v for k, v in loan.items() if k in LOAN_FIELDS_WRITTEN or v not in (None, [], {})}
                        for loan in out["loans"]]
    return out


def find_cases(root: Path = REAL) -> list[Path]:
    return sorted(
        p for p in root.glob("*/*") if p.is_dir() and (p / "case.json").is_file() and any(p.glob("input.*"))
    )


def run_case(case: Path) -> dict[str, Any]:
    """The output of one case in the shape of ``expected.json`` (the golden test and ``salvage golden-report``)."""
    from crawlers.parsers import parse_page
    from normalizers.lot import to_lot

    meta = json.loads((case / "case.json").read_text(encoding="utf-8"))
    (input_path,) = case.glob("input.*")
    try:
        records = parse_page(case.parent.name, input_path.read_bytes(), meta["url"],
                             datetime.fromisoformat(meta["fetched_at"]))
        lots = [_compact(to_lot(r).model_dump(mode="json")) for r in records if "source_lot_id" in r]
    except Exception as exc:  # noqa: BLE001 - an error is part of the output, compared with the expected one
        return {"error": type(exc).__name__, "message": str(exc)}
    return {"records": _jsonable(records), "lots": lots}


def _compare_items(report: SourceReport, expected: list[dict], actual: list[dict], case: str) -> None:
    if len(expected) != len(actual):
        report.problems.append(f"{case}: {len(actual)} items, expected {len(expected)}")
    for i in range(max(len(expected), len(actual))):
        e = expected[i] if i < len(expected) else {}
        a = actual[i] if i < len(actual) else {}
        for name in sorted(e.keys() | a.keys()):
            count = report.fields[name]
            count.cases += 1
            if name in e and name in a and e[name] == a[name]:
                count.right += 1
            else:
                count.wrong += 1


def source_reports(root: Path = REAL) -> list[SourceReport]:
    """Per source, per field: how many real cases (lots) have the field, read right, read wrong."""
    reports: dict[str, SourceReport] = {}
    for case in find_cases(root):
        report = reports.setdefault(case.parent.name, SourceReport(case.parent.name))
        report.cases += 1
        name = f"{case.parent.name}/{case.name}"
        expected_path = case / "expected.json"
        if not expected_path.is_file():
            report.problems.append(f"{name}: no expected.json (not reviewed yet)")
            continue
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        actual = run_case(case)
        page = report.fields["(page)"]
        page.cases += 1
        if "error" in expected or "error" in actual:
            if expected.get("error") == actual.get("error"):
                page.right += 1
            else:
                page.wrong += 1
                report.problems.append(f"{name}: expected {expected.get('error', 'records')}, got "
                                       f"{actual.get('error', 'records')} {actual.get('message', '')}".rstrip())
            continue
        page.right += 1
        if expected.get("lots") or actual.get("lots"):
            _compare_items(report, expected.get("lots", []), actual.get("lots", []), name)
        else:
            _compare_items(report, expected.get("records", []), actual.get("records", []), name)
    return [reports[s] for s in sorted(reports)]


def _expected_matches(amount: Any, expected: dict[str, Any]) -> bool:
    """Exactly: every field of `AMOUNT_FIELDS` (absent = None; currency absent = CNY)."""
    got = amount.to_json()
    return all(got.get(k) == expected.get(k, "CNY" if k == "currency" else None) for k in AMOUNT_FIELDS)


def read_line(line: dict[str, Any]) -> Any:
    """A line of amounts.jsonl read as its source's fields are: ``parse_amount`` with the line's ``unit``."""
    from normalizers.amounts import parse_amount

    return parse_amount(line["raw"], unit=line.get("unit", "yuan"))


def check_amount(line: dict[str, Any], amount: Any = None) -> str:
    """One line of amounts.jsonl (``amount``: its `read_line`, when already read): ``read`` / ``refused``
    (unchecked), or for a checked line ``right``, ``silently_wrong``, ``refused_but_readable`` (expected a value, got
    a refusal), ``refused_right`` (refused for the expected reason) or ``refused_other_reason``."""
    amount = read_line(line) if amount is None else amount
    expected = line.get("expected")
    refused = amount.kind == "unparseable"
    if expected is None:
        return "refused" if refused else "read"
    if "error" in expected:
        if not refused:
            return "silently_wrong"
        return "refused_right" if expected["error"] in (amount.error or "") else "refused_other_reason"
    if refused:
        return "refused_but_readable"
    return "right" if _expected_matches(amount, expected) else "silently_wrong"


def amount_report(path: Path = REAL / AMOUNTS) -> AmountReport:
    report = AmountReport()
    if not path.is_file():
        return report
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        line = json.loads(text)
        amount = read_line(line)
        outcome = check_amount(line, amount)
        report.strings += 1
        report.by_kind[amount.kind] += 1
        counts = report.by_source[line.get("source", "?")]
        counts["strings"] += 1
        if amount.kind == "unparseable":
            report.refused += 1
            counts["refused"] += 1
            report.refusals[(amount.error or "").split(" (")[0].split(" '")[0]] += 1
            if not amount.error:
                report.refused_without_reason += 1
            if (amount.error or "").startswith("no unit"):
                report.no_unit += 1
        else:
            report.read += 1
            counts["read"] += 1
            report.by_size += amount.unit_inferred is not None
        if "expected" in line:
            report.checked += 1
            counts["checked"] += 1
            if outcome in ("right", "refused_right"):
                report.checked_right += 1
            elif outcome == "silently_wrong":
                report.silently_wrong += 1
                counts["silently_wrong"] += 1
                report.wrong.append(f"line {number}: {line['raw']!r}: expected {line['expected']}, "
                                    f"got {amount.to_json()}")
            else:
                report.refused_but_readable += 1
    return report
