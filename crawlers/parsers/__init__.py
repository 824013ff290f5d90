"""Page parsers, one module per source, and `parse_page`, which tells a page's kind by its content.

A source module has ``SOURCE``, ``decode(body) -> str``, ``page_kind(text) -> str | None`` (``"interstitial"``,
``"list"``, ``"detail"``, ``"notice"``, ``"desc"``), ``is_interstitial(body) -> str | None`` and a ``parse_<kind>``
function for each kind it serves: ``parse_list`` returns a `ListPage`, ``parse_detail`` one raw record,
``parse_notice`` / ``parse_desc`` a partial record (no identity: the spider merges it into the lot it fetched
it for).
"""

from __future__ import annotations

from datetime import datetime
from types import ModuleType

from crawlers.parsers import alibaba_mtop, alibaba_sf, alibaba_zc, jd_auction
from crawlers.parsers import cinda_notice, citic_amc_notice, coamc_notice, gwamc_notice
from crawlers.parsers.base import InterstitialPage, ParseError, RawRecord

PARSERS: dict[str, ModuleType] = {
    module.SOURCE: module for module in (alibaba_sf, alibaba_zc, alibaba_mtop, jd_auction)
}

AMC_NOTICES = (cinda_notice, citic_amc_notice, coamc_notice, gwamc_notice)  # the four AMCs' disposal notices
PARSERS.update({module.SOURCE: module for module in AMC_NOTICES})


def parse_page(source: str, body: bytes, url: str, fetched_at: datetime) -> list[RawRecord]:
    """Parse any page of ``source`` into raw records, deciding by the content what kind of page it is.

    A list page gives its records (none for an empty result), a detail page one record, a notice or
    description fragment one partial record (none when it holds nothing). Raises `InterstitialPage` for an
    anti-bot page and `ParseError` for a page of no known kind or one missing a required field."""
    try:
        module = PARSERS[source]
    except KeyError:
        raise ValueError(f"no parser registered for source {source!r}") from None
    by_url = getattr(module, "parse_by_url", None)
    if by_url is not None:  # a source whose page kind is told by its URL (JD: the API's functionId)
        return by_url(body, url, fetched_at)
    text = module.decode(body)
    kind = module.page_kind(text)
    if kind == "interstitial":
        raise InterstitialPage(source, url, module.is_interstitial(text))
    parse = getattr(module, f"parse_{kind}", None) if kind else None
    if parse is None:
        raise ParseError(source, "page", url, f"unrecognised page kind ({kind or 'unknown'})")
    result = parse(text, url, fetched_at)
    if kind == "list":
        return result.records
    if kind == "detail":
        return [result]
    return [result] if result else []
