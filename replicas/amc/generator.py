"""Seeded generator of the four AMCs' disposal notices and of Great Wall's asset list, night by night.

One `AmcGenerator` plans, for each AMC (``gwamc`` 长城, ``citic`` 中信金融 (formerly 华融), ``cinda`` 信达, ``coamc`` 东方),
``n_notices`` notices visible on night 1 and a few more published between night 1 and night 2, and for Great Wall
``n_assets`` rows of the asset-marketing list (``GetTjieInfo``) plus a few new ones on night 2. Everything is a pure
function of ``(seed, amc)``: the plan is made once, a night only decides what is visible.

A notice is a debt package (a claim table with merged cells, units, 合计/小计 rows, foreign-currency rows, as-of
dates), a single claim told in prose, a large package whose table shows only the first households (the rest in an
attached list), a foreclosed property (抵债资产), an equity stake or an investment-promotion notice. Its table
``style`` decides the layout quirks (see `replicas.amc.notices`). Amounts are exact yuan (`Decimal`); a table in 万元
shows them rounded to 0.01 万元, and `shown` gives the yuan a reader of the page sees.

The truth a crawl is checked against: `Notice` (title, branch, dates, period, loans as shown, stated totals,
households, attachments) and `Asset` (the ``MoneyTotal`` text and what it means: an amount, a range, shares or an
unparseable text). Clock-free and deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
WAN = Decimal(10_000)
CRAWL_HOUR = 2

AMCS = ("gwamc", "citic", "cinda", "coamc")
COMPANY = {
    "gwamc": "中国长城资产管理股份有限公司",
    "citic": "中国中信金融资产管理股份有限公司",
    "cinda": "中国信达资产管理股份有限公司",
    "coamc": "中国东方资产管理股份有限公司",
}
# branch suffix → (province, cities whose firms owe the claims)
BRANCHES: dict[str, tuple[str, tuple[str, ...]]] = {
    "北京市分公司": ("北京市", ("北京",)),
    "天津市分公司": ("天津市", ("天津",)),
    "河北省分公司": ("河北省", ("石家庄", "唐山", "保定", "邯郸")),
    "山西省分公司": ("山西省", ("太原", "大同", "运城")),
    "辽宁省分公司": ("辽宁省", ("沈阳", "鞍山", "营口")),
    "上海市分公司": ("上海市", ("上海",)),
    "江苏省分公司": ("江苏省", ("南京", "苏州", "无锡", "常州", "南通")),
    "浙江省分公司": ("浙江省", ("杭州", "温州", "绍兴", "台州", "金华")),
    "安徽省分公司": ("安徽省", ("合肥", "芜湖", "蚌埠")),
    "福建省分公司": ("福建省", ("福州", "泉州", "漳州")),
    "山东省分公司": ("山东省", ("济南", "淄博", "潍坊", "临沂")),
    "河南省分公司": ("河南省", ("郑州", "洛阳", "新乡")),
    "湖北省分公司": ("湖北省", ("武汉", "宜昌", "襄阳")),
    "湖南省分公司": ("湖南省", ("长沙", "株洲", "衡阳")),
    "广东省分公司": ("广东省", ("广州", "佛山", "东莞", "中山", "江门")),
    "四川省分公司": ("四川省", ("成都", "绵阳", "德阳")),
    "重庆市分公司": ("重庆市", ("重庆",)),
    "陕西省分公司": ("陕西省", ("西安", "宝鸡", "咸阳")),
    "深圳市分公司": ("广东省", ("深圳",)),
}
_WORDS = ("华信", "恒通", "宏达", "鑫源", "金泰", "永兴", "瑞丰", "天成", "东盛", "新航", "海润", "中晟", "博远",
          "兴业", "荣昌", "汇通", "德隆", "佳禾", "盛世", "凯利", "嘉宏", "鸿运", "远洋", "富康", "明珠", "安泰")
_TRADES = ("纺织", "机械制造", "化工", "建材", "房地产开发", "商贸", "钢铁", "电子科技", "食品", "物流", "印染",
           "汽车配件", "光伏科技", "医药", "置业", "矿业")
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余杜叶程苏魏吕丁"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
_ROADS = ("人民路", "解放路", "中山路", "建设大道", "工业园路", "滨江路", "和平街", "新华路", "长江路", "东风路")
# Great Wall's asset list as a real dump of it shows it (tests/golden/real/gwamc_notice/ORIGIN.md): PName is the
# site's number of the province (CityName its short name), Trade / ProType numbers with their names — all real,
# including 制造业's CR LF. The City numbers the replica serves are invented (the site's table is unknown).
GW_PROVINCE_IDS = {"北京": 1, "天津": 2, "河北": 3, "山西": 4, "内蒙古": 5, "辽宁": 6, "吉林": 7, "黑龙江": 8, "上海": 9,
                   "江苏": 10, "浙江": 11, "安徽": 12, "福建": 13, "江西": 14, "山东": 15, "河南": 16, "湖北": 17,
                   "湖南": 18, "广东": 19, "广西": 20, "海南": 21, "重庆": 22, "四川": 23, "贵州": 24, "云南": 25,
                   "陕西": 27, "甘肃": 28, "青海": 29, "宁夏": 30, "新疆": 31}
GW_TRADES = ((5, "其他"), (3, "制造业\r\n"), (13, "批发和零售业"), (25, "房地产业"), (23, "无"), (10, "建材业"),
             (2, "医药"), (11, "农林牧渔"), (18, "纺织业"), (17, "建筑业"), (26, "租赁和商务服务业"), (21, "酒店"))
GW_TYPES = {"债权资产": 2, "股权资产": 3, "物权资产": 1, "上市公司": 5, "无": 4}
_CURRENCY_NAMES = {"CNY": "人民币", "USD": "美元", "HKD": "港元"}

# Orient (coamc) notice types: (typeKey, name, noticeCate) — sources.md §3.
COAMC_TYPES = (
    ("DEBTS_DISPOSITION", "抵债物资产处置公告", 1),
    ("CREDIT_DISPOSITION", "债权资产处置公告", 1),
    ("ASSET_DISPOSITION", "资产包处置公告", 1),
    ("STOCK_DISPOSITION", "股权资产处置公告", 1),
    ("MULTI_DISPOSITION", "多项资产处置公告", 1),
    ("INVESTMENT", "资产包招商公告", 2),
    ("MARKETING", "推介信息", 2),
)
KIND_TYPE = {
    "package": "ASSET_DISPOSITION", "large": "ASSET_DISPOSITION", "foreign": "CREDIT_DISPOSITION",
    "single": "CREDIT_DISPOSITION", "real_estate": "DEBTS_DISPOSITION", "equity": "STOCK_DISPOSITION",
    "marketing": "INVESTMENT",
}  # fmt: skip
KIND_ASSET_TYPE = {
    "package": "debt", "large": "debt", "foreign": "debt", "single": "debt", "marketing": "debt",
    "real_estate": "real_estate", "equity": "equity",
}  # fmt: skip
# Night-1 mix per AMC (30 notices) and the notices published between the nights.
NIGHT1_KINDS = (["package"] * 11 + ["large"] * 3 + ["foreign"] * 3 + ["single"] * 5 + ["real_estate"] * 3
                + ["equity"] * 2 + ["marketing"] * 3)
NIGHT2_KINDS = ("package", "single", "large", "package")
PACKAGE_STYLES = ("A", "B", "C", "E", "G", "A", "B", "C", "E", "F", "B")


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def shown(value: Decimal | None, unit: str) -> Decimal | None:
    """The yuan a reader gets from the page: exact for a table in yuan, rounded to 0.01 万元 in a 万元 table."""
    if value is None:
        return None
    if unit == "wan":
        return q(value / WAN) * WAN
    return q(value)


def fmt(value: Decimal, unit: str, *, commas: bool = True) -> str:
    """How a table writes an amount in ``unit`` (yuan, wan or none = yuan without any unit stated)."""
    number = q(value / WAN) if unit == "wan" else q(value)
    return f"{number:,.2f}" if commas else f"{number:.2f}"


def cn_date(d: date | datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_datetime(d: datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日{d.hour}时"


@dataclass(frozen=True)
class LoanRow:
    """One loan of a package's claim table, as the generator made it (amounts exact, in ``currency``)."""

    seq: int
    debtor: str
    guarantors: tuple[str, ...]
    collateral: tuple[str, ...]  # one item per line; several make continuation rows in some styles
    principal: Decimal
    interest: Decimal
    fees: Decimal | None
    currency: str = "CNY"
    as_of: date | None = None  # the row's own 基准日 (style E)
    group: str = ""  # region, for the 小计 rows of style C
    odd: str = ""  # "interest_text" (详见附件 in the interest cell), "no_debtor"

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + (self.fees or 0)


