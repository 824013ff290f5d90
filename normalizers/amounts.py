"""Money amounts as the sites write them, to exact yuan (`Decimal`, quantized to 0.01).

`parse_amount` never raises on page text: it returns an `Amount` whose ``kind`` says what was found.

- ``amount``: one number. ``65,454,900 `` / ``&yen;3,300,000`` / ``¥`` / ``￥`` / ``1,234.56万元`` /
  ``2.3亿元`` / ``2.3亿`` / ``12千元`` / full-width ``１２３，４５６．７８`` / 大写 and lower-case
  Chinese numerals ``人民币壹佰贰拾万元整``, ``一百二十万元`` / JSON floats ``24990.00 `` /
  Python int, float (via ``str``), Decimal.
  An as-of phrase goes to ``as_of``: ``7,816,582.53元（截止2018年5月21日）``, ``（截至…）``, ``基准日：…``,
  ``截止到…``, ``利息计算截止日…``, ``利息截至日期…``, ``计算至…``, dates with 年月日, separators or as eight digits.
  A label is dropped, with or without a colon (``债权总额：``, ``债权总额10748.33万元``, ``债权总额为…``,
  ``抵债金额…``, ``人民币：``) but a unit in it counts: ``本金余额（元）：``; ``资产总额（单位：万元）：人民币：1234.5``
  (Cinda) is 12,345,000 yuan. A label naming 本金 or 利息 also fills ``principal`` / ``interest``. A note in
  parentheses (``（含税）``, ``(约18亿美元)``) is dropped; 东方's ``【10,924.22】万元`` is read.
- ``split``: a claim written as its parts: ``本金3754.02万元，利息5393.29万元``, ``…（其中本金…，利息…）``,
  ``本金…、利息…，合计…``, ``本金…元 利息…元`` (spaces alone between the parts), ``（本金…＋利息…）``, ``3000万元本金及相应利息``
  (interest not stated). ``principal`` and ``interest`` hold the
  parts, ``value`` the total only where the text states one (notices often have fees beside the two).
- ``range``: ``100-300万元``, ``50万元-100万元``, ``100万-300万``, ``100～300万元``, ``100至300万元``
  (``low``/``high``; the left side takes the right side's unit); open ranges ``500万元以下`` /
  ``以内`` (high only), ``1亿以上`` (low only).
- ``shares``: ``9731万股（…）``; ``value`` is the number of shares (97,310,000), not money.
- ``none``: None, blank, ``无``, ``-``, ``—``, ``暂无``, ``不详``, ``面议``, ``/``.
- ``unparseable``: anything else, with ``error`` saying why: unknown unit text, per-unit prices
  (``12元/㎡``), negative numbers, a bare number when ``unit=None``, malformed digit grouping, estimates and
  bounds (``1800多万元``, ``1亿余元``, ``约100万元``, ``不超过30亿元``), two unlabelled numbers in one claim, two
  amounts with nothing between them (``本金：100万元利息：20万元``: the last is never taken for the whole).

The label, breakdown and as-of reading is this module's own (regular expressions over the NFKC text): no
library reads Chinese notice wording; numbers in Chinese numerals go through cn2an.
  There is no silent 10,000× error: text that is not fully understood never becomes a number.

Currencies: ``美元``/``USD``/``US$``/``$`` → ``currency="USD"``, ``港元``/``港币``/``HKD``/``HK$`` →
``HKD`` (also EUR, JPY, GBP); the value is still parsed (``100万美元`` → 1,000,000) and callers
decide. `amount_value` and `Amount.yuan` accept CNY only.

Unit precedence: a unit in the text, then a unit in its label or parenthesis, then the ``unit``
argument (``"yuan"``, ``"fen"`` for API integers in 分 such as Alibaba mtop, ``"wan"`` for 万元;
``None`` = a unit is required; ``"yuan_or_wan"`` and ``"yuan_or_wan_one_debtor"``, below).

``unit="yuan_or_wan"`` is for a field whose bare numbers are written in yuan by some and in 万元 by others (Great
Wall's MoneyTotal: ``515,296,623.88`` beside ``16.58``). A bare number, the whole text, is read in the one unit that
makes it a claim an AMC could list, `CLAIM_BOUNDS`: 1万 to 1000亿 yuan (``16.58`` is 165,800 yuan, 16.58 yuan being
no claim; ``515,296,623.88`` is yuan, 5 trillion being none), and ``unit_inferred`` says which it was.
``unit="yuan_or_wan_one_debtor"`` is the same for a listing that names one debtor, whose claim is at most 100亿
(`ONE_DEBTOR_MOST`): ``3,151,446.05`` for one company is yuan, 315亿 being no one debtor's claim. Where both units
give a possible claim, the way the number is written decides where Great Wall's writing never varies: digits below
the fen (``11089.007312``; trailing zeros aside) are 万元, yuan stopping at the fen; no thousands separators below
100,000 (``82337.29``) is 万元, Great Wall grouping every yuan figure of that size (``84,427.3元``). Otherwise
(``87,729.45``, ``406091.17``) or where neither unit gives a claim (``0``) it is refused (error ``no unit: …``); a
number inside words (``债权总额：1234``) is refused for want of a unit as with ``None``.

The evidence is Great Wall's own: the 15,400 rows of its asset list (tests/golden/real/gwamc_notice/ORIGIN.md)
hold 4,581 amounts that write one number with 元 or 万元. Read again with the unit taken off, the rules pick a unit
for 4,383 and it is always the stated one: the bounds 3,970, the one-debtor bound 105 (all yuan), the decimals 11
and the separators 297 (all 万元); the 198 they leave are 162 万元 and 36 yuan, which no rule here tells apart. No
amount over 100亿 in the list is one debtor's: the four are packages (等19户, 等2112户, three banks' 包) and a trade
fair's total (tests/golden/real/gwamc_notice/units.py prints these figures from the dump).
tests/normalizers/test_real_amounts.py keeps the rules true on the real strings.
"""

