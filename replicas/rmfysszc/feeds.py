"""Which lots of the other replicas 人民法院诉讼资产网 re-lists: one adapter per platform, one line each in `FEEDS`.

The real site gathers the courts' sales from the platforms they auction on (Alibaba, JD, 公拍网, 中拍平台 …): the
same court, title, address, appraisal, starting price and auction dates, under its own lot id. The replica re-lists
the court lots of every platform in `FEEDS` whose asset falls in the chosen share (`SHARE`, by a hash of the
asset, so that every round of a chosen asset is re-listed); each re-listed lot carries the ground truth of the
original lot it copies (`Relisted.origin`, never served).

A platform joins with one adapter (a generator lot → `Relisted`, or None for a lot that is not a court sale) and
one line in `FEEDS`: ``"gpai": (lambda server: server.gpai_generator, from_gpai),``. The site gives ids over every lot
a generator plans (``plan.final``, or the plan's state at the end of time), so a generator's lots carry
``asset_key`` and ``publish_ms``. Re-listed today: Alibaba (sf), JD, 公拍网 (gpai) and 中拍平台 (caa123, judicial side).
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


_GPAI_KIND = {"376": "房产", "381": "土地", "378": "机动车", "372": "股权", "377": "其他", "379": "其他"}
_GPAI_ROUND = {"一拍": "第一次拍卖", "二拍": "第二次拍卖", "变卖": "变卖"}
_GPAI_STATUS = {"upcoming": "未开始", "ongoing": "进行中", "sold": "已成交", "unsold": "已流标", "withdrawn": "已撤回"}


def from_gpai(lot: Any) -> Relisted | None:
    """A 公拍网 lot: every one is a court sale (gpai's court auctions). Its fields as `replicas.gpai.relist_lots`
    gives them (the title without its 【一拍】 prefix, the round apart); a car, shares or goods have no address."""
    from replicas.gpai import copied

    if "法院" not in lot.court:
        return None
    c = copied(lot)
    status = _GPAI_STATUS[c["state"]]
    return Relisted(("gpai", str(c["id"])), f"gpai:{lot.asset_key}", c["court"], c["title"], c["address"] or "",
                    _GPAI_KIND.get(c["category"], "其他"), "", _GPAI_ROUND[c["round"]], "公拍网",
                    float(c["appraisal"]), float(c["start_price"]), float(lot.deposit), lot.publish_ms,
                    lot.start_ms, lot.end_ms, status, lot.current_price if status == "已成交" else 0.0, lot.views)


_CAA_KIND = {"house": "房产", "shop": "房产", "plant": "房产", "land": "土地", "equity": "股权", "debt": "债权",
             "other": "其他"}
# lotStatus: 0 即将开始, 1 正在进行, 2 已流拍, 3 已成交, 5 已撤回, 6 已暂缓 (a deferred sale is suspended: 已中止)
_CAA_STATUS = {0: "未开始", 1: "进行中", 2: "已流标", 3: "已成交", 4: "已撤回", 5: "已撤回", 6: "已中止"}


def from_caa123(lot: Any) -> Relisted | None:
    """A 中拍平台 judicial lot (``side == "sf"``, sold by a court; the commercial side's commissioned sales are not
    court sales)."""
    if lot.side != "sf" or "法院" not in lot.court:
        return None
    status = _CAA_STATUS[lot.lot_status]
    return Relisted(("caa123", f"sf-{lot.lot_id}"), f"caa123:{lot.asset_key}", lot.court, lot.name, lot.position,
                    _CAA_KIND.get(lot.kind, "其他"), "", _ROUND.get(lot.times, ""), "中拍平台", lot.assess_price,
                    lot.start_price, lot.cash_deposit, lot.publish_ms, lot.start_ms, lot.end_ms, status,
                    lot.now_price if status == "已成交" else 0.0, lot.on_looker)


# platform -> (the replica server's generator of that platform, its adapter); one line per platform
FEEDS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Relisted | None]]] = {
    "alibaba_sf": (lambda server: server.generator, from_alibaba),
    "jd_auction": (lambda server: server.jd_generator, from_jd),
    "gpai": (lambda server: server.gpai_generator, from_gpai),
    "caa123": (lambda server: server.caa_generator, from_caa123),
}
