"""Dates and times as the sites write them, to aware datetimes in Asia/Shanghai.

Accepted by `parse_datetime` / `parse_date`:

- epoch milliseconds (13 digits) or seconds (10 digits) as int, float or digit string (Alibaba, JD);
- ``2017/09/26 10:00:00``, ``2017-09-26 10:00``, ``2024-05-01`` (midnight), ``2024.05.01``;
- ``2025年8月30日10时`` / ``10时30分`` / ``10点`` with optional 上午/下午/晚上, ``24时`` (= next midnight),
  trailing 起/止/前 ignored (court notices);
- Chinese numerals ``二〇二六年三月五日`` (〇/零 digits, 十 in month and day);
- a leading 截至/截止/基准日 label (``截至2023年6月30日``); as-of phrases in free text (`split_as_of`) also take
  截止到, 利息计算截止日, 利息截至日期, 计算至, eight-digit dates (``20230630``) and month ends (``2023年6月末``);
- ISO 8601 with an offset (``2024-05-01T10:00:00+08:00``, ``…Z``); naive values are Shanghai time;
- `datetime` (naive = Shanghai) and `date` objects.

None and blank give None; anything else raises `DateParseError`. No clock is read here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "两": "2"}
_CN_NUM = "〇零一二两三四五六七八九十"
_CN_DATE = re.compile(rf"([{_CN_NUM}]{{4}})年([{_CN_NUM}]{{1,3}})月([{_CN_NUM}]{{1,3}})日")
_TRAILER = re.compile(r"\s*(?:起|止|前|为止|整)$")
_DATE = r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
_TIME = (
    r"(?:[\sT]*(?P<ap>上午|下午|中午|晚上|凌晨)?\s*(?P<H>\d{1,2})\s*[:时点]\s*"
    r"(?:(?P<M>\d{1,2})\s*(?:分|:)?\s*(?:(?P<S>\d{1,2})(?:\.\d+)?\s*秒?)?)?)?"
)
_DATETIME = re.compile(rf"^{_DATE}{_TIME}\s*(?P<tz>Z|[+-]\d{{2}}:?\d{{2}})?$")
# An as-of phrase: 截至/截止/截止到/截止日/截止日期/基准日/利息计算截止日/利息截至日期/计算至/计至, the date with
# separators or 年月日, as eight digits (20230630) or as a month end (2023年6月末/底); a trailing 日止/止/为止.
_AS_OF_WORD = (
    r"(?:(?P<what>利息|本息|债权|罚息)?(?:计算)?(?:截止|截至)(?:日期|日)?(?:到|至|为|是)?"
    r"|基准日(?:期)?(?:为|是)?|(?:利息|本息)?(?:计算|计)至)"
)
_AS_OF_DATE = (
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?|\d{4}\s*年\s*\d{1,2}\s*月\s*[末底]"
    r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"
)
_AS_OF = re.compile(
    rf"(?P<open>\()?\s*{_AS_OF_WORD}\s*:?\s*(?P<date>{_AS_OF_DATE})\s*(?:日?止|为止)?\s*(?(open)\))"
)
_LABEL = re.compile(rf"^(?:{_AS_OF_WORD}|于|自)\s*[:：]?\s*")
_MONTH_END = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*[末底]")


class DateParseError(ValueError):
    """A date or time the normalizer does not understand; carries the text."""

    def __init__(self, text: object, detail: str = "unrecognized date/time") -> None:
        self.text = text
        super().__init__(f"{detail}: {text!r}")


def _cn_small(s: str) -> str:
    """'十二' → '12', '二十五' → '25', '三十' → '30', '〇五' → '05'."""
    if "十" not in s:
        return "".join(_CN_DIGITS[c] for c in s)
    tens, _, ones = s.partition("十")
    return str(int(_CN_DIGITS[tens] if tens else 1) * 10 + int(_CN_DIGITS[ones] if ones else 0))


def _cn_dates(text: str) -> str:
    """Rewrite Chinese-numeral dates (二〇二六年三月五日) with Arabic digits."""

    def repl(m: re.Match[str]) -> str:
        year = "".join(_CN_DIGITS.get(c, c) for c in m[1])
        return f"{year}年{_cn_small(m[2])}月{_cn_small(m[3])}日"

    return _CN_DATE.sub(repl, text)


def _clean(text: str) -> str:
    return _cn_dates(unicodedata.normalize("NFKC", text)).strip()


def _from_epoch(number: int, text: object) -> datetime:
    digits = len(str(abs(number)))
    if number < 0 or digits not in (10, 13):
        raise DateParseError(text, "epoch value must have 10 (s) or 13 (ms) digits")
    return datetime.fromtimestamp(0, SHANGHAI) + timedelta(
        milliseconds=number if digits == 13 else number * 1000
    )


def parse_datetime(value: object) -> datetime | None:
    """Parse a page's date/time value into an aware datetime in Asia/Shanghai (see module docstring)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=SHANGHAI) if value.tzinfo is None else value.astimezone(SHANGHAI)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=SHANGHAI)
    if isinstance(value, bool):
        raise DateParseError(value)
    if isinstance(value, (int, float, Decimal)):
        if value != value or int(value) != value:
            raise DateParseError(value, "epoch value must be a whole number")
        return _from_epoch(int(value), value)
    if not isinstance(value, str):
        raise DateParseError(value, f"unsupported type {type(value).__name__}")
    text = _TRAILER.sub("", _LABEL.sub("", _clean(value)))
    if not text:
        return None
    if text.isdigit() and len(text) in (10, 13):
        return _from_epoch(int(text), value)
    m = _DATETIME.match(text)
    if not m:
        raise DateParseError(value)
    hour, minute, second = (int(m[k] or 0) for k in ("H", "M", "S"))
    if (m["ap"] in ("下午", "晚上") and hour < 12) or (m["ap"] == "中午" and hour < 11):
        hour += 12
    extra = timedelta(0)
    if hour == 24 and minute == second == 0:
        hour, extra = 0, timedelta(days=1)
    tz = SHANGHAI
    if m["tz"]:
        tz = UTC if m["tz"] == "Z" else datetime.strptime(m["tz"].replace(":", ""), "%z").tzinfo
    try:
        result = datetime(int(m["y"]), int(m["m"]), int(m["d"]), hour, minute, second, tzinfo=tz) + extra
    except ValueError as exc:
        raise DateParseError(value, str(exc)) from None
    return result.astimezone(SHANGHAI)


