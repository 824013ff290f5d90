"""China CITIC Financial AMC (中信金融资产, formerly 华融; www.famc.citic): 资产处置信息 — server-rendered list pages
``/ywjs/ywdt/zcczxx/index.shtml`` (``index_N.shtml`` by the 下一页 link) → each notice ``/{YYYY}/{id}.shtml``."""

from crawlers.parsers import citic_amc_notice
from crawlers.spiders.amc import AmcNoticeSpider


class CiticAmcNoticeSpider(AmcNoticeSpider):
    name = "citic_amc_notice"
    parser = citic_amc_notice
    allowed_domains = ["famc.citic"]
    start_urls = ["https://www.famc.citic/ywjs/ywdt/zcczxx/index.shtml"]
    min_items = 20
