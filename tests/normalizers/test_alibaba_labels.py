"""The Alibaba label table (`normalizers.codes.ALIBABA_LABELS`): each label read through the parsers' own path gives
the value the table states, and docs/labels.md lists every label of it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crawlers.parsers import alibaba, alibaba_mtop
from normalizers.codes import ALIBABA_LABELS, auction_round, status
from normalizers.lot import to_lot

DOCS = Path(__file__).resolve().parents[2] / "docs" / "labels.md"
AT = datetime(2026, 11, 20, 2, 0)
ENTRIES = [(source, *entry) for source, entries in ALIBABA_LABELS.items() for entry in entries]


def _detail(*, title: str = "某房产", price_label: str = "当前价", j_status: str = "", banner: str = "") -> dict:
    page = f"""<html><body><div class="pm-main"><h1>{title}</h1></div>
    <input type="hidden" id="J_ItemId" value="557630794279"><span class="J_Record">1</span>
    <ul><li id="sf-price"><span class="title">{price_label}</span>
      <span class="pm-current-price J_Price"><em>65,454,900 </em></span><em class="rmb-unit">元</em></li></ul>
    {f'<div class="pm-bid bid-over"><h1 class="bid-x">{banner}</h1></div>' if banner else ''}
    {f'<input type="hidden" id="J_Status" value="{j_status}" />' if j_status else ''}
    <table><tbody id="J_HoverShow"><tr><td><span class="pay-mark i-b">起 拍 价</span>
      <span class="pay-price">: <em class="m-i">&yen;</em><span class="J_Price">65,454,900 </span></span></td></tr>
    </tbody></table></body></html>"""
    return alibaba.parse_detail("alibaba_sf", page, "https://sf.taobao.com/sf_item/557630794279.htm", AT)


def _mtop_row(**fields: object) -> dict:
    row = {"itemId": "1", "auctionTitle": "某房产", "auctionLink": "//sf-item.taobao.com/sf_item/1.htm", **fields}
    return alibaba_mtop.list_record(row, "https://h5api.m.taobao.com/", AT)


def _mtop_detail(**fields: object) -> dict:
    data = {"itemId": "1", "title": "某房产", "startPrice": 100, "auctionLink": "//sf-item.taobao.com/sf_item/1.htm"}
    body = json.dumps({"api": alibaba_mtop.DETAIL_API, "ret": ["SUCCESS::调用成功"], "data": {**data, **fields}})
    return alibaba_mtop.parse_detail(body, "https://h5api.m.taobao.com/", AT)


def read(source: str, kind: str, label: str) -> str | None:
    """What the label becomes when a page carries it: parsed, then normalized."""
    if kind == "list":
        return status(source, label)
    if kind in ("J_Status", "banner", "price box"):
        record = _detail(**{"J_Status": {"j_status": label}, "banner": {"banner": label},
                            "price box": {"price_label": label}}[kind])
        return to_lot(record).status if "status" in record else None  # with the bid count, as stored
    if kind == "title":
        return auction_round(_detail(title=f"【{label}】某房产").get("round"))
    if kind == "sellOff":
        item = {"id": 1, "itemUrl": "//sf-item.taobao.com/sf_item/1.htm", "title": "某房产", "sellOff": label == "true"}
        return auction_round(alibaba.list_record(source, item, "https://sf.taobao.com/", AT, None).get("round"))
    if kind == "row":
        record = _mtop_row(status=label)
    elif kind == "statusOrder":
        record = _mtop_row(statusOrder=int(label))
    elif kind == "circ":
        return auction_round(_mtop_row(circ=label).get("round"))
    elif kind == "extraMap":
        record = _mtop_row(extraMap={"status": label})
    elif kind == "bidStatus":
        record = _mtop_detail(bidStatus=int(label))
    else:  # preTag
        return auction_round(_mtop_detail(titleTag={"preTags": [{"value": label}]}).get("round"))
    return status(record["source"], record["status"])


@pytest.mark.parametrize(("source", "kind", "label", "value", "evidence"), ENTRIES,
                         ids=[f"{s}:{k}:{label}" for s, k, label, _, _ in ENTRIES])
def test_label_reads_as_the_table_says(source: str, kind: str, label: str, value: str | None, evidence: str) -> None:
    assert evidence.startswith(("real: ", "unverified: ")), "say where the label was seen, or that it is unverified"
    assert read(source, kind, label) == value


def test_docs_list_every_label_with_its_evidence() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for source, entries in ALIBABA_LABELS.items():
        section = text.split(f"## `{source}`", 1)
        assert len(section) == 2, f"docs/labels.md has no section for {source}"
        body = section[1].split("\n## ", 1)[0]
        for kind, label, value, evidence in entries:
            row = f"| {kind} | `{label}` | {value or '—'} | {evidence} |"
            assert row in body, f"docs/labels.md ({source}) lacks the row {row}"
