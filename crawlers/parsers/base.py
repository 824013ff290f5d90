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
  ``units``       ``{field: "yuan" | "fen" | "wan" | "yuan_or_wan" | "yuan_or_wan_one_debtor" | None}`` for amounts that carry no unit in their text
                  (default ``"yuan"``; Alibaba's mtop API gives fen)
  ``category``    the site's category id or name, used to derive ``asset_type``
  ``location_code`` a GB2260 area code (``"440304"``)
  ``location``    free text such as ``"山西 运城 盐湖 …"`` from which province / city / district come
  ============== ===============================================================================

Records are merged by the spider (list record, then detail record on top: the detail page wins for the
fields it has). ``normalizers.lot.to_lot(record)`` turns a merged record into a validated ``Lot``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

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


# --------------------------------------------------------------------------------------------- the page boundary
# Control characters (C0 but tab, newline and carriage return; DEL; C1) and zero-width characters (U+200B-U+200D,
# U+2060, U+FEFF) are never content: stray ones in a page change values silently (an ANSI colour before
# 【第二次拍卖】 keeps the escape in the title and hides the round). Every source's decode strips them once, from the
# decoded text, before any field is read (`page_text`). Each comes in three spellings, all handled here with regular
# expressions (no library covers the JSON and HTML spellings): raw, escaped in JSON (``\u001b``, also inside
# JSON embedded in HTML) and as an HTML character reference (``&#27;``, ``&#x200B;``). An escape sequence (ECMA-48:
# ``ESC [ … m`` colours, ``ESC ] … BEL`` titles, two-character ``ESC x``, C1 CSI) goes whole: stripping ESC alone
# would leave ``[31m`` in the text.
_STRIPPED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff"
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (colours, cursor moves)
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (window title, hyperlinks) up to BEL or ST
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
)
_CONTROLS = re.compile(f"[{_STRIPPED}]+")
# \uXXXX of a stripped character in JSON, after an odd run of backslashes (an even run is an escaped backslash
# followed by plain text).
_JSON_ESCAPED = re.compile(r"(\\+)u(00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|200[bBcCdD]|2060|[fF][eE][fF][fF])")
_HTML_REFERENCE = re.compile(r"&#(?:[xX]0*([0-9a-fA-F]{1,4})|0*([0-9]{1,5}));?")
_KEPT = {0x09, 0x0A, 0x0D}
# C1 references (&#128;-&#159;) are not in it: HTML reads them as Windows-1252 characters (&#128; is €).
_STRIPPED_REFERENCES = frozenset(range(0x20)) - _KEPT | {0x7F, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}


def _json_escape(match: re.Match[str]) -> str:
    slashes, code = match.group(1), int(match.group(2), 16)
    if len(slashes) % 2 == 0 or code in _KEPT:
        return match.group(0)
    return slashes[:-1] + chr(code)  # the raw character, stripped below with the raw ones


def _html_reference(match: re.Match[str]) -> str:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return chr(code) if code in _STRIPPED_REFERENCES else match.group(0)


# Fast path: on a clean page the substitutions are skipped. A regex scan costs 1 ns (a literal prefix) to 20 ns (a
# character class) a character of Chinese text, and an `in` test per stripped character (61 of them) about 100 us
# on a 25 kB page. The text is looked at through its one-byte image (`_narrow`: each Latin-1 character as itself,
# every other as "?", so that positions and neighbours stay; 20-40 us on such a page), where bytes searches are
# cheaper: the 56 stripped characters below U+0100 in one byte deletion, the references by one bytes regex; the five
# zero-width characters by `in`.
_STRIPPED_CHARS = tuple(chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)
                        if c not in _KEPT)
_STRIPPED_LATIN1 = bytes(ord(c) for c in _STRIPPED_CHARS if ord(c) < 0x100)
_STRIPPED_WIDE = tuple(c for c in _STRIPPED_CHARS if ord(c) >= 0x100)
# The references `_HTML_REFERENCE` rewrites (a code read from at most 4 hex / 5 decimal digits): a page full of
# &#165; (¥) goes through the substitution only when one of them is there. A code below 10,000 (0x1000) is followed by
# no further digit (or it would be another code); a longer one is taken from its first digits. ASCII only, so it
# reads the one-byte image as it would the text.
_REFERENCE_MARKER = re.compile(rb"&#(?:[xX]0*(?:(?:1?[0-9a-fA-F]|7[fF])(?![0-9a-fA-F])|200[bBcCdD]|2060|"
                               rb"[fF][eE][fF][fF])|0*(?:(?:[0-9]|[12][0-9]|3[01]|127|820[345]|8288)(?![0-9])|65279))")
