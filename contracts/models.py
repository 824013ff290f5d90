"""The common schema: one typed `Lot` per listing.

Identity is the site's own id, ``(source, source_lot_id)``. Field names are a contract shared by the CLI
output, the warehouse columns (``lots``, ``lot_history``), the analysts' queries and every source.
Money is in yuan as exact decimals; datetimes are timezone-aware (Asia/Shanghai on output).
``raw`` keeps the text the page wrote for every normalized money, date and code field.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class AssetType(str, Enum):
    real_estate = "real_estate"
    land = "land"
    vehicle = "vehicle"
    equipment = "equipment"
    equity = "equity"
    debt = "debt"  # a loan claim or NPL package
    inventory = "inventory"
    intangible = "intangible"
    other = "other"


class SellerType(str, Enum):
    court = "court"
    amc = "amc"
    bank = "bank"
    bankruptcy_administrator = "bankruptcy_administrator"
    government = "government"
    enterprise = "enterprise"
    other = "other"


class Round(str, Enum):
    first = "first"
    second = "second"
    sell_off = "sell_off"  # 变卖
    other = "other"


class Status(str, Enum):
    upcoming = "upcoming"
    ongoing = "ongoing"
    sold = "sold"
    unsold = "unsold"  # 流拍
    withdrawn = "withdrawn"  # 撤回
    suspended = "suspended"  # 中止 / 暂缓
    ended = "ended"  # ended, outcome unknown


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("datetime must carry a timezone")
    return value


def _money(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    if value < 0:
        raise ValueError("amount must not be negative")
    if value >= Decimal("1e16"):
        raise ValueError("amount out of range (>= 10^16 yuan): likely a unit error")
    return value.quantize(Decimal("0.01"))


AwareDatetime = Annotated[datetime, AfterValidator(_aware)]
Money = Annotated[Decimal, AfterValidator(_money)]


class Collateral(BaseModel):
    """One pledged or mortgaged asset behind a claim (抵押物)."""

    model_config = ConfigDict(extra="forbid")

    description: str
    kind: str | None = None
    area_m2: Decimal | None = None
    address: str | None = None
    appraisal: Money | None = None


class Loan(BaseModel):
    """One loan of a debt package (债权包), one row of the page's claim table."""

    model_config = ConfigDict(extra="forbid")

    seq: int | None = None  # 序号 as the table numbers it
    debtor: str | None = None
    guarantors: list[str] = Field(default_factory=list)
    collateral: str | None = None  # the table's 抵押物 text
    principal: Money | None = None
    interest: Money | None = None
    fees: Money | None = None
    total: Money | None = None
    currency: str = "CNY"  # amounts of a USD/HKD row stay in that currency
    claim_as_of: date | None = None
    raw: dict[str, Any] = Field(default_factory=dict)
    # provenance of a row read from an attachment of the page (债权清单 PDF / XLS / XLSX); all None for a row of
    # the page's own table
    source_url: str | None = None  # the attachment's URL
    source_sheet: str | None = None  # a spreadsheet's sheet name
    source_page: int | None = Field(default=None, ge=1)  # a PDF's page, from 1
    source_row: int | None = Field(default=None, ge=1)  # the row: a spreadsheet's row number as Excel shows it;
    # in a PDF, the row of that page's table, from 1 (header rows counted)


class Lot(BaseModel):
    """One listing on one site, normalized."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    # identity
    source: str = Field(min_length=1)
    source_lot_id: str = Field(min_length=1)
    url: str = Field(min_length=1)
    fetched_at: AwareDatetime
    # what
    title: str = Field(min_length=1)
    asset_type: AssetType = AssetType.other
    seller_type: SellerType | None = None
    disposal_unit: str | None = None
    case_number: str | None = None
    # sale
    round: Round | None = None
    status: Status | None = None
    start_at: AwareDatetime | None = None
    end_at: AwareDatetime | None = None
    # money, yuan
    reserve_price: Money | None = None
    appraisal_price: Money | None = None
    market_price: Money | None = None
    deposit: Money | None = None
    increment: Money | None = None
    current_price: Money | None = None
    final_price: Money | None = None
    principal: Money | None = None
    interest: Money | None = None
    total_claim: Money | None = None
    claim_as_of: date | None = None
    # debt detail
    debtor: str | None = None
    guarantors: list[str] = Field(default_factory=list)
    collateral: list[Collateral] = Field(default_factory=list)
    loans: list[Loan] = Field(default_factory=list)  # the loans of a debt package, row by row
    # activity
    bid_count: int | None = Field(default=None, ge=0)
    view_count: int | None = Field(default=None, ge=0)
    applicant_count: int | None = Field(default=None, ge=0)
    reminder_count: int | None = Field(default=None, ge=0)
    # place
    province: str | None = None
    city: str | None = None
    district: str | None = None
    province_code: str | None = None  # GB/T 2260 six-digit codes of province, city, district (440000, 440300, 440304)
    city_code: str | None = None
    district_code: str | None = None
    address: str | None = None
    lng: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    # audit trail: field name -> the text the page wrote
    raw: dict[str, Any] = Field(default_factory=dict)


MONEY_FIELDS: tuple[str, ...] = (
    "reserve_price",
    "appraisal_price",
    "market_price",
    "deposit",
    "increment",
    "current_price",
    "final_price",
    "principal",
    "interest",
    "total_claim",
)
DATETIME_FIELDS: tuple[str, ...] = ("start_at", "end_at")
COUNT_FIELDS: tuple[str, ...] = ("bid_count", "view_count", "applicant_count", "reminder_count")
LOT_FIELDS: tuple[str, ...] = tuple(Lot.model_fields)


SHANGHAI_TZ = "Asia/Shanghai"


def lot_json(lot: Lot) -> str:
    """One lot as a JSON line for people and scripts: amounts as JSON numbers in yuan (integral amounts as
    integers), datetimes ISO 8601 in +08:00, dates ISO. (Run files keep exact decimal strings instead.)"""
    import json
    from zoneinfo import ZoneInfo

    shanghai = ZoneInfo(SHANGHAI_TZ)

    def plain(value: Any) -> Any:
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, datetime):
            return value.astimezone(shanghai).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"not JSON serializable: {type(value).__name__}")

    return json.dumps(lot.model_dump(), ensure_ascii=False, default=plain)
