"""normalizers.amounts: every amount format the sites write, and no silent unit errors."""

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalizers.amounts import (
    EITHER_UNIT,
    EITHER_UNIT_ONE_DEBTOR,
    KINDS,
    Amount,
    AmountError,
    amount_value,
    parse_amount,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("65,454,900 ", D("65454900.00")),  # sf detail price, trailing space
        ("&yen;3,300,000", D("3300000")),  # sf price table
        ("¥3,300,000", D("3300000")),
        ("￥3,300,000", D("3300000")),
        ("3,300,000元", D("3300000")),
        ("1,234.56万元", D("12345600")),
        ("1,234.56万", D("12345600")),
        ("2.3亿元", D("230000000")),
        ("2.3亿", D("230000000")),
        ("12千元", D("12000")),
        ("3千万", D("30000000")),
        ("１２３，４５６．７８", D("123456.78")),  # full-width digits, comma, dot
        ("人民币壹佰贰拾万元整", D("1200000")),
        ("壹拾万零叁佰元伍角陆分", D("100300.56")),
        ("一百二十万元", D("1200000")),
        ("两百万元", D("2000000")),
        ("24990.00 ", D("24990")),  # JSON float text
        ("2,959,062.14", D("2959062.14")),  # JD currentPriceStr
        ("债权总额：1,000元", D("1000")),
        ("人民币：1234.5", D("1234.50")),
        ("本金余额（元）：1,234.50", D("1234.50")),
        ("资产总额（单位：万元）：人民币：1234.5", D("12345000")),  # Cinda detail
        ("100元人民币", D("100")),
        ("5,000（人民币元）", D("5000")),  # JD debt-table unit text
        ("0", D("0")),
        ("1.005", D("1.01")),  # quantized half-up
    ],
)
def test_single_amounts(text, value):
    amount = parse_amount(text)
    assert (amount.kind, amount.value, amount.currency, amount.error) == ("amount", value, "CNY", None)
    assert amount.raw == text
    assert amount.value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "value", "as_of"),
    [
        ("7,816,582.53元（截止2018年5月21日）", D("7816582.53"), date(2018, 5, 21)),
        ("7,816,582.53元（截至2018年5月21日）", D("7816582.53"), date(2018, 5, 21)),
        ("7,816,582.53元（基准日：2018-05-21）", D("7816582.53"), date(2018, 5, 21)),
        ("7,816,582.53元(2018年5月21日)", D("7816582.53"), date(2018, 5, 21)),
        ("截至2023年6月30日债权本金：1,000万元", D("10000000"), date(2023, 6, 30)),
    ],
)
def test_as_of(text, value, as_of):
    amount = parse_amount(text)
    assert (amount.kind, amount.value, amount.as_of) == ("amount", value, as_of)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("100-300万元", D("1000000"), D("3000000")),
        ("50万元-100万元", D("500000"), D("1000000")),
        ("100万-300万", D("1000000"), D("3000000")),
        ("100～300万元", D("1000000"), D("3000000")),
        ("100~300万元", D("1000000"), D("3000000")),
        ("100至300万元", D("1000000"), D("3000000")),
        ("1-2亿元", D("100000000"), D("200000000")),
        ("500万元以下", None, D("5000000")),
        ("500万元以内", None, D("5000000")),
        ("1亿以上", D("100000000"), None),
        ("1亿元及以上", D("100000000"), None),
    ],
)
def test_ranges(text, low, high):
    amount = parse_amount(text)
    assert (amount.kind, amount.value, amount.low, amount.high) == ("range", None, low, high)


def test_shares_are_a_count_not_money():
    amount = parse_amount("9731万股（占该公司总股本的5.1%）")
    assert (amount.kind, amount.value, amount.low, amount.high) == ("shares", D("97310000"), None, None)


