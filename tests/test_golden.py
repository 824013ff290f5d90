"""Golden files: every saved page of every source, parsed and compared with its reviewed output.

A case is a folder ``tests/golden/<source>/<case>/`` holding

- ``input.<ext>``: the bytes exactly as served (a replica page or a hand-made page from shared/sources.md);
  real pages that the sites published live under ``tests/golden/real/<source>/<case>/``, each named with its origin
  in ``tests/golden/real/<source>/ORIGIN.md`` (repository, path, commit, date of the data, what was changed);
- ``case.json``: ``{"url": …, "fetched_at": "2026-11-20T02:00:00+08:00", "note": "what this case shows"}``;
- ``expected.json``: the reviewed output: ``{"records": [raw record, …]}`` (what
  ``crawlers.parsers.parse_page`` returns) and ``"lots"`` (each record
  with a lot identity turned into ``Lot.model_dump(mode="json")`` without its empty fields (None, [], {}), so
  that a new `Lot` field left at its default changes no golden file; a notice/description fragment has no lot);
  or ``{"error": "InterstitialPage"}`` when the page must raise that exception.

The output is computed by ``crawlers.golden.run_case``, which ``salvage golden-report`` shares. A missing
``expected.json`` (or a missing ``"lots"`` part) is written from the
current output and the test fails until a person has read it against the input and committed it. Set
``GOLDEN_UPDATE=1`` to rewrite every expected file after an intended change (then review the git diff).
A registered source with fewer than `MIN_CASES` cases fails the suite.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from crawlers.golden import run_case
from crawlers.parsers import PARSERS

GOLDEN = Path(__file__).parent / "golden"
MIN_CASES = 8
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"

REAL = GOLDEN / "real"


def find_cases() -> list[Path]:
    return sorted(
        path
        for pattern in ("*/*", "real/*/*")
        for path in GOLDEN.glob(pattern)
        if path.is_dir() and (path / "case.json").is_file() and any(path.glob("input.*"))
    )


CASES = find_cases()
REAL_CASES = [c for c in CASES if c.parent.parent == REAL]


def case_id(case: Path) -> str:
    return str(case.relative_to(GOLDEN))


def diff(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every difference between two JSON values, one line per differing field."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        lines = []
        for key in sorted(expected.keys() | actual.keys(), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in actual:
                lines.append(f"{where}: missing (expected {expected[key]!r})")
            elif key not in expected:
                lines.append(f"{where}: unexpected {actual[key]!r}")
            else:
                lines.extend(diff(expected[key], actual[key], where))
        return lines
    if isinstance(expected, list) and isinstance(actual, list):
        lines = []
        if len(expected) != len(actual):
            lines.append(f"{path}: {len(actual)} items, expected {len(expected)}")
        for i, (e, a) in enumerate(zip(expected, actual)):
            lines.extend(diff(e, a, f"{path}[{i}]"))
        return lines
    if expected != actual or type(expected) is not type(actual):
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[case_id(c) for c in CASES])
def test_golden(case: Path) -> None:
    actual = run_case(case)
    expected_path = case / "expected.json"
    if not expected_path.exists() or UPDATE:
        _write(expected_path, {k: v for k, v in actual.items() if k != "message"})
        if not UPDATE:
            pytest.fail(f"wrote {expected_path}: review it against the input and commit it")
        return
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    if "error" in expected:
        assert actual.get("error") == expected["error"], (
            f"expected {expected['error']} to be raised, got "
            + (f"{actual['error']}: {actual['message']}" if "error" in actual else "records")
        )
        return
    if "error" in actual:
        pytest.fail(f"{actual['error']} raised: {actual['message']}")
    if "lots" in actual and "lots" not in expected:
        _write(expected_path, {**expected, "lots": actual["lots"]})
        pytest.fail(f"the normalizer exists now: wrote the lots into {expected_path}; review them and commit")
    if "lots" not in actual:
        expected.pop("lots", None)  # written by a tree that had the normalizer; compare the raw part
    differences = diff(expected, actual)
    assert not differences, f"{case_id(case)} differs from expected.json:\n  " + "\n  ".join(
        differences
    )


@pytest.mark.parametrize("source", sorted(PARSERS))
def test_every_source_has_golden_cases(source: str) -> None:
    cases = [c for c in CASES if c.parent.name == source]
    assert len(cases) >= MIN_CASES, f"{source} has {len(cases)} golden cases in {GOLDEN / source}, needs {MIN_CASES}"


@pytest.mark.parametrize("case", REAL_CASES, ids=[case_id(c) for c in REAL_CASES])
def test_real_case_has_its_origin(case: Path) -> None:
    """A real page is only evidence with its provenance: its folder is named in its source's ORIGIN.md."""
    origin = case.parent / "ORIGIN.md"
    assert origin.is_file(), f"{origin} is missing: say where {case_id(case)} comes from"
    assert f"`{case.name}`" in origin.read_text(encoding="utf-8"), (
        f"{origin} has no entry for `{case.name}` (repository, path, commit, date of the data, changes)"
    )
