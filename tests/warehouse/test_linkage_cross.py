"""Cross-platform linkage on tests/golden/linkage/cross_platform.jsonl (built by ``bench/linkage_cross.py --build``
from the Alibaba, JD, 公拍网, 中拍平台 and 人民法院诉讼资产网 replicas' ground truth, with hard non-pairs and the real list page's
re-listings): the figures bench/linkage_cross.py prints, asserted."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.linkage_cross import evaluate, load, to_lot


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
    assert origins == {"alibaba_sf", "jd_auction", "gpai", "caa123"}
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
    # and for the re-listings of each platform's lots (a platform whose lots stopped linking fails here)
    for origin in ("alibaba_sf", "jd_auction", "gpai", "caa123"):
        f = figures[f"origin:{origin}"]
        assert f["true_pairs"] >= 30 and (f["precision"], f["recall"]) == (1.0, 1.0), (origin, f)


def test_the_real_pages_relistings_are_linked_by_title_value_and_reserve(rows):
    """The real list page's lots have no court and no address (list records): its re-listings (same title, same
    评估值, a lower 起拍价 or none) are linked by rule relisted_title, and nothing else."""
    figures = evaluate([r for r in rows if r["set"] == "real"])["all"]
    assert figures["true_pairs"] == 8 and (figures["precision"], figures["recall"]) == (1.0, 1.0), figures


def _real(rows, *ids):
    return [dict(r) for r in rows if r["set"] == "real" and r["source_lot_id"] in {f"real-{i}" for i in ids}]


def test_side_by_side_twins_keep_a_title_from_linking(rows):
    """A lot with the same title, value and reserve as another (two parking spaces sold side by side) makes the
    title say nothing: neither it nor the other lots of that title are linked by it."""
    lots = _real(rows, "132030", "130568")  # asset A: 一拍 563477.18, later 507129.46
    twin = dict(lots[0], source_lot_id="real-999001", asset_key="real:A-twin")
    figures = evaluate([*lots, twin])["all"]
    assert figures["linked_pairs"] == 0, figures
    assert evaluate(lots)["all"]["recall"] == 1.0  # without the twin, A's two rounds are linked


def test_another_value_or_source_is_another_asset(rows):
    lots = _real(rows, "132004", "130343")  # asset B
    other_value = dict(lots[0], source_lot_id="real-999002", asset_key="real:B-other", appraisal_price="1736318.01",
                       reserve_price="1300000.00")
    other_source = dict(lots[0], source="jd_auction", source_lot_id="999003", asset_key="real:B-jd",
                        reserve_price="1300000.00")
    figures = evaluate([*lots, other_value, other_source])["all"]
    assert (figures["precision"], figures["correct_pairs"]) == (1.0, 1), figures


def test_a_relisting_on_a_later_night_joins_the_earlier_lot(rows, tmp_path):
    """The partner already in the warehouse: its reserve price is read from its current version."""
    from tests.warehouse.conftest import write_run
    from warehouse.db import connect
    from warehouse.ingest import ingest
    from warehouse.linkage import link_assets

    first, later = (to_lot(r) for r in _real(rows, "129448", "131593"))  # asset D, 196.7573万 then 177.0816万
    same_reserve = to_lot(dict(_real(rows, "131593")[0], source_lot_id="real-999004",
                               reserve_price=str(first.reserve_price)))
    con = connect(tmp_path / "w.duckdb")
    for night, lots in enumerate(([first], [later], [same_reserve]), start=1):
        ingest(con, [write_run(tmp_path / "runs", lots, night=night, source="rmfysszc")], hooks=[link_assets])
    links = dict(con.execute("SELECT source_lot_id, rule FROM fct_lot_links").fetchall())
    assets = dict(con.execute("SELECT source_lot_id, asset_id FROM fct_lot_links").fetchall())
    con.close()
    assert links[later.source_lot_id] == "relisted_title" and assets[later.source_lot_id] == assets[first.source_lot_id]
    # a lot at the first lot's reserve is its twin, not its next round: the title links it to nothing
    assert links["real-999004"] == "new_asset"
