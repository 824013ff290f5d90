"""Rebuild the real GetTjieInfo answers of this folder from the public dump (see ORIGIN.md).

    git -C <clone of BrandonEmmerich/greatwall> show 750bd72:data/data_raw.csv > data_raw.csv
    python tests/golden/real/gwamc_notice/rebuild.py data_raw.csv

The dump is ``pandas.DataFrame(res.json()['ds']).to_csv()`` of every ``pSize=100`` page, pIndex 0…153 in order
(``r_n`` runs 1…15400 without a gap, so page k is CSV rows k*100 … k*100+99). Each case's ``input.json`` is
``{"pager":[{"pCount":154}],"ds":[rows of page k]}``, the row's columns in the dump's order, the leading pandas
index column dropped, the integer columns (City, ID, PName, ProType, Trade, r_n) as JSON numbers, the rest as
strings as the dump holds them (``"制造业\\n"`` keeps its newline); an empty cell is ``""`` (in a page where the
column also holds numbers it cannot have been JSON null: pandas would then have written the numbers as 48.0).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
PAGES = {"2018-08-page0": 0, "2018-04-page6": 6, "2017-12-page10": 10, "2014-page24": 24, "2007-08-page142": 142,
         "2018-03-page7": 7, "2018-03-page8": 8, "2017-08-page13": 13, "2016-08-page19": 19, "2016-01-page20": 20,
         "2012-03-page39": 39, "2006-12-page153": 153, "2018-07-page1": 1, "2018-06-page2": 2, "2018-05-page5": 5,
         "2018-03-page9": 9, "2017-11-page11": 11, "2017-01-page17": 17, "2016-11-page18": 18,
         "2015-08-page22": 22, "2013-10-page26": 26, "2011-05-page60": 60, "2010-11-page70": 70, "2009-08-page100": 100,
         "2008-11-page120": 120}
INTEGERS = ("City", "ID", "PName", "ProType", "Trade", "r_n")
# Natural persons named as debtors in a title (``ProName``): their name is masked, the surname kept and each other
# character replaced by 某 (the same length); the rest of the title is as served. ID → (offset, length) of the name.
MASKS = {101: (5, 3), 11243: (16, 2), 12946: (21, 2), 12977: (20, 3), 12978: (20, 3), 12983: (20, 3),
         12984: (20, 3), 13449: (6, 2), 14142: (22, 2), 14256: (27, 3), 15294: (7, 3), 14672: (0, 2),
         13739: (16, 3), 12746: (19, 2)}
PAGE_COUNT = 154


def rebuild(csv_path: str) -> None:
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["r_n"]) for r in rows] == list(range(1, len(rows) + 1)) and len(rows) == PAGE_COUNT * 100
    for name, page in PAGES.items():
        ds = []
        for row in rows[page * 100:(page + 1) * 100]:
            row = {k: v for k, v in row.items() if k != ""}
            row = {k: (int(v) if k in INTEGERS and v.lstrip("-").isdigit() else v) for k, v in row.items()}
            if row["ID"] in MASKS:
                at, length = MASKS[row["ID"]]
                title = row["ProName"]
                row["ProName"] = title[:at + 1] + "某" * (length - 1) + title[at + length:]
            ds.append(row)
        folder = HERE / name
        folder.mkdir(exist_ok=True)
        body = json.dumps({"pager": [{"pCount": PAGE_COUNT}], "ds": ds}, ensure_ascii=False, separators=(",", ":"))
        (folder / "input.json").write_text(body, encoding="utf-8")


if __name__ == "__main__":
    rebuild(sys.argv[1])