# The escapes `_JSON_ESCAPED` rewrites, by their first digits: \uFEFF in full, since Chinese JSON is full of \uFF0C
# and \uFF1A, full-width punctuation, and a looser marker sent every such page through the substitution.
_JSON_MARKER = re.compile(rb"\\u(?:00[01789]|20[06]|[fF][eE][fF][fF])")  # (ASCII: read in the one-byte image)


def _narrow(text: str) -> bytes:
    """One byte per character of ``text``: a Latin-1 character as itself, any other as ``?``."""
    return text.encode("latin-1", "replace")


def has_stripped(text: str, narrow: bytes | None = None) -> bool:
    """Whether ``text`` (whose `_narrow` image ``narrow`` is, when given) holds a raw control or zero-width
    character (one `clean_text` strips)."""
    narrow = _narrow(text) if narrow is None else narrow
    if len(narrow.translate(None, _STRIPPED_LATIN1)) != len(narrow):
        return True
    return any(char in text for char in _STRIPPED_WIDE)


def _has_reference(narrow: bytes) -> bool:
    """Whether the text whose `_narrow` image is ``narrow`` holds a reference `_HTML_REFERENCE` strips (a bytes
    regex scan: about 0.5 ns a byte, where the text's costs 1 ns a character and a two-byte bytes.find 1.3 ns),
    scanned from the first "&" (one memchr: a page may hold none, or its first only near the end), when a "#" follows
    it (a second memchr: a 10 kB 中拍平台 list page has 26 "&" and no "#", 0.3 us where the scan took 3.5)."""
    at = narrow.find(b"&")
    return at != -1 and narrow.find(b"#", at) != -1 and _REFERENCE_MARKER.search(narrow, at) is not None


def clean_text(text: str) -> str:
    """``text`` without control and zero-width characters, raw, JSON-escaped or as HTML references, and without
    terminal escape sequences (tab, newline and carriage return stay)."""
    narrow = _narrow(text)
    if b"\\" in narrow and _JSON_MARKER.search(narrow):
        text = _JSON_ESCAPED.sub(_json_escape, text)
        narrow = _narrow(text)
    if _has_reference(narrow):
        cleaned = _HTML_REFERENCE.sub(_html_reference, text)
        if cleaned != text:
            text, narrow = cleaned, _narrow(cleaned)
    if has_stripped(text, narrow):
        text = _CONTROLS.sub("", _ESCAPE_SEQUENCE.sub("", text))
    return text


# A page's bytes, read by a codec that maps no byte sequence to a character `clean_text` strips other than the C0
# controls and DEL themselves, and in which those bytes never occur inside a multi-byte sequence (GBK: lead bytes
# 0x81-0xFE, trail bytes 0x40-0xFE but 0x7F), can be checked for all of it in the bytes: a control byte there is a
# control character in the text and the other way round, and the JSON escapes and HTML references are ASCII, found
# in the bytes wherever they are in the text (a trail byte may look like ASCII: a false alarm, then `clean_text` runs).
# On a 45 kB GBK page that is 25 us (29 memchr calls and two regex scans of the bytes) where `clean_text` spends 80
# (the one-byte image of 35,000 characters, then its scans). UTF-8 is such a codec too for the C0 controls and DEL
# (its multi-byte sequences are of bytes 0x80 and above): `utf8_clean` adds the other stripped characters.
_STRIPPED_C0 = bytes(c for c in (*range(0x20), 0x7F) if c not in _KEPT)


def bytes_clean(raw: bytes) -> bool:
    """Whether ``raw`` holds no C0 control (but tab, newline, carriage return), no DEL and no JSON escape or HTML
    reference of a stripped character: for a page read by a codec as described above (GBK), whether `clean_text`
    would return its text as it is."""
    # one memchr per byte value (``int in bytes``): the 29 cost 1.5 us on a 4.5 kB page and 9 on a 47 kB one, where a
    # deletion scan (bytes.translate) costs 2.4 and 24
    if any(byte in raw for byte in _STRIPPED_C0):
        return False
    if b"\\" in raw and _JSON_MARKER.search(raw):
        return False
    return not _has_reference(raw)


