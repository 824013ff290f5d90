"""docs/labels.md's 人民法院诉讼资产网 table: each label normalizes to what it says (`RMFYSSZC_STATUS` and the
Chinese labels every source shares)."""

from __future__ import annotations

import pytest

from normalizers import codes
from normalizers.codes import CodeError, status

DOCUMENTED = {"即将开始": "upcoming", "开始时间": "upcoming", "预计剩余": "ongoing", "结束时间": "ended",
              "已流标": "unsold", "流标时间": "unsold", "已成交": "sold", "成交时间": "sold", "已撤回": "withdrawn",
              "已中止": "suspended", "进行中": "ongoing", "未开始": "upcoming"}


@pytest.mark.parametrize("label", sorted(DOCUMENTED))
def test_each_documented_label_normalizes_as_documented(label):
    assert status("rmfysszc", label) == DOCUMENTED[label]


def test_the_table_and_the_documentation_agree():
    assert {k: v.value for k, v in codes.RMFYSSZC_STATUS.items()}.items() <= DOCUMENTED.items()


def test_an_unknown_label_is_refused_naming_the_source():
    with pytest.raises(CodeError, match="rmfysszc"):
        status("rmfysszc", "待定")
