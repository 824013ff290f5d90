"""End to end for the four AMCs' notices: the AMC replicas → the real `scrapy crawl` subprocesses (Great Wall's notice
bodies read from the pages' own XHR; Chromium, the fallback, is tested in test_gwamc_xhr.py) → run files → the
warehouse, two nights, every notice and asset checked against the replica generator's truth, and every debt package down to the loan: its loans are in
the warehouse row by row (``unnest(loans)``), and each stated 合计 / 小计 is checked against them with the
difference recorded in the lot's ``raw.loan_checks`` — exactly the difference the page's own figures make."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from replicas.amc.generator import shown, stated_totals
from replicas.amc.truth import SOURCES, expected_asset, expected_notice
from replicas.server import ReplicaServer
from crawlers.runner import run_crawl
from warehouse.db import connect
from warehouse.ingest import ingest

NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIELDS = ("title", "asset_type", "seller_type", "disposal_unit", "status", "start_at", "end_at", "principal",
          "interest", "total_claim", "appraisal_price", "claim_as_of", "debtor")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_nights(tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e_amc")
    con = connect(work / "w.duckdb")
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    crawls, truth, assets = {}, {}, {}
    with ReplicaServer(seed=5, n_lots=20, night=1, interstitial_rate=0) as replica:
        generator = replica.amc_generator
        for night in (1, 2):
            replica.set_night(night)
            clock = NIGHT_1 + timedelta(days=night - 1)
            with ThreadPoolExecutor(len(SOURCES)) as pool:
                results = pool.map(lambda s, clock=clock: run_crawl(s, work / "runs", replica=replica.base_url,
                                                                    clock=clock, timeout=600), SOURCES.values())
                crawls[night] = dict(zip(SOURCES.values(), results))
            ingest(con, [c.paths.meta for c in crawls[night].values()])
            at = generator.night_time(night)
            truth[night] = {(SOURCES[amc], n.notice_id): (n, expected_notice(n, at))
                            for amc in SOURCES for n in generator.notices(amc, night)}
            assets[night] = {f"asset-{a.asset_id}": (a, expected_asset(a)) for a in generator.assets(night)}
    yield con, crawls, truth, assets
    con.close()


def test_every_crawl_is_ok_and_complete_on_both_nights(two_nights):
    _, crawls, truth, assets = two_nights
    for night in (1, 2):
        for source, crawl in crawls[night].items():
            expected = sum(1 for s, _ in truth[night] if s == source) + (len(assets[night]) if source ==
                                                                          "gwamc_notice" else 0)
            assert (crawl.meta.status, crawl.meta.items, crawl.meta.rejects) == ("ok", expected, 0), crawl.meta.error


def test_great_wall_notices_came_through_their_own_xhr_and_no_crawl_started_a_browser(two_nights):
    _, crawls, truth, _ = two_nights
    for night in (1, 2):
        notices = sum(1 for s, _ in truth[night] if s == "gwamc_notice")
        stats = crawls[night]["gwamc_notice"].meta.stats
        assert stats["salvage/gwamc_xhr"] == notices  # the browser is the fallback: tests/test_gwamc_xhr.py
        for source in SOURCES.values():
            assert "playwright/page_count" not in crawls[night][source].meta.stats


def test_every_notice_is_in_the_warehouse_with_its_truth(two_nights):
    con, _, truth, _ = two_nights
    rows = con.execute(f"SELECT source, source_lot_id, url, {', '.join(FIELDS)} FROM lots "
                       "WHERE source IN ('gwamc_notice', 'citic_amc_notice', 'cinda_notice', 'coamc_notice') "
                       "AND NOT source_lot_id LIKE 'asset-%'").fetchall()
    got = {(r[0], r[1]): dict(zip(("url", *FIELDS), r[2:])) for r in rows}
    latest = {**truth[1], **truth[2]}
    assert set(got) == set(latest)
    wrong = []
    for key, (_, want) in latest.items():
        row = got[key]
        expected = {"url": want.url, **{k: want.fields.get(k) for k in FIELDS}}
        wrong += [(key, k, row[k], v) for k, v in expected.items() if row[k] != v]
    assert not wrong, wrong[:5]
    assert {r[0] for r in con.execute("SELECT DISTINCT status FROM lots WHERE source LIKE '%notice'").fetchall()} \
        >= {"upcoming", "ongoing", "ended", None}


def test_night_two_adds_notices_and_status_changes_open_versions(two_nights):
    con, _, truth, _ = two_nights
    new = set(truth[2]) - set(truth[1])
    assert len(new) == 4 * len(SOURCES)
    first_seen = {(r[0], r[1]) for r in con.execute(
        "SELECT source, source_lot_id FROM lots WHERE source LIKE '%notice' AND first_seen > ?",
        [NIGHT_1 + timedelta(hours=12)]).fetchall()}
    assert new <= first_seen
    changed = {k for k, (_, want) in truth[2].items() if k in truth[1]
               and want.fields["status"] != truth[1][k][1].fields["status"]}
    assert len(changed) >= len(SOURCES) * 2
    versioned = {(r[0], r[1]) for r in con.execute(
        "SELECT source, source_lot_id FROM lot_history WHERE source LIKE '%notice' AND version_no = 2").fetchall()}
    assert changed <= versioned


def test_every_package_is_in_the_warehouse_loan_by_loan(two_nights):
    con, _, truth, _ = two_nights
    latest = {**truth[1], **truth[2]}
    packages = {k: want for k, (notice, want) in latest.items() if notice.loans}
    assert len(packages) > 40
    stored = {(r[0], r[1]): r[2] for r in con.execute(
        "SELECT source, source_lot_id, loans FROM lots WHERE source LIKE '%notice' AND len(loans) > 0").fetchall()}
    assert set(stored) == set(packages)  # no package dropped, no loans where there is no table
    for key, want in packages.items():
        rows = [(x["seq"], x["debtor"], x["principal"], x["interest"], x["fees"], x["total"], x["currency"],
                 x["claim_as_of"]) for x in stored[key]]
        assert rows == [(t.seq, t.debtor, t.principal, t.interest, t.fees, t.total, t.currency, t.claim_as_of)
                        for t in want.loans], key
    # the same loans through SQL: one row each, with the currency of its row
    by_currency = dict(con.execute("SELECT l.currency, count(*) FROM (SELECT unnest(loans) AS l FROM lots "
                                   "WHERE source LIKE '%notice') GROUP BY ALL").fetchall())
    assert set(by_currency) == {"CNY", "USD", "HKD"}
    assert sum(by_currency.values()) == sum(len(w.loans) for w in packages.values())


def test_stated_totals_are_checked_against_the_loans_and_every_difference_is_recorded(two_nights):
    con, _, truth, _ = two_nights
    latest = {**truth[1], **truth[2]}
    raws = {(r[0], r[1]): json.loads(r[2]) for r in con.execute(
        "SELECT source, source_lot_id, raw FROM lots WHERE source LIKE '%notice' AND len(loans) > 0").fetchall()}
    sums = {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in con.execute("""
        SELECT source, source_lot_id, l.currency, sum(l.principal), sum(l.interest), sum(l.total)
        FROM (SELECT source, source_lot_id, unnest(loans) AS l FROM lots WHERE source LIKE '%notice')
        GROUP BY ALL""").fetchall()}
    differences, checked = {}, 0
    for key, (notice, want) in latest.items():
        totals = stated_totals(notice)
        recorded = {c["currency"]: c for c in raws.get(key, {}).get("loan_checks", []) if c["kind"] == "合计"}
        assert set(recorded) == set(totals), key  # every readable 合计 row checked (none when no unit is stated)
        for currency, stated in totals.items():
            check = recorded[currency]
            warehouse_sum = dict(zip(("principal", "interest", "total"), sums[(*key, currency)]))
            for field in ("principal", "interest", "total"):
                fields = check["fields"][field]
                assert Decimal(fields["stated"]) == stated[field]
                assert Decimal(fields["sum"]) == (warehouse_sum[field] or 0)  # what the warehouse adds up too
                assert Decimal(fields["difference"]) == stated[field] - (warehouse_sum[field] or 0)
                checked += 1
                if Decimal(fields["difference"]):
                    differences[key, currency, field] = Decimal(fields["difference"])
    assert checked > 100
    # differences come only from the pages' own figures: 万元 rounding (a cent of 万元 is 100 yuan), a cell that
    # says 详见附件 instead of an amount, nothing else
    for (key, _, field), difference in differences.items():
        notice = latest[key][0]
        rounding = notice.unit == "wan" and abs(difference) <= 100 * len(notice.loans)
        referred = any(row.odd == "interest_text" for row in notice.loans) and field == "interest"
        assert rounding or referred, (key, field, difference)
    assert differences, "the replica's pages state some totals that differ from their rows"


def test_large_packages_record_how_far_the_listed_loans_are_from_the_whole_package(two_nights):
    con, _, truth, _ = two_nights
    latest = {**truth[1], **truth[2]}
    large = {k: n for k, (n, _) in latest.items() if n.kind == "large"}
    assert large
    for key, notice in large.items():
        (raw,) = con.execute("SELECT raw FROM lots WHERE source = ? AND source_lot_id = ?", list(key)).fetchone()
        raw = json.loads(raw)
        assert raw["households"] == notice.households > len(notice.loans)
        (prose,) = [c for c in raw["loan_checks"] if c["kind"] == "正文"]
        listed = sum((shown(x.principal, notice.unit) for x in notice.loans), Decimal(0))
        assert Decimal(prose["fields"]["principal"]["difference"]) == shown(notice.package_principal, "wan") - listed
        assert [a["url"].rsplit(".", 1)[1] for a in raw["attachments"]][:1] == ["xlsx"]


def test_great_wall_assets_keep_money_total_honest(two_nights):
    con, _, _, assets = two_nights
    latest = {**assets[1], **assets[2]}
    rows = {r[0]: (r[1], r[2], json.loads(r[3])) for r in con.execute(
        "SELECT source_lot_id, total_claim, claim_as_of, raw FROM lots WHERE source = 'gwamc_notice' "
        "AND source_lot_id LIKE 'asset-%'").fetchall()}
    assert set(rows) == set(latest)
    for lot_id, (asset, want) in latest.items():
        total_claim, claim_as_of, raw = rows[lot_id]
        assert (total_claim, claim_as_of) == (want.fields["total_claim"], want.fields["claim_as_of"]), asset
        assert raw["MoneyTotal"]["raw"] == asset.money_total and raw["MoneyTotal"]["kind"] == asset.meaning
    kinds = {raw["MoneyTotal"]["kind"] for _, _, raw in rows.values()}
    assert kinds == {"amount", "range", "shares", "unparseable"}
