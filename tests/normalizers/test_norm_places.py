"""normalizers.places and normalizers.areas."""

from decimal import Decimal

import pytest

from normalizers.areas import AreaParseError, parse_area
from normalizers.places import Place, parse_place


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("440304", Place("广东省", "深圳市", "福田区")),
        (440304, Place("广东省", "深圳市", "福田区")),
        ("440304000000", Place("广东省", "深圳市", "福田区")),  # 12-digit form
        ("140802", Place("山西省", "运城市", "盐湖区")),
        ("441900", Place("广东省", "东莞市", None)),  # city without districts
        ("440000", Place("广东省", None, None)),
        ("110105", Place("北京市", "北京市", "朝阳区")),  # municipality: city = 北京市, not 市辖区
        ("500230", Place("重庆市", "重庆市", "丰都县")),
        ("440399", Place("广东省", "深圳市", None)),  # unknown / retired district: 4-digit prefix
        ("341400", Place("安徽省", None, None)),  # 巢湖市, abolished 2011: 2-digit prefix
        ("350182", Place("福建省", "福州市", "长乐区")),  # 长乐市, a district (350112) since 2017: its successor
        ("510124", Place("四川省", "成都市", "郫都区")),  # 郫县 (2016)
        ("130421", Place("河北省", "邯郸市", None)),  # 邯郸县, split between districts (2016): its city only
        ("990000", Place()),
        ("abc", Place()),
        ("12", Place()),
        (None, Place()),
    ],
)
def test_code(code, expected):
    assert parse_place(code=code).names == expected.names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山西 运城 盐湖 解放路", Place("山西省", "运城市", "盐湖区")),  # sf 标的物所在地
        ("广东省深圳市南山区科技园", Place("广东省", "深圳市", "南山区")),
        ("浙江 杭州 西湖 ", Place("浙江省", "杭州市", "西湖区")),
        ("北京 北京 朝阳 某小区", Place("北京市", "北京市", "朝阳区")),
        ("吉林 吉林 昌邑", Place("吉林省", "吉林市", "昌邑区")),
        ("上海市徐汇区虹漕路461号", Place("上海市", "上海市", "徐汇区")),
        ("运城空港某地块", Place("山西省", "运城市", None)),
        ("nowhere", Place()),
        ("", Place()),
        (None, Place()),
    ],
)
def test_text(text, expected):
    assert parse_place(text).names == expected.names


@pytest.mark.parametrize(
    ("text", "district_code"),
    [
        ("四川省成都市郫县犀浦镇", "510117"),  # 郫县 → 郫都区 (2016)
        ("陕西省西安市户县", "610118"),  # → 鄠邑区
        ("浙江省杭州市下城区", "330105"),  # → 拱墅区 (2021)
        ("北京市崇文区", "110101"),  # → 东城区 (2010)
        ("天津市蓟县", "120119"),  # → 蓟州区
        ("吉林省四平市公主岭市", "220184"),  # moved from 四平 to 长春 (2020)
        ("重庆市江北区观音桥", "500157"),  # → 两江新区 (2025)
        ("重庆 渝北", "500157"),
        ("重庆市渝北区统景镇", "500109"),  # one of the five towns of 渝北 to 北碚
        ("重庆市北碚区蔡家岗街道", "500157"),  # a town of 北碚 to 两江新区
        ("重庆市北碚区天生街道", "500109"),
        ("浙江省杭州市江干区下沙街道", "330114"),  # → 钱塘区
        ("浙江省杭州市江干区凯旋街道", "330102"),  # → 上城区
        ("杭州市余杭区临平街道", "330113"),  # → 临平区
        ("杭州市余杭区五常街道", "330110"),
        ("浙江省宁波市江北区", "330205"),  # a current 江北区 stays
        ("河北省邯郸市邯郸县", None),  # split: no one successor
    ],
)
def test_a_former_division_gives_the_one_that_took_its_area(text, district_code):
    assert parse_place(text).district_code == district_code


def test_every_former_division_in_the_file_is_found_by_its_old_full_name():
    import csv
    from pathlib import Path

    import normalizers.places as places

    rows = list(csv.DictReader((Path(places.__file__).with_name("former_divisions.csv")).open(encoding="utf-8")))
    names = places._names()
    assert len(rows) >= 150
    wrong = []
    for row in rows:
        province = names[row["old_code"][:2] + "0000"]
        text = province + ("" if row["old_city"] == province else row["old_city"]) + row["old_name"]
        found = parse_place(text).district_code
        moved = places.TOWNS_MOVED.get(row["code"])
        if found != row["code"] and not (moved and found == moved[1]) and row["old_code"] != "542421":  # 那曲地区
            wrong.append((text, found, row["code"]))
        assert parse_place(code=row["old_code"]).district_code == row["code"]
    assert wrong == []


def test_code_wins_and_text_fills_the_district():
    assert parse_place("广东省深圳市南山区", "440304").names == ("广东省", "深圳市", "福田区")
    assert parse_place("山西 运城 盐湖 解放路", "140800").names == ("山西省", "运城市", "盐湖区")
    assert parse_place("浙江 杭州 西湖", "140800").names == ("山西省", "运城市", None)  # disagreeing text ignored


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("74.42m²", Decimal("74.42")),
        ("74.42㎡", Decimal("74.42")),
        ("1,234.5平方米", Decimal("1234.50")),
        ("120平米", Decimal("120")),
        ("建筑面积：100.5㎡", Decimal("100.50")),
        ("3亩", Decimal("2000")),
        ("2公顷", Decimal("20000")),
        (88.5, Decimal("88.50")),
        ("", None),
        (None, None),
    ],
)
def test_area(value, expected):
    assert parse_area(value) == expected


