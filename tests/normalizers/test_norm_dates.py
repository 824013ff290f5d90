"""normalizers.dates: every date format the sites write (sources.md, "Date formats")."""

from datetime import UTC, date, datetime

import pytest

from normalizers.dates import (
    SHANGHAI, DateParseError, find_as_of, notice_period, parse_date, parse_datetime, split_as_of,
)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1506391200000, sh(2017, 9, 26, 10)),  # Alibaba / JD epoch ms
        ("1506391200000", sh(2017, 9, 26, 10)),
        (1506391200000.0, sh(2017, 9, 26, 10)),
        (1506391200, sh(2017, 9, 26, 10)),  # epoch seconds
        ("1506391200", sh(2017, 9, 26, 10)),
        ("2017/09/26 10:00:00", sh(2017, 9, 26, 10)),  # sf countdown span
        ("2017-09-26 10:00", sh(2017, 9, 26, 10)),
        ("2024-05-01", sh(2024, 5, 1)),  # AMC, midnight
        ("2024.05.01", sh(2024, 5, 1)),
        ("2025年8月30日10时", sh(2025, 8, 30, 10)),  # court notice
        ("2025年8月30日10时30分", sh(2025, 8, 30, 10, 30)),
        ("2025年8月30日上午10时", sh(2025, 8, 30, 10)),
        ("2025年8月30日下午3时", sh(2025, 8, 30, 15)),
        ("2025年8月30日10点", sh(2025, 8, 30, 10)),
        ("2025年8月30日10时起", sh(2025, 8, 30, 10)),
        ("2025年8月31日24时", sh(2025, 9, 1)),
        ("二〇二六年三月五日", sh(2026, 3, 5)),
        ("二零二三年十二月三十一日", sh(2023, 12, 31)),
        ("截至2023年6月30日", sh(2023, 6, 30)),
        ("基准日：2023-06-30", sh(2023, 6, 30)),
        ("２０２４年５月１日", sh(2024, 5, 1)),  # full-width digits
        ("2024-05-01T10:00:00+08:00", sh(2024, 5, 1, 10)),
        ("2024-05-01T02:00:00Z", sh(2024, 5, 1, 10)),
        ("2024-05-01T10:00:00.123+0800", sh(2024, 5, 1, 10)),
        (datetime(2024, 5, 1, 10), sh(2024, 5, 1, 10)),  # naive = Shanghai
        (datetime(2024, 5, 1, 2, tzinfo=UTC), sh(2024, 5, 1, 10)),
        (date(2024, 5, 1), sh(2024, 5, 1)),
    ],
)
def test_parse_datetime(value, expected):
    result = parse_datetime(value)
    assert result == expected
    assert result.tzinfo is not None and result.utcoffset().total_seconds() == 8 * 3600


@pytest.mark.parametrize("value", [None, "", "   "])
def test_blank_is_none(value):
    assert parse_datetime(value) is None
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "2023-02-30",
        123,
        -1506391200000,
        1.5,
        True,
        "2025年8月30日10时起至2025年8月31日10时止",
        "13:00",
        [1],
    ],
)
def test_unparseable_raises_with_text(value):
    with pytest.raises(DateParseError) as info:
        parse_datetime(value)
    assert repr(value) in str(info.value)


def test_parse_date_is_shanghai_calendar_date():
    assert parse_date(1506355200000) == date(2017, 9, 26)  # 2017-09-26 00:00 Shanghai = 09-25 16:00 UTC
    assert parse_date("2024-04-30T16:30:00Z") == date(2024, 5, 1)
    assert parse_date("截至2023年6月30日") == date(2023, 6, 30)
    assert parse_date(date(2020, 1, 2)) == date(2020, 1, 2)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("截至2023年6月30日", date(2023, 6, 30)),
        ("截止2018年5月21日", date(2018, 5, 21)),
        ("7,816,582.53元（截止2018年5月21日）", date(2018, 5, 21)),
        ("基准日：2023-06-30", date(2023, 6, 30)),
        ("基准日为2023年6月30日", date(2023, 6, 30)),
        ("债权本金合计，截至二〇二三年六月三十日的利息另计", date(2023, 6, 30)),
        ("本公告发布于2023年6月30日", None),  # a date, but not an as-of date
        ("", None),
        (None, None),
    ],
)
def test_find_as_of(text, expected):
    assert find_as_of(text) == expected


def test_split_as_of_removes_the_phrase_and_its_brackets():
    assert split_as_of("7,816,582.53元（截止2018年5月21日）") == (date(2018, 5, 21), "7,816,582.53元")
    assert split_as_of("no date") == (None, "no date")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("利息计算截止日：2023年6月30日", date(2023, 6, 30)),
        ("利息截至日期2023-06-30", date(2023, 6, 30)),
        ("截止到2023.6.30", date(2023, 6, 30)),
        ("计算至2023/6/30", date(2023, 6, 30)),
        ("基准日为2023年6月30日", date(2023, 6, 30)),
    ],
)
def test_as_of_labels_in_a_date_field(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "rest"),
    [
        ("债权本金100万元，利息计算截止日2023年6月20日", date(2023, 6, 20), "债权本金100万元,"),
        ("截至20230630本金1元", date(2023, 6, 30), "本金1元"),
        ("截止到2023年6月末", date(2023, 6, 30), ""),
        ("截至2024年2月底", date(2024, 2, 29), ""),
        ("利息截至2023年6月30日为200万元", date(2023, 6, 30), "利息为200万元"),
        ("截至2023年6月本金1元", None, "截至2023年6月本金1元"),  # a month without its end: no date
    ],
)
def test_split_as_of_forms(text, expected, rest):
    assert split_as_of(text) == (expected, rest)


@pytest.mark.parametrize(
    ("text", "year", "period"),
    [
        ("乌鲁木齐市中级人民法院定于2018年11月14日上午11时至2018年11月15日上午11时止（延时除外）", None,
         ("2018-11-14 11:00", "2018-11-15 11:00")),  # the real 公拍网 lot page of 2018-11
        ("定于2018年12月30日下午3时至1月2日下午3时30分止", None, ("2018-12-30 15:00", "2019-01-02 15:30")),
        ("于3月5日10时起至3月6日10时止", 2025, ("2025-03-05 10:00", "2025-03-06 10:00")),
        ("于3月5日10时起至3月6日10时止", None, (None, None)),  # no year anywhere
        ("甚至于此，无期间", None, (None, None)),
    ],
)
def test_notice_period(text, year, period):
    assert notice_period(text, year) == period
