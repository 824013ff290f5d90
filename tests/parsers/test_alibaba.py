"""Focused tests of the shared Alibaba helpers (crawlers/parsers/alibaba.py); whole pages are in tests/golden."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from crawlers.parsers import alibaba, alibaba_sf, alibaba_zc, parse_page
from crawlers.parsers.base import InterstitialPage, ParseError

GOLDEN = Path(__file__).parents[1] / "golden"
AT = datetime.fromisoformat("2026-11-20T02:00:00+08:00")
URL = "https://sf-item.taobao.com/sf_item/619653118427.htm"


def golden(source: str, case: str) -> bytes:
    (path,) = (GOLDEN / source / case).glob("input.*")
    return path.read_bytes()


def table(rows: str) -> dict[str, str] | None:
    return alibaba.price_table(LexborHTMLParser(f"<table><tbody id='J_HoverShow'>{rows}</tbody></table>"))


# ------------------------------------------------------------------ price table

def cell(label: str, value: str) -> str:
    return (f'<td><span class="pay-mark i-b">{label}</span><span class="pay-price">: <em class="m-i">&yen;</em>'
            f'<span class="J_Price">{value}</span></span></td>')


@pytest.mark.parametrize(
    "label",
    ["起拍价", "起 拍 价", "起&nbsp;拍&nbsp;价", "起\u3000拍\u3000价", " 起 拍 价 ：", "起\n  拍\t价"],
)
def test_price_label_matched_whatever_its_spacing(label: str) -> None:
    got = table(f"<tr>{cell(label, '3,300,000 ')}</tr>")
    assert got == {"起拍价": "3,300,000 "}
    assert alibaba.price_fields(got) == {"reserve_price": "3,300,000 "}


def test_price_table_maps_every_documented_label() -> None:
    rows = "<tr>" + "".join(
        cell(label, f"{i},000 ")
        for i, label in enumerate(["起 拍 价", "评 估 价", "市 场 价", "保 证 金", "加价幅度"], start=1)
    ) + "</tr>"
    assert alibaba.price_fields(table(rows)) == {
        "reserve_price": "1,000 ",
        "appraisal_price": "2,000 ",
        "market_price": "3,000 ",
        "deposit": "4,000 ",
        "increment": "5,000 ",
    }


@pytest.mark.parametrize(
    ("reserve_label", "deposit_label"), [("变 卖 价", "变卖预缴款"), ("起 始 价", "保 证 金")]
)
def test_sell_off_and_asset_labels(reserve_label: str, deposit_label: str) -> None:
    got = alibaba.price_fields(table(f"<tr>{cell(deposit_label, '5,000 ')}{cell(reserve_label, '24,990 ')}</tr>"))
    assert got == {"reserve_price": "24,990 ", "deposit": "5,000 "}


def test_text_cells_keep_their_text_and_non_amounts_are_dropped() -> None:
    rows = ('<tr><td><span class="pay-mark i-b">竞价周期</span><span>: 1天</span></td>'
            '<td><span class="pay-mark i-b">市 场 价</span><span>: 无</span></td>'
            '<td class="delay-td"><span class="pay-mark i-b">延时周期</span><span>：5分钟</span></td></tr>')
    got = table(rows)
    assert got == {"竞价周期": "1天", "市场价": "无", "延时周期": "5分钟"}
    assert alibaba.price_fields(got) == {}


def test_missing_price_table_is_none_and_detail_raises_naming_it() -> None:
    assert alibaba.price_table(LexborHTMLParser("<div class='pm-main'><h1>x</h1></div>")) is None
    page = '<div class="pm-main"><h1>【一拍】某房产</h1></div><input id="J_ItemId" value="619653118427">'
    with pytest.raises(ParseError) as err:
        alibaba_sf.parse_detail(page.encode(), URL, AT)
    assert (err.value.source, err.value.field, err.value.url) == ("alibaba_sf", "price_table", URL)


# ------------------------------------------------------------------ embedded JSON

@pytest.mark.parametrize(
    "script",
    [
        '<script id="sf-item-list-data" type="text/json">{"data":[{"id":1}]}</script>',
        "<script type='text/json' id='sf-item-list-data'>\n\n  {\"data\" : [ {\"id\" : 1 } ] }\n</script>",
        '<SCRIPT TYPE="text/json" ID="sf-item-list-data" >{"data":[{"id":1}]}</SCRIPT >',
        '<script type="text/json" class="sf-item-list-data" id="car-data">{"data":[{"id":1}]}</script>',
        '<script type="text/json" class="J_Data sf-item-list-data" id="house-data">[{"id":1}]</script>',
    ],
)
def test_list_data_blocks_found_whatever_the_attribute_layout(script: str) -> None:
    blocks = alibaba.list_data_blocks(f"<html><body>{script}</body></html>")
    assert len(blocks) == 1
    data = alibaba.loads(blocks[0][1], "alibaba_sf", "sf-item-list-data", URL)
    assert (data["data"] if isinstance(data, dict) else data) == [{"id": 1}]


def test_list_data_blocks_ignore_other_scripts() -> None:
    text = ('<script id="sf-item-list-data-config" type="text/json">{}</script>'
            '<script>var x = "sf-item-list-data";</script>'
            '<script class="sf-item-list-data-x" type="text/json">{}</script>')
    assert alibaba.list_data_blocks(text) == []


@pytest.mark.parametrize(
    "raw",
    [
        '{"data":[{"initialPrice":24990.00 ,\n\t"title":"x"  }  ]}',
        '{\r\n  "data" :\r\n [ {"initialPrice" :24990.00\t, "title":"x"} ]\r\n}',
        '{"data":[{"initialPrice":24990.00,"title":"x",},]}',  # trailing commas
        '{"data":[{"initialPrice":24990.00,"title":"x"}]}'.replace('"x"', '"x"\u3000'.strip()),
    ],
)
def test_loads_tolerates_odd_whitespace_and_trailing_commas(raw: str) -> None:
    assert alibaba.loads(raw, "alibaba_sf", "sf-item-list-data", URL) == {"data": [{"initialPrice": 24990.0, "title": "x"}]}


def test_loads_keeps_control_characters_inside_strings() -> None:
    got = alibaba.loads('{"title":"第一行\n第二行"}', "alibaba_sf", "sf-item-list-data", URL)
    assert got == {"title": "第一行\n第二行"}


def test_broken_json_raises_parse_error_naming_source_field_and_url() -> None:
    page = '<script id="sf-item-list-data" type="text/json">{"data":[{"id":1,</script>'
    with pytest.raises(ParseError) as err:
        alibaba_sf.parse_list(page.encode(), "https://sf.taobao.com/list/0.htm", AT)
    message = str(err.value)
    assert "alibaba_sf" in message and "'sf-item-list-data'" in message
    assert "https://sf.taobao.com/list/0.htm" in message and "does not parse" in message


def test_list_item_without_id_raises() -> None:
    page = '<script id="sf-item-list-data" type="text/json">{"data":[{"itemUrl":"//x/1.htm","title":"t"}]}</script>'
    with pytest.raises(ParseError, match=r"alibaba_zc: required field 'id' not found on https://zc"):
        alibaba_zc.parse_list(page.encode(), "https://zc-paimai.taobao.com/zc_item_list.htm", AT)


def test_page_with_neither_data_nor_empty_text_raises() -> None:
    with pytest.raises(ParseError) as err:
        alibaba_sf.parse_list(b"<html><body>maintenance</body></html>", "https://sf.taobao.com/list/0.htm", AT)
    assert err.value.field == "sf-item-list-data"


# ------------------------------------------------------------------ list pages: pagination and totals

def test_list_page_next_url_and_totals() -> None:
    url = "https://sf.taobao.com/item_list.htm?category=50025969&city=%B6%AB%DD%B8&page=2"
    page = alibaba_sf.parse_list(golden("alibaba_sf", "list_search_page"), url, AT)
    assert len(page.records) == 5
    assert page.next_url == (
        "https://sf.taobao.com/item_list.htm?category=50025969&auction_source=0&city=%B6%AB%DD%B8&sorder=0"
        "&st_param=-1&auction_start_seg=-1&page=3"
    )
    assert (page.total_items, page.total_pages) == (1234, 62)


def test_home_page_counts_every_block_once() -> None:
    page = alibaba_sf.parse_list(golden("alibaba_sf", "home_page_blocks"), "https://sf.taobao.com/", AT)
    assert page.extra["blocks"] == {
        "house-data": 2, "car-data": 1, "other-data": 1, "tomorrow-data": 2,
        "after-tomorrow-data": 0, "three-days-later-data": 1,
    }
    assert len(page.records) == 6  # 627001000102 is in house-data and tomorrow-data
    assert page.next_url is None and page.total_items is None


def test_empty_result_is_zero_records() -> None:
    page = alibaba_zc.parse_list(golden("alibaba_zc", "list_empty"), "https://zc-paimai.taobao.com/zc_item_list.htm", AT)
    assert (page.records, page.next_url, page.total_items) == ([], None, 0)


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ('<a class="next" href=" //sf.taobao.com/list/0.htm?page=2">下一页</a>', "https://sf.taobao.com/list/0.htm?page=2"),
        ('<a class="next" href="/list/0.htm?page=2">下一页</a>', "https://sf.taobao.com/list/0.htm?page=2"),
        ('<a class="next" href="//sf.taobao.com/item_list.htm?category=0&amp;page=2">下一页</a>',
         "https://sf.taobao.com/item_list.htm?category=0&page=2"),
        ('<a class="next" href="javascript:;">下一页</a>', None),
        ('<a class="next disabled" href="//sf.taobao.com/list/0.htm?page=2">下一页</a>', None),
        ('<span class="next">下一页</span>', None),
    ],
)
def test_next_page_link(href: str, expected: str | None) -> None:
    assert alibaba.next_page(href, "https://sf.taobao.com/list/0.htm?page=1") == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://sf.taobao.com/item_list.htm?category=50025969&page=2", "50025969"),
        ("https://sf.taobao.com/list/50025970.htm", "50025970"),
        ("https://sf.taobao.com/list/50025969__2.htm?page=1", "50025969"),
        ("https://sf.taobao.com/list/0.htm", None),
        ("https://sf.taobao.com/item_list.htm?category=0", None),
    ],
)
def test_url_category(url: str, expected: str | None) -> None:
    assert alibaba.url_category(url, ("category",)) == expected


# ------------------------------------------------------------------ decoding and interstitials

def test_declared_gbk_is_honoured_and_undeclared_utf8_read() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=gbk" /><h1>运城</h1>'
    assert "运城" in alibaba.decode(page.encode("gbk"))
    assert "运城" in alibaba.decode("<h1>运城</h1>".encode("utf-8"))
    assert "运城" in alibaba.decode("<h1>运城</h1>".encode("gbk"))  # undeclared, not UTF-8: GB18030 last
    assert "运城" in alibaba.decode(page.encode("utf-8"))  # declared GBK but served as UTF-8


@pytest.mark.parametrize(
    ("page", "marker"),
    [
        ("<div>亲，小二正忙，滑动一下马上回来</div>", "亲，小二正忙，滑动一下马上回来"),
        ("<title>霸下通用 web 页面 - 验证码</title>", "霸下通用 web 页面"),
        ("<script>// 将用户正常页面写入到 x5referer ，以备后续跳转返回</script>", "x5referer"),
        ('<script>location.href="https://sf.taobao.com/_____tmd_____/punish?x5secdata=a"</script>', "_____tmd_____/punish"),
        ('mtopjsonp1({"ret":["RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"]})', "RGV587_ERROR"),
        ("<html><head><title>淘宝网 - 登录</title></head><body>密码登录</body></html>", "login page"),
    ],
)
def test_interstitial_markers(page: str, marker: str) -> None:
    assert alibaba.is_interstitial(page.encode("utf-8")) == marker
    with pytest.raises(InterstitialPage) as err:
        parse_page("alibaba_sf", page.encode("utf-8"), URL, AT)
    assert err.value.marker == marker and err.value.url == URL


def test_content_pages_are_not_interstitials() -> None:
    for source, case in [("alibaba_sf", "detail_first_round_ongoing"), ("alibaba_sf", "list_search_page"),
                         ("alibaba_zc", "list_empty"), ("alibaba_zc", "desc_claim")]:
        assert alibaba.is_interstitial(golden(source, case)) is None, case
    # a real page's header links to the login page; its title is not a login title
    assert alibaba.is_interstitial('<title>登录后可出价</title><tbody id="J_HoverShow"></tbody>'.encode()) is None


# ------------------------------------------------------------------ detail helpers

@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("【第一次拍卖】运城空港…", ("第一次拍卖", "运城空港…")),
        ("  【 变卖 】 东莞市某房", ("变卖", "东莞市某房")),
        ("东莞市【精装】某房", (None, "东莞市【精装】某房")),
        ("【】某房", (None, "某房")),
    ],
)
def test_split_round(title: str, expected: tuple[str | None, str]) -> None:
    assert alibaba.split_round(title) == expected


def test_detail_links_are_absolute() -> None:
    links = alibaba_sf.detail_links(golden("alibaba_sf", "detail_first_round_ongoing"), URL)
    assert links["notice"] == "https://sf.taobao.com/json/get_notice_attach.htm?project_id=619653"
    assert links["attachments"] == "https://sf.taobao.com/json/get_gov_attach.htm?id=619653118427"
    assert links["bid_records"] == (
        "https://sf.taobao.com/json/get_bid_records.htm?id=619653118427&records_type=pageRecords"
    )
    assert links["desc"].startswith("https://desc.alicdn.com/i7/")
    assert set(links) == {"notice", "item_notice", "attachments", "desc", "bid_records"}


def test_a_detail_page_is_decoded_and_parsed_once_for_its_record_and_links(monkeypatch) -> None:
    """The spider asks for the record, then the links, of one response body: one decode and one tree for both, and
    another page (another object, even an equal one) is read anew, never answered from the last page's tree."""
    built = []
    real = alibaba.LexborHTMLParser
    monkeypatch.setattr(alibaba, "LexborHTMLParser", lambda text: built.append(text) or real(text))
    alibaba.detail_page.cache_clear()
    first, second = golden("alibaba_sf", "detail_first_round_ongoing"), golden("alibaba_sf", "detail_sold")
    record = alibaba_sf.parse_detail(first, URL, AT)
    links = alibaba_sf.detail_links(first, URL)
    assert len(built) == 1
    assert record["source_lot_id"] == "619653118427" and links["notice"].endswith("project_id=619653")
    other = alibaba_sf.detail_links(second, URL)
    assert len(built) == 2 and other != links
    alibaba.detail_page.cache_clear()
    assert other == alibaba_sf.detail_links(second, URL)  # what a fresh read of that page gives
    assert alibaba_sf.detail_links(bytes(bytearray(first)), URL) == links  # an equal copy: read again, the same
    assert len(built) == 4


