"""Asset linkage (warehouse.linkage.link_assets as an ingest hook): rules, evidence, stable ids, merges, views, and
precision / recall on the replica generator's truth with a noise layer (bench/linkage_data.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bench.linkage_data import pairwise, truth_rows, write_runs
from tests.warehouse.conftest import make_lot, write_run
from warehouse.ingest import ingest
from warehouse.linkage import link_assets

CASE = "（2025）晋08执恢12号"
UNIT = "山西省运城市中级人民法院"


def _asset(con, lot_id: str, source: str = "alibaba_sf") -> int:
    return con.execute("SELECT asset_id FROM fct_lot_links WHERE source = ? AND source_lot_id = ?",
                       [source, lot_id]).fetchall()[0][0]


def _house(lot_id: str, room: str = "502", **fields):
    base = {"title": f"运城市盐湖区解放路12号阳光小区1号楼2单元{room}室房产", "disposal_unit": UNIT,
            "case_number": CASE, "address": f"运城市盐湖区解放路12号阳光小区1号楼2单元{room}室",
            "province": "山西省", "city": "运城市", "district": "盐湖区", "appraisal_price": Decimal("1400000")}
    base.update(fields)
    return make_lot(lot_id, **base)


def test_an_exact_case_number_links_a_relisting_with_its_evidence(con, tmp_path: Path):
    first = _house("1", round="first", status="unsold")
    second = _house("2", night=2, round="second", title="【第二次拍卖】盐湖区解放路12号阳光小区1栋2单元502室不动产",
                    case_number="(2025)晋08执恢第12号", address="山西 运城 盐湖区解放路12号阳光小区1栋2单元502室",
                    reserve_price=Decimal("800000"))
    ingest(con, [write_run(tmp_path / "runs", [first])], hooks=[link_assets])
    ingest(con, [write_run(tmp_path / "runs", [second], night=2)], hooks=[link_assets])
    assert _asset(con, "1") == _asset(con, "2")
    row = con.execute("SELECT rule, score, matched_source, matched_lot_id, same_case_number, same_disposal_unit, "
                      "same_numbers, value_ratio, title_similarity, address_similarity, case_key "
                      "FROM fct_lot_links WHERE source_lot_id = '2'").fetchall()[0]
    assert row[0] == "case_number" and 0 < row[1] <= 1 and row[2:4] == ("alibaba_sf", "1")
    assert row[4:7] == (True, True, True) and row[7] == 1.0 and row[8] > 90 and row[9] > 90
    assert row[10] == "2025晋08执恢12号"
    first_link = con.execute("SELECT rule, matched_lot_id FROM fct_lot_links WHERE source_lot_id = '1'").fetchall()
    assert first_link == [("new_asset", None)]


def test_different_assets_with_similar_titles_do_not_link(con, tmp_path: Path):
    lots = [_house("1"), _house("2", room="602"),  # same case, same court, another flat
            _house("3", case_number="（2025）晋08执恢13号", appraisal_price=Decimal("900000")),  # same flat text
            make_lot("4", title="运城市盐湖区解放路12号阳光小区1号楼2单元502室房产", disposal_unit="运城市盐湖区人民法院",
                     appraisal_price=Decimal("1700000"))]
    ingest(con, [write_run(tmp_path / "runs", lots)], hooks=[link_assets])
    assert len({_asset(con, i) for i in "1234"}) == 4


def test_a_debt_package_links_from_an_amc_notice_to_an_auction_in_yuan_or_wan(con, tmp_path: Path):
    notice = make_lot("N1", source="cinda_notice", url="https://www.cinda.com.cn/n1", title="关于山西华盛煤业有限公司债权的处置公告",
                      asset_type="debt", seller_type="amc", disposal_unit="中国信达资产管理股份有限公司山西省分公司",
                      debtor="山西华盛煤业有限公司", principal=Decimal("12345678.90"), appraisal_price=None,
                      total_claim=Decimal("15000000"))
    auction = make_lot("J1", source="jd_auction", url="https://paimai.jd.com/J1", night=2, asset_type="debt",
                       title="山西华盛煤业有限责任公司债权", debtor="山西华盛煤业有限责任公司",
                       principal=Decimal("12345700"), total_claim=Decimal("15000000"), appraisal_price=None)
    other = make_lot("J2", source="jd_auction", url="https://paimai.jd.com/J2", night=2, asset_type="debt",
                     title="山西华盛煤业有限公司债权", debtor="山西华盛煤业有限公司", principal=Decimal("3000000"),
                     appraisal_price=None)
    ingest(con, [write_run(tmp_path / "runs", [notice], source="cinda_notice")], hooks=[link_assets])
    ingest(con, [write_run(tmp_path / "runs", [auction, other], night=2, source="jd_auction")], hooks=[link_assets])
    assert _asset(con, "J1", "jd_auction") == _asset(con, "N1", "cinda_notice")
    assert _asset(con, "J2", "jd_auction") != _asset(con, "N1", "cinda_notice")  # same debtor, another claim
    assert con.execute("SELECT rule FROM fct_lot_links WHERE source_lot_id = 'J1'").fetchall() == [
        ("debtor_principal",)]
    assets = con.execute("SELECT lot_count, sources FROM assets WHERE asset_id = ?",
                         [_asset(con, "J1", "jd_auction")]).fetchall()
    assert assets == [(2, ["cinda_notice", "jd_auction"])]


def test_a_lot_that_proves_two_assets_one_merges_them_into_the_older_and_records_it(con, tmp_path: Path):
    court = _house("1")
    claim = make_lot("2", title="山西某某置业有限公司债权", asset_type="debt", debtor="山西某某置业有限公司",
                     principal=Decimal("5000000"), appraisal_price=None, case_number=None, disposal_unit="某资产公司")
    ingest(con, [write_run(tmp_path / "runs", [court, claim])], hooks=[link_assets])
    a1, a2 = _asset(con, "1"), _asset(con, "2")
    assert a1 != a2
    bridge = _house("3", night=2, round="second", debtor="山西某某置业有限公司", principal=Decimal("5000000"))
    ingest(con, [write_run(tmp_path / "runs", [bridge], night=2)], hooks=[link_assets])
    assert _asset(con, "1") == _asset(con, "2") == _asset(con, "3") == min(a1, a2)
    merges = con.execute("SELECT merged_asset_id, into_asset_id, source_lot_id, lots_moved FROM fct_asset_merges"
                         ).fetchall()
    assert merges == [(max(a1, a2), min(a1, a2), "3", 1)]


def test_views_give_an_assets_lots_and_its_price_history_in_time_order(con, tmp_path: Path):
    ingest(con, [write_run(tmp_path / "runs", [_house("1", status="ongoing")])], hooks=[link_assets])
    ingest(con, [write_run(tmp_path / "runs", [_house("1", night=2, status="unsold"),
                                               _house("2", night=2, round="second", status="upcoming",
                                                      reserve_price=Decimal("800000"))], night=2)],
           hooks=[link_assets])
    asset = _asset(con, "1")
    row = con.execute("SELECT lot_count, sources, current_round, current_status, current_reserve_price "
                      "FROM assets WHERE asset_id = ?", [asset]).fetchall()
    assert row == [(2, ["alibaba_sf"], "second", "upcoming", Decimal("800000.00"))]
    history = con.execute("SELECT seq, source_lot_id, version_no, status, reserve_price FROM asset_price_history "
                          "WHERE asset_id = ? ORDER BY seq", [asset]).fetchall()
    assert [(h[1], h[3]) for h in history] == [("1", "ongoing"), ("1", "unsold"), ("2", "upcoming")]
    assert [h[0] for h in history] == [1, 2, 3]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Two generators' lots on nights 1 and 2, with the noise layer, as run files."""
    runs = tmp_path_factory.mktemp("linkage") / "runs"
    generators: dict = {}
    nights = {night: truth_rows([3, 4], 1500, night, generators=generators) for night in (1, 2)}
    return {night: (table, write_runs(runs, table, night)) for night, table in nights.items()}


