"""End to end for CBEX: the replica behind its Jiasule 521 gate → the real `scrapy crawl cbex` subprocess (which
solves the gate) → run files → the warehouse, two nights, every listing checked against the CBEX generator's truth
through the `lots` view (claim figures, debtors, as-of date, seller, status); and the AMC packages CBEX lists again
linked to their AMC notices (rule debt_package) once the AMC notices of night 1 are in the same warehouse."""

from __future__ import annotations

import pytest

from replicas.cbex.generator import wan
from warehouse.linkage import link_assets

AMC_NOTICES = ("gwamc_notice", "coamc_notice")  # the AMC notices the CBEX packages mirror: the two with most of them
STATUS = {"预披露": "upcoming", "正式披露": "ongoing", "已成交": "sold"}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_nights(crawl_two_nights):
    with crawl_two_nights(
        "e2e_cbex", lambda night: (*AMC_NOTICES, "cbex") if night == 1 else ("cbex",), seed=7, n_lots=30,
        hooks=[link_assets], spider_args=dict.fromkeys(AMC_NOTICES, {"attachments": "0"}),
        truth=lambda replica, night: {x.code: x for x in replica.cbex_generator.listings(night)},
    ) as run:
        yield run.con, run.of("cbex"), run.truth, run.stats[2]


def test_the_gate_is_solved_and_every_listing_of_both_nights_is_crawled(two_nights):
    con, crawls, truth, stats = two_nights
    assert stats["by_status"].get("521", 0) >= 2  # both gate steps were met (and more when sessions expired)
    for night in (1, 2):
        meta = crawls[night].meta
        assert meta.status == "ok" and meta.rejects == 0, meta
        assert meta.items == len(truth[night])
        assert meta.stats.get("salvage/jsl_solved", 0) >= 2
    ids = {r[0] for r in con.execute("SELECT source_lot_id FROM lots WHERE source = 'cbex'").fetchall()}
    assert ids == set(truth[2])


def test_claim_figures_debtors_seller_and_status_match_the_truth(two_nights):
    con, _, truth, _ = two_nights
    rows = con.execute("""
        SELECT source_lot_id, title, asset_type, seller_type, disposal_unit, status, principal, interest, total_claim,
               claim_as_of, reserve_price, debtor, [x.debtor FOR x IN loans], province
        FROM lots WHERE source = 'cbex'""").fetchall()
    assert len(rows) == len(truth[2])
    for (code, title, kind, seller, unit, status, principal, interest, total, as_of, reserve, debtor, debtors,
         province) in rows:
        x = truth[2][code]
        assert (title, kind, unit, province) == (x.name, "debt", x.transferor, x.province)
        assert seller == ("bank" if "银行" in x.transferor else "amc" if "资产管理" in x.transferor else "enterprise")
        assert status == STATUS[x.status(2)]
        assert principal == wan(x.principal) * 10_000 and interest == wan(x.interest) * 10_000
        assert total == wan(x.principal + x.interest) * 10_000
        assert as_of == x.as_of
        assert reserve == (None if x.price is None else x.price)
        assert debtors == x.debtors and debtor == (x.debtors[0] if len(x.debtors) == 1 else None)
    changed = con.execute("SELECT count(*) FROM lot_history WHERE source = 'cbex' AND version_no = 2").fetchall()[0][0]
    assert changed == sum(1 for x in truth[1].values() if x.status(1) != x.status(2))


def test_the_amc_packages_listed_on_cbex_join_their_notices_assets(two_nights):
    con, _, truth, _ = two_nights
    sources = {"gwamc": "gwamc_notice", "coamc": "coamc_notice"}
    mirrored = [(x.code, sources[x.mirrors[0]], x.mirrors[1]) for x in truth[1].values()
                if x.mirrors and x.mirrors[0] in sources]
    assert len(mirrored) >= 4
    for code, source, notice_id in mirrored:
        a = con.execute("SELECT asset_id, rule FROM fct_lot_links WHERE source = 'cbex' AND source_lot_id = ?",
                        [code]).fetchall()
        b = con.execute("SELECT asset_id FROM fct_lot_links WHERE source = ? AND source_lot_id = ?",
                        [source, notice_id]).fetchall()
        assert a[0][0] == b[0][0], (code, source, notice_id, a)
        assert a[0][1] in ("debt_package", "debtor_principal")
    near = [x.code for x in truth[1].values() if x.near_miss and x.near_miss[0] in sources]
    for code in near:
        rule = con.execute("SELECT rule FROM fct_lot_links WHERE source = 'cbex' AND source_lot_id = ?",
                           [code]).fetchall()
        assert rule == [("new_asset",)], code
    assert con.execute("SELECT count(*) FROM fct_lot_links WHERE rule = 'debt_package'").fetchall()[0][0] >= 3
