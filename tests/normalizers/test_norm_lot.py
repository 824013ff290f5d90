"""normalizers.lot.to_lot: merged raw records from each kind of source to validated Lots."""

import json
from datetime import date, datetime
from decimal import Decimal

import pytest

from normalizers import SHANGHAI, AmountError, LotError, to_lot

FETCHED = datetime(2017, 9, 20, 12, 0, tzinfo=SHANGHAI)
URL = "https://sf-item.taobao.com/sf_item/601294677898.htm"


def sf_record(**changes):
    """A legacy sf.taobao.com list + detail record, values as the page wrote them."""
    record = {
        "source": "alibaba_sf",
        "source_lot_id": "601294677898",
        "url": URL,
        "fetched_at": FETCHED,
        "title": "【第二次拍卖】运城空港  北区某地块及地上建筑物",
        "reserve_price": "65,454,900 ",
        "appraisal_price": "&yen;93,507,000",
        "deposit": "6,500,000 ",
        "increment": 50000.0,
        "current_price": 65454900.0,
        "start_at": 1506391200000,
        "end_at": 1506477600000,
        "status": "failure",
        "bid_count": 0,
        "view_count": 1234,
        "applicant_count": "0",
        "reminder_count": "56",
        "disposal_unit": "山西省运城市中级人民法院",
        "category": "50025970",
        "location": "山西 运城 盐湖 解放路",
        "lng": 111.004657,
        "lat": 35.019149,
    }
    record.update(changes)
    return record


def test_full_sf_record():
    lot = to_lot(sf_record())
    assert lot.source == "alibaba_sf" and lot.source_lot_id == "601294677898" and lot.url == URL
    assert lot.fetched_at == FETCHED
    assert lot.title == "运城空港 北区某地块及地上建筑物"
    assert lot.round == "second"
    assert lot.status == "unsold"
    assert lot.asset_type == "land"
    assert (lot.seller_type, lot.disposal_unit) == ("court", "山西省运城市中级人民法院")
    assert lot.reserve_price == Decimal("65454900.00")
    assert lot.appraisal_price == Decimal("93507000.00")
    assert lot.deposit == Decimal("6500000.00")
    assert lot.increment == Decimal("50000.00")
    assert lot.current_price == Decimal("65454900.00")
    assert lot.start_at == datetime(2017, 9, 26, 10, tzinfo=SHANGHAI)
    assert lot.end_at == datetime(2017, 9, 27, 10, tzinfo=SHANGHAI)
    assert (lot.bid_count, lot.view_count, lot.applicant_count, lot.reminder_count) == (0, 1234, 0, 56)
    assert (lot.province, lot.city, lot.district) == ("山西省", "运城市", "盐湖区")
    assert lot.address == "山西 运城 盐湖 解放路"
    assert (lot.lng, lot.lat) == (111.004657, 35.019149)
    assert lot.raw == {
        "reserve_price": "65,454,900 ",
        "appraisal_price": "&yen;93,507,000",
        "deposit": "6,500,000 ",
        "increment": 50000.0,
        "current_price": 65454900.0,
        "start_at": 1506391200000,
        "end_at": 1506477600000,
        "status": "failure",
        "title": "【第二次拍卖】运城空港  北区某地块及地上建筑物",
        "asset_type": "50025970",
    }
    json.dumps(lot.raw)
    assert json.loads(lot.model_dump_json())["reserve_price"] == "65454900.00"


def test_sold_when_done_with_bids():
    lot = to_lot(sf_record(status="done", bid_count="3", final_price="70,000,000 "))
    assert (lot.status, lot.bid_count, lot.final_price) == ("sold", 3, Decimal("70000000.00"))


def test_money_range_raises_naming_field_source_and_url():
    with pytest.raises(AmountError) as info:
        to_lot(sf_record(reserve_price="100-300万元"))
    message = str(info.value)
    assert (
        "reserve_price" in message and "alibaba_sf" in message and URL in message and "100-300万元" in message
    )
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total_claim", "100-300万元"),
        ("principal", "9731万股"),
        ("deposit", "12元/㎡"),
        ("appraisal_price", "100万美元"),
    ],
)
def test_other_bad_money_raises(field, value):
    with pytest.raises(AmountError, match=field):
        to_lot(sf_record(**{field: value}))


def test_unknown_keys_raise_naming_them():
    with pytest.raises(LotError) as info:
        to_lot(sf_record(consultPrice="1", sellOff=True))
    assert "consultPrice, sellOff" in str(info.value) and URL in str(info.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "paused"}, "status"),
        ({"start_at": "someday"}, "start_at"),
        ({"bid_count": "many"}, "bid_count"),
        ({"bid_count": -1}, "bid_count"),
        ({"round": "拍卖会"}, "round"),
        ({"category": "999"}, "asset_type"),
        ({"title": "  "}, "title"),
        ({"units": {"title": "fen"}}, "units"),
        ({"lat": 135.0}, "lat"),
        ({"collateral": [{"description": "x", "colour": "red"}]}, "collateral"),
    ],
)
def test_failures_name_source_url_and_field(changes, field):
    with pytest.raises(LotError) as info:
        to_lot(sf_record(**changes))
    assert (info.value.source, info.value.url, info.value.field) == ("alibaba_sf", URL, field)
    assert field in str(info.value) and URL in str(info.value)