def test_detail_without_title_names_the_field() -> None:
    page = '<input id="J_ItemId" value="619653118427"><div class="pm-main"><p>x</p></div>'
    with pytest.raises(ParseError, match=r"alibaba_sf: required field 'title' not found on https://sf-item"):
        alibaba_sf.parse_detail(page.encode(), URL, AT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("依（2026）晋08执恢123号执行裁定", "（2026）晋08执恢123号"),
        ("(2019)粤民终123号判决，(2020)粤0304执4567号", "(2020)粤0304执4567号"),
        ("案号：（ 2025 ）京0105执保 1234 号", "（2025）京0105执保1234号"),
        ("（2024）晋01民初2087号", "（2024）晋01民初2087号"),
        ("本公告无案号", None),
    ],
)
def test_notice_case_number(text: str, expected: str | None) -> None:
    body = ('{"data":[{"content":"' + text.replace('"', '\\"') + '"}]}').encode("utf-8")
    got = alibaba_sf.parse_notice(body, "https://sf.taobao.com/json/get_notice_attach.htm?project_id=1", AT)
    assert got == ({"case_number": expected} if expected else {})


def test_desc_empty_value_does_not_swallow_the_next_label() -> None:
    html = ('<tr><td>担保人：</td><td><span class="v"></span></td><td>债务人名称：</td>'
            '<td><span class="v">某公司</span></td></tr>')
    assert alibaba.desc_value(html, "担保人") is None
    assert alibaba.desc_value(html, "债务人名称") == "某公司"
    assert alibaba.desc_value(">有无担保人：</td><td><span>有</span>", "担保人") is None


