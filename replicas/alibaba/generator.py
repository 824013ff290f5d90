"""Seeded generator of Alibaba auction lots and of their state on each crawl night.

Two sources: ``sf`` (司法拍卖: courts dispose of homes, shops, land, vehicles, equity …) and ``zc`` (阿里资产: AMC
branches, banks, bankruptcy administrators and state firms; half of it 债权 / NPL lots with principal, interest,
基准日, guarantors and collateral). Every *asset* is auctioned in a chain of rounds, 第一次拍卖 → (流拍) 第二次拍卖 at
~80% → (流拍) 变卖, each round a new lot with a new 12-digit id; ``Lot.asset_key`` ties a chain together. It is
ground truth for measuring linkage and is never served.

A lot is *planned* once (times, terms, outcome and the seed of its bid schedule). Its *state* on a night (status,
current price, bids, counts) is a pure function of that night's server time, 02:00 Asia/Shanghai on
``base_date + (night - 1)``. Lots whose events lie away from the nights are identical on every night; lots that
end, start, are withdrawn or are published between two nights change. Besides the random mix, every generator
has a few lots of each kind of change between night 1 and night 2 (sold or 流拍 overnight, started overnight,
withdrawn or suspended overnight, the 二拍 of an earlier 流拍 published overnight, brand-new lots).

Deterministic and clock-free: one ``random.Random(seed)`` for the plan, ``random.Random(lot.bid_seed)`` for each
lot's bid schedule. Night 1 shows exactly ``n_lots`` lots. All amounts are yuan.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import NamedTuple
from zlib import crc32

from replicas.alibaba import data
from replicas.alibaba.data import Region
from replicas.nights import DAY, HOUR, MINUTE, TZ, FastRandom, NightlyGenerator, gc_paused

ROUND_NAMES = {1: "第一次拍卖", 2: "第二次拍卖", 3: "变卖"}
_ID_EPOCH = int(datetime(2024, 1, 1, tzinfo=TZ).timestamp() * 1000)
_ALIAS_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


class Debt(NamedTuple):
    """What a 债权 (NPL) lot's description states. Amounts in yuan; ``unit`` is how the page writes them."""

    principal: float  # 债权本金
    interest: float  # 未尝利息 (unpaid interest)
    total: float  # 本息合计
    unit: str  # "元" or "万元"
    base_date: str  # 基准日 as written: "2026-06-20" or "2026年6月20日"
    debtor: str
    debtor_info: str
    creditor: str
    creditor_info: str
    monthly_rate: str  # 贷款月利率 "5.655‰"
    loan_date: str
    due_date: str
    litigation: str  # 诉讼状态
    guarantee_method: str  # 担保方式
    guarantee_form: str  # 担保形式
    collateral: tuple[str, ...]  # 抵押信息
    collateral_value: float  # 抵押总评估价
    guarantors: tuple[str, ...]  # 担保人
    guarantor_info: str
    guarantee_amount: float  # 担保金额


