"""Save the 中拍平台 (caa123) golden inputs from the replica (seed 7, 300 lots, fetched at the night's server time).

Each case is a lot or page picked by what it shows (a sold lot, a 变卖 round, an end not yet stated …) and fetched
from the replica's site object exactly as the server answers it. Existing ``input.*`` / ``case.json`` files are
rewritten; ``expected.json`` files are left alone (delete one to have the golden runner write it again for review).

    .venv/bin/python tests/golden/capture_caa123.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from replicas.caa123 import CaaGenerator, CaaSite  # noqa: E402

GOLDEN = Path(__file__).resolve().parent / "caa123"
SF, PM = "https://sf.caa123.org.cn", "https://paimai.caa123.org.cn"
LIST = ("/caa-web-ws/ws/0.1/lots?start={}&count=12&sortname=&sortorder=&lotStatus={}&province=&city=&priceBegin="
        "&priceEnd=&lotMode=&times=&isRestricted=&canLoan=&standardType=&secondaryType=")


def save(site: CaaSite, night: int, name: str, base: str, target: str, note: str) -> None:
    site.set_night(night)
    response = site.handle(base.split("//")[1], target)
    case = GOLDEN / name
    case.mkdir(parents=True, exist_ok=True)
    ext = "json" if response.content_type.startswith("application/json") else "html"
    for old in case.glob("input.*"):
        old.unlink()
    (case / f"input.{ext}").write_bytes(response.body)
    meta = {"url": base + target, "fetched_at": f"2026-11-{19 + night}T02:00:00+08:00",
            "note": f"replica seed 7, 300 lots, night {night}: {note} (HTTP {response.status})"}
    (case / "case.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    gen = CaaGenerator(seed=7, n_lots=300)
    site = CaaSite(gen)
    lots = gen.lots_for(1)

    def first(**want) -> object:
        return next(lot for lot in lots if all(getattr(lot, k) == v for k, v in want.items()))

    def sf_lot(lot) -> str:
        return f"/caa-web-ws/ws/0.1/lot/{lot.lot_id}"

    save(site, 1, "api_list_first_page", SF, LIST.format(0, ""), "the judicial list, first page of 12, every filter "
         "open: lotStatus strings, times, floats with .0, an upcoming lot whose endTime equals its startTime")
    total_pages = -(-sum(lot.side == "sf" for lot in lots) // 12)
    save(site, 1, "api_list_last_page", SF, LIST.format(total_pages - 1, ""), "the last judicial page: no next page")
    save(site, 1, "api_list_empty", SF, "/caa-web-ws/ws/0.1/lots?start=0&count=12&lotStatus=&standardType=17",
         "a category with no lot (standardType 17 知识产权): items [], totalCount 0, totalPages 0")
    save(site, 1, "api_lot_upcoming_no_end", SF,
         sf_lot(next(l for l in lots if l.side == "sf" and l.lot_status == 0 and not l.end_known)),
         "an upcoming court lot whose endTime repeats its startTime (no end stated yet: end_at is not read)")
    save(site, 1, "api_lot_sold", SF, sf_lot(first(side="sf", lot_status=3)),
         "a court lot sold (lotStatus 3): nowPrice is the final price; delayTimes after extensions")
    save(site, 2, "api_lot_second_round", SF, sf_lot(next(l for l in gen.lots_for(2) if l.side == "sf" and l.times == 2)),
         "a relisting as the second round (times 2) at 80% of the first's start price")
    sell_off = next((l for n in (1, 2) for l in gen.lots_for(n) if l.side == "sf" and l.times == 3), None)
    if sell_off is not None:
        save(site, 2, "api_lot_sell_off", SF, sf_lot(sell_off), "a 变卖 (times 3): a 60-day term")
    save(site, 1, "api_lot_withdrawn", SF, sf_lot(first(side="sf", lot_status=5)), "a withdrawn court lot (lotStatus 5 已撤回)")
    save(site, 1, "api_lot_deferred", SF, sf_lot(first(side="sf", lot_status=6)), "a deferred court lot (lotStatus 6 已暂缓)")
    save(site, 1, "api_error_lot_missing", SF, "/caa-web-ws/ws/0.1/lot/1", "a lot id the API does not know: an error object")
    save(site, 1, "html_list_houses", PM, "/pages/lots/list.html?status=&standardType=6&num=0",
         "the commercial list page of 房产 (standardType 6), first page of 12 with a next link")
    save(site, 1, "html_lot_sold", PM, site.detail_path(first(side="pm", lot_status=3)),
         "a commissioned lot sold (成交价), its consignor, auctioneer and counts")
    save(site, 1, "html_lot_no_appraisal", PM, site.detail_path(
        next(l for l in lots if l.side == "pm" and not l.assess_price)), "a commissioned lot with 评估价 无")
    save(site, 1, "html_lot_withdrawn", PM, site.detail_path(first(side="pm", lot_status=4)),
         "a commissioned lot withdrawn (badge 已撤拍)")


if __name__ == "__main__":
    main()
