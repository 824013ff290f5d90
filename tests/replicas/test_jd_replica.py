"""The JD replica: the api.m.jd.com envelope and JSONP wrapper, the five API functions, search paging and filters,
debt tables with merged cells, nights and their changes, determinism, shell pages, 404s and a ground truth that
never leaks into what is served; over real HTTP through `ReplicaServer`'s virtual hosts."""

from __future__ import annotations

import json
import re
import urllib.request
from collections import Counter
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from replicas.jd import JdGenerator, JdSite, search_url
from replicas.jd.generator import TZ
from replicas.jd.site import api_url, price_str
from replicas.server import ReplicaServer


@pytest.fixture(scope="module")
def gen() -> JdGenerator:
    return JdGenerator(seed=11, n_lots=220)


@pytest.fixture(scope="module")
def site(gen) -> JdSite:
    return JdSite(gen)


def call(site: JdSite, url: str) -> tuple[int, str, bytes]:
    parts = urlsplit(url)
    response = site.handle(parts.netloc, parts.path + (f"?{parts.query}" if parts.query else ""))
    return response.status, response.content_type, response.body


def api(site: JdSite, function: str, body: dict, **kwargs) -> dict:
    status, content_type, raw = call(site, api_url(function, body, **kwargs))
    assert status == 200 and content_type.startswith("application/json")
    return json.loads(raw)


def search(site: JdSite, page: int = 1, size: int = 40, **filters) -> dict:
    status, _, raw = call(site, search_url(page, size, **filters))
    assert status == 200
    return json.loads(raw)


# ------------------------------------------------------------------------------------------------- generator


def test_night_one_shows_exactly_n_lots_and_the_generator_is_deterministic(gen):
    assert len(gen.lots_for(1)) == 220
    again = JdGenerator(seed=11, n_lots=220)
    assert again.lots_for(1) == gen.lots_for(1) and again.lots_for(2) == gen.lots_for(2)
    assert JdGenerator(seed=12, n_lots=220).lots_for(1) != gen.lots_for(1)
    assert all(re.fullmatch(r"\d{9}", str(lot.paimai_id)) for lot in gen.lots_for(1))


def test_the_lots_cover_what_the_parsers_must_meet(gen):
    lots = gen.lots_for(1)
    codes = Counter((lot.auction_status, lot.display_status) for lot in lots)
    assert {(0, 1), (1, 1), (2, 1)} <= set(codes)
    assert {5, 6, 7} <= {lot.display_status for lot in lots}
    assert {0, 1, 2, 4} <= {lot.paimai_times for lot in lots}
    assert any(lot.min_price == "无" for lot in lots) and any(lot.assessment_price == 0 for lot in lots)
    assert any(lot.sold for lot in lots) and any(lot.auction_status == 2 and not lot.bid_count for lot in lots)
    packages = [lot.package for lot in lots if lot.category == 109]
    assert packages and all(packages)
    assert any(len(p.loans) > 1 and len(p.debtors) < len(p.loans) for p in packages)  # debtors with several loans
    assert any(any(loan.currency == "USD" for loan in p.loans) for p in packages)
    assert any(p.total_error for p in packages) and any(p.unit == "万元" for p in packages)
    assert {p.continuation for p in packages} == {"rowspan", "blank"} and {p.header_rows for p in packages} == {1, 2}
    assert any(len(p.loans) == 118 for p in packages)  # the 118-loan portfolio


def test_a_package_adds_up_except_for_its_stated_slip(gen):
    for lot in gen.lots_for(1):
        if lot.package:
            for loan in lot.package.loans:
                assert loan.total == loan.principal + loan.interest + (loan.fees or 0)
            principal, interest, fees, total = lot.package.sums()
            assert lot.package.stated() == (principal, interest, fees, total + lot.package.total_error)


def test_between_the_nights_auctions_end_start_are_cancelled_and_new_lots_appear(gen):
    one, two = {l.paimai_id: l for l in gen.lots_for(1)}, {l.paimai_id: l for l in gen.lots_for(2)}
    assert set(one) <= set(two) and len(two) > len(one)
    moves = Counter((one[i].auction_status, two[i].auction_status) for i in one)
    assert moves[(1, 2)] and moves[(0, 1)]
    cancelled = {two[i].display_status for i in one if one[i].display_status == 1 and two[i].display_status != 1}
    assert cancelled == {5, 6, 7}
    assert any(one[i].bid_count < two[i].bid_count and two[i].auction_status == 1 for i in one)  # long auctions
    relisted = [two[i] for i in set(two) - set(one) if two[i].paimai_times == 2]
    assert relisted and all(any(l.asset_key == lot.asset_key for l in one.values()) for lot in relisted)
    unchanged = [i for i in one if one[i].end_ms < gen.now_ms(1) and one[i].display_status == 1]
    assert unchanged and all(one[i] == two[i] for i in unchanged)


# ------------------------------------------------------------------------------------------------- the API