def test_desc_values_reads_every_label_as_desc_value_does() -> None:
    from pathlib import Path

    labels = [label for group in alibaba.DESC_LABELS.values() for label in group]
    empty_then_value = ('<tr><td>担保人：</td><td><span class="v"></span></td><td>债务人名称：</td>'
                        '<td><span class="v">某公司</span></td></tr>')
    no_value_then_value = '>债权本金：1,000<p>x</p>>债权本金：<b>2,000万元</b><>基准日：</td><td>2026年1月1日<'
    pages = [empty_then_value, no_value_then_value, ">有无担保人：</td><td><span>有</span>"]
    golden = Path(__file__).parent.parent / "golden"
    pages += [alibaba.fragment_text(p.read_bytes()) for p in sorted(golden.glob("alibaba_*/*desc*/input.*"))]
    for html in pages:
        found = alibaba.desc_values(html)
        assert {label: found.get(label) for label in labels} == {label: alibaba.desc_value(html, label)
                                                                 for label in labels}
    assert alibaba.desc_values(no_value_then_value)["债权本金"] == "2,000万元"


def test_parse_page_rejects_unknown_pages_and_sources() -> None:
    with pytest.raises(ParseError, match="unrecognised page"):
        parse_page("alibaba_sf", b"<html><body>hello</body></html>", URL, AT)
    with pytest.raises(ValueError, match="no parser registered"):
        parse_page("nowhere", b"", URL, AT)


