"""The caa123 parser's fast decode gives exactly `clean_text`'s text: on every golden input, and on those inputs with a
stripped character put in, in each of its spellings (raw, JSON-escaped, HTML reference, inside an escape sequence)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from crawlers.parsers import caa123
from crawlers.parsers.base import clean_text

INPUTS = sorted((Path(__file__).resolve().parents[1] / "golden" / "caa123").glob("*/input.*"))
INSERTS = ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\x9f", "\u200b", "\u200d", "\u2060", "\ufeff", "\\u001b",
           "\\u200B", "&#27;", "&#x200b;", "\t", "¥", "\u00a0"]


def slow(body: bytes) -> str:
    return clean_text(body.decode("utf-8-sig" if body.startswith(b"\xef\xbb\xbf") else "utf-8", errors="replace"))


@pytest.mark.parametrize("path", INPUTS, ids=[p.parent.name for p in INPUTS])
def test_fast_decode_is_clean_text(path):
    body = path.read_bytes()
    assert caa123.decode(body) == slow(body)
    rng = random.Random(path.parent.name)
    for insert in INSERTS:
        at = rng.randrange(len(body))
        text = body.decode()
        at = min(at, len(text))
        changed = (text[:at] + insert + text[at:]).encode()
        assert caa123.decode(changed) == slow(changed), insert