class Lot(NamedTuple):
    """One lot (one auction round) as it stands on one night: the ground truth a crawl is checked against.
    (A named tuple: immutable, cheap to build and to copy with changes, and shared between nights when unchanged.)"""

    source: str  # "sf" | "zc"
    item_id: int
    asset_key: str  # ground truth shared by every round of one asset; never served
    round: int  # 1 第一次拍卖, 2 第二次拍卖, 3 变卖
    title: str
    category: int  # sf category / zc front_category
    cat_name: str
    collateral_cat_name: str
    kind: str  # house, commercial, land, vehicle, equity, equipment, other, debt
    biz_type: int  # zc item_biz_type (0 for sf)
    province: str
    city: str
    district: str
    address: str
    location_code: str  # GB2260
    lng: float
    lat: float
    unit: str  # 处置单位: the court (sf) or the seller (zc)
    unit_url: str
    user_id: int
    contact_org: str
    contact_name: str
    phone: str
    project_id: int  # the announcement (notice_detail/{project_id}.htm)
    case_no: str  # 案号 (sf), "" for zc
    case_cause: str
    applicant: str  # 申请执行人 (sf)
    respondent: str  # 被执行人 (sf)
    consult_price: float  # 评估价 (0 when none)
    market_price: float  # 市场价 (zc; 0 for sf)
    initial_price: float  # 起拍价 / 起始价 / 变卖价
    deposit: float  # 保证金 (变卖: also 变卖预缴款 = 变卖价)
    increment: float  # 加价幅度
    cycle_days: int  # 竞价周期 / 变卖周期
    delay_minutes: int  # 延时周期
    prior_buyer: str  # 优先购买权人
    area: float  # ㎡ for real estate and land, else 0
    buy_restrictions: int
    support_loans: int
    support_org_loan: int
    pic: str
    debt: Debt | None
    publish_ms: int
    start_ms: int
    end_ms: int
    status: str  # todo, doing, done, failure, break, revocation
    current_price: float
    bid_count: int
    apply_count: int
    viewer_count: int
    delay_count: int
    subscribers: int
    bid_seed: int

    @property
    def sell_off(self) -> bool:
        return self.round == 3

    @property
    def round_name(self) -> str:
        return ROUND_NAMES[self.round]

    @property
    def item_url(self) -> str:
        """The protocol-relative detail URL the list JSON gives (``itemUrl``)."""
        if self.source == "sf":
            return f"//sf-item.taobao.com/sf_item/{self.item_id}.htm"
        return f"//zc-item.taobao.com/auction/{self.item_id}.htm"

    @property
    def url(self) -> str:
        return "https:" + self.item_url

    @property
    def legacy_url(self) -> str:
        """The 2017-18 canonical link still printed in detail pages."""
        return f"//sf.taobao.com/sf_item/{self.item_id}.htm" if self.source == "sf" else self.item_url

    @property
    def pic_url(self) -> str:
        return f"//img.alicdn.com/bao/uploaded/i{self.item_id % 4 + 1}/{self.pic}"

    @property
    def xmpp_version(self) -> str:
        return str(1 + 2 * self.bid_count + self.delay_count)


class Bid(NamedTuple):
    ms: int
    price: float
    alias: str  # 竞买号


@dataclass(slots=True)
class _Plan:
    """A lot's night-independent plan: ``final`` is its state once its auction is over."""

    final: Lot
    scheduled_end: int
    bidders: int
    bids: int
    delays: int
    spread: float  # bid-time shape: 3 = bunched near the end, 1 = uniform
    pre_apply: int
    viewers: int
    cancel_ms: int | None = None
    cancel_status: str = ""


# Scenarios: where an asset's last round stands relative to night 1 (N1) and night 2 (N2).
HIST, DOING, DOING_SOLD, DOING_FAIL, DOING_LONG, TODO_TONIGHT, TODO_LATER = (
    "hist",
    "doing",
    "doing_sold",
    "doing_fail",
    "doing_long",
    "todo_tonight",
    "todo_later",
)
CANCELLED, REVOKE_TONIGHT, BREAK_TONIGHT, RELIST_TONIGHT, NEW_TONIGHT = (
    "cancelled",
    "revoke_tonight",
    "break_tonight",
    "relist_tonight",
    "new_tonight",
)
_RANDOM_MIX = ((HIST, 55), (DOING, 5), (DOING_LONG, 3), (TODO_TONIGHT, 4), (TODO_LATER, 25), (CANCELLED, 8))


def _nice(x: float, digits: int = 2) -> float:
    """Round to ``digits`` significant figures (deposits: 3,272,745 → 3,300,000)."""
    if x <= 0:
        return 0.0
    scale = 10 ** (int(math.floor(math.log10(x))) - digits + 1)
    return float(round(x / scale) * scale)


def _step(x: float) -> float:
    """The largest 1/2/5 × 10^k not above ``x``, at least 100 (加价幅度)."""
    if x < 100:
        return 100.0
    k = 10 ** int(math.floor(math.log10(x)))
    return float(max(m * k for m in (1, 2, 5) if m * k <= x))