def test_desc_collateral_one_item_per_semicolon_part() -> None:
    html = '<tr><td class="label">抵押信息：</td><td class="value" colspan="3">太原市某厂房；晋中市某土地；</td></tr>'
    body = ('{"content":"' + html.replace('"', '\\"') + '"}').encode("utf-8")
    got = alibaba_zc.parse_desc(body, "https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id=1", AT)
    assert got == {"collateral": [{"description": "太原市某厂房"}, {"description": "晋中市某土地"}]}


def test_desc_none_values_are_left_out() -> None:
    html = ('<tr><td class="label">担保人：</td><td class="value">无</td>'
            '<td class="label">债权本金：</td><td class="value">7,816,582.53元</td></tr>')
    body = ('null({"content":"' + html.replace('"', '\\"') + '"});').encode("utf-8")
    got = alibaba_zc.parse_desc(body, "https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id=1", AT)
    assert got == {"principal": "7,816,582.53元"}


def test_deposit_prefers_the_deposit_over_the_sell_off_prepayment() -> None:
    rows = f"<tr>{cell('变卖预缴款', '230,104 ')}{cell('变 卖 价', '230,104 ')}</tr><tr>{cell('保 证 金', '23,000 ')}</tr>"
    assert alibaba.price_fields(table(rows)) == {"reserve_price": "230,104 ", "deposit": "23,000 "}


