"""Money amounts as the sites write them, to exact yuan (`Decimal`, quantized to 0.01).

`parse_amount` never raises on page text: it returns an `Amount` whose ``kind`` says what was found.

- ``amount``: one number. ``65,454,900 `` / ``&yen;3,300,000`` / ``¥`` / ``￥`` / ``1,234.56万元`` /
  ``2.3亿元`` / ``2.3亿`` / ``12千元`` / full-width ``１２３，４５６．７８`` / 大写 and lower-case
  Chinese numerals ``人民币壹佰贰拾万元整``, ``一百二十万元`` / JSON floats ``24990.00 `` /
  Python int, float (via ``str``), Decimal.
  An as-of phrase goes to ``as_of``: ``7,816,582.53元（截止2018年5月21日）``, ``（截至…）``, ``基准日：…``.
  A label is dropped (``债权总额：``, ``人民币：``) but a unit in it counts: ``本金余额（元）：``;
  ``资产总额（单位：万元）：人民币：1234.5`` (Cinda) is 12,345,000 yuan.
- ``range``: ``100-300万元``, ``50万元-100万元``, ``100万-300万``, ``100～300万元``, ``100至300万元``
  (``low``/``high``; the left side takes the right side's unit); open ranges ``500万元以下`` /
  ``以内`` (high only), ``1亿以上`` (low only).
- ``shares``: ``9731万股（…）``; ``value`` is the number of shares (97,310,000), not money.
- ``none``: None, blank, ``无``, ``-``, ``—``, ``暂无``, ``不详``, ``面议``, ``/``.
- ``unparseable``: anything else, with ``error`` saying why: unknown unit text, per-unit prices
  (``12元/㎡``), negative numbers, a bare number when ``unit=None``, malformed digit grouping.
  There is no silent 10,000× error: text that is not fully understood never becomes a number.

Currencies: ``美元``/``USD``/``US$``/``$`` → ``currency="USD"``, ``港元``/``港币``/``HKD``/``HK$`` →
``HKD`` (also EUR, JPY, GBP); the value is still parsed (``100万美元`` → 1,000,000) and callers
decide. `amount_value` and `Amount.yuan` accept CNY only.

Unit precedence: a unit in the text, then a unit in its label or parenthesis, then the ``unit``
argument (``"yuan"``, ``"fen"`` for API integers in 分 such as Alibaba mtop, ``"wan"`` for 万元;
``None`` = a unit is required).
"""

from __future__ import annotations

import html
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

from .dates import DateParseError, parse_date, split_as_of

KINDS = ("amount", "range", "shares", "none", "unparseable")
UNIT_FACTORS = {"yuan": Decimal(1), "fen": Decimal("0.01"), "wan": Decimal(10_000)}
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
    "美元": "USD", "USD": "USD", "US$": "USD",
    "港元": "HKD", "港币": "HKD", "HKD": "HKD", "HK$": "HKD",
    "欧元": "EUR", "EUR": "EUR", "日元": "JPY", "JPY": "JPY", "英镑": "GBP", "GBP": "GBP",
    "$": "USD",
}  # fmt: skip
NONE_TEXTS = {"", "无", "-", "--", "—", "——", "暂无", "不详", "面议", "/", "N/A", "n/a", "null"}

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
    raise _Unparseable(f"unrecognized amount text {text!r}")


def _currencies(text: str) -> set[str]:
    return {CURRENCIES[t.upper()] for t in _CURRENCY_RE.findall(text)}


def _unit_word(text: str) -> Decimal | None:
    """The multiplier of a bare unit (``万元``, ``元``, ``人民币万元``, ``美元``); None if not a unit."""
    m = _UNIT_WORD.fullmatch(_CURRENCY_RE.sub("", text))
    if not text or m is None:
        return None
    return MULTIPLIERS[m["mult"]] if m["mult"] else Decimal(1)


def _outside(text: str) -> tuple[str, str, Decimal | None, date | None]:
    """Take the parentheses and the ``label:`` off an amount.

    Returns ``(value text, label and unit words, their multiplier or None, a bare date in parentheses)``.
    """
    mult: Decimal | None = None
    as_of: date | None = None
    units = ""

    def paren(m: re.Match[str]) -> str:
        nonlocal mult, as_of, units
        inner = re.sub(r"^单位:?", "", m[1])
        if (unit := _unit_word(inner)) is not None:
            mult, units = unit, units + inner
        elif _PER_UNIT.match(inner):
            raise _Unparseable(f"per-unit price ({m[1]})")
        else:
            with suppress(DateParseError):  # otherwise free text, e.g. a note on shares: ignored
                as_of = parse_date(inner)
        return ""

    text = _PAREN.sub(paren, text)
    label, _, value = text.rpartition(":")
    return value, label + units, mult, as_of


def _parse_text(text: str, unit: str | None) -> Amount:
    raw = text
    as_of, text = split_as_of(html.unescape(text))  # also NFKC: full-width digits, ￥ → ¥, （） → ()
    text = re.sub(r"\s+", "", text)
    if text in NONE_TEXTS:
        return Amount(raw, "none", as_of=as_of)
    text, label, outside_mult, paren_date = _outside(text)
    as_of = as_of or paren_date
    if text in NONE_TEXTS:
        return Amount(raw, "none", as_of=as_of)
    if "/" in text or "每" in text:
        raise _Unparseable("per-unit price")
    found = _currencies(text) | _currencies(label)
    if len(found) > 1:
        raise _Unparseable(f"mixed currencies {sorted(found)}")
    currency = found.pop() if found else "CNY"
    if outside_mult is None and _currencies(text):
        outside_mult = Decimal(1)  # ¥3,300,000 / USD 1,000: the currency is the unit
    text = _CURRENCY_RE.sub("", text).removesuffix("整")
    fallback = outside_mult if outside_mult is not None else UNIT_FACTORS[unit] if unit else None

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
        return Amount(raw, "range", low=low, high=high, as_of=as_of, currency=currency)
    if (m := _RANGE.fullmatch(text)) and not text.startswith("-"):
        (lo, lo_mult, lo_shares), (hi, hi_mult, hi_shares) = _quantity(m["low"]), _quantity(m["high"])
        if lo_shares or hi_shares:
            raise _Unparseable("range of shares")
        if lo_mult is not None and hi_mult is None:
            raise _Unparseable("range with a unit on the left side only")
        low, high = scaled(lo, lo_mult if lo_mult is not None else hi_mult), scaled(hi, hi_mult)
        if low > high:
            raise _Unparseable("range low is above high")
        return Amount(raw, "range", low=low, high=high, as_of=as_of, currency=currency)
    number, mult, shares = _quantity(text)
    if shares:
        return Amount(raw, "shares", value=number * mult, as_of=as_of)
    return Amount(raw, "amount", value=scaled(number, mult), as_of=as_of, currency=currency)


def parse_amount(text: object, *, unit: str | None = "yuan") -> Amount:
    """Parse one amount as a page wrote it (str, int, float, Decimal or None); see the module docstring."""
    if unit is not None and unit not in UNIT_FACTORS:
        raise ValueError(f"unknown unit {unit!r}; expected one of {sorted(UNIT_FACTORS)} or None")
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
