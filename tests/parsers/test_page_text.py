"""Alibaba's decode reads a GBK page as GBK and skips `clean_text` when the page's bytes show nothing for it to strip
(`base.bytes_clean`): it must give exactly the GB18030 text cleaned by `clean_text`, for every stripped character
raw, as a JSON escape or as an HTML reference, and for clean pages; and GBK must read every sequence it accepts as
GB18030 does."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.parsers import alibaba
from crawlers.parsers.base import _STRIPPED_CHARS, bytes_clean, clean_text

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
PAGES = sorted(GOLDEN.glob("alibaba_*/*detail*/input.html"))[:2] + sorted(GOLDEN.glob("alibaba_*/*list*/input.html"))[:1]


def _slow(body: bytes) -> str:
    """What decode gave before: GB18030 (the alias of the declared GBK), then `clean_text`."""
    return clean_text(body.decode("gb18030"))


def test_gbk_reads_as_gb18030_and_holds_no_stripped_character():
    stripped = set(_STRIPPED_CHARS)
    for lead in range(0x80, 0x100):
        for sequence in [bytes([lead])] + [bytes([lead, trail]) for trail in range(0x30, 0x100)]:
            try:
                text = sequence.decode("gbk")
            except UnicodeDecodeError:
                continue
            assert text == sequence.decode("gb18030"), sequence
            assert not set(text) & stripped, sequence
    for byte in range(0x80):
        assert bytes([byte]).decode("gbk") == chr(byte)


def test_pages_are_gbk():
    assert len(PAGES) == 3
    for path in PAGES:
        body = path.read_bytes()
        assert alibaba.declared_charset(body) == "gbk"
        body.decode("gbk")  # (raises if not)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_clean_pages_are_read_as_they_are(path):
    body = path.read_bytes()
    assert bytes_clean(body)
    assert alibaba.decode(body) == _slow(body) == body.decode("gbk")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_every_stripped_character_is_stripped_as_clean_text_strips_it(path):
    text = path.read_bytes().decode("gbk")
    at = text.index("<div", 100)
    for char in _STRIPPED_CHARS:
        for spelled in (char, f"&#{ord(char)};", f"&#x{ord(char):x};", f"\\u{ord(char):04x}"):
            dirty = (text[:at] + "x" + spelled + "y" + text[at:]).encode("gb18030")
            got = alibaba.decode(dirty)
            assert got == _slow(dirty), (hex(ord(char)), spelled)
            if spelled == char:
                assert char not in got, hex(ord(char))
    # a GBK trail byte that looks like ASCII (0x5C, a backslash) before "u0000": a false alarm, cleaned as before
    trail = bytes([0x81, 0x5C]) + b"u0000"
    dirty = text[:at].encode("gbk") + trail + text[at:].encode("gbk")
    assert not bytes_clean(dirty)
    assert alibaba.decode(dirty) == _slow(dirty)


def test_the_control_byte_check_refuses_exactly_the_bytes_it_strips():
    """`bytes_clean` finds a C0 control or DEL in the bytes: any one byte of the 256 put into a clean GBK page, at its
    start, middle or end, is refused when it is one `clean_text` strips, and an ASCII byte it does not strip leaves
    the page clean, as `clean_text` finds it."""
    from crawlers.parsers.base import _STRIPPED_C0

    body = PAGES[0].read_bytes()
    assert bytes_clean(body)
    for byte in range(0x100):
        for at in (0, len(body) // 2, len(body)):
            dirty = body[:at] + bytes([byte]) + body[at:]
            deleted = len(dirty.translate(None, _STRIPPED_C0)) != len(dirty)
            assert deleted == (byte in _STRIPPED_C0) == (chr(byte) in _STRIPPED_CHARS and byte < 0x80)
            if deleted:
                assert not bytes_clean(dirty), (hex(byte), at)
            elif byte < 0x80:  # (a byte of 0x80 or more may leave the page other than GBK: the decoder's concern)
                assert bytes_clean(dirty), (hex(byte), at)
                assert clean_text(dirty.decode("gbk")) == dirty.decode("gbk")


def test_page_text_trusts_only_the_decoders_own_verdict():
    """`page_text` skips the cleaning only for the text its decoder calls clean in the same call (no state between
    calls): a dirty text handed over with ``False`` (or as a plain string) is cleaned, one with ``True`` is not."""
    from crawlers.parsers.base import page_text

    dirty = "【第二次拍卖】\x1b[31m房产\u200b"
    verdicts = iter([True, False])
    checked = page_text(lambda body: (body, next(verdicts)))
    assert checked(dirty) == dirty  # the decoder said clean: taken at its word
    assert checked(dirty + " ") == clean_text(dirty + " ") == "【第二次拍卖】房产 "
    plain = page_text(lambda body: body)
    assert plain(dirty) == "【第二次拍卖】房产"
    # the GBK decoder's verdict: a clean page comes back as decoded, a dirty one cleaned
    body = "<html><meta charset=gbk>拍卖\x07</html>".encode("gbk")
    assert alibaba.decode(body) == "<html><meta charset=gbk>拍卖</html>"


@pytest.mark.parametrize("inner", [
    r"\u503a\u6743\u672c\u91d1\uff1a",  # clean: Chinese escapes only
    r"\u001b[31m\u503a", r"\u200B\u503a", r"\uFEFF", r"\u0085", "\x7f", "&#27;", "&#x200b;",  # each stripped
    r"\\u001b", r"\\\u001b", r"\u0009\u000a",  # an escaped backslash, then an escape after one; kept controls
])
def test_an_ascii_json_body_is_read_as_clean_text_reads_it(inner):
    """A \\u-escaped description is checked in orjson's reading of it (`alibaba._ascii_clean`): whatever its strings
    hold, the text is what `clean_text` makes of the decoded body, in a value and in a key."""
    for body in (f'{{"success":true,"content":"<td>{inner}</td>"}}', f'{{"{inner}":[1,"x"]}}', f'["{inner}" ]'):
        raw = body.encode("ascii")
        alibaba.json_value.cache_clear()
        assert alibaba.decode(raw) == clean_text(raw.decode("ascii")), body
