"""The Alibaba replica: real HTTP on loopback, virtual hosts, page shapes of shared/sources.md §1, nights,
determinism, anti-bot pages, 404s, and a ground truth that never leaks into what is served."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from protego import Protego

from replicas import AlibabaGenerator, ReplicaServer, start_urls
from replicas.alibaba import data

REAL_KEYS = {
    "id",
    "mnNotice",
    "credit",
    "itemUrl",
    "status",
    "title",
    "picUrl",
    "initialPrice",
    "currentPrice",
    "consultPrice",
    "marketPrice",
    "sellOff",
    "start",
    "end",
    "timeToStart",
    "timeToEnd",
    "viewerCount",
    "bidCount",
    "delayCount",
    "applyCount",
    "catNames",
    "collateralCatName",
    "xmppVersion",
    "buyRestrictions",
    "supportLoans",
    "supportOrgLoan",
    "trackParams",
}
LIST_JSON = re.compile(r'<script id="sf-item-list-data" type="text/json">(.*?)</script>', re.S)
NEXT = re.compile(r'<a class="next" href="([^"]+)"')
EMPTY = "很抱歉，没有您要找的标的物"
ANTIBOT = ("亲，小二正忙，滑动一下马上回来", "霸下通用 web 页面")
CASE_NO = re.compile(r"（\d{4}）[\u4e00-\u9fa5]\d{2,4}执恢?\d+号")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(rep: ReplicaServer, url: str) -> tuple[int, dict, bytes]:
    """GET a real-site URL from the replica: same path and query, the real host in the Host header."""
    parts = urlsplit("https:" + url if url.startswith("//") else url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = urllib.request.Request(rep.base_url + target, headers={"Host": parts.netloc})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def page(rep: ReplicaServer, url: str) -> str:
    status, headers, body = fetch(rep, url)
    assert status == 200, (url, status)
    assert "charset=GBK" in headers["Content-Type"]
    return body.decode("gbk")


def list_data(text: str) -> list[dict]:
    return json.loads(LIST_JSON.search(text).group(1))["data"]


def walk(rep: ReplicaServer, url: str) -> list[str]:
    """Every list page from ``url`` on, following a.next."""
    pages = [page(rep, url)]
    while match := NEXT.search(pages[-1]):
        pages.append(page(rep, html.unescape(match.group(1))))
    return pages


def money(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def timeless(text: str) -> str:
    """A page without what depends on the night's clock or on the night's neighbours of a lot."""
    text = re.sub(r'(data-now|data-time|data-timeToEnd|data-timeToStart)="-?\d+"', r'\1=""', text)
    return re.sub(r'<div class="like-wrap">.*?id="J_BidLoopTime"', "", text, flags=re.S)


@pytest.fixture(scope="module")
def rep():
    with ReplicaServer(seed=7, n_lots=300, night=1, interstitial_rate=0) as server:
        yield server


@pytest.fixture(scope="module")
def truth(rep):
    return {lot.item_id: lot for lot in rep.generator.lots_for(1)}


def test_server_listens_on_a_free_loopback_port_and_answers_admin(rep):
    assert rep.port > 0 and rep.base_url == f"http://127.0.0.1:{rep.port}"
    status, headers, body = fetch(rep, "https://sf.taobao.com/__replica__/health")
    assert status == 200 and json.loads(body) == {"ok": True, "night": 1}


def test_sf_list_page_is_gbk_and_embeds_the_real_item_keys(rep, truth):
    status, headers, body = fetch(rep, start_urls("sf")[0])
    assert status == 200 and headers["Content-Type"] == "text/html;charset=GBK"
    assert b'<meta http-equiv="Content-Type" content="text/html; charset=gbk" />' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("gbk")
    items = list_data(text)
    assert len(items) == 40 and all(set(item) == REAL_KEYS for item in items)
    assert re.search(r'"initialPrice":\d+\.\d\d ,', text) and re.search(r'"currentPrice":\d+\.\d\d ,', text)
    assert '<ul class="sf-pai-item-list sf-item-list clearfix" id="J_ItemList"></ul>' in text
    sf_total = sum(lot.source == "sf" for lot in truth.values())
    assert re.search(r'<em class="count">(\d+)</em>', text).group(1) == str(sf_total)
    assert re.search(r'<em class="page-total">(\d+)</em>', text).group(1) == str(-(-sf_total // 40))
    for item in items:
        lot = truth[item["id"]]
        assert item["itemUrl"] == f"//sf-item.taobao.com/sf_item/{lot.item_id}.htm"
        assert (
            item["status"],
            item["initialPrice"],
            item["currentPrice"],
            item["bidCount"],
            item["sellOff"],
        ) == (lot.status, lot.initial_price, lot.current_price, lot.bid_count, lot.sell_off)
        assert item["timeToEnd"] == lot.end_ms - rep.generator.now_ms(1)


def test_list_json_writes_titles_html_escaped_like_the_real_home_page(rep, truth):
    """The real 2018 home page holds ``志高新城&middot;凯旋首府`` in the JSON: the replica escapes titles the same
    way, and the parser gives the title back as the generator wrote it."""
    from crawlers.parsers import parse_page

    dotted = [lot for lot in truth.values() if "·" in lot.title and lot.source == "sf"]
    assert dotted, "the generator names no estate with a middle dot"
    found = 0
    for text in walk(rep, start_urls("sf")[0]):
        for item in list_data(text):
            if item["id"] in {lot.item_id for lot in dotted}:
                assert "&middot;" in item["title"] and "·" not in item["title"]
                found += 1
        fetched_at = datetime.fromtimestamp(rep.generator.now_ms(1) / 1000, timezone(timedelta(hours=8)))
        for record in parse_page("alibaba_sf", text.encode("gbk"), start_urls("sf")[0], fetched_at):
            assert record["title"] == truth[int(record["source_lot_id"])].title
    assert found == len(dotted)


def test_pagination_reaches_every_lot_once_and_ends_with_the_empty_text(rep, truth):
    for source in ("sf", "zc"):
        pages = walk(rep, start_urls(source)[0])
        ids = [item["id"] for text in pages for item in list_data(text)]
        assert len(ids) == len(set(ids)) == sum(lot.source == source for lot in truth.values())
        assert set(ids) == {i for i, lot in truth.items() if lot.source == source}
        assert 'class="next"' not in pages[-1] and EMPTY not in pages[-1]
        past = page(rep, start_urls(source)[0].replace("page=1", f"page={len(pages) + 1}"))
        assert EMPTY in past and list_data(past) == []


def test_list_filters_status_category_city_and_biz_type(rep, truth):
    ended = list_data(page(rep, "https://sf.taobao.com/item_list.htm?category=0&sorder=2&page=1"))
    assert ended and {item["status"] for item in ended} <= {"done", "failure"}
    cars = walk(rep, "//sf.taobao.com/list/50025972.htm")
    assert {item["catNames"] for text in cars for item in list_data(text)} == {"机动车"}
    dongguan = page(rep, "https://sf.taobao.com/item_list.htm?category=0&city=%B6%AB%DD%B8&sorder=-1&page=1")
    expected = sum(lot.source == "sf" and lot.city == "东莞" for lot in truth.values())
    assert re.search(r'<em class="count">(\d+)</em>', dongguan).group(1) == str(expected)
    financial = walk(rep, "https://zc-paimai.taobao.com/zc_item_list.htm?item_biz_type=7&page=1")
    ids = {item["id"] for text in financial for item in list_data(text)}
    assert ids == {i for i, lot in truth.items() if lot.source == "zc" and lot.biz_type == 7}


def test_home_page_carries_its_json_floors(rep):
    text = page(rep, "https://sf.taobao.com/")
    floors = dict(
        re.findall(
            r'<script type="text/json" class="sf-item-list-data" id="([\w-]+)">(.*?)</script>', text, re.S
        )
    )
    assert set(floors) == {
        "car-data",
        "house-data",
        "other-data",
        "tomorrow-data",
        "after-tomorrow-data",
        "three-days-later-data",
    }
    cars = json.loads(floors["car-data"])["data"]
    assert cars and all(set(item) == REAL_KEYS and item["catNames"] == "机动车" for item in cars)


def _detail(rep, lot) -> str:
    return page(rep, lot.url)


def _price(text: str, label: str) -> str:
    return re.search(
        label + r'</span>\s*<span class="[^"]+"[^>]*>: <em class="m-i">&yen;</em>'
        r'<span class="J_Price">([^<]*)</span>',
        text,
    ).group(1)


def test_sf_detail_pages_have_the_price_table_and_status_marks(rep, truth):
    lots = [lot for lot in truth.values() if lot.source == "sf" and lot.round < 3]
    for status in ("todo", "doing", "done", "failure", "break", "revocation"):
        lot = next(lot for lot in lots if lot.status == status)
        text = _detail(rep, lot)
        assert f"<title>{lot.title} -  司法拍卖 - 阿里拍卖</title>" in text
        assert f'id="J_ItemId" name="itemId" value="{lot.item_id}"' in text
        assert re.search(r"<h1>【" + lot.round_name + "】" + re.escape(lot.title), text)
        assert '<tbody id="J_HoverShow">' in text
        assert _price(text, "起 拍 价") == money(lot.initial_price) + " "
        assert _price(text, "保 证 金") == money(lot.deposit) + " "
        assert _price(text, "加价幅度") == money(lot.increment) + " "
        assert _price(text, "评 估 价") == money(lot.consult_price)  # no trailing space on this one
        assert re.search(r"竞价周期</span>\s*<span>: 1天</span>", text)
        label = "成交价" if status == "done" else "当前价"
        assert re.search(
            rf'<span class="title">{label}</span>.*?<em>{re.escape(money(lot.current_price))} </em>',
            text,
            re.S,
        )
        assert f'data-start="{lot.start_ms}"' in text and f'data-end="{lot.end_ms}"' in text
        assert f'<div id="itemAddress">{lot.province} {lot.city} {lot.district} {lot.address}</div>' in text
        assert f"标的物所在地：{lot.province} {lot.city} {lot.district}" in text
        assert f'id="J_Coordinate" name="coordinate" value="{lot.lng},{lot.lat}"' in text
        assert re.search(
            r'<span class="item-announcement">\s*<a target="_blank" href="//sf\.taobao\.com/\d+/\d\d">'
            + lot.unit
            + "</a>",
            text,
        )
        assert f'data-from="//sf.taobao.com/json/get_notice_attach.htm?project_id={lot.project_id}"' in text
        assert ("本场拍卖已流拍 ！" in text) == (status == "failure")
        assert ("本标的物已撤回" in text) == (status == "revocation")
        assert ("本场拍卖已中止" in text) == (status == "break")


def test_sell_off_and_zc_detail_variants(rep, truth):
    sell_off = next(lot for lot in truth.values() if lot.round == 3)
    text = _detail(rep, sell_off)
    assert "<h1>【变卖】" in text and re.search(r"变卖周期</span>\s*<span>: 60天</span>", text)
    assert _price(text, "变卖预缴款") == _price(text, "变 卖 价") == money(sell_off.initial_price) + " "
    assert 'class="J_PaySellOff pay-selloff"' in text
    zc = next(lot for lot in truth.values() if lot.source == "zc" and lot.debt)
    text = _detail(rep, zc)
    assert f"<title>{zc.title} -  资产拍卖 - 阿里拍卖</title>" in text
    assert _price(text, "起 始 价") == money(zc.initial_price) + " "
    assert _price(text, "市 场 价") == money(zc.market_price)
    assert f">{zc.unit}</a></span>" in text and "起 拍 价" not in text
    assert f'data-from="//zc-paimai.taobao.com/json/get_pc_desc.htm?item_id={zc.item_id}"' in text


def test_debt_description_is_unicode_escaped_with_the_sites_labels(rep, truth):
    first = list_data(page(rep, start_urls("zc", "债权")[0]))[0]
    lot = truth[first["id"]]
    assert lot.debt and first["itemUrl"] == f"//zc-item.taobao.com/auction/{lot.item_id}.htm"
    status, headers, body = fetch(
        rep, f"https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id={lot.item_id}"
    )
    assert status == 200 and body.isascii() and b"\\u503a\\u6743" in body  # 债权, escaped
    flat = re.sub(r"\s", "", body.decode("unicode_escape"))
    field = lambda label: re.search(f'>{label}：<.*?">(.*?)<', flat).group(1)  # noqa: E731
    debt = lot.debt
    amount = (lambda v: f"{v / 10000:,.2f}万元") if debt.unit == "万元" else (lambda v: f"{v:,.2f}元")
    assert field("债权本金") == amount(debt.principal) and field("未尝利息") == amount(debt.interest)
    assert field("本息合计") == amount(debt.total) and field("基准日") == debt.base_date
    assert field("债务人名称") == debt.debtor and field("债权人名称") == debt.creditor == lot.unit
    assert field("担保人") == ("、".join(debt.guarantors) or "无")
    for label in ("担保方式", "有无抵押", "抵押信息", "有无担保人", "诉讼状态", "贷款月利率", "交易渠道"):
        assert field(label)


def test_lazy_parts_notice_attachments_bids_and_description(rep, truth):
    lot = max(
        (lot for lot in truth.values() if lot.source == "sf" and lot.status == "done"),
        key=lambda lot: lot.bid_count,
    )
    status, _, body = fetch(rep, f"//sf.taobao.com/json/get_notice_attach.htm?project_id={lot.project_id}")
    text = body.decode("gbk")
    assert status == 200 and text.startswith("null({") and text.endswith("});")
    notice = json.loads(text[5:-2])["content"]
    assert lot.case_no in notice and CASE_NO.fullmatch(lot.case_no) and lot.title in notice
    status, _, body = fetch(rep, f"//sf.taobao.com/json/get_gov_attach.htm?id={lot.item_id}&callback=cb")
    files = json.loads(body.decode("gbk").removeprefix("cb(").removesuffix(");"))
    assert files and all(set(f) == {"id", "title"} for f in files)
    records = []
    for n in range(1, 100):
        _, _, body = fetch(
            rep,
            f"//sf.taobao.com/json/get_bid_records.htm?id={lot.item_id}"
            f"&records_type=pageRecords&currentPage={n}",
        )
        page_ = json.loads(re.sub(r"([{,])(\w+):", r'\1"\2":', body.decode("gbk")))
        records += page_["records"]
        if len(records) >= page_["totalCnt"]:
            break
    assert len(records) == lot.bid_count and records[0]["status"] == 99
    assert float(records[0]["price"]) == lot.current_price
    assert [r["bidTime"] for r in records] == sorted((r["bidTime"] for r in records), reverse=True)
    desc_url = html.unescape(re.search(r'id="J_desc"[^>]*data-from="([^"]+)"', _detail(rep, lot)).group(1))
    status, headers, body = fetch(rep, desc_url)
    desc = body.decode("gbk")
    assert status == 200 and desc.startswith("var desc='") and desc.endswith("';")
    assert "标的物介绍" in desc and lot.title in desc
    status, _, body = fetch(
        rep, f"https://paimai.taobao.com/json/getSubscribersNum?itemIds={lot.item_id}&callback=f"
    )
    assert json.loads(body.decode("gbk")[2:-2]) == [
        {"itemId": lot.item_id, "subscribersNum": lot.subscribers}
    ]


def test_night_two_changes_some_lots_and_serves_the_rest_unchanged():
    with ReplicaServer(seed=7, n_lots=300, night=1, interstitial_rate=0) as rep:
        one = {lot.item_id: lot for lot in rep.generator.lots_for(1)}
        two = {lot.item_id: lot for lot in rep.generator.lots_for(2)}
        changed = {i for i in one if two[i] != one[i]}
        assert set(one) <= set(two) and 10 <= len(changed) < len(one) // 4
        moves = {(one[i].status, two[i].status) for i in changed}
        assert {("doing", "done"), ("doing", "failure"), ("todo", "doing"), ("todo", "revocation")} <= moves
        assert any(
            two[i].current_price > one[i].current_price and two[i].bid_count > one[i].bid_count
            for i in changed
        )
        new = [two[i] for i in set(two) - set(one)]
        earlier = defaultdict(list)
        for lot in one.values():
            earlier[lot.asset_key].append(lot)
        relisted = [
            lot
            for lot in new
            if lot.round > 1
            and any(e.round == lot.round - 1 and e.status == "failure" for e in earlier[lot.asset_key])
        ]
        assert relisted and any(lot.round == 1 for lot in new)
        assert all(lot.status == "todo" for lot in new)

        same = next(i for i in one if i not in changed and one[i].source == "sf")
        moved = next(i for i in changed if one[i].status == "doing" and two[i].status == "done")
        before = {i: _detail(rep, one[i]) for i in (same, moved)}
        listed_1 = {item["id"] for text in walk(rep, start_urls("sf")[0]) for item in list_data(text)}
        rep.set_night(2)
        assert timeless(_detail(rep, one[same])) == timeless(before[same])
        assert timeless(_detail(rep, one[moved])) != timeless(before[moved])
        listed_2 = {item["id"] for text in walk(rep, start_urls("sf")[0]) for item in list_data(text)}
        assert listed_1 < listed_2 == {i for i, lot in two.items() if lot.source == "sf"}


def test_same_seed_same_bytes_other_seed_other_bytes():
    urls = [start_urls("sf")[0], start_urls("zc")[0]]
    with (
        ReplicaServer(seed=7, n_lots=120, interstitial_rate=0.5) as a,
        ReplicaServer(seed=7, n_lots=120, interstitial_rate=0.5) as b,
        ReplicaServer(seed=8, n_lots=120, interstitial_rate=0.5) as c,
    ):
        lot = a.generator.lots_for(1)[5]
        urls += [lot.url, f"https://sf.taobao.com/json/get_notice_attach.htm?project_id={lot.project_id}"]
        for url in urls * 2:  # twice: anti-bot pages first where drawn, the pages after
            assert fetch(a, url)[2] == fetch(b, url)[2]
        assert fetch(a, start_urls("sf")[0])[2] != fetch(c, start_urls("sf")[0])[2]
        assert [lot.item_id for lot in a.generator.lots_for(2)] == [
            lot.item_id for lot in b.generator.lots_for(2)
        ]


def test_anti_bot_pages_are_served_on_first_requests_and_cleared_on_retry():
    with ReplicaServer(seed=3, n_lots=80, interstitial_rate=1.0) as rep:
        lot = rep.generator.lots_for(1)[0]
        for url in (start_urls("sf")[0], lot.url):
            status, headers, body = fetch(rep, url)
            assert status == 200 and "UTF-8" in headers["Content-Type"]
            assert any(marker in body.decode("utf-8") for marker in ANTIBOT)
            status, headers, body = fetch(rep, url)
            assert status == 200 and not any(marker in body.decode("gbk") for marker in ANTIBOT)
        assert fetch(rep, f"https://sf.taobao.com/json/get_bid_records.htm?id={lot.item_id}")[0] == 200
        rep.set_night(2)
        again = fetch(rep, lot.url)[2].decode("utf-8")
        assert any(marker in again for marker in ANTIBOT)
        assert rep.stats()["interstitials"] == 3
    with ReplicaServer(seed=3, n_lots=300) as rep:  # the default rate
        for lot in rep.generator.lots_for(1):
            first = fetch(rep, lot.url)[2]
            if any(marker.encode() in first for marker in ANTIBOT):
                retry = fetch(rep, lot.url)[2]
                assert not any(marker.encode() in retry for marker in ANTIBOT)
        assert 1 <= rep.stats()["interstitials"] <= 30


def test_unknown_ids_hosts_and_paths_get_a_404_page(rep, truth):
    zc_lot = next(lot for lot in truth.values() if lot.source == "zc")
    for url in (
        "https://sf-item.taobao.com/sf_item/100000000000.htm",
        f"https://sf-item.taobao.com/sf_item/{zc_lot.item_id}.htm",
        "https://zc-item.taobao.com/auction/123.htm",
        "https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id=100000000000",
        "https://sf.taobao.com/no_such_page.htm",
        "https://www.example.com/",
    ):
        status, headers, body = fetch(rep, url)
        assert status == 404 and "很抱歉，您要访问的页面不存在" in body.decode("gbk"), url
    sf_lot = next(lot for lot in truth.values() if lot.source == "sf")
    status, headers, _ = fetch(rep, f"https://sf.taobao.com/sf_item/{sf_lot.item_id}.htm")
    assert status == 301 and headers["Location"] == sf_lot.url


def test_ground_truth_asset_key_is_never_served():
    with ReplicaServer(seed=11, n_lots=50, interstitial_rate=0) as rep:
        bodies = []
        for night in (1, 2):
            rep.set_night(night)
            for source in ("sf", "zc"):
                bodies += [text.encode("gbk") for text in walk(rep, start_urls(source)[0])]
            bodies += [
                fetch(rep, url)[2] for url in ("https://sf.taobao.com/", "//sf.taobao.com/court_list.htm")
            ]
            for lot in rep.generator.lots_for(night):
                text = _detail(rep, lot)
                bodies.append(text.encode("gbk"))
                lazy = re.findall(r'(?:data-from|href)="(//(?:sf|zc-paimai|desc)[^"]+)"', text)
                bodies += [fetch(rep, html.unescape(url))[2] for url in lazy if "/list/" not in url]
        keys = {lot.asset_key for night in (1, 2) for lot in rep.generator.lots_for(night)}
        assert len(bodies) > 300 and keys
        assert not any(b"ASSET-" in body for body in bodies)
        assert not any(key.encode() in body for body in bodies for key in keys)


def test_robots_txt_allows_the_crawled_paths(rep):
    urls = [
        start_urls("sf")[0],
        "https://sf.taobao.com/list/50025969.htm?page=2",
        "https://sf-item.taobao.com/sf_item/800000000001.htm",
        start_urls("zc")[0],
        "https://zc-item.taobao.com/auction/800000000001.htm",
        "https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id=1",
        "https://sf.taobao.com/json/get_bid_records.htm?id=1&records_type=pageRecords",
    ]
    for url in urls:
        host = urlsplit(url).netloc
        status, _, body = fetch(rep, f"https://{host}/robots.txt")
        assert status == 200 and Protego.parse(body.decode()).can_fetch(url, "salvage"), url
    robots = Protego.parse(fetch(rep, "https://sf.taobao.com/robots.txt")[2].decode())
    assert not robots.can_fetch("https://sf.taobao.com/pay_foregift.htm?item_id=1", "salvage")


def test_admin_switches_night_and_counts_requests():
    with ReplicaServer(seed=7, n_lots=60, interstitial_rate=0) as rep:
        fetch(rep, start_urls("sf")[0])
        fetch(rep, "https://sf-item.taobao.com/sf_item/1.htm")
        status, _, body = fetch(rep, "https://sf.taobao.com/__replica__/night?n=2")
        assert status == 200 and json.loads(body)["night"] == 2 and rep.night == 2
        stats = json.loads(fetch(rep, "https://zc-paimai.taobao.com/__replica__/stats")[2])
        assert stats["night"] == 2 and stats["requests"] == 2
        assert stats["by_kind"] == {"sf_list_page": 1, "not_found": 1} and stats["by_status"] == {
            "200": 1,
            "404": 1,
        }
        assert rep.stats() == stats


def test_relisting_chains_places_and_courts_in_the_ground_truth():
    gen = AlibabaGenerator(seed=5, n_lots=1500)
    lots = gen.lots_for(1)
    assert len(lots) == 1500 and len({lot.item_id for lot in lots}) == 1500
    assert all(100_000_000_000 <= lot.item_id < 1_000_000_000_000 for lot in lots)
    chains = defaultdict(list)
    for lot in lots:
        chains[lot.asset_key].append(lot)
    long = [sorted(chain, key=lambda lot: lot.round) for chain in chains.values() if len(chain) > 1]
    assert len(long) > 100
    for chain in long:
        assert [lot.round for lot in chain] == list(range(1, len(chain) + 1))
        assert all(lot.status == "failure" for lot in chain[:-1])
        assert all(a.end_ms < b.publish_ms < b.start_ms for a, b in zip(chain, chain[1:], strict=False))
        if chain[0].source == "sf" and len(chain) > 1:
            assert chain[1].initial_price == round(chain[0].initial_price * 0.8, 2)
        if len(chain) == 3:
            assert chain[2].sell_off and chain[2].cycle_days == 60
            assert chain[2].initial_price == chain[1].initial_price
    codes = {region.code for region in data.REGIONS}
    assert {lot.location_code for lot in lots} <= codes
    assert all(
        lot.unit.endswith("人民法院") and CASE_NO.fullmatch(lot.case_no) for lot in lots if lot.source == "sf"
    )
    debt = [lot for lot in lots if lot.debt]
    assert debt and all(lot.debt.total == round(lot.debt.principal + lot.debt.interest, 2) for lot in debt)
    assert any("资产管理" in lot.unit for lot in debt) and any("银行" in lot.unit for lot in debt)
    sold = [lot for lot in lots if lot.status == "done"]
    assert sold and all(len(gen.bid_records(lot)) == lot.bid_count > 0 for lot in sold)
    assert all(gen.bid_records(lot)[-1].price == lot.current_price for lot in sold)


def test_generator_is_lazy_and_scales():
    gen = AlibabaGenerator(seed=1, n_lots=20_000)
    assert gen._nights == {}  # nothing built until a night is asked for (speed: bench/bench_replica.py)
    assert len(gen.lots_for(1)) == 20_000 and len(gen.lots_for(2)) > 20_000


def test_command_line_serves_until_stopped():
    process = subprocess.Popen(
        [sys.executable, "-m", "replicas", "serve", "--port", "0", "--lots", "40"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        base = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline()).group(0)
        request = urllib.request.Request(base + "/__replica__/health", headers={"Host": "sf.taobao.com"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.loads(response.read())["ok"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_burst_of_concurrent_connections_is_served_without_stalls():
    """A crawl opens tens of connections at once; none may wait for a retransmitted handshake (seconds)."""
    import concurrent.futures
    import urllib.request

    from replicas.server import ReplicaServer

    with ReplicaServer(seed=3, n_lots=40, night=1, interstitial_rate=0) as rep:
        def fetch(_):
            t0 = time.perf_counter()
            request = urllib.request.Request(rep.base_url + "/robots.txt", headers={"Host": "sf.taobao.com"})
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
            return time.perf_counter() - t0

        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            slowest = max(pool.map(fetch, range(256)))
    assert slowest < 0.9  # a dropped SYN is retransmitted after 1 s