class AlibabaGenerator(NightlyGenerator):
    """Plans ``n_lots`` lots (visible on night 1) from ``seed``; ``lots_for(night)`` gives their state that night."""

    lot_key = "item_id"

    def __init__(self, seed: int = 7, n_lots: int = 300, base_date: date = date(2026, 11, 20)) -> None:
        super().__init__(seed, n_lots, base_date)
        self.rng = FastRandom(seed)
        self._ids: set[int] = set()
        self._projects: set[int] = set()

    # ----------------------------------------------------------------------------------------- public API

    def bid_records(self, lot: Lot) -> list[Bid]:
        """The bids visible on the lot's page, oldest first (``lot.bid_count`` of them)."""
        if not lot.bid_count:
            return []
        return self._schedule(self._plans_by_id[lot.item_id])[: lot.bid_count]

    # ----------------------------------------------------------------------------------------- night state

    def _state(self, plan: _Plan, now: int) -> Lot | None:
        lot = plan.final
        if now < lot.publish_ms:
            return None
        if plan.cancel_ms is not None and now >= plan.cancel_ms:
            return lot._replace(
                status=plan.cancel_status,
                current_price=lot.initial_price,
                bid_count=0,
                apply_count=plan.pre_apply,
                viewer_count=plan.viewers,
                delay_count=0,
                end_ms=plan.scheduled_end,
            )
        if now >= lot.end_ms:
            return lot
        if now < lot.start_ms:
            return lot._replace(
                status="todo",
                current_price=lot.initial_price,
                bid_count=0,
                apply_count=plan.pre_apply,
                viewer_count=plan.viewers,
                delay_count=0,
                end_ms=plan.scheduled_end,
            )
        bids = self._schedule(plan) if plan.bids else []
        seen = bisect_right([bid.ms for bid in bids], now)
        delays = sum(1 for bid in bids[:seen] if bid.ms > plan.scheduled_end - 5 * MINUTE)
        return lot._replace(
            status="doing",
            current_price=bids[seen - 1].price if seen else lot.initial_price,
            bid_count=seen,
            delay_count=delays,
            end_ms=plan.scheduled_end,
            viewer_count=plan.viewers + plan.viewers // 4 + 23 * seen,
        )

    def _schedule(self, plan: _Plan) -> list[Bid]:
        """The lot's full bid schedule (deterministic from its bid_seed), oldest first."""
        lot = plan.final
        rng = FastRandom(lot.bid_seed)
        aliases = [f"{rng.choice(_ALIAS_LETTERS)}{rng.randrange(1000, 10000)}" for _ in range(plan.bidders)]
        if lot.sell_off:  # 变卖: the first to pay the 变卖预缴款 buys at the 变卖价
            return [
                Bid(
                    lot.start_ms + rng.randrange(HOUR, plan.scheduled_end - lot.start_ms),
                    lot.initial_price,
                    aliases[0],
                )
            ]
        last = plan.scheduled_end - 5 * MINUTE
        span = last - lot.start_ms
        times = sorted(last - int(span * rng.random() ** plan.spread) for _ in range(plan.bids - plan.delays))
        t = plan.scheduled_end
        for _ in range(plan.delays):  # a bid in the last 5 minutes extends the end to 5 minutes after it
            t -= rng.randrange(5, 295) * 1000
            times.append(t)
            t += 5 * MINUTE
        bids, price, who = [], lot.initial_price, -1
        for i, ms in enumerate(times):
            if i:
                r = rng.random()
                price = round(price + lot.increment * (1 if r < 0.85 else 2 if r < 0.95 else 5), 2)
            who = (
                (who + 1 + rng.randrange(max(plan.bidders - 1, 1))) % plan.bidders if plan.bidders > 1 else 0
            )
            bids.append(Bid(ms, price, aliases[who]))
        return bids

    # ----------------------------------------------------------------------------------------- planning

    @cached_property
    def _plans_by_id(self) -> dict[int, _Plan]:
        return {plan.final.item_id: plan for plan in self._plans}

    @cached_property
    def _plans(self) -> list[_Plan]:
        rng = self.rng
        n1 = self.now_ms(1)
        scale = max(self.n_lots, 1) / 1.5  # assets
        specials = [
            (DOING_SOLD, max(3, round(scale * 0.02))),
            (DOING_FAIL, max(2, round(scale * 0.015))),
            (TODO_TONIGHT, 2),
            (REVOKE_TONIGHT, max(2, round(scale / 300))),
            (BREAK_TONIGHT, max(1, round(scale / 500))),
            (RELIST_TONIGHT, max(3, round(scale / 100))),
            (NEW_TONIGHT, max(2, round(scale / 150))),
        ]
        deck = [scenario for scenario, count in specials for _ in range(count)]
        names, weights = zip(*_RANDOM_MIX, strict=True)
        plans: list[_Plan] = []
        visible = assets = 0
        with gc_paused():
            while visible < self.n_lots or deck:
                scenario = deck.pop(0) if deck else rng.choices(names, weights)[0]
                chain = self._asset(assets, scenario, self.n_lots - visible)
                assets += 1
                visible += sum(1 for plan in chain if plan.final.publish_ms <= n1)
                plans.extend(chain)
        return plans

    def _asset(self, index: int, scenario: str, room: int) -> list[_Plan]:
        """Plan every round of one asset whose last round stands in ``scenario``; at most ``room`` of its
        rounds are visible on night 1 (an asset that would not fit becomes a single past round)."""
        rng, d0 = self.rng, self.day0
        n1 = self.now_ms(1)
        rounds = rng.choices((1, 2, 3), (60, 28, 12))[0]
        if scenario == NEW_TONIGHT:
            rounds = 1
        elif scenario == RELIST_TONIGHT:
            rounds = max(rounds, 2)
        elif scenario == DOING_SOLD:
            rounds = min(rounds, 2)  # a 变卖 sells at its first taker, most likely before the night
        source = "sf" if rng.random() < 0.6 else "zc"
        if source == "zc":
            rounds = min(rounds, 2)
        visible_n1 = rounds - (scenario in (NEW_TONIGHT, RELIST_TONIGHT))
        if visible_n1 > room:
            if room <= 0:
                return []
            scenario, rounds = HIST, min(room, 2 if source == "zc" else 3)
        asset = self._asset_facts(index, source)

        # the last round's timing, then the earlier (流拍) rounds backwards
        cycle = 60 if rounds == 3 else (1 if source == "sf" else rng.choice((1, 1, 1, 2, 3)))
        publish = cancel = None
        cancel_status = ""
        if scenario == HIST:
            x = rng.randint(-330, -1 - cycle)
        elif scenario in (DOING, DOING_SOLD, DOING_FAIL):
            x = -cycle
        elif scenario == DOING_LONG:
            if rounds < 3:
                cycle = rng.randint(3, 7)
            x = rng.randint(-(cycle - 2), -1)
        elif scenario == TODO_TONIGHT:
            x = 0
        elif scenario == TODO_LATER:
            x = rng.randint(2, 40)
        elif scenario in (REVOKE_TONIGHT, BREAK_TONIGHT):
            x = rng.randint(3, 30)
            cancel = d0 + rng.randint(9, 22) * HOUR
            cancel_status = "revocation" if scenario == REVOKE_TONIGHT else "break"
        elif scenario == CANCELLED:
            x = rng.randint(-200, 20)
            cancel_status = "revocation" if rng.random() < 0.6 else "break"
        else:  # RELIST_TONIGHT, NEW_TONIGHT: published between the two nights
            x = rng.randint(8, 25)
            publish = d0 + rng.randint(9, 22) * HOUR
        start = d0 + x * DAY + 10 * HOUR
        if publish is None:
            publish = start - self._notice_days(source, rounds) * DAY - rng.randint(0, 8) * HOUR
            if start > n1:
                publish = min(publish, n1 - rng.randint(1, 48) * HOUR)
        if scenario == CANCELLED:
            cancel = publish + HOUR + int(rng.random() * max(min(start, n1) - publish - 2 * HOUR, 0))

        timeline = [(rounds, start, cycle, publish)]
        for r in range(rounds - 1, 0, -1):
            day = (timeline[-1][3] - rng.randint(2, 12) * DAY - d0 - 10 * HOUR) // DAY
            c = 1 if source == "sf" else rng.choice((1, 1, 2, 3))
            end_r = d0 + day * DAY + 10 * HOUR
            s = end_r - c * DAY
            timeline.append((r, s, c, s - self._notice_days(source, r) * DAY - rng.randint(0, 8) * HOUR))
        timeline.reverse()

        if scenario == DOING_SOLD:
            sold_last = True
        elif scenario == DOING_FAIL:
            sold_last = False
        else:
            sold_last = rng.random() < self._p_sold(source, asset["kind"], rounds)
        plans = []
        price = None
        for r, s, c, pub in timeline:
            last = r == rounds
            price = self._round_price(source, asset, r, price)
            plans.append(
                self._plan(
                    asset,
                    r,
                    s,
                    c,
                    pub,
                    price,
                    sold=last and sold_last,
                    cancel=cancel if last else None,
                    cancel_status=cancel_status,
                )
            )
        return plans

    def _notice_days(self, source: str, round_no: int) -> int:
        lo, hi = {1: (15, 30), 2: (7, 15), 3: (3, 7)}[round_no] if source == "sf" else (5, 20)
        return self.rng.randint(lo, hi)

    @staticmethod
    def _p_sold(source: str, kind: str, rounds: int) -> float:
        if kind == "debt":
            return 0.35
        return {1: 0.45, 2: 0.5, 3: 0.35}[rounds] if source == "sf" else 0.45

    def _round_price(self, source: str, asset: dict, round_no: int, previous: float | None) -> float:
        rng = self.rng
        if round_no == 1:
            if asset["kind"] == "debt":
                return round(asset["debt"].total * rng.uniform(0.12, 0.55), -2)
            if source == "zc":
                return round(asset["value"] * rng.uniform(0.5, 1.0), -2)
            return round(asset["value"] * rng.choices((1.0, 0.9, 0.8, 0.7), (2, 1, 2, 5))[0], 2)
        if round_no == 3:
            return previous  # 变卖价 = the 二拍 start price
        return round(previous * 0.8, 2) if source == "sf" else round(previous * 0.85, -2)

    def _plan(
        self,
        asset: dict,
        round_no: int,
        start: int,
        cycle: int,
        publish: int,
        price: float,
        *,
        sold: bool,
        cancel: int | None,
        cancel_status: str,
    ) -> _Plan:
        rng = self.rng
        end = start + cycle * DAY
        viewers = int(
            math.exp(rng.uniform(math.log(150), math.log(6000))) * (1 + math.log10(max(price, 1e4)) / 4)
        )
        bidders = bids = delays = 0
        if sold:
            bidders = min(1 + int(rng.expovariate(0.35)), 30)
            bids = 1 if bidders == 1 or round_no == 3 else bidders + int(rng.expovariate(1 / (3 * bidders)))
            delays = min(int(rng.expovariate(0.5)), bids - 1, 12) if bidders > 1 else 0
        apply_count = bidders + (rng.random() < 0.2 and bidders > 0)
        pre_apply = apply_count // 2
        item_id = self._new_id(publish)
        project_id = rng.randrange(1_000_000, 10_000_000)
        while project_id in self._projects:
            project_id += 1
        self._projects.add(project_id)
        deposit_share = rng.choice((0.05, 0.1, 0.1, 0.15, 0.2))
        lot = Lot(
            source=asset["source"],
            item_id=item_id,
            asset_key=asset["asset_key"],
            round=round_no,
            title=asset["title"] if round_no == 1 or rng.random() < 0.75 else asset["title_variant"],
            category=asset["category"],
            cat_name=asset["cat_name"],
            collateral_cat_name=asset["collateral"],
            kind=asset["kind"],
            biz_type=asset["biz_type"],
            province=asset["region"].province,
            city=asset["region"].city,
            district=asset["region"].district,
            address=asset["address"],
            location_code=asset["region"].code,
            lng=asset["lng"],
            lat=asset["lat"],
            unit=asset["unit"],
            unit_url=asset["unit_url"],
            user_id=asset["user_id"],
            contact_org=asset["contact_org"],
            contact_name=asset["contact_name"],
            phone=asset["phone"],
            project_id=project_id,
            case_no=asset["case_no"],
            case_cause=asset["case_cause"],
            applicant=asset["applicant"],
            respondent=asset["respondent"],
            consult_price=asset["consult"],
            market_price=asset["market"],
            initial_price=price,
            deposit=max(_nice(price * deposit_share), 1000.0),
            increment=_step(price * rng.choice((0.001, 0.002, 0.005, 0.01))),
            cycle_days=cycle,
            delay_minutes=5,
            prior_buyer="无" if rng.random() < 0.9 else "有",
            area=asset["area"],
            buy_restrictions=asset["buy_restrictions"],
            support_loans=asset["support_loans"],
            support_org_loan=asset["support_org_loan"],
            pic=asset["pic"],
            debt=asset["debt"],
            publish_ms=publish,
            start_ms=start,
            end_ms=end,
            status="failure",
            current_price=price,
            bid_count=0,
            apply_count=apply_count,
            viewer_count=viewers + viewers // 3,
            delay_count=0,
            subscribers=viewers // rng.randint(40, 120),
            bid_seed=rng.getrandbits(48),
        )
        plan = _Plan(
            final=lot,
            scheduled_end=end,
            bidders=bidders,
            bids=bids,
            delays=delays,
            spread=3.0 if cycle == 1 else 1.0,
            pre_apply=pre_apply,
            viewers=viewers,
            cancel_ms=cancel,
            cancel_status=cancel_status,
        )
        if bids:
            schedule = self._schedule(plan)
            last = schedule[-1]
            plan.final = lot._replace(
                status="done",
                current_price=last.price,
                bid_count=bids,
                delay_count=delays,
                end_ms=last.ms if lot.sell_off else max(end, last.ms + 5 * MINUTE * (delays > 0)),
                viewer_count=lot.viewer_count + 23 * bids,
            )
        return plan

    def _new_id(self, publish: int) -> int:
        item_id = 800_000_000_000 + (publish - _ID_EPOCH) // 1000 * 100 + self.rng.randrange(100)
        while item_id in self._ids:
            item_id += 1
        self._ids.add(item_id)
        return item_id

    # ----------------------------------------------------------------------------------------- asset facts

    def _asset_facts(self, index: int, source: str) -> dict:
        """What every round of one asset shares: place, title, value, who disposes of it, debt details."""
        rng = self.rng
        region: Region = rng.choice(data.REGIONS)
        if source == "sf":
            category = rng.choices(tuple(data.SF_CATEGORIES), data.SF_CATEGORY_WEIGHTS)[0]
            cat_name, collaterals, kind = data.SF_CATEGORIES[category]
            collateral = rng.choice(collaterals)
            if kind == "other":
                kind = {"股权": "equity", "机器设备": "equipment"}.get(collateral, "other")
        else:
            category = rng.choices(tuple(data.ZC_CATEGORIES), data.ZC_CATEGORY_WEIGHTS)[0]
            cat_name, kind = data.ZC_CATEGORIES[category]
            collateral = cat_name
        facts: dict = {
            "source": source,
            "asset_key": f"ASSET-{self.seed}-{index:06d}",
            "region": region,
            "category": category,
            "cat_name": cat_name,
            "collateral": collateral,
            "kind": kind,
            "lng": round(region.lng + rng.uniform(-0.04, 0.04), 6),
            "lat": round(region.lat + rng.uniform(-0.03, 0.03), 6),
            "pic": f"TB1{rng.getrandbits(88):022x}.jpg",
            "debt": None,
            "area": 0.0,
            "case_no": "",
            "case_cause": "",
            "applicant": "",
            "respondent": "",
        }
        street = f"{rng.choice(data.ROADS)}{rng.randint(1, 399)}号"
        place = (
            f"{region.city_full}{region.district_full}"
            if region.city_full != region.district_full
            else region.city_full
        )
        owner = data.person(rng) if kind == "house" and rng.random() < 0.6 else data.firm(rng, region)
        tier_price = {1: (45_000, 110_000), 2: (12_000, 40_000), 3: (4_500, 9_500)}[region.tier]

        if kind == "house":
            estate = rng.choice(data.ESTATES)
            room = f"{rng.randint(1, 33)}{rng.randint(1, 4):02d}"
            unit_no = f"{rng.randint(1, 28)}号楼{rng.randint(1, 6)}单元{room}室"
            facts["area"] = round(rng.uniform(55, 180), 2)
            facts["value"] = round(facts["area"] * rng.uniform(*tier_price))
            facts["address"] = f"{place}{street}{estate}{unit_no}"
            title = rng.choice(
                (
                    f"{place}{street}{estate}{unit_no}房产",
                    f"{owner}名下位于{place}{estate}{unit_no}的住宅",
                    f"{place}{estate}{unit_no}不动产",
                )
            )
        elif kind == "commercial":
            facts["area"] = round(rng.uniform(30, 600), 2)
            if collateral == "工业用房":
                facts["value"] = round(facts["area"] * rng.uniform(*tier_price) * 0.35)
                title = f"{owner}位于{place}{street}的工业厂房及附属设施"
            else:
                facts["value"] = round(facts["area"] * rng.uniform(*tier_price) * 1.3)
                shop = f"{rng.randint(1, 3)}层{rng.randint(101, 130)}号商铺"
                title = f"{place}{street}{rng.choice(data.ESTATES)}{shop}"
            facts["address"] = f"{place}{street}"
        elif kind == "land":
            facts["area"] = round(rng.uniform(2_000, 60_000), 2)
            facts["value"] = round(facts["area"] * rng.uniform(300, 4_000))
            road = rng.choice(data.ROADS)
            facts["address"] = f"{place}{road}以{rng.choice(data.DIRECTIONS)}"
            title = f"{facts['address']}一宗国有出让{rng.choice(data.LAND_USES)}用地使用权" + (
                "及地上建筑物" if rng.random() < 0.3 else ""
            )
        elif kind == "vehicle":
            brand, model, body = rng.choice(data.VEHICLES)
            plate = f"{region.plate}{rng.choice(_ALIAS_LETTERS)}{rng.randint(1000, 9999)}"
            facts["value"] = round(rng.uniform(15_000, 450_000), -2)
            facts["address"] = f"{place}{street}停车场"
            facts["plate"] = plate
            title = rng.choice((f"{plate}{brand}牌{model}{body}一辆", f"车牌号为{plate}的{brand}牌{body}"))
        elif kind == "equity":
            pct = rng.choice((5, 10, 15, 20, 25, 30, 35, 40, 51, 60, 100))
            facts["value"] = round(math.exp(rng.uniform(math.log(5e5), math.log(5e7))), -3)
            facts["address"] = f"{place}{street}"
            title = f"{owner}持有的{data.firm(rng, region)}{pct}%股权"
        else:  # equipment, other, debt
            facts["value"] = round(math.exp(rng.uniform(math.log(5e4), math.log(5e6))), -2)
            facts["address"] = f"{place}{street}"
            title = f"{owner}所有的{rng.choice(data.EQUIPMENT)}一批"

        if source == "sf":
            inter, basic = data.courts(region)
            court = inter if facts["value"] > 3e6 or rng.random() < 0.3 else basic
            year = self.base_date.year - (rng.random() < 0.4)
            facts.update(
                unit=court.name,
                unit_url=f"//sf.taobao.com/{court.path}",
                user_id=court.user_id,
                case_no=f"（{year}）{court.case_code}执{'恢' if rng.random() < 0.3 else ''}"
                f"{rng.randint(1, 2999)}号",
                case_cause=rng.choice(data.CASE_CAUSES),
                applicant=rng.choice(
                    (
                        f"{rng.choice(data.BANKS)}{region.city_full}分行",
                        data.person(rng),
                        data.firm(rng, region),
                    )
                ),
                respondent=owner,
                consult=facts["value"],
                market=0.0,
                biz_type=0,
            )
            if rng.random() < 0.6:
                facts.update(
                    contact_org=court.short,
                    contact_name=rng.choice(data.SURNAMES) + rng.choice(("法官", "书记员")),
                    phone=court.phone,
                )
            else:
                facts.update(
                    contact_org=f"{region.city_full}公共资源拍卖中心",
                    contact_name=rng.choice(data.SURNAMES) + rng.choice(("先生", "女士")),
                    phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                )
        else:
            if kind == "debt":
                biz_type = rng.choices((7, 6), (85, 15))[0]
            else:
                biz_type = rng.choices((8, 7, 1, 2, 4), (30, 25, 15, 25, 5))[0]
            if biz_type in (7, 6):
                amc = rng.random()
                if amc < 0.6:
                    seller = f"{rng.choice(data.AMCS)}{region.province_full}分公司"
                elif amc < 0.85 or region.province not in data.LOCAL_AMCS:
                    seller = f"{rng.choice(data.BANKS)}{region.city_full}分行"
                else:
                    seller = data.LOCAL_AMCS[region.province]
            elif biz_type == 8:
                seller = f"{data.firm(rng, region)}管理人"
            elif biz_type == 1:
                seller = f"{region.city_full}国有资本投资运营有限公司"
            elif biz_type == 4:
                seller = f"{region.city_full}公安局{region.district}分局"
            else:
                seller = data.firm(rng, region)
            user_id = 3_000_000_000 + crc32(seller.encode()) % 900_000_000
            facts.update(
                unit=seller,
                user_id=user_id,
                unit_url=f"//zc-paimai.taobao.com/zc_item_list.htm?user_id={user_id}",
                contact_org=seller.replace("股份有限公司", "").replace("有限责任公司", ""),
                contact_name=rng.choice(data.SURNAMES) + rng.choice(("经理", "先生", "女士")),
                phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                biz_type=biz_type,
                consult=0.0,
                market=facts["value"],
            )
            if kind == "debt":
                debt = self._debt(region, seller)
                facts.update(debt=debt, market=debt.total)
                title = rng.choice(
                    (
                        f"{debt.debtor}债权",
                        f"{debt.debtor}等{rng.randint(2, 12)}户债权资产包",
                        f"关于{debt.debtor}的不良债权",
                    )
                )
                facts["address"] = debt.debtor_info.split("；")[0].removeprefix("住所地：")
        facts["title"] = title
        facts["title_variant"] = (
            title.removeprefix(place)
            if title.startswith(place) and len(title) > len(place) + 6
            else title + "（重新拍卖）"
        )
        facts["buy_restrictions"] = int(kind == "house" and region.tier == 1)
        facts["support_loans"] = int(kind in ("house", "commercial") and rng.random() < 0.6)
        facts["support_org_loan"] = int(facts["support_loans"] and rng.random() < 0.5)
        return facts

    def _debt(self, region: Region, creditor: str) -> Debt:
        rng = self.rng
        unit = rng.choice(("元", "万元"))
        grain = 100 if unit == "万元" else 0.01  # 万元 amounts are written to 2 decimals of 万

        def amount(x: float) -> float:
            return round(round(x / grain) * grain, 2)

        principal = amount(math.exp(rng.uniform(math.log(3e5), math.log(2e8))))
        interest = amount(principal * rng.uniform(0.05, 0.9))
        base = date.fromordinal(self.base_date.toordinal() - rng.randint(30, 400))
        loan = date.fromordinal(base.toordinal() - rng.randint(400, 2500))
        due = date.fromordinal(loan.toordinal() + rng.choice((365, 730, 1095)))
        debtor = data.firm(rng, region)
        method = rng.choice(("抵押+保证", "保证", "抵押", "信用"))
        guarantors = (
            tuple(rng.choice((data.person(rng), data.firm(rng, region))) for _ in range(rng.randint(1, 3)))
            if "保证" in method
            else ()
        )
        collateral = (
            tuple(
                f"债务人名下位于{region.city_full}{region.district_full}{rng.choice(data.ROADS)}"
                f"{rng.randint(1, 399)}号的{rng.choice(('工业用地及厂房', '商业用房', '住宅', '办公楼'))}"
                f"（建筑面积{rng.uniform(80, 9000):.2f}平方米）"
                for _ in range(rng.randint(1, 2))
            )
            if "抵押" in method
            else ()
        )
        return Debt(
            principal=principal,
            interest=interest,
            total=round(principal + interest, 2),
            unit=unit,
            base_date=base.isoformat() if rng.random() < 0.5 else f"{base.year}年{base.month}月{base.day}日",
            debtor=debtor,
            debtor_info=f"住所地：{region.city_full}{region.district_full}{rng.choice(data.ROADS)}"
            f"{rng.randint(1, 399)}号；法定代表人：{data.person(rng)}",
            creditor=creditor,
            creditor_info=f"{creditor}，系本债权的合法持有人",
            monthly_rate=f"{rng.uniform(4.35, 9.5):.3f}‰",
            loan_date=loan.isoformat(),
            due_date=due.isoformat(),
            litigation=rng.choice(data.LITIGATION),
            guarantee_method=method,
            guarantee_form={
                "抵押+保证": "抵押担保、连带责任保证",
                "保证": "连带责任保证",
                "抵押": "抵押担保",
                "信用": "无",
            }[method],
            collateral=collateral,
            collateral_value=amount(principal * rng.uniform(0.3, 1.5)) if collateral else 0.0,
            guarantors=guarantors,
            guarantor_info="担保人为债务人的实际控制人及关联企业" if guarantors else "无",
            guarantee_amount=principal if guarantors else 0.0,
        )