# ------------------------------------------------------------------ mtop detail: the shapes public crawlers read

_MTOP_DETAIL_URL = "https://h5api.m.taobao.com/h5/mtop.taobao.govauctionmtopdetailservice.queryhttpsitemdetail/3.0/"


def _mtop_detail(**data: object) -> bytes:
    import json

    item = {"itemId": "1060875479188", "title": "济南市历下区金茂府宸园21号楼107商铺", "startPrice": 18880000, **data}
    envelope = {"api": "mtop.taobao.GovauctionMTopDetailService.queryHttpsItemDetail", "v": "3.0",
                "ret": ["SUCCESS::调用成功"], "data": item}
    return json.dumps(envelope, ensure_ascii=False).encode()


def test_mtop_detail_reads_a_text_address_with_location_and_latlong() -> None:
    """Two public crawlers read ``auctionAddress`` as the street text, ``location`` "省 市 区" and ``latlong``
    [lng, lat]; an object ``auctionAddress`` used to crash the parser on such an answer."""
    from crawlers.parsers import alibaba_mtop

    body = _mtop_detail(auctionAddress="建设路87号", location="山东省 济南市 市中区", latlong=["117.0", "36.65"],
                        auctionLink="https://zc-paimai.taobao.com/auction.htm?itemId=1060875479188")
    record = alibaba_mtop.parse_detail(body, _MTOP_DETAIL_URL, datetime(2026, 9, 18))
    assert record["location"] == "山东省 济南市 市中区"
    assert record["address"] == "山东省 济南市 市中区 建设路87号"
    assert (record["lng"], record["lat"]) == (117.0, 36.65)
    assert record["source"] == "alibaba_zc"


def test_mtop_detail_round_from_title_tag_and_numeric_bid_status() -> None:
    from crawlers.parsers import alibaba_mtop
    from normalizers.codes import auction_round, status

    body = _mtop_detail(titleTag={"preTags": [{"value": "二拍"}]}, bidStatus=5,
                        auctionLink="//sf-item.taobao.com/sf_item/1060875479188.htm")
    record = alibaba_mtop.parse_detail(body, _MTOP_DETAIL_URL, datetime(2026, 9, 18))
    assert record["round"] == "二拍" and auction_round(record["round"]) == "second"
    assert status(record["source"], record["status"]) == "sold"
    unknown = alibaba_mtop.parse_detail(_mtop_detail(bidStatus=9, auctionLink="//sf-item.taobao.com/sf_item/1.htm"),
                                        _MTOP_DETAIL_URL, datetime(2026, 9, 18))
    with pytest.raises(ValueError, match="9"):
        status(unknown["source"], unknown["status"])


def test_mtop_sf_home_row_without_link_or_auction_title() -> None:
    """The sf home scene's rows (idx:60794823558) carry ``title``, ``statusOrder``, ``circ``, ``initialPrice`` in 分
    and no ``auctionLink``: they are sf lots, read without a ParseError."""
    import json

    from crawlers.parsers import alibaba_mtop
    from normalizers.codes import auction_round, status

    row = {"itemId": "1023456789012", "title": "杭州市西湖区某小区1幢101室", "statusOrder": 0, "circ": "2",
           "initialPrice": 123456700, "currentPrice": 123456700, "bidCnt": 3, "startTime": 1767232800000}
    body = json.dumps({"api": alibaba_mtop.LIST_API, "ret": ["SUCCESS::调用成功"], "data": {"data": {"scenes": [
        {"spmc": "searchlistsf-items", "schemeList": [{"hasNextPage": False, "totalCount": 1, "page": 1,
                                                       "pageSize": 10, "contentList": [row]}]}]}}})
    (record,) = alibaba_mtop.parse_list(body, "https://h5api.m.taobao.com/", datetime(2026, 1, 1)).records
    assert record["source"] == "alibaba_sf"
    assert record["url"] == "https://sf-item.taobao.com/sf_item/1023456789012.htm"
    assert record["reserve_price"] == 123456700 and record["units"]["reserve_price"] == "fen"
    assert auction_round(record["round"]) == "second" and record["bid_count"] == 3
    assert status(record["source"], record["status"]) == "ongoing"


