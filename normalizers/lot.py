"""A merged raw record (see ``crawlers.parsers.base``) to one validated `contracts.models.Lot`.

Steps, in this order:

1. reject keys that are neither `Lot` fields nor hints (``units``, ``category``, ``location_code``,
   ``location``);
2. counts (``int``; ``"1,234"`` allowed), needed by the status step;
3. money via `parse_amount` with ``units[field]`` (default yuan): a range, shares, foreign currency
   or unparseable text in a money field raises `AmountError`; a claim written as its parts (kind ``split``:
   ``本金…，利息…``, ``…万元本金及相应利息``) in ``total_claim`` / ``principal`` / ``interest`` fills each part's
   own field (a part that disagrees with a field the record gives raises `LotError`); the as-of date of ``total_claim`` /
   ``principal`` / ``interest`` fills ``claim_as_of`` (an explicit ``claim_as_of`` must agree);
4. datetimes via `parse_datetime`, ``claim_as_of`` via `parse_date`;
5. codes: ``status`` (with ``bid_count``); ``round`` (the ``round`` field, JD paimaiTimes as an int,
   else the title's 【…】); ``asset_type`` (the ``category`` hint, else the ``asset_type`` field,
   then title keywords; an `AssetType` value passes through); ``seller_type`` (a `SellerType` value
   passes through, else from its text or from ``disposal_unit``);
6. text: the title without round brackets, whitespace collapsed; other strings stripped, blank → None;
7. place: ``province`` / ``city`` / ``district`` the record lacks come from ``location_code`` /
   ``location`` (or from the record's own names when it has neither), with their GB/T 2260 codes
   (``province_code``, ``city_code``, ``district_code``) for each level that agrees with the record (山西 and
   山西省 agree); the ``location`` text becomes ``address`` when the record has none; a lot that names no place
   at all (an AMC package) gets the place that all its located collateral shares (its own and its loans');
8. guarantors (a list, or a string split on 、，,；;); collateral (dicts with their own ``appraisal``
   and ``area_m2`` and optional ``units``; a plain string is a description); loans (dicts, one per row of
   a package's claim table: ``seq``, ``debtor``, ``guarantors``, ``collateral``, ``principal``,
   ``interest``, ``fees``, ``total``, ``currency``, ``claim_as_of``, optional ``units``);
9. ``raw``: the page's value of every money, date and code field present (JSON-safe), plus the
   original title when it was cleaned, ``location_code`` and the ``collateral`` list as given, and
   ``units_inferred`` (``{field: "yuan" | "wan"}``) for a bare number read by its size or writing (``units[field]``
   ``"yuan_or_wan"`` or ``"yuan_or_wan_one_debtor"``).

Every failure is a `ValueError` subclass whose message names source, URL and field (`AmountError`
for money, `LotError` otherwise).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from contracts.models import (
    COUNT_FIELDS,
    DATETIME_FIELDS,
    LOT_FIELDS,
    MONEY_FIELDS,
    AssetType,
    Collateral,
    Loan,
    Lot,
    SellerType,
)

from .amounts import NONE_TEXTS, AmountError, parse_amount
from .areas import parse_area
from .codes import asset_type, auction_round, seller_type, status, strip_round_prefix
from .dates import parse_date, parse_datetime
from .places import Place, parse_place, same_place

HINT_KEYS = ("units", "category", "location_code", "location")
CLAIM_FIELDS = ("total_claim", "principal", "interest")
PLACE_LEVELS = ("province", "city", "district")
TEXT_FIELDS = ("disposal_unit", "case_number", "debtor", "address", "province", "city", "district")
_SPLIT_NAMES = re.compile(r"[、，,；;\n]+")


class LotError(ValueError):
    """A record field that could not be normalized. Names source, URL and field."""

    def __init__(self, source: str, url: str, field: str, detail: str) -> None:
        self.source, self.url, self.field = source, url, field
        super().__init__(f"{source}: field {field!r} on {url}: {detail}")


def _text(value: Any) -> str | None:
    text = re.sub(r"\s+", " ", str(value)).strip() if value is not None else ""
    return text or None


def _count(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip().replace(",", "")
    if isinstance(value, str) and text.isdigit():
        return int(text)
    raise ValueError(f"not a count: {value!r}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _fill_place(lot: dict[str, Any], place: Place) -> None:
    """Names the record lacks and the codes of every level that agrees with it, down from the province: a record's
    short 山西 agrees with 山西省; a level that names another place stops the codes there (its name is kept)."""
    for level in PLACE_LEVELS:
        found, given = getattr(place, level), lot.get(level)
        if found is None:  # 仙桃市 has no city; a lot in 东莞市 no district
            continue
        if given and not same_place(given, found):
            return
        lot[level] = given or found
        lot[f"{level}_code"] = getattr(place, f"{level}_code")


def _shared_place(lot: dict[str, Any]) -> Place:
    """The place every located collateral of the lot (its own, and its loans') lies in, down to the level they all
    share: 位于广州市解放路… and 位于广州市东风路… give 广东省 广州市; 广州 and 泉州 give none (two provinces).
    Collateral whose text names no place is left out; none located gives an empty `Place`."""
    texts = [c.address or c.description for c in lot.get("collateral", [])]
    texts += [loan.collateral for loan in lot.get("loans", [])]
    places = [p for p in (parse_place(t) for t in texts if t) if p.province]
    if not places:
        return Place()
    first, shared = places[0], {}
    for level in PLACE_LEVELS:
        if any(getattr(p, level) != getattr(first, level) for p in places) or getattr(first, level) is None:
            break
        shared[level], shared[f"{level}_code"] = getattr(first, level), getattr(first, f"{level}_code")
    return Place(**shared)


def _names(value: Any) -> list[str]:
    parts = value if isinstance(value, (list, tuple)) else _SPLIT_NAMES.split(str(value or ""))
    return [name for part in parts if (name := _text(part)) and name not in NONE_TEXTS]


def _collateral(item: Any, source: str, url: str, index: int) -> Collateral:
    if isinstance(item, str):
        return Collateral(description=_text(item) or "")
    item = dict(item)
    units = item.pop("units", {})
    appraisal = parse_amount(item.pop("appraisal", None), unit=units.get("appraisal", "yuan"))
    return Collateral(
        description=_text(item.pop("description", None)) or "",
        kind=_text(item.pop("kind", None)),
        address=_text(item.pop("address", None)),
        area_m2=parse_area(item.pop("area_m2", None)),
        appraisal=appraisal.yuan(f"collateral[{index}].appraisal", source, url),
        **item,  # anything left is unknown: Collateral forbids it
    )


LOAN_MONEY = ("principal", "interest", "fees", "total")


def _loan(item: dict[str, Any], source: str, url: str, index: int) -> Loan:
    """One row of a package's claim table. Amounts keep the row's currency (a USD row stays in USD); an amount
    that is a range, shares or unparseable raises, naming ``loans[i].field``."""
    item = dict(item)
    units = item.pop("units", {})
    raw = {k: _jsonable(item[k]) for k in (*LOAN_MONEY, "claim_as_of") if item.get(k) not in (None, "")}
    loan: dict[str, Any] = {"raw": raw}
    currencies = set()
    for name in LOAN_MONEY:
        amount = parse_amount(item.pop(name, None), unit=units.get(name, "yuan"))
        if amount.kind == "amount":
            currencies.add(amount.currency)
            loan[name] = amount.value
        elif amount.kind != "none":
            raise AmountError(f"loans[{index}].{name}", source, url, amount)
    if len(currencies) > 1:
        raise LotError(source, url, f"loans[{index}]", f"amounts in several currencies: {sorted(currencies)}")
    loan["currency"] = _text(item.pop("currency", None)) or (currencies.pop() if currencies else "CNY")
    as_of = item.pop("claim_as_of", None)
    try:
        loan["claim_as_of"] = parse_date(as_of)
    except ValueError as exc:
        raise LotError(source, url, f"loans[{index}].claim_as_of", str(exc)) from None
    seq = item.pop("seq", None)
    loan["seq"] = _count(seq) if seq not in (None, "") else None
    loan["debtor"] = _text(item.pop("debtor", None))
    loan["guarantors"] = _names(item.pop("guarantors", None))
    loan["collateral"] = _text(item.pop("collateral", None))
    return Loan(**loan, **item)  # anything left is unknown: Loan forbids it


class _Field:
    """``with field(name):`` in `to_lot`: a ValueError, TypeError or AttributeError in the block becomes a `LotError`
    naming the field, source and URL (an `AmountError` or `LotError` passes as it is). A class rather than a
    ``contextlib.contextmanager`` generator, which cost a microsecond a field, twenty a lot."""

    __slots__ = ("source", "url", "name")

    def __init__(self, source: str, url: str, name: str) -> None:
        self.source, self.url, self.name = source, url, name

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or isinstance(exc, (AmountError, LotError)):
            return False
        if isinstance(exc, (ValueError, TypeError, AttributeError)):
            raise LotError(self.source, self.url, self.name, str(exc)) from exc
        return False


def to_lot(record: dict[str, Any]) -> Lot:
    """Normalize one merged raw record into a validated `Lot` (see module docstring for the steps)."""
    source, url = str(record.get("source") or "?"), str(record.get("url") or "?")

    def field(name: str) -> _Field:
        return _Field(source, url, name)

    # 1. keys and hints
    unknown = sorted(set(record) - set(LOT_FIELDS) - set(HINT_KEYS))
    if unknown:
        raise LotError(source, url, ", ".join(unknown), "unknown keys (not Lot fields nor hints)")
    units = record.get("units") or {}
    with field("units"):
        if not isinstance(units, dict):
            raise ValueError(f"units must be a dict, not {units!r}")
        if bad := sorted(set(units) - set(MONEY_FIELDS)):
            raise ValueError(f"units given for non-money fields {bad}")

    lot: dict[str, Any] = {k: record[k] for k in ("source", "url", "lng", "lat") if k in record}
    raw: dict[str, Any] = dict(record.get("raw") or {})
    if "source_lot_id" in record:
        lot["source_lot_id"] = str(record["source_lot_id"]).strip()
    if "fetched_at" in record:
        with field("fetched_at"):
            lot["fetched_at"] = parse_datetime(record["fetched_at"])

    # 2. counts
    for name in COUNT_FIELDS:
        if name in record:
            with field(name):
                lot[name] = _count(record[name])

    # 3. money
    as_ofs: set[date] = set()
    splits: list[tuple[str, Any]] = []
    for name in MONEY_FIELDS:
        if name in record:
            raw[name] = _jsonable(record[name])
            with field(name):
                amount = parse_amount(record[name], unit=units.get(name, "yuan"))
            if amount.kind == "split" and name in CLAIM_FIELDS and amount.currency == "CNY":
                splits.append((name, amount))
            else:
                lot[name] = amount.yuan(name, source, url)
            if amount.unit_inferred:  # a bare number read in yuan or 万元 by its size: said beside the text
                raw.setdefault("units_inferred", {})[name] = amount.unit_inferred
            if amount.as_of and name in CLAIM_FIELDS:
                as_ofs.add(amount.as_of)
    for name, amount in splits:  # 本金…，利息… in one claim field: its parts go to their own fields
        parts = (("principal", amount.principal), ("interest", amount.interest), ("total_claim", amount.value))
        for part, value in parts:
            if value is None:
                continue
            if lot.get(part) not in (None, value):
                raise LotError(source, url, name, f"{part} {value} in {amount.raw!r} disagrees with {lot[part]}")
            lot[part] = value
    # 4. dates
    for name in DATETIME_FIELDS:
        if name in record:
            raw[name] = _jsonable(record[name])
            with field(name):
                lot[name] = parse_datetime(record[name])
    with field("claim_as_of"):
        if "claim_as_of" in record:
            raw["claim_as_of"] = _jsonable(record["claim_as_of"])
            lot["claim_as_of"] = parse_date(record["claim_as_of"])
            as_ofs.discard(lot["claim_as_of"])
            if as_ofs and lot["claim_as_of"]:
                raise ValueError(f"amounts are as of {sorted(as_ofs)}, not {lot['claim_as_of']}")
        elif len(as_ofs) > 1:
            raise ValueError(f"amounts with different as-of dates {sorted(as_ofs)}")
        elif as_ofs:
            lot["claim_as_of"] = as_ofs.pop()

    # 5. codes, 6. title
    title = record.get("title")
    if "status" in record:
        raw["status"] = _jsonable(record["status"])
        with field("status"):
            lot["status"] = status(source, record["status"], bid_count=lot.get("bid_count"))
    with field("round"):
        given = record.get("round")
        if given is not None and str(given).strip():
            raw["round"] = _jsonable(given)
            is_jd_code = source == "jd_auction" and str(given).strip().isdigit()
            lot["round"] = auction_round(f"jd:{given}" if is_jd_code else given)
            if lot["round"] is None:
                raise ValueError(f"unrecognized round {given!r}")
        elif title:
            lot["round"] = auction_round(title)
    if title is not None:
        lot["title"] = _text(strip_round_prefix(str(title))) or ""
        if lot["title"] != title:
            raw["title"] = title
    category = record["category"] if record.get("category") is not None else record.get("asset_type")
    with field("asset_type"):
        if category is not None:
            raw["asset_type"] = _jsonable(category)
        known = category in {t.value for t in AssetType}
        lot["asset_type"] = category if known else asset_type(source, category, lot.get("title"))
    with field("seller_type"):
        if _text(record.get("seller_type")):
            raw["seller_type"] = _jsonable(record["seller_type"])
            given = _text(record["seller_type"])
            lot["seller_type"] = given if given in {t.value for t in SellerType} else seller_type(given)
        else:
            lot["seller_type"] = seller_type(_text(record.get("disposal_unit")))

    # 6. text, 7. place
    for name in TEXT_FIELDS:
        if name in record:
            lot[name] = _text(record[name])
    with field("location"):
        location, code = _text(record.get("location")), record.get("location_code")
        if code is not None:
            raw["location_code"] = _jsonable(code)
        given = [lot.get(name) for name in PLACE_LEVELS]
        place = parse_place(location, code) if location or code is not None else Place()
        if place.province is None and any(given):  # the place only in fields (Great Wall's PName, CityName)
            place = parse_place(" ".join(name for name in given if name))
        _fill_place(lot, place)
        if location:
            lot["address"] = lot.get("address") or location
    # 8. lists
    if "guarantors" in record:
        lot["guarantors"] = _names(record["guarantors"])
    if "collateral" in record:
        raw["collateral"] = _jsonable(record["collateral"])
        with field("collateral"):
            lot["collateral"] = [
                _collateral(c, source, url, i) for i, c in enumerate(record["collateral"] or [])
            ]

    if "loans" in record:
        with field("loans"):
            lot["loans"] = [_loan(item, source, url, i) for i, item in enumerate(record["loans"] or [])]

    # 7b. a lot that names no place (an AMC package): the place its collateral shares, from their addresses
    if not any(lot.get(level) for level in PLACE_LEVELS):
        _fill_place(lot, _shared_place(lot))

    lot["raw"] = raw
    try:
        return Lot(**lot)
    except ValidationError as exc:
        names = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors()}))
        raise LotError(source, url, names, str(exc)) from None
