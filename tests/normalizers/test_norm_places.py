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
        ("990000", Place()),
        ("abc", Place()),
        ("12", Place()),
        (None, Place()),
    ],
)
def test_code(code, expected):
    assert parse_place(code=code) == expected


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
    assert parse_place(text) == expected


def test_code_wins_and_text_fills_the_district():
    assert parse_place("广东省深圳市南山区", "440304") == Place("广东省", "深圳市", "福田区")
    assert parse_place("山西 运城 盐湖 解放路", "140800") == Place("山西省", "运城市", "盐湖区")
    assert parse_place("浙江 杭州 西湖", "140800") == Place(
        "山西省", "运城市", None
    )  # disagreeing text ignored


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
