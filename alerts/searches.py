"""Saved searches: the file, the model, validation, and compilation to parameterized SQL over the ``lots`` view.

The file (``alerts.toml``, or ``$SALVAGE_ALERTS``) holds one ``[[search]]`` table per search::

    [[search]]
    name = "shanxi-npl"                          # letters, digits, _ . - (Chinese is fine); unique
    recipients = ["desk@example.com"]            # at least one
    asset_type = ["debt"]                        # a single string is read as a one-item list
    province = ["山西"]                           # prefix: 山西 matches 山西省
    total_claim_min = "100万"                     # yuan: a number, or text with 万 / 亿
    discount_to_claim_min = 50                   # percent: reserve at most half the claim
    # optional: immediate = true (own mail right after the ingest, not in the digest),
    # events = ["new", "price_drop", "status_change", "starting_soon"] (default: all), soon_days = 3

Every filter is optional, but a search needs at least one; filters combine with AND, the values of a list with OR.
Unknown keys, unknown codes, bad addresses, min above max... refuse the search, with the key and the reason.

A search never becomes SQL text: each filter is a fixed SQL predicate (``FILTERS``) whose value is bound as a typed
parameter (``compile_search``, one search) or read from a column of ``alert_searches`` (``match_predicate``, every
search at once, in ``alerts.events``). Both come from the same table of predicates, so they cannot disagree. The
predicates read only the lot (alias ``l``); a value is only ever compared, so it cannot inject SQL or reach another
table.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from contracts.models import AssetType, Round, SellerType

EVENT_KINDS: tuple[str, ...] = ("new", "price_drop", "status_change", "starting_soon")
EventKind = Literal["new", "price_drop", "status_change", "starting_soon"]
NAME_RE = re.compile(r"^\w[\w.-]{0,63}$")
# conservative addr-spec: no display names, no quotes, nothing that could fold or inject a header
ADDRESS_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*$")
MAX_MONEY = Decimal("1e16")


class SearchError(ValueError):
    """A saved search (or file of them) that is refused; the message says which one and what is wrong."""


@dataclass(frozen=True)
class Filter:
    key: str  # the TOML key, the model field and the alert_searches column
    sql_type: str  # DuckDB type of the bound value
    predicate: str  # SQL over the lot ``l``; {v} is the value, $now the reference time
    help: str


_ANY_PREFIX = "list_bool_or(list_transform({v}, lambda p: starts_with(l.%s, p)))"
_ANY_TEXT = ("list_bool_or(list_transform({v}, lambda k: contains(l.title, k) "
             "OR contains(coalesce(l.debtor, ''), k)))")

FILTERS: tuple[Filter, ...] = (
    Filter("asset_type", "VARCHAR[]", "list_contains({v}, l.asset_type)",
           "asset types: " + ", ".join(m.value for m in AssetType)),
    Filter("seller_type", "VARCHAR[]", "list_contains({v}, l.seller_type)",
           "seller types: " + ", ".join(m.value for m in SellerType)),
    Filter("source", "VARCHAR[]", "list_contains({v}, l.source)", "sources, e.g. alibaba_sf, alibaba_zc"),
    Filter("province", "VARCHAR[]", _ANY_PREFIX % "province", "provinces; 山西 matches 山西省"),
    Filter("city", "VARCHAR[]", _ANY_PREFIX % "city", "cities; 运城 matches 运城市"),
    Filter("round", "VARCHAR[]", "list_contains({v}, l.round)",
           "auction rounds: " + ", ".join(m.value for m in Round)),
    Filter("reserve_min", "DECIMAL(18,2)", "l.reserve_price >= {v}", "reserve price at least (yuan)"),
    Filter("reserve_max", "DECIMAL(18,2)", "l.reserve_price <= {v}", "reserve price at most (yuan)"),
    Filter("principal_min", "DECIMAL(18,2)", "l.principal >= {v}", "debt principal at least (yuan)"),
    Filter("principal_max", "DECIMAL(18,2)", "l.principal <= {v}", "debt principal at most (yuan)"),
    Filter("total_claim_min", "DECIMAL(18,2)", "l.total_claim >= {v}", "total claim at least (yuan)"),
    Filter("total_claim_max", "DECIMAL(18,2)", "l.total_claim <= {v}", "total claim at most (yuan)"),
    Filter("discount_to_appraisal_min", "DECIMAL(5,2)",
           "l.appraisal_price > 0 AND l.reserve_price <= l.appraisal_price * (1 - {v} / 100)",
           "reserve at least this many percent below the appraisal"),
    Filter("discount_to_claim_min", "DECIMAL(5,2)",
           "l.total_claim > 0 AND l.reserve_price <= l.total_claim * (1 - {v} / 100)",
           "reserve at least this many percent below the total claim"),
    Filter("keywords", "VARCHAR[]", _ANY_TEXT, "the title or the debtor contains one of these"),
    Filter("exclude_keywords", "VARCHAR[]", "NOT " + _ANY_TEXT, "neither title nor debtor contains any of these"),
    Filter("starts_within_days", "INTEGER", "l.start_at >= $now AND l.start_at < $now + to_days({v})",
           "the auction starts within this many days"),
)
FILTER_KEYS: tuple[str, ...] = tuple(f.key for f in FILTERS)


def check_address(address: str) -> str | None:
    """Why ``address`` is not a plain e-mail address (``name@example.com``), or None when it is one."""
    if not isinstance(address, str) or not ADDRESS_RE.match(address):
        return f"{address!r} is not an e-mail address like name@example.com"
    return None


def _listify(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    if len(value) > 50:
        raise ValueError(f"{value[:20]!r}... is longer than 50 characters")
    if any(ord(c) < 32 for c in value):
        raise ValueError(f"{value!r} contains a control character")
    return value


def _address(value: str) -> str:
    problem = check_address(value)
    if problem:
        raise ValueError(problem)
    local, domain = value.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _amount(value: Any) -> Any:
    """Text such as "500万" or "1.2亿" as yuan (the normalizer the crawls use); numbers pass through."""
    if not isinstance(value, str):
        return value
    from normalizers.amounts import parse_amount

    amount = parse_amount(value.strip())
    if amount.kind != "amount" or amount.currency != "CNY":
        raise ValueError(f"{value!r} is not an amount in yuan (write 5000000, \"500万\" or \"1.2亿\")")
    return amount.value


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


Texts = Annotated[list[Annotated[str, AfterValidator(_text)]], BeforeValidator(_listify),
                  AfterValidator(_unique), Field(min_length=1, max_length=20)]
Money = Annotated[Decimal, BeforeValidator(_amount), Field(ge=0, lt=MAX_MONEY), AfterValidator(_money)]
Percent = Annotated[Decimal, Field(ge=0, lt=100), AfterValidator(_money)]


def _codes(enum: type) -> Any:
    return Annotated[list[enum], BeforeValidator(_listify), AfterValidator(_unique), Field(min_length=1)]


AssetTypes = _codes(AssetType)
SellerTypes = _codes(SellerType)
Rounds = _codes(Round)


class Search(BaseModel):
    """One saved search: who gets mail, on which events, for lots passing every filter that is set."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True)

    name: str
    recipients: Annotated[list[Annotated[str, AfterValidator(_address)]], BeforeValidator(_listify),
                          AfterValidator(_unique), Field(min_length=1, max_length=50)]
    immediate: bool = False
    events: Annotated[list[EventKind], BeforeValidator(_listify), AfterValidator(_unique),
                      Field(min_length=1, default_factory=lambda: list(EVENT_KINDS))]
    soon_days: int = Field(default=3, ge=0, le=60)
    # filters (FILTERS, same order)
    asset_type: AssetTypes | None = None
    seller_type: SellerTypes | None = None
    source: Texts | None = None
    province: Texts | None = None
    city: Texts | None = None
    round: Rounds | None = None
    reserve_min: Money | None = None
    reserve_max: Money | None = None
    principal_min: Money | None = None
    principal_max: Money | None = None
    total_claim_min: Money | None = None
    total_claim_max: Money | None = None
    discount_to_appraisal_min: Percent | None = None
    discount_to_claim_min: Percent | None = None
    keywords: Texts | None = None
    exclude_keywords: Texts | None = None
    starts_within_days: int | None = Field(default=None, ge=1, le=365)

    @field_validator("name")
    @classmethod
    def _name(cls, name: str) -> str:
        if not NAME_RE.match(name):
            raise ValueError(f"{name!r}: use 1-64 letters, digits, _ . or - (starting with a letter or digit)")
        return name

    @model_validator(mode="after")
    def _coherent(self) -> Search:
        for low, high in (("reserve_min", "reserve_max"), ("principal_min", "principal_max"),
                          ("total_claim_min", "total_claim_max")):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"{low} ({lo}) is above {high} ({hi}): nothing could match")
        if all(getattr(self, key) is None for key in FILTER_KEYS):
            raise ValueError("no filter: a search needs at least one of " + ", ".join(FILTER_KEYS)
                             + " (or it would mail every lot)")
        return self

    def filters(self) -> dict[str, Any]:
        """The filters that are set, by key."""
        return {key: getattr(self, key) for key in FILTER_KEYS if getattr(self, key) is not None}

    def describe(self) -> str:
        """One line: the filters as a buyer reads them."""
        return "; ".join(f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}"
                         for k, v in self.filters().items())