# A C1 control in UTF-8: 0xC2, then 0x80-0x9F (0xC2 leads only U+0080-U+00BF, rare in a Chinese page).
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")


def utf8_clean(raw: bytes, text: str | None = None) -> bool:
    """Whether ``text``, the strict UTF-8 decoding of ``raw``, is what `clean_text` returns: `bytes_clean` checks the
    C0 controls, DEL, escapes and references in the bytes, a C1 control is found by its two bytes, and the five
    zero-width characters are looked for in the text (their bytes' lead, 0xE2 or 0xEF, also starts the common Chinese
    punctuation, which makes a search of the bytes slower). On a 34 kB UTF-8 list page, 24 us against 59 for
    `clean_text`. Without ``text`` (a reader of the bytes themselves, such as orjson, which refuses bytes that are not
    UTF-8), bytes holding a 0xE2 or 0xEF are taken as not clean."""
    if not bytes_clean(raw) or (b"\xc2" in raw and _C1_UTF8.search(raw)):
        return False
    if text is None:
        return b"\xe2" not in raw and b"\xef" not in raw
    return not any(char in text for char in _STRIPPED_WIDE)


def utf8_text(raw: bytes) -> tuple[str, bool]:
    """``raw`` read as UTF-8 (a bad byte replaced), and whether that text is its exact decoding with nothing
    `clean_text` strips (`utf8_clean`): then a parser may hand ``raw`` itself to selectolax or orjson, which would
    otherwise encode the text back to these bytes. A BOM is left in the text (`clean_text` strips it, as
    ``utf-8-sig`` would) and such a page is not exact. The decoder of every UTF-8 source (gpai, caa123, cbex)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace"), False
    return text, utf8_clean(raw, text)


def utf8_page(body: bytes | str, decode: Callable[[Any], str]) -> tuple[str, bytes | str]:
    """A UTF-8 page's text (``decode``: the source's `page_text` decoder) and what its tree is parsed from: the bytes
    themselves when the text is their exact decoding (`utf8_text`: valid UTF-8 that cleaning leaves as it is;
    selectolax encodes a text back to UTF-8 before parsing it, 20 us of a 34 kB gpai list page's 170 us tree), else the
    text. A text is taken as the caller's decoding of the page (`parse_page` hands one)."""
    if isinstance(body, str):
        return body, body
    text, exact = utf8_text(body)
    if exact:
        return text, body
    text = decode(body)
    return text, text


def page_text(decode: Callable[[Any], str | tuple[str, bool]]) -> Callable[[Any], str]:
    """A source's ``decode(body)`` with `clean_text` applied to what it returns: the one place where a page's bytes
    (or rendered text) become the text every field is read from.

    ``decode`` returns the text, or ``(text, clean)``: ``clean`` is its verdict that the text is already what
    `clean_text` would return (a GBK decoder checks the bytes with `bytes_clean`, half the cost of cleaning the text),
    and such a text is returned as it is.

    The text it returned last, given back, is returned as it is: `parse_page` decodes a page to tell its kind and
    hands the text to the parser, which decodes what it is given, and a description's JSON is decoded by the parser
    and again by its fragment reader (the cleaning, a tenth of a small page's parse, ran twice or three times)."""
    last = [""]

    @functools.wraps(decode)
    def wrapper(body: Any) -> str:
        if body is last[0]:  # (the very object: not an equal text, which may be another page's raw text)
            return body
        decoded = decode(body)
        if isinstance(decoded, tuple):
            text, clean = decoded
            if not clean:
                text = clean_text(text)
        else:
            text = clean_text(decoded)
        last[0] = text
        return text

    return wrapper


def tag_ids(*names: str) -> tuple[int, ...]:
    """lexbor's tag id of each tag name: a parser tests ``node.tag_id`` (an int) where ``node.tag`` would make a new
    str at each read."""
    tree = LexborHTMLParser("")
    return tuple(tree.create_node(name).tag_id for name in names)
