"""Page parsers, one module per source, and `parse_page`, which tells a page's kind by its content.

A source module has ``SOURCE``, ``decode(body) -> str``, ``page_kind(text) -> str | None`` (``"interstitial"``,
``"list"``, ``"detail"``, ``"notice"``, ``"desc"``), ``is_interstitial(body) -> str | None`` and a ``parse_<kind>``
function for each kind it serves: ``parse_list`` returns a `ListPage`, ``parse_detail`` one raw record,
``parse_notice`` / ``parse_desc`` a partial record (no identity: the spider merges it into the lot it fetched
it for).
"""

from __future__ import annotations

import re
from datetime import datetime
from types import ModuleType

from crawlers.parsers import alibaba_mtop, alibaba_sf, alibaba_zc, caa123, jd_auction
from crawlers.parsers import cinda_notice, citic_amc_notice, coamc_notice, gwamc_notice
from crawlers.parsers import gpai
from crawlers.parsers import rmfysszc
from crawlers.parsers import cbex
from crawlers.parsers.base import InterstitialPage, MalformedPage, ParseError, RawRecord

PARSERS: dict[str, ModuleType] = {
    module.SOURCE: module for module in (alibaba_sf, alibaba_zc, alibaba_mtop, jd_auction, caa123)
}

AMC_NOTICES = (cinda_notice, citic_amc_notice, coamc_notice, gwamc_notice)  # the four AMCs' disposal notices
PARSERS.update({module.SOURCE: module for module in AMC_NOTICES})
PARSERS[gpai.SOURCE] = gpai  # 公拍网: court auctions, server-rendered lists and detail pages
PARSERS[rmfysszc.SOURCE] = rmfysszc  # 人民法院诉讼资产网, the courts' aggregator
PARSERS[cbex.SOURCE] = cbex  # CBEX 北京产权交易所 debt listings


# What no real page of any source comes near (the largest saved real page: 97 KB, 1,412 tags). Beyond these a page
# is refused unread: the tree is built in C (selectolax: about 25 ms for 100,000 tags) but what is read from it is
# read in Python (an AMC notice's claim table: about 1.4 s for 12,500 rows, 50,000 tags), and nesting costs the
# parser more than its size (a 24,000-deep page: about 1 s, a 100,000-deep one over 20 s), so a 50 MB or
# 100,000-deep page would hold a crawl for minutes.
MAX_PAGE_BYTES = 16 * 1024 * 1024
MAX_PAGE_TAGS = 50_000
_HTML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype|html)", re.I | re.S)
_HTML_END = re.compile(rb"</html\s*>", re.I)


def check_whole(source: str, body: bytes, url: str) -> None:
    """Refuse a page too large to be one, or an HTML page that stops before ``</html>``: a page cut short in
    transfer must not pass for a whole one (cut inside ``65,454,900`` it would read ``65,45``)."""
    if len(body) > MAX_PAGE_BYTES:
        raise ParseError(source, "page", url, f"{len(body):,} bytes, more than the {MAX_PAGE_BYTES:,} a page may "
                                              "have; refused unread")
    # (a page has no more tags than bytes; `</html>` as written is found by a plain search, the regex is for the rest)
    if len(body) > MAX_PAGE_TAGS and (tags := body.count(b"<")) > MAX_PAGE_TAGS:
        raise ParseError(source, "page", url, f"{tags:,} tags, more than the {MAX_PAGE_TAGS:,} a page may have; "
                                              "refused unread")
    if _HTML_START.match(body, 0, 4096) and b"</html>" not in body and not _HTML_END.search(body):
        raise ParseError(source, "page", url, "the page ends before </html>: cut short in transfer, refused "
                                              "rather than read in part")


def parse_page(source: str, body: bytes, url: str, fetched_at: datetime) -> list[RawRecord]:
    """Parse any page of ``source`` into raw records, deciding by the content what kind of page it is.

    A list page gives its records (none for an empty result), a detail page one record, a notice or
    description fragment one partial record (none when it holds nothing). Raises `InterstitialPage` for an
    anti-bot page and `ParseError` for a page of no known kind or one missing a required field, for a page cut
    short or too large (`check_whole`), and (`MalformedPage`) for one whose shape broke the parser."""
    try:
        module = PARSERS[source]
    except KeyError:
        raise ValueError(f"no parser registered for source {source!r}") from None
    if isinstance(body, bytes):
        check_whole(source, body, url)
    try:
        return _parse(module, source, body, url, fetched_at)
    except ParseError:
        raise
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, LookupError, RecursionError) as exc:
        raise MalformedPage(source, url, exc) from exc


def _parse(module: ModuleType, source: str, body: bytes, url: str, fetched_at: datetime) -> list[RawRecord]:
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