@dataclass(frozen=True)
class Attachment:
    name: str
    path: str  # absolute path on the AMC's host


@dataclass(frozen=True)
class Notice:
    amc: str
    notice_id: str
    title: str
    branch: str  # the disposal unit's full name
    province: str
    published: datetime
    kind: str
    style: str | None  # claim-table layout, None without a table
    unit: str  # how the table writes amounts: yuan, wan, none (no unit stated anywhere)
    loans: tuple[LoanRow, ...]  # rows shown in the table
    households: int | None  # 户 of the whole package (large packages show only the first ones)
    as_of: date | None
    period_kind: str  # range, auction, deadline, none
    period_start: datetime | None
    period_end: datetime | None  # the instant the period ends (a date-only end runs to 24:00)
    package_principal: Decimal | None  # the whole package as the prose states it (CNY), None if not stated
    package_interest: Decimal | None
    appraisal: Decimal | None
    debtor: str | None  # single-claim notices
    guarantors: tuple[str, ...]
    collateral: tuple[str, ...]
    attachments: tuple[Attachment, ...]
    type_key: str  # Orient's typeKey
    code: str  # Cinda's 编号
    contact: str
    phone: str
    night: int  # first night on which it is listed
    mojibake: str = ""  # Orient: "" (clean), "fields" (API title/branch double-encoded), "page" (detail page too)
    equity_shares: str = ""

    @property
    def asset_type(self) -> str:
        return KIND_ASSET_TYPE[self.kind]

    @property
    def package_total(self) -> Decimal | None:
        if self.package_principal is None:
            return None
        return self.package_principal + (self.package_interest or 0)

    def status_at(self, at: datetime) -> str | None:
        """What the notice implies at ``at``: upcoming / ongoing / ended, None when it states no dates."""
        if self.period_kind == "none":
            return None
        if self.period_start is not None and self.period_kind == "auction" and at < self.period_start:
            return "upcoming"
        if self.period_end is not None and at >= self.period_end:
            return "ended"
        return "ongoing"

    @property
    def start_at(self) -> datetime:
        """The notice's start: the stated period or auction start, else its publication."""
        if self.period_kind in ("range", "auction") and self.period_start is not None:
            return self.period_start
        return datetime.combine(self.published.date(), time(0), tzinfo=TZ)


