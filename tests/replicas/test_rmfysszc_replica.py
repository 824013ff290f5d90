"""The 人民法院诉讼资产网 replica: which lots it re-lists (a share of the other replicas' court assets, every round),
stable ids, the list answer's paging and the GB18030 detail page."""

from __future__ import annotations

import json

import pytest

from replicas.rmfysszc.feeds import FEEDS, SHARE, chosen
from replicas.server import ReplicaServer


@pytest.fixture(scope="module")
def replica():
    return ReplicaServer(seed=9, n_lots=150, night=1, interstitial_rate=0)


def test_a_share_of_each_platforms_court_assets_is_relisted_with_its_origin(replica):
    site = replica.rmfysszc
    truth = site.truth(1)
    # (court, title, address, appraisal, start price) of each original as its own platform states them
    originals = {("alibaba_sf", str(lot.item_id)): (lot.unit, lot.title, lot.address, lot.consult_price,
                                                    lot.initial_price) for lot in replica.generator.lots_for(1)}
    originals |= {("jd_auction", str(lot.paimai_id)): (lot.shop_name, lot.title, lot.full_address,
                                                       lot.assessment_price, lot.start_price)
                  for lot in replica.jd_generator.lots_for(1)}
    originals |= {("gpai", str(lot.item_id)): (lot.court, lot.title.split("】", 1)[1], lot.address or "",
                                               lot.appraisal, lot.start_price)
                  for lot in replica.gpai_generator.lots_for(1)}
    originals |= {("caa123", f"sf-{lot.lot_id}"): (lot.court, lot.name, lot.position, lot.assess_price,
                                                   lot.start_price)
                  for lot in replica.caa_generator.lots_for(1) if lot.side == "sf"}
    assert {lot.origin[0] for lot in truth.values()} == set(FEEDS) >= {"alibaba_sf", "jd_auction", "gpai", "caa123"}
    for relisted in truth.values():
        assert (relisted.court, relisted.title, relisted.address, relisted.appraisal,
                relisted.start_price) == originals[relisted.origin]
    court_assets = {(p, a) for p, (_, adapt) in FEEDS.items() for gen in [FEEDS[p][0](replica)]
                    for lot in gen.lots_for(1) if adapt(lot) is not None for a in [lot.asset_key]}
    relisted_assets = {(p, a) for p, a in court_assets if chosen(p, a)}
    assert 0.2 < len(relisted_assets) / len(court_assets) < 0.5 and SHARE == 35
    # every visible round of a chosen asset is re-listed
    assert {(lot.origin[0], lot.asset_key.split(":", 1)[1]) for lot in truth.values()} == relisted_assets


def test_ids_are_stable_from_night_to_night(replica):
    site = replica.rmfysszc
    one, two = site.truth(1), site.truth(2)
    assert {rid: lot.origin for rid, lot in one.items() if rid in two} == {rid: two[rid].origin for rid in one
                                                                           if rid in two}
    assert set(one) - set(two) == set() and set(two) - set(one)  # lots stay listed, new ones come


def test_the_list_pages_twenty_lots_and_past_the_last_page_answers_the_tip(replica):
    site = replica.rmfysszc
    pages = -(-len(site.truth(1)) // 20)
    first = json.loads(site.handle_post("www.rmfysszc.gov.cn", "/ProjectHandle.shtml", b"type=0&page=1").body)
    assert first["html"].count("class='product'") == 20 and f"post({pages})' class='next'>尾页" in first["page"]
    past = json.loads(site.handle_post("www1.rmfysszc.gov.cn", "/ProjectHandle.shtml",
                                       f"type=0&page={pages + 1}".encode()).body)
    assert past["html"] == "<div class='tip'>暂无您查询的标的物</div>" and "下一页" in past["page"]


def test_the_detail_page_is_gb18030_and_unknown_ids_are_404(replica):
    site = replica.rmfysszc
    rid, lot = next(iter(site.truth(1).items()))
    page = site.handle("www.rmfysszc.gov.cn", f"/statichtml/rm_obj/{rid}.shtml")
    assert page.status == 200 and b"charset=gb2312" in page.body
    assert lot.title in page.body.decode("gb18030") and lot.title.encode("gb18030") in page.body
    assert site.handle("www.rmfysszc.gov.cn", "/statichtml/rm_obj/1.shtml").status == 404