from __future__ import annotations

import html
import re
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

from .dates import DateParseError, parse_date, split_as_of

KINDS = ("amount", "range", "shares", "split", "none", "unparseable")
UNIT_FACTORS = {"yuan": Decimal(1), "fen": Decimal("0.01"), "wan": Decimal(10_000)}
EITHER_UNIT = "yuan_or_wan"  # a bare number in yuan or in 万元, whichever alone makes it a possible claim
EITHER_UNIT_ONE_DEBTOR = "yuan_or_wan_one_debtor"  # the same, for a listing of one debtor's claim
CLAIM_BOUNDS = (Decimal(10_000), Decimal(10**11))  # the least and the most one AMC listing's claim can be, in yuan
ONE_DEBTOR_MOST = Decimal(10**10)  # the most one debtor's claim can be, in yuan
EITHER_UNITS = {EITHER_UNIT: CLAIM_BOUNDS[1], EITHER_UNIT_ONE_DEBTOR: ONE_DEBTOR_MOST}  # unit: the most a claim can be
MULTIPLIERS = {
    "千": Decimal(1_000),
    "万": Decimal(10_000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "亿": Decimal(100_000_000),
    "万亿": Decimal(10**12),
}
# Longest token first: "港元" before "元" is not needed (元 is not a currency token), "US$" before "$" is.
CURRENCIES = {
    "人民币": "CNY", "RMB": "CNY", "CNY": "CNY", "¥": "CNY",
    "美元": "USD", "美金": "USD", "USD": "USD", "US$": "USD",
    "港元": "HKD", "港币": "HKD", "HKD": "HKD", "HK$": "HKD",
    "欧元": "EUR", "EUR": "EUR", "日元": "JPY", "JPY": "JPY", "英镑": "GBP", "GBP": "GBP",
    "$": "USD",
}  # fmt: skip
NONE_TEXTS = {"", "无", "-", "--", "—", "——", "暂无", "不详", "面议", "/", "N/A", "n/a", "null"}
# The amount exists but is not in this text: refused with that reason (a table cell keeps it as a note).
ELSEWHERE = re.compile(r"(?:详)?见(?:正文|附件|公告|清单)|待定")

_CURRENCY_RE = re.compile("|".join(re.escape(t) for t in sorted(CURRENCIES, key=len, reverse=True)), re.I)
_CN_CHARS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点"
_CN_DIGIT = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
_MULT = "百万|千万|万亿|千|万|亿"
_ARABIC = re.compile(
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<mult>{_MULT})?(?:(?P<yuan>元|圆)|(?P<shares>股))?"
)
_CHINESE = re.compile(
    rf"(?P<num>[{_CN_CHARS}]+)(?:(?P<yuan>元|圆)(?:(?P<jiao>[{_CN_DIGIT}])角)?(?:(?P<fen>[{_CN_DIGIT}])分)?|(?P<shares>股))?"
)
_RANGE = re.compile(r"(?P<low>.+?)(?:-|~|〜|至|到|—|–)(?P<high>.+)")
_OPEN = re.compile(r"(?P<q>.+?)(?P<side>及?以下|以内|及?以上)")
_PAREN = re.compile(r"\(([^()]*)\)")
_UNIT_WORD = re.compile(rf"(?P<mult>{_MULT})?(?:元|圆)?")
_PER_UNIT = re.compile(rf"(?:{_MULT})?元/")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Amount:
    """What `parse_amount` found. Money is in ``currency`` units (yuan for CNY); shares are a count."""

    raw: str | None
    kind: str
    value: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    as_of: date | None = None
    error: str | None = None
    currency: str = "CNY"
    principal: Decimal | None = None  # kind "split" (and a single amount labelled 本金): the principal part
    interest: Decimal | None = None  # kind "split" (and a single amount labelled 利息): the interest part
    unit_inferred: str | None = None  # "yuan" / "wan": the unit a bare number was read in (yuan_or_wan…)

    def to_json(self) -> dict:
        """JSON-ready dict (JSON numbers, ``as_of`` ISO), as printed by ``salvage normalize amount``."""
        return {
            "raw": self.raw,
            "value": _json_number(self.value),
            "low": _json_number(self.low),
            "high": _json_number(self.high),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "kind": self.kind,
            "currency": self.currency,
            "error": self.error,
            "principal": _json_number(self.principal),
            "interest": _json_number(self.interest),
            "unit_inferred": self.unit_inferred,
        }

    def yuan(self, field: str = "amount", source: str = "?", url: str = "?") -> Decimal | None:
        """``value`` of one CNY amount, None for kind ``none``; else `AmountError` (field, source, url)."""
        if self.kind == "none":
            return None
        if self.kind == "amount" and self.currency == "CNY":
            return self.value
        raise AmountError(field, source, url, self)