def parse_date(value: object) -> date | None:
    """Like `parse_datetime`, but the calendar date in Shanghai time."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    return None if parsed is None else parsed.date()


def find_as_of(text: str | None) -> date | None:
    """The as-of date in free text (截至2023年6月30日, 截止…, 基准日：2023-06-30, 基准日为…) or None."""
    return split_as_of(text or "")[0]


def split_as_of(text: str) -> tuple[date | None, str]:
    """``(as-of date or None, text without that phrase)``; the text comes back NFKC-normalized.

    ``"7,816,582.53元（截止2018年5月21日）"`` → ``(date(2018, 5, 21), "7,816,582.53元")``.
    """
    cleaned = _clean(text)
    m = _AS_OF.search(cleaned)
    if m is None:
        return None, cleaned
    rest = cleaned[m.end() :]
    if re.match(r"\s*(?:或|、|及)\s*\d{4}", rest):  # 截止日为2010年10月31日或2011年6月30日: no one date
        return None, cleaned
    # 利息截至2023年6月30日为200万元: the amount after the date is still the interest
    keep = m["what"] if m["what"] and re.match(r"\s*(?:为|是|:|人民币|\d)", rest) else ""
    return _as_of_date(m["date"]), (cleaned[: m.start()] + keep + rest).strip()


def _as_of_date(text: str) -> date | None:
    """The date of an as-of phrase: any `parse_date` form, eight digits, or a month end (年M月末)."""
    if text.isdigit() and len(text) == 8:
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if m := _MONTH_END.fullmatch(text):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DateParseError(text, "month out of range")
        return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return parse_date(text)


# A sale's period as a court notice writes it: 定于2018年11月14日上午11时至2018年11月15日上午11时止,
# 2025年8月30日10时起至8月31日10时止 (the second year left out), 10时30分.
_HALF_DAY = r"(?:上午|下午|中午|晚上)?"
_PERIOD = re.compile(
    rf"(?:(?P<y1>\d{{4}})年)?(?P<m1>\d{{1,2}})月(?P<d1>\d{{1,2}})日(?P<p1>{_HALF_DAY})(?P<h1>\d{{1,2}})"
    rf"(?:[时点:：](?P<i1>\d{{2}})?分?)?(?:时)?起?至(?:(?P<y2>\d{{4}})年)?(?P<m2>\d{{1,2}})月(?P<d2>\d{{1,2}})日"
    rf"(?P<p2>{_HALF_DAY})(?P<h2>\d{{1,2}})(?:[时点:：](?P<i2>\d{{2}})?)?"
)


def notice_period(text: str, year: int | None = None) -> tuple[str | None, str | None]:
    """``(start, end)`` as ``YYYY-MM-DD HH:MM`` of the first period a notice states (``…日上午11时至…日上午11时止``),
    or ``(None, None)``. ``year`` stands in for a first date written without one; a second date without a year
    takes the first's (the next one when its month comes earlier). 下午 / 晚上 move an hour before 12 to the
    afternoon. Plain text: tags taken off by the caller."""
    at = text.find("至")  # a match holds 至 with at most ~24 characters before it: searched from just before it
    while at >= 0:
        if m := _PERIOD.search(text, max(0, at - 26), at + 40):
            break
        at = text.find("至", at + 1)
    else:
        return None, None
    y1 = m["y1"] or (str(year) if year else None)
    if y1 is None:
        return None, None
    y2 = m["y2"] or (str(int(y1) + 1) if int(m["m2"]) < int(m["m1"]) else y1)

    def hour(h: str, half: str) -> int:
        return int(h) + 12 if half in ("下午", "晚上") and int(h) < 12 else int(h)

    start = f"{int(y1):04d}-{int(m['m1']):02d}-{int(m['d1']):02d} {hour(m['h1'], m['p1']):02d}:{int(m['i1'] or 0):02d}"
    end = f"{int(y2):04d}-{int(m['m2']):02d}-{int(m['d2']):02d} {hour(m['h2'], m['p2']):02d}:{int(m['i2'] or 0):02d}"
    return start, end