@pytest.mark.parametrize(
    "text", [None, "", "  ", "无", "-", "--", "—", "暂无", "不详", "面议", "债权总额：无"]
)
def test_none(text):
    amount = parse_amount(text)
    assert (amount.kind, amount.value, amount.error) == ("none", None, None)


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (24990.00, "yuan", D("24990")),
        (236732, "yuan", D("236732")),
        (1640000.0, "yuan", D("1640000")),
        (0.1 + 0.2, "yuan", D("0.30")),  # Decimal(str(x)), never binary float maths
        (D("12.345"), "yuan", D("12.35")),
        (12345, "fen", D("123.45")),  # Alibaba mtop integers in 分
        ("12345", "fen", D("123.45")),
        (1234.5, "wan", D("12345000")),
        ("1234.5", "wan", D("12345000")),
        ("1234.5元", "fen", D("1234.50")),  # a unit in the text wins over the default
        ("1234.5万元", "wan", D("12345000")),
        ("1,234元", None, D("1234")),
    ],
)
def test_numbers_and_default_units(value, unit, expected):
    amount = parse_amount(value, unit=unit)
    assert (amount.kind, amount.value) == ("amount", expected)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("12元/㎡", "per-unit price"),
        ("12元每平方米", "per-unit price"),
        ("8,000元(元/平方米)", "per-unit price"),
        ("-100", "negative"),
        ("1.2.3", "unrecognized"),
        ("1,2345", "unrecognized"),  # bad digit grouping
        ("约100万元", "an estimate"),
        ("100万英里", "unrecognized"),
        ("1亿2000万元", "unrecognized"),
        ("百百", "Chinese numeral"),
        ("100万-300", "left side only"),
        ("300-100万", "low is above high"),
        ("人民币100万美元", "mixed currencies"),
        ("1e400", "unrecognized"),
    ],
)
def test_unparseable_text_is_explicit(text, error):
    amount = parse_amount(text)
    assert amount.kind == "unparseable" and amount.value is None
    assert error in amount.error
    assert amount.raw == text


@pytest.mark.parametrize(
    ("value", "error"), [(-1, "negative"), (float("nan"), "finite"), (float("inf"), "finite"), (True, "bool")]
)
def test_unparseable_numbers(value, error):
    amount = parse_amount(value)
    assert amount.kind == "unparseable" and error in amount.error


def test_unit_none_requires_a_unit():
    assert parse_amount("1234.5", unit=None).error == "no unit"
    assert parse_amount(1234, unit=None).error == "no unit"
    assert parse_amount("100-300", unit=None).error == "no unit"


def test_unknown_unit_argument_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown unit"):
        parse_amount("1", unit="cents")


@pytest.mark.parametrize(
    ("text", "currency", "value"),
    [
        ("100万美元", "USD", D("1000000")),
        ("100美元", "USD", D("100")),
        ("USD 1,000", "USD", D("1000")),
        ("US$1,000", "USD", D("1000")),
        ("HK$500", "HKD", D("500")),
        ("港元100", "HKD", D("100")),
        ("100港币", "HKD", D("100")),
        ("100（单位：万美元）", "USD", D("1000000")),
        ("币种美元：2,000", "USD", D("2000")),
    ],
)
def test_foreign_currency_is_parsed_and_flagged(text, currency, value):
    amount = parse_amount(text)
    assert (amount.kind, amount.currency, amount.value) == ("amount", currency, value)


