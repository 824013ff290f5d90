"""normalizers.codes: status, round, asset type and seller type tables."""

import pytest

from normalizers.codes import CodeError, asset_type, auction_round, seller_type, status, strip_round_prefix


@pytest.mark.parametrize("source", ["alibaba_sf", "alibaba_zc", "alibaba_mtop"])
@pytest.mark.parametrize(
    ("code", "bid_count", "expected"),
    [
        ("todo", None, "upcoming"),
        ("doing", 3, "ongoing"),
        ("done", 1, "sold"),
        ("done", 0, "ended"),
        ("done", None, "ended"),
        ("failure", 0, "unsold"),
        ("break", None, "suspended"),
        ("revocation", None, "withdrawn"),
        (" DOING ", None, "ongoing"),
    ],
)
def test_alibaba_status(source, code, bid_count, expected):
    assert status(source, code, bid_count=bid_count) == expected


@pytest.mark.parametrize(
    ("code", "expected"), [("ing", "ongoing"), ("end", "ended"), ("sold", "sold"), ("upcoming", "upcoming")]
)
def test_alibaba_mtop_row_status(code, expected):
    assert status("alibaba_mtop", code) == expected


@pytest.mark.parametrize(
    ("raw", "bid_count", "expected"),
    [
        ({"auctionStatus": 0, "displayStatus": 1}, None, "upcoming"),
        ({"auctionStatus": 1, "displayStatus": 1}, 4, "ongoing"),
        ({"auctionStatus": 2, "displayStatus": 1}, 0, "unsold"),  # 流拍: real lot 280492523
        ({"auctionStatus": 2, "displayStatus": 1}, None, "ended"),  # bids unknown
        ({"auctionStatus": 2, "displayStatus": 1}, 5, "sold"),
        ({"auctionStatus": 2}, None, "ended"),
        ({"auctionStatus": 1, "displayStatus": 5}, None, "withdrawn"),
        ({"auctionStatus": 0, "displayStatus": 6}, None, "suspended"),
        ({"auctionStatus": 2, "displayStatus": 7}, 3, "suspended"),  # displayStatus overrides
        ("2|5", None, "withdrawn"),
        ("1|1", None, "ongoing"),
        ("0", None, "upcoming"),
        (2, 0, "unsold"),
        ({"auctionStatus": 2, "displayStatus": 5}, 0, "withdrawn"),  # 撤回 stays 撤回 without bids
        ((1, 6), None, "suspended"),
        ("已撤回", None, "withdrawn"),
        ("已终止", None, "withdrawn"),
    ],
)
def test_jd_status(raw, bid_count, expected):
    assert status("jd_auction", raw, bid_count=bid_count) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("即将开始", "upcoming"),
        ("预告中", "upcoming"),
        ("正在进行", "ongoing"),
        ("进行中", "ongoing"),
        ("已成交", "sold"),
        ("已流拍", "unsold"),
        ("本场拍卖已流拍 ！", "unsold"),  # sf banner
        ("中止", "suspended"),
        ("已中止", "suspended"),
        ("暂缓", "suspended"),
        ("已暂缓", "suspended"),
        ("撤回", "withdrawn"),
        ("已撤回", "withdrawn"),
        ("已结束", "ended"),
        ("【已结束】", "ended"),
    ],
)
@pytest.mark.parametrize("source", ["alibaba_sf", "rmfysszc", "cinda_notice"])
def test_chinese_status_any_source(source, text, expected):
    assert status(source, text) == expected


def test_gpai_codes():
    assert [status("gpai", c) for c in ("113", "114", "125")] == ["unsold", "sold", "withdrawn"]


# every label a gpai page writes (docs/labels.md, gpai): list badges and the lot page's d-m-time
@pytest.mark.parametrize("label, expected", [
    ("即将开始", "upcoming"), ("正在拍卖", "ongoing"), ("已成交", "sold"), ("流标", "unsold"), ("已撤回", "withdrawn"),
    ("成交", "sold"), ("流拍", "unsold"), ("撤拍", "withdrawn"), ("已结束", "ended"),
])
def test_gpai_labels(label, expected):
    assert status("gpai", label) == expected


@pytest.mark.parametrize("code, expected", [
    ("376", "real_estate"), ("381", "land"), ("372", "equity"), ("378", "vehicle"), ("383", "vehicle"),
    ("377", "inventory"), ("382", "intangible"), ("379", "other"),
])
def test_gpai_type_codes(code, expected):
    assert asset_type("gpai", code, "沪A12345奥迪车辆") == expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_status_absent(raw):
    assert status("alibaba_sf", raw) is None


