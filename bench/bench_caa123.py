"""Parse benchmark for 中拍平台 (caa123): pages/s on one core of `crawlers.parsers.caa123` beside a plain baseline that
extracts the same fields from the same pages in the same run (``json.loads`` and dict lookups for the judicial API,
selectolax lookups for the commercial pages), and the ratio parser / baseline. Medians of --repeats runs of about
--seconds each.

Pages are the replica's (seed 7, 300 lots, night 1), fetched as the spider asks for them: the judicial list with
``count=100`` (its page size), a judicial lot, a commercial list page (12 lots) and a commercial lot page.

    .venv/bin/python bench/bench_caa123.py [--seconds 1] [--repeats 3]

Target: each ratio >= 0.8.
"""

from __future__ import annotations

import argparse
import json
import statistics
from datetime import datetime
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser
from timing import rate  # bench/timing.py (scripts run with bench/ on sys.path)

from crawlers.parsers import caa123
from crawlers.spiders.caa123 import SF_LIST
from replicas.caa123 import CaaGenerator, CaaSite

FETCHED = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
SF_KEYS = ("id", "name", "lotStatus", "times", "startPrice", "assessPrice", "nowPrice", "startTime", "endTime", "court",
           "bidCount", "onLooker", "standardType")
LOT_KEYS = SF_KEYS + ("rateLadder", "cashDeposit", "enrollment", "position")


def baseline_sf_list(body: bytes) -> dict:
    data = json.loads(body)
    return {"items": [{k: item.get(k) for k in SF_KEYS} for item in data["items"]],
            "totalPages": data.get("totalPages"), "totalCount": data.get("totalCount")}


def baseline_sf_lot(body: bytes) -> dict:
    data = json.loads(body)
    return {k: data.get(k) for k in LOT_KEYS}


def _text(node, css: str) -> str | None:
    found = node.css_first(css)
    return found.text(strip=True) if found is not None else None


def baseline_pm_list(body: bytes) -> dict:
    tree = LexborHTMLParser(body.decode("utf-8"))
    items = []
    for li in tree.css("li.lot-item"):
        items.append({"lot": li.attributes.get("data-lotid"), "meet": li.attributes.get("data-meetid"),
                      "title": _text(li, "p.lot-name a"), "label": _text(li, "span.label"),
                      "price": _text(li, "em.price"), "status": _text(li, "span.lot-status"),
                      "time": _text(li, "span.lot-time"), "bids": _text(li, "span.bid"), "look": _text(li, "span.look")})
    nxt = tree.css_first("div.page-wrap a.next")
    return {"items": items, "count": _text(tree, "span.count"), "next": nxt.attributes.get("href") if nxt else None}


def baseline_pm_detail(body: bytes) -> dict:
    tree = LexborHTMLParser(body.decode("utf-8"))
    root = tree.css_first("div.lot-detail")
    rows = {_text(td, "span.key"): _text(td, "span.value") for td in root.css("table.lot-info td")}
    return {"lot": root.attributes.get("data-lotid"), "title": _text(root, "h2.lot-title"),
            "status": _text(root, "span.lot-status"), "label": _text(root, "span.price-label"),
            "price": _text(root, "em.now-price"), "rows": rows}


def pages() -> list[tuple[str, str, bytes]]:
    site = CaaSite(CaaGenerator(seed=7, n_lots=300))

    def get(url: str) -> bytes:
        host, _, rest = url.partition("://")[2].partition("/")
        return site.handle(host, "/" + rest).body

    sf_list = get(SF_LIST)
    first = caa123.parse_list(sf_list, SF_LIST, FETCHED).records[0]
    lot_url = f"https://sf.caa123.org.cn/caa-web-ws/ws/0.1/lot/{first['source_lot_id'][3:]}"
    pm_list_url = "https://paimai.caa123.org.cn/pages/lots/list.html?status=&standardType=6&num=0"
    pm_list = get(pm_list_url)
    pm_url = caa123.parse_list(pm_list, pm_list_url, FETCHED).records[0]["url"]
    return [("sf list", SF_LIST, sf_list), ("sf lot", lot_url, get(lot_url)), ("pm list", pm_list_url, pm_list),
            ("pm lot", pm_url, get(pm_url))]


BASELINES = {"sf list": baseline_sf_list, "sf lot": baseline_sf_lot, "pm list": baseline_pm_list,
             "pm lot": baseline_pm_detail}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    print(f"caa123 pages/s on one core, median of {args.repeats} x {args.seconds:.1f} s")
    print(f"{'page':<8} {'bytes':>7} {'parser':>9} {'baseline':>9} {'ratio':>6}")
    for name, url, body in pages():
        parse = (lambda b=body, u=url: caa123.parse_list(b, u, FETCHED)) if "list" in name else \
            (lambda b=body, u=url: caa123.parse_detail(b, u, FETCHED))
        base = lambda b=body, f=BASELINES[name]: f(b)  # noqa: E731
        ratios, ours, theirs = [], [], []
        for _ in range(args.repeats):  # interleaved, so a busy moment of the machine hits both alike
            o, b = rate(parse, args.seconds), rate(base, args.seconds)
            ours.append(o), theirs.append(b), ratios.append(o / b)
        print(f"{name:<8} {len(body):>7,} {statistics.median(ours):>9,.0f} {statistics.median(theirs):>9,.0f} "
              f"{statistics.median(ratios):>6.2f}")


if __name__ == "__main__":
    main()