def test_precision_and_recall_on_the_generators_truth_meet_the_targets(con, generated):
    table, metas = generated[1]
    ingest(con, metas, hooks=[link_assets])
    scores = pairwise(con, table)
    assert scores["true_pairs"] > 500
    assert scores["precision"] >= 0.99 and scores["recall"] >= 0.95, scores


def test_asset_ids_are_stable_across_nights_and_relistings_join_their_asset(con, generated):
    (t1, m1), (t2, m2) = generated[1], generated[2]
    ingest(con, m1, hooks=[link_assets])
    before = dict(((r[0], r[1]), r[2]) for r in con.execute(
        "SELECT source, source_lot_id, asset_id FROM fct_lot_links").fetchall())
    ingest(con, m2, hooks=[link_assets])
    after = dict(((r[0], r[1]), r[2]) for r in con.execute(
        "SELECT source, source_lot_id, asset_id FROM fct_lot_links").fetchall())
    merged = {r[0] for r in con.execute("SELECT merged_asset_id FROM fct_asset_merges").fetchall()}
    assert all(after[k] == v for k, v in before.items() if v not in merged)
    assert len(after) == len({(r["source"], r["source_lot_id"]) for r in [*t1.to_pylist(), *t2.to_pylist()]})
    # lots new on night 2 whose asset was already listed on night 1 joined that asset
    key_of = {(r["source"], r["source_lot_id"]): r["asset_key"] for r in [*t1.to_pylist(), *t2.to_pylist()]}
    night1_asset = {key_of[k]: v for k, v in before.items()}
    relisted = [k for k in after if k not in before and key_of[k] in night1_asset]
    assert relisted, "the generator relists some lots between the nights"
    joined = sum(after[k] == night1_asset[key_of[k]] for k in relisted)
    assert joined / len(relisted) >= 0.95
    assert pairwise(con, t2)["precision"] >= 0.99