def test_find_word_is_str_find() -> None:
    """find_word looks for one character of the word and checks the word around it: the same index as str.find,
    the leftmost occurrence, at every start, for words whose chosen character repeats or starts the text."""
    import random

    from crawlers.parsers.alibaba import find_word

    rng = random.Random(5)
    alphabet = "流拍撤回中止暂缓处置单位本场已<>a ,\u200b"
    words = ["流拍", "中止", "处置单位", "拍拍", "本场拍卖已流拍", "a", "<a", "止中"]
    for _ in range(400):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for word in words:
            for start in (0, 1, 5, 39):
                assert find_word(text, word, start) == text.find(word, start), (text, word, start)


def test_price_table_cell_reads_its_first_mark_and_price_nested_cells_included() -> None:
    """A cell's label and price are the first span.pay-mark / span.J_Price inside it in document order, those of a
    cell nested in it included (as css_first on the cell gives them), and a price before the label still counts."""
    rows = ("<tr><td><span class='pay-mark'>起拍价</span><table><tr><td><span class='pay-mark'>评估价</span>"
            "<span class='J_Price'>5</span></td></tr></table><span class='J_Price'>7</span></td>"
            "<td><span class='J_Price'>9</span><span class='pay-mark'>保 证 金</span></td>"
            "<td><span class='pay-mark'>竞价周期</span><span>: 1天</span></td></tr>")
    assert table(rows) == {"起拍价": "5", "评估价": "5", "保证金": "9", "竞价周期": "1天"}


def test_next_link_found_in_the_three_spellings_only() -> None:
    """The next link is looked for where the text holds next, Next or NEXT (found by two regex scans of the text, for
    x and X): any of the three counts, other mixed cases do not, Chinese and Latin-1 text around it changes nothing,
    and a page cleaned of control characters is searched as cleaned."""
    base = "https://sf.taobao.com/item_list.htm?page=1"

    def page(link: str) -> str:
        return f"<html><body>下一页 é {link}<i class='icon'>下一页</i></body></html>"

    for tag in ('<a class="next" href="?page=2">', '<A CLASS="Next" HREF="?page=2">', '<a class="pg NEXT" href="?page=2">',
                '<a class="中 next" href="?page=2">'):
        text = alibaba.decode(page(tag))
        assert alibaba.next_page(text, base) == "https://sf.taobao.com/item_list.htm?page=2", tag
    assert alibaba.next_page(alibaba.decode(page('<a class="nExt" href="?page=2">')), base) is None
    assert alibaba.next_page(alibaba.decode(page('<a class="ne\x1b[0mxt" href="?page=2">')), base) == \
        "https://sf.taobao.com/item_list.htm?page=2"
    # a text that did not come through decode is read the same way
    assert alibaba.next_page(page('<a class="Next" href="?page=2">'), base) == "https://sf.taobao.com/item_list.htm?page=2"


def test_spelled_finds_the_three_spellings_everywhere_and_nothing_else() -> None:
    """`_spelled` (two regex scans of the text, for x and X) gives the places a plain regex finds for next, Next and
    NEXT, in order: at the start and end of the text, next to each other, beside Chinese, Latin-1 and astral
    characters, with the other case mixes (nExt, NExt, nEXT) and the bare tails (ext, EXT) around them."""
    import random

    reference = re.compile(r"(?=(?:next|Next|NEXT))")
    pieces = ["next", "Next", "NEXT", "nExt", "NExt", "nEXT", "neXT", "ext", "EXT", "n", "N", "xt", "下一页", "é",
              "ñ", "\U0001F600", "<a class=\"", "\">", " ", "context", "TEXT"]
    rng = random.Random(3)
    texts = ["", "next", "NEXT", "ext", "nnext", "NNEXT", "nextnext", "NextNEXTnext"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 40))) for _ in range(2000)]
    for text in texts:
        assert alibaba._spelled(text, "next") == [m.start() for m in reference.finditer(text)], text
    with pytest.raises(ValueError):
        alibaba._spelled("x", "N")


