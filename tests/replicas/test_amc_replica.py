"""The AMC replicas serve each site's documented shapes (shared/sources.md §3), deterministically, night by night —
over a real socket for the POST APIs."""

from __future__ import annotations

import http.client
import json
import re
from html import escape
from urllib.parse import urlencode

import pytest

from replicas.amc import AmcGenerator
from replicas.amc.generator import GW_PROVINCE_IDS, GW_TRADES, GW_TYPES, MONEY_FORMS, NIGHT2_KINDS
from replicas.amc.notices import body_html
from replicas.amc.sites import CINDA_API, CINDA_DETAIL, COAMC_API, CiticSite, amc_sites, coamc_url
from replicas.server import ReplicaServer


@pytest.fixture(scope="module")
def gen():
    return AmcGenerator(seed=7)


@pytest.fixture
def sites(gen):
    return dict(zip(("gwamc", "citic", "cinda", "coamc"), amc_sites(gen)))


def get(site, host, path):
    return site.handle(host, path)


def test_the_plan_is_deterministic_and_night_two_only_adds(gen):
    again = AmcGenerator(seed=7)
    for amc in ("gwamc", "citic", "cinda", "coamc"):
        assert again.notices(amc, 2) == gen.notices(amc, 2)
        one, two = gen.notices(amc, 1), gen.notices(amc, 2)
        assert len(one) == 30 and len(two) == 30 + len(NIGHT2_KINDS)
        assert {n.notice_id for n in one} < {n.notice_id for n in two}
        assert all(n.published.date() == gen.base_date for n in two if n not in one)
        assert len({n.notice_id for n in two}) == len(two)
    assert AmcGenerator(seed=8).notices("citic", 1) != gen.notices("citic", 1)
    assert len(gen.assets(2)) == len(gen.assets(1)) + 5


def test_some_notices_change_status_between_the_nights(gen):
    for amc in ("gwamc", "citic", "cinda", "coamc"):
        changed = {(n.status_at(gen.night_time(1)), n.status_at(gen.night_time(2))) for n in gen.notices(amc, 1)}
        assert ("ongoing", "ended") in changed and ("upcoming", "ongoing") in changed


def test_every_table_quirk_is_served(gen):
    notices = [n for amc in ("gwamc", "citic", "cinda", "coamc") for n in gen.notices(amc, 1)]
    assert {n.style for n in notices} >= {"A", "B", "C", "D", "E", "F", "G"}
    assert {loan.currency for n in notices for loan in n.loans} == {"CNY", "USD", "HKD"}
    assert any(n.households and n.households > len(n.loans) for n in notices)  # a table of the first households
    assert {a.path.rsplit(".", 1)[1] for n in notices for a in n.attachments} == {"pdf", "xls", "xlsx"}
    assert {n.mojibake for n in gen.notices("coamc", 1)} == {"", "fields", "page"}


def test_the_real_prose_forms_are_served(gen):
    """The forms real notice bodies showed: 东方's 【】 blanks, a 总金额为 summary sentence, a body that repeats the
    branch name and the title twice at its top."""
    bodies = {amc: [(n, body_html(n)) for n in gen.notices(amc, 1)] for amc in ("gwamc", "citic", "coamc")}
    assert any(re.search(r"未偿本金人民币【[\d,.]+】万元，未偿利息人民币【[\d,.]+】万元", b) for _, b in bodies["coamc"])
    assert any("总金额为" in b for amc in ("gwamc", "citic") for _, b in bodies[amc])
    assert any(b.count(escape(n.title)) >= 2 and b.count(escape(n.branch)) >= 3 for amc in ("gwamc", "citic")
               for n, b in bodies[amc])


# ------------------------------------------------------------------ Great Wall


