"""Seeded generator of 中拍平台 (caa123) lots and of their state on each crawl night: court lots of the judicial side
(sf.caa123.org.cn) and commissioned lots of the commercial side (paimai.caa123.org.cn).

Only the field names and codes come from public evidence (docs/sources_caa123.md); every value here is invented:
titles, courts, consignors, prices, times, counts. A lot is planned once (its times, prices, outcome and the seed of
its bids); its state on a night is a pure function of that night's server time (02:00 Asia/Shanghai on
``base_date + night - 1``). Between night 1 and night 2 auctions start and end (成交 / 流拍), some are withdrawn
(撤回 / 撤拍) or deferred (暂缓), bids come in, and court lots that failed are relisted as the next round
(``times`` 1 → 2 → 3 变卖) under a new id at a lower start price. ``n_lots`` lots are planned (half of each side);
night 1 also shows the relistings of those that failed before it, night 2 a few lots published in between. Deterministic and clock-free; amounts are yuan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from replicas.nights import DAY, HOUR, MINUTE, FastRandom, NightlyGenerator

SIDES = ("sf", "pm")  # judicial, commercial
# (province, city, district) written in full as the sites' ``position`` does (invented addresses)
PLACES = (
    ("广东省", "广州市", "天河区"), ("广东省", "深圳市", "南山区"), ("广东省", "佛山市", "顺德区"),
    ("北京市", "北京市", "朝阳区"), ("上海市", "上海市", "浦东新区"), ("江苏省", "苏州市", "吴中区"),
    ("江苏省", "南京市", "鼓楼区"), ("浙江省", "杭州市", "西湖区"), ("山东省", "济南市", "历下区"),
    ("四川省", "成都市", "武侯区"), ("湖北省", "武汉市", "江汉区"), ("河南省", "郑州市", "金水区"),
)  # fmt: skip
ROADS = ("人民路", "解放路", "中山路", "建设路", "和平路", "胜利路", "新华路", "工业大道", "滨江路", "东风路")
ESTATES = ("阳光花园", "金色家园", "翡翠城", "锦绣华庭", "滨江华府", "御景湾", "紫荆苑")
FIRMS = ("鑫源", "恒达", "华盛", "永利", "宏图", "金鼎", "瑞丰", "汇通", "天润", "嘉禾")
CONSIGNORS = (
    "中国信达资产管理股份有限公司{p}分公司", "中国长城资产管理股份有限公司{p}分公司", "中国建设银行股份有限公司{c}分行",
    "{c}农村商业银行股份有限公司", "{c}{f}实业有限公司", "{c}{f}贸易有限公司", "{c}市国有资产监督管理委员会",
    "{c}{f}机械制造有限公司管理人",
)  # fmt: skip
AUCTIONEERS = ("{c}拍卖有限公司", "{p}{f}拍卖行有限公司", "{c}公共资源拍卖中心有限公司")
# side → (standardType, secondaryType, kind, weight); codes from the evidence tables (normalizers/codes.py)
CATEGORIES = {
    "sf": (("6", "6", "house", 40), ("6", "26", "shop", 12), ("6", "27", "plant", 6), ("5", "", "land", 8),
           ("16", "", "equity", 6), ("14", "", "debt", 4), ("255", "", "other", 4)),
    "pm": (("6", "6", "house", 20), ("6", "26", "shop", 10), ("7", "", "land", 6), ("8", "", "equity", 6),
           ("5", "4", "vehicle", 14), ("20", "", "scrap", 10), ("18", "", "patent", 4), ("255", "", "other", 4)),
}  # fmt: skip
KINDS = {"house": "real_estate", "shop": "real_estate", "plant": "real_estate", "land": "land", "equity": "equity",
         "debt": "debt", "other": "other", "vehicle": "vehicle", "scrap": "inventory", "patent": "intangible"}
# lotStatus (sf) / status (pm): 0 即将开始, 1 正在进行, 2 已流拍, 3 已成交, 4 已终止 (pm: 撤拍), 5 已撤回, 6 已暂缓
STATUS_LABELS = {0: "即将开始", 1: "正在拍卖", 2: "已流拍", 3: "已成交", 4: "已撤拍", 5: "已撤回", 6: "已暂缓"}
STATUS_VALUES = {0: "upcoming", 1: "ongoing", 2: "unsold", 3: "sold", 4: "withdrawn", 5: "withdrawn", 6: "suspended"}
ROUND_VALUES = {0: None, 1: "first", 2: "second", 3: "sell_off"}


class CaaLot(NamedTuple):
    """One lot (one auction round) as it stands on one night: the ground truth a crawl is checked against."""

    lot_id: int  # sf: the lot id; pm: lotId (one id space: the replica never reuses an id across sides)
    side: str  # "sf" judicial, "pm" commercial
    meet_id: int  # pm: the auction meeting (meetId); sf: 0
    asset_key: str  # every round of one asset (ground truth, never served)
    standard_type: str
    secondary_type: str
    kind: str
    name: str
    province: str
    city: str
    district: str
    position: str  # the full address
    court: str  # sf: the court; pm: the consignor (委托人)
    auctioneer: str  # pm: 拍卖人; sf: ""
    times: int  # 0 (none, pm), 1 第一次拍卖, 2 第二次拍卖, 3 变卖
    assess_price: float  # 0 = none
    start_price: float
    cash_deposit: float
    rate_ladder: float
    delay_time: int  # minutes
    term: int  # 竞价周期, days
    start_ms: int
    end_ms: int  # the scheduled end (delays included once bidding ended); == start_ms when the end is unknown
    lot_status: int
    now_price: float
    bid_count: int
    on_looker: int
    enrollment: int
    delay_times: int
    publish_ms: int = 0  # when the sale was announced (the judicial API does not state it)

    @property
    def sold(self) -> bool:
        return self.lot_status == 3

    @property
    def status(self) -> str:
        return STATUS_VALUES[self.lot_status]

    @property
    def round(self) -> str | None:
        return ROUND_VALUES[self.times]

    @property
    def asset_type(self) -> str:
        return KINDS[self.kind]

    @property
    def end_known(self) -> bool:
        return self.end_ms > self.start_ms


@dataclass(slots=True)
class _Plan:
    lot_id: int
    side: str
    meet_id: int
    asset_key: str
    category: tuple[str, str, str, int]
    name: str
    place: tuple[str, str, str]
    position: str
    court: str
    auctioneer: str
    times: int
    assess: float
    start_price: float
    publish_ms: int
    start_ms: int
    end_ms: int
    outcome: str  # sold / unsold / withdrawn / suspended
    cut_ms: int  # withdrawn / suspended from this moment
    bids: int  # bids by the end, when sold
    seed: int
    end_unknown: bool  # an upcoming lot whose end the site states as its start (idx:46803537396 guards for it)


def _nice(x: float) -> float:
    """Round to three significant figures, as a seller sets a price."""
    magnitude = 10 ** max(len(str(int(x))) - 3, 0)
    return float(round(x / magnitude) * magnitude)


class CaaGenerator(NightlyGenerator):
    lot_key = "lot_id"

    def __init__(self, seed: int = 7, n_lots: int = 300, base_date: date = date(2026, 11, 20)) -> None:
        super().__init__(seed, n_lots, base_date)
        self._plans = self._plan_all()

    # ----------------------------------------------------------------------------------------- planning

    def _plan_all(self) -> list[_Plan]:
        rng = FastRandom(f"caa123-{self.seed}")
        now1 = self.now_ms(1)
        plans: list[_Plan] = []
        next_id = 20_000 + rng.randint(0, 999)
        for index in range(self.n_lots):
            side = SIDES[index % 2]
            next_id += rng.randint(1, 7)
            # visible on night 1: published before it; a few lots publish between night 1 and night 2 (added below)
            publish = now1 - rng.randint(1, 24) * DAY - rng.randint(0, 23) * HOUR
            plans.append(self._plan(rng, next_id, side, publish, times=1 if side == "sf" else 0, parent=None))
        for index in range(max(2, self.n_lots // 20)):  # published between the nights: new on night 2
            side = SIDES[index % 2]
            next_id += rng.randint(1, 7)
            plans.append(self._plan(rng, next_id, side, now1 + rng.randint(2, 20) * HOUR,
                                    times=1 if side == "sf" else 0, parent=None))
        relists = []
        for plan in plans:  # a failed court sale comes back as the next round, a new lot at a lower price
            while plan.side == "sf" and plan.outcome == "unsold" and plan.times < 3:
                next_id += rng.randint(1, 7)
                plan = self._plan(rng, next_id, "sf", plan.end_ms + rng.randint(1, 3) * DAY, times=plan.times + 1,
                                  parent=plan)
                relists.append(plan)
        return plans + relists

    def _plan(self, rng: FastRandom, lot_id: int, side: str, publish: int, *, times: int,
              parent: _Plan | None) -> _Plan:
        if parent is None:
            category = _weighted(rng, CATEGORIES[side])
            place = rng.choice(PLACES)
            province, city, district = place
            road = rng.choice(ROADS)
            kind = category[2]
            number = rng.randint(1, 399)
            street = f"{road}{number}号"
            if kind in ("house", "shop"):
                street += f"{rng.choice(ESTATES)}{rng.randint(1, 30)}栋{rng.randint(1, 32)}{rng.randint(1, 4):02d}房"
            position = province + (city if city != province else "") + district + street
            short = city.removesuffix("市")
            firm = rng.choice(FIRMS)
            name = _title(rng, kind, position if kind in ("house", "shop", "plant", "land") else "", short, firm)
            if side == "sf":
                court = (f"{city}{district}人民法院" if rng.random() < 0.7 else f"{city}中级人民法院")
                auctioneer = ""
            else:
                court = rng.choice(CONSIGNORS).format(p=province.removesuffix("省").removesuffix("市"), c=short,
                                                      f=firm)
                auctioneer = rng.choice(AUCTIONEERS).format(p=province.removesuffix("省"), c=short, f=firm)
            assess = _nice(_base_price(rng, kind))
            start = assess * (0.7 if side == "sf" else rng.choice((0.8, 0.9, 1.0)))
            asset_key = f"caa-{lot_id}"
        else:
            category, place, position, name = parent.category, parent.place, parent.position, parent.name
            court, auctioneer, assess, asset_key = parent.court, parent.auctioneer, parent.assess, parent.asset_key
            start = parent.start_price * (0.8 if times == 2 else 1.0)  # 变卖 keeps the second round's price
        start_price = _nice(start)
        if side == "pm" and rng.random() < 0.15:
            assess = 0.0  # a commissioned lot without an appraisal (评估价 none)
        start_ms = publish + rng.randint(4, 30) * DAY // 2
        start_ms += 10 * HOUR - (start_ms - self.day0) % DAY  # 10:00 China time, as auctions start
        if start_ms <= publish:
            start_ms += DAY
        term = 60 if times == 3 else rng.choice((1, 1, 2, 3) if side == "sf" else (1, 3, 5, 7))
        end_ms = start_ms + term * DAY
        outcome = _weighted(rng, (("sold", "", "", 45), ("unsold", "", "", 40), ("withdrawn", "", "", 8),
                                  ("suspended", "", "", 7)))[0]
        if side == "pm" and outcome == "suspended":
            outcome = "withdrawn"  # the commercial status list has no 暂缓 (0-4, idx:68779191655)
        cut = publish + int(rng.random() * max(end_ms - publish, HOUR))
        return _Plan(
            lot_id=lot_id, side=side, meet_id=(lot_id // 10 + 3000) if side == "pm" else 0, asset_key=asset_key,
            category=category, name=name, place=place, position=position, court=court, auctioneer=auctioneer,
            times=times, assess=assess, start_price=start_price, publish_ms=publish, start_ms=start_ms,
            end_ms=end_ms, outcome=outcome, cut_ms=cut, bids=rng.randint(1, 40), seed=rng.randint(0, 2**31),
            end_unknown=rng.random() < 0.1,
        )

    # ----------------------------------------------------------------------------------------- a night's state

    def _state(self, plan: _Plan, now: int) -> CaaLot | None:
        if now < plan.publish_ms:
            return None
        rng = FastRandom(plan.seed)
        deposit = _nice(plan.start_price * rng.choice((0.1, 0.15, 0.2)))
        ladder = _nice(max(plan.start_price * rng.choice((0.005, 0.01)), 100))
        on_looker = int(rng.random() * 900) + (min(now, plan.end_ms) - plan.publish_ms) // HOUR
        enrollment = rng.randint(0, 12)
        delay_times = 0
        end_ms = plan.end_ms
        if plan.outcome in ("withdrawn", "suspended") and now >= plan.cut_ms:
            status = 5 if plan.side == "sf" and plan.outcome == "withdrawn" else (
                4 if plan.outcome == "withdrawn" else 6)
            bids = 0
        elif now < plan.start_ms:
            status, bids = 0, 0
        elif now < plan.end_ms:
            status = 1
            share = (now - plan.start_ms) / (plan.end_ms - plan.start_ms)
            bids = int(plan.bids * share) if plan.outcome == "sold" else 0
        else:
            status = 3 if plan.outcome == "sold" else 2
            bids = plan.bids if plan.outcome == "sold" else 0
            delay_times = rng.randint(0, 6) if bids else 0
            end_ms = plan.end_ms + delay_times * 5 * MINUTE
        enrollment = max(enrollment, 1 if bids else 0)
        now_price = plan.start_price + bids * ladder
        if status == 0 and plan.end_unknown:
            end_ms = plan.start_ms  # the end not yet stated: the API repeats the start (idx:46803537396)
        category = plan.category
        return CaaLot(
            lot_id=plan.lot_id, side=plan.side, meet_id=plan.meet_id, asset_key=plan.asset_key,
            standard_type=category[0], secondary_type=category[1], kind=category[2], name=plan.name,
            province=plan.place[0], city=plan.place[1], district=plan.place[2], position=plan.position,
            court=plan.court, auctioneer=plan.auctioneer, times=plan.times, assess_price=plan.assess,
            start_price=plan.start_price, cash_deposit=deposit, rate_ladder=ladder, delay_time=5,
            term=(plan.end_ms - plan.start_ms) // DAY, start_ms=plan.start_ms, end_ms=end_ms, lot_status=status,
            now_price=now_price, bid_count=bids, on_looker=on_looker, enrollment=enrollment,
            delay_times=delay_times, publish_ms=plan.publish_ms,
        )


def _weighted(rng: FastRandom, rows: tuple) -> tuple:
    total = sum(row[-1] for row in rows)
    pick = rng.random() * total
    for row in rows:
        pick -= row[-1]
        if pick < 0:
            return row
    return rows[-1]


def _base_price(rng: FastRandom, kind: str) -> float:
    low, high = {"house": (40e4, 600e4), "shop": (80e4, 1500e4), "plant": (300e4, 5000e4), "land": (200e4, 8000e4),
                 "equity": (50e4, 3000e4), "debt": (100e4, 5000e4), "vehicle": (2e4, 60e4), "scrap": (1e4, 80e4),
                 "patent": (5e4, 200e4)}.get(kind, (1e4, 50e4))
    return low + (high - low) * rng.random() ** 2


_PLACE_TITLES = {"house": "住宅", "shop": "商铺", "plant": "工业厂房", "land": "国有建设用地使用权"}  # after the address


def _title(rng: FastRandom, kind: str, position: str, city: str, firm: str) -> str:
    if kind in _PLACE_TITLES:
        return position + _PLACE_TITLES[kind]
    if kind == "equity":
        return f"{city}{firm}投资有限公司{rng.randint(5, 100)}%股权"
    if kind == "debt":
        return f"{city}{firm}贸易有限公司债权"
    if kind == "vehicle":
        brand = rng.choice(("丰田凯美瑞", "大众帕萨特", "本田雅阁", "别克GL8", "奔驰GLC300"))
        return f"{brand}小型轿车一辆（车牌号已隐去）"
    if kind == "scrap":
        return f"{city}{firm}公司废旧钢材一批（约{rng.randint(10, 500)}吨）"
    if kind == "patent":
        return f"“一种{rng.choice(('节能', '环保', '高效'))}{rng.choice(('电机', '阀门', '过滤装置'))}”发明专利权"
    return f"{city}{firm}公司办公设备及家具一批"
