"""What every page parser returns and raises.

A parser is pure: ``bytes`` (or text) + the URL it came from + the fetch time in, raw records out. No network,
no clock, no Scrapy. That is what makes every parser testable on a saved page (``tests/golden``).

A **raw record** is a plain ``dict`` built field by field for ONE listing:

- identity, always: ``source``, ``source_lot_id`` (str), ``url`` (the lot's canonical page, absolute https),
  ``fetched_at`` (aware ``datetime``).
- any `Lot` field name (see ``contracts.models.Lot``) with the value **as the page wrote it**: strings such as
  ``"65,454,900 "`` or ``"1,234.56万元"``, or the number found in embedded JSON (``24990.00``, epoch ms
  ``1506391200000``). Code fields carry the site's code: ``status`` = ``"doing"``, ``round`` = ``"第一次拍卖"``
  / ``"变卖"``, ``asset_type`` = the site's category id or name. Lists (``guarantors``, ``collateral``) are lists
  of strings / dicts of raw strings.
- extra hint keys, never stored as fields (the normalizer reads them):

  ============== ===============================================================================
  ``units``       ``{field: "yuan" | "fen" | "wan"}`` for amounts that carry no unit in their text
                  (default ``"yuan"``; Alibaba's mtop API gives fen)
  ``category``    the site's category id or name, used to derive ``asset_type``
  ``location_code`` a GB2260 area code (``"440304"``)
  ``location``    free text such as ``"山西 运城 盐湖 …"`` from which province / city / district come
  ============== ===============================================================================

Records are merged by the spider (list record, then detail record on top: the detail page wins for the
fields it has). ``normalizers.lot.to_lot(record)`` turns a merged record into a validated ``Lot``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RawRecord = dict[str, Any]


class ParseError(ValueError):
    """A page did not have what its parser requires. Always names the source, the field and the URL."""

    def __init__(self, source: str, field: str, url: str, detail: str = "") -> None:
        self.source, self.field, self.url, self.detail = source, field, url, detail
        msg = f"{source}: required field {field!r} not found on {url}"
        super().__init__(f"{msg}: {detail}" if detail else msg)


class InterstitialPage(ParseError):
    """An anti-bot page (slider, Baxia, login redirect) was served instead of content. Retry; never parse."""

    def __init__(self, source: str, url: str, marker: str) -> None:
        super().__init__(source, "page", url, f"anti-bot interstitial ({marker}); retry later")
        self.marker = marker


class MalformedPage(ParseError):
    """A page whose shape broke the parser (a JSON value of the wrong type, a structure cut or garbled): refused
    with the source, the URL and where the parser stopped, never an uncaught ``TypeError`` that loses the URL."""

    def __init__(self, source: str, url: str, exc: BaseException) -> None:
        import traceback

        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
        super().__init__(source, "page", url, f"malformed page: {type(exc).__name__}{where}: {str(exc)[:200]}")


@dataclass
class ListPage:
    """One page of a search/list result."""

    records: list[RawRecord]
    next_url: str | None = None  # absolute URL of the next page, None on the last page
    total_items: int | None = None  # as the page states it
    total_pages: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def require(value: Any, source: str, field_name: str, url: str) -> Any:
    """Return ``value`` or raise `ParseError` when it is missing or blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ParseError(source, field_name, url)
    return value
