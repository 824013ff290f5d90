"""Parse benchmark for 人民法院诉讼资产网: pages/s on one core of `crawlers.parsers.rmfysszc`, beside a plain
``orjson`` + selectolax extraction of the same fields from the same bytes in the same run (no normalizing, no
year inference, no paging logic: the floor any parser of these pages pays).

Pages: the replica's list answers (20 lots each, JSON with HTML inside) and detail pages (GB18030), several of each,
and the real pages of tests/golden/real/rmfysszc. Each measurement runs for about --seconds, --repeats times;
medians are printed, and the median of the per-repeat ratios parser / baseline (goal >= 0.8).

    .venv/bin/python bench/bench_rmfysszc.py [--seconds 1] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402
from timing import rate  # noqa: E402

from crawlers.parsers import rmfysszc  # noqa: E402
from replicas.server import ReplicaServer  # noqa: E402

FETCHED = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
REAL = Path(__file__).resolve().parents[1] / "tests" / "golden" / "real" / "rmfysszc"


def baseline_list(body: bytes) -> list[dict]:
    data = orjson.loads(body)
    tree = LexborHTMLParser(data["html"])
    out = []
    for node in tree.css("div.product"):
        link = node.css_first("div.p_img a")
        price = node.css_first("p.prod-price strong")
        badge = node.css_first("div.prod-alink a")
        out.append({"id": node.attributes.get("id"), "title": link.attributes.get("title") if link else None,
                    "rows": [p.text(strip=True) for p in node.css("div.prod-guj p")],
                    "price": price.text(strip=True) if price else None,
                    "badge": badge.text(strip=True) if badge else None})
    pages = [a.attributes.get("onclick") for a in LexborHTMLParser(data["page"]).css("a")]
    return [out, pages]


def baseline_detail(body: bytes) -> dict:
    tree = LexborHTMLParser(body.decode("gb18030", "replace") if b'charset=UTF-8' not in body[:2048]
                            else body.decode("utf-8", "replace"))

    def text(css: str) -> str | None:
        node = tree.css_first(css)
        return node.text(strip=True) if node is not None else None

    return {"title": text("div#Title"), "price": [s.text(strip=True) for s in tree.css("div#price span")],
            "bg1": [s.text(strip=True) for s in tree.css("div#bg1 span")], "notice": text("div#pmgg"),
            "table": [c.text(strip=True) for c in tree.css("div#bdjs th, div#bdjs td")],
            "images": [i.attributes.get("src") for i in tree.css("div#zzsc img")],
            "attachments": [a.attributes.get("href") for a in tree.css("div.fj a")]}


def pages() -> dict[str, list[tuple[bytes, str]]]:
    found: dict[str, list[tuple[bytes, str]]] = {"list": [], "detail": []}
    replica = ReplicaServer(seed=7, n_lots=300, night=1, interstitial_rate=0)
    site = replica.rmfysszc
    for page in (1, 2, 3):
        body = site.handle_post("www.rmfysszc.gov.cn", "/ProjectHandle.shtml", f"type=0&page={page}".encode()).body
        found["list"].append((body, rmfysszc.LIST_URL))
    for rid in list(site.truth(1))[:8]:
        url = rmfysszc.DETAIL_URL.format(id=rid)
        found["detail"].append((site.handle("www.rmfysszc.gov.cn", f"/statichtml/rm_obj/{rid}.shtml").body, url))
    found["list"].append(((REAL / "list_guangdong_2022" / "input.json").read_bytes(), rmfysszc.LIST_URL))
    found["detail"].append(((REAL / "detail_chongqing_2018_car" / "input.html").read_bytes(),
                            "https://www.rmfysszc.gov.cn/statichtml/rm_obj/93675.shtml"))
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    groups = pages()
    cases = {
        "list": (lambda: [rmfysszc.parse_list(b, u, FETCHED) for b, u in groups["list"]],
                 lambda: [baseline_list(b) for b, _ in groups["list"]]),
        "detail": (lambda: [rmfysszc.parse_detail(b, u, FETCHED) for b, u in groups["detail"]],
                   lambda: [baseline_detail(b) for b, _ in groups["detail"]]),
    }
    print(f"pages/s on one core, median of {args.repeats} x {args.seconds:.1f} s")
    print(f"{'page':<8} {'pages':>5} {'bytes':>8} {'parser':>9} {'baseline':>9} {'ratio':>6}")
    for name, (ours, base) in cases.items():
        n = len(groups[name])
        size = sum(len(b) for b, _ in groups[name]) // n
        # alternated, one pair per repeat: the machine's load drifts less within a pair than across a whole series
        pairs = [(rate(ours, args.seconds) * n, rate(base, args.seconds) * n) for _ in range(args.repeats)]
        o, b = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        ratio = statistics.median(p[0] / p[1] for p in pairs)
        print(f"{name:<8} {n:>5} {size:>8,} {o:>9,.0f} {b:>9,.0f} {ratio:>6.2f}")


if __name__ == "__main__":
    main()
