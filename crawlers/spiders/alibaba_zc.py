"""Alibaba asset auctions (阿里资产, zc-paimai.taobao.com): AMC, bank and enterprise sales, with NPL claims (债权).

- lists ``https://zc-paimai.taobao.com/zc_item_list.htm?front_category=…&page=N`` (56956002 = 债权);
- detail ``https://zc-item.taobao.com/auction/{id}.htm``; for 债权 lots the claim description
  ``https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id={id}`` (principal, interest, 基准日, debtor,
  guarantors, collateral).
"""

from typing import Any

from crawlers.parsers import alibaba_zc
from crawlers.spiders.alibaba import AlibabaAuctionSpider

DEBT_CATEGORIES = {"56956002", "债权"}
DESC_URL = "https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id={id}"


class AlibabaZcSpider(AlibabaAuctionSpider):
    name = "alibaba_zc"
    parser = alibaba_zc
    allowed_domains = ["taobao.com", "alicdn.com"]
    start_urls = ["https://zc-paimai.taobao.com/zc_item_list.htm?auction_source=0&st_param=-1&page=1"]
    min_items = 10

    def pending_parts(self, record: dict[str, Any], links: dict[str, str]) -> list[tuple[str, str]]:
        parts = super().pending_parts(record, links)
        if str(record.get("category")) in DEBT_CATEGORIES or "债权" in str(record.get("title", "")):
            parts.append(("desc", DESC_URL.format(id=record["source_lot_id"])))
        return parts