@pytest.mark.parametrize(
    ("source", "raw", "what"),
    [
        ("alibaba_sf", "paused", "status"),
        ("alibaba_sf", "4", "status"),  # #J_Status numbers are not mapped
        ("jd_auction", "9", "auctionStatus"),
        ("jd_auction", {"auctionStatus": 2, "displayStatus": 9}, "displayStatus"),
        ("gpai", "103", "status"),  # 上线: upcoming or ongoing? not guessed
        ("unknown_site", "doing", "status"),
    ],
)
def test_unknown_status_code_raises(source, raw, what):
    with pytest.raises(CodeError) as info:
        status(source, raw)
    assert source in str(info.value) and repr(raw) in str(info.value) and what in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("【第一次拍卖】", "first"),
        ("第一次拍卖", "first"),
        ("一拍", "first"),
        ("第1次拍卖", "first"),
        ("第二次拍卖", "second"),
        ("二拍", "second"),
        ("【二拍】", "second"),
        ("变卖", "sell_off"),
        ("【变卖】", "sell_off"),
        ("第三次拍卖", "other"),
        ("再次拍卖", "other"),
        ("【第一次拍卖】运城空港某房产", "first"),
        ("【第二次拍卖】运城空港某房产", "second"),
        ("【破产】【变卖】某设备", "sell_off"),
        ("运城空港某房产", None),
        ("【精装修】某房产", None),
        ("", None),
        (None, None),
        ("jd:1", "first"),
        ("jd:2", "second"),
        ("jd:3", "other"),
        ("jd:4", "sell_off"),
    ],
)
def test_auction_round(raw, expected):
    assert auction_round(raw) == expected


def test_unknown_jd_round_raises():
    with pytest.raises(CodeError, match=r"jd_auction.*paimaiTimes.*'jd:9'"):
        auction_round("jd:9")


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("【第一次拍卖】运城空港某房产", "运城空港某房产"),
        ("【变卖】 某设备", "某设备"),
        ("【破产】【第二次拍卖】某设备", "【破产】某设备"),
        ("某房产（第一次拍卖）", "某房产（第一次拍卖）"),
        ("无前缀", "无前缀"),
    ],
)
def test_strip_round_prefix(title, expected):
    assert strip_round_prefix(title) == expected


@pytest.mark.parametrize(
    ("source", "category", "expected"),
    [
        ("alibaba_sf", "50025969", "real_estate"),  # 住宅用房
        ("alibaba_sf", 50025969, "real_estate"),
        ("alibaba_sf", "200782003", "real_estate"),  # 商业用房
        ("alibaba_sf", "200788003", "real_estate"),  # 工业用房
        ("alibaba_sf", "50025970", "land"),  # 土地
        ("alibaba_sf", "50025972", "vehicle"),  # 机动车
        ("alibaba_sf", "50025976", "other"),  # 其他
        ("alibaba_sf", "200816002", "debt"),
        ("alibaba_mtop", "50025969", "real_estate"),
        ("alibaba_zc", "56950002", "real_estate"),  # 房产
        ("alibaba_zc", "56940002", "other"),  # 其他资产
        ("alibaba_zc", "56968001", "vehicle"),
        ("alibaba_zc", "56972001", "land"),
        ("alibaba_zc", "56936003", "equipment"),
        ("alibaba_zc", "56950003", "equity"),
        ("alibaba_zc", "56970001", "intangible"),
        ("alibaba_zc", "56956002", "debt"),
        ("alibaba_zc", "57746020", "land"),  # 林权
        ("alibaba_zc", "57734016", "vehicle"),  # 船舶
        ("alibaba_zc", "57728018", "intangible"),  # 矿权
        ("alibaba_zc", "57758011", "other"),  # 工程
        ("jd_auction", "101", "real_estate"),
        ("jd_auction", 108, "equity"),
        ("jd_auction", "109", "debt"),
        ("jd_auction", "110", "intangible"),
        ("jd_auction", "12728", "real_estate"),
        ("alibaba_sf", "住宅用房", "real_estate"),
        ("alibaba_sf", "商业用房", "real_estate"),
        ("alibaba_sf", "土地", "land"),
        ("alibaba_sf", "机动车", "vehicle"),
        ("alibaba_sf", "机械设备", "equipment"),
        ("alibaba_sf", "股权", "equity"),
        ("alibaba_sf", "债权", "debt"),
        ("alibaba_sf", "林权", "land"),
        ("alibaba_sf", "船舶", "vehicle"),
        ("alibaba_sf", "矿权", "intangible"),
        ("alibaba_sf", "无形资产", "intangible"),
        ("alibaba_sf", "其他", "other"),
        ("cinda_notice", "债权", "debt"),
    ],
)
def test_asset_type_from_category(source, category, expected):
    assert asset_type(source, category, title="某某房产") == expected  # the category wins over the title


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("中国东方资产管理公司关于某公司债权的处置公告", "debt"),
        ("某分行不良资产包转让", "debt"),
        ("某小区3栋201室房产", "real_estate"),
        ("某住宅", "real_estate"),
        ("某商铺", "real_estate"),
        ("某房屋及附属设施", "real_estate"),
        ("某小区地下车位", "real_estate"),  # 车位 is not a vehicle
        ("东莞市东城区东纵路21号东城花园12栋502房", "real_estate"),
        ("太原市小店区长治路111号山西世贸中心A座1808室", "real_estate"),
        ("运城空港经济开发区机场大道6号综合楼及土地使用权", "real_estate"),
        ("某房地产开发有限公司100%股权", "equity"),
        ("某汽车销售有限公司51%股权", "equity"),
        ("国有土地使用权", "land"),
        ("某工业园区地块", "land"),
        ("宝马牌小型轿车一辆", "vehicle"),
        ("某公司30%股权", "equity"),
        ("某公司股份100万股", "equity"),
        ("某股份有限公司名下生产设备一批", "equipment"),  # 股份有限公司 is not equity
        ("库存货物一批", "inventory"),
        ("某存货", "inventory"),
        ("发明专利一项", "intangible"),
        ("注册商标", "intangible"),
        ("名人字画一幅", "other"),
        (None, "other"),
    ],
)
def test_asset_type_from_title(title, expected):
    assert asset_type("alibaba_sf", None, title) == expected


