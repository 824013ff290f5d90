"""Alibaba judicial auctions (阿里司法拍卖, sf.taobao.com): court-ordered sales of real estate, land, vehicles,
equity and claims.

- lists ``https://sf.taobao.com/item_list.htm?category=…&sorder=…&page=N`` (GBK; ``category=0`` all);
- detail ``https://sf-item.taobao.com/sf_item/{id}.htm``; 竞买公告 from ``get_notice_attach.htm`` gives the 案号.
- quirks: GBK pages, slider/Baxia anti-bot pages (retried), prices with trailing spaces, round in the 【】 title prefix.
"""

from crawlers.parsers import alibaba_sf
from crawlers.spiders.alibaba import AlibabaAuctionSpider


class AlibabaSfSpider(AlibabaAuctionSpider):
    name = "alibaba_sf"
    parser = alibaba_sf
    allowed_domains = ["taobao.com", "alicdn.com"]
    start_urls = ["https://sf.taobao.com/item_list.htm?category=0&auction_source=0&st_param=-1&page=1"]
    min_items = 20
