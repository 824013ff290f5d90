"""Linkage test data: the Alibaba replica generator's lots as warehouse rows, with a noise layer, and its truth.

The generator's lots of one asset (``asset_key``, never served) repeat the asset's title, address, appraisal and
case number nearly verbatim, which makes linkage too easy to be a fair test. ``noisy`` rewords what the real sites
vary from one listing to the next (here, not in the replica's pages): titles (place prefix dropped or shortened,
位于/坐落于 inserted, 房产 ↔ 不动产 ↔ 房地产, 号楼 ↔ 栋, full-width digits, spaces, a round marker), addresses
(province added or dropped, short place names, spaces, full-width digits, 栋), amounts (written in 万元 to two
decimals, or rounded to 万 when large), case numbers (half-width or 〔〕 brackets, spaces, 第), disposal units and
debtors (spaces, brackets, 有限责任公司).

``truth_rows(seeds, n_lots, night, noise)`` gives a pyarrow table of every Lot column plus ``asset_key``;
``write_runs`` writes it as finished run files (one per source) that ``warehouse.ingest`` loads.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa

from replicas.alibaba.generator import AlibabaGenerator
from contracts.runfiles import RunMeta, RunPaths, new_run_id
from contracts.columns import LOT_COLUMN_NAMES, LOT_TYPES

SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
KIND = {"house": "real_estate", "commercial": "real_estate", "land": "land", "vehicle": "vehicle",
        "equity": "equity", "equipment": "equipment", "other": "other", "debt": "debt"}
ROUND = {1: "first", 2: "second", 3: "sell_off"}
STATUS = {"todo": "upcoming", "doing": "ongoing", "failure": "unsold", "break": "suspended",
          "revocation": "withdrawn"}
_FULLWIDTH = str.maketrans("0123456789()", "０１２３４５６７８９（）")
_SHORT = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市", "区", "县")
COLUMNS = ("source", "source_lot_id", "url", "fetched_at", "title", "asset_type", "seller_type", "disposal_unit",
           "case_number", "round", "status", "start_at", "end_at", "reserve_price", "appraisal_price",
           "market_price", "principal", "total_claim", "debtor", "province", "city", "district", "address",
           "asset_key")


def _short(name: str) -> str:
    for suffix in _SHORT:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _amount(x: float | None, rng: random.Random) -> Decimal | None:
    """As a page writes it: 元 to the fen, 万元 to two decimals (100 yuan), or whole 万 for large amounts."""
    if not x:
        return None
    r = rng.random()
    if r < 0.25:
        x = round(x / 100) * 100  # 1234.56万元
    elif r < 0.35 and x >= 2_000_000:
        x = round(x / 10_000) * 10_000  # 1235万元
    return Decimal(str(round(x, 2))).quantize(Decimal("0.01"))


def noisy_title(title: str, lot, rng: random.Random) -> str:
    place = f"{lot.city}{lot.district}"
    if rng.random() < 0.5:
        return title
    r = rng.random()
    city = lot.city + ("市" if title.startswith(lot.city + "市") else "")
    if title.startswith(lot.city) and r < 0.3:
        title = title.removeprefix(city)  # 盐湖区解放路...
    elif title.startswith(lot.city) and r < 0.5:
        title = lot.province + title  # 山西省运城市...
    elif title.startswith(lot.city) and r < 0.6:
        title = _short(lot.city) + _short(lot.district) + title.removeprefix(place)
    if rng.random() < 0.3:
        for a, b in (("房产", "不动产"), ("不动产", "房地产"), ("的住宅", "的房产"), ("一辆", ""),
                     ("股权", "的股权"), ("债权资产包", "债权包"), ("一批", "")):
            if a in title:
                title = title.replace(a, b, 1)
                break
    if rng.random() < 0.2:
        title = title.replace("号楼", "栋")
    if rng.random() < 0.15:
        title = title.translate(_FULLWIDTH)
    if rng.random() < 0.15:
        title = rng.choice(("【第{}次拍卖】", "（{}拍）", "{}拍：")).format(rng.choice("一二")) + title
    if rng.random() < 0.1:
        title = title + rng.choice(("（重新拍卖）", "（变卖）", " 再次拍卖"))
    if rng.random() < 0.1 and "位于" not in title and title.startswith(lot.city):
        title = "位于" + title
    return title


def noisy_address(address: str, lot, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return address
    r = rng.random()
    if r < 0.3 and not address.startswith(lot.province):
        address = lot.province + address
    elif r < 0.5:
        address = address.replace(lot.city, _short(lot.city) + " ", 1).replace(lot.district, _short(lot.district)
                                                                               + " ", 1)
    elif r < 0.6:
        address = address.removeprefix(lot.city + ("市" if address.startswith(lot.city + "市") else ""))
    if rng.random() < 0.2:
        address = address.replace("号楼", "栋").replace("室", "")
    if rng.random() < 0.15:
        address = address.translate(_FULLWIDTH)
    return address


def noisy_case(case: str, rng: random.Random) -> str:
    if not case or rng.random() < 0.6:
        return case
    r = rng.random()
    if r < 0.4:
        case = case.replace("（", "(").replace("）", ")")
    elif r < 0.6:
        case = case.replace("（", "〔").replace("）", "〕")
    elif r < 0.8:
        case = case.replace("）", "） ")
    else:
        case = case.replace("执", "执第", 1) if "执恢" not in case else case.replace("执恢", "执恢第", 1)
    return case


def noisy_name(name: str, rng: random.Random) -> str:
    if not name or rng.random() < 0.8:
        return name
    r = rng.random()
    if r < 0.4:
        return name.replace("有限公司", "有限责任公司", 1) if "有限责任公司" not in name else name
    if r < 0.7:
        return name + " "
    return name.translate(_FULLWIDTH)


def _ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=SHANGHAI)


def _row(lot, night: int, rng: random.Random | None, id_offset: int = 0) -> tuple:
    debt = lot.debt
    value = lot.consult_price or None
    market = lot.market_price or None
    principal = debt.principal if debt else None
    total = debt.total if debt else None
    title, address, case, unit = lot.title, lot.address, lot.case_no or None, lot.unit
    debtor = debt.debtor if debt else None
    if rng is not None:
        title, address = noisy_title(title, lot, rng), noisy_address(address, lot, rng)
        case, unit, debtor = noisy_case(case, rng) or None, noisy_name(unit, rng), noisy_name(debtor, rng)
        value, market = _amount(value, rng), _amount(market, rng)
        principal, total = _amount(principal, rng), _amount(total, rng)
    else:
        value, market, principal, total = (None if x is None else Decimal(str(x)).quantize(Decimal("0.01"))
                                           for x in (value, market, principal, total))
    status = STATUS.get(lot.status) or ("sold" if lot.bid_count else "ended")
    return (f"alibaba_{lot.source}", str(lot.item_id + id_offset), lot.url, NIGHT_1 + timedelta(days=night - 1), title,
            KIND[lot.kind], "court" if lot.source == "sf" else "amc", unit, case, ROUND[lot.round], status,
            _ms(lot.start_ms), _ms(lot.end_ms), Decimal(str(lot.initial_price)).quantize(Decimal("0.01")),
            value, market, principal, total, debtor, lot.province, lot.city, lot.district, address, lot.asset_key)


def truth_rows(seeds: list[int], n_lots: int, night: int = 1, noise: bool = True,
               generators: dict | None = None) -> pa.Table:
    """Every lot visible on ``night`` of one generator per seed (``n_lots`` each), as warehouse rows with
    ``asset_key``. The noise is seeded by lot id: a lot reads the same on every night."""
    rows = []
    for k, seed in enumerate(seeds):  # generators of different seeds may draw the same item id: offset them
        gen = (generators or {}).get(seed) or AlibabaGenerator(seed=seed, n_lots=n_lots)
        if generators is not None:
            generators[seed] = gen
        for lot in gen.lots_for(night):
            rng = random.Random(lot.item_id * 31 + seed) if noise else None
            rows.append(_row(lot, night, rng, k * 10**12))
    return pa.Table.from_arrays([pa.array(list(c)) for c in zip(*rows, strict=True)], names=list(COLUMNS))


def write_runs(runs: Path, table: pa.Table, night: int) -> list[Path]:
    """One finished run file (typed Parquet) and meta file per source of ``table``; their meta paths."""
    started = NIGHT_1 + timedelta(days=night - 1)
    con = duckdb.connect()
    con.register("truth", table)
    typed = ", ".join(f"CAST({c} AS {LOT_TYPES[c]}) AS {c}" if c in table.column_names
                      else f"CAST(NULL AS {LOT_TYPES[c]}) AS {c}" for c in LOT_COLUMN_NAMES)
    metas = []
    for (source,) in con.execute("SELECT DISTINCT source FROM truth ORDER BY 1").fetchall():
        items = con.execute("SELECT count(*) FROM truth WHERE source = ?", [source]).fetchone()[0]
        meta = RunMeta(new_run_id(source, started), source, started.isoformat(),
                       (started + timedelta(minutes=30)).isoformat(), items, 0, "ok")
        paths = RunPaths(runs / source, meta.run_id)
        paths.directory.mkdir(parents=True, exist_ok=True)
        con.execute(f"COPY (SELECT {typed} FROM truth WHERE source = '{source}') "
                    f"TO '{paths.directory / (meta.run_id + '.parquet')}' (FORMAT parquet)")
        paths.meta.write_text(json.dumps(asdict(meta)), encoding="utf-8")
        metas.append(paths.meta)
    con.close()
    return metas


def pairwise(con: duckdb.DuckDBPyConnection, truth: pa.Table) -> dict[str, float]:
    """Pairwise precision and recall of fct_lot_links against the truth's asset_key (same-asset pairs)."""
    con.register("lk_truth", truth.select(["source", "source_lot_id", "asset_key"]))
    tp, predicted, actual = con.execute("""
        WITH j AS (SELECT l.asset_id, t.asset_key FROM fct_lot_links l
                   JOIN lk_truth t USING (source, source_lot_id)),
        pairs AS (SELECT count(*) AS c FROM j GROUP BY asset_id, asset_key),
        pred AS (SELECT count(*) AS c FROM j GROUP BY asset_id),
        act AS (SELECT count(*) AS c FROM j GROUP BY asset_key)
        SELECT (SELECT sum(c * (c - 1) / 2) FROM pairs), (SELECT sum(c * (c - 1) / 2) FROM pred),
               (SELECT sum(c * (c - 1) / 2) FROM act)""").fetchall()[0]
    con.unregister("lk_truth")
    return {"precision": float(tp / predicted) if predicted else 1.0, "recall": float(tp / actual) if actual else 1.0,
            "true_pairs": int(actual), "predicted_pairs": int(predicted), "correct_pairs": int(tp)}
