"""Which lots of the other replicas 人民法院诉讼资产网 re-lists: one adapter per platform, one line each in `FEEDS`.

The real site gathers the courts' sales from the platforms they auction on (Alibaba, JD, 公拍网, 中拍平台 …): the
same court, title, address, appraisal, starting price and auction dates, under its own lot id. The replica re-lists
the court lots of every platform in `FEEDS` whose asset falls in the chosen share (`SHARE`, by a hash of the
asset, so that every round of a chosen asset is re-listed); each re-listed lot carries the ground truth of the
original lot it copies (`Relisted.origin`, never served).

A platform joins with one adapter (a generator lot → `Relisted`, or None for a lot that is not a court sale) and
one line in `FEEDS`: ``"gpai": (lambda server: server.gpai_generator, from_gpai),``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Any, NamedTuple

SHARE = 35  # percent of the court assets of each platform that the site re-lists


class Relisted(NamedTuple):
    """A court lot as the aggregator re-lists it (amounts in yuan, times in epoch ms, Asia/Shanghai)."""

    origin: tuple[str, str]  # (source, source_lot_id) of the original listing: the ground truth, never served
    asset_key: str  # the original platform's asset (every round of one asset), prefixed with the platform
    court: str
    title: str
    address: str  # 标的物所在地 as the original listing states it
    kind: str  # 类型: 房产, 土地, 机动车, 股权, 机械设备, 债权, 其他
    case_number: str  # "" when the platform states none
    round_label: str  # 第一次拍卖 / 第二次拍卖 / 变卖 / "" (none)
    platform: str  # where the bidding happens, as the 公告 names it
    appraisal: float
    start_price: float
    deposit: float
    publish_ms: int
    start_ms: int
    end_ms: int
    status: str  # 未开始, 进行中, 已成交, 已流标, 已撤回, 已中止
    final_price: float  # 成交价 (0 unless 已成交)
    views: int


_KIND = {"house": "房产", "commercial": "房产", "industrial": "房产", "land": "土地", "vehicle": "机动车",
         "equity": "股权", "equipment": "机械设备", "debt": "债权", "inventory": "其他", "other": "其他"}
_ROUND = {1: "第一次拍卖", 2: "第二次拍卖", 3: "变卖"}


def chosen(platform: str, asset_key: str) -> bool:
    """Whether the site re-lists this asset (the same answer every night, for every round)."""
    return zlib.crc32(f"{platform}:{asset_key}".encode()) % 100 < SHARE


def from_alibaba(lot: Any) -> Relisted | None:
    """An Alibaba judicial lot (``source == "sf"``; asset auctions are not court sales)."""
    if lot.source != "sf" or "法院" not in lot.unit:
        return None
    status = {"todo": "未开始", "doing": "进行中", "failure": "已流标", "break": "已中止",
              "revocation": "已撤回"}.get(lot.status) or ("已成交" if lot.bid_count else "已流标")
    return Relisted(("alibaba_sf", str(lot.item_id)), f"alibaba_sf:{lot.asset_key}", lot.unit, lot.title,
                    lot.address, _KIND.get(lot.kind, "其他"), lot.case_no, _ROUND[lot.round], "淘宝网司法拍卖网络平台",
                    lot.consult_price, lot.initial_price, lot.deposit, lot.publish_ms, lot.start_ms, lot.end_ms,
                    status, lot.current_price if status == "已成交" else 0.0, lot.viewer_count)


def from_jd(lot: Any) -> Relisted | None:
    """A JD court lot (publish source 7 sold by a court, not by a bankruptcy administrator)."""
    if lot.publish_source != 7 or "法院" not in lot.shop_name:
        return None
    if lot.display_status == 5:
        status = "已撤回"
    elif lot.display_status in (6, 7):
        status = "已中止"
    else:
        status = {0: "未开始", 1: "进行中"}.get(lot.auction_status) or ("已成交" if lot.bid_count else "已流标")
    round_label = {1: "第一次拍卖", 2: "第二次拍卖", 4: "变卖"}.get(lot.paimai_times, "")
    return Relisted(("jd_auction", str(lot.paimai_id)), f"jd_auction:{lot.asset_key}", lot.shop_name, lot.title,
                    lot.full_address, _KIND.get(lot.kind, "其他"), "", round_label, "京东网络司法拍卖平台",
                    lot.assessment_price, lot.start_price, lot.ensure_price, lot.publish_ms, lot.start_ms,
                    lot.end_ms, status, lot.current_price if status == "已成交" else 0.0, lot.access_num)


# platform -> (the replica server's generator of that platform, its adapter); one line per platform
FEEDS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Relisted | None]]] = {
    "alibaba_sf": (lambda server: server.generator, from_alibaba),
    "jd_auction": (lambda server: server.jd_generator, from_jd),
}
