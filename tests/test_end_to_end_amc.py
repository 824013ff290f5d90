"""End to end for the four AMCs' notices: the AMC replicas → the real `scrapy crawl` subprocesses (Great Wall's notice
bodies read from the pages' own XHR; Chromium, the fallback, is tested in test_gwamc_xhr.py) → run files → the
warehouse, two nights, every notice and asset checked against the replica generator's truth, and every debt package down to the loan: its loans are in
the warehouse row by row (``unnest(loans)``), and each stated 合计 / 小计 is checked against them with the
difference recorded in the lot's ``raw.loan_checks`` — exactly the difference the page's own figures make."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from warcio.archiveiterator import ArchiveIterator

from replicas.amc.attachments import attachment_truth, completed_seqs, expected_attachment_loans, is_broken
from replicas.amc.generator import shown, stated_totals
from replicas.amc.truth import HOSTS, SOURCES, expected_asset, expected_notice
from salvage.reparse import reparse

NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIELDS = ("title", "asset_type", "seller_type", "disposal_unit", "status", "start_at", "end_at", "principal",
          "interest", "total_claim", "appraisal_price", "claim_as_of", "debtor")
pytestmark = pytest.mark.slow
two_nights_generator: list = []  # the replica's generator, for the attachments' truth


def night_truth(replica, night: int) -> tuple[dict, dict]:
    """The night's notices ({(source, notice id): (notice, expected)}) and Great Wall's assets."""
    generator, at = replica.amc_generator, replica.amc_generator.night_time(night)
    return ({(SOURCES[amc], n.notice_id): (n, expected_notice(n, at)) for amc in SOURCES
             for n in generator.notices(amc, night)},
            {f"asset-{a.asset_id}": (a, expected_asset(a)) for a in generator.assets(night)})


@pytest.fixture(scope="module")
def two_nights(crawl_two_nights):
    with crawl_two_nights("e2e_amc", tuple(SOURCES.values()), seed=5, n_lots=20, parallel=True, timeout=600,
                          truth=night_truth) as run:
        two_nights_generator[:] = [run.replica.amc_generator]
        yield (run.con, run.crawls, {n: t[0] for n, t in run.truth.items()},
               {n: t[1] for n, t in run.truth.items()})


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
    gen = two_nights_generator[0]
    packages = {}
    for k, (notice, want) in latest.items():  # the page rows an XLS of the same loans did not replace
        completed = completed_seqs(gen, notice)
        page_rows = [t for t in want.loans if t.seq not in completed]
        if page_rows:
            packages[k] = page_rows
    assert len(packages) > 40
    stored = {(r[0], r[1]): r[2] for r in con.execute(  # the page's own rows (attachments: see below)
        "SELECT source, source_lot_id, [x FOR x IN loans IF x.source_url IS NULL] AS page FROM lots "
        "WHERE source LIKE '%notice' AND len(page) > 0").fetchall()}
    assert set(stored) == set(packages)  # no package dropped, no loans where there is no table
    for key, want in packages.items():
        rows = [(x["seq"], x["debtor"], x["principal"], x["interest"], x["fees"], x["total"], x["currency"],
                 x["claim_as_of"]) for x in stored[key]]
        assert rows == [(t.seq, t.debtor, t.principal, t.interest, t.fees, t.total, t.currency, t.claim_as_of)
                        for t in want], key
    # the same loans through SQL: one row each, with the currency of its row
    by_currency = dict(con.execute("SELECT l.currency, count(*) FROM (SELECT unnest(loans) AS l FROM lots "
                                   "WHERE source LIKE '%notice') WHERE l.source_url IS NULL GROUP BY ALL").fetchall())
    assert set(by_currency) == {"CNY", "USD", "HKD"}
    assert sum(by_currency.values()) == sum(len(w) for w in packages.values())


def test_stated_totals_are_checked_against_the_loans_and_every_difference_is_recorded(two_nights):
    con, _, truth, _ = two_nights
    latest = {**truth[1], **truth[2]}
    raws = {(r[0], r[1]): json.loads(r[2]) for r in con.execute(
        "SELECT source, source_lot_id, raw FROM lots WHERE source LIKE '%notice' AND len(loans) > 0").fetchall()}
    sums = {(r[0], r[1], r[2]): (r[3], r[4], r[5]) for r in con.execute("""
        SELECT source, source_lot_id, l.currency, sum(l.principal), sum(l.interest), sum(l.total)
        FROM (SELECT source, source_lot_id, unnest(loans) AS l FROM lots WHERE source LIKE '%notice')
        WHERE l.source_url IS NULL GROUP BY ALL""").fetchall()}
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


def test_every_loan_of_every_attachment_list_is_in_npl_loans_with_its_provenance(two_nights):
    con, crawls, truth, _ = two_nights
    latest = {**truth[1], **truth[2]}
    generator_notices = {k: n for k, (n, _) in latest.items()}
    columns = ("source_url", "source_sheet", "source_page", "source_row", "seq", "debtor", "principal", "interest",
               "total", "currency", "guarantors", "collateral")
    got: dict = {}
    for row in con.execute(f"SELECT source, source_lot_id, {', '.join(columns)} FROM npl_loans "
                           "WHERE source_url IS NOT NULL ORDER BY ALL").fetchall():
        got.setdefault((row[0], row[1]), []).append(dict(zip(columns, row[2:])))
    want = {}
    gen = two_nights_generator[0]
    for key, notice in generator_notices.items():
        loans = expected_attachment_loans(gen, notice, HOSTS[notice.amc])
        for item in loans:
            item["collateral"] = item["collateral"] or None
        if loans:
            want[key] = sorted(loans, key=lambda x: tuple(str(x[c]) for c in columns))
    got = {k: sorted(v, key=lambda x: tuple(str(x[c]) for c in columns)) for k, v in got.items()}
    right = sum(1 for k in want for a, b in zip(want[k], got.get(k, [])) if a == b)
    total = sum(len(v) for v in want.values())
    assert set(got) == set(want) and right == total, (right, total)
    kinds = {x["source_url"].rsplit(".", 1)[1] for v in got.values() for x in v}
    assert kinds == {"pdf", "xlsx", "xls"} and total > 500  # XLS: rows completing a page without a unit
    # the repeated lists (a package's XLS of its page table) added nothing; the lost files are recorded problems
    broken = {(key, HOSTS[n.amc] + a.path) for key, n in generator_notices.items() for a in n.attachments
              if is_broken(n, a)}
    assert broken
    recorded = {((r[0], r[1]), p["url"]) for r in con.execute(
        "SELECT source, source_lot_id, raw FROM lots WHERE (raw->'attachment_problems') IS NOT NULL").fetchall()
        for p in json.loads(r[2])["attachment_problems"] if "HTML page" in p["problem"]}
    assert recorded == broken  # and their notices are all there (test_every_notice_is_in_the_warehouse…)
    for night in (1, 2):
        for source, crawl in crawls[night].items():
            problems = sum(1 for key, _ in broken if key[0] == source and key in truth[night])
            assert crawl.meta.stats.get("salvage/attachment_problems", 0) == problems, source
    repeats = [k for k, n in generator_notices.items() if not completed_seqs(gen, n)
               and any(attachment_truth(gen, n, a).role == "repeat" for a in n.attachments)]
    assert repeats and not set(repeats) & set(got)
    assert any(completed_seqs(gen, n) for n in generator_notices.values())  # some rows were completed


def test_attachments_are_archived_with_their_pages_and_a_reparse_reads_the_same_loans(two_nights, tmp_path):
    con, crawls, truth, _ = two_nights
    night = crawls[1]["cinda_notice"]
    gen = two_nights_generator[0]
    wanted = {HOSTS["cinda"] + a.path for n, _ in truth[1].values() if n.amc == "cinda" for a in n.attachments}
    with open(night.paths.directory / f"{night.meta.run_id}.warc.gz", "rb") as handle:
        archived = {r.rec_headers.get_header("WARC-Target-URI"): r.content_stream().read()[:4]
                    for r in ArchiveIterator(handle) if r.rec_type == "response"}
    assert wanted and wanted <= set(archived)
    assert {archived[u] for u in wanted} <= {b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"}
    # the replica is gone: the re-parse answers every request, attachments included, from the archive
    again = reparse(night.meta.run_id, night.paths.directory.parent, timeout=600)
    assert again.meta.status == "ok" and again.meta.stats.get("salvage/replay_missing", 0) == 0, again.meta.error
    assert again.meta.stats["salvage/attachment_loans"] == night.meta.stats["salvage/attachment_loans"] == sum(
        len(expected_attachment_loans(gen, n, HOSTS["cinda"])) for n, _ in truth[1].values() if n.amc == "cinda")


def test_great_wall_assets_keep_money_total_honest(two_nights):
    con, _, _, assets = two_nights
    latest = {**assets[1], **assets[2]}
    rows = {r[0]: (r[1], r[2], json.loads(r[3]), *r[4:]) for r in con.execute(
        "SELECT source_lot_id, total_claim, claim_as_of, raw, principal, interest, province, city FROM lots "
        "WHERE source = 'gwamc_notice' AND source_lot_id LIKE 'asset-%'").fetchall()}
    assert set(rows) == set(latest)
    for lot_id, (asset, want) in latest.items():
        total_claim, claim_as_of, raw, principal, interest, province, city = rows[lot_id]
        assert (total_claim, claim_as_of) == (want.fields["total_claim"], want.fields["claim_as_of"]), asset
        assert (principal, interest) == (want.fields["principal"], want.fields["interest"]), asset
        assert (province, city) == (want.fields["province"], None), asset
        if asset.money_total == "":  # (the real empty MoneyTotal: nothing kept)
            assert "MoneyTotal" not in raw, asset
            continue
        assert raw["MoneyTotal"]["raw"] == asset.money_total and raw["MoneyTotal"]["kind"] == asset.meaning
    kinds = {raw["MoneyTotal"]["kind"] for _, _, raw, *_ in rows.values() if "MoneyTotal" in raw}
    assert kinds == {"amount", "range", "shares", "unparseable", "split", "none"}
