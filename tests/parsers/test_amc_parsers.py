"""The AMC notice parsers: the table reader's rules one by one, and every replica notice read back against the
generator's truth (whole pages are in tests/golden)."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from crawlers.parsers import amc, cinda_notice, citic_amc_notice, coamc_notice, gwamc_notice, parse_page
from crawlers.parsers.base import ParseError
from normalizers.lot import to_lot
from replicas.amc import AmcGenerator
from replicas.amc.generator import MONEY_FORMS
from replicas.amc.notices import body_html
from replicas.amc.sites import HIRING_SHELL, amc_sites, mojibake
from replicas.amc.truth import expected_asset, expected_notice

AT = datetime.fromisoformat("2026-11-20T02:00:00+08:00")
URL = "https://www.famc.citic/ywjs/ywdt/zcczxx/2026/96002.shtml"


def table(html: str):
    return amc.soup(f"<div>{html}</div>").css_first("table")


def claim(html: str, unit: str | None = None, as_of: str | None = None) -> amc.ClaimTable:
    result = amc.read_claim_table(table(html), unit, as_of)
    assert result is not None
    return result


def notice(html: str, title: str = "关于某公司等3户债权资产包的处置公告") -> dict:
    container = amc.soup(f"<div class='c'>{html}</div>").css_first("div.c")
    return amc.notice_fields(container, url=URL, fetched_at=AT, title=title, published="2026-11-01")


# ------------------------------------------------------------------ text helpers


def test_squash_and_nospace_treat_every_whitespace_character_as_the_regex_did():
    import re
    import sys

    regex = re.compile(r"[\s\u3000\xa0]+")
    spaces = "".join(ch for ch in map(chr, range(sys.maxunicode + 1)) if regex.fullmatch(ch))
    assert "\u3000" in spaces and "\xa0" in spaces and "\u2028" in spaces
    for text in (f"{spaces}本{spaces[::-1]}金 （元）{spaces}", "a\u3000\u3000b", "", None, "x"):
        assert amc.squash(text) == regex.sub(" ", text or "").strip()
        assert amc.nospace(text) == regex.sub("", text or "")
    for ch in map(chr, range(sys.maxunicode + 1)):  # no character the split takes for a space that the regex did not
        assert amc.nospace(f"a{ch}b") == regex.sub("", f"a{ch}b")


# ------------------------------------------------------------------ the grid


def test_rowspan_and_colspan_are_copied_into_every_cell_they_cover():
    grid = amc.table_grid(table(
        "<table><tr><td rowspan='2'>a</td><td colspan='2'>b</td></tr><tr><td>c</td><td>d</td></tr>"
        "<tr><td>e</td><td rowspan='0'>f</td><td>g</td></tr></table>"))
    assert [[c.text for c in row] for row in grid] == [["a", "b", "b"], ["a", "c", "d"], ["e", "f", "g"]]
    assert grid[0][0].origin == grid[1][0].origin and grid[0][1].origin == grid[0][2].origin
    assert grid[1][1].origin != grid[1][2].origin


def test_a_span_past_a_short_row_still_lands_in_its_column():
    grid = amc.table_grid(table("<table><tr><td>1</td><td>2</td><td rowspan='2'>3</td></tr><tr><td>4</td></tr>"
                                "</table>"))
    assert [c.text for c in grid[1]] == ["4", "", "3"]


def test_nested_tables_are_not_rows_of_the_outer_one():
    grid = amc.table_grid(table("<table><tr><td>x<table><tr><td>in</td></tr></table></td><td>y</td></tr></table>"))
    assert len(grid) == 1 and grid[0][1].text == "y"


# ------------------------------------------------------------------ headers, units, totals


@pytest.mark.parametrize(("label", "field"), [
    ("本 金", "principal"), ("本\u3000金（元）", "principal"), ("贷款本金余额", "principal"), ("债权本金", "principal"),
    ("利 息", "interest"), ("欠息", "interest"), ("利息余额（单位：万元）", "interest"), ("利息合计", "interest"),
    ("本息合计（元）", "total"), ("合 计", "total"), ("债权总额", "total"), ("债权余额", "total"),
    ("代垫费用（人民币元）", "fees"), ("序\xa0号", "seq"), ("序 号", "seq"), ("借款人名称", "debtor"),
    ("债务人", "debtor"), ("保证人/担保人", "guarantors"), ("抵（质）押物", "collateral"), ("币种", "currency"),
    ("基准日", "claim_as_of"), ("地区", None), ("备注", None), ("担保方式", None),
])
def test_header_labels_are_matched_whatever_their_spacing_and_units(label, field):
    assert amc.header_field(label) == field


@pytest.mark.parametrize(("text", "line", "unit"), [
    ("本金（元）", False, "yuan"), ("本金(万元)", False, "wan"), ("本金余额（单位：万元）", False, "wan"),
    ("利息（人民币元）", False, "yuan"), ("本金", False, None), ("单位：万元", True, "wan"),
    ("金额单位：人民币元", True, "yuan"), ("（以下金额单位均为人民币万元）", True, "wan"),
    ("资产总额（单位：万元）：人民币：1234.5", True, None),  # a labelled amount, not a unit declaration
    ("截至2026年6月30日，本金合计人民币12万元", True, None),
])
def test_units_come_from_headers_or_from_lines_that_only_declare_them(text, line, unit):
    assert amc.unit_of(text, line=line) == unit


TWO_LEVEL = (
    "<p>单位：万元</p><table>"
    "<tr><td rowspan='2'>序 号</td><td rowspan='2'>借款人</td><td rowspan='2'>担保人</td><td rowspan='2'>抵押物</td>"
    "<td colspan='3'>债权金额</td></tr><tr><td>本 金</td><td>利 息</td><td>合 计</td></tr>"
    "<tr><td>1</td><td rowspan='3'>甲公司</td><td>张三<br>李四</td><td>房产A</td>"
    "<td>100.00</td><td>10.00</td><td>110.00</td></tr>"
    "<tr><td rowspan='2'>2</td><td rowspan='2'>无</td><td>房产B</td><td rowspan='2'>200.00</td>"
    "<td rowspan='2'>20.00</td><td rowspan='2'>220.00</td></tr>"
    "<tr><td>土地C</td></tr>"
    "<tr><td colspan='4'>合 计</td><td>300.00</td><td>30.00</td><td>330.01</td></tr></table>"
)


def test_a_two_level_table_gives_one_loan_per_loan_not_per_line():
    result = claim(TWO_LEVEL, as_of="2026年6月30日")
    assert [loan.fields for loan in result.loans] == [
        {"seq": 1, "debtor": "甲公司", "guarantors": "张三、李四", "collateral": "房产A", "principal": "100.00",
         "interest": "10.00", "total": "110.00", "currency": "CNY", "claim_as_of": "2026年6月30日"},
        {"seq": 2, "debtor": "甲公司", "collateral": "房产B；土地C", "principal": "200.00", "interest": "20.00",
         "total": "220.00", "currency": "CNY", "claim_as_of": "2026年6月30日"},
    ]
    assert all(loan.units == {"principal": "wan", "interest": "wan", "total": "wan"} for loan in result.loans)
    (total,) = result.totals
    assert total.kind == "合计" and total.values["total"] == Decimal("3300100.00")
    (check,) = amc._checks(result)
    assert check["fields"]["total"] == {"stated": "3300100.00", "sum": "3300000.00", "difference": "100.00",
                                        "missing": 0}
    assert check["fields"]["principal"]["difference"] == "0.00"


def test_subtotals_cover_the_loans_since_the_previous_total_and_currency_rows_their_own():
    result = claim(
        "<table><tr><td>序号</td><td>债务人名称</td><td>币种</td><td>本金（元）</td></tr>"
        "<tr><td>1</td><td>甲</td><td>人民币</td><td>100</td></tr><tr><td>2</td><td>乙</td><td>美元</td><td>50</td></tr>"
        "<tr><td colspan='2'>小计</td><td>人民币</td><td>100</td></tr>"
        "<tr><td>3</td><td>丙</td><td>港元</td><td>7</td></tr><tr><td>4</td><td>丁</td><td>人民币</td><td>5</td></tr>"
        "<tr><td colspan='2'>小计</td><td>人民币</td><td>6</td></tr>"
        "<tr><td colspan='2'>美元合计</td><td></td><td>50</td></tr><tr><td colspan='2'>人民币合计</td><td></td>"
        "<td>105</td></tr></table>")
    assert [loan.currency for loan in result.loans] == ["CNY", "USD", "HKD", "CNY"]
    checks = [(c["row"], c["currency"], c["loans"], c["fields"]["principal"]["difference"]) for c in amc._checks(result)]
    assert checks == [("小计", "CNY", 1, "0.00"), ("小计", "CNY", 1, "1.00"), ("美元合计", "USD", 1, "0.00"),
                      ("人民币合计", "CNY", 2, "0.00")]


def test_odd_rows_are_kept_notes_and_continuations_are_not_loans():
    result = claim(
        "<table><tr><td>序号</td><td>债务人名称</td><td>抵押物</td><td>本金（元）</td><td>利息（元）</td></tr>"
        "<tr><td>1</td><td>甲</td><td>房产A</td><td>1,000.00</td><td>详见附件</td></tr>"
        "<tr><td></td><td></td><td>房产B</td><td></td><td></td></tr>"
        "<tr><td>2</td><td></td><td>无</td><td>2,000.00</td><td>-</td></tr>"
        "<tr><td>3-1</td><td>乙</td><td></td><td>约100万元</td><td>5.00</td></tr>"
        "<tr><td colspan='5'>注：以上金额仅供参考。</td></tr>"
        "<tr><td colspan='3'>合计</td><td>3,000.00</td><td>9.00</td></tr></table>")
    assert [loan.fields.get("debtor") for loan in result.loans] == ["甲", None, "乙"]  # every row kept
    assert result.loans[0].fields["collateral"] == "房产A；房产B"
    assert "interest" not in result.loans[0].fields and "seq" not in result.loans[2].fields
    assert result.notes == ["注：以上金额仅供参考。"]
    assert [(n["field"], n["text"]) for n in result.loan_notes] == [("interest", "详见附件"), ("seq", "3-1"),
                                                                    ("principal", "约100万元")]
    (check,) = amc._checks(result)
    assert check["fields"]["interest"] == {"stated": "9.00", "sum": "5.00", "difference": "4.00", "missing": 2}


def test_a_table_without_any_unit_keeps_its_amounts_as_text():
    result = claim("<table><tr><td>序号</td><td>债务人</td><td>本金</td></tr><tr><td>1</td><td>甲</td>"
                   "<td>1,234.56</td></tr><tr><td>合计</td><td></td><td>1,234.56</td></tr></table>")
    assert "principal" not in result.loans[0].fields
    assert result.unitless == [{"row": "1", "seq": "1", "principal": "1,234.56"}]
    assert amc._checks(result) == []


def test_a_table_without_a_debtor_column_is_not_a_claim_table():
    assert amc.read_claim_table(table("<table><tr><td>户数</td><td>本金</td></tr><tr><td>3</td><td>1</td></tr>"
                                      "</table>"), "yuan", None) is None


# ------------------------------------------------------------------ prose, dates, status


def test_package_totals_come_from_the_prose_then_the_cny_total_row():
    fields = notice("<p>截至2026年6月30日，资产包债权本金合计人民币300.00万元，利息合计人民币30.00万元，"
                    "本息合计人民币330.00万元。</p>" + TWO_LEVEL)
    assert (fields["principal"], fields["interest"], fields["total_claim"]) == (
        "人民币300.00万元", "人民币30.00万元", "人民币330.00万元")
    assert fields["claim_as_of"] == "2026年6月30日" and len(fields["loans"]) == 2
    assert [c["row"] for c in fields["raw"]["loan_checks"]] == ["合 计", "公告正文"]
    fields = notice(TWO_LEVEL)
    assert fields["principal"] == "300.00" and fields["units"] == {"principal": "wan", "interest": "wan",
                                                                   "total_claim": "wan"}
    lot = to_lot({"source": "citic_amc_notice", "source_lot_id": "1", "url": URL, "fetched_at": AT,
                  "title": "t", **fields})
    assert lot.total_claim == Decimal("3300100.00") and len(lot.loans) == 2


def test_a_mixed_currency_table_gives_no_yuan_package_total():
    fields = notice("<p>金额单位：元</p><table><tr><td>序号</td><td>债务人名称</td><td>币种</td><td>本金</td></tr>"
                    "<tr><td>1</td><td>甲</td><td>美元</td><td>10</td></tr><tr><td>2</td><td>乙</td><td>人民币</td>"
                    "<td>20</td></tr><tr><td colspan='2'>人民币合计</td><td>人民币</td><td>20</td></tr></table>")
    assert "principal" not in fields and [x["currency"] for x in fields["loans"]] == ["USD", "CNY"]


@pytest.mark.parametrize(("text", "expected"), [
    ("公告期为2026年11月1日至2026年11月30日。", {"kind": "range", "start": "2026年11月1日", "end": "2026年11月30日24时"}),
    ("三、公告期限\n本次竞价将于2026年12月2日10时至2026年12月3日10时在阿里资产进行",
     {"kind": "auction", "start": "2026年12月2日10时", "end": "2026年12月3日10时"}),
    ("竞价时间：2026年12月2日10时至12月3日10时", {"kind": "auction", "start": "2026年12月2日10时", "end": "2026年12月3日10时"}),
    ("有意者请于2026年12月5日前与我公司联系", {"kind": "deadline", "end": "2026年12月5日24时"}),
    ("本公告有效期为自公告发布之日起20个工作日。", {}),
    ("截至2026年6月30日，本金合计人民币1万元。\n2026年11月18日", {}),
])
def test_the_period_is_what_the_notice_states(text, expected):
    found = amc.period(text)
    assert {k: v for k, v in found.items() if k != "text"} == expected


def test_status_follows_the_stated_dates_at_the_fetch_time_and_is_never_guessed():
    auction = {"kind": "auction", "start": "2026年11月20日10时", "end": "2026年11月21日10时"}
    assert amc.status_label(auction, AT) == "未开始"
    assert amc.status_label(auction, datetime.fromisoformat("2026-11-21T02:00:00+08:00")) == "进行中"
    assert amc.status_label({"kind": "range", "start": "2026年11月1日", "end": "2026年11月20日24时"},
                            datetime.fromisoformat("2026-11-21T02:00:00+08:00")) == "已结束"
    assert amc.status_label({}, AT) is None


def test_households_attachments_and_branch():
    assert amc.households("关于某公司等82户债权资产包的公告") == 82
    links = amc.attachments(amc.soup(
        "<div><a href='/f/清单.XLSX'>债权清单</a><a href='/attach/download?id=1'>附件：须知</a>"
        "<a href='/x/2.shtml'>上一篇</a><a href='/f/清单.XLSX'>again</a></div>").css_first("div"), URL)
    assert links == [{"name": "债权清单", "url": "https://www.famc.citic/f/清单.XLSX"},
                     {"name": "附件：须知", "url": "https://www.famc.citic/attach/download?id=1"}]
    assert amc.branch_of("中国长城资产管理股份有限公司广东省分公司关于…") == "中国长城资产管理股份有限公司广东省分公司"
    assert amc.branch_of("…", "中国东方资产管理股份有限公司 \n") == "中国东方资产管理股份有限公司"


def test_single_claim_labels():
    fields = notice("<p>债务人：甲有限公司</p><p>保证人：张三、乙公司</p><p>抵押物：房产A；土地B</p>"
                    "<p>截至2026年6月30日，债权本金人民币1,000.00元，利息人民币10.00元。</p>")
    assert fields["debtor"] == "甲有限公司" and fields["guarantors"] == "张三、乙公司"
    assert fields["collateral"] == [{"description": "房产A"}, {"description": "土地B"}]
    assert "loans" not in fields and fields["principal"] == "人民币1,000.00元"


# ------------------------------------------------------------------ decoding


def test_double_encoded_text_is_repaired_and_real_latin1_is_left_alone():
    assert amc.repair_mojibake(mojibake("中国东方资产管理股份有限公司") + " 2026") == "中国东方资产管理股份有限公司 2026"
    assert amc.repair_mojibake("café\xa0 Ã") == "café\xa0 Ã"
    body = ("<html><meta charset='iso-8859-1'><div class='notice-detail'>" + mojibake("分公司，公告")
            + "</div></html>").encode()
    assert "分公司，公告" in amc.decode(body)
    assert amc.decode("<p>中文</p>".encode("gbk")) == "<p>中文</p>"


# ------------------------------------------------------------------ Great Wall


def test_the_unrendered_shell_is_refused_naming_the_browser():
    body = HIRING_SHELL.replace("{id}", "1").encode()
    with pytest.raises(ParseError, match="browser"):
        gwamc_notice.parse_detail(body, "https://www.gwamcc.com/HiringDetail.aspx?ID=1", AT)


@pytest.mark.parametrize(("text", "kind", "total_claim"), [
    ("7,816,582.53元（截止2018年5月21日）", "amount", Decimal("7816582.53")), ("59633.95万元", "amount", Decimal(596339500)),
    ("515,296,623.88", "amount", Decimal("515296623.88")), ("100-300万元", "range", None), ("500万元以下", "range", None),
    ("1亿以上", "range", None), ("9731万股（…）", "shares", None), ("债权总额：1,234.56万元", "amount", Decimal(12345600)),
    ("1184", "amount", Decimal(11840000)), ("82,337.29", "unparseable", None), ("债权总额：1234", "unparseable", None),
])
def test_money_total_is_a_value_a_range_shares_or_explicitly_unparseable(text, kind, total_claim):
    row = {"ID": 1, "ProName": "某公司债权", "ProTypeName": "债权资产", "MoneyTotal": text, "ADate": "2026-10-01"}
    record = gwamc_notice.asset_record(row, "https://www.gwamcc.com/Ajax/GetTjieInfo.ashx", AT)
    assert record["raw"]["MoneyTotal"]["kind"] == kind and record["raw"]["MoneyTotal"]["raw"] == text
    lot = to_lot(record)
    assert lot.total_claim == total_claim
    if kind == "amount":
        assert record["total_claim"] == text
    bare = text.replace(",", "").replace(".", "").isdigit()  # a bare number: its unit said to be inferred, or refused
    assert lot.raw.get("units_inferred") == ({"total_claim": "yuan" if total_claim == Decimal(text.replace(",", ""))
                                              else "wan"} if bare and kind == "amount" else None)
    assert record["raw"]["MoneyTotal"].get("unit_inferred") == (lot.raw.get("units_inferred") or {}).get("total_claim")


# ------------------------------------------------------------------ every replica notice against the truth


def rendered(notice) -> bytes:  # the shell as the browser leaves it once the script has run
    page = HIRING_SHELL.replace("{id}", notice.notice_id)
    page = page.replace('<h3 id="lblTitle" class="article_title"></h3>',
                        f'<h3 id="lblTitle" class="article_title">{notice.title}</h3>')
    page = page.replace('<div id="lblDate" class="article_info"></div>',
                        f'<div id="lblDate" class="article_info">发布时间：{notice.published:%Y-%m-%d}</div>')
    return page.replace('<div id="divContent" class="article_content"></div>',
                        f'<div id="divContent" class="article_content">{body_html(notice)}</div>').encode()


MODULES = {"gwamc": gwamc_notice, "citic": citic_amc_notice, "cinda": cinda_notice, "coamc": coamc_notice}


@pytest.mark.parametrize("seed", [7, 5])
@pytest.mark.parametrize("night", [1, 2])
def test_every_replica_notice_is_read_as_the_generator_made_it(seed, night):
    generator = AmcGenerator(seed=seed)
    sites = dict(zip(MODULES, amc_sites(generator)))
    at = generator.night_time(night)
    problems = []
    for name, site in sites.items():
        site.set_night(night)
        for n in generator.notices(name, night):
            want = expected_notice(n, at)
            if name == "gwamc":
                body = rendered(n)
            else:
                host, _, path = want.url.split("://", 1)[1].partition("/")
                body = site.handle(host, "/" + path).body
            (record,) = parse_page(want.source, body, want.url, at)
            lot = to_lot(record)
            where = f"{name}/{n.notice_id} ({n.kind}, table {n.style}, unit {n.unit})"
            problems += [f"{where}: {k} = {getattr(lot, k)!r}, expected {v!r}" for k, v in want.fields.items()
                         if getattr(lot, k) != v]
            if (lot.source_lot_id, lot.url) != (want.source_lot_id, want.url):
                problems.append(f"{where}: identity {lot.source_lot_id} {lot.url}")
            got = [(x.seq, x.debtor, x.principal, x.interest, x.fees, x.total, x.currency, x.claim_as_of)
                   for x in lot.loans]
            exp = [(x.seq, x.debtor, x.principal, x.interest, x.fees, x.total, x.currency, x.claim_as_of)
                   for x in want.loans]
            if got != exp:
                problems.append(f"{where}: loans {got} != {exp}")
            if lot.raw.get("households") != want.households:
                problems.append(f"{where}: households {lot.raw.get('households')} != {want.households}")
            if [(a["name"], a["url"]) for a in lot.raw.get("attachments", [])] != want.attachments:
                problems.append(f"{where}: attachments {lot.raw.get('attachments')}")
            checks = {c["currency"]: c for c in lot.raw.get("loan_checks", []) if c["kind"] == "合计"}
            for currency, totals in want.totals.items():
                for field, value in totals.items():
                    if Decimal(checks[currency]["fields"][field]["stated"]) != value:
                        problems.append(f"{where}: 合计 {currency} {field}")
    assert not problems, "\n".join(problems[:20])


def test_every_replica_asset_row_is_read_as_the_generator_made_it():
    generator = AmcGenerator(seed=7)
    site = amc_sites(generator)[0]
    site.set_night(2)
    lots = {}
    for page in (0, 1):
        path = f"/Ajax/GetTjieInfo.ashx?pSize=100&pIndex={page}"
        for record in gwamc_notice.parse_list(site.handle("www.gwamcc.com", path).body,
                                              "https://www.gwamcc.com" + path, AT).records:
            lots[record["source_lot_id"]] = (record, to_lot(record))
    assets = generator.assets(2)
    assert len(lots) == len(assets) and {a.meaning for a in assets} == {"amount", "range", "shares", "unparseable",
                                                                         "split", "none"}
    assert {a.form for a in assets} == set(MONEY_FORMS)
    for asset in assets:
        want = expected_asset(asset)
        record, lot = lots[want.source_lot_id]
        assert {k: getattr(lot, k) for k in want.fields} == want.fields, asset.money_total
        if asset.type_name == "物权资产" and "户债权资产" in asset.name:  # type and title disagree: typed by the
            assert (lot.asset_type, lot.total_claim) == ("debt", None)  # title, the amount kept raw
        if asset.money_total == "":  # nothing stated: nothing kept
            assert "MoneyTotal" not in record["raw"]
            continue
        money = record["raw"]["MoneyTotal"]
        assert (money["kind"], money["raw"]) == (asset.meaning, asset.money_total)
        if asset.form == "foreign":  # kept whole, in its currency, out of the CNY money fields
            assert (money["currency"], Decimal(str(money["value"])), money["as_of"]) == (
                "USD", asset.value, asset.as_of.isoformat())
        if asset.form == "book_value":
            assert Decimal(record["raw"]["book_value"]) == asset.value
        if asset.meaning == "range":
            money = record["raw"]["MoneyTotal"]
            assert (Decimal(str(money.get("low"))) if "low" in money else None, Decimal(str(money.get("high")))
                    if "high" in money else None) == (asset.low, asset.high)
    assert date(2018, 1, 1) < min(a.as_of for a in assets if a.as_of)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 东方 江西省分公司, printed in 江西日报 2023-05-22 (tests/golden/real/amount_strings_jdamc.jsonl)
        ("原公告内所披露的基准日2023年3月20日债权本金200,000,000元、利息0元为债务人符合豁免条件下的金额",
         {"principal": "200,000,000元", "interest": "0元"}),
        # 东方's template as a crawler quotes it (idx:62662865461): the figure in 【】
        ("未偿利息人民币【10,924.22】万元", {"interest": "人民币10,924.22万元"}),
        # a real 长城 amount string (the issue report), then two made-up sentences in the forms it names
        # (债权合计…万元（截止…）, …万元本金及相应利息)
        ("债权总额10748.33万元", {"total_claim": "10748.33万元"}),
        ("债权合计7,816,582.53元（截止2018年5月21日）", {"total_claim": "7,816,582.53元"}),
        ("对其享有的1,200万元本金及相应利息的债权", {"principal": "1,200万元"}),
        # the summary sentence of a real package notice (REPLICA_NOTES.md, cases 519/520): 总金额 with the fees
        ("包含债权4户，总金额为9500.20万元，其中本金3754.02万元，利息5393.29万元",
         {"total_claim": "9500.20万元", "principal": "3754.02万元", "interest": "5393.29万元"}),
        ("评估总金额为100万元", {}),  # an appraisal, not the claim
    ],
)
def test_prose_totals_read_the_labels_real_notices_use(sentence, expected):
    from crawlers.parsers.amc import prose_totals

    assert prose_totals(sentence) == expected


def test_prose_principal_shortcut_finds_what_the_whole_pattern_finds():
    """Without 本金及 in the text the principal is looked for by its labelled form alone: the same match as the whole
    pattern's on every replica notice's text and on sentences with both forms."""
    texts = ["对其享有的1,200万元本金及相应利息的债权，其中本金余额为800万元", "本金余额为800万元，另1,200万元本金及利息",
             "本金合计人民币：3,000.5万元", "本金 及利息"]
    generator = AmcGenerator(seed=3, n_notices=40)
    for amc_name in ("gwamc", "citic", "cinda", "coamc"):
        for item in generator.notices(amc_name, 1):
            texts.append("\n".join(amc.lines(amc.soup(f"<div>{body_html(item)}</div>").css_first("div"))))
    whole = amc._PROSE_TOTALS["principal"]
    found = 0
    for text in texts:
        match = whole.search(text)
        expected = amc.squash(next(g for g in match.groups() if g)).replace("【", "").replace("】", "") if match else None
        assert amc.prose_totals(text).get("principal") == expected, text
        found += match is not None
    assert found >= 4


def test_citic_list_skips_a_section_link_to_a_notice_and_keeps_its_titled_link():
    """The live list has anchors named 资产处置公告 pointing at notice pages (a crawler of it skips them,
    idx:62556868574): the notice keeps its own link's title; a notice with no titled link still fails."""
    page = ('<html><body><a href="/ywjs/ywdt/zcczxx/2026/96142.shtml">资产处置公告</a><ul>'
            '<li><a href="/ywjs/ywdt/zcczxx/2026/96142.shtml" title="中国中信金融资产管理股份有限公司广东省分公司'
            '资产处置公告">中国中信金融资产管理股份有限公司广东省分公司资产处置公告</a><span>2026-09-02</span></li>'
            "</ul></body></html>")
    url = "https://www.famc.citic/ywjs/ywdt/zcczxx/index.shtml"
    (record,) = parse_page("citic_amc_notice", page.encode(), url, datetime(2026, 9, 3))
    assert (record["source_lot_id"], record["title"], record["start_at"]) == (
        "96142", "中国中信金融资产管理股份有限公司广东省分公司资产处置公告", "2026-09-02")
    with pytest.raises(ParseError):
        parse_page("citic_amc_notice", b'<a href="/ywjs/ywdt/zcczxx/2026/1.shtml"><img src="x.png"></a>', url,
                   datetime(2026, 9, 3))