class AmountError(ValueError):
    """A money field held something other than one CNY amount (range, shares, unparseable, foreign money)."""

    def __init__(self, field: str, source: str, url: str, amount: Amount) -> None:
        self.field, self.source, self.url, self.amount = field, source, url, amount
        if amount.kind == "unparseable":
            why = amount.error
        elif amount.kind == "amount":
            why = f"currency {amount.currency}, only CNY is stored"
        else:
            why = f"a {amount.kind} is not a single amount"
        super().__init__(f"{source}: field {field!r} on {url}: {why}: {amount.raw!r}")


class _Unparseable(Exception):
    pass


def _json_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _quantize(value: Decimal) -> Decimal:
    try:
        return value.quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise _Unparseable("amount too large") from None


def _quantity(text: str) -> tuple[Decimal, Decimal | None, bool]:
    """``(number, multiplier or None when the text has no unit, is_shares)`` for one quantity."""
    if m := _ARABIC.fullmatch(text):
        number = Decimal(m["num"].replace(",", ""))
        has_unit = bool(m["mult"] or m["yuan"] or m["shares"])
        return (
            number,
            MULTIPLIERS[m["mult"]] if m["mult"] else (Decimal(1) if has_unit else None),
            bool(m["shares"]),
        )
    if m := _CHINESE.fullmatch(text):
        try:
            number = Decimal(str(cn2an.cn2an(m["num"], "normal")))
        except (ValueError, KeyError):
            raise _Unparseable(f"bad Chinese numeral {m['num']!r}") from None
        for part, scale in (("jiao", "0.1"), ("fen", "0.01")):
            if m[part]:
                number += Decimal(str(cn2an.cn2an(m[part], "normal"))) * Decimal(scale)
        has_unit = bool(m["yuan"] or m["shares"] or re.search("[万亿]", m["num"]))
        return number, Decimal(1) if has_unit else None, bool(m["shares"])
    if re.match(r"-\d", text):
        raise _Unparseable("negative amount")
    if not re.search(rf"[\d{_CN_DIGIT}]", text):
        raise _Unparseable(f"no amount in the text {text!r}")  # 物权资产, 抵债资产, a company's name
    raise _Unparseable(f"unrecognized amount text {text!r}")


