from datetime import date
from decimal import Decimal

import pytest

from normalizers.amounts import AmountError
from normalizers.lot import to_lot

BASE = {
    "source": "jd_auction", "source_lot_id": "290533380", "url": "https://paimai.jd.com/290533380",
    "fetched_at": "2026-11-20T02:00:00+08:00", "title": "中国东方资产管理股份有限公司某分公司债权包",
}


def test_package_rows_become_loans_with_amounts_raw_text_and_currency():
    lot = to_lot({**BASE, "loans": [
        {"seq": "1", "debtor": "运城某钢铁有限公司", "guarantors": "张三、李四", "collateral": "厂房及土地",
         "principal": "9,950,000.00", "interest": "1,234,567.89", "fees": "", "total": "11,184,567.89",
         "claim_as_of": "截至2023年6月30日"},
        {"seq": 2, "debtor": "香港某公司", "principal": "1,000,000.00美元", "total": "1,000,000.00美元"},
        {"debtor": "某商贸公司", "principal": "123.45万元", "units": {"interest": "wan"}, "interest": "10"},
    ]})
    first, usd, third = lot.loans
    assert (first.seq, first.guarantors, first.principal, first.total) == (
        1, ["张三", "李四"], Decimal("9950000.00"), Decimal("11184567.89"))
    assert first.claim_as_of == date(2023, 6, 30) and first.currency == "CNY"
    assert first.raw["principal"] == "9,950,000.00"
    assert (usd.currency, usd.principal) == ("USD", Decimal("1000000.00"))
    assert (third.seq, third.principal, third.interest) == (None, Decimal("1234500.00"), Decimal("100000.00"))


def test_a_range_in_a_loan_amount_is_an_error_naming_the_row():
    with pytest.raises(AmountError, match=r"loans\[0\]\.principal"):
        to_lot({**BASE, "loans": [{"debtor": "x", "principal": "100-300万元"}]})


def test_unknown_loan_keys_are_refused():
    with pytest.raises(ValueError, match="loans"):
        to_lot({**BASE, "loans": [{"debtor": "x", "borrower_rating": "AA"}]})
