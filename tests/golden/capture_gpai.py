"""Save the gpai golden inputs from the replica (seed 7, 300 lots, fetched at night 1's server time 2026-11-20 02:00).

Each page is fetched over HTTP from a running `ReplicaServer` as a crawl gets it; lots are picked by their state in
the generator's ground truth. Existing ``input.html`` / ``case.json`` files are rewritten; ``expected.json`` files are
left alone (delete one to have the golden test write it again for review).

    .venv/bin/python tests/golden/capture_gpai.py
"""

from __future__ import annotations

import http.client
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from replicas.server import ReplicaServer  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "gpai"
AT = "2026-11-20T02:00:00+08:00"
REPLICA = "replica seed 7, 300 lots, night 1"
LIST = "http://www.gpai.net/sf/search.do?action=court&cityNum=35&restate={}&at={}"


def fetch(base: str, url: str) -> bytes:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(urlsplit(base).netloc)
    connection.request("GET", f"{parts.path}?{parts.query}", headers={"Host": parts.netloc})
    return connection.getresponse().read()


def save(case: str, url: str, body: bytes, note: str) -> None:
    folder = GOLDEN / case
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "input.html").write_bytes(body)
    meta = {"url": url, "fetched_at": AT, "note": f"{REPLICA}: {note}"}
    (folder / "case.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    with ReplicaServer(seed=7, n_lots=300, night=1, interstitial_rate=0) as replica:
        site = next(s for s in replica.sites if "www.gpai.net" in s.hosts)
        site.redirect_rate = 0  # the error page is captured on purpose below
        lots = replica.gpai_generator.lots_for(1)

        def first(**want) -> object:
            return next(lot for lot in lots if all(getattr(lot, k) == v for k, v in want.items()))

        lists = [
            ("list_upcoming_houses_page0", LIST.format(1, 376), "即将开始 houses, first of several pages (Page=0 "
             "implied): badge-bg103, 起拍价 in yuan, 评估价 in 万元, 开始时间, the page count (N) and the next page"),
            ("list_upcoming_houses_page1", LIST.format(1, 376) + "&Page=1", "the second page of the same list"),
            ("list_sold_cars", LIST.format(3, 378), "已成交 cars: badge-bg114, the price line reads 成交价, bids"),
            ("list_other_land", LIST.format(4, 381), "其他 (流标 113 and 已撤回 125) land lots"),
            ("list_empty_ships", LIST.format(2, 383), "正在拍卖 ships: none, 共有拍品（0）"),
        ]
        for case, url, note in lists:
            save(case, url, fetch(replica.base_url, url), note)
        details = [
            ("detail_upcoming_house", first(state="upcoming", category="376", round_no=1),
             "一拍 house not started: 即将开始, the price box says 起拍价, 拍卖次数 第一次拍卖"),
            ("detail_ongoing_bid", next(lot for lot in lots if lot.state == "ongoing" and lot.bid_count and lot.round_no < 3),
             "正在拍卖 with bids: the price box says 当前价 with 当前领先 N号"),
            ("detail_sold_second_round", first(state="sold", round_no=2),
             "二拍 ended and sold: 已结束 / 成交, the price box says 成交价"),
            ("detail_unsold", first(state="unsold", round_no=1), "一拍 ended without a bid: 已结束 / 流拍"),
            ("detail_withdrawn", first(state="withdrawn"), "撤回 before the start: 已结束 / 撤拍"),
            ("detail_sell_off", first(round_no=3), "变卖: 当前拍卖模式 变卖, 变卖期 / 竞价期 / 变卖预缴款 cells, no 拍卖次数"),
            ("detail_equity", first(category="372"), "shares (股权): a title that is no address"),
        ]
        for case, lot, note in details:
            save(case, lot.url, fetch(replica.base_url, lot.url), f"lot {lot.item_id}: {note}")
        lot = first(state="upcoming")
        site.redirect_rate = 1.0
        save("error_redirect", lot.url, fetch(replica.base_url, lot.url),
             f"lot {lot.item_id}: the error page, a script redirect back to the lot page (refused: the spider follows it)")


if __name__ == "__main__":
    main()
