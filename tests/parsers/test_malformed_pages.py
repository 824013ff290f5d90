"""Pages garbled in ways the mutated-pages fault row found: each must be read or refused with a clear error naming
the source and the URL, never an uncaught exception from inside a parser."""

from __future__ import annotations

from crawlers.parsers import alibaba_sf


def test_a_charset_no_codec_knows_is_read_as_utf8():
    body = '<html><head><meta charset="nonsense"></head><body>拍卖\xff</body></html>'.encode("utf-8") + b"\xff"
    assert "拍卖" in alibaba_sf.decode(body)  # was: LookupError: unknown encoding: nonsense