def test_unknown_category_name_falls_back_to_title_but_unknown_id_raises():
    assert asset_type("alibaba_sf", "奇特类目", "某住宅") == "real_estate"
    with pytest.raises(CodeError, match="jd_auction: unknown category code '199'"):
        asset_type("jd_auction", "199", "某住宅")


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("山西省运城市中级人民法院", "court"),
        ("北京市朝阳区人民法院", "court"),
        ("中国东方资产管理股份有限公司山西省分公司", "amc"),
        ("中国信达资产管理股份有限公司", "amc"),
        ("中国华融资产管理股份有限公司", "amc"),
        ("中国长城资产管理股份有限公司", "amc"),
        ("中国中信金融资产管理股份有限公司", "amc"),
        ("某省资产管理有限公司", "amc"),
        ("中国工商银行股份有限公司某支行", "bank"),
        ("某农商行", "bank"),
        ("某县农村信用社", "bank"),
        ("某有限公司管理人", "bankruptcy_administrator"),
        ("某公司清算组", "bankruptcy_administrator"),
        ("某市人民政府", "government"),
        ("某市国资委", "government"),
        ("中华人民共和国某海关", "government"),
        ("国家税务总局某税务局", "government"),
        ("某市公安局", "government"),
        ("某市财政局", "government"),
        ("某某贸易有限公司", "enterprise"),
        ("某某集团公司", "enterprise"),
        ("张三", "other"),
        ("", None),
        (None, None),
    ],
)
def test_seller_type(unit, expected):
    assert seller_type(unit) == expected


def test_the_documented_label_tables_agree_with_what_the_normalizer_does():
    """docs/labels.md prints JD's and the AMCs' label tables from normalizers/codes.py: each label must
    normalize to what its table says (a table that drifts from the code would document a lie)."""
    from normalizers import codes

    for label, expected in codes.JD_STATUS_LABELS.items():
        if expected is not None:
            assert status("jd_auction", label) == expected.value, label
    for source in codes.AMC_SOURCES:
        for label, expected in codes.AMC_STATUS_LABELS.items():
            assert status(source, label) == expected.value, (source, label)
    for label, expected in codes.CBEX_STATUS_LABELS.items():
        assert status("cbex", label) == expected.value, label
    codes_of = {"一拍": "1", "二拍": "2", "再次拍卖": "3", "变卖": "4", "破产": "6"}  # paimaiTimes
    for label, expected in codes.JD_ROUND_LABELS.items():
        assert codes.auction_round(f"jd:{codes_of[label]}") == expected.value, label
        if label != "破产":  # 破产 names the kind of sale, not a round, anywhere but in JD's paimaiTimes
            assert codes.auction_round(label) == expected.value, label