# Rows of Great Wall's real asset list, as a public dump of it holds them (tests/golden/real/gwamc_notice/ORIGIN.md):
# PName is the site's province number, CityName the province's short name.
REAL_GW_ROWS = [
    {"ADate": "2018-08-03", "City": 48, "CityName": "天津", "ID": 15535, "MoneyTotal": "7,816,582.53元（截止2018年5月21日）",
     "PName": 2, "ProName": "中国长城资产管理股份有限公司天津市分公司对天津市卓信鸿宇科技发展有限公司债权资产的营销公告",
     "ProType": 2, "ProTypeName": "债权资产", "Trade": 16, "TradeName": "科学研究、技术服务和地质勘查业", "r_n": 1},
    {"ADate": "2018-08-03", "City": 384, "CityName": "四川", "ID": 15536, "MoneyTotal": "抵债资产账面值：702,000.00元",
     "PName": 23, "ProName": "中国长城资产管理股份有限公司四川省分公司关于对四川宜宾昌明机械有限公司法院裁定抵债资产的网络营销公告",
     "ProType": 2, "ProTypeName": "债权资产", "Trade": 3, "TradeName": "制造业\r\n", "r_n": 2},
    {"ADate": "2017-12-21", "City": 96, "CityName": "辽宁", "ID": 14489,
     "MoneyTotal": "债权本金421.79万元，债权利息21.20万元，基准日2017-09-30", "PName": 6,
     "ProName": "中国长城资产管理股份有限公司大连市分公司对大连广源果业有限公司债权的营销公告", "ProType": 2,
     "ProTypeName": "债权资产", "Trade": 23, "TradeName": "无", "r_n": 1001},
    {"ADate": "2018-06-25", "City": 117, "CityName": "吉林", "ID": 15329, "MoneyTotal": "4858374.33", "PName": 7,
     "ProName": "中国长城资产管理股份有限公司吉林省分公司对延边粤港实业有限公司债权资产网络营销公告", "ProType": 2,
     "ProTypeName": "债权资产", "Trade": 5, "TradeName": "其他", "r_n": 202},
    {"ADate": "2007-08-09", "City": "", "CityName": "", "ID": 674, "MoneyTotal": "500万元以下", "PName": "",
     "ProName": "", "ProType": -1, "ProTypeName": "", "Trade": "", "TradeName": "", "r_n": 14263},
]