def test_to_json():
    assert parse_amount("7,816,582.53元（截止2018年5月21日）").to_json() == {
        "raw": "7,816,582.53元（截止2018年5月21日）",
        "value": 7816582.53,
        "low": None,
        "high": None,
        "as_of": "2018-05-21",
        "kind": "amount",
        "currency": "CNY",
        "error": None,
        "principal": None,
        "interest": None,
        "unit_inferred": None,
    }
    rng = parse_amount("100-300万元").to_json()
    assert (rng["value"], rng["low"], rng["high"], rng["kind"]) == (None, 1000000, 3000000, "range")
    assert json.loads(json.dumps(rng)) == rng
    assert parse_amount("12元/㎡").to_json()["error"] == "per-unit price"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("16.58", "165800", "wan"),  # 16.58 yuan is no claim
        ("4.25", "42500", "wan"),
        ("515,296,623.88", "515296623.88", "yuan"),  # 5 trillion is none
        ("98108178.30", "98108178.30", "yuan"),
        (3966.15, "39661500", "wan"),  # a JSON number too
        ("10,000,001", "10000001", "yuan"),  # as 万元 past the ceiling (10^11) by one 万
        ("1", "10000", "wan"),  # the floor itself
        ("109，701，750.15", "109701750.15", "yuan"),  # full-width commas, as a real row writes them
    ],
)
def test_a_bare_number_in_yuan_or_wan_is_read_in_the_unit_its_size_allows(text, value, unit):
    amount = parse_amount(text, unit=EITHER_UNIT)
    assert (amount.kind, amount.value, amount.unit_inferred) == ("amount", D(value), unit)
    assert amount.to_json()["unit_inferred"] == unit


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("82,337.29", "both"),  # 82 thousand or 823 million: either could be a claim
        ("10,000", "both"),
        ("406091.17", "both"),  # no separators, but above 100,000: Great Wall writes both units so
        ("0", "neither"),
        ("0.5", "neither"),  # 5,000 yuan: under the floor
        ("10000000", "both"),  # 10^11 as 万元 is the ceiling itself: ten million yuan is a claim as well
    ],
)
def test_a_bare_number_both_or_neither_unit_allows_is_refused(text, why):
    amount = parse_amount(text, unit=EITHER_UNIT)
    assert amount.kind == "unparseable" and amount.unit_inferred is None
    assert amount.error.startswith("no unit: ") and why in amount.error


@pytest.mark.parametrize(
    ("text", "unit", "value", "inferred"),
    [
        ("11089.007312", EITHER_UNIT, "110890073.12", "wan"),  # below the fen as yuan
        ("82337.29", EITHER_UNIT, "823372900", "wan"),  # no separators below 100,000: 万元
        ("10000", EITHER_UNIT, "100000000", "wan"),
        ("82337.29", EITHER_UNIT_ONE_DEBTOR, "823372900", "wan"),
        ("3,151,446.05", EITHER_UNIT_ONE_DEBTOR, "3151446.05", "yuan"),  # 315亿 is no one debtor's claim
        ("8116816.8", EITHER_UNIT_ONE_DEBTOR, "8116816.8", "yuan"),
        ("999,999.99", EITHER_UNIT_ONE_DEBTOR, None, None),  # 100亿 less 100 yuan as 万元: within one debtor's most
        ("1,000,000.01", EITHER_UNIT_ONE_DEBTOR, "1000000.01", "yuan"),  # 100亿 and 100 yuan as 万元: past it
        ("3,151,446.05", EITHER_UNIT, None, None),  # a package's claim may reach 315亿
        ("87,729.45", EITHER_UNIT_ONE_DEBTOR, None, None),  # grouped below 100,000: Great Wall writes both units so
        ("87,729.450", EITHER_UNIT, None, None),  # a trailing zero is no digit below the fen
    ],
)
def test_where_both_units_give_a_claim_the_writing_or_one_debtors_most_decides(text, unit, value, inferred):
    amount = parse_amount(text, unit=unit)
    if value is None:
        assert amount.kind == "unparseable" and amount.error == "no unit: yuan and 万元 both give a possible claim"
    else:
        assert (amount.kind, amount.value, amount.unit_inferred) == ("amount", D(value), inferred)
    assert parse_amount(text.replace(",", "，"), unit=unit).unit_inferred == inferred  # full-width separators alike


def test_yuan_or_wan_reads_only_a_bare_number():
    assert parse_amount("1448.44万元", unit=EITHER_UNIT).to_json()["unit_inferred"] is None  # its unit is its own
    assert parse_amount("1448.44万元", unit=EITHER_UNIT).value == D("14484400")
    assert parse_amount("债权总额：1234.56", unit=EITHER_UNIT).error == "no unit"  # inside words: not guessed
    assert parse_amount("本金100，利息20", unit=EITHER_UNIT).kind == "unparseable"
    with pytest.raises(ValueError, match="yuan_or_wan"):
        parse_amount("1", unit="wan_or_yi")


