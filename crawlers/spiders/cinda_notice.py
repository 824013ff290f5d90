"""China Cinda AMC (中国信达, www.cinda.com.cn): 不良资产交易 bulletins — the list page is a script shell, so the
spider posts to its API ``api/asset/wtdf/json/bulletin/listData`` (``currentPage``, ``pageSize``,
``seachbulltin=bulletin``; ``pageCount`` pages) → each bulletin's server-rendered page ``zcggxq/index.shtml?bulletintno=``."""

from crawlers.parsers import cinda_notice
from crawlers.spiders.amc import PostListSpider

LIST_PAGE = "https://www.cinda.com.cn/home/pc/cn/xdjt/qykhpd/blzcjy/index.shtml"


class CindaNoticeSpider(PostListSpider):
    name = "cinda_notice"
    parser = cinda_notice
    allowed_domains = ["cinda.com.cn"]
    api_url = "https://www.cinda.com.cn/api/asset/wtdf/json/bulletin/listData"
    page_field = "currentPage"
    list_headers = {"X-Requested-With": "XMLHttpRequest", "Referer": LIST_PAGE}
    min_items = 20

    def list_forms(self):
        yield {"pageSize": "10", "seachbulltin": "bulletin"}
