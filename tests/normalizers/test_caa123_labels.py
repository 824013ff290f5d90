"""中拍平台 (caa123) codes: every status and round code normalizes as docs/labels.md says, the section lists every code,
and a code the tables do not know is refused, naming the source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from normalizers import codes
from normalizers.codes import CodeError, auction_round, status

LABELS = Path(__file__).resolve().parents[2] / "docs" / "labels.md"


def section() -> str:
    text = LABELS.read_text(encoding="utf-8")
    start = text.index("## 中拍平台 (`caa123`)")
    end = text.find("\n## ", start + 1)
    return text[start:end if end > 0 else None]


def rows() -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in section().splitlines()
            if line.startswith("| ") and not line.startswith(("| side", "| times", "| ---"))]


def test_every_status_row_of_the_section_normalizes_as_documented():
    status_rows = [r for r in rows() if len(r) == 5]
    assert len(status_rows) == 9
    for side, code, label, stored, _ in status_rows:
        assert status("caa123", code.strip("`")) == stored.strip("`"), (side, code)
        word = re.sub(r"\s*\(.*\)$", "", label)
        assert status("caa123", word) == stored.strip("`"), (side, word)
    documented = {r[1].strip("`") for r in status_rows if r[0] == "judicial"}
    assert documented == set(codes.CAA123_STATUS)


def test_every_round_row_of_the_section_normalizes_as_documented():
    round_rows = [r for r in rows() if len(r) == 4]
    assert {r[0] for r in round_rows} == set(codes.CAA123_TIMES)
    for code, label, stored, _ in round_rows:
        assert codes.CAA123_TIMES[code] == label
        assert auction_round(label) == stored.strip("`"), code


@pytest.mark.parametrize("category, expected", [("sf:6", "real_estate"), ("sf:14", "debt"), ("pm:5", "vehicle"),
                                                ("pm:8", "equity"), ("pm:20", "inventory"), ("sf:17", "intangible")])
def test_categories_per_side(category, expected):
    assert codes.asset_type("caa123", category) == expected


def test_an_unknown_status_code_is_refused_naming_the_source():
    with pytest.raises(CodeError, match="caa123"):
        status("caa123", "9")
