"""CBEX parser pieces the golden cases do not show: the Jiasule solver against the replica's gate (and its refusal of
a script it cannot read), the fast decode against `clean_text`, and the errors a bad page gets."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from crawlers.parsers import cbex, parse_page
from crawlers.parsers.base import InterstitialPage, ParseError, clean_text
from replicas.cbex import CbexGenerator, CbexSite

AT = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = "https://www.cbex.com.cn/xm/zqzc/ypl/"


def test_the_solver_passes_both_steps_of_the_gate_and_a_wrong_cookie_is_sent_back():
    jar: dict[str, str] = {}
    site = CbexSite(CbexGenerator(), cookies=lambda: "; ".join(f"{k}={v}" for k, v in jar.items()))
    first = site.handle("www.cbex.com.cn", "/xm/zqzc/ypl/")
    assert first.status == 521 and cbex.is_interstitial(first.body)
    jar["__jsluid_s"] = dict(first.headers)["Set-Cookie"].split(";")[0].split("=", 1)[1]
    name, value = cbex.jsl_challenge(first.body, URL)
    assert name == "__jsl_clearance_s" and "|-1|" in value
    jar[name] = value
    second = site.handle("www.cbex.com.cn", "/xm/zqzc/ypl/")
    assert second.status == 521 and b";go({" in second.body
    name, value = cbex.jsl_challenge(second.body, URL)
    jar[name] = value[:-1] + ("A" if value[-1] != "A" else "B")  # one character off: challenged again
    assert site.handle("www.cbex.com.cn", "/xm/zqzc/ypl/").status == 521
    jar[name] = value
    third = site.handle("www.cbex.com.cn", "/xm/zqzc/ypl/")
    assert third.status == 200 and not cbex.is_interstitial(third.body)


def test_a_challenge_the_solver_cannot_read_is_an_error_naming_source_and_url():
    with pytest.raises(ParseError, match=r"cbex.*www\.cbex\.com\.cn.*unknown form"):
        cbex.jsl_challenge(b"<script>document.cookie=('_')+(function(){return 'x'})();location.href='/'</script>", URL)
    with pytest.raises(ParseError, match="no two characters"):
        cbex.jsl_challenge(b'<script>;go({"bts":["a","b"],"chars":"xy","ct":"00","ha":"sha1"})</script>', URL)
    with pytest.raises(InterstitialPage):
        parse_page("cbex", b"<script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')"
                           b"+('r')+('a')+('n')+('c')+('e')+('_')+('s')+('=')+('1');location.href='/'</script>",
                   URL, AT)


@pytest.mark.parametrize("dirty", [
    "标题\x1b[31m红\x00字", "零\u200b宽", "\ufeffBOM", '{"t": "\\u001b[31m红"}', "<p>&#27;[31m红&#8203;字</p>",
    "C1\x85控制", "普通标题，“引号”：全角", "a\tb\nc\r\nd",
])
def test_decode_gives_what_clean_text_gives(dirty: str):
    body = dirty.encode("utf-8")
    assert cbex.decode(body) == clean_text(dirty)


def test_a_page_without_a_project_code_and_a_list_that_is_not_json_are_refused():
    page = "<html><body><div id='project-table-box'><table><tr><td>项目名称</td><td>某债权</td></tr></table>" \
           "</div></body></html>"
    with pytest.raises(ParseError, match="项目编号"):
        cbex.parse_detail(page.encode(), "https://www.cbex.com.cn/xm/zqzc/2026/11/x.html", AT)
    with pytest.raises(ParseError, match="not JSON"):
        cbex.parse_list(b"jQuery1_2({data: oops});", URL, AT)
    with pytest.raises(ParseError, match="data.data"):
        cbex.parse_list(b'{"data": {"rows": []}}', URL, AT)


@pytest.mark.parametrize("path", [
    "/xm/jrzc/tj/2026/11/TJ2026BJ1002146.html", "/xm//a.html", "/xm/a.html?", "/a#", "/a;", "/a/./b", "/a/../b",
    "/..", "/", "/x/中文.html", "/a%20b", "/http://www.cbex.com.cn/x", "/a.", "//www.cbex.com/xm/a.html",
    " /xm/a.html ", "xm/a.html", "http://www.cbex.com/xm/a.html", "/a?b=1#c",
])
def test_a_plain_site_path_is_made_absolute_as_urljoin_makes_it(path: str):
    import re
    from urllib.parse import urljoin

    url = path.strip()
    if url.startswith("//"):
        url = "https:" + url
    joined = urljoin(cbex.BASE + "/", url)
    expected = re.sub(r"^https?://www\.cbex\.com(?=/)", cbex.BASE, joined).replace("http://www.cbex.com.cn", cbex.BASE)
    assert cbex.absolute(path) == expected


@pytest.mark.parametrize("body", [
    b'/**/jQuery1_2({"data":{"data":[{"code":"G32026BJ1000001","url":"/xm/a.html","name":" \xe5\x80\xba "}],'
    b'"totalPage":2}});',
    b'\xef\xbb\xbf{"data":{"data":[{"code":"G32026BJ1000001","url":"/xm/a.html","name":"a"}],"totalPage":2}}',
    b'jQuery1_2({"data":{"data":[{"code":"G32026BJ1000001","url":"/xm/a.html","name":"\\u001b[31m\xe7\xba\xa2"}]}})',
    b'jQuery1_2({"data":{"data":[{"code":"G32026BJ1000001","url":"/xm/a.html","name":"\xe9\x9b\xb6\xe2\x80\x8b"}]}})',
    b'jQuery1_2({"data":{"data":[{"code":"G32026BJ1000001","url":"/xm/a.html","name":"\xff\xfe"}]}})',
])
def test_a_list_read_from_its_bytes_is_the_list_read_from_its_cleaned_text(body: bytes):
    from_bytes = cbex.parse_list(body, URL + "?fromPage=1", AT)
    from_text = cbex.parse_list(cbex.decode(body), URL + "?fromPage=1", AT)
    assert from_bytes.records == from_text.records and from_bytes.next_url == from_text.next_url


def test_labels_are_read_as_their_text_nodes_stripped_one_by_one():
    cells = ("<td>项目<b>编号</b>：</td><td>G32026BJ1000001</td><td> 项目名称 </td><td>某债权</td>"
             "<td>债务\u3000人</td><td>甲公司</td><td>债\n权 本金</td><td>100万元</td><td>利 息</td><td>5万元</td>"
             "</tr><tr><td>主债务 \n<br>人</td><td>乙公司</td>")
    page = f"<html><body><div id='project-table-box'><table><tr>{cells}</tr></table></div></body></html>"
    record = cbex.parse_detail(page.encode(), "https://www.cbex.com.cn/xm/zqzc/2026/11/x.html", AT)
    # 项目<b>编号</b> is one label over two text nodes, spaces go; whitespace inside a text node that is not a space
    # stays, so 债务\u3000人 and 债\n权本金 are no labels; a line break at a node's end goes (主债务 \n<br>人)
    assert (record["source_lot_id"], record["title"], record["interest"]) == ("G32026BJ1000001", "某债权", "5万元")
    assert record["debtor"] == "乙公司" and "principal" not in record
