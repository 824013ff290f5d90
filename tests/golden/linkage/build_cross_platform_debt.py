"""Rebuild cross_platform_debt.jsonl: debt packages the AMC replica announces and the CBEX replica lists again,
and CBEX listings that only resemble one (near misses), as the real crawlers read them.

It crawls night 1 of the four AMC notice sources and of ``cbex`` from the replicas (seed 7) with the real spiders,
keeps the lots of every CBEX listing that mirrors or resembles an AMC notice (the CBEX generator's truth,
``Listing.mirrors`` / ``Listing.near_miss``) and of those notices, and writes one line per lot:
``{"asset": truth key, "kind": "pair" | "near_miss" | "resembled", "note": …, "lot": Lot as JSON without raw}``.
Two lots with the same ``asset`` are one asset. Review the diff by eye before committing a rebuilt file.

    .venv/bin/python tests/golden/linkage/build_cross_platform_debt.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from crawlers.runner import run_crawl  # noqa: E402
from replicas.server import ReplicaServer  # noqa: E402

OUT = Path(__file__).with_name("cross_platform_debt.jsonl")
AMC_SOURCE = {"gwamc": "gwamc_notice", "citic": "citic_amc_notice", "cinda": "cinda_notice", "coamc": "coamc_notice"}
KEEP = ("source", "source_lot_id", "url", "fetched_at", "title", "asset_type", "seller_type", "disposal_unit",
        "status", "start_at", "end_at", "reserve_price", "principal", "interest", "total_claim", "claim_as_of",
        "debtor", "province", "province_code", "loans")
LOAN_KEEP = ("seq", "debtor", "principal", "interest", "total", "currency", "claim_as_of")


def slim(row: dict) -> dict:
    lot = {k: row[k] for k in KEEP if row.get(k) not in (None, [], "")}
    if "loans" in lot:
        lot["loans"] = [{k: loan[k] for k in LOAN_KEEP if loan.get(k) is not None} for loan in lot["loans"]]
    return json.loads(json.dumps(lot, default=str, ensure_ascii=False))


def main() -> None:
    clock = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
    lots: dict[tuple[str, str], dict] = {}
    with tempfile.TemporaryDirectory() as work, ReplicaServer(seed=7, n_lots=30, night=1,
                                                              interstitial_rate=0) as replica:
        for source in (*AMC_SOURCE.values(), "cbex"):
            result = run_crawl(source, Path(work) / "runs", replica=replica.base_url, clock=clock, timeout=600)
            for row in pq.read_table(result.paths.lots).to_pylist():
                lots[(row["source"], row["source_lot_id"])] = row
        listings = replica.cbex_generator.listings(1)
    lines = []
    for x in listings:
        ref = x.mirrors or (x.near_miss[:2] if x.near_miss else None)
        if ref is None:
            continue
        amc, notice_id = ref
        notice = lots.get((AMC_SOURCE[amc], notice_id))
        listed = lots.get(("cbex", x.code))
        if notice is None or listed is None:
            raise SystemExit(f"not crawled: {AMC_SOURCE[amc]} {notice_id} or cbex {x.code}")
        key = f"{AMC_SOURCE[amc]}:{notice_id}"
        if x.mirrors:
            lines.append({"asset": key, "kind": "pair", "note": "the AMC notice of the package", "lot": slim(notice)})
            lines.append({"asset": key, "kind": "pair", "note": "the same package listed on CBEX", "lot": slim(listed)})
        else:
            how = x.near_miss[2]
            lines.append({"asset": key, "kind": "resembled", "note": "an AMC package a CBEX listing resembles",
                          "lot": slim(notice)})
            lines.append({"asset": f"cbex:{x.code}", "kind": "near_miss", "note": how, "lot": slim(listed)})
    with OUT.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {len(lines)} lots to {OUT}")


if __name__ == "__main__":
    main()