def parse_search(data: dict[str, Any], where: str = "") -> Search:
    """A validated search from a dict (a ``[[search]]`` table); SearchError says what is wrong."""
    name = data.get("name") if isinstance(data, dict) else None
    label = f"search {name!r}" if isinstance(name, str) else "search without a name"
    if where:
        label = f"{where}: {label}"
    if not isinstance(data, dict):
        raise SearchError(f"{label}: expected a table of keys, got {type(data).__name__}")
    try:
        return Search(**data)
    except ValidationError as exc:
        raise SearchError(f"{label} refused:\n" + "\n".join(_problem(e) for e in exc.errors())) from None
    except TypeError as exc:
        raise SearchError(f"{label} refused: {exc}") from None


def _problem(error: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if not isinstance(p, int))
    msg = error.get("msg", "invalid").removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden":
        known = ", ".join(("name", "recipients", "immediate", "events", "soon_days", *FILTER_KEYS))
        return f"  - {loc}: unknown key (known keys: {known})"
    if error.get("type") == "missing":
        return f"  - {loc}: required"
    if error.get("type") == "too_short":
        return f"  - {loc}: needs at least {error.get('ctx', {}).get('min_length', 1)} value(s)"
    if error.get("type") == "too_long":
        return f"  - {loc}: at most {error.get('ctx', {}).get('max_length')} values"
    value = error.get("input")
    shown = "" if error.get("type") == "value_error" or isinstance(value, dict) else f" (got {value!r})"
    return f"  - {loc or 'search'}: {msg}{shown}"