def test_real_great_wall_rows_read_province_from_city_name_and_money_parts():
    """The old reading took PName (a number) for the province and CityName (the province) for the city, dropped
    breakdowns and took a book value for the claim, and lost the whole page to a row without a title."""
    body = json.dumps({"pager": [{"pCount": 154}], "ds": REAL_GW_ROWS}, ensure_ascii=False).encode()
    url = "https://www.gwamcc.com/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=0"
    page = gwamc_notice.parse_list(body, url, AT)
    assert page.extra == {"skipped": [{"ID": 674, "why": "no ProName"}]}
    tianjin, sichuan, liaoning, jilin = (to_lot(r) for r in page.records)
    assert (tianjin.province, tianjin.province_code, tianjin.city) == ("天津市", "120000", None)
    assert (tianjin.raw["PName"], tianjin.raw["City"]) == (2, 48)
    assert (tianjin.total_claim, tianjin.claim_as_of) == (Decimal("7816582.53"), date(2018, 5, 21))
    assert (sichuan.province, sichuan.total_claim, sichuan.raw["book_value"]) == ("四川省", None, "702000.00")
    assert sichuan.raw["TradeName"] == "制造业\r\n"
    assert (liaoning.principal, liaoning.interest, liaoning.total_claim, liaoning.claim_as_of) == (
        Decimal("4217900.00"), Decimal("212000.00"), None, date(2017, 9, 30))
    # 吉林 is the province (PName 7), not 吉林市; a bare number for one company is yuan (as 万元 486亿, no one
    # debtor's claim), for a package of debtors it could be either and is not read
    assert (jilin.province, jilin.city, jilin.city_code) == ("吉林省", None, None)
    assert (jilin.total_claim, jilin.raw["units_inferred"]) == (Decimal("4858374.33"), {"total_claim": "yuan"})
    package = dict(REAL_GW_ROWS[3], ProName=REAL_GW_ROWS[3]["ProName"].replace("有限公司债权", "有限公司等3户债权"))
    body = json.dumps({"pager": [{"pCount": 154}], "ds": [package]}, ensure_ascii=False).encode()
    (record,) = gwamc_notice.parse_list(body, url, AT).records
    assert to_lot(record).total_claim is None and record["raw"]["MoneyTotal"]["error"].startswith("no unit: ")
    # pages count from 0 (the dump fetched pIndex 0 … 153 of pCount 154): page 0 leads to 1, page 153 is the last
    assert page.next_url is None  # a short page
    full = json.dumps({"pager": [{"pCount": 154}], "ds": REAL_GW_ROWS[:1] * 100}, ensure_ascii=False).encode()
    assert "pIndex=1" in gwamc_notice.parse_list(full, url, AT).next_url
    assert gwamc_notice.parse_list(full, url.replace("pIndex=0", "pIndex=153"), AT).next_url is None