@dataclass(frozen=True)
class Asset:
    """One row of Great Wall's asset-marketing list (``Ajax/GetTjieInfo.ashx``)."""

    asset_id: int
    name: str  # ProName
    type_code: int
    type_name: str  # ProTypeName: 债权资产 / 股权资产 / 物权资产
    province: str  # the full name (广东省); served as CityName 广东 and PName 19
    city_code: int  # City: a number of the site's own table (invented here)
    city: str  # where the debtor is (in ProName only: the list does not give the city)
    trade_code: int
    trade: str
    money_total: str  # MoneyTotal exactly as served
    meaning: str  # amount, range, shares, unparseable
    value: Decimal | None  # amount (yuan) or shares (count)
    low: Decimal | None
    high: Decimal | None
    as_of: date | None
    published: date
    night: int = 1
    principal: Decimal | None = None  # a breakdown's parts (meaning "split"), yuan
    interest: Decimal | None = None
    form: str = ""  # the MONEY_FORMS entry

    @property
    def province_short(self) -> str:
        return self.province.removesuffix("省").removesuffix("市")


# MoneyTotal forms, each with its meaning: (template, meaning). {x} = yuan amount, {w} = 万元.
MONEY_FORMS = (
    "yuan_as_of", "wan", "bare_commas", "range", "below", "above", "shares", "prefixed", "bare",
    "split", "book_value", "and_interest",
    # forms of the real asset list (tests/golden/real/gwamc_notice): a foreign-currency claim, an area, 待定, 无,
    # an empty string, a band with its unit on both ends
    "foreign", "area", "pending", "nil", "empty", "band",
)