def _currencies(text: str) -> set[str]:
    return {CURRENCIES[t.upper()] for t in _CURRENCY_RE.findall(text)}


def _unit_word(text: str) -> Decimal | None:
    """The multiplier of a bare unit (``万元``, ``元``, ``人民币万元``, ``美元``); None if not a unit."""
    m = _UNIT_WORD.fullmatch(_CURRENCY_RE.sub("", text))
    if not text or m is None:
        return None
    return MULTIPLIERS[m["mult"]] if m["mult"] else Decimal(1)


_NUMERALS = "零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_AMOUNT_START = (
    r"(?=人民币|美元|港元|港币|欧元|日元|英镑|RMB|CNY|USD|HKD|EUR|JPY|GBP|US\$|HK\$|[\d¥$.]"
    r"|[零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖])"
)
# A label written before the number without a colon: 债权总额10748.33万元, 债权总额为…, 抵债金额…, 其中本金…; a count of
# debtors or loans may stand in it (…等27户债权总额33682.44万元, 3笔贷款本金…).
_COUNT = rf"[\d{_NUMERALS}]+(?:户|笔|家)(?=[^-\d¥$.,{_NUMERALS}])"
_LEAD_LABEL = re.compile(
    rf"^(?P<label>(?:[^-\d¥$.,{_NUMERALS}]|{_COUNT})*?)(?:为|是|计|:)?(?!{_COUNT}){_AMOUNT_START}"
)
# Words that make a number a bound or an estimate, not an amount.
_APPROX = re.compile(r"(?:约|近|逾|超过|超|不低于|不少于|不超过|高于|低于|最高|最低|大约|预计|估计)$")
# A label after the number: 3,000万元本金, 500万元债权.
# 1800多万元, 1亿余元, 300万元左右: an estimate.
_ESTIMATE = re.compile(rf"[\d{_NUMERALS}](?:多|余|来|左右|上下|许)(?:[{_MULT}]|元|$)|(?:左右|上下)$")
_TRAIL_LABEL = re.compile(r"(?<=[元万亿\d])(?:债权本金|本金余额|本金|本息|(?:(?![万亿元])[\u4e00-\u9fff]){0,4}债权|余额|股权|整)$")
_CURRENCY_LABEL = re.compile(r"人民币|美元|美金|港币|港元|欧元|日元|英镑")
# 18871.77万元及相应利息, 51469.48万元及相应违约金等, 本金7000万元及相应资金占用费、违约金: an amount and parts not stated
_AND_EXTRAS = re.compile(
    r"(?P<amount>.+?)(?:以及|及|和|并)(?:其)?(?:相应|相关)?(?:的)?"
    r"(?P<extras>(?:利息|欠息|罚息|复利|违约金|逾期资金占用费|资金占用费|相应费用|费用|孳息|[、,等])+)"
)
_SEPARATOR = re.compile(r"(?<!\d),|,(?!\d)|[、;+]|及|其中")  # between parts (a comma between digits groups them)
_AREA = re.compile(r"平方米|㎡|m2|亩|公顷")
_CLAIM_WORDS = re.compile(r"本金|利息|欠息|本息|罚息")
_JOINED = re.compile(r"本金(?:及|和|与|、|加)(?:相应)?利息(?=合计|共计|总计|总额|余额|为|是|:|共|人民币|\d)")
_PARTS = re.compile(r"(?<!\d),|,(?!\d{3}(?:\D|$))|[;、。+]|其中|以及|及|和|与|另|加")  # not a thousands comma
# Parts set apart by spaces alone (本金1,500,000.00元 利息56,789.12元, 债权本金：9,998.00万元 利息：3,456.12万元): the
# space is their separator, not nothing.
_SPACED_PART = re.compile(rf"(?<=[元\d])\s+(?=其中|合计|共计|总计|债权|{_CLAIM_WORDS.pattern})")
# An amount with its unit inside a label: two amounts the text does not separate, one of which would be lost.
_AMOUNT_IN_LABEL = re.compile(r"\d(?:[万亿千])?元")


