"""Parse benchmark: pages/s on one core for the Alibaba parsers, beside a plain selectolax / json baseline that
extracts the same fields from the same pages in the same run.

Pages come from the replica (realistic sizes): an sf list page (40 lots of embedded JSON, GBK), an sf detail page
and a zc 债权 description. Each measurement runs for about --seconds and is repeated; medians are printed.

    .venv/bin/python bench/bench_parse.py [--seconds 1] [--repeats 5]

Target: each parser >= 0.8 x its baseline.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import urllib.request
from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser
from timing import rate  # bench/timing.py (scripts run with bench/ on sys.path)

from crawlers.parsers import alibaba_sf, alibaba_zc
from normalizers.lot import to_lot
from replicas.server import ReplicaServer

FETCHED = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
LIST_JSON_TEXT = re.compile(r'<script[^>]*id="sf-item-list-data"[^>]*>(.*?)</script>', re.DOTALL)
LABEL = re.compile(r">([^<>：]{2,8})：<[^>]*>([^<]*)<")


def fetch(base: str, url: str) -> bytes:
    parts = urlsplit(url)
    request = urllib.request.Request(f"{base}{parts.path}?{parts.query}", headers={"Host": parts.netloc})
    with urllib.request.urlopen(request) as response:
        return response.read()


NEXT_LINK = re.compile(r"""<a[^>]*class="[^"]*next[^"]*"[^>]*>""")
TOTALS = re.compile(r"""<em class="(count|page-total)">([^<]*)</em>""")


def baseline_list(body: bytes) -> list[dict]:
    """The page decoded (the next link and the totals are outside the JSON: ours decodes it all, so does this),
    the list JSON by one regex and json.loads, the next link and the two totals by one regex each."""
    page = body.decode("gbk", "replace")
    data = json.loads(LIST_JSON_TEXT.search(page).group(1))["data"]
    keys = ("id", "title", "status", "initialPrice", "currentPrice", "consultPrice", "start", "end", "bidCount",
            "viewerCount", "applyCount", "itemUrl", "sellOff")
    rows = [{k: item.get(k) for k in keys} for item in data]
    next_link = NEXT_LINK.search(page)
    return [rows, next_link.group(0) if next_link else None, TOTALS.findall(page)]


def baseline_detail(body: bytes) -> dict:
    tree = LexborHTMLParser(body.decode("gbk", "replace"))

    def text(css: str) -> str | None:
        node = tree.css_first(css)
        return node.text(strip=True) if node is not None else None

    countdown = tree.css_first("#sf-countdown")
    # the status as the page shows it: the outcome banner (in the nodes one can be in) beside #J_Status
    banners = [n.text() for n in tree.css("div.pm-bid h1, div.pm-bid h2, div.pm-bid p, div.pm-bid div, .bid-fail, "
                                           ".pm-status-notice")]
    attrs = countdown.attributes if countdown is not None else {}
    rows = {r.text(strip=True)[:6]: r.text(strip=True) for r in tree.css("#J_HoverShow td")}
    coordinate = tree.css_first("#J_Coordinate")
    return {
        "title": text("div.pm-main h1"), "price": text("#sf-price .J_Price em"), "start": attrs.get("data-start"),
        "end": attrs.get("data-end"), "table": rows, "unit": text("span.item-announcement a"),
        "address": text("#itemAddress"), "coordinate": coordinate.attributes.get("value") if coordinate else None,
        "status": text("#J_Status"), "banners": banners, "bids": text("span.J_Record"),
        "applicants": text("em.J_Applyer"), "views": text("#J_Looker"),
        "reminders": text("span.pm-reminder em"), "item_id": text("#J_ItemId"),
    }


def baseline_desc(body: bytes) -> dict:
    text = body.decode("utf-8")
    try:
        text = json.loads(text) if text.lstrip().startswith(("{", '"')) else text
    except ValueError:
        pass
    html = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    html = html.encode().decode("unicode_escape") if "\\u" in html else html
    return dict(LABEL.findall(html))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    with ReplicaServer(seed=7, n_lots=300, night=1, interstitial_rate=0) as replica:
        list_url = "https://sf.taobao.com/item_list.htm?category=0&page=1"
        sf_list = fetch(replica.base_url, list_url)
        first = alibaba_sf.parse_list(sf_list, list_url, FETCHED).records[0]
        sf_detail = fetch(replica.base_url, first["url"])
        zc_list_url = "https://zc-paimai.taobao.com/zc_item_list.htm?front_category=56956002&page=1"
        claim = alibaba_zc.parse_list(fetch(replica.base_url, zc_list_url), zc_list_url, FETCHED).records[0]
        desc_url = f"https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id={claim['source_lot_id']}"
        zc_desc = fetch(replica.base_url, desc_url)
    cases = [
        ("sf list", len(sf_list), lambda: alibaba_sf.parse_list(sf_list, list_url, FETCHED),
         lambda: baseline_list(sf_list)),
        ("sf detail", len(sf_detail), lambda: alibaba_sf.parse_detail(sf_detail, first["url"], FETCHED),
         lambda: baseline_detail(sf_detail)),
        ("zc desc", len(zc_desc), lambda: alibaba_zc.parse_desc(zc_desc, desc_url, FETCHED),
         lambda: baseline_desc(zc_desc)),
    ]
    record = {**first, **alibaba_sf.parse_detail(sf_detail, first["url"], FETCHED)}
    print(f"pages/s on one core, median of {args.repeats} x {args.seconds:.1f} s")
    print(f"{'page':<10} {'bytes':>7} {'parser':>9} {'baseline':>9} {'ratio':>6}")
    for name, size, ours, base in cases:
        ours_rates = [rate(ours, args.seconds) for _ in range(args.repeats)]
        base_rates = [rate(base, args.seconds) for _ in range(args.repeats)]
        o, b = statistics.median(ours_rates), statistics.median(base_rates)
        print(f"{name:<10} {size:>7,} {o:>9,.0f} {b:>9,.0f} {o / b:>6.2f}")
    normalize = statistics.median(rate(lambda: to_lot(record), args.seconds) for _ in range(args.repeats))
    print(f"normalize (to_lot of a merged sf record): {normalize:,.0f} lots/s")


if __name__ == "__main__":
    main()