# ------------------------------------------------------------------------------------------------ the file


def load_searches(path: Path) -> list[Search]:
    """Every search of the file, validated (none when the file does not exist). SearchError names the file."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SearchError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"search"})
    if unknown:
        raise SearchError(f"{path}: unknown top-level key(s) {', '.join(unknown)}: write each search as a [[search]] "
                          "table")
    tables = data.get("search", [])
    if not isinstance(tables, list):
        raise SearchError(f"{path}: 'search' must be [[search]] tables")
    searches = [parse_search(t, str(path)) for t in tables]
    seen: set[str] = set()
    for s in searches:
        if s.name in seen:
            raise SearchError(f"{path}: two searches are named {s.name!r}")
        seen.add(s.name)
    return searches


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dump_search(search: Search) -> str:
    """The search as a ``[[search]]`` table (only keys that differ from the defaults)."""
    lines = ["[[search]]"]
    defaults = Search.model_fields
    for key, value in search.model_dump().items():
        if key != "name" and key != "recipients" and value == defaults[key].get_default(call_default_factory=True):
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


FILE_HEADER = """\
# Salvage saved searches (alert e-mails). One [[search]] table per search; see `salvage alerts add --help`.
# Keys: name, recipients, immediate (own mail, not the digest), events (new, price_drop, status_change,
# starting_soon), soon_days, and the filters:
""" + "".join(f"#   {f.key}: {f.help}\n" for f in FILTERS)


def _blocks(text: str) -> tuple[str, list[str]]:
    """The text before the first ``[[search]]`` header, and each search's block of lines (header to next header)."""
    parts = re.split(r"(?m)^(?=[ \t]*\[\[[ \t]*search[ \t]*\]\])", text)
    return parts[0], parts[1:]


