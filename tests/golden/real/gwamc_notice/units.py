"""How the bare-number rules of `normalizers.amounts` fare on every amount of the public dump that states its unit.

    git -C <clone of BrandonEmmerich/greatwall> show 750bd72:data/data_raw.csv > data_raw.csv
    python tests/golden/real/gwamc_notice/units.py data_raw.csv

Each ``MoneyTotal`` that writes one number with 元 or 万元 (``7,816,582.53元（截止2018年5月21日）``, ``59633.95万元``)
is read again with its unit taken off, in the unit its row's title calls for (`gwamc_notice.money_unit`), and the
unit the rules pick is compared with the stated one. Printed: how many each rule decides (the bounds, one debtor's
most, digits below the fen, no separators below 100,000), how many of those disagree with the stated unit, what is
left undecided by stated unit, and what the rules make of the dump's bare numbers. The figures are the ones
normalizers/amounts.py and ORIGIN.md quote; the dump is not kept here (ORIGIN.md says where it is).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from decimal import Decimal

from crawlers.parsers.gwamc_notice import money_unit
from normalizers.amounts import CLAIM_BOUNDS, EITHER_UNITS, UNIT_FACTORS, parse_amount

ONE_NUMBER = re.compile(r"\D{0,12}?(\d[\d,]*(?:\.\d+)?)\s*(万元|元)[^\d万亿]*")
BARE = re.compile(r"\s*[0-9][0-9,，]*(?:\.[0-9]+)?\s*")


def rule(written: str, unit: str) -> str:
    """Which rule decides the bare number ``written`` read in ``unit`` (whatever it decides)."""
    number = Decimal(written.replace(",", ""))

    def fits(most: Decimal) -> int:
        return sum(CLAIM_BOUNDS[0] <= number * UNIT_FACTORS[u] <= most for u in ("yuan", "wan"))
    if fits(CLAIM_BOUNDS[1]) == 1:
        return "bounds"
    if fits(EITHER_UNITS[unit]) == 1:
        return "one debtor's most"
    return "below the fen" if len(written.partition(".")[2].rstrip("0")) > 2 else "no separators"


def main(path: str) -> None:
    stated: Counter[tuple[str, str]] = Counter()
    disagree = 0
    bare: Counter[str] = Counter()
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text, unit = row["MoneyTotal"].strip(), money_unit(row["ProName"])
            if m := ONE_NUMBER.fullmatch(text):
                amount = parse_amount(m[1], unit=unit)
                said = "yuan" if m[2] == "元" else "wan"
                if amount.unit_inferred is None:
                    stated[("undecided", said)] += 1
                    continue
                stated[(rule(m[1], unit), said)] += 1
                disagree += amount.unit_inferred != said
            elif BARE.fullmatch(row["MoneyTotal"]):
                amount = parse_amount(row["MoneyTotal"], unit=unit)
                bare[amount.unit_inferred or "refused"] += 1
    total = sum(stated.values())
    print(f"{total:,} amounts state 元 or 万元 on one number; read again without it:")
    for (how, said), n in sorted(stated.items()):
        print(f"  {how:<20} stated {said:<5} {n:>6,}")
    print(f"  picks that disagree with the stated unit: {disagree}")
    print(f"{sum(bare.values())} bare numbers: " + ", ".join(f"{k} {v}" for k, v in sorted(bare.items())))


if __name__ == "__main__":
    main(sys.argv[1])
