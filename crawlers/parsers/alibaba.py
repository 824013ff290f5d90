"""Shared parsing for Alibaba's legacy auction HTML (sf.taobao.com judicial, zc-paimai asset auctions).

Both sites are one page generation (see shared/sources.md §1): list pages embed the lots as JSON in
``<script id="sf-item-list-data" type="text/json">`` (the sf home page in several
``<script class="sf-item-list-data">`` blocks), detail pages carry the price table ``tbody#J_HoverShow``, the
price box ``li#sf-price``, the countdown ``li#sf-countdown[data-start][data-end]`` and lazily loaded parts whose
URLs sit in ``data-from`` attributes. `alibaba_sf` and `alibaba_zc` are thin modules over the functions here.

Quirks handled here:

- pages declare ``charset=gbk``; the declared charset is honoured (GBK is read as its superset GB18030) unless
  the bytes are valid UTF-8 (a re-encoded copy); undeclared bodies are read as UTF-8, then GB18030;
- the embedded JSON is pretty-printed with odd whitespace (``"initialPrice":24990.00 ,``);
- price-table labels are spaced with full-width or no-break spaces (``起 拍 价``) and matched with all
  whitespace removed;
- anti-bot pages (slider, Baxia, expired cookie ``x5referer``, punish, login, mtop ``RGV587``) come back with
  status 200: `interstitial_marker` recognises them so nothing is parsed from them.

Everything is pure: bytes (or already decoded text), the URL and the fetch time in; raw records out.
"""

from __future__ import annotations

import functools
import html as htmllib
import json
import re
from datetime import datetime
from html.entities import html5 as _HTML5
from typing import Any, NamedTuple
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawlers.parsers.base import (
    InterstitialPage,
    ListPage,
    ParseError,
    RawRecord,
    _has_reference,
    bytes_clean,
    has_stripped,
    page_text,
    require,
)

Body = bytes | str

# --------------------------------------------------------------------------------------------- decoding

_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
# GBK and GB2312 pages are read as GB18030, their superset: a stray character outside GBK must not break a page.
_CHARSET_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030", "utf8": "utf-8"}


def declared_charset(body: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag near its top, or None."""
    match = _CHARSET_RE.search(body[:4096])
    return match.group(1).decode("ascii").lower() if match else None


@page_text
def decode(body: Body) -> tuple[str, bool]:
    """Decode a page: the declared charset first, else UTF-8; a body that fails both is read leniently. Returns the
    text and whether it is known to be clean already (`page_text` cleans it otherwise)."""
    if isinstance(body, str):
        return body, False
    if body.startswith(b"\xef\xbb\xbf"):
        return body[3:].decode("utf-8", errors="replace"), False
    declared = declared_charset(body)
    if _CHARSET_ALIASES.get(declared or "") == "gb18030" and not body.isascii():
        # A page that declares GBK but is valid UTF-8 was re-encoded on the way (a proxy, a replica, a saved
        # copy): Chinese GBK text is practically never valid UTF-8, while UTF-8 bytes decode as GB18030 mojibake.
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    tried = []
    for charset in (declared, "utf-8", "gb18030"):
        if not charset:
            continue
        charset = _CHARSET_ALIASES.get(charset, charset)
        if charset in tried:
            continue
        tried.append(charset)
        if charset == "gb18030":
            # a page within GBK (nearly every one) is read as such: the same text as GB18030's (each one- and
            # two-byte sequence GBK reads, GB18030 reads as the same character, none of them one `clean_text`
            # strips: tests/parsers/test_page_text.py), and its bytes tell whether it holds anything to clean
            # (`bytes_clean`: half the cost of cleaning its text)
            try:
                text = body.decode("gbk")
            except UnicodeDecodeError:
                pass
            else:
                return text, bytes_clean(body)
        try:
            text = body.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
        return text, charset == "utf-8" and body.isascii() and _ascii_clean(body, text)
    try:
        return body.decode(_CHARSET_ALIASES.get(declared or "", declared or "utf-8"), errors="replace"), False
    except LookupError:  # a charset no codec knows (a garbled declaration): read as UTF-8
        return body.decode("utf-8", errors="replace"), False


_REFUSED = object()


@functools.lru_cache(maxsize=8)  # a description's decode reads its JSON to check it, `fragment_text` then reads it again
def json_value(raw: str) -> Any:
    """orjson's reading of a JSON text, or ``_REFUSED`` when orjson refuses it."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _REFUSED


def _json_texts(value: Any, out: list[str]) -> None:
    """Every string of a JSON value, keys included, into ``out``."""
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            out.append(key)
            _json_texts(item, out)
    elif isinstance(value, list):
        for item in value:
            _json_texts(item, out)


def _ascii_clean(body: bytes, text: str) -> bool:
    """Whether `clean_text` would return the text of an ASCII body as it is (then `page_text` skips it).

    An ASCII body is its text's one-byte image, so `bytes_clean` of it checks what `clean_text` would. A JSON body (a
    \\u-escaped description or notice, whose escapes made that check cost 10 us) is told from orjson's reading of it
    instead, which `fragment_text` reuses: in JSON orjson accepts, a raw control character stands only in a string
    (but the whitespace `clean_text` keeps) and a backslash only in a string, where an odd run of them before ``uXXXX``
    is an escape; so a stripped character raw or escaped is one in a string or key orjson read. What is left to look
    for is an HTML reference."""
    if body[:1] in (b"{", b"[") and (value := json_value(text)) is not _REFUSED:
        texts: list[str] = []
        _json_texts(value, texts)
        return not has_stripped("\n".join(texts)) and not _has_reference(body)
    return bytes_clean(body)


# --------------------------------------------------------------------------------------------- anti-bot

# Markers that only ever appear on an anti-bot page (sources.md §1 "Anti-bot", §1b Baxia ``RGV587``), each with a
# literal that the pattern needs (a plain substring test is what makes scanning a content page cheap).
_STRONG_MARKERS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("亲，小二正忙，滑动一下马上回来", "小二正忙", re.compile(r"亲[，,]\s*小二正忙[，,]\s*滑动一下马上回来")),
    ("霸下通用 web 页面", "霸下通用", re.compile(r"霸下通用\s*web\s*页面", re.I)),
    ("x5referer", "x5referer", re.compile(r"写入到\s*x5referer")),
    ("_____tmd_____/punish", "_____tmd_____/punish", re.compile(r"_____tmd_____/punish")),
    ("x5secdata", "x5secdata=", re.compile(r"x5secdata=")),
    ("RGV587_ERROR", "RGV587_ERROR", re.compile(r"RGV587_ERROR")),
    ("FAIL_SYS_USER_VALIDATE", "FAIL_SYS_USER_VALIDATE", re.compile(r"FAIL_SYS_USER_VALIDATE")),
    ("login redirect", "//login.taobao.com",
     re.compile(r"""location(?:\.href)?\s*=\s*['"](?:https?:)?//login\.taobao\.com""")),
)
# A login page is told by its title, but only when the page carries none of the content markers below
# (a real page links to login.taobao.com from its header).
_LOGIN_TITLE_RE = re.compile(r"<title>[^<]*登录[^<]*</title>", re.I)
_CONTENT_MARKERS = ("sf-item-list-data", "J_HoverShow", "没有您要找的标的物", "sf-price")
_DETAIL_CONTENT_MARKERS = ("J_HoverShow", "sf-price", "sf-item-list-data", "没有您要找的标的物")  # a detail page's first
assert sorted(_DETAIL_CONTENT_MARKERS) == sorted(_CONTENT_MARKERS)
# (in a detail page's order: most pages a crawl checks are detail pages, and a marker missing is a scan of the page)
_CONTENT_MARKERS_ASCII = tuple(m.encode() for m in _DETAIL_CONTENT_MARKERS if m.isascii())


