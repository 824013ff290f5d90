"""The replica server's ``antibot`` fault on the sites whose block answer was missing (it answered 500) or was a
403 their spider dropped quietly: the mtop API, the four AMC sites, CBEX, JD, 中拍平台 and the court aggregator
(rmfysszc). For each family, what the replica answers (the real site's block answer where it
is known, a plain 403 where it is not) and what the spider does with it: a block for a while is retried and costs
no lot; a block all night fails the source loudly, with the give-up counted, and stages nothing."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import datetime
from zoneinfo import ZoneInfo

from urllib.parse import urlencode

import duckdb
import pytest

from crawlers.parsers import alibaba_mtop, caa123, cbex
from crawlers.parsers.base import InterstitialPage
from crawlers.runner import run_crawl
from crawlers.spiders import caa123 as caa123_spider, rmfysszc as rmfysszc_spider
from crawlers.spiders.jd_auction import search_url as jd_search_url
from replicas.server import ReplicaServer

NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
MTOP = "h5api.m.taobao.com"
REPLICA_LOTS = 50
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("no_faults")]  # replica, no_faults: tests/conftest.py


def get(replica: ReplicaServer, host: str, target: str, data: bytes | None = None) -> tuple[int, dict, bytes]:
    """(status, headers, body) of a request to ``host`` on the replica; an HTTP error status is returned, not
    raised."""
    request = urllib.request.Request(replica.base_url + target, data=data, headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def crawl(replica: ReplicaServer, source: str, tmp_path, **spider_args: str):
    return run_crawl(source, tmp_path / "runs", replica=replica.base_url, clock=NIGHT_1, timeout=300,
                     spider_args=spider_args or None)


def assert_blocked_all_night(result, gave_up_stat: str = "salvage/interstitials_gave_up") -> None:
    """A source blocked on every request: failed, the give-up counted, nothing staged (no lot, no reject row)."""
    assert result.meta.status == "failed", result.meta.error
    assert "zero items" in result.meta.error
    assert result.meta.stats.get(gave_up_stat, 0) >= 1, result.meta.stats
    assert (result.meta.items, result.meta.rejects) == (0, 0)


# --------------------------------------------------------------------------------------------- mtop


LIST_TARGET = ("/h5/mtop.taobao.datafront.invoke.auctionwalle/1.0/?jsv=2.7.5&appKey=12574478&t=1&sign=x"
               "&api=mtop.taobao.datafront.invoke.auctionwalle&v=1.0&type=jsonp&dataType=jsonp&callback=mtopjsonp3"
               "&data=%7B%22dfApp%22%3A%22auctionwalle%22%7D")


def test_mtop_antibot_is_the_gateways_risk_control_answer_and_the_parser_calls_it_a_block(replica):
    replica.set_fault(MTOP, "antibot", count=1)
    status, headers, body = get(replica, MTOP, LIST_TARGET)
    text = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("application/javascript")
    match = re.fullmatch(r" ?mtopjsonp3\((.*)\)", text, re.DOTALL)
    assert match, text
    envelope = json.loads(match.group(1))
    assert envelope["ret"] == ["FAIL_SYS_USER_VALIDATE", "RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"]
    assert envelope["api"] == alibaba_mtop.LIST_API and envelope["v"] == "1.0"
    assert re.fullmatch(r"https://h5api\.m\.taobao\.com:443//h5/mtop\.taobao\.datafront\.invoke\.auctionwalle/1\.0/"
                        r"_____tmd_____/punish\?x5secdata=[0-9a-f]{40}&x5step=1", envelope["data"]["url"])
    assert alibaba_mtop.is_interstitial(body)  # what the anti-bot middleware retries on
    with pytest.raises(InterstitialPage, match="FAIL_SYS_USER_VALIDATE"):
        alibaba_mtop.parse_list(body, "https://" + MTOP + LIST_TARGET, NIGHT_1)
    # the fault is spent: the same call is the gateway's usual answer again (no token yet)
    status, _, body = get(replica, MTOP, LIST_TARGET)
    assert status == 200 and "FAIL_SYS_TOKEN_EMPTY" in body.decode()


def test_mtop_blocked_for_a_while_is_retried_and_all_night_fails_the_source(replica, tmp_path):
    healthy = crawl(replica, "alibaba_sf", tmp_path / "healthy", generation="mtop")
    assert healthy.meta.status == "ok" and healthy.meta.items > 0, healthy.meta.error
    replica.set_fault(MTOP, "antibot", count=6)
    passing = crawl(replica, "alibaba_sf", tmp_path / "while", generation="mtop")
    assert passing.meta.status == "ok", passing.meta.error
    assert passing.meta.items == healthy.meta.items
    # robots.txt takes the first blocked answer (read as "no rules", never retried); the other 5 are retried
    assert passing.meta.stats["salvage/interstitials"] == 5
    replica.set_fault(MTOP, "antibot")
    assert_blocked_all_night(crawl(replica, "alibaba_sf", tmp_path / "forever", generation="mtop"))


# --------------------------------------------------------------------------------------------- CBEX


CBEX = "www.cbex.com.cn"
CBEX_LIST = "/xm/zqzc/ypl/"


def cbex_get(replica: ReplicaServer, cookies: dict[str, str]) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(replica.base_url + CBEX_LIST, headers={
        "Host": CBEX, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def cbex_pass_gate(replica: ReplicaServer) -> dict[str, str]:
    """The cookies of a session through the Jiasule gate (its two 521 steps solved as the spider solves them)."""
    status, headers, body = cbex_get(replica, {})
    assert status == 521
    cookies = {"__jsluid_s": headers["Set-Cookie"].split(";")[0].split("=", 1)[1]}
    for _ in range(2):
        name, value = cbex.jsl_challenge(body, CBEX_LIST)
        cookies[name] = value
        status, _, body = cbex_get(replica, cookies)
    assert status == 200 and b"projectList" in body
    return cookies


def test_cbex_antibot_is_the_jiasule_gate_again_even_with_a_good_clearance(replica):
    cookies = cbex_pass_gate(replica)
    replica.set_fault(CBEX, "antibot", count=1)
    status, headers, body = cbex_get(replica, cookies)
    assert status == 521 and body.startswith(b"<script>document.cookie=")
    assert "Set-Cookie" not in headers  # the session is known: challenged again, not replaced
    name, value = cbex.jsl_challenge(body, CBEX_LIST)
    assert name == "__jsl_clearance_s" and value != cookies[name]
    # the old clearance is spent; the new one, solved through the gate's second step, opens the page again
    assert cbex_get(replica, cookies)[0] == 521
    status, _, body = cbex_get(replica, {**cookies, name: value})
    assert status == 521 and b"go({" in body
    name, value = cbex.jsl_challenge(body, CBEX_LIST)
    assert cbex_get(replica, {**cookies, name: value})[0] == 200


def test_cbex_blocked_for_a_while_is_solved_again_and_all_night_fails_the_source(replica, tmp_path):
    healthy = crawl(replica, "cbex", tmp_path / "healthy")
    assert healthy.meta.status == "ok" and healthy.meta.items > 0, healthy.meta.error
    replica.reset_stats()
    replica.set_fault(CBEX, "antibot", count=4)
    passing = crawl(replica, "cbex", tmp_path / "while")
    assert replica.stats()["faults"] == {"antibot": 4}
    assert passing.meta.status == "ok", passing.meta.error
    assert passing.meta.items == healthy.meta.items
    assert not passing.meta.stats.get("salvage/interstitials_gave_up")
    replica.set_fault(CBEX, "antibot")
    assert_blocked_all_night(crawl(replica, "cbex", tmp_path / "forever"))


# --------------------------------------------------------------------------------------------- AMC


AMC_LISTS = {  # source: (host, a list request: target and POST form or None)
    "gwamc_notice": ("www.gwamcc.com", "/Ajax/GetArticleList.ashx?pIndex=1&pSize=20&liName=64", None),
    "citic_amc_notice": ("www.famc.citic", "/ywjs/ywdt/zcczxx/index.shtml", None),
    "cinda_notice": ("www.cinda.com.cn", "/api/asset/wtdf/json/bulletin/listData",
                     b"currentPage=1&pageSize=10&seachbulltin=bulletin"),
    "coamc_notice": ("sales.coamc.com.cn", "/coamc/api/getNoticePage",
                     b"title=&type=CREDIT_DISPOSITION&branchId=&condition=0&pageSize=10&page=1&noticeCate=1"),
}
AMC_KEYS = {"gwamc_notice": "gwamc", "citic_amc_notice": "citic", "cinda_notice": "cinda", "coamc_notice": "coamc"}


@pytest.mark.parametrize("source", AMC_LISTS)
def test_amc_antibot_is_a_plain_403_that_no_parser_reads(replica, source):
    host, target, form = AMC_LISTS[source]
    healthy = get(replica, host, target, form)
    assert healthy[0] == 200
    replica.set_fault(host, "antibot", count=1)
    status, _, body = get(replica, host, target, form)
    assert status == 403 and b"403 Forbidden" in body and body != healthy[2]
    assert get(replica, host, target, form)[0] == 200  # one request's fault, spent


@pytest.mark.parametrize("source", AMC_LISTS)
def test_amc_blocked_for_a_while_is_retried_and_all_night_fails_the_source(replica, source, tmp_path):
    host = AMC_LISTS[source][0]
    amc = AMC_KEYS[source]
    expected = len(replica.amc_generator.notices(amc, 1)) + (len(replica.amc_generator.assets(1))
                                                             if amc == "gwamc" else 0)
    replica.reset_stats()
    replica.set_fault(host, "antibot", count=4)
    passing = crawl(replica, source, tmp_path / "while")
    assert replica.stats()["faults"] == {"antibot": 4}
    assert passing.meta.status == "ok", passing.meta.error
    assert passing.meta.items == expected
    # robots.txt takes the first 403 (read as "no rules"); the 3 list requests refused after it are retried
    assert passing.meta.stats["salvage/interstitials"] == 3
    replica.set_fault(host, "antibot")
    assert_blocked_all_night(crawl(replica, source, tmp_path / "forever"))


# --------------------------------------------------------------------------------------------- JD, 中拍平台, rmfysszc


OTHER_403_LISTS = {  # source: (the hosts its spider requests, a list request on the first: target, POST form or None)
    "jd_auction": (("api.m.jd.com",), jd_search_url(101).removeprefix("https://api.m.jd.com"), None),
    "caa123": ((caa123.SF_HOST, caa123.PM_HOST), caa123_spider.SF_LIST.removeprefix("https://" + caa123.SF_HOST),
               None),
    "rmfysszc": (("www.rmfysszc.gov.cn",), "/ProjectHandle.shtml", urlencode({**rmfysszc_spider.FORM, "page": "1"})
                 .encode()),
}


@pytest.mark.parametrize("source", OTHER_403_LISTS)
def test_jd_caa123_and_rmfysszc_antibot_is_a_plain_403_that_no_parser_reads(replica, source):
    hosts, target, form = OTHER_403_LISTS[source]
    healthy = get(replica, hosts[0], target, form)
    assert healthy[0] == 200
    replica.set_fault(hosts[0], "antibot", count=1)
    status, _, body = get(replica, hosts[0], target, form)
    assert status == 403 and b"403 Forbidden" in body and body != healthy[2]
    assert get(replica, hosts[0], target, form)[0] == 200  # one request's fault, spent


def staged_lot_ids(result) -> list[str]:
    """The run's staged lots, by ``source_lot_id``, sorted."""
    rows = duckdb.sql(f"SELECT source_lot_id FROM '{result.paths.lots}' ORDER BY 1").fetchall()
    return [row[0] for row in rows]


