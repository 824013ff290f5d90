"""Seeded generator of CBEX (北京产权交易所) debt listings, night by night.

Three list series, as the real list API is queried (shared/sources.md §4): ``businessType=ZQ`` 债权资产 with
``disclosureType=G3`` (正式披露, formal listing) and ``PG3`` (预披露, pre-disclosure), and ``businessType=TJ``
``disclosureType=TJ3`` ``assetType=tj_jrzq`` (金融资产推介: claims an AMC or bank promotes without a set price).

Who sells: mostly the four AMCs' branches, also banks and enterprises. Some AMC listings are debt packages the AMC
replica also announces (`replicas.amc`): the same debtors, the same principal (CBEX shows it in 万元 to two
decimals, so within 0.5%), the same 基准日 — the cross-platform pairs of the linkage rule ``debt_package``
(`warehouse.linkage`). A few listings are *near misses* of AMC packages: the same debtors but another claim (a
different principal), or the same principal and date but one debtor another firm. `Listing.mirrors` and
`Listing.near_miss` carry that truth; it is never served.

Everything is a pure function of ``(seed, the AMC generator's plan)``; clock-free.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from replicas.amc.generator import BRANCHES, TZ, AmcGenerator, Notice, q

WAN = Decimal(10_000)
CRAWL_HOUR = 2
N_MIRRORS = 16  # AMC packages CBEX lists too
N_SINGLE = 5  # of which single claims (one debtor)
N_NEAR = 6  # listings that look like an AMC package and are not it
N_OTHER = 26  # bank, enterprise and other AMC listings with no AMC notice
N_TJ = 8  # 金融资产推介 (TJ3)
BANKS = ("中国工商银行股份有限公司北京分行", "北京银行股份有限公司", "中国民生银行股份有限公司北京分行",
         "华夏银行股份有限公司北京分行", "北京农村商业银行股份有限公司")
ENTERPRISES = ("北京首都开发控股（集团）有限公司", "北京国有资本运营管理有限公司", "北京市华远集团有限公司")
_WORDS = ("京诚", "远航", "泰和", "瑞通", "金鼎", "华瑞", "弘业", "正元", "信和", "鼎盛", "安平", "德润")
_TRADES = ("商贸", "建设工程", "科技", "置业", "物流", "文化传媒", "机械", "能源")
SWAP = {"纺织": "化工", "化工": "纺织", "机械制造": "建材", "建材": "机械制造", "房地产开发": "置业", "置业": "房地产开发",
        "商贸": "物流", "物流": "商贸", "钢铁": "矿业", "矿业": "钢铁", "电子科技": "光伏科技", "光伏科技": "电子科技",
        "食品": "医药", "医药": "食品", "印染": "纺织", "汽车配件": "机械制造"}


def wan(value: Decimal) -> Decimal:
    """Yuan as CBEX shows them: 万元 to two decimals."""
    return (value / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Claim:
    """One row of a listing's 债权明细 table (exact yuan)."""

    debtor: str
    principal: Decimal
    interest: Decimal

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest


@dataclass(frozen=True)
class Listing:
    code: str  # 项目编号, the lot id (G3…BJ…; TJ…BJ… invented for 推介)
    uuid: str  # the API row's id (a UUID on the real site)
    name: str
    business: str  # ZQ / TJ
    disclosure: str  # G3 / PG3 / TJ3
    transferor: str  # 转让方名称
    province: str  # 所在地区
    claims: tuple[Claim, ...]
    as_of: date
    price: Decimal | None  # 转让底价 in yuan (None: 面议)
    published: date  # disclosuretime
    end: date  # 信息披露截止日期
    guarantors: tuple[str, ...] = ()
    collateral: tuple[str, ...] = ()
    night: int = 1
    sold_on_night: int | None = None  # 已成交 from this night on
    mirrors: tuple[str, str] | None = None  # (amc, notice_id) of the AMC notice of the same package
    near_miss: tuple[str, str, str] | None = None  # (amc, notice_id, how) of the package it resembles

    @property
    def principal(self) -> Decimal:
        return sum((c.principal for c in self.claims), Decimal(0))

    @property
    def interest(self) -> Decimal:
        return sum((c.interest for c in self.claims), Decimal(0))

    @property
    def debtors(self) -> list[str]:
        return list(dict.fromkeys(c.debtor for c in self.claims))

    def status(self, night: int) -> str:
        """项目状态 on ``night``: 预披露 → 正式披露 (a PG3 listing becomes formal on night 2), 已成交."""
        if self.sold_on_night is not None and night >= self.sold_on_night:
            return "已成交"
        if self.disclosure == "PG3" and night < 2:
            return "预披露"
        return "正式披露"

    def series(self, night: int) -> str:
        """The list series (disclosureType) the listing is in on ``night``."""
        if self.disclosure == "PG3" and night >= 2:
            return "G3"
        return self.disclosure


