"""The mtop replica (h5api.m.taobao.com, sources.md §1b) over real HTTP: the token handshake, the refused bad sign,
the Baxia answer without ``cna``, JSONP, prices in 分, 10 rows a page, and the same lots as the HTML replica."""

from __future__ import annotations

import hashlib
import json
import re
import time
import urllib.request
from urllib.parse import urlencode

import pytest

from replicas.alibaba.mtop import DETAIL_API, LIST_API
from replicas.server import ReplicaServer

APP_KEY = "12574478"


@pytest.fixture(scope="module")
def rep():
    with ReplicaServer(seed=11, n_lots=45, night=1, interstitial_rate=0) as server:
        yield server


def call(rep, api, version, data, cookie="", token="", sign=None, jsonp=True, extra=None):
    data_text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    t = str(int(time.time() * 1000))
    query = {"jsv": "2.7.5", "appKey": APP_KEY, "t": t, "api": api, "v": version, **(extra or {}),
             "sign": sign or hashlib.md5(f"{token}&{t}&{APP_KEY}&{data_text}".encode()).hexdigest(),
             "data": data_text}
    if jsonp:
        query |= {"type": "jsonp", "dataType": "jsonp", "callback": "mtopjsonp1"}
    request = urllib.request.Request(f"{rep.base_url}/h5/{api.lower()}/{version}/?{urlencode(query)}",
                                     headers={"Host": "h5api.m.taobao.com", "Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers.get_all("Set-Cookie") or [], response.read().decode()


def unwrap(text: str) -> dict:
    match = re.fullmatch(r"\s*mtopjsonp1\((.*)\)\s*", text, re.DOTALL)
    return json.loads(match.group(1) if match else text)


def list_data(page: int) -> dict:
    return {"dfApp": "auctionwalle", "dfApiName": "auctionwalle.page.getScenes",
            "dfVariables": json.dumps({"page": page, "zcBizTypes": [], "keyword": ""}), "dfUniqueId": "t"}


def handshake(rep) -> tuple[str, str]:
    """(Cookie header, token) after the first, unsigned call."""
    status, cookies, text = call(rep, LIST_API, "1.0", list_data(1))
    assert status == 200 and unwrap(text)["ret"] == ["FAIL_SYS_TOKEN_EMPTY::令牌为空"]
    jar = dict(c.split(";")[0].split("=", 1) for c in cookies)
    assert set(jar) == {"_m_h5_tk", "_m_h5_tk_enc"}
    assert all("Domain=taobao.com" in c for c in cookies)
    assert re.fullmatch(r"[0-9a-f]{32}_\d{13}", jar["_m_h5_tk"])
    return "; ".join(f"{k}={v}" for k, v in jar.items()) + "; cna=abcdefgh", jar["_m_h5_tk"].split("_")[0]


def test_first_call_sets_the_token_and_a_signed_call_gets_data(rep):
    cookie, token = handshake(rep)
    _, cookies, text = call(rep, LIST_API, "1.0", list_data(1), cookie, token)
    assert text.startswith(" mtopjsonp1(") and not cookies
    answer = unwrap(text)
    assert answer["ret"][0].startswith("SUCCESS::") and answer["api"] == LIST_API
    scheme = answer["data"]["data"]["scenes"][0]["schemeList"][0]
    assert scheme["pageSize"] == 10 and len(scheme["contentList"]) == 10 and scheme["hasNextPage"] is True
    assert scheme["totalCount"] == len(rep.generator.lots_for(1))


def test_bad_sign_forged_and_expired_tokens_are_refused(rep):
    cookie, token = handshake(rep)
    _, cookies, text = call(rep, LIST_API, "1.0", list_data(1), cookie, token, sign="0" * 32)
    assert unwrap(text) == {"api": LIST_API, "data": {}, "ret": ["FAIL_SYS_ILLEGAL_ACCESS::非法请求"], "v": "1.0"}
    assert not cookies
    forged = cookie.replace(token, "f" * 32)
    _, cookies, text = call(rep, LIST_API, "1.0", list_data(1), forged, "f" * 32)
    assert unwrap(text)["ret"] == ["FAIL_SYS_TOKEN_ILLEGAL::非法令牌"] and cookies
    rep.set_night(3)  # two days later: the token's expiry has passed
    try:
        _, cookies, text = call(rep, LIST_API, "1.0", list_data(1), cookie, token)
        assert unwrap(text)["ret"] == ["FAIL_SYS_TOKEN_EXOIRED::令牌过期"] and cookies
    finally:
        rep.set_night(1)


def test_pages_cover_every_lot_once_in_fen_with_the_html_sites_ids(rep):
    cookie, token = handshake(rep)
    truth = {lot.item_id: lot for lot in rep.generator.lots_for(1)}
    seen: list[int] = []
    page = 1
    while True:
        scheme = unwrap(call(rep, LIST_API, "1.0", list_data(page), cookie, token, jsonp=False)[2])
        scheme = scheme["data"]["data"]["scenes"][0]["schemeList"][0]
        for row in scheme["contentList"]:
            lot = truth[int(row["itemId"])]
            assert row["currentPrice"] == round(lot.current_price * 100)
            assert row["extraMap"]["bail"] == round(lot.deposit * 100)
            assert row["extraMap"]["status"] == lot.status
            assert row["auctionLink"] == lot.item_url
            seen.append(lot.item_id)
        if not scheme["hasNextPage"]:
            assert 0 < len(scheme["contentList"]) <= 10
            break
        page += 1
    assert sorted(seen) == sorted(truth)


def test_detail_needs_cna_and_gives_prices_in_fen(rep):
    cookie, token = handshake(rep)
    lot = rep.generator.lots_for(1)[0]
    no_cna = cookie.replace("; cna=abcdefgh", "")
    _, _, text = call(rep, DETAIL_API, "3.0", {"itemId": str(lot.item_id)}, no_cna, token, extra={"value": "SFPM_H5"})
    answer = unwrap(text)
    assert answer["ret"][0].startswith("RGV587_ERROR::") and "x5secdata=" in answer["data"]["url"]
    _, _, text = call(rep, DETAIL_API, "3.0", {"itemId": str(lot.item_id)}, cookie, token, extra={"value": "SFPM_H5"})
    item = unwrap(text)["data"]
    assert item["itemId"] == lot.item_id and item["startPrice"] == round(lot.initial_price * 100)
    assert item["foregiftPrice"] == round(lot.deposit * 100) and item["bidStatus"] == lot.status
    _, _, text = call(rep, DETAIL_API, "3.0", {"itemId": "1"}, cookie, token)
    assert unwrap(text)["ret"][0].startswith("FAIL_BIZ_")


def test_content_gives_the_claim_tables_of_a_debt_lot(rep):
    cookie, token = handshake(rep)
    lots = rep.generator.lots_for(1)
    debt = next(lot for lot in lots if lot.debt)
    other = next(lot for lot in lots if not lot.debt)
    content_api = "mtop.com.taobao.auction.project.content.get"
    _, _, text = call(rep, content_api, "1.0", {"projectId": debt.project_id}, cookie, token)
    content = unwrap(text)["data"]["content"]
    assert "债权本金：" in content and debt.debt.debtor in content
    _, _, text = call(rep, content_api, "1.0", {"projectId": other.project_id}, cookie, token)
    assert unwrap(text)["data"] == {"content": "没有标的物介绍"}