def test_amount_value():
    assert amount_value("65,454,900 ") == D("65454900")
    assert amount_value("无") is None
    assert amount_value(None) is None
    assert amount_value(12345, unit="fen") == D("123.45")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("100-300万元", "a range is not a single amount"),
        ("9731万股", "a shares is not a single amount"),
        ("12元/㎡", "per-unit price"),
        ("100万美元", "currency USD"),
    ],
)
def test_amount_value_raises_naming_field_source_url_and_text(text, why):
    with pytest.raises(AmountError) as info:
        amount_value(text, field="reserve_price", source="alibaba_sf", url="https://x/1")
    message = str(info.value)
    for part in ("reserve_price", "alibaba_sf", "https://x/1", why, repr(text)):
        assert part in message
    assert isinstance(info.value, ValueError) and isinstance(info.value.amount, Amount)


cents = st.decimals(
    min_value=0, max_value=D("9999999999999.99"), places=2, allow_nan=False, allow_infinity=False
)


@given(cents)
def test_roundtrip_formatted_yuan(x):
    assert parse_amount(f"{x:,.2f}").value == x
    assert parse_amount(f"¥{x:,.2f} ").value == x
    assert parse_amount(f"{x:,.2f}元").value == x


@given(
    st.decimals(min_value=0, max_value=D("99999999.9999"), places=4, allow_nan=False, allow_infinity=False)
)
def test_roundtrip_wan(x):
    assert parse_amount(f"{x}万元").value == (x * 10000).quantize(D("0.01"))
    assert parse_amount(f"{x:,}万").value == (x * 10000).quantize(D("0.01"))


@given(st.integers(min_value=0, max_value=10**15))
def test_fen_integers_are_exact(n):
    assert parse_amount(n, unit="fen").value == D(n) / 100


@given(st.text(max_size=12))
def test_never_raises_and_never_guesses(text):
    amount = parse_amount(text)
    assert amount.kind in KINDS
    assert (amount.error is not None) == (amount.kind == "unparseable")


@pytest.mark.parametrize(
    ("text", "value", "as_of"),
    [
        ("债权总额10748.33万元", D("107483300"), None),  # a label without a colon
        ("债权合计1,234.5万元（截止2023年6月30日）", D("12345000"), date(2023, 6, 30)),
        ("债权总额为3,456.78万元", D("34567800"), None),
        ("抵债金额120万元", D("1200000"), None),
        ("总金额为9500.20万元", D("95002000"), None),
        ("未偿利息人民币【10,924.22】万元", D("109242200"), None),  # 东方's template
        ("本金及利息合计1200万元", D("12000000"), None),  # one total, not two parts
        ("债权截至2023年6月30日本息合计100万元", D("1000000"), date(2023, 6, 30)),
        ("本息共计人民币1,776,224.20元（截止2015年1月13日）", D("1776224.20"), date(2015, 1, 13)),
        ("欠款利息1888.22元（截止至2018年3月11日）", D("1888.22"), date(2018, 3, 11)),
        ("利息截至2023年6月30日为200万元", D("2000000"), date(2023, 6, 30)),
        ("100万元（含税）", D("1000000"), None),  # a note in parentheses
        ("对某公司等27户债权总额33682.44万元", D("336824400"), None),  # a count of debtors in the label
        ("3笔贷款合计1,000万元", D("10000000"), None),  # and of loans
    ],
)
def test_labelled_amounts(text, value, as_of):
    amount = parse_amount(text)
    assert (amount.kind, amount.value, amount.as_of, amount.error) == ("amount", value, as_of, None)


@pytest.mark.parametrize(
    ("text", "as_of"),
    [
        ("截止到2023年6月30日债权本金100万元", date(2023, 6, 30)),
        ("债权本金100万元，利息计算截止日2023年6月30日", date(2023, 6, 30)),
        ("利息截至日期2023-06-30，本金余额100万元", date(2023, 6, 30)),
        ("债权本金100万元（利息计算至2023.6.30）", date(2023, 6, 30)),
        ("截至20230630债权本金100万元", date(2023, 6, 30)),
        ("截至2023年6月末债权本金100万元", date(2023, 6, 30)),
        ("基准日为2023年6月30日，债权本金100万元", date(2023, 6, 30)),
    ],
)
def test_every_as_of_form(text, as_of):
    amount = parse_amount(text)
    assert (amount.value, amount.principal, amount.as_of) == (D("1000000"), D("1000000"), as_of)