def test_real_great_wall_appraisal_text_is_the_appraisal_price_not_a_claim():
    """ID 14380 of the dump (2017-11-page11): a 物权 asset whose MoneyTotal is its appraisal; it was kept in raw only.
    The same words on a 债权 row are still an appraisal, never a claim."""
    row = {"ADate": "2017-11-01", "City": 190, "CityName": "湖南", "ID": 14380, "MoneyTotal": "资产评估价值为30409.52万元",
           "PName": 18, "ProName": "中国长城资产管理股份有限公司湖南省分公司关于浏阳市开心商业广场物权资产的网络营销公告",
           "ProType": 3, "ProTypeName": "物权资产", "Trade": 20, "TradeName": "房地产业", "r_n": 1111}
    debt_row = dict(row, ID=1, ProTypeName="债权资产", ProType=2)
    body = json.dumps({"pager": [{"pCount": 154}], "ds": [row, debt_row]}, ensure_ascii=False).encode()
    page = gwamc_notice.parse_list(body, "https://www.gwamcc.com/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=11", AT)
    for lot in (to_lot(r) for r in page.records):
        assert (lot.appraisal_price, lot.total_claim, lot.principal) == (Decimal("304095200.00"), None, None)


def test_real_great_wall_row_with_a_city_name_in_city_reads_it_within_its_province():
    """Five real rows give ``City`` as a name, not the site's number: 锡林浩特 in 内蒙古 (ID 11711, 2012-05-22)."""
    row = {"ADate": "2012-05-22", "City": "锡林浩特", "CityName": "内蒙古", "ID": 11711, "MoneyTotal": "500-1000万元",
           "PName": 5, "ProName": "中国长城资产管理公司呼和浩特办事处对东乌旗清真肉联厂、东乌旗热力公司、东乌旗乳制品厂"
           "债权资产委托代理处置选聘公告", "ProType": 2, "ProTypeName": "债权资产", "Trade": 5, "TradeName": "其他",
           "r_n": 3391}
    lot = to_lot(gwamc_notice.asset_record(row, "https://www.gwamcc.com/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=33", AT))
    assert (lot.province, lot.city, lot.district, lot.district_code) == ("内蒙古自治区", "锡林郭勒盟", "锡林浩特市",
                                                                         "152502")
    assert lot.total_claim is None and lot.raw["MoneyTotal"]["kind"] == "range"