def _paren(text: str, found: dict) -> str:
    """Take the parentheses off: a unit (``（万元）``, ``（单位：万元）``) or a bare date is kept in ``found``, a
    per-unit price is refused, a breakdown (``（其中本金…，利息…）``) stays as text after a comma, anything else is a
    note and is dropped."""

    def paren(m: re.Match[str]) -> str:
        inner = re.sub(r"^单位:?", "", m[1])
        if (unit := _unit_word(inner)) is not None:
            found["mult"], found["units"] = unit, found.get("units", "") + inner
            return ""
        if _PER_UNIT.match(inner):
            raise _Unparseable(f"per-unit price ({m[1]})")
        if _CLAIM_WORDS.search(inner) and re.search(r"\d\s*(?:[万亿])?元", inner):
            return f",{inner},"
        with suppress(DateParseError):  # otherwise free text (a note: 含税, 暂定, on shares…): dropped
            found["as_of"] = parse_date(inner)
        return ""

    return _PAREN.sub(paren, text)


def _strip_label(text: str) -> tuple[str, str]:
    """``(label, value text)``: the label before a colon and/or before the number, and known words after it."""
    label, _, value = text.rpartition(":")
    if m := _LEAD_LABEL.match(value):
        label += m["label"]
        value = value[m.end() :]
    if (m := _CURRENCY_LABEL.match(value)) and (m2 := _LEAD_LABEL.match(value[m.end() :])) and m2["label"]:
        label += m[0] + m2["label"]  # 人民币本金25,185.59万元: the currency before the label
        value = value[m.end() + m2.end() :]
    if _APPROX.search(label):
        raise _Unparseable(f"an estimate or a bound, not an amount ({label})")
    if "单价" in label:
        raise _Unparseable("per-unit price")
    if m := _TRAIL_LABEL.search(value):
        label, value = label + m[0], value[: m.start()]
    return label, value


def _single(text: str, unit: str | None, outside_mult: Decimal | None, units: str = "") -> Amount:
    """One quantity (or range, or shares) with its label; ``outside_mult`` is a unit found in parentheses."""
    raw = text
    label, text = _strip_label(text)
    if _AMOUNT_IN_LABEL.search(label):
        raise _Unparseable(f"two amounts not set apart ({raw})")
    label += units
    if text in NONE_TEXTS:
        return Amount(raw, "none")
    if "/" in text or "每" in text:
        raise _Unparseable("per-unit price")
    found = _currencies(text) | _currencies(label)
    if len(found) > 1:
        raise _Unparseable(f"mixed currencies {sorted(found)}")
    currency = found.pop() if found else "CNY"
    if outside_mult is None and _currencies(text):
        outside_mult = Decimal(1)  # ¥3,300,000 / USD 1,000: the currency is the unit
    if outside_mult is None and (label_unit := _UNIT_IN_LABEL.search(_CURRENCY_RE.sub("", label))):
        outside_mult = MULTIPLIERS[label_unit[1]] if label_unit[1] else Decimal(1)  # 金额万元：…
    text = _CURRENCY_RE.sub("", text).removesuffix("整")
    fallback = outside_mult if outside_mult is not None else UNIT_FACTORS.get(unit) if unit else None

    def scaled(number: Decimal, mult: Decimal | None) -> Decimal:
        if mult is None and fallback is None:
            raise _Unparseable("no unit")
        return _quantize(number * (mult if mult is not None else fallback))

    if m := _OPEN.fullmatch(text):
        number, mult, shares = _quantity(m["q"])
        if shares:
            raise _Unparseable("open range of shares")
        bound = scaled(number, mult)
        low, high = (None, bound) if m["side"].endswith(("下", "内")) else (bound, None)
        return Amount(raw, "range", low=low, high=high, currency=currency)
    if (m := _RANGE.fullmatch(text)) and not text.startswith("-"):
        (lo, lo_mult, lo_shares), (hi, hi_mult, hi_shares) = _quantity(m["low"]), _quantity(m["high"])
        if lo_shares or hi_shares:
            raise _Unparseable("range of shares")
        if lo_mult is not None and hi_mult is None:
            raise _Unparseable("range with a unit on the left side only")
        low, high = scaled(lo, lo_mult if lo_mult is not None else hi_mult), scaled(hi, hi_mult)
        if low > high:
            raise _Unparseable("range low is above high")
        return Amount(raw, "range", low=low, high=high, currency=currency)
    number, mult, shares = _quantity(text)
    if shares:
        return Amount(raw, "shares", value=number * mult)
    value = scaled(number, mult)
    part = _component(label)
    return Amount(
        raw, "amount", value=value, currency=currency,
        principal=value if part == "principal" else None, interest=value if part == "interest" else None,
    )


