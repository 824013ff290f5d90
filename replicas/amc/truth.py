"""What a correct crawl of the AMC replicas must find: each notice and asset as `Lot` field values.

Amounts are what the pages show (a table or a sentence in 万元 shows 0.01 万元), so the expectation is computed with
the same formatting the pages use. ``None`` means the page states nothing a reader could take without guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from replicas.amc.generator import TZ, WAN, Asset, Notice, expected_loans, shown, stated_totals
from replicas.amc.notices import prose_unit, summary_amount
from replicas.amc.sites import CINDA_DETAIL, CiticSite, coamc_url

HOSTS = {"gwamc": "https://www.gwamcc.com", "citic": "https://www.famc.citic", "cinda": "https://www.cinda.com.cn",
         "coamc": "https://sales.coamc.com.cn"}
SOURCES = {"gwamc": "gwamc_notice", "citic": "citic_amc_notice", "cinda": "cinda_notice", "coamc": "coamc_notice"}
STATUS = {"upcoming": "upcoming", "ongoing": "ongoing", "ended": "ended", None: None}


@dataclass
class Expected:
    source: str
    source_lot_id: str
    url: str
    fields: dict = field(default_factory=dict)  # Lot field → value
    loans: list = field(default_factory=list)  # LoanTruth
    totals: dict = field(default_factory=dict)  # currency → {field: stated yuan} of the table's 合计 rows
    households: int | None = None
    attachments: list[tuple[str, str]] = field(default_factory=list)


def notice_url(notice: Notice) -> str:
    host = HOSTS[notice.amc]
    if notice.amc == "gwamc":
        return f"{host}/HiringDetail.aspx?ID={notice.notice_id}"
    if notice.amc == "citic":
        return host + CiticSite.url(notice)
    if notice.amc == "cinda":
        return f"{host}{CINDA_DETAIL}?bulletintno={notice.notice_id}"
    return host + coamc_url(notice)


def expected_notice(notice: Notice, at: datetime) -> Expected:
    """The lot a crawl at ``at`` must produce for ``notice``."""
    f: dict = {
        "title": notice.title,
        "asset_type": notice.asset_type,
        "seller_type": "amc",
        "disposal_unit": notice.branch,
        "status": STATUS[notice.status_at(at)],
        "start_at": notice.start_at,
        "end_at": notice.period_end,
        "principal": None,
        "interest": None,
        "total_claim": None,
        "appraisal_price": None,
        "claim_as_of": None,
        "debtor": notice.debtor,
    }
    unit = prose_unit(notice)
    if notice.package_principal is not None:
        f["principal"] = shown(notice.package_principal, unit)
        f["interest"] = shown(notice.package_interest, unit)
        f["total_claim"] = shown(notice.package_total, unit)
    elif all(loan.currency == "CNY" for loan in notice.loans):  # a mixed package has no yuan total
        cny = stated_totals(notice).get("CNY")
        if cny:
            f["principal"], f["interest"], f["total_claim"] = cny["principal"], cny["interest"], cny["total"]
    if notice.amc == "cinda" and f["total_claim"] is None and notice.asset_type == "debt":
        amount = summary_amount(notice)
        f["total_claim"] = None if amount is None else amount * WAN
    if notice.appraisal is not None:
        f["appraisal_price"] = shown(notice.appraisal, "wan")
    if notice.as_of and (notice.loans or f["principal"] is not None or f["total_claim"] is not None):
        f["claim_as_of"] = notice.as_of
    households = None
    if notice.kind in ("package", "large", "foreign", "marketing"):
        households = notice.households
    return Expected(
        source=SOURCES[notice.amc], source_lot_id=notice.notice_id, url=notice_url(notice), fields=f,
        loans=expected_loans(notice), totals=stated_totals(notice), households=households,
        attachments=[(a.name, HOSTS[notice.amc] + a.path) for a in notice.attachments],
    )


def expected_asset(asset: Asset) -> Expected:
    """Great Wall's asset row: for a 债权 asset one CNY amount is its ``total_claim`` (a 抵债资产账面值 is not), a
    breakdown its ``principal`` / ``interest``; the as-of date ``claim_as_of``; the rest stays raw. The place is the
    province only (CityName): the list names no city."""
    debt = asset.type_name == "债权资产"
    claim = debt and asset.meaning == "amount" and asset.form not in ("book_value", "foreign")  # (CNY claims only)
    f: dict = {
        "title": asset.name,
        "seller_type": "amc",
        "disposal_unit": "中国长城资产管理股份有限公司",
        "province": asset.province,
        "city": None,
        "start_at": datetime.combine(asset.published, time(0), tzinfo=TZ),
        "total_claim": asset.value if claim else None,
        "principal": asset.principal if debt and asset.meaning == "split" else None,
        "interest": asset.interest if debt and asset.meaning == "split" else None,
        "claim_as_of": asset.as_of if claim or (debt and asset.meaning == "split") else None,
    }
    if asset.type_name == "债权资产":
        f["asset_type"] = "debt"
    elif asset.type_name == "股权资产":
        f["asset_type"] = "equity"
    return Expected(source="gwamc_notice", source_lot_id=f"asset-{asset.asset_id}",
                    url=f"https://www.gwamcc.com/MCInfoDetail.aspx?ID={asset.asset_id}", fields=f)


def money_meaning(asset: Asset) -> tuple[str, Decimal | None, Decimal | None, Decimal | None, date | None]:
    """(kind, value, low, high, as_of) that ``MoneyTotal`` means, as ``parse_amount(unit=gwamc_notice.money_unit(title))`` must say."""
    return asset.meaning, asset.value, asset.low, asset.high, asset.as_of
