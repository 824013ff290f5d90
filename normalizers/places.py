"""Province / city / district from a GB2260 area code or free address text, using cpca's area table.

- Codes: ``440304`` → 广东省 / 深圳市 / 福田区; 12-digit codes use their first 6 digits. Pre-2013
  and retired codes fall back to their 4- and 2-digit prefixes (city, then province only).
- Text: ``广东省深圳市南山区…``; Alibaba's spaced ``山西 运城 盐湖 解放路`` (cpca misses short
  district names such as 盐湖, so the district is looked up under the city by its short name).
- Municipalities (北京, 上海, 天津, 重庆) get the municipality as city instead of cpca's 市辖区.

Unknown input gives ``Place(None, None, None)``; this module never raises on data. cpca (about
0.5 s to import) is loaded on first use.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Place:
    province: str | None = None
    city: str | None = None
    district: str | None = None


_SUFFIX = re.compile(r"(?:自治县|自治旗|新区|区|县|市|旗)$")
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_NOT_A_CITY = (None, "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@cache
def _names() -> dict[str, str]:
    """6-digit code → name, from cpca's bundled table."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cpca imports the deprecated pkg_resources
        import cpca
    return {code[:6]: info.name for code, info in cpca.ad_2_addr_dict.items()}


def _from_code(code: str) -> Place:
    names = _names()
    province = names.get(code[:2] + "0000")
    if province is None:
        return Place()
    if code[2:] == "0000":
        return Place(province)
    city = names.get(code[:4] + "00")
    if city in _NOT_A_CITY:
        city = province if province in MUNICIPALITIES else None
    district = names.get(code) if code[4:] != "00" else None
    return Place(province, city, None if district in _NOT_A_CITY else district)


def _district_code(prefix: str, rest: str) -> str | None:
    """A district under code ``prefix`` whose full name starts ``rest``, or whose short name
    (no 区/县/市) is ``rest``'s first space-separated word (``盐湖 解放路``)."""
    first = rest.split(" ", 1)[0]
    for code, name in _names().items():
        is_district = code.startswith(prefix) and code[4:] != "00" and name not in _NOT_A_CITY
        if is_district and (rest.startswith(name) or first == _SUFFIX.sub("", name)):
            return code
    return None


def _from_text(text: str) -> Place:
    _names()
    import cpca  # loaded by _names()

    # cpca.transform builds a pandas DataFrame per call, 75% of a lot's normalization time; the per-string
    # function it wraps gives the same row as a dict (cpca is pinned: the name is internal).
    one = getattr(cpca, "_get_one_addr", None)
    row = one(text, False, {}) if one else cpca.transform([text]).iloc[0].to_dict()
    adcode = row["adcode"] if isinstance(row["adcode"], str) else None
    if not adcode:
        return Place()
    place = _from_code(adcode)
    if place.district is None:
        rest = row["地址"].strip() if isinstance(row["地址"], str) else ""
        rest = re.sub(rf"^(?:{_SUFFIX.sub('', place.province)}(?:市)?)\s+", "", rest)  # 北京 北京 朝阳
        if code := _district_code(adcode[:4] if adcode[2:4] != "00" else adcode[:2], rest):
            place = _from_code(code)
    return place


def parse_place(text: str | None = None, code: str | int | None = None) -> Place:
    """Province, city and district from a GB2260 ``code`` and/or free ``text``; the code wins."""
    place = Place()
    digits = re.sub(r"\D", "", str(code)) if code is not None else ""
    if len(digits) in (6, 12):
        place = _from_code(digits[:6])
    if text and text.strip() and place.district is None:
        found = _from_text(re.sub(r"\s+", " ", text.strip()))
        if found.province and place.province in (None, found.province) and place.city in (None, found.city):
            place = found
    return place
