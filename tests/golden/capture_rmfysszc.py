"""Write the rmfysszc replica golden cases (tests/golden/rmfysszc/<case>/): the replica's pages for seed 9, 150 lots
per platform, night 1, chosen to cover each list state and detail variant. Run from the project folder:
``.venv/bin/python tests/golden/capture_rmfysszc.py``; then review each expected.json that the golden test writes."""

from __future__ import annotations

import json
from pathlib import Path

from replicas.server import ReplicaServer

OUT = Path(__file__).parent / "rmfysszc"
LIST_URL = "https://www.rmfysszc.gov.cn/ProjectHandle.shtml"
DETAIL = "https://www.rmfysszc.gov.cn/statichtml/rm_obj/{}.shtml"
FETCHED = "2026-11-20T02:00:00+08:00"


def write(name: str, body: bytes, ext: str, url: str, note: str) -> None:
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"input.{ext}").write_bytes(body)
    (folder / "case.json").write_text(json.dumps({"url": url, "fetched_at": FETCHED, "note": note},
                                                 ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    replica = ReplicaServer(seed=9, n_lots=150, night=1, interstitial_rate=0)
    site = replica.rmfysszc
    truth = site.truth(1)
    pages = -(-len(truth) // 20)
    for page, name, note in ((1, "list_page_1", "page 1: upcoming lots (开始时间 without a year), newest id first"),
                             (pages, "list_last_page", "the last page: 已流标 / 已成交 lots with p.prod-price "
                                                       "(流标时间 / 成交时间 with the year), 下一页 still linked"),
                             (pages + 1, "list_past_last_page", "past the last page: div.tip, no lot, no next page")):
        response = site.handle_post("www.rmfysszc.gov.cn", "/ProjectHandle.shtml", f"type=0&page={page}".encode())
        write(name, response.body, "json", LIST_URL, note)

    def pick(test):
        return next(rid for rid, lot in truth.items() if test(lot))

    details = (
        ("detail_alibaba_case_number", lambda l: l.origin[0] == "alibaba_sf" and l.case_number
         and l.round_label == "第一次拍卖", "an Alibaba court lot re-listed: 案号 in the 公告, 处置阶段 第一次拍卖"),
        ("detail_jd_no_case_number", lambda l: l.origin[0] == "jd_auction",
         "a JD court lot re-listed: no 案号, the court in span > div > span"),
        ("detail_sell_off", lambda l: l.round_label == "变卖", "a 变卖 round: 公开变卖 in the 公告"),
        ("detail_sold", lambda l: l.status == "已成交", "a sold lot: the page states no status (the list does)"),
    )
    for name, test, note in details:
        rid = pick(test)
        response = site.handle("www.rmfysszc.gov.cn", f"/statichtml/rm_obj/{rid}.shtml")
        write(name, response.body, "html", DETAIL.format(rid), note + f" (lot {rid}, GB18030 bytes, charset=gb2312)")


if __name__ == "__main__":
    main()