def test_missing_title_is_named():
    record = sf_record()
    del record["title"]
    with pytest.raises(LotError, match="'title'"):
        to_lot(record)


def test_mtop_record_in_fen_with_location_code():
    lot = to_lot(
        {
            "source": "alibaba_mtop",
            "source_lot_id": 745123456789,
            "url": "https://zc-item.taobao.com/auction/745123456789.htm",
            "fetched_at": "2025-03-01T08:00:00+08:00",
            "title": "深圳市福田区某花园3栋2单元",
            "current_price": 123456789,
            "deposit": "5000000",
            "increment": 1000000,
            "units": {"current_price": "fen", "deposit": "fen", "increment": "fen"},
            "status": "ing",
            "category": 50025969,
            "location_code": "440304",
            "start_at": "1740960000000",
        }
    )
    assert (lot.current_price, lot.deposit, lot.increment) == (
        Decimal("1234567.89"),
        Decimal("50000"),
        Decimal("10000"),
    )
    assert (lot.status, lot.asset_type, lot.round) == ("ongoing", "real_estate", None)
    assert (lot.province, lot.city, lot.district, lot.address) == ("广东省", "深圳市", "福田区", None)
    assert lot.raw["location_code"] == "440304" and lot.raw["current_price"] == 123456789


def test_jd_record_with_both_status_codes_and_paimai_times():
    lot = to_lot(
        {
            "source": "jd_auction",
            "source_lot_id": "290533380",
            "url": "https://paimai.jd.com/290533380",
            "fetched_at": FETCHED,
            "title": "某公司持有的某银行债权",
            "current_price": "2,959,062.14",
            "status": {"auctionStatus": 2, "displayStatus": 7},
            "round": 4,
            "category": 109,
            "bid_count": 2,
            "province": "江苏",
            "city": "南京",
        }
    )
    assert (lot.status, lot.round, lot.asset_type) == ("suspended", "sell_off", "debt")
    assert lot.current_price == Decimal("2959062.14")
    assert (lot.province, lot.city) == ("江苏", "南京")  # the record's own place is kept as written
    assert lot.raw["status"] == {"auctionStatus": 2, "displayStatus": 7} and lot.raw["round"] == 4


def test_amc_debt_record():
    lot = to_lot(
        {
            "source": "coamc_notice",
            "source_lot_id": "8f3c",
            "url": "https://sales.coamc.com.cn/html/8f3c/CREDIT_DISPOSITION/20230801/8f3c.html",
            "fetched_at": FETCHED,
            "title": "中国东方资产管理股份有限公司山西省分公司关于某公司债权的处置公告",
            "disposal_unit": "中国东方资产管理股份有限公司山西省分公司",
            "total_claim": "7,816,582.53元（截止2023年6月30日）",
            "principal": "本金余额（元）：5,000,000.00",
            "interest": "2,816,582.53",
            "debtor": " 山西某某实业有限公司 ",
            "guarantors": "张三、李四，山西某担保有限公司；无",
            "collateral": [
                {"description": "太原市某路1号厂房", "area_m2": "1,234.5平方米", "appraisal": "1,200万元"},
                {
                    "description": "某地块",
                    "kind": "土地",
                    "area_m2": "3亩",
                    "appraisal": "300",
                    "units": {"appraisal": "wan"},
                },
                "机器设备一批",
            ],
            "location": "山西省太原市小店区",
        }
    )
    assert (lot.asset_type, lot.seller_type, lot.round, lot.status) == ("debt", "amc", None, None)
    assert (lot.total_claim, lot.principal, lot.interest) == (
        Decimal("7816582.53"),
        Decimal("5000000.00"),
        Decimal("2816582.53"),
    )
    assert lot.claim_as_of == date(2023, 6, 30)
    assert lot.debtor == "山西某某实业有限公司"
    assert lot.guarantors == ["张三", "李四", "山西某担保有限公司"]
    assert [(c.description, c.kind, c.area_m2, c.appraisal) for c in lot.collateral] == [
        ("太原市某路1号厂房", None, Decimal("1234.50"), Decimal("12000000.00")),
        ("某地块", "土地", Decimal("2000.00"), Decimal("3000000.00")),
        ("机器设备一批", None, None, None),
    ]
    assert (lot.province, lot.city, lot.district) == ("山西省", "太原市", "小店区")
    assert lot.raw["total_claim"] == "7,816,582.53元（截止2023年6月30日）"
    json.dumps(lot.raw)


def test_claim_as_of_explicit_and_conflicting():
    base = sf_record(total_claim="100万元（截至2023年6月30日）")
    assert to_lot(base | {"claim_as_of": "2023-06-30"}).claim_as_of == date(2023, 6, 30)
    assert to_lot(base).claim_as_of == date(2023, 6, 30)
    with pytest.raises(LotError, match="claim_as_of"):
        to_lot(base | {"claim_as_of": "基准日：2023年12月31日"})
    with pytest.raises(LotError, match="claim_as_of"):
        to_lot(base | {"principal": "50万元（截至2022年12月31日）"})