@pytest.mark.parametrize("source", OTHER_403_LISTS)
def test_jd_caa123_and_rmfysszc_blocked_for_a_while_is_retried_and_all_night_fails_the_source(replica, source,
                                                                                              tmp_path):
    hosts = OTHER_403_LISTS[source][0]
    healthy = crawl(replica, source, tmp_path / "healthy")
    assert healthy.meta.status == "ok" and healthy.meta.items > 0, healthy.meta.error
    replica.reset_stats()
    replica.set_fault(list(hosts), "antibot", count=4)
    passing = crawl(replica, source, tmp_path / "while")
    assert replica.stats()["faults"] == {"antibot": 4 * len(hosts)}
    assert passing.meta.status == "ok", passing.meta.error
    assert staged_lot_ids(passing) == staged_lot_ids(healthy)  # not a lot lost to the 403s
    # on each host robots.txt takes the first 403 (read as "no rules"); the 3 requests refused after it are retried
    assert passing.meta.stats["salvage/interstitials"] == 3 * len(hosts)
    assert not passing.meta.stats.get("salvage/interstitials_gave_up")
    replica.set_fault(list(hosts), "antibot")
    assert_blocked_all_night(crawl(replica, source, tmp_path / "forever"))


# --------------------------------------------------------------------------------------------- every site


def test_every_host_of_the_server_has_a_block_answer_and_none_is_a_500(replica):
    """No site is left without ``_antibot`` (the server would answer the fault with a 500 of its own)."""
    hosts = sorted({host for site in replica.sites for host in site.hosts})
    replica.reset_stats()
    replica.set_fault(hosts, "antibot")
    answers = {host: get(replica, host, "/some/page.htm?x=1")[0] for host in hosts}
    assert replica.stats()["faults"] == {"antibot": len(hosts)}
    assert not [host for host, status in answers.items() if status >= 500 and status != 521], answers