# For an ASCII text (a JSON fragment: one byte a character, where one character is found by memchr in 0.1 us and a word
# of several costs 1-2 us on 4 kB) each ASCII marker is looked for only when its rarest character is there: capitals,
# "_" and letters rare in English and in the escapes \uXXXX of a fragment first.
_RARITY = "JQZXKVYWGHUPBMFDRSNITOLCAE_jqzxkvywghupbmfdrsnitolcae"


def _gate(word: str) -> str | None:
    ranked = [c for c in word if c in _RARITY]
    return min(ranked, key=_RARITY.index) if ranked else None


_GATES = {word: _gate(word) for word in (*_CONTENT_MARKERS, *(literal for _, literal, _ in _STRONG_MARKERS))
          if word.isascii()}


def _holds(text: str, word: str) -> bool:
    """``word in text`` (for the markers below): an ASCII text without the word's gate character cannot hold it."""
    if text.isascii() and (gate := _GATES.get(word)) is not None and gate not in text:
        return False
    return find_word(text, word) != -1


# An ASCII text (a JSON fragment, ``\\u``-escaped) holds none of the Chinese words: only the ASCII content markers
# and the strong markers whose pattern is all ASCII are looked for there (the other three patterns start with a Chinese
# character, which they need), each behind its gate character, in the order `interstitial_marker` tries them.
_ASCII_STRONG = tuple((name, literal, _GATES.get(literal), pattern) for name, literal, pattern in _STRONG_MARKERS
                      if pattern.pattern.isascii())
assert all(not pattern.pattern[0].isascii() for _, _, pattern in _STRONG_MARKERS if not pattern.pattern.isascii())


