"""Undoing a wrong asset link: `split_asset` / `salvage assets split` moves lots to a new asset, keeps their link
evidence, records the split; a later night's relisting that matches both sides does not merge them again."""

from __future__ import annotations

from decimal import Decimal

import pytest
from typer.testing import CliRunner

from salvage.cli import app
from tests.warehouse.conftest import make_lot, write_run
from warehouse.db import connect, connect_readonly, publishing
from warehouse.ingest import ingest
from warehouse.linkage import SplitError, link_assets, split_asset

CASE = "（2025）晋08执恢12号"
UNIT = "山西省运城市中级人民法院"


def _house(lot_id: str, night: int = 1, **fields):
    base = {"title": "运城市盐湖区解放路12号阳光小区1号楼2单元502室房产", "disposal_unit": UNIT, "case_number": CASE,
            "address": "运城市盐湖区解放路12号阳光小区1号楼2单元502室", "province": "山西省", "city": "运城市",
            "district": "盐湖区", "appraisal_price": Decimal("1400000")}
    base.update(fields)
    return make_lot(lot_id, night=night, **base)


def _assets(con) -> dict[str, int]:
    return dict(con.execute("SELECT source_lot_id, asset_id FROM fct_lot_links").fetchall())


def test_a_split_moves_the_lots_keeps_the_evidence_and_is_not_undone_by_the_next_night(tmp_path):
    runs = tmp_path / "runs"
    con = connect(tmp_path / "w.duckdb")
    ingest(con, [write_run(runs, [_house("1"), _house("2", round="second")])], hooks=[link_assets])
    before = _assets(con)
    assert before["1"] == before["2"]
    evidence = con.execute("SELECT rule, matched_lot_id FROM fct_lot_links WHERE source_lot_id = '2'").fetchone()
    assert evidence[0] == "case_number"

    split = split_asset(con, before["1"], ["alibaba_sf:2"], reason="same case, another flat", by="analyst")
    after = _assets(con)
    assert after["1"] == before["1"] and after["2"] == split.into_asset_id != before["1"]
    assert con.execute("SELECT rule, matched_lot_id FROM fct_lot_links WHERE source_lot_id = '2'"
                       ).fetchone() == evidence  # the evidence is kept as it was
    recorded = con.execute("SELECT side, source_lot_id, from_asset_id, into_asset_id, rule, reason, split_by "
                           "FROM fct_asset_splits ORDER BY side DESC").fetchall()
    assert recorded == [("moved", "2", before["1"], split.into_asset_id, "case_number", "same case, another flat",
                         "analyst"), ("kept", "1", before["1"], split.into_asset_id, "case_number",
                                      "same case, another flat", "analyst")]

    # night 2: a relisting that matches both lots (same case, same text) must not join them again
    ingest(con, [write_run(runs, [_house("3", night=2, round="sell_off")], night=2)], hooks=[link_assets])
    later = _assets(con)
    assert later["1"] != later["2"]
    assert later["3"] in (later["1"], later["2"])
    assert con.execute("SELECT count(*) FROM fct_asset_merges").fetchone()[0] == 0


def test_a_split_that_cannot_be_done_is_refused(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    ingest(con, [write_run(tmp_path / "runs", [_house("1"), _house("2")])], hooks=[link_assets])
    asset = _assets(con)["1"]
    with pytest.raises(SplitError, match="no asset"):
        split_asset(con, 999, ["1"], reason="x", by="me")
    with pytest.raises(SplitError, match="not a lot of asset"):
        split_asset(con, asset, ["7"], reason="x", by="me")
    with pytest.raises(SplitError, match="nothing would be split off"):
        split_asset(con, asset, ["1", "2"], reason="x", by="me")
    with pytest.raises(SplitError, match="say why"):
        split_asset(con, asset, ["2"], reason=" ", by="me")


def test_salvage_assets_split_on_the_command_line(tmp_path):
    db = tmp_path / "w.duckdb"
    with publishing(db) as con:
        ingest(con, [write_run(tmp_path / "runs", [_house("1"), _house("2")])], hooks=[link_assets])
    con = connect_readonly(db)
    asset = _assets(con)["1"]
    con.close()
    result = CliRunner().invoke(app, ["assets", "split", str(asset), "2", "--reason", "another flat",
                                      "--by", "desk", "--db", str(db)])
    assert result.exit_code == 0, result.output
    con = connect_readonly(db)
    assert len(set(_assets(con).values())) == 2
    con.close()
    refused = CliRunner().invoke(app, ["assets", "split", str(asset), "9", "--reason", "x", "--db", str(db)])
    assert refused.exit_code == 1 and "not a lot of asset" in refused.output
