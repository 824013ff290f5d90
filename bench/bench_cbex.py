"""CBEX parse benchmark: pages/s (CPU time) of crawlers/parsers/cbex.py beside a plain baseline that extracts the same
fields from the same pages in the same run: for a list answer, ``json.loads`` of the JSONP payload and each row's
code, name, url, price, region, time and kind; for a listing page, selectolax: every label/value cell pair of
``div#project-table-box``, the 债权明细 rows' cell texts and the attachment links (no normalization, no units, no
checks). Pages come from the CBEX replica (seed 7, night 1): full list pages of 15 rows and listing pages of every
kind. Ratios are medians of interleaved pairs.

    .venv/bin/python bench/bench_cbex.py [--seconds 0.5] [--runs 5]

Target: ratio >= 0.8.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402
from timing import rate  # noqa: E402

from crawlers.parsers import cbex  # noqa: E402
from replicas.cbex import CbexGenerator, CbexSite  # noqa: E402
from replicas.cbex.site import detail_path  # noqa: E402

FETCHED = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
_JSONP = re.compile(r"^\s*(?:/\*\*/)?\s*[\w$.]+\s*\((.*)\)\s*;?\s*$", re.S)
ROW_KEYS = ("code", "name", "url", "disclosurepricewithunit", "regionname", "disclosuretime", "businesstypename")


def baseline_list(body: bytes) -> list[dict]:
    text = body.decode("utf-8")
    match = _JSONP.match(text)
    rows = json.loads(match.group(1) if match else text)["data"]["data"]
    return [{k: row.get(k) for k in ROW_KEYS} for row in rows]


def baseline_detail(body: bytes) -> dict:
    tree = LexborHTMLParser(body.decode("utf-8"))
    box = tree.css_first("div#project-table-box")
    pairs, rows = {}, []
    for tr in box.css("tr"):
        cells = [td.text(strip=True) for td in tr.css("td, th")]
        if len(cells) == 4 or len(cells) == 2:
            pairs.update(zip(cells[::2], cells[1::2]))
        rows.append(cells)
    files = [a.attributes.get("href") for a in tree.css("li.infoShow a")]
    return {"pairs": pairs, "rows": rows, "files": files}


def pages() -> dict[str, list[tuple[bytes, str]]]:
    gen = CbexGenerator(seed=7)
    jar: dict[str, str] = {}
    site = CbexSite(gen, cookies=lambda: "; ".join(f"{k}={v}" for k, v in jar.items()))

    def get(path: str) -> bytes:
        for _ in range(4):
            response = site.handle("www.cbex.com.cn", path)
            for name, value in response.headers:
                if name == "Set-Cookie":
                    key, val = value.split(";")[0].split("=", 1)
                    jar[key] = val
            if response.status != 521:
                return response.body
            key, val = cbex.jsl_challenge(response.body)
            jar[key] = val
        raise RuntimeError(path)

    api = ("/onss-api/jsonp/project/search?callback=jQuery1_2&fromPage={}&pageSize=15&businessType=ZQ"
           "&disclosureType=G3&sortProperty=disclosuretime&sortDirection=1&mark=xm")
    lists = [(get(api.format(p)), "https://www.cbex.com.cn" + api.format(p)) for p in (1, 2)]
    details = [(get(detail_path(x)), "https://www.cbex.com.cn" + detail_path(x)) for x in gen.listings(1)[:12]]
    return {"list": lists, "detail": details}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=0.5)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for kind, items in pages().items():
        parse = cbex.parse_list if kind == "list" else cbex.parse_detail
        base = baseline_list if kind == "list" else baseline_detail

        def ours(items=items, parse=parse) -> None:
            for body, url in items:
                parse(body, url, FETCHED)

        def anchor(items=items, base=base) -> None:
            for body, _ in items:
                base(body)

        o, a = [], []
        for _ in range(args.runs):
            o.append(rate(ours, args.seconds) * len(items))
            a.append(rate(anchor, args.seconds) * len(items))
        ratio = statistics.median(x / y for x, y in zip(o, a))
        size = sum(len(b) for b, _ in items) // len(items) // 1024
        print(f"parse cbex {kind:<7} {statistics.median(o):>9,.0f} pages/s  baseline {statistics.median(a):>9,.0f} "
              f"pages/s  ratio {ratio:.2f} (goal >= 0.8; {len(items)} pages, {size} KB)")


if __name__ == "__main__":
    main()
