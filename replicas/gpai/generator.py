"""Seeded 公拍网 lots and their state per night (the ground truth the gpai replica serves and the tests check).

Each asset is sold by a court in rounds, as Shanghai's courts do on gpai.net: 一拍 at 70 % of the appraisal, 二拍 at
80 % of the 一拍 price, then 变卖 at the 二拍 price; a round that ends without a bid is relisted as the next round
(published 14 hours after it ended, so a lot ending between two nights is relisted by the second one) under a new
``Web_Item_ID``. An online round (在线拍) lasts 24 hours from 10:00; a 变卖 lasts 60 days. Some lots are withdrawn
(撤回, code 125) two days before their start.

Inventions (no public page states them): the share of each outcome, the publication lead (30 days before a 一拍,
15 before a later round), the bid counts and the counters' growth, the deposit (10 % of the start price rounded up
to 10,000 yuan or less for small lots) and the increment table, the court codes other than 1101 (上海市第一中级人民法院,
real), the ids' range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from replicas.nights import DAY, HOUR, TZ, FastRandom, NightlyGenerator

# (code, name): 1101 is the real court list page's id for 上海市第一中级人民法院; the rest are invented codes.
COURTS = (
    ("1101", "上海市第一中级人民法院"), ("1102", "上海市第二中级人民法院"), ("1103", "上海市第三中级人民法院"),
    ("1201", "上海市浦东新区人民法院"), ("1202", "上海市黄浦区人民法院"), ("1203", "上海市徐汇区人民法院"),
    ("1204", "上海市长宁区人民法院"), ("1205", "上海市静安区人民法院"), ("1206", "上海市普陀区人民法院"),
    ("1207", "上海市虹口区人民法院"), ("1208", "上海市杨浦区人民法院"), ("1209", "上海市闵行区人民法院"),
    ("1210", "上海市宝山区人民法院"), ("1211", "上海市嘉定区人民法院"), ("1212", "上海市松江区人民法院"),
    ("1213", "上海市金山区人民法院"), ("6501", "乌鲁木齐市中级人民法院"),
)  # fmt: skip
DISTRICTS = ("浦东新区", "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区",
             "嘉定区", "松江区", "金山区", "青浦区", "奉贤区")
# streets named in real gpai titles (TestSpider.json of chensyabc/Auction_Spider_AllInOne_Scrapy, the 2018 list page)
ROADS = ("中山西路", "中山南路", "泰康路", "蕴川路", "浦东南路", "浦明路", "万源路", "常德路", "盐大路", "芳林路",
         "天通庵路", "泗凯路", "大连西路", "陆家浜路", "蒙山路", "长逸路", "申南路")
BRANDS = ("奥迪", "奔驰", "别克", "雪佛兰", "大众", "丰田", "本田", "宝马")
COMPANIES = ("上海水工机械制造有限公司", "上海申航实业有限公司", "上海浦江置业有限公司", "上海华联贸易有限公司",
             "上海东方投资发展有限公司", "上海金桥物流有限公司")
# at= type codes of the real filter (crawlers.parsers.gpai) and how often each is drawn
KINDS = (("376", 60), ("381", 5), ("378", 15), ("372", 7), ("377", 8), ("379", 5))
ROUND_NAMES = {1: "一拍", 2: "二拍", 3: "变卖"}
ONLINE_HOURS, SELL_OFF_DAYS = 24, 60


PLATE_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # a plate's serial: digits and letters but I and O
PLATE_LETTERS = 2  # at most this many letters in the 5-character serial, so at least 3 digits (沪A12345, 沪B3C5D7)


def plate_serial(rng: FastRandom) -> str:
    """The 5 characters after a car plate's 沪 + letter. A drawn letter past the second becomes a digit read from
    the same draw, so a serial takes 5 draws whatever it holds (the generator's later draws stay where they were)."""
    out, letters = [], 0
    for _ in range(5):
        u = rng.random() * len(PLATE_CHARS)
        char = PLATE_CHARS[int(u)]
        if char.isalpha():
            letters += 1
            if letters > PLATE_LETTERS:
                char = str(int((u - int(u)) * 10))
        out.append(char)
    return "".join(out)


def _steps(price: float) -> int:
    """加价幅度 by start price (invented table; the real lots show 20 yuan on a 12,264 yuan car, 5,000 on a
    10.85 M house, 100,000 on a 1.69 G building)."""
    for limit, step in ((50_000, 20), (200_000, 100), (1_000_000, 500), (5_000_000, 1000), (20_000_000, 5000),
                        (100_000_000, 10_000)):
        if price < limit:
            return step
    return 100_000


def _deposit(price: float) -> int:
    unit = 10_000 if price >= 1_000_000 else 100
    return int(math.ceil(price * 0.1 / unit) * unit)


class GpaiLot(NamedTuple):
    item_id: int
    court_code: str
    court: str
    category: str  # the at= type code
    title: str  # as the site writes it, with its 【一拍】 prefix
    address: str | None
    appraisal: float
    start_price: float
    deposit: int
    step: int
    round_no: int  # 1 一拍, 2 二拍, 3 变卖
    start_ms: int
    end_ms: int
    state: str  # upcoming / ongoing / sold / unsold / withdrawn
    bid_count: int
    current_price: float
    applicants: int
    reminders: int
    views: int
    publish_ms: int = 0  # when the sale was announced (公告日期; gpai's lot page does not show it)
    asset_key: str = ""  # every round of one asset (ground truth, never served)

    @property
    def url(self) -> str:
        return f"https://www.gpai.net/sf/item2.do?Web_Item_ID={self.item_id}"

    @property
    def status_code(self) -> int:
        return {"sold": 114, "unsold": 113, "withdrawn": 125}.get(self.state, 103)

    @property
    def mode(self) -> str:
        return "变卖" if self.round_no == 3 else "在线拍"


@dataclass(frozen=True)
class _Plan:
    item_id: int
    asset: int
    court_code: str
    court: str
    category: str
    name: str
    address: str | None
    appraisal: float
    round_no: int
    start_price: float
    publish_ms: int
    start_ms: int
    end_ms: int
    outcome: str  # sold / unsold / withdrawn
    bids: int  # at the end (sold)
    interest: int  # how many people look at it


class GpaiGenerator(NightlyGenerator):
    lot_key = "item_id"

    def __init__(self, seed: int = 7, n_lots: int = 300, base_date: date = date(2026, 11, 20)) -> None:
        super().__init__(seed, n_lots, base_date)
        self._plans = self._make_plans()

    # ----------------------------------------------------------------------------------------- plans

    def _make_plans(self) -> list[_Plan]:
        plans: list[_Plan] = []
        next_id = 30000 + self.seed % 1000 * 10
        asset = 0
        while len(plans) < self.n_lots:
            rng = FastRandom(f"gpai|{self.seed}|{asset}")
            facts = self._asset(rng)
            start = self.day0 + rng.randint(-45, 10) * DAY + 10 * HOUR
            published = start - 30 * DAY
            price = round(facts["appraisal"] * 0.7, 2)
            for round_no in (1, 2, 3):
                end = start + (SELL_OFF_DAYS * DAY if round_no == 3 else ONLINE_HOURS * HOUR)
                draw = rng.random()
                outcome = "withdrawn" if draw < 0.08 else "sold" if draw < 0.35 + 0.15 * round_no else "unsold"
                plans.append(_Plan(next_id, asset, facts["court_code"], facts["court"], facts["category"],
                                   facts["name"], facts["address"], facts["appraisal"], round_no, price, published,
                                   start, end, outcome, rng.randint(1, 40) if outcome == "sold" else 0,
                                   rng.randint(20, 600)))
                next_id += rng.randint(1, 7)
                if outcome != "unsold" or round_no == 3 or len(plans) >= self.n_lots:
                    break
                published = end + 14 * HOUR  # the next day at 00:00 (a round ends at 10:00)
                start = published + 15 * DAY + 10 * HOUR
                price = round(price * 0.8, 2) if round_no == 1 else price
            asset += 1
        return plans

    def _asset(self, rng: FastRandom) -> dict:
        court_code, court = rng.choice(COURTS)
        total = sum(w for _, w in KINDS)
        pick, category = rng.random() * total, KINDS[-1][0]
        for code, weight in KINDS:
            if pick < weight:
                category = code
                break
            pick -= weight
        district, road = rng.choice(DISTRICTS), rng.choice(ROADS)
        address = f"上海市{district}{road}{rng.randint(10, 2999)}弄{rng.randint(1, 60)}号{rng.randint(1, 30)}0{rng.randint(1, 9)}室"
        if category == "376":
            name = address = address + (f"及地下一层车位{rng.randint(1, 300)}号" if rng.random() < 0.2 else "")
            appraisal = rng.randint(80, 3000) * 10_000 + rng.choice((0, 0, 5000, 3700))
        elif category == "381":
            address = f"上海市{district}{road}以东{rng.randint(1, 9)}号地块"
            name = address = address + "国有建设用地使用权"
            appraisal = rng.randint(2000, 60000) * 10_000
        elif category == "378":
            letter = rng.choice("ABCDEFGHJKLN")
            name, address = f"沪{letter}{plate_serial(rng)}{rng.choice(BRANDS)}牌小型轿车", None
            appraisal = rng.randint(100, 4000) * 100 + rng.choice((0, 67, 99))
        elif category == "372":
            owner, held = rng.sample(COMPANIES, 2)
            name, address = f"{owner}持有{held}{rng.choice((100, 51, 30, 20, 15))}%的股权", None
            appraisal = rng.randint(50, 5000) * 10_000 + rng.randint(0, 9999)
        elif category == "377":
            name = f"存放在{address.rsplit('号', 1)[0]}号的办公桌椅等"
            address = None
            appraisal = rng.randint(50, 3000) * 100 + rng.choice((0, 65))
        else:
            name, address = f"{rng.choice(COMPANIES)}名下机器设备及存货一批", None
            appraisal = rng.randint(10, 500) * 1000
        return {"court_code": court_code, "court": court, "category": category, "name": name, "address": address,
                "appraisal": float(appraisal)}

    # ----------------------------------------------------------------------------------------- state

    def _state(self, plan: _Plan, now: int) -> GpaiLot | None:
        if now < plan.publish_ms:
            return None
        withdrawn = plan.outcome == "withdrawn" and now >= plan.start_ms - 2 * DAY
        if withdrawn:
            state, bids = "withdrawn", 0
        elif now < plan.start_ms:
            state, bids = "upcoming", 0
        elif now < plan.end_ms:
            elapsed = (now - plan.start_ms) / (plan.end_ms - plan.start_ms)
            state, bids = "ongoing", int(plan.bids * elapsed)
        else:
            state, bids = ("sold", plan.bids) if plan.outcome == "sold" else ("unsold", 0)
        step = _steps(plan.start_price)
        current = plan.start_price + max(bids - 1, 0) * step if bids else plan.start_price
        seen = max(0.0, min(1.0, (now - plan.publish_ms) / max(plan.end_ms - plan.publish_ms, 1)))
        views = int(plan.interest * (0.2 + seen)) + 3
        applicants = max(2, bids // 3 + 1) if plan.bids and now >= plan.start_ms - DAY else int(seen * 3)
        return GpaiLot(
            plan.item_id, plan.court_code, plan.court, plan.category, f"【{ROUND_NAMES[plan.round_no]}】{plan.name}",
            plan.address, plan.appraisal, plan.start_price, _deposit(plan.start_price), step, plan.round_no,
            plan.start_ms, plan.end_ms, state, bids, round(current, 2), applicants, int(views * 0.05), views,
            plan.publish_ms, f"GPAI-{self.seed}-{plan.asset:06d}",
        )


def at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, TZ)