@pytest.mark.parametrize("name, literal, _pattern", alibaba._STRONG_MARKERS)
def test_an_ascii_fragment_with_a_marker_is_still_an_interstitial(name: str, literal: str, _pattern: object) -> None:
    """An ASCII text (a JSON fragment) is searched for a marker only when the marker's rarest character is in it:
    every marker's page is still told, as JSON and inside other text."""
    samples = {"亲，小二正忙，滑动一下马上回来": "亲，小二正忙，滑动一下马上回来", "霸下通用 web 页面": "霸下通用 web 页面",
               "x5referer": "写入到 x5referer", "login redirect": "location.href='//login.taobao.com/x'"}
    text = samples.get(name, literal)
    assert alibaba.interstitial_marker('{"ret":["' + text + '"],"data":{}}') == name
    assert alibaba.interstitial_marker('{"ret":["ok"],"data":{}}') is None


def _plain_marker(text: str, content_markers: tuple[str, ...] = alibaba._CONTENT_MARKERS) -> str | None:
    """interstitial_marker as its docstring states it, with plain substring tests."""
    if any(marker in text for marker in content_markers):
        return None
    for name, literal, pattern in alibaba._STRONG_MARKERS:
        if literal in text and pattern.search(text):
            return name
    head = text[:8192]
    return "login page" if "登录" in head and alibaba._LOGIN_TITLE_RE.search(head) else None


@pytest.mark.parametrize("text", [
    '{"ret":["RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"],"data":{"url":"https://x/_____tmd_____/punish?x5secdata=1"}}',
    '{"ret":["RGV587_ERROR::SM"],"data":{}}', '{"ret":["FAIL_SYS_USER_VALIDATE"]}',
    '{"ret":["RGV587_ERROR"],"html":"<li id=\\"sf-price\\">"}',  # a strong marker beside a content marker
    '{"u":"https://x/_____tmd_____/punish"}', '{"x5secdata=":1}', "location.href='//login.taobao.com/x'",
    '{"desc":"<td>\\u503a\\u6743\\u672c\\u91d1\\uff1a</td>"}', '{"a":"sf-item-list-data"}', "",
    "<title>登录</title>", "亲，小二正忙，滑动一下马上回来", "写入到 x5referer",
])
def test_interstitial_marker_of_ascii_and_other_texts_is_the_plain_scan(text: str) -> None:
    for markers in (alibaba._CONTENT_MARKERS, alibaba._DETAIL_CONTENT_MARKERS):
        assert alibaba.interstitial_marker(text, markers) == _plain_marker(text, markers)


@pytest.mark.parametrize("html", [
    *(path.read_bytes().decode("gbk", "replace") for path in sorted(GOLDEN.glob("alibaba_*/*detail*/input.html"))),
    # quirks mode (no doctype): ids match without regard to case; a wrong tag first; an id twice; nested
    "<html><body><input id='j_itemid' value='1'><div id='sf-price'>x</div><li id='SF-PRICE'>y</li>"
    "<li id='sf-price'>z</li><em id='J_Looker'>3</em><em id='J_Looker'>4</em>"
    "<div id='j_desc' data-from='//a/1'></div><div id='J_desc' data-from='//a/2'></div></body></html>",
    "<!DOCTYPE html><html><body><div id='J_NoticeDetail' data-from='//n/1'><p id='J_ItemNotice'></p></div>"
    "<div id='J_NoticeDetail' data-from='//n/2'></div><span id='J_RecordContent' data-from='r'></span></body></html>",
    "<!DOCTYPE html><html><body><li id='sf-countdown'><input id='J_Status' value='4'></li>"
    "<table><tbody id='J_HoverShow'></tbody></table><p id='itemaddress'>a</p><p id='itemAddress'>b</p></body></html>",
])
def test_by_id_finds_what_each_selector_finds(html: str) -> None:
    tree = LexborHTMLParser(html)
    for selectors in (alibaba._BY_ID, alibaba._DETAIL_IDS):  # parse_detail's and the lazy parts' ids
        found = alibaba.by_id(tree, alibaba.id_index(selectors))
        for key, selector in selectors.items():
            expected = tree.css_first(selector)
            got = found[key]
            assert (got is None) == (expected is None), selector
            assert got is None or got.mem_id == expected.mem_id, selector


def test_query_value_is_parse_qs_first_value() -> None:
    import random
    from urllib.parse import parse_qs

    queries = ["", "&", "category=", "category", "a=1&category=50025969&category=2", "front%5Fcategory=5&x=1",
               "front+category=1&front category=2", "category=%20&category=3", "category=+5+", "category=%B6%AB",
               "city=%E4%B8%9C&category=0;front_category=7", "x=1&&front_category=%E4%B8%9C+1&=&category=&category=9"]
    rng = random.Random(7)
    for _ in range(500):
        queries.append("".join(rng.choice(["category", "front_category", "=", "&", "%5F", "+", "1", "%", ";", "x"])
                               for _ in range(rng.randint(0, 12))))
    for query in queries:
        for param in ("category", "front_category"):
            assert alibaba.query_value(query, param) == (parse_qs(query).get(param) or [None])[0], (query, param)


