"""The JD parser: dispatch by functionId, envelope and JSONP, next pages, required fields that raise naming source,
field and URL, the merged-cell grid of a debt table, and every package of a replica read back loan by loan."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from crawlers.parsers import jd_auction as jd
from crawlers.parsers import parse_page
from crawlers.parsers.base import ParseError
from normalizers.lot import to_lot
from replicas.jd import JdGenerator, JdSite
from replicas.jd.site import api_url as replica_api_url
from replicas.jd.site import search_url

AT = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
BASIC = jd.api_url("getProductBasicInfo", {"paimaiId": 290533380})
REALTIME = jd.api_url("getPaimaiRealTimeData", {"paimaiId": 290533380, "start": 0, "end": 9, "source": 0})
DESC = jd.api_url("queryProductDescription", {"paimaiId": 290533380, "source": 0})


def envelope(data, **extra) -> bytes:
    return json.dumps({"code": 0, "data": data, "message": "成功", "status": 0, **extra}, ensure_ascii=False).encode()


def basic(**fields) -> dict:
    return {"paimaiId": 290533380, "title": "广州市天河区体育西路1号1201房", "startPrice": 2959062.14, **fields}


# ------------------------------------------------------------------------------------------------- URLs and envelope


def test_bodies_are_percent_encoded_as_quote_does_and_decoded_as_unquote_plus_does():
    from urllib.parse import quote, unquote_plus

    body = {"keyword": "住宅 一拍/100%", "labelSet": "1027,1028", "page": 2, "x": "a\\b+c~"}
    encoded = jd.quote_json(body)
    assert encoded == quote(json.dumps(body, separators=(",", ":")), safe="")
    assert json.loads(jd._unquote(encoded)) == body
    for text in ("%E4%BD%8F+a%7B", "%zz%41", "a\\%41", "住宅%20x", ""):
        assert jd._unquote(text) == unquote_plus(text)


def test_urls_carry_the_function_and_the_body_as_url_encoded_json():
    assert jd.function_id(BASIC) == "getProductBasicInfo"
    assert jd.request_body(REALTIME) == {"paimaiId": 290533380, "start": 0, "end": 9, "source": 0}
    assert jd.function_id("https://paimai.jd.com/290533380") is None
    assert jd.api_url("getProductBasicInfo", {"paimaiId": 1}) == replica_api_url("getProductBasicInfo", {"paimaiId": 1})


def test_jsonp_and_plain_json_give_the_same_record():
    body = envelope(basic())
    wrapped = b"jsonp_1795140000000_12(" + body + b");"
    assert jd.parse_basic(wrapped, BASIC, AT) == jd.parse_basic(body, BASIC, AT)
    assert jd.parse_basic(b"  \n" + body, BASIC, AT) == jd.parse_basic(body, BASIC, AT)


@pytest.mark.parametrize(
    ("body", "url", "field"),
    [
        (b'{"code":-1,"data":null,"message":"\\u53c2\\u6570\\u9519\\u8bef","status":-1}', BASIC, "code"),
        (envelope(None), BASIC, "data"),
        (b"<html>not json</html>", BASIC, "data"),
        (envelope(basic(title="")), BASIC, "title"),
        (envelope(basic(paimaiId=None)), BASIC, "paimaiId"),
        (envelope(basic(startPrice=0)), BASIC, "startPrice"),
        (envelope(basic(paimaiId=111111111)), BASIC, "paimaiId"),  # the answer is for another lot
        (envelope(basic(paimaiId=90533380)), BASIC, "paimaiId"),  # … even one whose id ends the asked one
        (envelope({"paimaiId": 290533380, "bidCount": 0}), REALTIME, "auctionStatus"),
        (json.dumps({"code": 0, "totalItem": 3}).encode(), search_url(1, 40), "datas"),
        (json.dumps({"code": 0, "datas": [{"id": 1}], "totalItem": 1}).encode(), search_url(1, 40), "title"),
        (envelope("<table><tr><td>序号</td><td>债务人</td><td>本金余额</td></tr></table>"), DESC, "loans"),
    ],
)
def test_what_is_required_raises_naming_source_field_and_url(body, url, field):
    with pytest.raises(ParseError) as caught:
        parse_page("jd_auction", body, url, AT)
    assert (caught.value.source, caught.value.field, caught.value.url) == ("jd_auction", field, url)


def test_a_shell_page_or_an_unknown_function_raises():
    with pytest.raises(ParseError, match="JavaScript shell"):
        parse_page("jd_auction", b"<!DOCTYPE html><html><div id='app'></div></html>", "https://paimai.jd.com/1", AT)
    with pytest.raises(ParseError, match="queryNotice"):
        parse_page("jd_auction", envelope("<p>须知</p>"), jd.api_url("queryNotice", {"paimaiId": 1}), AT)


# ------------------------------------------------------------------------------------------------- list pages


def listing(total: int, n: int = 2) -> bytes:
    items = [{"id": 290533380 + i, "title": f"标的{i}", "auctionStatus": 1, "displayStatus": 1} for i in range(n)]
    return json.dumps({"code": 0, "datas": items, "totalItem": total, "pageSize": 2}).encode()


def test_the_next_page_is_the_same_request_with_page_plus_one():
    url = search_url(1, 2, childrenCateId="109", labelSet="1033") + "&jsonp=jsonp_1_2"
    page = jd.parse_list(listing(5), url, AT)
    assert (page.total_items, page.total_pages) == (5, 3)
    assert jd.request_body(page.next_url) == {**jd.request_body(url), "page": 2}
    assert jd.query(page.next_url) == {**jd.query(url), "body": jd.query(page.next_url)["body"]}
    assert urlsplit(page.next_url).netloc == "api.m.jd.com"
    third = jd.parse_list(listing(5, 1), jd.parse_list(listing(5), page.next_url, AT).next_url, AT)
    assert third.next_url is None  # 3 × 2 ≥ 5
    assert all(r["category"] == "109" for r in page.records)


def test_a_legacy_string_page_stays_a_string_and_an_empty_page_ends():
    url = jd.api_url("paimai_unifiedSearch", {"apiType": 2, "page": "1", "pageSize": 2, "childrenCateId": "12728"},
                     appid="paimai-search-soa")
    page = jd.parse_list(listing(9), url, AT)
    assert jd.request_body(page.next_url)["page"] == "2" and jd.query(page.next_url)["appid"] == "paimai-search-soa"
    assert jd.parse_list(listing(9, 0), url, AT).next_url is None


def test_list_values_zero_and_wu_mean_not_given_and_an_ended_lot_with_bids_was_sold():
    item = {"id": 1, "title": "x", "minPrice": "无", "assessmentPrice": 0.0, "assessmentPriceStr": "0",
            "marketPrice": 0, "ensurePrice": 100.0, "currentPrice": 280.0, "currentPriceStr": "280",
            "auctionStatus": 2, "displayStatus": 1, "bidCount": 3, "paimaiTimes": 0}
    record = jd.list_record(item, search_url(), AT, None)
    assert "reserve_price" not in record and "appraisal_price" not in record and "market_price" not in record
    assert "round" not in record and record["final_price"] == record["current_price"] == "280"
    withdrawn = jd.list_record({**item, "displayStatus": 5}, search_url(), AT, None)
    assert "final_price" not in withdrawn


# ------------------------------------------------------------------------------------------------- detail functions


def test_basic_info_alone_states_only_an_abnormal_status_and_reads_extend_info():
    assert "status" not in jd.parse_basic(envelope(basic(displayStatus=1)), BASIC, AT)
    record = jd.parse_basic(envelope(basic(
        displayStatus=6, minPrice="无", assessmentPrice=0.0, lat="", lng="113.1",
        extendInfoMap='{"borrowerName":"某公司","claimsPrincipal":"1,234.56万元"}')), BASIC, AT)
    assert record["status"] == {"displayStatus": 6} and record["reserve_price"] == 2959062.14
    assert "appraisal_price" not in record and "lng" not in record
    assert (record["debtor"], record["principal"]) == ("某公司", "1,234.56万元")
    assert to_lot(record).status == "suspended"


def test_municipalities_and_cities_without_districts_are_written_once():
    for parts, full in (
        (("上海", "上海市", "闵行区", "中山路1号"), "上海市闵行区中山路1号"),
        (("广东", "东莞市", "东莞市", "莞太路23号"), "广东东莞市莞太路23号"),
        (("广东", "广州市", "天河区", "广东广州市天河区体育西路1号"), "广东广州市天河区体育西路1号"),
    ):
        assert jd._place(*parts)[1] == full


def test_realtime_data_is_a_partial_record_of_the_lots_state():
    record = jd.parse_realtime(envelope({"paimaiId": 290533380, "auctionStatus": 2, "displayStatus": 1,
                                         "bidCount": 4, "currentPrice": 3100000.0, "currentPriceStr": "3,100,000",
                                         "accessEnsureNum": 3, "accessNum": 812, "endTime": 1795140300000}),
                               REALTIME, AT)
    assert record == {"status": {"auctionStatus": 2, "displayStatus": 1}, "current_price": "3,100,000",
                      "final_price": "3,100,000", "bid_count": 4, "applicant_count": 3, "view_count": 812,
                      "end_at": 1795140300000}


# ------------------------------------------------------------------------------------------------- the debt table


def grid(html: str) -> list[list[str]]:
    return jd.table_grid(lxml_html.fragment_fromstring(html, create_parent="div").find(".//table"))


def test_merged_cells_are_repeated_in_every_row_and_column_they_span():
    assert grid(
        "<table><tr><td rowspan='3'>A</td><td colspan='2'>B</td><td rowspan='2'>C</td></tr>"
        "<tr><td>d</td><td>e</td></tr>"
        "<tr><td>f</td><td colspan='2'>g</td></tr>"
        "<tr><td>h</td><td>i</td><td>j</td><td>k</td></tr></table>"
    ) == [["A", "B", "B", "C"], ["A", "d", "e", "C"], ["A", "f", "g", "g"], ["h", "i", "j", "k"]]
    # a rowspan on the last column is filled after the row's own cells
    assert grid("<table><tr><td>1</td><td rowspan='2'>Z</td></tr><tr><td>2</td></tr></table>") == [
        ["1", "Z"], ["2", "Z"]]


def desc(rows: str, before: str = "<p>单位：人民币元</p>") -> bytes:
    head = "<tr><th>序号</th><th>借款人</th><th>担保人</th><th>抵押物</th><th>本金（元）</th><th>利息</th><th>本息合计</th></tr>"
    return envelope(f"{before}<table>{head}{rows}</table>")


def test_header_words_vary_and_a_table_without_fees_still_maps():
    record = jd.parse_desc(desc("<tr><td>1</td><td>甲公司</td><td>无</td><td>-</td><td>100.00</td><td>5.00</td>"
                                "<td>105.00</td></tr>"), DESC, AT)
    assert record["loans"] == [{"seq": "1", "debtor": "甲公司", "principal": "100.00", "interest": "5.00",
                                "total": "105.00", "currency": "CNY"}]
    assert (record["principal"], record["total_claim"], record["debtor"]) == ("100.00", "105.00", "甲公司")


def test_ten_thousands_from_the_unit_line_and_a_foreign_total_is_not_the_lots():
    record = jd.parse_desc(desc(
        "<tr><td>1</td><td>甲</td><td></td><td></td><td>1.50</td><td>0.10</td><td>1.60</td></tr>"
        "<tr><td>2</td><td>乙</td><td></td><td></td><td>2.00美元</td><td>0.00美元</td><td>2.00美元</td></tr>"
        "<tr><td colspan='4'>合计（美元）</td><td>2.00</td><td>0.00</td><td>2.00</td></tr>"
        "<tr><td colspan='4'>合计</td><td>1.50</td><td>0.10</td><td>1.60</td></tr>",
        before="<p>截止2024年12月31日，单位：人民币万元</p>"), DESC, AT)
    assert [loan["currency"] for loan in record["loans"]] == ["CNY", "USD"]
    assert record["total_claim"] == "1.60" and record["units"]["total_claim"] == "wan"
    assert record["claim_as_of"] == "截止2024年12月31日"
    lot = to_lot({"source": "jd_auction", "source_lot_id": "1", "url": "https://paimai.jd.com/1", "fetched_at": AT,
                  "title": "债权", **record})
    assert lot.total_claim == Decimal("16000.00")
    # 单位：人民币万元 speaks of 人民币 amounts: a cell that names its own currency is read as written (2.00 USD)
    assert (lot.loans[1].principal, lot.loans[1].currency) == (Decimal("2.00"), "USD")


def test_a_description_without_a_debt_table_gives_nothing():
    assert jd.parse_desc(envelope("<p>标的物：住宅一套，本金无关。</p><table><tr><td>面积</td></tr></table>"), DESC, AT) == {}
    assert parse_page("jd_auction", envelope("<p>住宅</p>"), DESC, AT) == []


def test_every_package_of_a_replica_is_read_back_loan_by_loan():
    gen = JdGenerator(seed=3, n_lots=200)
    site = JdSite(gen)
    packages = [lot for lot in gen.lots_for(1) if lot.package]
    assert len(packages) > 20
    for lot in packages:
        url = replica_api_url("queryProductDescription", {"paimaiId": lot.paimai_id, "source": 0})
        parts = urlsplit(url)
        body = site.handle(parts.netloc, f"{parts.path}?{parts.query}").body
        record = {"source": "jd_auction", "source_lot_id": str(lot.paimai_id), "url": lot.url, "fetched_at": AT,
                  "title": lot.title, **jd.parse_desc(body, url, AT)}
        normalized = to_lot(record)
        truth = lot.package
        assert [(l.seq, l.debtor, l.principal, l.interest, l.fees, l.total, l.currency, l.claim_as_of)
                for l in normalized.loans] == [
            (t.seq, t.debtor, t.principal, t.interest, t.fees, t.total, t.currency, truth.as_of) for t in truth.loans]
        assert [sorted(l.guarantors) for l in normalized.loans] == [sorted(t.guarantors) for t in truth.loans]
        assert [l.collateral for l in normalized.loans] == [t.collateral or None for t in truth.loans]
        principal, interest, _, total = truth.stated()
        if truth.total_row or len(truth.cny()) == 1:
            assert (normalized.principal, normalized.interest, normalized.total_claim) == (principal, interest, total)
        assert normalized.claim_as_of == truth.as_of


# -------------------------------------------------------------------------------------------- real answers

REAL = __import__("pathlib").Path(__file__).parents[1] / "golden" / "real" / "jd_auction"


def _real(case: str) -> list[dict]:
    meta = json.loads((REAL / case / "case.json").read_text(encoding="utf-8"))
    return parse_page("jd_auction", (REAL / case / "input.json").read_bytes(), meta["url"],
                      datetime.fromisoformat(meta["fetched_at"]))


def test_a_real_lot_that_ended_without_a_bid_is_unsold_with_its_increment():
    """Lot 280492523 as JD answered (tests/golden/real/jd_auction): the basic record with the realtime answer
    laid over it, as the spider merges them. JD calls an ended sale without a bid 流拍 (its 竞拍须知)."""
    (basic,) = _real("basic_goods_no_appraisal")
    (realtime,) = _real("realtime_ended_no_bid")
    lot = to_lot({**basic, **realtime})
    assert (lot.status, lot.bid_count, lot.final_price) == ("unsold", 0, None)
    assert (lot.increment, lot.reserve_price, lot.deposit) == (
        Decimal("10.00"), Decimal("280.00"), Decimal("100.00"))
    assert lot.appraisal_price is None and lot.round is None  # 【居家装饰】 is a shop category, not a round
    assert lot.address == "广东广州市白云区"  # the street 其他 is JD's placeholder, not an address


def test_search_items_give_the_increment_without_the_detail_answer():
    item = {"id": 280492523, "title": "t", "auctionStatus": 1, "displayStatus": 1, "bidCount": 0,
            "currentPrice": 280.0, "currentPriceStr": "280", "priceLowerOffset": 10.0}
    url = jd.api_url("paimai_unifiedSearch", {"page": 1, "pageSize": 40, "childrenCateId": "121"})
    answer = json.dumps({"code": 0, "datas": [item], "totalItem": 1}).encode()
    (record,) = parse_page("jd_auction", answer, url, datetime(2021, 8, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert record["increment"] == 10.0 and to_lot(record).increment == Decimal("10.00")