def test_great_wall_lists_and_the_js_only_notice_page(sites, gen):
    gw = sites["gwamc"]
    listed = json.loads(get(gw, "www.gwamcc.com", "/Ajax/GetArticleList.ashx?pIndex=2&pSize=20&liName=64").body)
    assert set(listed) == {"ds"} and len(listed["ds"]) == 10
    assert set(listed["ds"][0]) == {"ID", "Title", "ActionDate"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", listed["ds"][0]["ActionDate"])
    notice_id = listed["ds"][0]["ID"]
    shell = get(gw, "www.gwamcc.com", f"/HiringDetail.aspx?ID={notice_id}")
    html = shell.body.decode()
    assert shell.kind == "shell" and '<div id="divContent" class="article_content"></div>' in html
    assert "<table" not in html and 'src="/js/HiringDetail.js"' in html
    script = get(gw, "www.gwamcc.com", "/js/HiringDetail.js").body.decode()
    assert "/Ajax/GetArticleInfo.ashx?ID=" in script and 'getElementById("divContent").innerHTML' in script
    info = json.loads(get(gw, "www.gwamcc.com", f"/Ajax/GetArticleInfo.ashx?ID={notice_id}&t=1").body)["ds"][0]
    assert info["ID"] == notice_id and "<p" in info["Content"]
    assert get(gw, "www.gwamcc.com", "/HiringDetail.aspx?ID=1").status == 404


def test_great_wall_asset_list_pages_and_money_total_forms(sites, gen):
    gw = sites["gwamc"]
    page1 = json.loads(get(gw, "www.gwamcc.com", "/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=0&t=1&_=2").body)
    page2 = json.loads(get(gw, "www.gwamcc.com", "/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=1").body)
    assert page1["pager"] == [{"pCount": 2}] and len(page1["ds"]) == 100 and len(page2["ds"]) == 30
    assert list(page1["ds"][0]) == ["ADate", "City", "CityName", "ID", "MoneyTotal", "PName", "ProName", "ProType",
                                    "ProTypeName", "Trade", "TradeName", "r_n"]
    assert [row["r_n"] for row in page2["ds"]][:2] == [101, 102]  # pIndex counts from 0, as on the real site
    # the real shape (a dump of the live list): PName the site's province number, CityName its short name, City a
    # number, TradeName / ProTypeName among the real values
    for row in page1["ds"] + page2["ds"]:
        assert GW_PROVINCE_IDS[row["CityName"]] == row["PName"] and isinstance(row["City"], int), row
        assert (row["Trade"], row["TradeName"]) in GW_TRADES and GW_TYPES[row["ProTypeName"]] == row["ProType"], row
    assert "制造业\r\n" in {row["TradeName"] for row in page1["ds"] + page2["ds"]}
    texts = [row["MoneyTotal"] for row in page1["ds"] + page2["ds"]]
    patterns = {
        "yuan_as_of": r"[\d,]+\.\d\d元（截止\d{4}年\d+月\d+日）", "wan": r"\d+\.\d+万元", "bare_commas": r"\d{1,3}(,\d{3})+\.\d\d",
        "range": r"\d+-\d+万元", "below": r"\d+万元以下", "above": r"\d亿以上", "shares": r"\d+万股（.*）",
        "prefixed": r"债权总额：[\d,.]+万元", "bare": r"\d+",
        "split": r"债权本金\d+\.\d\d万元，债权利息\d+\.\d\d万元，基准日\d{4}-\d\d-\d\d",
        "book_value": r"抵债资产账面值：[\d,]+\.\d\d元", "and_interest": r"本金\d+万元及相应利息",
        "foreign": r"债权总额：[\d.]+万美元（利息截至日期\d{4}年\d+月\d+日）", "area": r"房产面积：[\d.]+平方米",
        "pending": "待定", "nil": "无", "empty": "", "band": r"\d+万元-(\d+万元|1亿)",
    }
    assert set(patterns) == set(MONEY_FORMS)
    for form, pattern in patterns.items():  # every form on the list, in turn
        assert sum(bool(re.fullmatch(pattern, t)) for t in texts) >= len(texts) // len(MONEY_FORMS), form


# ------------------------------------------------------------------ CITIC


def test_citic_ssr_list_and_detail(sites, gen):
    citic = sites["citic"]
    page = get(citic, "www.famc.citic", "/ywjs/ywdt/zcczxx/index.shtml").body.decode()
    links = re.findall(r'href="(/ywjs/ywdt/zcczxx/\d{4}/\d+\.shtml)"', page)
    assert len(links) == 20 and 'href="index_2.shtml" class="next">下一页' in page
    last = get(citic, "www.famc.citic", "/ywjs/ywdt/zcczxx/index_2.shtml").body.decode()
    assert "下一页" not in last and get(citic, "www.famc.citic", "/ywjs/ywdt/zcczxx/index_3.shtml").status == 404
    notice = gen.notices("citic", 1)[0]
    detail = get(citic, "www.famc.citic", CiticSite.url(notice)).body.decode()
    assert f"<title>{notice.title}_中国中信金融资产管理股份有限公司</title>" in detail
    assert '<div class="blzcwz_text">' in detail and f"{notice.published:%Y-%m-%d}" in detail


# ------------------------------------------------------------------ Cinda and Orient, over HTTP


@pytest.fixture(scope="module")
def server():
    with ReplicaServer(seed=7, n_lots=20, night=1, interstitial_rate=0) as replica:
        yield replica


def request(server, host, path, form=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    body = urlencode(form).encode() if form is not None else None
    headers = {"Host": host, **({"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {})}
    conn.request("POST" if body is not None else "GET", path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.getheader("Content-Type"), response.read()


def test_cinda_lists_by_post_only(server):
    status, _, _ = request(server, "www.cinda.com.cn", CINDA_API)
    assert status == 405
    status, kind, body = request(server, "www.cinda.com.cn", CINDA_API,
                                 {"currentPage": "3", "pageSize": "10", "seachbulltin": "bulletin"})
    data = json.loads(body)["data"]
    assert status == 200 and "json" in kind and data["pageCount"] == 3 and len(data["data"]) == 10
    assert set(data["data"][0]) == {"id", "code", "name", "createtime", "amount", "dealoffice"}
    status, _, detail = request(server, "www.cinda.com.cn", f"{CINDA_DETAIL}?bulletintno={data['data'][0]['id']}")
    text = detail.decode()
    assert status == 200 and "编号：" in text and "发布时间：" in text and "相关资产信息" in text
    assert re.search(r"资产总额（单位：万元）：人民币：\d", text) or "股权" in text


def test_orient_lists_by_type_with_latin1_labels_and_double_encoded_rows(server):
    form = {"title": "", "type": "ASSET_DISPOSITION", "branchId": "", "condition": "0", "pageSize": "5",
            "page": "1", "noticeCate": "1"}
    status, kind, body = request(server, "sales.coamc.com.cn", COAMC_API, form)
    assert status == 200 and kind == "application/json;charset=ISO-8859-1"
    page = json.loads(body.decode("utf-8"))["data"]["data"]
    assert page["totalPages"] >= 2 and len(page["content"]) == 5
    assert set(page["content"][0]) >= {"id", "title", "url", "auditTime", "addTime", "branchName", "typeKey"}
    every = []
    for type_key in ("DEBTS_DISPOSITION", "CREDIT_DISPOSITION", "ASSET_DISPOSITION", "STOCK_DISPOSITION",
                     "MULTI_DISPOSITION", "INVESTMENT", "MARKETING"):
        rows = json.loads(request(server, "sales.coamc.com.cn", COAMC_API,
                                  {**form, "type": type_key, "pageSize": "50", "noticeCate": ""})[2])
        every += rows["data"]["data"]["content"]
    assert len(every) == 30 and any("ä¸" in row["title"] for row in every)  # UTF-8 read as latin1, stored
    notice = next(n for n in server.amc_generator.notices("coamc", 1) if n.mojibake == "page")
    status, kind, body = request(server, "sales.coamc.com.cn", coamc_url(notice))
    assert status == 200 and kind == "text/html;charset=ISO-8859-1"
    assert 'class="notice-detail clear"' in body.decode() and notice.branch not in body.decode()


def test_robots_and_unknown_paths(server):
    for host in ("www.gwamcc.com", "www.famc.citic", "www.cinda.com.cn", "sales.coamc.com.cn"):
        status, _, body = request(server, host, "/robots.txt")
        assert status == 200 and b"User-agent: *" in body
        assert request(server, host, "/no/such/page.html")[0] == 404
