"""Cross-platform linkage: precision and recall of `warehouse.linkage` on tests/golden/linkage/cross_platform.jsonl,
printed beside the same figures on the synthetic set (bench/linkage_data.py, as tests/warehouse/test_linkage.py
builds it) measured in the same run.

The set (one lot a line, with its ``asset_key``: the ground truth, and ``set``):

- ``replica``: every lot of the Alibaba (sf), JD, 公拍网 (gpai) and 中拍平台 (caa123) replicas and of the 人民法院诉讼资产网
  replica, which re-lists about a third of their court assets (replicas/rmfysszc/feeds.py), as crawled and normalized (two nights); the truth is the
  generators' ``asset_key`` and, for a re-listed lot, the original it copies. Hard non-pairs come with it: the same
  court selling other assets, relistings of other assets under similar titles;
- ``derived``: hard non-pairs made from re-listed lots (the same court, address and title with another room, unit or
  plate number, another appraisal): each is its own asset;
- ``real``: the 20 lots of the real 2022 list page (tests/golden/real/rmfysszc/list_guangdong_2022), where the site
  re-lists six assets under new ids; assets assigned by hand (same title, same 评估值 and the same photo hash in
  the image path). Scored on its own: list records carry no court and no address.

Pairwise precision / recall over same-asset pairs (as bench/linkage_data.pairwise), for the replica + derived lots
(all pairs, the pairs across two sources only, and those pairs by the platform of the original a re-listing copies)
and for the real lots.

    .venv/bin/python bench/linkage_cross.py            # print the figures
    .venv/bin/python bench/linkage_cross.py --build    # rebuild the set from the replicas (crawls, a few minutes)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import zlib
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from contracts.models import Lot  # noqa: E402

SET = Path(__file__).resolve().parents[1] / "tests" / "golden" / "linkage" / "cross_platform.jsonl"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
FIELDS = ("source", "source_lot_id", "url", "fetched_at", "title", "asset_type", "seller_type", "disposal_unit",
          "case_number", "round", "status", "start_at", "end_at", "reserve_price", "appraisal_price", "market_price",
          "deposit", "principal", "total_claim", "debtor", "province", "city", "district", "address")
# the real list page's assets, by hand: same title, same 评估值 and the same photo hash (tests/golden/real/rmfysszc)
ORIGINS = ("alibaba_sf", "jd_auction", "gpai", "caa123")  # the platforms whose court lots the replica re-lists
REAL_ASSETS = {"132030": "A", "130568": "A", "132004": "B", "130343": "B", "131986": "C", "130990": "C",
               "131593": "D", "129448": "D", "131237": "E", "130935": "E", "131219": "F", "130720": "F",
               "129976": "F"}


# --------------------------------------------------------------------------------------------- the set


def load(path: Path = SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def to_lot(row: dict) -> Lot:
    return Lot(**{k: v for k, v in row.items() if k in FIELDS and v is not None})


def evaluate(rows: list[dict]) -> dict:
    """Link ``rows`` in a fresh warehouse (one night, the ingest hook) and score the links against ``asset_key``."""
    from warehouse.db import connect
    from warehouse.ingest import ingest
    from warehouse.linkage import link_assets
    from tests.warehouse.conftest import write_run

    with tempfile.TemporaryDirectory(prefix="salvage-linkage-cross-") as tmp:
        con = connect(Path(tmp) / "w.duckdb")
        by_source: dict[str, list[Lot]] = {}
        for row in rows:
            by_source.setdefault(row["source"], []).append(to_lot(row))
        metas = [write_run(Path(tmp) / "runs", lots, source=source) for source, lots in by_source.items()]
        ingest(con, metas, hooks=[link_assets])
        asset = {(s, i): a for s, i, a in con.execute(
            "SELECT source, source_lot_id, asset_id FROM fct_lot_links").fetchall()}
        con.close()
    keys = [((r["source"], r["source_lot_id"]), r["asset_key"]) for r in rows]
    counts: dict[str, list[int]] = {}  # name -> [tp, fp, fn]
    for (a, ka), (b, kb) in combinations(keys, 2):
        same, linked = ka == kb, asset[a] == asset[b]
        if not (same or linked):
            continue
        names = ["all"]
        if a[0] != b[0]:
            names.append("cross")
            if "rmfysszc" in (a[0], b[0]):  # a re-listing and another platform's lot: counted under that platform
                names.append(f"origin:{b[0] if a[0] == 'rmfysszc' else a[0]}")
        for name in names:
            c = counts.setdefault(name, [0, 0, 0])
            c[0] += same and linked
            c[1] += linked and not same
            c[2] += same and not linked
    figures = {}
    for name in ("all", "cross", *sorted(n for n in counts if n.startswith("origin:"))):
        tp, fp, fn = counts.get(name, [0, 0, 0])
        figures[name] = {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
                         "true_pairs": tp + fn, "linked_pairs": tp + fp, "correct_pairs": tp}
    return figures


def synthetic() -> dict:
    """The existing synthetic figures (the generators' truth with the noise layer), as the linkage test builds them."""
    from bench.linkage_data import pairwise, truth_rows, write_runs
    from warehouse.db import connect
    from warehouse.ingest import ingest
    from warehouse.linkage import link_assets

    with tempfile.TemporaryDirectory(prefix="salvage-linkage-synth-") as tmp:
        table = truth_rows([3, 4], 1500, 1)
        con = connect(Path(tmp) / "w.duckdb")
        ingest(con, write_runs(Path(tmp) / "runs", table, 1), hooks=[link_assets])
        scores = pairwise(con, table)
        con.close()
    return scores


# --------------------------------------------------------------------------------------------- building it


def _row(lot: dict, asset_key: str, kind: str, note: str = "") -> dict:
    row = {k: (str(v) if isinstance(v, Decimal | datetime) else v) for k, v in lot.items() if k in FIELDS}
    for k in ("fetched_at", "start_at", "end_at"):
        if isinstance(lot.get(k), datetime):
            row[k] = lot[k].isoformat()
    row.update(asset_key=asset_key, set=kind)
    if note:
        row["note"] = note
    return row


_NUMBER = re.compile(r"(\d+)(室|号房|单元|号楼|幢|栋)")


def _derived(row: dict) -> dict | None:
    """A hard non-pair of ``row``: the same court, the same street, another unit (room, building or plate). Every
    round of one asset gives the same other unit: the lots derived from one asset are one (other) asset."""
    title, address = row["title"], row.get("address") or ""
    m = _NUMBER.search(title) or re.search(r"[A-Z](\d{4,5})", title)
    if m is None:
        return None
    old = m.group(1)
    new = str(int(old) + 100 * (1 + zlib.crc32(row["asset_key"].encode()) % 3)).zfill(len(old))
    fake = dict(row)
    fake["title"] = title.replace(old, new, 1)
    fake["address"] = address.replace(old, new, 1) if old in address else address
    for k in ("appraisal_price", "reserve_price"):
        if fake.get(k):
            fake[k] = str((Decimal(fake[k]) * Decimal("1.07")).quantize(Decimal("0.01")))
    fake["source_lot_id"] = f"9{row['source_lot_id']}"
    fake["url"] = f"https://www.rmfysszc.gov.cn/statichtml/rm_obj/{fake['source_lot_id']}.shtml"
    fake.update(asset_key=f"derived:{row['asset_key']}:{new}", set="derived",
                note=f"derived from {row['source_lot_id']}: another unit ({old} → {new}) of the same street and court")
    return fake


def build(path: Path = SET) -> None:
    from crawlers.parsers import parse_page
    from crawlers.runner import run_crawl
    from normalizers.lot import to_lot as normalize
    from replicas.server import ReplicaServer
    from warehouse.db import connect
    from warehouse.ingest import ingest

    sources = (*ORIGINS, "rmfysszc")
    with tempfile.TemporaryDirectory(prefix="salvage-linkage-build-") as tmp:
        con = connect(Path(tmp) / "w.duckdb")
        truth: dict[tuple[str, str], str] = {}
        with ReplicaServer(seed=9, n_lots=150, night=1, interstitial_rate=0) as replica:
            for night in (1, 2):
                replica.set_night(night)
                clock = NIGHT_1 + timedelta(days=night - 1)
                metas = []
                for source in sources:
                    print(f"night {night}: crawling {source}", flush=True)
                    metas.append(run_crawl(source, Path(tmp) / "runs", replica=replica.base_url, clock=clock,
                                           timeout=300).paths.meta)
                ingest(con, metas)
                truth.update({("alibaba_sf", str(lot.item_id)): f"alibaba_sf:{lot.asset_key}"
                              for lot in replica.generator.lots_for(night) if lot.source == "sf"})
                truth.update({("jd_auction", str(lot.paimai_id)): f"jd_auction:{lot.asset_key}"
                              for lot in replica.jd_generator.lots_for(night)})
                truth.update({("gpai", str(lot.item_id)): f"gpai:{lot.asset_key}"
                              for lot in replica.gpai_generator.lots_for(night)})
                truth.update({("caa123", f"sf-{lot.lot_id}"): f"caa123:{lot.asset_key}"
                              for lot in replica.caa_generator.lots_for(night) if lot.side == "sf"})
                truth.update({("rmfysszc", rid): lot.asset_key for rid, lot in replica.rmfysszc.truth(night).items()})
        # (caa123's commercial lots are not court sales: nothing re-lists them)
        cur = con.execute(f"SELECT {', '.join(FIELDS)} FROM lots WHERE source IN {sources} "
                          "AND NOT (source = 'caa123' AND source_lot_id LIKE 'pm-%') ORDER BY source, source_lot_id")
        names = [d[0] for d in cur.description]
        lots = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        con.close()
    rows = [_row(lot, truth[(lot["source"], lot["source_lot_id"])], "replica") for lot in lots]
    relisted = [r for r in rows if r["source"] == "rmfysszc"]
    rows += [d for r in relisted if (d := _derived(r)) is not None]
    real = Path(__file__).resolve().parents[1] / "tests" / "golden" / "real" / "rmfysszc" / "list_guangdong_2022"
    case = json.loads((real / "case.json").read_text(encoding="utf-8"))
    records = parse_page("rmfysszc", (real / "input.json").read_bytes(), case["url"],
                         datetime.fromisoformat(case["fetched_at"]))
    for record in records:
        lot = normalize(record).model_dump()
        lot["source_lot_id"] = f"real-{lot['source_lot_id']}"  # apart from the replica's ids
        key = REAL_ASSETS.get(record["source_lot_id"], record["source_lot_id"])
        rows.append(_row(lot, f"real:{key}", "real", "tests/golden/real/rmfysszc/list_guangdong_2022"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} lots to {path}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", action="store_true", help="rebuild the set from the replicas first")
    args = ap.parse_args()
    if args.build:
        build()
    rows = load()
    cross = evaluate([r for r in rows if r["set"] in ("replica", "derived")])
    real = evaluate([r for r in rows if r["set"] == "real"])
    synth = synthetic()
    counts = {k: sum(r["set"] == k for r in rows) for k in ("replica", "derived", "real")}
    print(f"cross-platform set: {counts['replica']} replica lots + {counts['derived']} derived non-pairs "
          f"({sum(r['source'] == 'rmfysszc' and r['set'] == 'replica' for r in rows)} re-listed by rmfysszc)")
    by_origin = [(f"  of {name[7:]}", f) for name, f in cross.items() if name.startswith("origin:")]
    for name, f in (("all pairs", cross["all"]), ("cross-source pairs", cross["cross"]), *by_origin,
                    ("real list page", real["all"])):
        print(f"  {name:22s} precision {f['precision']:.4f} recall {f['recall']:.4f} "
              f"({f['correct_pairs']} of {f['linked_pairs']} linked pairs right, {f['true_pairs']} true pairs)")
    print(f"  synthetic set       precision {synth['precision']:.4f} recall {synth['recall']:.4f} "
          f"({synth['correct_pairs']:,} of {synth['predicted_pairs']:,}, {synth['true_pairs']:,} true pairs)")


if __name__ == "__main__":
    main()