_UNIT_IN_LABEL = re.compile(rf"(?:^|[^{_NUMERALS}])({_MULT})?元$")


def _component(label: str) -> str | None:
    """What a label names: principal (本金), interest (利息, 欠息), total (本息/合计/总额), other (罚息, 费用) or None."""
    if re.search("利息|欠息", label) and "本" not in label:
        return "interest"
    if "本金" in label and "利息" not in label and "本息" not in label:
        return "principal"
    if re.search(r"本息|合计|总计|共计|总额|总金额|债权金额|债权额", label):
        return "total"
    if re.search(r"罚息|复利|费用|违约金|诉讼费|代垫|其他|资金占用费|应收款", label):
        return "other"
    return None


def _split(raw: str, text: str, unit: str | None, mult: Decimal | None, units: str) -> Amount | None:
    """A claim written as its parts: ``本金1,000万元，利息200万元``, ``1,200万元（其中本金…）``, ``3,000万元本金及相应
    利息``, ``债权本金…及利息…，合计…``. None when the text has fewer than two parts (read as one amount)."""
    parts = [p for p in _PARTS.split(text) if p]
    values: dict[str, Amount] = {}
    interest_unstated = False
    numeric = [p for p in parts if re.search(rf"[\d{_NUMERALS}]", _CLAIM_WORDS.sub("", p))]
    for part in parts:
        if part not in numeric:
            interest_unstated |= "利息" in part or "罚息" in part  # 及相应利息, 利息另计
            continue
        amount = _single(part, unit, mult, units)
        if amount.kind != "amount":
            raise _Unparseable(f"a {amount.kind} in a breakdown of a claim ({part})")
        name = _component(_strip_label(part)[0] + part) or ("total" if part == numeric[0] else None)
        if name is None:
            raise _Unparseable(f"an unlabelled amount in a breakdown of a claim ({part})")
        if name in values:
            raise _Unparseable(f"two amounts for the {name} ({values[name].raw}, {part})")
        values[name] = amount
    if len(values) + interest_unstated < 2 or not ({"principal", "interest"} & set(values)):
        return None
    if len({a.currency for a in values.values()}) > 1:
        raise _Unparseable("a breakdown in several currencies")
    principal, interest = values.get("principal"), values.get("interest")
    # Only a stated total: 本金…，利息… without 合计 leaves it None, as notices often have fees beside (a 东方 notice:
    # 本金3754.02万元，利息5393.29万元 of a 总金额 9500.20万元).
    total = values["total"].value if "total" in values else None
    return Amount(
        raw, "split", value=total, currency=next(iter(values.values())).currency,
        principal=principal.value if principal else None, interest=interest.value if interest else None,
    )


def _and_extras(raw: str, m: re.Match[str], unit: str | None, mult: Decimal | None, units: str) -> Amount:
    """An amount and further parts it does not quantify: with 利息 among them the amount is the principal
    (``18871.77万元及相应利息``, ``人民币本金…及相应利息``: kind split, interest not stated); without, a labelled
    principal stays a principal (kind split) and an unlabelled amount is the claim as stated (kind amount)."""
    amount = _single(m["amount"], unit, mult, units)
    if amount.kind != "amount":
        return replace(amount, raw=raw)
    label = _strip_label(m["amount"])[0]
    with_interest = re.search("利息|欠息", m["extras"]) is not None
    if amount.principal is not None or (with_interest and _component(label) is None):
        return Amount(raw, "split", currency=amount.currency, principal=amount.value)
    return replace(amount, raw=raw)


# A bare number as table cells write it (``1,234,567.89``, ``300``; Alibaba's price table as ``2,490,416.8 ``, a
# space after it): ASCII digits, thousands grouped by threes or not at all, spaces or tabs around. Its reading by the
# general path below is fixed (no label, unit, as-of or note can be in it), so it is read directly: the general path
# runs some thirty regular expressions over it, and a claim table has hundreds of such cells (tests/normalizers: the
# two paths agree).
_PLAIN_NUMBER = re.compile(r"[ \t]*(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)[ \t]*")


