"""Seeded generator of JD auction lots (paimai.jd.com) and of their state on each crawl night.

Lots of every category the replica serves (childrenCateId 101 住宅用房 … 123 其他财产), in the judicial channel
(courts, labelSet 1027 诉讼资产 / 1029 破产资产, publishSource 7) and the asset channel (AMCs, banks, firms, state
bodies; publishSource 9). 债权 lots (109) are debt packages: one or more debtors (户), each with one or more loans,
described by the table the 标的物介绍 shows (`Package`). A few packages state a 合计 that differs from the sum of
their rows (an arithmetic slip on the page, kept in ``Package.total_error``), some hold a loan in US dollars that the
CNY 合计 leaves out.

Court assets go through rounds, 一拍 (paimaiTimes 1) → 流拍 → 二拍 (2) → 流拍 → 变卖 (4), each round a new paimaiId;
asset-channel lots often carry no round (paimaiTimes 0). ``JdLot.asset_key`` ties the rounds of one asset together
and ``Package`` figures such as ``total_error`` are ground truth: neither is ever served as such.

A lot is planned once (times, prices, outcome, the seed of its bids); its state on a night (auctionStatus,
displayStatus, current price, bids, counts) is a pure function of that night's server time, 02:00 Asia/Shanghai on
``base_date + (night - 1)``. Between night 1 and night 2 some auctions end (sold or 流拍), start, are withdrawn
(撤回, displayStatus 5), deferred (暂缓, 6) or halted (中止, 7), long auctions take bids, and new lots and next
rounds are published. Night 1 shows exactly ``n_lots`` lots. Deterministic and clock-free; amounts are yuan.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from replicas.jd import data
from replicas.jd.data import Region
from replicas.nights import DAY, HOUR, MINUTE, TZ, FastRandom, NightlyGenerator

CENT = Decimal("0.01")
ROUND_NAMES = {0: "", 1: "一拍", 2: "二拍", 3: "再次拍卖", 4: "变卖"}
DISPLAY_NAMES = {1: "无异常", 5: "已撤回", 6: "已暂缓", 7: "已中止"}


class Loan(NamedTuple):
    """One row of a package's debt table (ground truth; amounts in ``currency``, yuan for CNY)."""

    seq: int  # 序号 of its debtor (户)
    debtor: str
    guarantors: tuple[str, ...]
    collateral: str  # "" = none (the page writes 无)
    principal: Decimal
    interest: Decimal
    fees: Decimal | None  # None: the page writes "-"
    total: Decimal
    currency: str  # "CNY" or "USD"


