"""Cross-platform linkage on tests/golden/linkage/cross_platform.jsonl (built by ``bench/linkage_cross.py --build``
from the Alibaba, JD and 人民法院诉讼资产网 replicas' ground truth, with hard non-pairs and the real list page's
re-listings): the figures bench/linkage_cross.py prints, asserted."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.linkage_cross import evaluate, load


@pytest.fixture(scope="module")
def rows():
    return load()


def test_the_set_has_cross_platform_pairs_and_hard_non_pairs(rows):
    kinds = Counter(r["set"] for r in rows)
    assert kinds["replica"] >= 250 and kinds["derived"] >= 30 and kinds["real"] == 20
    sources = {}
    for r in rows:
        sources.setdefault(r["asset_key"], set()).add(r["source"])
    relisted = [r for r in rows if r["set"] == "replica" and r["source"] == "rmfysszc"]
    assert relisted and all(len(sources[r["asset_key"]]) == 2 for r in relisted)  # each with its original
    origins = {next(iter(sources[r["asset_key"]] - {"rmfysszc"})) for r in relisted}
    assert origins == {"alibaba_sf", "jd_auction"}
    # a derived non-pair shares its original's court and street but is another asset
    derived = [r for r in rows if r["set"] == "derived"]
    by_id = {r["source_lot_id"]: r for r in rows if r["set"] == "replica"}
    for fake in derived:
        original = by_id[fake["source_lot_id"][1:]]
        assert fake["disposal_unit"] == original["disposal_unit"] and fake["asset_key"] != original["asset_key"]


def test_precision_and_recall_on_the_cross_platform_set(rows):
    figures = evaluate([r for r in rows if r["set"] in ("replica", "derived")])
    assert figures["cross"]["true_pairs"] >= 100
    for name in ("all", "cross"):
        assert (figures[name]["precision"], figures[name]["recall"]) == (1.0, 1.0), (name, figures[name])


def test_the_real_pages_relistings_are_never_linked_wrongly(rows):
    """The real list page's lots have no court and no address (list records): nothing may link them wrongly."""
    figures = evaluate([r for r in rows if r["set"] == "real"])["all"]
    assert figures["true_pairs"] == 8 and figures["precision"] == 1.0, figures