def _plain_number(text: str, unit: str | None) -> Amount | None:
    """The `Amount` of a bare number, None when ``text`` is anything else."""
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    if unit is None:
        return Amount(text, "unparseable", error="no unit")
    number = Decimal(text.replace(",", ""))
    if unit in EITHER_UNITS:
        return _by_size(text, number, unit, text.strip())
    return Amount(text, "amount", value=_quantize(number * UNIT_FACTORS[unit]))


def _by_size(raw: str, number: Decimal, unit: str, written: str) -> Amount:
    """A bare number (``written``: its digits, separators and point) read in yuan or in 万元, whichever alone puts it
    between 1万 yuan and the most ``unit`` allows, or else as its writing tells (module docstring); refused otherwise."""
    low, high = CLAIM_BOUNDS[0], EITHER_UNITS[unit]
    units = [u for u in ("yuan", "wan") if low <= number * UNIT_FACTORS[u] <= high]
    below_fen = len(written.partition(".")[2].rstrip("0")) > 2  # 11089.007312 (a trailing 0 says nothing: 1.500)
    if len(units) == 2 and (below_fen or ("," not in written and number < 100_000)):
        units = ["wan"]
    if len(units) != 1:
        why = "yuan and 万元 both give a possible claim" if units else "neither yuan nor 万元 gives a possible claim"
        return Amount(raw, "unparseable", error=f"no unit: {why}")
    return Amount(raw, "amount", value=_quantize(number * UNIT_FACTORS[units[0]]), unit_inferred=units[0])


# A bare number with its unit (``1,234.56万元``, ``7,816,582.53元``, ``2.3亿元``): the unit is the text's, whatever
# ``unit`` says, and the general path (some 24 µs against 2) reads nothing else in it (tests/normalizers: the two
# paths agree). Great Wall's asset list writes most later amounts so, and claim-table cells often.
_NUMBER_WITH_UNIT = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)(万|亿)?元")


def _number_with_unit(text: str) -> Amount | None:
    """The `Amount` of a bare number followed by 元 / 万元 / 亿元, None when ``text`` is anything else."""
    if (m := _NUMBER_WITH_UNIT.fullmatch(text)) is None:
        return None
    mult = MULTIPLIERS[m[2]] if m[2] else Decimal(1)  # (multiplied as the general path does, 元 too)
    return Amount(text, "amount", value=_quantize(Decimal(m[1].replace(",", "")) * mult))


# A range of bare numbers with its unit (``100-300万元``, ``100万-3亿元``) or a bound (``500万元以下``, ``1亿以上``,
# ``300万以内``): Great Wall's asset list writes most of its older amounts so. The unit is the text's; the general path
# (some 20 µs against 3) reads nothing else in it (tests/normalizers: the two paths agree). A range whose low side is
# above its high side goes the general way (refused there).
_NUMBER_RANGE = re.compile(r"([0-9]+(?:\.[0-9]+)?)(万|亿)?-([0-9]+(?:\.[0-9]+)?)(万|亿)?元"
                           r"|([0-9]+(?:\.[0-9]+)?)(?:(万|亿)元?|元)(以下|以内|以上)")


def _number_range(text: str) -> Amount | None:
    """The `Amount` of a range or bound `_NUMBER_RANGE` takes, None when ``text`` is anything else."""
    if (m := _NUMBER_RANGE.fullmatch(text)) is None:
        return None
    if m[7] is not None:  # a bound
        bound = _quantize(Decimal(m[5]) * (MULTIPLIERS[m[6]] if m[6] else Decimal(1)))
        low, high = (None, bound) if m[7] != "以上" else (bound, None)
        return Amount(text, "range", low=low, high=high, currency="CNY")
    high_mult = MULTIPLIERS[m[4]] if m[4] else Decimal(1)
    low = _quantize(Decimal(m[1]) * (MULTIPLIERS[m[2]] if m[2] else high_mult))
    high = _quantize(Decimal(m[3]) * high_mult)
    if low > high:
        return None
    return Amount(text, "range", low=low, high=high, currency="CNY")


def _parse_text(text: str, unit: str | None) -> Amount:
    if (plain := _plain_number(text, unit)) is not None:
        return plain
    if text[-1:] == "元" and (with_unit := _number_with_unit(text)) is not None:
        return with_unit
    if (bounded := _number_range(text)) is not None:
        return bounded
    return _parse_words(text, unit)