def test_the_envelope_and_the_jsonp_wrapper(site):
    lot = site.gen.lots_for(1)[0]
    plain = api(site, "getProductBasicInfo", {"paimaiId": lot.paimai_id})
    assert list(plain) == ["code", "data", "message", "status"] and (plain["code"], plain["message"]) == (0, "成功")
    status, content_type, raw = call(site, api_url("getProductBasicInfo", {"paimaiId": lot.paimai_id},
                                                   jsonp="jsonp_1795140000000_3"))
    assert status == 200 and content_type.startswith("application/javascript")
    match = re.fullmatch(rb"jsonp_1795140000000_3\((.*)\);", raw, re.DOTALL)
    assert match and json.loads(match.group(1)) == plain
    listing = search(site, 1, 5)
    assert list(listing)[:4] == ["code", "datas", "totalItem", "pageSize"] and "data" not in listing


def test_errors_unknown_functions_lots_and_hosts(site):
    assert api(site, "noSuchFunction", {"paimaiId": 1}) == {"code": -1, "data": None, "message": "参数错误",
                                                             "status": -1}
    assert api(site, "getProductBasicInfo", {"paimaiId": 999999999})["data"] is None
    status, _, raw = call(site, "https://api.m.jd.com/api?appid=paimai&functionId=getProductBasicInfo&body=%7Bx")
    assert status == 200 and json.loads(raw)["code"] == -1
    assert call(site, "https://paimai.jd.com/not-a-lot")[0] == 404
    assert call(site, "https://api.m.jd.com/robots.txt")[:2] == (200, "text/plain")