def test_guarantors_as_list_and_seller_type_values_pass_through():
    lot = to_lot(
        sf_record(guarantors=[" 张三 ", "", "李四"], seller_type="bank", asset_type="equity", category=None)
    )
    assert lot.guarantors == ["张三", "李四"]
    assert lot.seller_type == "bank" and lot.asset_type == "equity"


def test_round_field_and_title_prefix():
    assert to_lot(sf_record(round="变卖")).round == "sell_off"  # the round field wins over the title
    assert to_lot(sf_record(round=None)).round == "second"
    assert to_lot(sf_record(title="某房产")).round is None


def test_none_money_values():
    lot = to_lot(sf_record(market_price="无", final_price=None, current_price=" "))
    assert (lot.market_price, lot.final_price, lot.current_price) == (None, None, None)
    assert lot.raw["market_price"] == "无"


def test_place_codes_and_a_short_province_from_the_record():
    # the case: a record names 山西 (short) and the location says 山西 运城 盐湖: the district was NULL
    lot = to_lot(sf_record(province="山西", city="运城"))
    assert (lot.province, lot.city, lot.district) == ("山西", "运城", "盐湖区")
    assert (lot.province_code, lot.city_code, lot.district_code) == ("140000", "140800", "140802")


def test_place_codes_from_the_record_names_alone():
    record = sf_record(province="广东", city="深圳")
    del record["location"]
    lot = to_lot(record)
    assert (lot.province, lot.city, lot.district) == ("广东", "深圳", None)
    assert (lot.province_code, lot.city_code, lot.district_code) == ("440000", "440300", None)


def test_place_codes_stop_where_the_record_disagrees():
    lot = to_lot(sf_record(city="太原"))  # the location says 运城: the record's city is kept, no city code
    assert (lot.province, lot.city, lot.district) == ("山西省", "太原", None)
    assert (lot.province_code, lot.city_code, lot.district_code) == ("140000", None, None)


@pytest.mark.parametrize(
    ("field", "text", "principal", "interest", "total"),
    [
        ("total_claim", "3,000万元本金及相应利息", Decimal("30000000"), None, None),
        ("total_claim", "本金1,000万元，利息200万元", Decimal("10000000"), Decimal("2000000"), None),  # no total stated
        ("total_claim", "本金1,000万元，利息200万元，合计1,200万元", Decimal("10000000"), Decimal("2000000"),
         Decimal("12000000")),
        ("principal", "1,200万元（其中本金1,000万元，利息200万元）", Decimal("10000000"), Decimal("2000000"), Decimal("12000000")),
    ],
)
def test_a_claim_written_as_its_parts_fills_each_field(field, text, principal, interest, total):
    lot = to_lot(sf_record(**{field: text}))
    assert (lot.principal, lot.interest, lot.total_claim) == (principal, interest, total)
    assert lot.raw[field] == text


def test_a_part_that_disagrees_with_the_record_is_an_error():
    with pytest.raises(LotError, match="principal"):
        to_lot(sf_record(principal="900万元", total_claim="本金1,000万元，利息200万元"))


@pytest.mark.parametrize(
    ("collaterals", "names", "codes"),
    [
        (["位于广州市解放路622号的房产（建筑面积4223.08平方米）", "位于广州市东风路456号的房产"],
         ("广东省", "广州市", None), ("440000", "440100", None)),
        (["位于绍兴市解放路975号的房产", "位于台州市工业园路190号的房产", "机器设备1台（套）"],
         ("浙江省", None, None), ("330000", None, None)),
        (["位于广州市解放路622号的房产", "位于泉州市滨江路175号的房产"], (None, None, None), (None, None, None)),
        (["机器设备一批"], (None, None, None), (None, None, None)),
    ],
)
def test_a_package_without_a_place_takes_the_place_its_collateral_shares(collaterals, names, codes):
    record = sf_record(asset_type="debt", loans=[{"debtor": "某公司", "collateral": c} for c in collaterals])
    del record["location"]
    lot = to_lot(record)
    assert (lot.province, lot.city, lot.district) == names
    assert (lot.province_code, lot.city_code, lot.district_code) == codes


def test_a_field_block_names_its_field_and_lets_other_errors_pass():
    from normalizers.lot import _Field

    for error in (ValueError("bad"), TypeError("bad"), AttributeError("bad")):
        with pytest.raises(LotError, match=r"^jd_auction: field 'round' on https://x: bad$") as info:
            with _Field("jd_auction", "https://x", "round"):
                raise error
        assert info.value.__cause__ is error and info.value.field == "round"
    already = LotError("jd_auction", "https://x", "title", "inner")
    for passing in (already, KeyError("k"), AmountError.__new__(AmountError)):
        with pytest.raises(type(passing)) as info:
            with _Field("jd_auction", "https://x", "round"):
                raise passing
        assert info.value is passing
    with _Field("jd_auction", "https://x", "round"):
        pass