class AmcGenerator:
    """Plans every AMC's notices (and Great Wall's assets) from ``seed``; ``notices(amc, night)`` lists a night's."""

    def __init__(self, seed: int = 7, base_date: date = date(2026, 11, 20), n_notices: int = 30,
                 n_assets: int = 130) -> None:
        self.seed, self.base_date = seed, base_date
        self.n_notices, self.n_assets = n_notices, n_assets
        self._notices: dict[str, list[Notice]] = {amc: self._plan(amc) for amc in AMCS}
        self._assets = self._plan_assets()

    # ------------------------------------------------------------------------------------------------ queries

    def night_time(self, night: int) -> datetime:
        """The crawl's server time on ``night`` (02:00 Asia/Shanghai of base_date + night - 1)."""
        return datetime.combine(self.base_date + timedelta(days=night - 1), time(CRAWL_HOUR), tzinfo=TZ)

    def notices(self, amc: str, night: int) -> list[Notice]:
        """The notices listed on ``night``, newest first (the lists' order)."""
        return [n for n in self._notices[amc] if n.night <= night]

    def notice(self, amc: str, notice_id: str, night: int) -> Notice | None:
        return next((n for n in self.notices(amc, night) if n.notice_id == notice_id), None)

    def assets(self, night: int) -> list[Asset]:
        return [a for a in self._assets if a.night <= night]

    # ------------------------------------------------------------------------------------------------ planning

    def _rng(self, *parts: object) -> random.Random:
        return random.Random("|".join(map(str, (self.seed, *parts))))

    def _company(self, rng: random.Random, city: str) -> str:
        return f"{city}{rng.choice(_WORDS)}{rng.choice(_TRADES)}有限公司"

    def _person(self, rng: random.Random) -> str:
        return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))

    def _amount(self, rng: random.Random, low: float = 3e5, high: float = 6e7) -> Decimal:
        x = low * (high / low) ** rng.random()
        return q(Decimal(int(x * 100)) / 100)

    def _collateral(self, rng: random.Random, city: str, district_n: int) -> str:
        kind = rng.random()
        if kind < 0.5:
            area = Decimal(rng.randint(8000, 450000)) / 100
            return f"位于{city}市{rng.choice(_ROADS)}{rng.randint(1, 999)}号的房产（建筑面积{area}平方米）"
        if kind < 0.8:
            area = rng.randint(2000, 90000)
            return f"{city}市{rng.choice(('开发区', '高新区', '经济技术开发区'))}工业用地土地使用权（{area}平方米）"
        return f"机器设备{district_n}台（套）"

    def _plan(self, amc: str) -> list[Notice]:
        rng = self._rng("notices", amc)
        kinds = list(NIGHT1_KINDS)[: self.n_notices] if self.n_notices <= len(NIGHT1_KINDS) else (
            list(NIGHT1_KINDS) + ["package"] * (self.n_notices - len(NIGHT1_KINDS)))
        rng.shuffle(kinds)
        branches = list(BRANCHES)
        first_day = self.base_date - timedelta(days=80)
        days = sorted(rng.randint(0, 79) for _ in kinds)  # night-1 notices: 80 days before base_date
        plans: list[tuple[int, str, date]] = [(1, kind, first_day + timedelta(days=d)) for kind, d in zip(kinds, days)]
        plans += [(2, kind, self.base_date) for kind in NIGHT2_KINDS]  # published after night 1's crawl
        notices: list[Notice] = []
        style_i = rng.randrange(len(PACKAGE_STYLES))
        period_plan = self._period_plan(rng, len(plans))
        for i, ((night, kind, day), period) in enumerate(zip(plans, period_plan)):
            style = None
            if kind == "package":
                style = PACKAGE_STYLES[style_i % len(PACKAGE_STYLES)]
                style_i += 1
            elif kind == "large":
                style = rng.choice(("A", "B"))
            elif kind == "foreign":
                style = "D"
            notices.append(self._notice(amc, i, night, kind, style, day, period, rng.choice(branches)))
        return sorted(notices, key=lambda n: (n.published, n.notice_id), reverse=True)

    def _period_plan(self, rng: random.Random, n: int) -> list[tuple[str, int]]:
        """(period kind, end offset in days from base_date) for each notice; a few end or start between the nights."""
        out = []
        for i in range(n):
            r = rng.random()
            kind = "range" if r < 0.4 else "auction" if r < 0.6 else "deadline" if r < 0.8 else "none"
            out.append((kind, rng.choice((-20, -3, 0, 6, 12, 25, 40))))
        # guaranteed changes between night 1 and night 2
        out[0] = ("range", 0)  # ends on base_date (24:00 falls between the nights): ongoing → ended
        out[1] = ("auction", 0)  # an auction starting on base_date at 10:00: upcoming → ongoing
        out[2] = ("deadline", -40)  # long over
        out[3] = ("none", 0)
        return out

    def _period(self, kind: str, end_offset: int, published: date,
                rng: random.Random) -> tuple[datetime | None, datetime | None]:
        base = self.base_date
        if kind == "none":
            return None, None
        if kind == "auction":
            start_day = base + timedelta(days=end_offset)
            start = datetime.combine(max(start_day, published + timedelta(days=5)), time(10), tzinfo=TZ)
            return start, start + timedelta(days=1)
        end_day = max(base + timedelta(days=end_offset), published + timedelta(days=10))
        end = datetime.combine(end_day + timedelta(days=1), time(0), tzinfo=TZ)  # "至…日" runs to 24:00
        start = datetime.combine(published, time(0), tzinfo=TZ)
        return start, end

    def _notice(self, amc: str, i: int, night: int, kind: str, style: str | None, day: date,
                period: tuple[str, int], branch_suffix: str) -> Notice:
        rng = self._rng("notice", amc, i)
        province, cities = BRANCHES[branch_suffix]
        branch = COMPANY[amc] + branch_suffix
        published = datetime.combine(day, time(rng.randint(8, 18), rng.randint(0, 59), rng.randint(0, 59)),
                                     tzinfo=TZ)
        as_of = date(day.year, day.month, 1) - timedelta(days=1) - timedelta(days=rng.choice((0, 31, 92)))
        as_of = date(as_of.year, as_of.month, 1) - timedelta(days=1) if rng.random() < 0.5 else as_of
        unit = "wan" if style in ("B", "C") else "none" if style == "F" else "yuan"
        if style == "A" and rng.random() < 0.4:
            unit = "wan"
        loans: tuple[LoanRow, ...] = ()
        households = None
        package_p = package_i = None
        debtor, guarantors, collateral = None, (), ()
        appraisal = None
        shares = ""
        city = rng.choice(cities)
        if kind in ("package", "large", "foreign"):
            n_rows = rng.randint(4, 9) if kind != "large" else rng.randint(6, 10)
            loans = self._loans(rng, cities, n_rows, style or "A", as_of)
            debtors = len({loan.debtor for loan in loans})
            if kind == "large":
                households = debtors + rng.randint(20, 80)
                rest_p = self._amount(rng, 5e6, 4e8)
                package_p = sum((x.principal for x in loans), Decimal(0)) + rest_p
                package_i = sum((x.interest for x in loans), Decimal(0)) + q(rest_p * Decimal("0.31"))
            else:
                households = debtors
                cny = [x for x in loans if x.currency == "CNY"]
                if kind == "package" and rng.random() < 0.5 and cny:
                    package_p = sum((x.principal for x in cny), Decimal(0))
                    package_i = sum((x.interest for x in cny), Decimal(0))
            first = loans[0].debtor if loans[0].debtor else loans[1].debtor
            title = f"{branch}关于{first}等{households}户债权资产包的处置公告"
            if kind == "foreign":
                title = f"{branch}关于{first}等{households}户外币债权资产的处置公告"
        elif kind == "single":
            debtor = self._company(rng, city)
            guarantors = tuple(self._person(rng) if rng.random() < 0.5 else self._company(rng, city)
                               for _ in range(rng.randint(1, 3)))
            collateral = tuple(self._collateral(rng, city, k + 1) for k in range(rng.randint(1, 2)))
            package_p = self._amount(rng)
            package_i = q(package_p * Decimal(rng.randint(5, 80)) / 100)
            households = 1
            title = f"{branch}关于{debtor}债权的处置公告"
        elif kind == "real_estate":
            area = Decimal(rng.randint(8000, 950000)) / 100
            collateral = (f"位于{city}市{rng.choice(_ROADS)}{rng.randint(1, 999)}号的商业房产（建筑面积{area}平方米）",)
            appraisal = self._amount(rng, 1e6, 8e7)
            title = f"{branch}关于{city}市{rng.choice(_ROADS)}房产等抵债资产的处置公告"
        elif kind == "equity":
            company = self._company(rng, city)
            shares = f"{rng.randint(5, 95)}%"
            title = f"{branch}关于所持{company}{shares}股权的转让公告"
        else:  # marketing
            households = rng.randint(8, 120)
            package_p = self._amount(rng, 2e7, 9e8)
            package_i = q(package_p * Decimal(rng.randint(10, 60)) / 100)
            title = f"{branch}{province}地区{households}户不良债权资产包招商公告"
        p_kind, end_offset = period
        start, end = self._period(p_kind, end_offset, day, rng)
        attachments = self._attachments(amc, rng, kind, i, day)
        seq_no = 1000 + i
        notice_id = {
            "gwamc": str(26000 + i * 7 + rng.randint(0, 6)),
            "citic": str(96000 + i * 11 + rng.randint(0, 10)),
            "cinda": str(8400 + i * 3 + rng.randint(0, 2)),
            "coamc": f"{rng.getrandbits(128):032x}",
        }[amc]
        mojibake = ""
        if amc == "coamc":
            mojibake = ("", "", "fields", "page")[i % 4]
        return Notice(
            amc=amc, notice_id=notice_id, title=title, branch=branch, province=province, published=published,
            kind=kind, style=style, unit=unit, loans=loans, households=households,
            as_of=as_of if kind in ("package", "large", "foreign", "single", "marketing") else None,
            period_kind=p_kind, period_start=start, period_end=end,
            package_principal=package_p, package_interest=package_i, appraisal=appraisal,
            debtor=debtor, guarantors=guarantors, collateral=collateral, attachments=attachments,
            type_key=KIND_TYPE[kind] if not (kind == "package" and i % 5 == 0) else "MULTI_DISPOSITION",
            code=f"XDZC-{day.year}-{seq_no:05d}", contact=f"{rng.choice(_SURNAMES)}先生",
            phone=f"0{rng.randint(10, 999)}-{rng.randint(10000000, 89999999)}", night=night, mojibake=mojibake,
            equity_shares=shares,
        )

    def _loans(self, rng: random.Random, cities: tuple[str, ...], n: int, style: str,
               as_of: date) -> tuple[LoanRow, ...]:
        rows: list[LoanRow] = []
        groups = rng.sample(cities, min(len(cities), 2)) if style == "C" else [""]
        seq = 0
        while len(rows) < n:
            city = rng.choice(cities)
            debtor = self._company(rng, city)
            # styles B and E give some debtors two loans (B: the debtor cell spans both rows)
            n_loans = 2 if style in ("B", "E") and rng.random() < 0.3 and len(rows) < n - 1 else 1
            for _ in range(n_loans):
                seq += 1
                currency = "CNY"
                if style == "D":
                    currency = ("CNY", "USD", "HKD")[seq % 3]
                principal = self._amount(rng, 1e5 if currency != "CNY" else 3e5, 8e6 if currency != "CNY" else 6e7)
                interest = q(principal * Decimal(rng.randint(3, 90)) / 100)
                fees = q(Decimal(rng.randint(0, 2_000_000)) / 100) if style in ("C", "E") else None
                n_coll = 2 if style in ("B", "G") and rng.random() < 0.35 else 1
                collateral = tuple(self._collateral(rng, city, k + 1) for k in range(n_coll))
                guarantors = tuple(self._person(rng) if rng.random() < 0.6 else self._company(rng, city)
                                   for _ in range(rng.randint(0, 3)))
                row_as_of = None
                if style == "E":
                    row_as_of = as_of - timedelta(days=rng.choice((0, 0, 31, 61)))
                rows.append(LoanRow(seq=seq, debtor=debtor, guarantors=guarantors, collateral=collateral,
                                    principal=principal, interest=interest, fees=fees, currency=currency,
                                    as_of=row_as_of, group=groups[len(rows) * len(groups) // n]))
        rows = rows[:n]
        if style == "G":  # odd rows: an interest cell that refers to the attachment, a row without a debtor
            rows[1] = LoanRow(**{**rows[1].__dict__, "odd": "interest_text"})
            rows[-1] = LoanRow(**{**rows[-1].__dict__, "odd": "no_debtor"})
        return tuple(rows)

    def _attachments(self, amc: str, rng: random.Random, kind: str, i: int, day: date) -> tuple[Attachment, ...]:
        folder = {"gwamc": "/UpLoadFile/Article", "citic": "/ywjs/ywdt/zcczxx/fj", "cinda": "/upload/bulletin",
                  "coamc": "/coamc/upload/notice"}[amc]
        stamp = f"{day:%Y%m%d}{rng.randint(100000, 999999)}"
        out = []
        if kind in ("large", "marketing") or rng.random() < 0.45:
            out.append(Attachment("债权清单.xlsx" if kind != "package" else "资产包明细.xls",
                                  f"{folder}/{day:%Y%m}/{stamp}.{'xlsx' if kind != 'package' else 'xls'}"))
        if kind != "single" and rng.random() < 0.6 or amc == "cinda":
            out.append(Attachment("处置公告.pdf", f"{folder}/{day:%Y%m}/{stamp}1.pdf"))
        return tuple(out)

    # ------------------------------------------------------------------------------------------------ assets

    def _plan_assets(self) -> list[Asset]:
        rng = self._rng("assets")
        out = []
        total = self.n_assets + 5
        for i in range(total):
            night = 1 if i < self.n_assets else 2
            form = MONEY_FORMS[i % len(MONEY_FORMS)]
            branch = rng.choice(list(BRANCHES))
            province, cities = BRANCHES[branch]
            city = rng.choice(cities)
            published = (self.base_date - timedelta(days=rng.randint(1, 300))) if night == 1 else self.base_date
            if form == "shares":
                type_name = "股权资产"
            elif (i % 7 == 3 and form not in ("split", "foreign")) or form == "area":
                type_name = "物权资产"
            else:
                type_name = "债权资产"
            type_code = GW_TYPES[type_name]
            principal = interest = None
            amount = self._amount(rng, 1e6, 3e9)
            value = low = high = None
            as_of = None
            meaning = "amount"
            if form == "yuan_as_of":
                as_of = published - timedelta(days=rng.randint(30, 900))
                text = f"{amount:,.2f}元（截止{cn_date(as_of)}）"
                value = amount
            elif form == "wan":
                text = f"{q(amount / WAN)}万元"
                value = q(amount / WAN) * WAN
            elif form == "bare_commas":  # the real 515,296,623.88: yuan, 万元 making it no claim (over 10^11 yuan);
                if amount <= 10**7:  # the real 87,729.45: grouped below 1,000,000, yuan and 万元 both possible for
                    amount = q(amount / 100)  # one debtor or many, and it is not read
                text = f"{amount:,.2f}"
                meaning, value = ("amount", amount) if amount * WAN > 10**11 else ("unparseable", None)
            elif form == "range":
                a = rng.choice((50, 100, 200, 500))
                text, meaning, low, high = f"{a}-{a * 3}万元", "range", Decimal(a) * WAN, Decimal(a * 3) * WAN
            elif form == "below":
                a = rng.choice((300, 500, 1000))
                text, meaning, high = f"{a}万元以下", "range", Decimal(a) * WAN
            elif form == "above":
                a = rng.choice((1, 2, 5))
                text, meaning, low = f"{a}亿以上", "range", Decimal(a) * 100_000_000
            elif form == "shares":
                n = rng.randint(200, 99999)
                text = f"{n}万股（占总股本的{rng.randint(1, 30)}.{rng.randint(0, 9)}%）"
                meaning, value = "shares", Decimal(n) * WAN
            elif form == "prefixed":
                text = f"债权总额：{q(amount / WAN):,}万元"
                value = q(amount / WAN) * WAN
            elif form == "split":  # the real 2017 form: 债权本金421.79万元，债权利息21.20万元，基准日2017-09-30
                as_of = published - timedelta(days=rng.randint(30, 400))
                principal = q(amount / WAN) * WAN
                interest = q(amount * Decimal(rng.randint(2, 30)) / 100 / WAN) * WAN
                text = f"债权本金{principal / WAN:.2f}万元，债权利息{interest / WAN:.2f}万元，基准日{as_of:%Y-%m-%d}"
                meaning = "split"
            elif form == "book_value":  # the real 抵债资产账面值：702,000.00元: a book value, not a claim
                text = f"抵债资产账面值：{amount:,.2f}元"
                value = amount
            elif form == "and_interest":  # the real 本金1887万元及相应利息: the principal, interest not stated
                principal = Decimal(rng.randint(200, 20000)) * WAN
                text, meaning = f"本金{principal / WAN:.0f}万元及相应利息", "split"
            elif form == "foreign":  # the real 债权总额：305.15万美元（利息截至日期2016年4月20日）: not a CNY claim
                as_of = published - timedelta(days=rng.randint(30, 900))
                wan = q(amount / WAN / 7)
                text = f"债权总额：{wan}万美元（利息截至日期{cn_date(as_of)}）"
                value = wan * WAN
            elif form == "area":  # the real 房产面积：32703.28平方米 (an area where money is expected)
                text, meaning = f"房产面积：{q(amount / 1000)}平方米", "unparseable"
            elif form == "pending":  # the real 待定
                text, meaning = "待定", "unparseable"
            elif form == "nil":  # the real 无
                text, meaning = "无", "none"
            elif form == "empty":  # the real empty MoneyTotal (ID 13546): nothing to read, nothing kept
                text, meaning = "", "none"
            elif form == "band":  # the 2006–2013 bands with a unit on both ends: 1000万元-5000万元, 5000万元-1亿
                a = rng.choice((500, 1000, 5000))
                high = Decimal(10**8) if a == 5000 else Decimal(a * 5) * WAN
                text = f"{a}万元-1亿" if a == 5000 else f"{a}万元-{a * 5}万元"
                meaning, low = "range", Decimal(a) * WAN
            else:  # bare: the real 2009.82 / 1184 of the 吉林 branch, 万元 (as yuan no claim: under 10,000)
                n = rng.randint(100, 9999)
                text, meaning, value = str(n), "amount", Decimal(n) * WAN
            owner = self._company(rng, city)
            if type_name == "股权资产":
                name = f"{owner}股权"
            elif type_name == "物权资产" and i % 14 == 3:
                # the real rows whose type contradicts the title (物权资产 titled …等14户债权资产营销公告)
                name = f"{owner}等{rng.randint(2, 30)}户债权资产营销公告"
            elif type_name == "物权资产":
                name = f"{city}市{rng.choice(_ROADS)}{rng.randint(1, 999)}号房产"
            else:
                name = f"{owner}债权"
            trade_code, trade = GW_TRADES[rng.randrange(len(GW_TRADES))]
            out.append(Asset(
                asset_id=31000 + i * 3 + rng.randint(0, 2), name=name, type_code=type_code, type_name=type_name,
                province=province, city_code=rng.randint(33, 420), city=city + "市",
                trade_code=trade_code, trade=trade, money_total=text, meaning=meaning, value=value,
                low=low, high=high, as_of=as_of, published=published, night=night,
                principal=principal, interest=interest, form=form,
            ))
        return sorted(out, key=lambda a: (a.published, a.asset_id), reverse=True)


@dataclass
class LoanTruth:
    """What a correct parser reads from a notice's table, in yuan as shown (see `expected_loans`)."""

    seq: int | None
    debtor: str | None
    principal: Decimal | None
    interest: Decimal | None
    fees: Decimal | None
    total: Decimal | None
    currency: str
    claim_as_of: date | None
    collateral_items: int = 1
    extra: dict = field(default_factory=dict)


def expected_loans(notice: Notice) -> list[LoanTruth]:
    """The loans a reader of the notice's table sees (amounts as the page shows them; none when no unit is stated)."""
    out = []
    for row in notice.loans:
        unit = notice.unit
        known = unit != "none"
        out.append(LoanTruth(
            seq=row.seq,
            debtor=None if row.odd == "no_debtor" else row.debtor,
            principal=shown(row.principal, unit) if known else None,
            interest=shown(row.interest, unit) if known and row.odd != "interest_text" else None,
            fees=shown(row.fees, unit) if known and row.fees is not None else None,
            total=shown(row.total, unit) if known else None,
            currency=row.currency,
            claim_as_of=row.as_of or notice.as_of,
            collateral_items=len(row.collateral),
        ))
    return out


def stated_totals(notice: Notice) -> dict[str, dict[str, Decimal]]:
    """The table's 合计 rows by currency: {"CNY": {"principal": …, "interest": …, "total": …}} as shown."""
    out: dict[str, dict[str, Decimal]] = {}
    if not notice.loans or notice.unit == "none":
        return out
    for currency in dict.fromkeys(row.currency for row in notice.loans):
        rows = [r for r in notice.loans if r.currency == currency]
        sums = {
            "principal": sum((r.principal for r in rows), Decimal(0)),
            "interest": sum((r.interest for r in rows), Decimal(0)),
            "total": sum((r.total for r in rows), Decimal(0)),
        }
        if any(r.fees is not None for r in rows):
            sums["fees"] = sum((r.fees or Decimal(0) for r in rows), Decimal(0))
        out[currency] = {k: shown(v, notice.unit) for k, v in sums.items()}
    return out
