"""Rule debt_package (warehouse.linkage): an AMC notice's debt package and its CBEX listing are one asset — same
debtors, principal within 0.5 %, same as-of date — on the reviewed golden file
tests/golden/linkage/cross_platform_debt.jsonl (16 packages on both platforms, 6 CBEX near misses), with the
precision and recall bench/bench_linkage_debt.py prints."""

from __future__ import annotations

from pathlib import Path

from bench.bench_linkage_debt import evaluate, load
from warehouse.db import connect


def test_the_golden_file_holds_sixteen_pairs_and_six_near_misses():
    lines = load()
    assert sum(x["kind"] == "pair" for x in lines) == 32 and sum(x["kind"] == "near_miss" for x in lines) == 6
    assets = {}
    for x in lines:
        assets.setdefault(x["asset"], set()).add(x["lot"]["source"])
    pairs = [s for s in assets.values() if len(s) == 2]
    assert len(pairs) == 16 and all("cbex" in s for s in pairs)


def test_with_the_rule_every_package_links_and_no_near_miss_does(tmp_path: Path):
    scores = evaluate(tmp_path)
    assert (scores["precision"], scores["recall"]) == (1.0, 1.0), scores
    assert scores["true_pairs"] == 16 and scores["rules"].get("debt_package", 0) >= 8
    con = connect(tmp_path / "w.duckdb")
    rows = con.execute("SELECT DISTINCT same_claim_as_of, claim_as_of IS NOT NULL, debtors_key LIKE '%|%' "
                       "FROM fct_lot_links WHERE rule = 'debt_package'").fetchall()
    con.close()
    assert (True, True, True) in rows and all(r[0] is True for r in rows)


def test_without_the_rule_the_packages_are_missed(tmp_path: Path):
    scores = evaluate(tmp_path, with_rule=False)
    assert scores["precision"] == 1.0 and scores["recall"] < 0.5, scores
    assert "debt_package" not in scores["rules"]


def test_a_different_as_of_date_or_debtor_set_keeps_packages_apart(tmp_path: Path):
    pairs = [x for x in load() if x["kind"] == "pair"]
    notice, listed = next((a, b) for a, b in zip(pairs[::2], pairs[1::2]) if len(b["lot"].get("loans", [])) > 2)
    assert evaluate(tmp_path / "same", lines=[notice, listed])["predicted_pairs"] == 1
    lot = listed["lot"]
    other_date = {**lot, "claim_as_of": "2025-12-31",
                  "loans": [{**loan, "claim_as_of": "2025-12-31"} for loan in lot["loans"]]}
    assert evaluate(tmp_path / "date", lines=[notice, {**listed, "lot": other_date}])["predicted_pairs"] == 0
    other_debtor = {**lot, "loans": [{**lot["loans"][0], "debtor": "北京某某贸易有限公司"}, *lot["loans"][1:]]}
    assert evaluate(tmp_path / "debtor", lines=[notice, {**listed, "lot": other_debtor}])["predicted_pairs"] == 0
