"""Floor and land areas to square metres (`Decimal`, 0.01 m²).

Accepts numbers and text such as ``74.42m²``, ``74.42㎡``, ``1,234.5平方米``, ``120平米``,
``3.5亩`` (× 2000/3), ``2公顷`` (× 10,000); a bare number is m². None and blank give None;
anything else raises `AreaParseError`. Alibaba mtop's ``hArea`` / ``landArea`` are m² × 100:
the parser divides them before they get here.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

AREA_UNITS = {"": Decimal(1), "m2": Decimal(1), "平方米": Decimal(1), "平米": Decimal(1), "平方": Decimal(1),
              "亩": Decimal(2000) / 3, "公顷": Decimal(10_000)}  # fmt: skip
_AREA = re.compile(r"(?:约|建筑面积:?|面积:?)?(?P<num>\d+(?:\.\d+)?)(?P<unit>m2|平方米|平米|平方|亩|公顷)?")


class AreaParseError(ValueError):
    """An area the normalizer does not understand; carries the text."""


def parse_area(value: object) -> Decimal | None:
    """Square metres in ``value`` (see module docstring)."""
    if value is None:
        return None
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number, unit = Decimal(str(value)), ""
    else:
        text = re.sub(r"[\s,]", "", unicodedata.normalize("NFKC", str(value)))
        if not text:
            return None
        m = _AREA.fullmatch(text)
        if m is None:
            raise AreaParseError(f"unrecognized area: {value!r}")
        number, unit = Decimal(m["num"]), m["unit"] or ""
    if not number.is_finite() or number < 0:
        raise AreaParseError(f"bad area: {value!r}")
    return (number * AREA_UNITS[unit]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
