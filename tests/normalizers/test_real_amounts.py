"""Every real amount string of tests/golden/real/amounts.jsonl through `parse_amount`.

Each line is read with the unit its source documents for a bare number (``unit``: yuan when absent;
``yuan_or_wan`` / ``yuan_or_wan_one_debtor`` for Great Wall's MoneyTotal, whose bare numbers mix 元 and 万元, as its
row's title names several debtors or one: read in the unit their size or writing allows, refused where both are
possible). The hand-checked sample (lines with ``expected``) must be read exactly as checked: 0 silently wrong. At
least 98.5% of all the strings, and of those that state their unit, must be read; every refused string must say why.
The rules for bare numbers must never contradict a unit that a string states. The figures are printed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from crawlers.golden import amount_report
from normalizers.amounts import EITHER_UNITS, parse_amount

AMOUNTS = Path(__file__).resolve().parents[1] / "golden" / "real" / "amounts.jsonl"
LINES = [json.loads(text) for text in AMOUNTS.read_text(encoding="utf-8").splitlines() if text.strip()]
CHECKED = [line for line in LINES if "expected" in line]
FIELDS = ("kind", "value", "low", "high", "principal", "interest", "as_of", "unit_inferred")


def test_the_collection_is_documented_and_has_no_duplicates():
    for line in LINES:
        assert {"raw", "source", "origin", "date"} <= line.keys(), line
        assert isinstance(line["raw"], str) and line["origin"] and line["source"], line
    keys = Counter((line["raw"], line["source"]) for line in LINES)
    assert [k for k, n in keys.items() if n > 1] == []


def test_a_stratified_sample_of_at_least_300_is_checked():
    assert len(CHECKED) >= 300
    by_source = Counter(line["source"] for line in CHECKED)
    assert len(by_source) >= 6, by_source
    kinds = Counter(line["expected"].get("kind", "refused") for line in CHECKED)
    assert {"amount", "split", "shares", "refused"} <= kinds.keys(), kinds


@pytest.mark.parametrize("line", CHECKED, ids=[f"{n}:{line['raw'][:30]}" for n, line in enumerate(CHECKED)])
def test_the_checked_sample_is_read_exactly(line):
    amount = parse_amount(line["raw"], unit=line.get("unit", "yuan")).to_json()
    expected = line["expected"]
    if "error" in expected:
        assert amount["kind"] == "unparseable" and expected["error"] in amount["error"], amount
        return
    assert {k: amount[k] for k in FIELDS} == {k: expected.get(k) for k in FIELDS}
    assert amount["currency"] == expected.get("currency", "CNY")


def test_at_least_98_5_percent_of_the_real_strings_are_read_and_every_refusal_says_why(capsys):
    report = amount_report(AMOUNTS)  # the figures `salvage golden-report` prints
    assert report.strings == len(LINES)
    with capsys.disabled():
        print(f"\nreal amount strings: {report.strings}, read {report.read_share:.2%} of all, "
              f"{report.read_share_stated:.2%} of the {report.strings - report.bare} that state their unit; bare "
              f"numbers read by size {report.by_size}, refused {report.no_unit}; checked {len(CHECKED)}; refused "
              f"{report.refused}: {dict(report.refusals)}")
    assert report.read_share >= 0.985 and report.read_share_stated >= 0.985
    assert report.refused_without_reason == 0


# One number and its unit, a label or as-of note around them: 7,816,582.53元（截止2018年5月21日）, 债权总额1448.44万元.
ONE_NUMBER = re.compile(r"\D{0,12}?(\d[\d,]*(?:\.\d+)?)\s*(万元|元|万)[^\d万亿]*")


def test_the_size_rule_never_contradicts_a_stated_unit():
    """Every MoneyTotal string that states 元 or 万元 on its one number, read again with the unit taken off: where the
    size rule picks a unit, it is the stated one (and it does pick one for most)."""
    picked = agreed = 0
    for line in LINES:
        if line.get("unit") not in EITHER_UNITS or not (m := ONE_NUMBER.fullmatch(line["raw"])):
            continue
        stated = "yuan" if m[2] == "元" else "wan"
        bare = parse_amount(m[1], unit=line["unit"])
        if bare.unit_inferred:
            picked += 1
            agreed += bare.unit_inferred == stated
            assert bare.unit_inferred == stated, (line["raw"], bare)
    assert picked >= 1500 and agreed == picked