def _write(path: Path, text: str) -> None:
    """Replace the file atomically, after checking that what is written reads back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        load_searches(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_search(path: Path, search: Search) -> None:
    """Append a search to the file (the rest of the file, comments included, is kept as it is)."""
    path = Path(path)
    existing = load_searches(path)
    if any(s.name == search.name for s in existing):
        raise SearchError(f"{path}: a search named {search.name!r} exists already (remove it first)")
    text = path.read_text(encoding="utf-8") if path.exists() else FILE_HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    _write(path, text + "\n" + dump_search(search))


def remove_search(path: Path, name: str) -> None:
    """Remove the search called ``name`` from the file (other searches and comments are kept)."""
    path = Path(path)
    load_searches(path)
    if not path.exists():
        raise SearchError(f"{path}: no such file, so no search {name!r}")
    head, blocks = _blocks(path.read_text(encoding="utf-8"))
    kept = [b for b in blocks if tomllib.loads(b, parse_float=Decimal)["search"][0].get("name") != name]
    if len(kept) == len(blocks):
        raise SearchError(f"{path}: no search named {name!r}")
    _write(path, head + "".join(kept))


def find_search(searches: list[Search], name: str) -> Search:
    for s in searches:
        if s.name == name:
            return s
    known = ", ".join(s.name for s in searches) or "none"
    raise SearchError(f"no search named {name!r} (known: {known})")


# ------------------------------------------------------------------------------------------------ SQL


def _bound(f: Filter) -> str:
    return f"CAST(${f.key} AS {f.sql_type})"


def compile_search(search: Search, now: datetime) -> tuple[str, dict[str, Any]]:
    """``WHERE`` text over the lot ``l`` and its parameters: every filter of the search, values bound, never
    spliced. ``now`` is the reference time for ``starts_within_days``."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for f in FILTERS:
        value = getattr(search, f.key)
        if value is None:
            continue
        clause = f.predicate.replace("{v}", _bound(f))
        clauses.append(f"({clause})")
        params[f.key] = value
        if "$now" in clause:
            params["now"] = now
    return " AND ".join(clauses) or "true", params


def match_predicate(search_alias: str = "s", keys: tuple[str, ...] | None = None,
                    skip: tuple[str, ...] = ()) -> str:
    """The SQL condition under which lot ``l`` matches the search row ``s`` of ``alert_searches`` (a NULL filter
    does not restrict): the filters ``keys`` (default all) but ``skip``. Same predicates as ``compile_search``;
    ``$now`` is the night's reference time."""
    chosen = [f for f in FILTERS if (keys is None or f.key in keys) and f.key not in skip]
    return " AND ".join(
        f"({search_alias}.{f.key} IS NULL OR ({f.predicate.replace('{v}', f'{search_alias}.{f.key}')}))"
        for f in chosen) or "true"


def search_row(search: Search) -> dict[str, Any]:
    """The search as a row of ``alert_searches`` (without the timestamps)."""
    row = search.model_dump()
    row["definition"] = json.dumps(search.model_dump(mode="json", exclude_none=True), ensure_ascii=False)
    return row