class Package(NamedTuple):
    """What a 债权 lot's description states, and how its page lays it out."""

    loans: tuple[Loan, ...]
    unit: str  # "元" (amounts in 人民币元) or "万元"
    as_of: date  # 基准日
    as_of_style: int  # 0 "截至…" in the intro, 1 "基准日：…", 2 "（截至…）" in the unit line
    creditor: str
    header_rows: int  # 1: one header row; 2: 债权金额 spanning the four amount columns
    continuation: str  # "rowspan": merged cells; "blank": later rows of a debtor leave 序号/债务人 empty
    total_row: bool  # the table ends with a 合计 row
    total_error: Decimal  # what the 合计 row's 债权合计 states minus the true sum of the CNY rows (0 for most)

    def cny(self) -> list[Loan]:
        return [loan for loan in self.loans if loan.currency == "CNY"]

    def sums(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """True sums of the CNY rows: principal, interest, fees, total."""
        rows = self.cny()
        return (
            sum((r.principal for r in rows), Decimal(0)),
            sum((r.interest for r in rows), Decimal(0)),
            sum((r.fees or Decimal(0) for r in rows), Decimal(0)),
            sum((r.total for r in rows), Decimal(0)),
        )

    def stated(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """The 合计 row as the page states it (CNY rows only)."""
        principal, interest, fees, total = self.sums()
        return principal, interest, fees, total + self.total_error

    @property
    def debtors(self) -> list[str]:
        return list(dict.fromkeys(loan.debtor for loan in self.loans))


class Bid(NamedTuple):
    ms: int
    price: float
    username: str


class JdLot(NamedTuple):
    """One lot (one auction round) as it stands on one night: the ground truth a crawl is checked against."""

    paimai_id: int
    album_id: int
    sku_id: int
    product_id: int
    vendor_id: int
    asset_key: str  # ground truth: every round of one asset; never served
    category: int  # childrenCateId
    cat_name: str
    kind: str
    labels: tuple[int, ...]
    publish_source: int  # 7 judicial, 9 asset
    paimai_times: int  # 0 (none), 1 一拍, 2 二拍, 3 再次拍卖, 4 变卖
    title: str
    region: Region
    address: str  # productAddressResult.address (the street part)
    lng: float | None
    lat: float | None
    shop_name: str  # 处置单位
    consult_name: str
    consult_tel: str
    start_price: float  # 起拍价 / 变卖价
    min_price: str  # getProductBasicInfo minPrice: "无" or the price as text
    assessment_price: float  # 评估价, 0 = none
    market_price: float  # 0 = none
    ensure_price: float  # 保证金
    increment: float  # 加价幅度 (priceLowerOffset)
    loan_support: int
    purchase_restriction: int
    images: tuple[str, ...]
    attachments: tuple[str, ...]
    package: Package | None
    extend_info: tuple[tuple[str, str], ...]  # getProductBasicInfo extendInfoMap (债权 keys)
    publish_ms: int
    start_ms: int
    scheduled_end_ms: int
    end_ms: int  # the actual end (delays included) once bidding has started
    auction_status: int  # 0 预告中, 1 进行中, 2 已结束
    display_status: int  # 1 无异常, 5 已撤回, 6 已暂缓, 7 已中止
    remarks: str
    current_price: float
    bid_count: int
    access_num: int  # 围观
    access_ensure_num: int  # 报名
    delayed_count: int
    bid_seed: int

    @property
    def url(self) -> str:
        return f"https://paimai.jd.com/{self.paimai_id}"

    @property
    def sold(self) -> bool:
        return self.auction_status == 2 and self.display_status == 1 and self.bid_count > 0

    @property
    def full_address(self) -> str:
        """``productAddress``: 广东东莞市…, 浙江杭州市西湖区…; a municipality once (上海市闵行区…, not 上海上海市)."""
        region = self.region
        county = "" if region.county == region.city else region.county
        province = "" if region.city.startswith(region.province) else region.province
        return f"{province}{region.city}{county}{self.address}"


@dataclass(slots=True)
class _Plan:
    final: JdLot  # the lot once its auction is over
    bidders: int
    bids: int
    delays: int
    viewers: int
    pre_apply: int
    cancel_ms: int | None = None
    cancel_display: int = 1
    cancel_reason: str = ""


HIST, DOING, DOING_LONG, TODO_TONIGHT, TODO_LATER, CANCELLED = (
    "hist", "doing", "doing_long", "todo_tonight", "todo_later", "cancelled")  # fmt: skip
DOING_SOLD, DOING_FAIL, CANCEL_TONIGHT, RELIST_TONIGHT, NEW_TONIGHT = (
    "doing_sold", "doing_fail", "cancel_tonight", "relist_tonight", "new_tonight")  # fmt: skip
_RANDOM_MIX = ((HIST, 50), (DOING, 6), (DOING_LONG, 5), (TODO_TONIGHT, 3), (TODO_LATER, 27), (CANCELLED, 9))


def _nice(x: float, digits: int = 2) -> float:
    if x <= 0:
        return 0.0
    scale = 10 ** (math.floor(math.log10(x)) - digits + 1)
    return float(round(x / scale) * scale)


def _step(x: float) -> float:
    if x < 10:
        return 10.0
    k = 10 ** math.floor(math.log10(x))
    return float(max(m * k for m in (1, 2, 5) if m * k <= x))


def _guarantee_names(package: Package) -> tuple[str, ...]:
    """How extendInfoMap names the package's security (claimGuaranteeTypeName), from what its table shows."""
    secured = any(loan.collateral for loan in package.loans)
    guaranteed = any(loan.guarantors for loan in package.loans)
    if secured and guaranteed:
        return ("抵押+保证", "抵押、保证")
    if secured:
        return ("抵押", "抵押担保")
    return ("保证", "连带责任保证") if guaranteed else ("信用", "信用")


class JdGenerator(NightlyGenerator):
    """Plans ``n_lots`` lots (visible on night 1) from ``seed``; ``lots_for(night)`` gives their state that night."""

    lot_key = "paimai_id"

    def __init__(self, seed: int = 7, n_lots: int = 300, base_date: date = date(2026, 11, 20)) -> None:
        super().__init__(seed, n_lots, base_date)

    # ----------------------------------------------------------------------------------------- public API

    def bids(self, lot: JdLot) -> list[Bid]:
        """The bids placed so far, oldest first (``lot.bid_count`` of them)."""
        if not lot.bid_count:
            return []
        return self._schedule(self._plans_by_id[lot.paimai_id])[: lot.bid_count]

    # ----------------------------------------------------------------------------------------- night state

    def _state(self, plan: _Plan, now: int) -> JdLot | None:
        lot = plan.final
        if now < lot.publish_ms:
            return None
        if plan.cancel_ms is not None and now >= plan.cancel_ms:
            return lot._replace(
                auction_status=0 if plan.cancel_ms < lot.start_ms else 2,
                display_status=plan.cancel_display,
                remarks=plan.cancel_reason,
                current_price=lot.start_price,
                bid_count=0,
                access_ensure_num=plan.pre_apply,
                access_num=plan.viewers,
                delayed_count=0,
                end_ms=lot.scheduled_end_ms,
            )
        if now >= lot.end_ms:
            return lot
        if now < lot.start_ms:
            return lot._replace(
                auction_status=0,
                current_price=lot.start_price,
                bid_count=0,
                access_ensure_num=plan.pre_apply,
                access_num=plan.viewers,
                delayed_count=0,
                end_ms=lot.scheduled_end_ms,
            )
        bids = self._schedule(plan) if plan.bids else []
        seen = bisect_right([bid.ms for bid in bids], now)
        delays = sum(1 for bid in bids[:seen] if bid.ms > lot.scheduled_end_ms - 5 * MINUTE)
        return lot._replace(
            auction_status=1,
            current_price=bids[seen - 1].price if seen else lot.start_price,
            bid_count=seen,
            delayed_count=delays,
            end_ms=max(lot.scheduled_end_ms, bids[seen - 1].ms + 5 * MINUTE if delays else 0),
            access_num=plan.viewers + plan.viewers // 4 + 17 * seen,
            access_ensure_num=max(plan.pre_apply, lot.access_ensure_num if seen else 0),
        )

    def _schedule(self, plan: _Plan) -> list[Bid]:
        lot = plan.final
        rng = FastRandom(lot.bid_seed)
        names = [data.masked(rng) for _ in range(plan.bidders)]
        span_end = lot.scheduled_end_ms
        if lot.paimai_times == 4:  # 变卖: the first taker buys at the 变卖价
            return [Bid(lot.start_ms + rng.randrange(HOUR, span_end - lot.start_ms), lot.start_price, names[0])]
        last = span_end - 5 * MINUTE
        span = last - lot.start_ms
        times = sorted(last - int(span * rng.random() ** 3) for _ in range(plan.bids - plan.delays))
        t = span_end
        for _ in range(plan.delays):  # a bid in the last 5 minutes moves the end to 5 minutes after it
            t -= rng.randrange(5, 295) * 1000
            times.append(t)
            t += 5 * MINUTE
        bids, price, who = [], lot.start_price, -1
        for i, ms in enumerate(times):
            if i:
                r = rng.random()
                price = round(price + lot.increment * (1 if r < 0.8 else 2 if r < 0.95 else 5), 2)
            who = (who + 1 + rng.randrange(max(plan.bidders - 1, 1))) % plan.bidders if plan.bidders > 1 else 0
            bids.append(Bid(ms, price, names[who]))
        return bids

    # ----------------------------------------------------------------------------------------- planning

    @cached_property
    def _plans_by_id(self) -> dict[int, _Plan]:
        return {plan.final.paimai_id: plan for plan in self._plans}

    @cached_property
    def _plans(self) -> list[_Plan]:
        rng = self.rng = FastRandom(self.seed)
        self._ids: set[int] = set()
        self._big_package_done = False
        n1 = self.now_ms(1)
        scale = max(self.n_lots, 1) / 1.4
        specials = [
            (DOING_SOLD, max(3, round(scale * 0.02))),
            (DOING_FAIL, max(2, round(scale * 0.015))),
            (TODO_TONIGHT, 2),
            (RELIST_TONIGHT, max(2, round(scale / 100))),
            (NEW_TONIGHT, max(2, round(scale / 150))),
        ]
        # first the assets every night must show: debt packages, 撤回 / 暂缓 / 中止 before and between the nights
        deck: list[tuple[str, str | None, int | None]] = [
            (TODO_LATER, "debt", None), (DOING_LONG, "debt", None), (HIST, "debt", None), (DOING_SOLD, "debt", None),
            *((CANCELLED, None, display) for display in (5, 6, 7)),
            *((CANCEL_TONIGHT, None, display) for display in (5, 6, 7)),
            *((scenario, None, None) for scenario, count in specials for _ in range(count)),
        ]
        names, weights = zip(*_RANDOM_MIX, strict=True)
        plans: list[_Plan] = []
        visible = index = 0
        while visible < self.n_lots or deck:
            scenario, kind, display = deck.pop(0) if deck else (rng.choices(names, weights)[0], None, None)
            chain = self._asset(index, scenario, self.n_lots - visible, kind, display)
            index += 1
            visible += sum(1 for plan in chain if plan.final.publish_ms <= n1)
            plans.extend(chain)
        return plans

    def _asset(self, index: int, scenario: str, room: int, kind: str | None, display: int | None) -> list[_Plan]:
        rng, d0, n1 = self.rng, self.day0, self.now_ms(1)
        facts = self._asset_facts(index, kind)
        court = facts["publish_source"] == 7
        if court:
            rounds = rng.choices((1, 2, 3), (60, 28, 12))[0]
        else:
            rounds = rng.choices((1, 2), (85, 15))[0]
        if scenario == NEW_TONIGHT:
            rounds = 1
        elif scenario == RELIST_TONIGHT:
            rounds = max(rounds, 2)
        elif scenario == DOING_SOLD:
            rounds = min(rounds, 2)
        visible_n1 = rounds - (scenario in (NEW_TONIGHT, RELIST_TONIGHT))
        if visible_n1 > room:
            if room <= 0:
                return []
            scenario, rounds = HIST, min(room, rounds)
        times_of = [self._times_code(facts, r + 1, rounds) for r in range(rounds)]

        cycle = 60 if times_of[-1] == 4 else (1 if court else rng.choice((1, 1, 2, 3)))
        publish = cancel = None
        if scenario == HIST:
            x = rng.randint(-200, -1 - cycle)
        elif scenario in (DOING, DOING_SOLD, DOING_FAIL):
            x = -cycle
        elif scenario == DOING_LONG:
            if cycle < 3:
                cycle = rng.randint(3, 7)
            x = rng.randint(-(cycle - 2), -1)
        elif scenario == TODO_TONIGHT:
            x = 0
        elif scenario == TODO_LATER:
            x = rng.randint(2, 30)
        elif scenario == CANCEL_TONIGHT:
            x = rng.randint(3, 30)
            cancel = d0 + rng.randint(9, 22) * HOUR
        elif scenario == CANCELLED:
            x = rng.randint(-120, 20)
        else:  # RELIST_TONIGHT, NEW_TONIGHT
            x = rng.randint(8, 25)
            publish = d0 + rng.randint(9, 22) * HOUR
        start = d0 + x * DAY + 10 * HOUR
        if publish is None:
            publish = start - self._notice_days(court, times_of[-1]) * DAY - rng.randint(0, 8) * HOUR
            if start > n1:
                publish = min(publish, n1 - rng.randint(1, 48) * HOUR)
        if scenario == CANCELLED:
            cancel = publish + HOUR + int(rng.random() * max(min(start, n1) - publish - 2 * HOUR, 0))
        if cancel is not None and display is None:
            display = rng.choice((5, 5, 5, 6, 7))

        timeline = [(times_of[-1], start, cycle, publish)]
        for r in range(rounds - 2, -1, -1):
            day = (timeline[-1][3] - rng.randint(2, 12) * DAY - d0 - 10 * HOUR) // DAY
            c = 1 if court else rng.choice((1, 1, 2, 3))
            s = d0 + day * DAY + 10 * HOUR - c * DAY
            timeline.append((times_of[r], s, c, s - self._notice_days(court, times_of[r]) * DAY - rng.randint(0, 8) * HOUR))
        timeline.reverse()

        if scenario == DOING_SOLD:
            sold_last = True
        elif scenario == DOING_FAIL:
            sold_last = False
        else:
            sold_last = rng.random() < (0.35 if facts["kind"] == "debt" else 0.5)
        plans, price = [], None
        for i, (paimai_times, s, c, pub) in enumerate(timeline):
            last = i == len(timeline) - 1
            price = self._round_price(facts, paimai_times, price)
            plans.append(self._plan(facts, paimai_times, s, c, pub, price, sold=last and sold_last,
                                    cancel=cancel if last else None, display=display or 1))
        return plans

    @staticmethod
    def _times_code(facts: dict, round_no: int, rounds: int) -> int:
        if facts["publish_source"] == 7:
            return {1: 1, 2: 2, 3: 4}[round_no]
        if facts["no_round"] and rounds == 1:
            return 0
        return round_no

    def _notice_days(self, court: bool, paimai_times: int) -> int:
        lo, hi = {1: (15, 30), 2: (7, 15), 4: (3, 7)}.get(paimai_times, (5, 20)) if court else (5, 20)
        return self.rng.randint(lo, hi)

    def _round_price(self, facts: dict, paimai_times: int, previous: float | None) -> float:
        rng = self.rng
        if previous is None:
            if facts["kind"] == "debt":
                total = float(sum(loan.total for loan in facts["package"].cny()))
                return round(max(total * rng.uniform(0.08, 0.45), 10_000), -2)
            if facts["publish_source"] == 7:
                return round(facts["value"] * rng.choices((1.0, 0.9, 0.8, 0.7), (2, 1, 2, 5))[0], 2)
            return round(facts["value"] * rng.uniform(0.4, 0.9), -2)
        if paimai_times == 4:
            return previous
        return round(previous * 0.8, 2)

    def _plan(self, facts: dict, paimai_times: int, start: int, cycle: int, publish: int, price: float, *,
              sold: bool, cancel: int | None, display: int) -> _Plan:
        rng = self.rng
        end = start + cycle * DAY
        viewers = int(math.exp(rng.uniform(math.log(80), math.log(5000))) * (1 + math.log10(max(price, 1e4)) / 5))
        bidders = bids = delays = 0
        if sold:
            bidders = min(1 + int(rng.expovariate(0.35)), 25)
            bids = 1 if bidders == 1 or paimai_times == 4 else bidders + int(rng.expovariate(1 / (3 * bidders)))
            delays = min(int(rng.expovariate(0.5)), bids - 1, 10) if bidders > 1 else 0
        applicants = bidders + (rng.random() < 0.25 and bidders > 0)
        paimai_id = self._new_id(publish)
        court = facts["publish_source"] == 7
        reason = ""
        if cancel is not None:
            reason = rng.choice({5: data.REVOKE_REASONS, 6: data.DEFER_REASONS, 7: data.HALT_REASONS}[display])
        lot = JdLot(
            paimai_id=paimai_id,
            album_id=rng.randrange(2_000_000, 9_000_000),
            sku_id=10_000_000_000_000 + rng.randrange(10**13 // 2),
            product_id=10_000_000_000_000 + rng.randrange(10**13 // 2),
            vendor_id=facts["vendor_id"],
            asset_key=facts["asset_key"],
            category=facts["category"],
            cat_name=facts["cat_name"],
            kind=facts["kind"],
            labels=facts["labels"],
            publish_source=facts["publish_source"],
            paimai_times=paimai_times,
            title=facts["title_variant"] if paimai_times == 2 and rng.random() < 0.3 else facts["title"],
            region=facts["region"],
            address=facts["address"],
            lng=facts["lng"],
            lat=facts["lat"],
            shop_name=facts["shop_name"],
            consult_name=facts["consult_name"],
            consult_tel=facts["consult_tel"],
            start_price=price,
            min_price=f"{price:.2f}" if court else "无",
            assessment_price=facts["assessment"],
            market_price=facts["market"],
            ensure_price=max(_nice(price * rng.choice((0.05, 0.1, 0.1, 0.2))), 100.0),
            increment=_step(price * rng.choice((0.001, 0.002, 0.005, 0.01))),
            loan_support=facts["loan_support"],
            purchase_restriction=facts["purchase_restriction"],
            images=tuple(
                f"jfs/t1/{rng.randrange(10_000, 300_000)}/{rng.randrange(1, 40)}/{rng.randrange(1000, 30000)}/"
                f"{rng.randrange(50_000, 900_000)}/{rng.getrandbits(32):08x}E{rng.getrandbits(32):08x}/"
                f"{rng.getrandbits(64):016x}.{rng.choice(('png', 'jpg'))}"
                for _ in range(rng.randint(1, 5))
            ),
            attachments=tuple(a for a in facts["attachments"] if rng.random() < 0.7),
            package=facts["package"],
            extend_info=facts["extend_info"],
            publish_ms=publish,
            start_ms=start,
            scheduled_end_ms=end,
            end_ms=end,
            auction_status=2,
            display_status=1,
            remarks="",
            current_price=price,
            bid_count=0,
            access_num=viewers + viewers // 3,
            access_ensure_num=applicants,
            delayed_count=0,
            bid_seed=rng.getrandbits(48),
        )
        plan = _Plan(final=lot, bidders=bidders, bids=bids, delays=delays, viewers=viewers,
                     pre_apply=applicants // 2, cancel_ms=cancel, cancel_display=display, cancel_reason=reason)
        if bids:
            schedule = self._schedule(plan)
            last = schedule[-1]
            plan.final = lot._replace(
                current_price=last.price,
                bid_count=bids,
                delayed_count=delays,
                end_ms=last.ms if paimai_times == 4 else max(end, last.ms + 5 * MINUTE * (delays > 0)),
                access_num=lot.access_num + 17 * bids,
            )
        return plan

    def _new_id(self, publish: int) -> int:
        epoch = int(datetime(2024, 1, 1, tzinfo=TZ).timestamp() * 1000)
        paimai_id = 280_000_000 + (publish - epoch) // 60_000 * 3 + self.rng.randrange(3)
        while paimai_id in self._ids:
            paimai_id += 1
        self._ids.add(paimai_id)
        return paimai_id

    # ----------------------------------------------------------------------------------------- asset facts

    def _asset_facts(self, index: int, kind: str | None) -> dict:
        rng = self.rng
        if kind is None:
            category = rng.choices(tuple(data.CATEGORIES), [w for _, _, w in data.CATEGORIES.values()])[0]
        else:
            category = next(c for c, (_, k, _) in data.CATEGORIES.items() if k == kind)
        cat_name, kind, _ = data.CATEGORIES[category]
        region: Region = rng.choice(data.REGIONS)
        if kind == "debt":
            channel = "court" if rng.random() < 0.15 else "finance"
        elif kind in ("house", "commercial", "industrial", "land", "vehicle", "equity"):
            channel = rng.choices(("court", "bankruptcy", "state", "enterprise", "crime"), (70, 10, 6, 10, 4))[0]
        else:
            channel = rng.choices(("court", "bankruptcy", "enterprise", "customs"), (35, 20, 35, 10))[0]
        street = f"{rng.choice(data.ROADS)}{rng.randint(1, 399)}号"
        owner = data.person(rng) if kind in ("house", "vehicle") and rng.random() < 0.6 else data.firm(rng, region)
        value = 0.0
        tier_price = {1: (45_000, 110_000), 2: (12_000, 40_000), 3: (4_500, 9_500)}[region.tier]
        county = "" if region.county == region.city else region.county
        place = f"{region.city}{county}"
        address = street
        package = None
        if kind == "house":
            estate = rng.choice(data.ESTATES)
            unit_no = f"{rng.randint(1, 28)}栋{rng.randint(1, 33)}{rng.randint(1, 4):02d}房"
            area = rng.uniform(55, 180)
            value = round(area * rng.uniform(*tier_price))
            address = f"{street}{estate}{unit_no}"
            title = rng.choice((f"{place}{address}住宅", f"{owner}名下位于{place}{estate}{unit_no}的房产"))
        elif kind in ("commercial", "industrial"):
            area = rng.uniform(30, 3000)
            value = round(area * rng.uniform(*tier_price) * (0.35 if kind == "industrial" else 1.2))
            title = (f"{owner}位于{place}{street}的工业厂房" if kind == "industrial"
                     else f"{place}{street}{rng.choice(data.ESTATES)}{rng.randint(1, 3)}层商铺")
        elif kind == "land":
            area = rng.uniform(2_000, 50_000)
            value = round(area * rng.uniform(300, 4_000))
            title = f"{place}{street}一宗国有{rng.choice(data.LAND_USES)}用地使用权"
        elif kind == "vehicle":
            brand, model, body = rng.choice(data.VEHICLES)
            value = round(rng.uniform(15_000, 450_000), -2)
            plate = f"{data.PLATES[region.province]}{rng.choice('ABCDEFGHJK')}{rng.randint(10000, 99999)}"
            address = f"{street}停车场"
            title = f"{brand}牌{model}{body}（车牌号{plate}）"
        elif kind == "equity":
            value = round(math.exp(rng.uniform(math.log(5e5), math.log(5e7))), -3)
            title = f"{owner}持有的{data.firm(rng, region)}{rng.choice((10, 20, 30, 51, 100))}%股权"
        elif kind == "debt":
            package = self._package(region)
            title = ""  # below, once the creditor is known
        elif kind == "inventory":
            value = round(rng.uniform(5_000, 800_000), -2)
            title = f"{rng.choice(data.GOODS)}一批（约{rng.randint(2, 900)}件）"
        else:  # equipment, other
            value = round(math.exp(rng.uniform(math.log(5e4), math.log(5e6))), -2)
            title = f"{owner}所有的{rng.choice(data.EQUIPMENT)}一批"

        if channel == "court":
            court_name = (f"{region.city}中级人民法院" if value > 3e6 or rng.random() < 0.3
                          else f"{place}人民法院" if county else f"{region.city}第一人民法院")
            shop, labels, publish_source = court_name, (1027,), 7
        elif channel == "bankruptcy":
            shop, labels, publish_source = f"{data.firm(rng, region)}管理人", (1029,), 7
        elif channel == "finance":
            if rng.random() < 0.65:
                shop = f"{rng.choice(data.AMCS)}{region.province}省分公司".replace("北京省", "北京市").replace(
                    "上海省", "上海市")
            else:
                shop = f"{rng.choice(data.BANKS)}{region.city_short}分行"
            labels, publish_source = (1033,), 9
        elif channel == "state":
            shop, labels, publish_source = f"{region.city_short}国有资本投资运营有限公司", (1031,), 9
        elif channel == "crime":
            shop, labels, publish_source = f"{region.city}公安局", (1028,), 7
        elif channel == "customs":
            shop, labels, publish_source = f"{region.city_short}海关", (1030,), 9
        else:
            shop, labels, publish_source = data.firm(rng, region), (1032,), 9
        if package is not None:
            if channel == "finance":
                package = package._replace(creditor=shop)
            debtors = package.debtors
            principal = package.stated()[0]
            extend = {
                "debtorName": debtors[0] if len(debtors) == 1 else f"{debtors[0]}等{len(debtors)}户",
                "principalBalance": f"{principal:.2f}" if package.unit == "元" else f"{principal / 10000:.2f}万元",
                "claimGuaranteeTypeName": rng.choice(_guarantee_names(package)),
                "claimAddress": f"{region.province}{region.city}",
                "creditor": package.creditor,
            }
            title = (f"{debtors[0]}债权" if len(debtors) == 1 else
                     f"{package.creditor}持有的{debtors[0]}等{len(debtors)}户债权资产包")
        else:
            extend = {}
        if publish_source == 7:
            assessment, market = float(value), 0.0
        else:  # asset channel: often no appraisal (assessmentPrice 0), sometimes a market price
            assessment = float(value) if rng.random() < 0.35 else 0.0
            market = float(value) if not assessment and rng.random() < 0.5 else 0.0
        if kind == "debt":
            assessment = market = 0.0
        return {
            "asset_key": f"JD-ASSET-{self.seed}-{index:06d}",
            "category": category,
            "cat_name": cat_name,
            "kind": kind,
            "region": region,
            "address": address,
            "lng": round(region.lng + rng.uniform(-0.04, 0.04), 6) if rng.random() < 0.7 else None,
            "lat": round(region.lat + rng.uniform(-0.03, 0.03), 6),
            "title": title,
            "title_variant": title + ("（第二次拍卖）" if publish_source == 7 else "（重新挂拍）"),
            "value": value,
            "assessment": assessment,
            "market": market,
            "shop_name": shop,
            "vendor_id": 10_000_000 + sum(map(ord, shop)) * 97 % 9_000_000,
            "labels": labels,
            "publish_source": publish_source,
            "no_round": publish_source == 9 and rng.random() < 0.5,
            "consult_name": rng.choice(data.SURNAMES) + rng.choice(
                ("法官", "书记员", "法官", "助理") if channel == "court" else ("先生", "女士", "经理", "经理")),
            "consult_tel": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "loan_support": int(kind == "house" and rng.random() < 0.6),
            "purchase_restriction": int(kind == "house" and region.tier == 1),
            "package": package,
            "extend_info": tuple(extend.items()),
            "attachments": data.ATTACHMENTS["debt" if kind == "debt" else "court" if publish_source == 7 else "other"],
        }

    def _package(self, region: Region) -> Package:
        """A debt package: debtors (户) with one to three loans each, as its description's table shows them."""
        rng = self.rng
        if not self._big_package_done and self.n_lots >= 100:
            households = 46  # a large real-sized portfolio: a 118-loan package on one auction page
        else:
            households = rng.choices((1, 2, 3, 4, 6, 9), (35, 20, 15, 12, 10, 8))[0]
        unit = "万元" if rng.random() < 0.15 else "元"
        grain = Decimal(100) if unit == "万元" else CENT

        def amount(x: float) -> Decimal:
            return (Decimal(f"{x:.2f}") / grain).to_integral_value() * grain

        loans: list[Loan] = []
        for seq in range(1, households + 1):
            debtor = data.firm(rng, region) if rng.random() < 0.8 else data.person(rng)
            n_loans = rng.choices((1, 2, 3), (55, 30, 15))[0]
            guarantors = tuple(dict.fromkeys(
                rng.choice((data.person(rng), data.firm(rng, region))) for _ in range(rng.randint(0, 3))))
            collateral = (f"{region.city}{rng.choice(data.ROADS)}{rng.randint(1, 399)}号"
                          f"{rng.choice(('工业厂房及土地', '商铺', '住宅', '办公楼'))}"
                          f"（建筑面积{rng.uniform(80, 9000):.2f}平方米）") if rng.random() < 0.6 else ""
            for _ in range(n_loans):
                principal = amount(math.exp(rng.uniform(math.log(5e4), math.log(3e7))))
                interest = amount(float(principal) * rng.uniform(0.03, 0.8))
                r = rng.random()
                fees = Decimal(0) if r < 0.55 else None if r < 0.75 else amount(rng.uniform(800, 60_000))
                loans.append(Loan(seq, debtor, guarantors, collateral, principal, interest, fees,
                                  principal + interest + (fees or Decimal(0)), "CNY"))
        if households == 46:
            self._big_package_done = True
            while len(loans) < 118:  # top the portfolio up to 118 rows: more loans of the last debtors
                last = loans[-1 - len(loans) % 5]
                principal = amount(math.exp(rng.uniform(math.log(5e4), math.log(5e6))))
                interest = amount(float(principal) * rng.uniform(0.03, 0.8))
                loans.append(last._replace(principal=principal, interest=interest, fees=Decimal(0),
                                           total=principal + interest))
            loans = sorted(loans[:118], key=lambda loan: loan.seq)
        if unit == "元" and households >= 2 and rng.random() < 0.3:  # one debtor's loan is in US dollars
            i = rng.randrange(len(loans))
            usd = amount(rng.uniform(1e5, 3e6))
            interest = amount(float(usd) * rng.uniform(0.05, 0.3))
            loans[i] = loans[i]._replace(principal=usd, interest=interest, fees=None, total=usd + interest,
                                         currency="USD")
        as_of = self.base_date - timedelta(days=rng.randint(60, 500))
        error = Decimal(0)
        if len(loans) > 1 and rng.random() < 0.12:  # the page's 合计 is off: a rounding or a typing slip
            slips = (CENT, -CENT, Decimal(100), Decimal(-1000)) if unit == "元" else (Decimal(100), Decimal(-10000))
            error = rng.choice(slips)  # a 万元 table shows 0.01万 = 100 yuan at the finest
        return Package(
            loans=tuple(loans),
            unit=unit,
            as_of=as_of,
            as_of_style=rng.choice((0, 0, 1, 2)),
            creditor=f"{rng.choice(data.AMCS)}{region.province}分公司",
            header_rows=rng.choice((1, 2)),
            continuation="blank" if rng.random() < 0.25 else "rowspan",
            total_row=len(loans) > 1 or rng.random() < 0.5,
            total_error=error,
        )