def _usable(notice: Notice) -> bool:
    """An AMC package the replica mirrors: CNY only, amounts stated with a unit, one 基准日, debtors all named."""
    if notice.kind == "single":
        return notice.as_of is not None and notice.package_principal is not None
    return (notice.kind == "package" and notice.style in ("A", "B", "C") and notice.unit != "none"
            and all(r.currency == "CNY" and r.debtor and not r.odd for r in notice.loans) and notice.as_of is not None)


def notice_claims(notice: Notice) -> tuple[Claim, ...]:
    """The package's claims per debtor (a debtor with two loans is one claim on CBEX)."""
    if notice.kind == "single":
        return (Claim(notice.debtor, notice.package_principal, notice.package_interest or Decimal(0)),)
    by: dict[str, list[Decimal]] = {}
    for row in notice.loans:
        p, i = by.setdefault(row.debtor, [Decimal(0), Decimal(0)])
        by[row.debtor] = [p + row.principal, i + row.interest]
    return tuple(Claim(d, p, i) for d, (p, i) in by.items())


class CbexGenerator:
    def __init__(self, seed: int = 7, base_date: date = date(2026, 11, 20), amc: AmcGenerator | None = None) -> None:
        self.seed, self.base_date = seed, base_date
        self.amc = amc or AmcGenerator(seed=seed, base_date=base_date)
        self._listings = self._plan()

    def night_time(self, night: int) -> datetime:
        return datetime.combine(self.base_date + timedelta(days=night - 1), time(CRAWL_HOUR), tzinfo=TZ)

    def listings(self, night: int) -> list[Listing]:
        """Visible on ``night``, newest disclosure first (the API's sortDirection=1 on disclosuretime)."""
        return [x for x in self._listings if x.night <= night]

    def listing(self, code: str, night: int) -> Listing | None:
        return next((x for x in self.listings(night) if x.code == code), None)

    # ------------------------------------------------------------------------------------------------ planning

    def _plan(self) -> list[Listing]:
        rng = random.Random(f"{self.seed}|cbex")
        pool = [(amc, n) for amc in ("gwamc", "citic", "cinda", "coamc") for n in self.amc.notices(amc, 1)
                if _usable(n)]
        rng.shuffle(pool)
        # mostly packages (no single debtor: only the debtors' set tells them), some single claims
        packages = [x for x in pool if x[1].kind == "package"]
        singles = [x for x in pool if x[1].kind == "single"]
        mirrors = packages[:N_MIRRORS - N_SINGLE] + singles[:N_SINGLE]
        near = packages[N_MIRRORS - N_SINGLE:N_MIRRORS - N_SINGLE + N_NEAR - 2] + singles[N_SINGLE:N_SINGLE + 2]
        out: list[Listing] = []
        serial = iter(range(1, 10_000))

        def code(prefix: str, day: date) -> str:
            return f"{prefix}{day.year}BJ{1000000 + next(serial) * 37 % 900000:07d}"

        for k, (amc, notice) in enumerate(mirrors):
            day = max(notice.published.date() + timedelta(days=rng.randint(3, 20)), self.base_date - timedelta(60))
            day = min(day, self.base_date - timedelta(days=1))
            claims = notice_claims(notice)
            if k % 4 == 1:  # the listing spells a debtor 有限责任公司 where the notice wrote 有限公司
                first = claims[0]
                claims = (Claim(first.debtor.replace("有限公司", "有限责任公司"), first.principal, first.interest),
                          *claims[1:])
            if k % 3 == 2:  # another order of the debtors
                claims = tuple(reversed(claims))
            out.append(self._listing(rng, code("G3", day), notice.branch, notice.province, claims, notice.as_of,
                                     day, k, mirrors=(amc, notice.notice_id), disclosure="G3"))
        for k, (amc, notice) in enumerate(near):
            day = min(notice.published.date() + timedelta(days=rng.randint(3, 20)), self.base_date - timedelta(1))
            claims = notice_claims(notice)
            how = ("another_claim", "one_debtor_differs", "part_of_package")[k % 3]
            if how == "another_claim":  # the same debtors, another claim on them: 12–40 % less principal
                factor = Decimal(rng.randint(60, 88)) / 100
                claims = tuple(Claim(c.debtor, q(c.principal * factor), q(c.interest * factor)) for c in claims)
            elif how == "one_debtor_differs":  # same sum and date, one debtor another firm (its trade swapped)
                c = claims[-1]
                trade = next((t for t in SWAP if t in c.debtor), None)
                other = c.debtor.replace(trade, SWAP[trade]) if trade else "北京" + c.debtor
                claims = (*claims[:-1], Claim(other, c.principal, q(c.interest * Decimal("1.07"))))
            else:  # part of the package: some of its debtors only
                claims = claims[: max(1, len(claims) // 2)] if len(claims) > 1 else (
                    Claim(claims[0].debtor, q(claims[0].principal / 2), q(claims[0].interest / 2)),)
            out.append(self._listing(rng, code("G3", day), notice.branch, notice.province, claims, notice.as_of,
                                     day, 100 + k, near_miss=(amc, notice.notice_id, how), disclosure="G3"))
        sellers = [*BANKS, *ENTERPRISES, *(f"中国长城资产管理股份有限公司{b}" for b in ("北京市分公司", "天津市分公司"))]
        for k in range(N_OTHER + 4):
            night = 2 if k >= N_OTHER else 1
            day = self.base_date - timedelta(days=rng.randint(1, 70)) if night == 1 else self.base_date
            seller = rng.choice(sellers)
            province, cities = BRANCHES[rng.choice(list(BRANCHES))]
            claims = tuple(self._claim(rng, rng.choice(cities)) for _ in range(rng.choice((1, 1, 2, 3, 5))))
            as_of = date(day.year, day.month, 1) - timedelta(days=1 + rng.choice((0, 31, 92)))
            disclosure = "PG3" if k % 5 == 4 else "G3"
            out.append(self._listing(rng, code("G3", day), seller, province, claims, as_of, day, 200 + k,
                                     disclosure=disclosure, night=night))
        for k in range(N_TJ):
            day = self.base_date - timedelta(days=rng.randint(1, 90))
            amc_branch = rng.choice([f"{c}{b}" for c in ("中国信达资产管理股份有限公司", "中国东方资产管理股份有限公司")
                                     for b in ("北京市分公司", "河北省分公司")])
            province, cities = BRANCHES[rng.choice(list(BRANCHES))]
            claims = tuple(self._claim(rng, rng.choice(cities)) for _ in range(rng.randint(3, 12)))
            as_of = date(day.year, day.month, 1) - timedelta(days=1)
            out.append(self._listing(rng, code("TJ", day), amc_branch, province, claims, as_of, day, 300 + k,
                                     disclosure="TJ3", business="TJ", priced=False))
        return sorted(out, key=lambda x: (x.published, x.code), reverse=True)

    def _claim(self, rng: random.Random, city: str) -> Claim:
        principal = q(Decimal(int(3e5 * (2e3 ** rng.random()) * 100)) / 100)
        return Claim(f"{city}{rng.choice(_WORDS)}{rng.choice(_TRADES)}有限公司", principal,
                     q(principal * Decimal(rng.randint(4, 70)) / 100))

    def _listing(self, rng: random.Random, code: str, seller: str, province: str, claims: tuple[Claim, ...],
                 as_of: date, day: date, k: int, *, disclosure: str, business: str = "ZQ", night: int = 1,
                 priced: bool = True, mirrors=None, near_miss=None) -> Listing:
        debtors = list(dict.fromkeys(c.debtor for c in claims))
        lead = debtors[0]
        if business == "TJ":
            name = f"{seller}{province}地区{len(debtors)}户金融不良债权资产推介"
        elif len(debtors) == 1:
            name = f"{lead}债权"
        else:
            name = f"{lead}等{len(debtors)}户债权资产包"
        total = sum((c.total for c in claims), Decimal(0))
        price = None
        if priced:
            price = wan(total * Decimal(rng.randint(18, 65)) / 100) * WAN
        guarantors = tuple(f"{rng.choice(_WORDS)}{rng.choice(('投资', '控股', '实业'))}有限公司"
                           for _ in range(rng.randint(0, 2)))
        collateral = tuple(f"{rng.choice(('房产', '土地使用权', '机器设备'))}（{rng.randint(1, 9)}处）"
                           for _ in range(rng.randint(0, 2)))
        sold = 2 if (business == "ZQ" and night == 1 and k % 9 == 5) else None
        return Listing(code=code, uuid=f"{random.Random(code).getrandbits(128):032x}", name=name, business=business,
                       disclosure=disclosure, transferor=seller, province=province, claims=claims, as_of=as_of,
                       price=price, published=day, end=day + timedelta(days=rng.choice((20, 25, 30))),
                       guarantors=guarantors, collateral=collateral, night=night, sold_on_night=sold,
                       mirrors=mirrors, near_miss=near_miss)
