"""Normalizers: small pure functions from values as pages wrote them to the common schema.

No network, no clock. Each module has its own tests in ``tests/normalizers``; `to_lot` runs
them in a fixed, documented order to build a `contracts.models.Lot`.
"""

from .amounts import Amount, AmountError, amount_value, parse_amount
from .areas import AreaParseError, parse_area
from .codes import CodeError, asset_type, auction_round, seller_type, status, strip_round_prefix
from .dates import SHANGHAI, DateParseError, find_as_of, parse_date, parse_datetime
from .lot import LotError, to_lot
from .places import Place, parse_place

__all__ = [
    "SHANGHAI",
    "Amount",
    "AmountError",
    "AreaParseError",
    "CodeError",
    "DateParseError",
    "LotError",
    "Place",
    "amount_value",
    "asset_type",
    "auction_round",
    "find_as_of",
    "parse_amount",
    "parse_area",
    "parse_date",
    "parse_datetime",
    "parse_place",
    "seller_type",
    "status",
    "strip_round_prefix",
    "to_lot",
]