@pytest.mark.parametrize("value", ["74平方英尺", "-5", "大约一百平"])
def test_bad_area_raises(value):
    with pytest.raises(AreaParseError):
        parse_area(value)


@pytest.mark.parametrize(
    ("code", "codes"),
    [
        ("140802", ("140000", "140800", "140802")),
        ("440304000000", ("440000", "440300", "440304")),
        ("110105", ("110000", "110100", "110105")),  # municipality: the city is 110100
        ("441900", ("440000", "441900", None)),  # 东莞市 has no districts
        ("429004", ("420000", None, "429004")),  # 仙桃市, a county-level city directly under 湖北省
        ("440000", ("440000", None, None)),
        ("440399", ("440000", "440300", None)),  # unknown district code: its city
        ("990000", (None, None, None)),
    ],
)
def test_codes_beside_the_names(code, codes):
    place = parse_place(code=code)
    assert (place.province_code, place.city_code, place.district_code) == codes


@pytest.mark.parametrize(
    ("text", "names", "district_code"),
    [
        # Alibaba's 标的物所在地 and JD's province/city/county, spaced, in short forms
        ("山西 运城 盐湖 解放路", ("山西省", "运城市", "盐湖区"), "140802"),
        ("山西 运城 盐湖", ("山西省", "运城市", "盐湖区"), "140802"),
        ("山西运城盐湖解放路", ("山西省", "运城市", "盐湖区"), "140802"),  # short names run together
        ("浙江省杭州市西湖大道1号", ("浙江省", "杭州市", None), None),  # a road named like a district, in 上城区
        ("福建 福州 长乐", ("福建省", "福州市", "长乐区"), "350112"),  # a district since 2017 (cpca 0.5.5: 长乐市)
        ("安徽 芜湖 繁昌", ("安徽省", "芜湖市", "繁昌区"), "340212"),  # a district since 2020
        ("湖北 仙桃", ("湖北省", None, "仙桃市"), "429004"),
        ("广东 东莞 东莞", ("广东省", "东莞市", None), None),
        # real titles of Alibaba lots (chensyabc/Auction_Spider_AllInOne_Scrapy TestSpider.json, 2022)
        ("合肥市蜀山区琥珀山庄114幢附101室", ("安徽省", "合肥市", "蜀山区"), "340104"),
        ("合肥市庐江县盛桥镇盛世大道1幢7层701室商业用房", ("安徽省", "合肥市", "庐江县"), "340124"),
        ("六安市裕安区樊花路与裕南路交口绿城花园18栋103室", ("安徽省", "六安市", "裕安区"), "341503"),
        ("合肥市新站区临泉路名人御苑2幢1102室成套住宅", ("安徽省", "合肥市", None), None),  # a zone, not a county
        # real titles of JD and Taobao lots (vvvb-github/Zichan src/data, 2020)
        ("南京市六合区横梁镇山东路51号雨花石文化园49幢一单元302", ("江苏省", "南京市", "六合区"), "320116"),
        ("捡漏清盘南通市如东县丰利绿都财富广场9号楼3楼1081平方", ("江苏省", "南通市", "如东县"), "320623"),
    ],
)
def test_districts_from_free_and_spaced_text(text, names, district_code):
    place = parse_place(text)
    assert (place.names, place.district_code) == (names, district_code)


# Every place name of Great Wall's asset list as it published them (the CityName of 15,400 GetTjieInfo rows,
# BrandonEmmerich/greatwall data/data_raw.csv, 2006–2018): short province names, with their GB/T 2260 codes.
GREAT_WALL_NAMES = [
    ("上海", "310000"), ("云南", "530000"), ("内蒙古", "150000"), ("北京", "110000"), ("吉林", "220000"),
    ("四川", "510000"), ("天津", "120000"), ("宁夏", "640000"), ("安徽", "340000"), ("山东", "370000"),
    ("山西", "140000"), ("广东", "440000"), ("广西", "450000"), ("新疆", "650000"), ("江苏", "320000"),
    ("江西", "360000"), ("河北", "130000"), ("河南", "410000"), ("浙江", "330000"), ("海南", "460000"),
    ("湖北", "420000"), ("湖南", "430000"), ("甘肃", "620000"), ("福建", "350000"), ("贵州", "520000"),
    ("辽宁", "210000"), ("重庆", "500000"), ("陕西", "610000"), ("青海", "630000"), ("黑龙江", "230000"),
]


@pytest.mark.parametrize(("name", "code"), GREAT_WALL_NAMES)
def test_great_walls_short_province_names(name, code):
    place = parse_place(name)
    assert place.province_code == code and place.province.startswith(name)


def test_a_spaced_county_before_a_later_mention_of_the_city():
    """The real 2017 sf page writes 标的物所在地：山西 运城 盐湖 运城市空港新区…: the city named again later in the
    text must not hide the county written after the leading names."""
    place = parse_place("山西 运城 盐湖 运城市空港新区东环路以西一宗国有出让住宅用地使用权")
    assert (place.province, place.city, place.district) == ("山西省", "运城市", "盐湖区")
    assert (place.province_code, place.city_code, place.district_code) == ("140000", "140800", "140802")