def test_search_pages_through_every_lot_once_in_a_stable_order(site):
    first = search(site, 1, 40)
    total, seen = first["totalItem"], []
    assert total == len(site.gen.lots_for(1))
    for page in range(1, -(-total // 40) + 2):
        seen += [item["id"] for item in search(site, page, 40)["datas"]]
    assert len(seen) == len(set(seen)) == total
    assert search(site, 99, 40)["datas"] == [] and search(site, 1, 500)["pageSize"] == 100
    states = [(i["auctionStatus"], i["displayStatus"]) for i in search(site, 1, 100)["datas"]]
    assert states[0] == (1, 1)  # running auctions first


def test_search_filters(site):
    lots = site.gen.lots_for(1)

    def ids(**filters):
        found, page = set(), 1
        while items := search(site, page, 100, **filters)["datas"]:
            found |= {item["id"] for item in items}
            page += 1
        return found

    assert ids(childrenCateId="109") == {l.paimai_id for l in lots if l.category == 109}
    assert ids(labelSet="1027,1029") == {l.paimai_id for l in lots if {1027, 1029} & set(l.labels)}
    assert ids(multiDisplayStatus="5,6,7") == {l.paimai_id for l in lots if l.display_status != 1}
    assert ids(multiPaimaiStatus="1", multiPaimaiTimes="2") == {
        l.paimai_id for l in lots if l.auction_status == 1 and l.paimai_times == 2}
    assert ids(provinceId=19) == {l.paimai_id for l in lots if l.region.province_id == 19}
    assert ids(publishSource=9, childrenCateId="101") == {
        l.paimai_id for l in lots if l.publish_source == 9 and l.category == 101}
    word = lots[0].title[:4]
    assert ids(keyword=word) == {l.paimai_id for l in lots if word in l.title}
    day = datetime.fromtimestamp(site.gen.now_ms(1) / 1000, TZ).date().isoformat()
    assert ids(timeRangeTime="endTime", timeRangeStart=day, timeRangeEnd=day) == {
        l.paimai_id for l in lots if datetime.fromtimestamp(l.end_ms / 1000, TZ).date().isoformat() == day}
    assert ids(projectType=2) == set()
    legacy = json.loads(call(site, api_url("paimai_unifiedSearch", {"apiType": 2, "page": "1", "pageSize": 40,
                                                                    "childrenCateId": "105", "paimaiStatus": "0"},
                                           appid="paimai-search-soa"))[2])
    assert {i["id"] for i in legacy["datas"]} == {
        l.paimai_id for l in lots if l.category == 105 and l.auction_status == 0}


def test_search_items_and_detail_functions_agree_with_the_truth(site):
    lot = next(l for l in site.gen.lots_for(1) if l.sold and l.bid_count > 10)
    item = next(i for i in search(site, 1, 100, keyword=lot.title)["datas"] if i["id"] == lot.paimai_id)
    assert (item["currentPrice"], item["currentPriceStr"], item["minPrice"]) == (
        lot.current_price, price_str(lot.current_price), lot.start_price)
    assert (item["auctionStatus"], item["displayStatus"], item["bidCount"]) == (2, 1, lot.bid_count)
    basic = api(site, "getProductBasicInfo", {"paimaiId": lot.paimai_id})["data"]
    assert (basic["startPrice"], basic["priceLowerOffset"], basic["title"]) == (
        lot.start_price, lot.increment, lot.title)
    assert isinstance(basic["extendInfoMap"], str)
    realtime = api(site, "getPaimaiRealTimeData", {"paimaiId": lot.paimai_id, "start": 0, "end": 9})["data"]
    bids = site.gen.bids(lot)
    assert realtime["bidCount"] == len(bids) == lot.bid_count and len(realtime["bidList"]) == 10
    assert [b["price"] for b in realtime["bidList"]] == [b.price for b in reversed(bids)][:10]
    assert realtime["currentPrice"] == bids[-1].price and realtime["confirmationUrl"].startswith("//")
    more = api(site, "getPaimaiRealTimeData", {"paimaiId": lot.paimai_id, "start": 10, "end": 14})["data"]
    assert [b["price"] for b in more["bidList"]] == [b.price for b in reversed(bids)][10:15]
    files = api(site, "queryAttachFilesForIntro", {"custom": 0, "paimaiId": lot.paimai_id, "source": 0})["data"]
    assert [f["attachmentName"] for f in files] == list(lot.attachments)
    assert all(f["attachmentAddress"].startswith("https://storage.jd.com/auction.gateway/ATTACHMENT_") for f in files)


def test_withdrawn_deferred_and_halted_lots_say_why(site):
    for lot in site.gen.lots_for(1):
        if lot.display_status != 1:
            data = api(site, "getPaimaiRealTimeData", {"paimaiId": lot.paimai_id})["data"]
            assert data["displayStatus"] == lot.display_status and data["remarks"] and data["bidCount"] == 0


def test_debt_descriptions_carry_the_table_with_merged_cells_and_a_total(site):
    packages = [l for l in site.gen.lots_for(1) if l.package]
    for lot in packages:
        html = api(site, "queryProductDescription", {"paimaiId": lot.paimai_id, "source": 0})["data"]
        assert "本金余额" in html and "债权合计" in html and f"人民币{lot.package.unit}" in html
        assert lot.package.as_of.strftime("%Y年").lstrip("0") in html
        assert ("合计" in html.split("债权合计", 1)[1]) == lot.package.total_row
        if lot.package.continuation == "rowspan" and len(lot.package.debtors) < len(lot.package.loans):
            assert 'rowspan="' in html
        if any(loan.currency == "USD" for loan in lot.package.loans):
            assert "（美元）" in html and "合计（人民币）" in html
    plain = next(l for l in site.gen.lots_for(1) if not l.package)
    assert "本金" not in api(site, "queryProductDescription", {"paimaiId": plain.paimai_id})["data"]


def test_ground_truth_never_reaches_the_pages(site):
    lots = site.gen.lots_for(1)
    slipped = next(l for l in lots if l.package and l.package.total_error)
    bodies = [call(site, search_url(page, 100))[2] for page in range(1, 4)]
    for function in ("getProductBasicInfo", "getPaimaiRealTimeData", "queryProductDescription"):
        bodies += [call(site, api_url(function, {"paimaiId": lot.paimai_id}))[2] for lot in lots[:60] + [slipped]]
    served = b"".join(bodies).decode()
    assert "JD-ASSET" not in served and "asset_key" not in served and "total_error" not in served
    principal, _, _, total = slipped.package.sums()
    amount = f"{total:,.2f}" if slipped.package.unit == "元" else f"{total / 10000:,.2f}"
    assert amount not in served.split(str(slipped.paimai_id))[-1]  # the true sum is not what the 合计 says
    assert Decimal(0) not in (principal, total)


def test_shell_pages_hold_no_data(site):
    lot = site.gen.lots_for(1)[0]
    status, content_type, raw = call(site, lot.url)
    assert status == 200 and content_type.startswith("text/html")
    assert str(lot.paimai_id).encode() in raw and lot.title.encode() not in raw
    assert call(site, "https://pmsearch.jd.com/")[0] == 200


# ------------------------------------------------------------------------------------------------- the server


def test_the_replica_server_routes_jd_hosts_over_http_and_switches_nights():
    with ReplicaServer(seed=11, n_lots=60, night=1) as replica:
        url = search_url(1, 5, childrenCateId="109")
        parts = urlsplit(url)
        request = urllib.request.Request(f"{replica.base_url}{parts.path}?{parts.query}",
                                         headers={"Host": "api.m.jd.com"})
        with urllib.request.urlopen(request) as response:
            first = json.loads(response.read())
        assert first["code"] == 0 and first["totalItem"] == sum(
            1 for lot in replica.jd_generator.lots_for(1) if lot.category == 109)
        replica.set_night(2)
        with urllib.request.urlopen(request) as response:
            second = json.loads(response.read())
        assert second["totalItem"] == sum(1 for lot in replica.jd_generator.lots_for(2) if lot.category == 109)
        assert replica.stats()["by_kind"]["paimai_unifiedSearch"] == 2