def test_a_warehouse_loaded_before_linkage_is_linked_once_and_then_kept(con, tmp_path: Path):
    from warehouse.linkage import link_unlinked

    ingest(con, [write_run(tmp_path / "runs", [_house("1")])])  # no hook: no links
    assert con.execute("SELECT count(*) FROM fct_lot_links").fetchall() == [(0,)]
    con.execute("BEGIN")
    assert link_unlinked(con).new_lots == 1
    con.execute("COMMIT")
    ingest(con, [write_run(tmp_path / "runs", [_house("2", night=2, round="second")], night=2)],
           hooks=[link_assets])
    assert _asset(con, "1") == _asset(con, "2")


@pytest.mark.parametrize(("cap", "pairs"), [(3, 5), (25, 14)])
def test_a_block_gives_a_lot_no_candidates_when_it_has_more_partners_than_the_cap(con, tmp_path: Path, monkeypatch,
                                                                                 cap: int, pairs: int):
    # one debtor for six lots and no other shared key: two linked on night 1, four new on night 2. A new lot's
    # partners in the block are the linked lots with its key and the later new lots (by source, source_lot_id):
    # d3 2 + 3, d4 2 + 2, d5 2 + 1, d6 2 + 0. With a cap of 3 only d5 (3 pairs) and d6 (2) are paired.
    monkeypatch.setattr("warehouse.linkage.BLOCK_CAP", cap)
    debt = dict(asset_type="debt", debtor="甲实业有限责任公司", appraisal_price=None)
    night1 = [make_lot(f"d{i}", principal=Decimal(1_000_000 * i), **debt) for i in (1, 2)]
    night2 = [make_lot(f"d{i}", night=2, principal=Decimal(1_000_000 * i), **debt) for i in (3, 4, 5, 6)]
    stats = []
    ingest(con, [write_run(tmp_path / "runs", night1)], hooks=[link_assets])
    ingest(con, [write_run(tmp_path / "runs", night2, night=2)],
           hooks=[lambda c, results: stats.append(link_assets(c, results))])
    assert (stats[0].new_lots, stats[0].candidate_pairs) == (4, pairs)
    assert con.execute("SELECT count(*) FROM fct_lot_links").fetchone()[0] == 6