def _parse_words(text: str, unit: str | None) -> Amount:
    raw = text
    as_of, text = split_as_of(html.unescape(text))  # also NFKC: full-width digits, ￥ → ¥, （） → ()
    text = re.sub(r"\s+", "", _SPACED_PART.sub(",", text)).strip(",;。、")
    if text in NONE_TEXTS:
        return Amount(raw, "none", as_of=as_of)
    if unit in EITHER_UNITS and as_of is None and _PLAIN_NUMBER.fullmatch(text):  # full-width: 109，701，750.15
        return _by_size(raw, Decimal(text.replace(",", "")), unit, text)
    found: dict = {}
    text = re.sub(r"\([^()\d]*$", "", text)  # a parenthesis left open at the end of a cut field: 53791.44万元（
    text = _paren(text, found).strip(",;。、")
    if ELSEWHERE.fullmatch(text):
        raise _Unparseable(f"not stated here ({text})")
    if _AREA.search(text) and not re.search("/|每", text):
        raise _Unparseable("an area, not an amount")
    text = re.sub(r"[【\[]([\d,.]+)[】\]]", r"\1", text)  # 东方's template: 未偿利息人民币【10,924.22】万元
    if m := _ESTIMATE.search(text):
        raise _Unparseable(f"an estimate, not an amount ({m[0]})")
    as_of = as_of or found.get("as_of")
    if text in NONE_TEXTS or _strip_label(text)[1] in NONE_TEXTS:
        return Amount(raw, "none", as_of=as_of)
    mult, units = found.get("mult"), found.get("units", "")
    text = _JOINED.sub("本息", text)  # 本金及利息合计…, 本金和利息为…: one total, not two parts
    if (m := _AND_EXTRAS.fullmatch(text)) and not _SEPARATOR.search(m["amount"]):
        return replace(_and_extras(raw, m, unit, mult, units), as_of=as_of)
    if m:  # 本金…、利息…及相应违约金: a breakdown, and parts it does not quantify
        text = f"{m['amount']},相应{m['extras']}"
    if _CLAIM_WORDS.search(text) and (split := _split(raw, text, unit, mult, units)):
        return replace(split, as_of=as_of)
    sep = _SEPARATOR.search(text)
    if sep and sep[0] in ",;" and not re.search(r"\d", re.sub(r"\d+(?:\.\d+)?%", "", text[sep.end() :])):
        text = text[: sep.start()]  # 7515.60万元,利息、罚息、复利金额以法院最终裁定为准 / 1,707.40万股,持股比例为4.72%: a note
    text = re.sub(r",(?!\d)", "", text)  # a note's comma left after its parentheses went
    return replace(_single(text, unit, mult, units), raw=raw, as_of=as_of)


def parse_amount(text: object, *, unit: str | None = "yuan") -> Amount:
    """Parse one amount as a page wrote it (str, int, float, Decimal or None); see the module docstring."""
    if unit is not None and unit not in UNIT_FACTORS and unit not in EITHER_UNITS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(UNIT_FACTORS) + sorted(EITHER_UNITS)} or None")
    if text is None:
        return Amount(None, "none")
    try:
        if isinstance(text, str):
            return _parse_text(text, unit)
        if isinstance(text, bool) or not isinstance(text, (int, float, Decimal)):
            return Amount(repr(text), "unparseable", error=f"unsupported type {type(text).__name__}")
        number = Decimal(str(text))
        if not number.is_finite():
            raise _Unparseable("not a finite number")
        if number < 0:
            raise _Unparseable("negative amount")
        if unit is None:
            raise _Unparseable("no unit")
        if unit in EITHER_UNITS:
            return _by_size(str(text), number, unit, str(text))
        return Amount(str(text), "amount", value=_quantize(number * UNIT_FACTORS[unit]))
    except (_Unparseable, DateParseError) as exc:
        return Amount(text if isinstance(text, str) else str(text), "unparseable", error=str(exc))


def amount_value(
    text: object, *, unit: str | None = "yuan", field: str = "amount", source: str = "?", url: str = "?"
) -> Decimal | None:
    """The CNY value of one amount; None when the page says there is none.

    Raises `AmountError` (naming field, source, URL and the raw text) for a range, shares, unparseable
    text or a foreign currency.
    """
    return parse_amount(text, unit=unit).yuan(field, source, url)