@pytest.mark.parametrize(
    ("text", "value", "principal", "interest"),
    [
        ("3000万元本金及相应利息", None, D("30000000"), None),
        ("本金3754.02万元，利息5393.29万元", None, D("37540200"), D("53932900")),  # no total stated: none given
        ("本金1,000万元、利息200万元，合计1,200万元", D("12000000"), D("10000000"), D("2000000")),
        ("1200万元（其中本金1000万元，利息200万元）", D("12000000"), D("10000000"), D("2000000")),
        ("基准日2023年3月20日债权本金200,000,000元、利息0元", None, D("200000000"), D("0")),
        ("截至2023年6月30日，本金余额100万元，欠息20万元", None, D("1000000"), D("200000")),
        ("债权本金1000万元，利息截至2023年6月30日为200万元", None, D("10000000"), D("2000000")),
        # parts set apart by a space alone (a table cell's text joined with spaces)
        ("债权本金：9,998.00万元 利息：3,456.12万元", None, D("99980000"), D("34561200")),
        ("本金1,500,000.00元　利息56,789.12元", None, D("1500000"), D("56789.12")),
        ("本金1,000万元 利息200万元 合计1,200万元", D("12000000"), D("10000000"), D("2000000")),
        ("总计1,200万元（本金1,000万元＋利息200万元）", D("12000000"), D("10000000"), D("2000000")),  # a plus
    ],
)
def test_claims_written_as_their_parts(text, value, principal, interest):
    amount = parse_amount(text)
    assert (amount.kind, amount.value, amount.principal, amount.interest) == ("split", value, principal, interest)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("1800多万元", "an estimate"),
        ("1亿余元", "an estimate"),
        ("300万元左右", "an estimate"),
        ("不超过30亿元(含)", "a bound"),
        ("本金100万元，200万元", "unlabelled amount"),  # which part is 200万元?
        ("本金100万元，本金200万元", "two amounts for the principal"),
        ("本金100万元利息20万元", "unrecognized amount text"),
        ("本金：100万元利息：20万元", "two amounts not set apart"),  # never the last one alone as the claim
        ("债权本金：9,998.00万元/利息：3,456.12万元", "two amounts not set apart"),
    ],
)
def test_refused_claim_texts_say_why(text, error):
    amount = parse_amount(text)
    assert amount.kind == "unparseable" and error in amount.error


# ------------------------------------------------------------------ the bare-number fast path


def _general(text: str, unit: str | None) -> Amount:
    """What the general reading (labels, units, notes, as-of) makes of ``text``, as `parse_amount` returns it."""
    from normalizers import amounts

    try:
        return amounts._parse_words(text, unit)
    except (amounts._Unparseable, amounts.DateParseError) as exc:
        return Amount(text, "unparseable", error=str(exc))


@given(st.from_regex(r"\A[0-9]{1,3}(,[0-9]{3}){0,4}(\.[0-9]{0,4})?\Z|\A[0-9]{1,16}(\.[0-9]{1,3})?\Z|"
                     r"\A[0-9,. ]{1,12}\Z|\A[ \t]{0,2}[0-9,.]{1,12}[ \t]{0,3}\Z"),
       st.sampled_from(["yuan", "wan", "fen", None]))
def test_a_bare_number_reads_as_the_general_path_reads_it(text, unit):
    from normalizers.amounts import _plain_number

    fast = _plain_number(text, unit)
    if fast is not None:  # (text the fast path does not take goes the general way: nothing to compare)
        assert repr(fast) == repr(_general(text, unit))  # (repr: Decimal("1.0") == Decimal("1.00") too)