def test_real_great_wall_listed_company_type_is_property_typed_by_the_title():
    """ProType 5 上市公司 is the site's property type of 2007–2013 (ID 3286 of the dump, 2008-11-page120: a Mercedes;
    ID 8281, 2010-11-page70: foreclosed flats), not listed shares: the title types the lot, as for 物权资产."""
    url = "https://www.gwamcc.com/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=120"
    car = {"ADate": "2008-10-21", "City": 33, "CityName": "北京", "ID": 3286, "MoneyTotal": "50万元-100万元", "PName": 1,
           "ProName": "中国长城资产管理公司北京办事处对S280奔驰车的营销公告", "ProType": 5, "ProTypeName": "上市公司",
           "Trade": 5, "TradeName": "其他", "r_n": 12039}
    flats = {"ADate": "2010-11-05", "City": 22, "CityName": "重庆", "ID": 8281, "MoneyTotal": "300-500万元", "PName": 22,
             "ProName": "重庆办事处对重庆涪陵瑞丰实业有限公司抵债房产的营销公告", "ProType": 5, "ProTypeName": "上市公司",
             "Trade": 5, "TradeName": "其他", "r_n": 7035}
    shares = dict(car, ID=1, ProName="某股份有限公司股权转让公告", ProType=3, ProTypeName="股权资产")  # made up
    lots = [to_lot(gwamc_notice.asset_record(row, url, AT)) for row in (car, flats, shares)]
    assert [lot.asset_type for lot in lots] == ["vehicle", "real_estate", "equity"]