def test_unescape_is_html_unescape() -> None:
    import html
    import random

    texts = ["//sf.taobao.com/item_list.htm?category=1&page=2&auction_source=0", "a&amp;b", "&lt", "&para=1",
             "&fr;x", "&frac12&#165;", "&#x41;", "&", "&&amp", "x&nbsp", "&CounterClockwiseContourIntegral;",
             "&sorder=0&st_param=-1&front_category=5&item_biz_type=7", "&notit;", "&notin", "&copy2026"]
    rng = random.Random(7)
    pieces = ["&", "#", ";", "a", "amp", "fr", "frac", "12", "not", "in", "page=", "para", "x", "lt", " ", "copy"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(2000)]
    for text in texts:
        assert alibaba.unescape(text) == html.unescape(text), text


def test_em_ints_reads_each_class_where_its_own_search_does() -> None:
    """The list totals come from one scan for the opening of any of the classes' ``em``; each class's number is the
    one its own search (`em_int`, the one-class search the parser used before) finds: on pages with the classes in any case and order, in single or double
    quotes, nested, in one tag with two class attributes, with an ``em`` of another class or one left open first."""
    import random

    def em_int(page: str, css_class: str) -> int | None:
        match = re.search(rf"""<em\b[^>]*\bclass\s*=\s*["']{css_class}["'][^>]*>(.*?)</em>""", page, re.I | re.S)
        return alibaba._int_text(match.group(1)) if match else None

    pieces = ['<em class="count">12</em>', '<EM CLASS="COUNT">7</EM>', "<em class='page-total'>3</em>",
              '<Em Class="Page-Total">1,234</eM>', '<em class="page-total"><em class="count">5</em>',
              '<em class="count" class="page-total">9</em>', '<em class="other">8</em>', '<em class="count">',
              '<em class="count x">4</em>', '<emx class="count">6</emx>', "共找到", "<i>", "</em>", " ", "é", "claſs"]
    rng = random.Random(11)
    pages = ["", '<em class="count">38</em>'] + ["".join(rng.choice(pieces) for _ in range(rng.randrange(1, 9)))
                                                    for _ in range(3000)]
    seen = set()
    for page in pages:
        got = alibaba.em_ints(page, ("count", "page-total"))
        expected = {name: em_int(page, name) for name in ("count", "page-total")}
        assert got == expected, page
        seen.add(tuple(value is None for value in got.values()))
    assert len(seen) == 4  # pages with both, either and neither of the totals


def test_price_label_and_text_value_are_cut_as_the_regex_substitutions_cut_them() -> None:
    """`_label` removes every whitespace character and colon, `_after_colons` the leading ones and trailing whitespace:
    what ``re.sub(r"[\\s:：]+", "", …)`` and ``re.sub(r"^[\\s:：]+", "", …).strip()`` gave, on every mix of
    whitespace (all of Python's, full-width and no-break spaces included), colons and text."""
    import random
    import sys

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    pieces = [*spaces, ":", "：", "起", "拍", "价", "1天", "x:y", "无"]
    rng = random.Random(7)
    samples = ["", " ", ":", "：", " ： 5分钟 ", "起\u3000拍\u3000价", "\xa0:\xa0：1天 "]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    for text in samples:
        assert alibaba._label(text) == re.sub(r"[\s:：]+", "", text), repr(text)
        assert alibaba._after_colons(text) == re.sub(r"^[\s:：]+", "", text).strip(), repr(text)


@pytest.mark.parametrize(("main", "expected"), [
    ("<h1> 【一拍】某房产 </h1><h1 class='bid-fail'>本场拍卖已流拍</h1>", "【一拍】某房产"),
    ("<h1 class='bid-fail'>本场拍卖已流拍</h1><div><h1 class='x'>【二拍】某 车位</h1></div>", "【二拍】某 车位"),
    ("<h1 class='bid-fail'>流拍</h1><h1 class='bid-ok'>撤回</h1>", None),
    ("<h2>无</h2>", None),
])
def test_detail_title_is_the_first_h1_of_pm_main_that_is_no_banner(main: str, expected: str | None) -> None:
    tree = LexborHTMLParser(f"<div class='pm-main'>{main}</div><h1>outside</h1>")
    assert alibaba.detail_title(tree) == expected