@pytest.mark.parametrize("text", ["1,234,567.89", "300", "0.5", "12,345", "00012", "1234567890123456.78"])
def test_the_fast_path_takes_bare_numbers_and_nothing_else(text):
    from normalizers.amounts import _plain_number

    for unit in ("yuan", None):
        for spaced in (text, f"{text} ", f" {text}", f"\t{text}  "):  # Alibaba's prices end in a space
            assert _plain_number(spaced, unit) is not None
            assert repr(_plain_number(spaced, unit)) == repr(_general(spaced, unit))
    for other in (f"{text}元", f"{text}万元", f"本金{text}", f"{text}-{text}", f"{text}\u3000", f"{text},", f"({text})",
                  f"{text} {text}"):
        assert _plain_number(other, "yuan") is None


@given(st.from_regex(r"\A[0-9]{1,3}(,[0-9]{3}){0,4}(\.[0-9]{0,4})?(万|亿)?元\Z|\A[0-9]{1,30}(\.[0-9]{1,3})?(万|亿)?元\Z|"
                     r"\A[0-9,.万亿 ]{1,12}元\Z"), st.sampled_from(["yuan", "wan", "fen", None]))
def test_a_number_with_its_unit_reads_as_the_general_path_reads_it(text, unit):
    from normalizers.amounts import _NUMBER_WITH_UNIT

    if _NUMBER_WITH_UNIT.fullmatch(text):  # (parse_amount takes the fast path; "amount too large" included)
        assert repr(parse_amount(text, unit=unit)) == repr(_general(text, unit))


@pytest.mark.parametrize("text", ["1,234.56万元", "7,816,582.53元", "2.3亿元", "0元", "00012万元",
                                  "123456789012345678901234567.891元"])
def test_the_unit_fast_path_takes_a_number_and_its_unit_and_nothing_else(text):
    from normalizers.amounts import _NUMBER_WITH_UNIT, _number_with_unit

    assert _NUMBER_WITH_UNIT.fullmatch(text)
    for unit in ("yuan", "wan", None):
        assert repr(parse_amount(text, unit=unit)) == repr(_general(text, unit))
    for other in (f"本金{text}", f"{text}整", f"约{text}", f"{text}（截至2018年5月21日）", f"1-{text}", f" {text}",
                  f"{text}以下", f"人民币{text}", text.replace("元", "圆"), text.replace("元", "美元")):
        assert _number_with_unit(other) is None


@given(st.from_regex(r"\A[0-9]{1,30}(\.[0-9]{1,3})?(万|亿)?-[0-9]{1,30}(\.[0-9]{1,3})?(万|亿)?元\Z|"
                     r"\A[0-9]{1,30}(\.[0-9]{1,3})?(万元|亿元|万|亿|元)(以下|以内|以上)\Z|"
                     r"\A[0-9,.万亿元 -]{1,10}(以下|以内|以上|元)\Z"), st.sampled_from(["yuan", "wan", "fen", None]))
def test_a_range_or_bound_with_its_unit_reads_as_the_general_path_reads_it(text, unit):
    from normalizers.amounts import _NUMBER_RANGE

    if _NUMBER_RANGE.fullmatch(text):  # (parse_amount takes the fast path; "amount too large" and low > high included)
        assert repr(parse_amount(text, unit=unit)) == repr(_general(text, unit))


@pytest.mark.parametrize("text", ["100-300万元", "50-150万元", "100万-3亿元", "1.5-2亿元", "100-300元", "500万元以下",
                                  "1亿以上", "300万以内", "20元以下", "300-100万元"])
def test_the_range_fast_path_takes_a_range_or_bound_and_nothing_else(text):
    from normalizers.amounts import _NUMBER_RANGE, _number_range

    assert _NUMBER_RANGE.fullmatch(text)
    for unit in ("yuan", "wan", None):
        assert repr(parse_amount(text, unit=unit)) == repr(_general(text, unit))
    for other in (f"约{text}", f"{text}左右", f"本金{text}", f"{text}（截至2018年5月21日）", f"人民币{text}", f" {text}",
                  text.replace("-", "至"), text.replace("以", "及以"), "100-300", "500以下", "1,000-3,000万元"):
        if other != text:  # (a replacement that found nothing to replace)
            assert _number_range(other) is None


@pytest.mark.parametrize("text", ["27户", "等3笔", "三户100"])
def test_a_count_alone_is_not_an_amount(text):
    assert parse_amount(text).kind == "unparseable"