@functools.lru_cache(maxsize=8)
def _ascii_gated(words: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    return tuple((word, _GATES.get(word)) for word in words if word.isascii())


def _ascii_marker(text: str, content_markers: tuple[str, ...]) -> str | None:
    """`interstitial_marker` of an ASCII text (the login title needs "登录", which such a text cannot hold). The
    strong markers are looked for first: most of them are refused by their gate in a fragment, where the content
    markers' words (``sf-price``) pass theirs; only a page with a strong marker needs the content markers' test."""
    for name, literal, gate, pattern in _ASCII_STRONG:
        if (gate is None or gate in text) and literal in text and pattern.search(text):
            break
    else:
        return None
    for word, gate in _ascii_gated(content_markers):
        if (gate is None or gate in text) and word in text:
            return None
    return name


def interstitial_marker(text: str, content_markers: tuple[str, ...] = _CONTENT_MARKERS) -> str | None:
    """The anti-bot marker found in a decoded page, or None for a content page.

    A page that carries real content (list data, the price table, the empty-result text) is no anti-bot page:
    that test is a few substring searches, where the marker scan is a dozen (``content_markers``: the same markers
    in the order a caller expects to find them first)."""
    if text.isascii():
        return _ascii_marker(text, content_markers)
    if any(_holds(text, marker) for marker in content_markers):
        return None
    for name, literal, pattern in _STRONG_MARKERS:
        if _holds(text, literal) and pattern.search(text):
            return name
    head = text[:8192]
    if "登录" in head and _LOGIN_TITLE_RE.search(head):
        return "login page"
    return None


def is_interstitial(body: Body) -> str | None:
    """For the downloader middleware: the anti-bot marker in ``body``, or None when it is a real page (told from
    the raw bytes when they carry a content marker, without decoding the page)."""
    if isinstance(body, bytes) and any(marker in body for marker in _CONTENT_MARKERS_ASCII):
        return None
    return interstitial_marker(decode(body))


def raise_if_interstitial(source: str, text: str, url: str, content_markers: tuple[str, ...] = _CONTENT_MARKERS) -> None:
    marker = interstitial_marker(text, content_markers)
    if marker:
        raise InterstitialPage(source, url, marker)


# --------------------------------------------------------------------------------------------- embedded JSON

_SCRIPT_OPEN_RE = re.compile(r"<script\b", re.I)
_SCRIPT_CLOSE_RE = re.compile(r"</script\s*>", re.I)
_ATTR_RE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_TRAILING_COMMA_RE = re.compile(r",(\s*[}\]])")
LIST_DATA = "sf-item-list-data"


def _attrs(raw: str) -> dict[str, str]:
    return {m.group(1).lower(): next(v for v in m.group(2, 3, 4) if v is not None) for m in _ATTR_RE.finditer(raw)}


def list_data_blocks(text: str) -> list[tuple[str, str]]:
    """Every ``(block id, JSON text)`` of the list data scripts: ``id="sf-item-list-data"`` (list pages) and
    ``class="sf-item-list-data"`` (the sf home page's car-data, house-data, … blocks), in page order.

    The marker is looked up directly and only the script tags that carry it are read (a list page has tens of
    other scripts; a regex over all of them cost more than parsing the JSON)."""
    blocks = []
    pos = 0
    while (hit := text.find(LIST_DATA, pos)) != -1:
        pos = hit + len(LIST_DATA)
        start = text.rfind("<", 0, hit)
        tag_end = text.find(">", hit)
        if start == -1 or tag_end == -1 or not _SCRIPT_OPEN_RE.match(text, start) or ">" in text[start:hit]:
            continue  # the marker is not inside a <script …> tag's attributes
        end_match = _SCRIPT_CLOSE_RE.search(text, tag_end)
        if end_match is None:
            break
        attrs = _attrs(text[start + 7:tag_end])
        if attrs.get("id") == LIST_DATA or LIST_DATA in attrs.get("class", "").split():
            blocks.append((attrs.get("id", ""), text[tag_end + 1:end_match.start()]))
        pos = end_match.end()
    return blocks


def loads(raw: str, source: str, field: str, url: str) -> Any:
    """Parse embedded JSON: strict and fast first, then tolerant of control characters and trailing commas."""
    raw = raw.strip()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        pass
    for candidate in (raw, _TRAILING_COMMA_RE.sub(r"\1", raw)):
        try:
            return json.loads(candidate, strict=False)
        except ValueError as exc:
            error = exc
    raise ParseError(source, field, url, f"embedded JSON does not parse: {error}")


# --------------------------------------------------------------------------------------------- small helpers

_ROUND_RE = re.compile(r"^\s*【([^】]*)】\s*")
_WS_RE = re.compile(r"\s+")


def split_round(title: str) -> tuple[str | None, str]:
    """``"【第一次拍卖】运城…"`` → ``("第一次拍卖", "运城…")``; a title without the prefix → ``(None, title)``."""
    match = _ROUND_RE.match(title)
    if not match:
        return None, title.strip()
    return match.group(1).strip() or None, title[match.end():].strip()


def squash(text: str) -> str:
    """Collapse runs of whitespace (layout, not content) to one space (str.split and ``\\s`` know the same
    whitespace; split and join cost a third of a regex substitution)."""
    return " ".join(text.split())


def absolute(href: str, base: str) -> str:
    """A protocol-relative or relative link made absolute; protocol-relative ones become https."""
    href = href.strip()
    if href.startswith("//"):
        return "https:" + href
    return urljoin(base, href)


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


_FREQUENT = frozenset("拍卖中的价物有人元公司第一二三次正置在地年月日不")


def _pivot(word: str) -> int:
    """The index of the character of ``word`` that `find_word` looks for: CPython finds one character of a two-byte
    string with memchr on its low byte, fast when that byte is rare in the page's two-byte image (not printable ASCII,
    nor 0x4E-0x9F, the high byte of every common Chinese character) and the character itself is not one an auction
    page is full of (``_FREQUENT``)."""
    def score(char: str) -> int:
        low = ord(char) & 0xFF
        frequent = 3 if char in _FREQUENT else 0
        return frequent + (3 if low == 0 else 2 if 0x20 <= low <= 0x7E else 1 if 0x4E <= low <= 0x9F else 0)

    return min(range(len(word)), key=lambda i: score(word[i]))


@functools.lru_cache(maxsize=64)
def _pivots(word: str) -> tuple[str, int]:
    at = _pivot(word)
    return word[at], at


def find_word(text: str, word: str, start: int = 0) -> int:
    """``text.find(word, start)``, faster for a word of Chinese characters in a page: CPython 3.11 searches a
    two-byte string for a word of several characters character by character (1-2 ns each, 50 us a 45 kB page),
    one character by memchr (a microsecond). One character of the word is found that way and the word checked
    around each hit; the first hit that holds the word is the leftmost occurrence."""
    if len(word) < 2 or word.isascii() or text.isascii():
        return text.find(word, start)
    char, offset = _pivots(word)
    at = text.find(char, start + offset)
    while at != -1:
        if text.startswith(word, at - offset):
            return at - offset
        at = text.find(char, at + 1)
    return -1


def _int_text(text: str | None) -> int | None:
    digits = re.sub(r"[,\s]", "", text or "")
    return int(digits) if digits.isdigit() else None


# --------------------------------------------------------------------------------------------- list pages

EMPTY_RESULT = "很抱歉，没有您要找的标的物"
_LIST_CATEGORY_PATH_RE = re.compile(r"/list/(\d+)(?:_[^/]*)?\.htm")
# JSON keys that map one-to-one onto Lot fields (value kept as the JSON has it).
_LIST_FIELDS = {
    "status": "status",
    "initialPrice": "reserve_price",
    "currentPrice": "current_price",
    "consultPrice": "appraisal_price",
    "marketPrice": "market_price",
    "start": "start_at",
    "end": "end_at",
    "viewerCount": "view_count",
    "bidCount": "bid_count",
    "applyCount": "applicant_count",
}
# 0 in these keys means "not given" (sources.md §1 sample: "marketPrice":0 on a house with an appraisal).
_ZERO_IS_ABSENT = {"consultPrice", "marketPrice"}


def url_category(url: str, params: tuple[str, ...]) -> str | None:
    """The category a list URL asks for: a query parameter (``category``, ``front_category``) or the
    ``/list/{cat}.htm`` path; ``0`` (everything) is no category."""
    parts = urlsplit(url)
    for param in params:
        value = (query_value(parts.query, param) or "").strip()
        if value and value != "0":
            return value
    match = _LIST_CATEGORY_PATH_RE.search(parts.path)
    if match and match.group(1) != "0":
        return match.group(1)
    return None


def query_value(query: str, param: str) -> str | None:
    """``parse_qs(query)[param][0]``, or None: the first non-empty value of ``param``, decoded as parse_qs decodes it
    (``+`` as space, percent escapes as UTF-8), without decoding the other fields (parse_qs cost 15 us a list URL)."""
    for field in query.split("&"):
        name, sep, value = field.partition("=")
        if not sep or not value:  # parse_qs leaves out fields without "=" and blank values
            continue
        if "%" in name or "+" in name:
            name = unquote(name.replace("+", " "))
        if name == param:
            return unquote(value.replace("+", " "))
    return None


def list_record(source: str, item: dict[str, Any], url: str, fetched_at: datetime, category: str | None) -> RawRecord:
    """One raw record from one item of the embedded list JSON."""
    if not isinstance(item, dict):
        raise ParseError(source, "data", url, f"list item is not an object: {item!r:.80}")
    lot_id = require(item.get("id"), source, "id", url)
    item_url = require(item.get("itemUrl"), source, "itemUrl", url)
    # The JSON carries the title as the page's HTML wrote it, entities and all (the real 2018 home page has
    # ``志高新城&middot;凯旋首府`` and ``杭派&bull;艳澜香堤``): the list script puts it into the page as HTML.
    title = htmllib.unescape(str(require(item.get("title"), source, "title", url)))
    round_, title = split_round(title)
    record: RawRecord = {
        "source": source,
        "source_lot_id": str(lot_id),
        "url": absolute(item_url, url),
        "fetched_at": fetched_at,
        "title": require(title, source, "title", url),  # not only a 【round】
    }
    if item.get("sellOff") is True:
        round_ = "变卖"
    if round_:
        record["round"] = round_
    for key, field in _LIST_FIELDS.items():
        value = item.get(key)
        if value is None or value == "" or (key in _ZERO_IS_ABSENT and value == 0):
            continue
        record[field] = value
    # An ended lot with bids was sold at its current price (sources.md §1: done = 成交 when bidCount ≥ 1).
    if item.get("status") == "done" and (item.get("bidCount") or 0) >= 1 and "currentPrice" in item:
        record["final_price"] = item["currentPrice"]
    item_category = (item.get("catNames") or item.get("collateralCatName") or "").strip() or category
    if item_category:
        record["category"] = item_category
    return record


def parse_list(
    source: str, body: Body, url: str, fetched_at: datetime, *, category_params: tuple[str, ...]
) -> ListPage:
    """A list (search, category, court, home) page → its records, next page and totals."""
    text = decode(body)
    blocks = list_data_blocks(text)
    if not blocks:  # an anti-bot page never carries list data: only a page without it needs the scan
        raise_if_interstitial(source, text, url)
        if EMPTY_RESULT in text:
            return ListPage(records=[], next_url=None, total_items=0, total_pages=0)
        raise ParseError(source, LIST_DATA, url, f"no list data and no {EMPTY_RESULT!r}")
    category = url_category(url, category_params)
    records: list[RawRecord] = []
    seen: set[str] = set()
    block_counts: dict[str, int] = {}
    for block_id, raw in blocks:
        data = loads(raw, source, LIST_DATA, url)
        items = data.get("data") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ParseError(source, LIST_DATA, url, f"block {block_id or '?'} has no data list")
        block_counts[block_id] = len(items)
        for item in items:
            record = list_record(source, item, url, fetched_at, category)
            if record["source_lot_id"] not in seen:  # the home page shows a lot in several blocks
                seen.add(record["source_lot_id"])
                records.append(record)
    extra = {"blocks": block_counts} if len(blocks) > 1 else {}
    totals = em_ints(text, _TOTALS)
    return ListPage(
        records=records,
        next_url=next_page(text, url),
        total_items=totals["count"],
        total_pages=totals["page-total"],
        extra=extra,
    )


# Pagination and totals are read with targeted patterns: building a whole HTML tree of a 70 KB list page for
# three small elements cost as much as the rest of the parse.
_NEXT_LINK_RE = re.compile(r"""<a\b[^>]*\bclass\s*=\s*["']([^"']*\bnext\b[^"']*)["'][^>]*>""", re.I)


def _tag_search(pattern: re.Pattern[str], page: str, word: str) -> re.Match[str] | None:
    """``pattern.search(page)`` for a pattern that starts at a tag's ``<`` and reads its attributes up to ``word``
    without crossing a ``>``: tried only at the ``<`` of each tag that holds the word (found by `_spelled`, in lower,
    capitalised or upper case). A case-insensitive regex scan costs 5-10 ns a character, the larger part of a small
    list page's parse; the first match found this way is the leftmost (of the tags that hold the word within
    4 kB of their start)."""
    hits = _spelled(page, word)
    tried: set[int] = set()
    for at in hits:
        # the tag's start lies after the last ">" before the word, and within 4 kB of it (no tag has attributes
        # that long before its class; a word inside a script or a JSON block has no ">" near it)
        low = max(0, at - 4096)
        start = page.find("<", max(page.rfind(">", low, at) + 1, low), at)
        while start != -1:
            if start not in tried:
                tried.add(start)
                if match := pattern.match(page, start):
                    return match
            start = page.find("<", start + 1, at)
    return None


def _spelled(page: str, word: str) -> list[int]:
    """Every place of ``word`` (ASCII letters in lower case) in ``page`` spelled in lower case, capitalised or upper
    case (``next``, ``Next``, ``NEXT``), in order. Two regex scans, for its rarest letter but the first in lower and in
    upper case with the letters around it checked in place (`_spelling_patterns`): the regex engine runs through the
    text for a one-character literal start faster than str.find for a word in a two-byte string, and building the
    page's lowered one-byte image (Latin-1 with "?" for the rest) to search it once costs more than both scans (on
    the two saved zc list pages, 35,000 characters: 28 us, against 66 for two str.find scans and 61 for the image)."""
    lower, upper, pivot = _spelling_patterns(word)
    found = [m.start() - pivot for m in lower.finditer(page)]
    if uppers := [m.start() - pivot for m in upper.finditer(page)]:
        found = sorted(found + uppers)
    return found


@functools.lru_cache(maxsize=8)
def _spelling_patterns(word: str) -> tuple[re.Pattern[str], re.Pattern[str], int]:
    """For `_spelled`: the patterns of ``word`` in lower (or capitalised) and in upper case, each starting at the
    word's letter at index ``pivot`` (a literal the regex engine looks for alone), the letters after it looked ahead
    for, the letters before it (and itself) looked behind for: ``x(?=t)(?<=[nN]ex)`` and ``X(?=T)(?<=NEX)``."""
    if not (word.isascii() and word.isalpha() and word.islower() and len(word) > 1):
        raise ValueError(f"_spelled looks for a word of two ASCII letters or more in lower case, not {word!r}")
    pivot = min(range(1, len(word)), key=lambda i: _RARITY.index(word[i]))

    def pattern(letters: str, first: str) -> re.Pattern[str]:
        ahead = f"(?={letters[pivot + 1:]})" if pivot + 1 < len(letters) else ""
        return re.compile(f"{letters[pivot]}{ahead}(?<={first}{letters[1:pivot + 1]})")

    upper = word.upper()
    return pattern(word, f"[{word[0]}{upper[0]}]"), pattern(upper, upper[0]), pivot


# Every prefix of a named character reference html.unescape knows ("fr" of "fr;", "frac12", …).
_ENTITY_PREFIXES = frozenset(name[:end] for name in _HTML5 for end in range(2, len(name) + 1))


def unescape(text: str) -> str:
    """``html.unescape(text)``, returned as it is without the call when no ``&`` in it starts a reference: a ``#`` or
    a name html.unescape would replace (it tries every prefix of the up to 32 characters after ``&``, 20 us on a list
    URL's query, whose ``&page=`` starts none). The characters after an ``&`` are walked while they spell the start
    of a name; a reference needs all of them to."""
    at = text.find("&")
    while at != -1:
        if text[at + 1:at + 2] == "#":
            return htmllib.unescape(text)
        end = at + 3
        while end <= len(text) and text[at + 1:end] in _ENTITY_PREFIXES:
            if text[at + 1:end] in _HTML5:
                return htmllib.unescape(text)
            end += 1
        at = text.find("&", at + 1)
    return text


def next_page(page: str, url: str) -> str | None:
    """The absolute URL of the ``a.next`` link, or None (absent, disabled or a javascript: link)."""
    match = _tag_search(_NEXT_LINK_RE, page, "next")
    if match is None or "disabled" in match.group(1).split():
        return None
    href = unescape(_attrs(match.group(0)[2:]).get("href", "")).strip()
    if not href or href.startswith(("javascript", "#")):
        return None
    return absolute(href, url)


@functools.lru_cache(maxsize=16)
def _em_pattern(css_class: str) -> re.Pattern[str]:
    """The first ``<em class="{css_class}">…</em>`` of a page, its text the group."""
    return re.compile(rf"""<em\b[^>]*\bclass\s*=\s*["']{re.escape(css_class)}["'][^>]*>(.*?)</em>""", re.I | re.S)


@functools.lru_cache(maxsize=16)
def _em_start(css_classes: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(name) for name in css_classes)
    return re.compile(rf"""<em\b[^>]*\bclass\s*=\s*["'](?:{names})["']""", re.I)


_TOTALS = ("count", "page-total")  # a list page's <em class="count"> (lots found) and <em class="page-total">


def em_ints(page: str, css_classes: tuple[str, ...]) -> dict[str, int | None]:
    """The number in the first ``<em class="…">`` of each class, in one scan of the page where each class cost one
    (a case-insensitive regex scan, tried at every ``<``: on the two saved zc list pages, 26 us for both classes
    against 38). The opening of an ``em`` of any of the classes is looked for, and the first place where one's whole
    pattern matches is that class's: where a class's pattern matches, so does the opening (it is that pattern's
    start), so no place of it is passed over."""
    found: dict[str, int | None] = {}
    start, pos = _em_start(css_classes), 0
    while len(found) < len(css_classes) and (opening := start.search(page, pos)) is not None:
        for css_class in css_classes:
            if css_class not in found and (match := _em_pattern(css_class).match(page, opening.start())):
                found[css_class] = _int_text(match.group(1))
        pos = opening.start() + 1
    return {css_class: found.get(css_class) for css_class in css_classes}


def _node_text(node: LexborNode | None) -> str | None:
    return node.text(deep=True) if node is not None else None


# --------------------------------------------------------------------------------------------- detail pages

# Price-table labels, whitespace removed → Lot field, in order of preference: a 变卖 page may show both 保证金
# (the deposit) and 变卖预缴款 (the sell-off price paid in advance), and then 保证金 is the deposit.
PRICE_LABELS: dict[str, str] = {
    "起拍价": "reserve_price",
    "变卖价": "reserve_price",
    "起始价": "reserve_price",
    "评估价": "appraisal_price",
    "市场价": "market_price",
    "保证金": "deposit",
    "变卖预缴款": "deposit",
    "加价幅度": "increment",
}
_DIGIT_RE = re.compile(r"\d")
_COLONS = (":", "：")


def _label(mark: str) -> str:
    """A price-table label without whitespace and colons (``" 起 拍 价 ："`` → ``"起拍价"``): split and join,
    where a regex substitution per cell cost a twentieth of a small page's parse (str.split and ``\\s`` know the
    same whitespace)."""
    label = "".join(mark.split())
    return label.replace(":", "").replace("：", "") if ":" in label or "：" in label else label


def _after_colons(text: str) -> str:
    """``text`` stripped, then without the colons (and the whitespace between them) it starts with: ``": 1天 "`` →
    ``"1天"``."""
    text = text.strip()
    while text.startswith(_COLONS):
        text = text[1:].strip()
    return text


def price_table(tree: LexborHTMLParser, tbody: LexborNode | None | bool = False) -> dict[str, str] | None:
    """``tbody#J_HoverShow`` as ``{label without whitespace: value text}``, or None when the table is missing
    (``tbody``: that node, or None, when the caller has looked it up already).

    The value is the ``span.J_Price`` text as written (``"3,300,000 "``) when the cell has one, else the
    cell's text after the label (``"1天"``, ``"无"``)."""
    if tbody is False:
        tbody = tree.css_first("tbody#J_HoverShow")
    if tbody is None:
        return None
    table: dict[str, str] = {}
    # Three queries over the table, each cell's first mark and price found by walking each span's ancestors: what a
    # css_first per cell gives (the first in document order, nested cells included), without compiling two
    # selectors a cell (2 us each, a tenth of a small page's parse).
    stop = tbody.mem_id
    marks = _first_in_cells(tbody.css("span.pay-mark"), stop)
    prices = _first_in_cells(tbody.css("span.J_Price"), stop)
    for cell in tbody.css("td"):
        mark = marks.get(cell.mem_id)
        if mark is None:
            continue
        mark_text = mark.text(deep=True)
        label = _label(mark_text)
        price = prices.get(cell.mem_id)
        if price is not None:
            value = price.text(deep=True)
        else:
            whole = cell.text(deep=True)
            value = _after_colons(whole[whole.find(mark_text) + len(mark_text):])
        if label and label not in table:
            table[label] = value
    return table


def _first_in_cells(nodes: list[LexborNode], stop: int) -> dict[int, LexborNode]:
    """For every ``td`` that holds one of ``nodes`` (in document order), below the node whose mem_id is ``stop``:
    td's mem_id → the first of them it holds."""
    first: dict[int, LexborNode] = {}
    for node in nodes:
        parent = node.parent
        while parent is not None and (at := parent.mem_id) != stop:
            if parent.tag == "td" and at not in first:
                first[at] = node
            parent = parent.parent
    return first


def price_fields(table: dict[str, str]) -> dict[str, str]:
    """Lot money fields from a price table (labels already without whitespace). A value without a digit
    (``无``, ``-``) means the price is not given and is left out."""
    fields: dict[str, str] = {}
    for label, field in PRICE_LABELS.items():
        value = table.get(label)
        if value is not None and field not in fields and _DIGIT_RE.search(value):
            fields[field] = value
    return fields


_ID_IN_URL_RE = re.compile(r"/(\d{6,})\.htm")
# Banner sentences of an ended lot (``本场拍卖已流拍 ！``) → the list JSON's status code.
_BANNER_RE = re.compile(r"本[场次]?(?:拍卖|变卖|标的物?)?已(?:被)?(流拍|撤回|中止|暂缓)")
_BANNER_STATUS = {"流拍": "failure", "撤回": "revocation", "中止": "break", "暂缓": "break"}
_J_STATUS = {"4": "failure"}  # sources.md §1: J_Status = 4 on a 流拍 item; other values are not documented
_TAG_RE = re.compile(r"<[^>]+>")
_BANNER_NODES = "div.pm-bid h1, div.pm-bid h2, div.pm-bid p, div.pm-bid div, .bid-fail, .pm-status-notice"
_BANNER_WORDS = tuple(_BANNER_STATUS)


@functools.lru_cache(maxsize=16)
def _labelled_pattern(label: str) -> re.Pattern[str]:
    return re.compile(re.escape(label) + r"\s*[:：]\s*(?:<[^>]+>\s*)*([^<]+)")


def labelled(html: str, label: str) -> str | None:
    """The text right after ``label：`` in an HTML fragment, skipping tags (``处置单位：<a>X</a>`` → ``X``)."""
    # Each occurrence of the label is found by str.find and the rest matched there: what re.search gives, without
    # its character-by-character scan of a 25 kB page for the label's first character.
    pattern = _labelled_pattern(label)
    match = None
    at = find_word(html, label)
    while at != -1 and (match := pattern.match(html, at)) is None:
        at = find_word(html, label, at + 1)
    if not match:
        return None
    value = squash(htmllib.unescape(match.group(1)))
    return value or None


_EPOCH_RE = re.compile(r"-?\d+")


def _epoch_ms(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if _EPOCH_RE.fullmatch(value) else None


def _status(tree: LexborHTMLParser, page: str, countdown: LexborNode | None, sold: bool,
            status_input: LexborNode | None) -> str | None:
    """The detail page's state as the site's list status code (todo/doing/done/failure/break/revocation)."""
    # A banner names its outcome (流拍 / 撤回 / 中止 / 暂缓): on a page whose text has none of the words (a lot on sale)
    # the banner nodes are not looked for (the query costs a tenth of the page's parse).
    banners = tree.css(_BANNER_NODES) if any(find_word(page, word) != -1 for word in _BANNER_WORDS) else ()
    for node in banners:
        match = _BANNER_RE.search(node.text(deep=True))
        if match:
            return _BANNER_STATUS[match.group(1)]
    code = (status_input.attributes.get("value") or "").strip() if status_input is not None else ""
    if code in _J_STATUS:
        return _J_STATUS[code]
    if sold:
        return "done"
    if countdown is not None:
        to_start = _epoch_ms(countdown.attributes.get("data-timetostart"))
        to_end = _epoch_ms(countdown.attributes.get("data-timetoend"))
        if to_start is not None and to_start > 0:
            return "todo"
        if to_end is not None and to_end > 0:
            return "doing"
        if to_end is not None:
            return "done"
    return None


def detail_title(tree: LexborHTMLParser) -> str | None:
    """The lot's ``h1`` in ``div.pm-main`` (the outcome banners ``h1.bid-fail`` … are h1s there too)."""
    # the first h1 is the title on every known page: css_first stops there, where css walks the whole tree (5 against
    # 11 us on a 47 kB page); the others are looked at only when it is a banner
    first = tree.css_first("div.pm-main h1")
    if first is None:
        return None
    if not (first.attributes.get("class") or "").startswith("bid-"):
        return squash(first.text(deep=True))
    for node in tree.css("div.pm-main h1"):
        if not (node.attributes.get("class") or "").startswith("bid-"):
            return squash(node.text(deep=True))
    return None


# The detail page's elements found by id, each the first in document order as ``tree.css_first(selector)`` finds it.
_BY_ID = {"sf-countdown": "li#sf-countdown", "J_ItemId": "#J_ItemId", "J_HoverShow": "tbody#J_HoverShow",
          "sf-price": "li#sf-price", "J_Status": "#J_Status", "J_Looker": "em#J_Looker", "itemAddress": "#itemAddress",
          "J_Coordinate": "input#J_Coordinate"}


def id_index(selectors: dict[str, str]) -> tuple[dict[str, str], dict[str, str | None], frozenset[str]]:
    """``selectors`` (id → a selector of that id) for `by_id`, with the tag each names (None: any) and the ids
    casefolded."""
    tags = {key: selector.partition("#")[0] or None for key, selector in selectors.items()}
    return selectors, tags, frozenset(key.casefold() for key in selectors)


_BY_ID_INDEX = id_index(_BY_ID)


def by_id(tree: LexborHTMLParser, index: tuple[dict[str, str], dict[str, str | None], frozenset[str]] = _BY_ID_INDEX
          ) -> dict[str, LexborNode | None]:
    """The elements of an `id_index` (`_BY_ID`'s by default), each what ``tree.css_first(selector)`` finds, by one
    query of the tree instead of one each (each query walks the whole tree: the eight cost a tenth of a detail page's
    parse). The query is ``[id]``, every element with an id, told apart by ``node.id`` and tag in Python: lexbor
    tests each selector of a list at every node, so one ``[id]`` walk and the page's 15-80 ids cost about half of
    the eight selectors' (7 against 12 us on a 4.5 kB page, 23 against 39 on a 47 kB one). A node whose id is one of
    them but for case (a quirks-mode page matches ids without regard to case) sends every selector back to its own
    query."""
    selectors, tags, folded = index
    found: dict[str, LexborNode] = {}
    for node in tree.css("[id]"):
        element_id = node.id
        if element_id in selectors:
            tag = tags[element_id]
            if element_id not in found and (tag is None or node.tag == tag):
                found[element_id] = node
        elif element_id is not None and element_id.casefold() in folded:
            return {key: tree.css_first(selector) for key, selector in selectors.items()}
    return {key: found.get(key) for key in selectors}


class _Page(NamedTuple):
    body: Body
    text: str
    tree: LexborHTMLParser
    nodes: dict[str, LexborNode | None]  # the elements by id: filled by `detail_nodes`


class _LastPage:
    """A detail page's text and tree, the last page's kept: the spider asks `parse_detail` for the record and then
    `detail_links` for the lazily loaded parts of the very same page (the response's one ``bytes`` object), which
    decoded and parsed it a second time (a third of the crawl's parsing). Bytes and text are immutable, so the same
    object is the same page; the tree is only read (queries), never changed."""

    def __init__(self) -> None:
        self._last: _Page | None = None

    def page(self, body: Body) -> _Page:
        last = self._last  # (one read: a page, its tree and its elements are replaced together)
        if last is not None and last.body is body:
            return last
        text = decode(body)
        page = _Page(body, text, LexborHTMLParser(text), {})
        if isinstance(body, (bytes, str)):
            self._last = page
        return page

    def cache_clear(self) -> None:
        self._last = None


def detail_nodes(page: _Page) -> dict[str, LexborNode | None]:
    """The elements of `_DETAIL_IDS` of a `detail_page`: those `parse_detail` reads and the lazy parts
    `detail_links` reads, by one query of its tree for both (each query walks the whole tree)."""
    if not page.nodes:
        page.nodes.update(by_id(page.tree, _DETAIL_IDS_INDEX))
    return page.nodes


detail_page = _LastPage()


def parse_detail(source: str, body: Body, url: str, fetched_at: datetime) -> RawRecord:
    """A lot's detail page → one raw record (the spider lays it over the list record)."""
    page = detail_page.page(body)
    text, tree = page.text, page.tree
    raise_if_interstitial(source, text, url, _DETAIL_CONTENT_MARKERS)
    nodes = detail_nodes(page)
    countdown = nodes["sf-countdown"]

    item_input = nodes["J_ItemId"]
    lot_id = (item_input.attributes.get("value") or "").strip() if item_input is not None else ""
    if not lot_id and countdown is not None:
        lot_id = (countdown.attributes.get("data-itemid") or "").strip()
    if not lot_id:
        match = _ID_IN_URL_RE.search(urlsplit(url).path)
        lot_id = match.group(1) if match else ""
    require(lot_id, source, "source_lot_id", url)

    round_, title = split_round(require(detail_title(tree), source, "title", url))
    table = price_table(tree, nodes["J_HoverShow"])
    if table is None:
        raise ParseError(source, "price_table", url, "tbody#J_HoverShow is missing")
    record: RawRecord = {
        "source": source,
        "source_lot_id": lot_id,
        "url": without_query(url),
        "fetched_at": fetched_at,
        "title": require(title, source, "title", url),
    }
    if round_:
        record["round"] = round_
    record.update(price_fields(table))
    require(record.get("reserve_price"), source, "reserve_price", url)
    if "变卖价" in table and "round" not in record:
        record["round"] = "变卖"

    sold = False
    price_box = nodes["sf-price"]
    if price_box is not None:
        price = next(
            (em for em in price_box.css("span.pm-current-price em") if "rmb-unit" not in (em.attributes.get("class") or "")),
            None,
        )
        if price is not None and price.text(deep=True).strip():
            record["current_price"] = price.text(deep=True)
            sold = "成交价" in price_box.text(deep=True)
            if sold:
                record["final_price"] = record["current_price"]

    if countdown is not None:
        for attr, field in (("data-start", "start_at"), ("data-end", "end_at")):
            value = _epoch_ms(countdown.attributes.get(attr))
            if value:
                record[field] = value
    status = _status(tree, text, countdown, sold, nodes["J_Status"])
    if status:
        record["status"] = status

    for selector, field in (
        ("span.J_Record", "bid_count"),  # the 竞买记录 (N) tab
        ("em.J_Applyer", "applicant_count"),
        ("span.pm-reminder em", "reminder_count"),
        ("em#J_Looker", "view_count"),
    ):
        node = nodes["J_Looker"] if selector == "em#J_Looker" else tree.css_first(selector)
        if node is not None and node.text(deep=True).strip():
            record[field] = node.text(deep=True).strip()

    unit = labelled(text, "处置单位")
    if unit:
        record["disposal_unit"] = unit
    address_node = nodes["itemAddress"]
    place = squash(address_node.text(deep=True)) if address_node is not None else None
    place = place or labelled(text, "标的物所在地")
    if place:
        record["location"] = place
        record["address"] = place
    coordinate = nodes["J_Coordinate"]
    if coordinate is not None:
        lng_lat = _coordinates(coordinate.attributes.get("value"))
        if lng_lat:
            record["lng"], record["lat"] = lng_lat
    return record


def _coordinates(value: str | None) -> tuple[float, float] | None:
    parts = [p.strip() for p in (value or "").split(",")]
    try:
        lng, lat = (float(p) for p in parts)
    except ValueError:
        return None
    if (lng, lat) == (0.0, 0.0) or not (-180 <= lng <= 180 and -90 <= lat <= 90):
        return None
    return lng, lat


# The lazily loaded parts of a detail page: element id → key in `detail_links`.
LAZY_PARTS = {
    "J_NoticeDetail": "notice",
    "J_ItemNotice": "item_notice",
    "J_DownLoadFirst": "attachments",
    "J_DownLoadSecond": "attachments_2",
    "J_desc": "desc",
    "J_RecordContent": "bid_records",
}
_LAZY_SELECTORS = {element_id: f"#{element_id}" for element_id in LAZY_PARTS}
_DETAIL_IDS = {**_BY_ID, **_LAZY_SELECTORS}
assert len(_DETAIL_IDS) == len(_BY_ID) + len(_LAZY_SELECTORS)
_DETAIL_IDS_INDEX = id_index(_DETAIL_IDS)


def detail_links(body: Body, url: str) -> dict[str, str]:
    """The absolute URLs of a detail page's lazily loaded parts (``data-from`` attributes), by name:
    ``notice`` (竞买公告 JSON), ``item_notice`` (竞买须知), ``attachments``/``attachments_2``, ``desc``
    (标的物介绍), ``bid_records``; missing parts are left out."""
    nodes = detail_nodes(detail_page.page(body))
    links: dict[str, str] = {}
    for element_id, name in LAZY_PARTS.items():
        node = nodes[element_id]
        href = (node.attributes.get("data-from") or "").strip() if node is not None else ""
        if href:
            links[name] = absolute(href, url)
    return links


# --------------------------------------------------------------------------------------------- JSON fragments

_JSONP_RE = re.compile(r"^\s*[\w$.]*\s*\((.*)\)\s*;?\s*$", re.S)
_UNICODE_ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")
# （2026）晋08执恢123号, (2019)粤民终123号: year in brackets, court abbreviation and court code, case type, serial, 号.
_CASE_NUMBER_RE = re.compile(
    r"[（(]\s*(?:19|20)\d{2}\s*[）)]\s*[\u4e00-\u9fa5]{1,3}\d{0,6}[\u4e00-\u9fa5]{1,6}\s*\d+(?:-\d+)?\s*号"
)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@functools.lru_cache(maxsize=8)  # page_kind (is_claim_desc) and parse_desc read the same fragment: decode it once
def fragment_text(body: Body) -> str:
    """The readable text of a JSON / JSONP / ``var x='…'`` response: every string in the JSON joined, or the raw
    text with ``\\uXXXX`` escapes decoded, HTML entities resolved."""
    text = decode(body).strip()
    match = _JSONP_RE.match(text)
    candidate = match.group(1) if match and not text.startswith(("{", "[")) else text
    try:  # orjson first (a fifth of json's time); what it refuses (control characters in strings, NaN) json reads
        value = json_value(candidate)
        if value is _REFUSED:
            value = json.loads(candidate, strict=False)
        joined = "\n".join(_strings(value))
    except ValueError:
        joined = _UNICODE_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return htmllib.unescape(joined)


def looks_like_fragment(text: str) -> bool:
    """True for a JSON / JSONP / ``var desc='…'`` body (not an HTML page)."""
    head = text.lstrip()[:200]
    return head.startswith(("{", "[", "var ")) or bool(re.match(r"^[\w$.]*\s*\(", head))


def parse_notice(source: str, body: Body, url: str, fetched_at: datetime) -> dict[str, str]:
    """The 竞买公告 JSON → ``{"case_number": "（2026）晋08执恢123号"}``, or {} when it names no case.

    A notice often cites the judgment (``（2025）晋08民初77号``) before the enforcement case that orders the sale;
    the first enforcement number (one with 执) is taken, else the first case number."""
    text = decode(body)
    raise_if_interstitial(source, text, url)
    numbers = [_WS_RE.sub("", m.group(0)) for m in _CASE_NUMBER_RE.finditer(fragment_text(text))]
    if not numbers:
        return {}
    return {"case_number": next((n for n in numbers if "执" in n), numbers[0])}


# 债权 description labels (``>债权本金：<…">值<``) → Lot field; the first label present wins.
DESC_LABELS: dict[str, tuple[str, ...]] = {
    "principal": ("债权本金", "本金金额"),
    "interest": ("未尝利息", "未偿利息", "利息金额"),
    "total_claim": ("本息合计", "债权余额"),
    "claim_as_of": ("基准日",),
    "debtor": ("债务人名称",),
    "guarantors": ("担保人",),
    "collateral": ("抵押信息",),
}
_DESC_MARKERS = ("债权本金", "本金金额", "本息合计", "债权余额", "债务人名称", "未尝利息")
_EMPTY_VALUES = {"", "-", "--", "/", "无"}


# A label and, looked ahead at (the match ends with the label, so a label inside what follows is found too), its value;
# an occurrence without a value does not match, and a later one of the same label may.
# (The lookahead after ">" holds whitespace and the labels' first characters: at most of a fragment's ">" the next
# character is "<" or text, refused by one set test instead of an attempt at each of the eleven labels.)
_DESC_LABEL_FIRST = "".join(sorted({label[0] for labels in DESC_LABELS.values() for label in labels}))
_DESC_LABEL_RE = re.compile(r">(?=[\s" + _DESC_LABEL_FIRST + r"])\s*("
                            + "|".join(re.escape(l) for ls in DESC_LABELS.values() for l in ls) + ")"
                            r"(?=\s*[:：]\s*(?:<[^>]*>\s*)+([^<]+?)\s*<)")


def desc_values(html: str) -> dict[str, str | None]:
    """`desc_value` of every label of ``DESC_LABELS`` in one scan of the fragment (label → value or None): the
    labels are found by one alternation with the value read at each occurrence, the first occurrence that has one
    wins — what a search per label gives, in one pass."""
    values: dict[str, str | None] = {}
    for label, value in _DESC_LABEL_RE.findall(html):
        if label in values:
            continue
        text = squash(value)
        values[label] = None if text in _EMPTY_VALUES or text.endswith((":", "：")) else text
    return values


def desc_value(html: str, label: str) -> str | None:
    """The first text after ``>label：`` and the tags that follow it (``>债权本金：</span></td><td><span
    class="v">1,234.56万元<`` → ``"1,234.56万元"``), as the page wrote it; None when the value cell is empty
    (the next text is then another label)."""
    pattern = r">\s*" + re.escape(label) + r"\s*[:：]\s*(?:<[^>]*>\s*)+([^<]+?)\s*<"
    match = re.search(pattern, html)
    if not match:
        return None
    value = squash(match.group(1))
    return None if value in _EMPTY_VALUES or value.endswith((":", "：")) else value


def is_claim_desc(text: str) -> bool:
    """True when a description fragment carries the 债权 (loan claim) labels."""
    readable = fragment_text(text)
    return any(f">{m}" in readable.replace(" ", "") for m in _DESC_MARKERS)


def _collateral(value: str) -> list[dict[str, str]]:
    """抵押信息 lists one pledged asset per ``；``-separated part."""
    return [{"description": part.strip()} for part in re.split(r"[；;]", value) if part.strip()]


def parse_desc(source: str, body: Body, url: str, fetched_at: datetime) -> dict[str, Any]:
    """The zc 债权 description (``json/get_pc_desc.htm?item_id=``, unicode-escaped HTML) → claim fields.

    Values stay as written (``"1,234.56万元"``, ``"2026年6月20日"``); ``guarantors`` is the raw 担保人 text
    (the normalizer splits it); ``collateral`` is ``[{"description": …}]``, one per ``；``-separated item of
    抵押信息."""
    text = decode(body)
    raise_if_interstitial(source, text, url)
    found = desc_values(fragment_text(text))
    fields: dict[str, Any] = {}
    for field, labels in DESC_LABELS.items():
        for label in labels:
            value = found.get(label)
            if value:
                fields[field] = _collateral(value) if field == "collateral" else value
                break
    return fields


# --------------------------------------------------------------------------------------------- page kinds

_DETAIL_MARKERS = ("J_HoverShow", 'id="sf-price"', "id='sf-price'", 'id="J_ItemId"')


def page_kind(text: str) -> str | None:
    """What a decoded body is, by its content: ``"interstitial"``, ``"list"``, ``"detail"``, ``"desc"``
    (a 债权 description), ``"notice"`` (any other JSON fragment), or None."""
    if interstitial_marker(text):
        return "interstitial"
    if any(m in text for m in _DETAIL_MARKERS):
        return "detail"
    if LIST_DATA in text or EMPTY_RESULT in text:
        return "list"
    if looks_like_fragment(text):
        return "desc" if is_claim_desc(text) else "notice"
    return None
