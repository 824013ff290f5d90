"""China Orient AMC (中国东方资产, 资产营销网 sales.coamc.com.cn): notices by type — one POST series per type to
``coamc/api/getNoticePage`` (``type``, ``noticeCate`` 1 for the five disposal types, 2 for 招商 / 推介; ``page`` up
to ``totalPages``) → each notice's page ``/html/{branch}/{TYPE}/{YYYYMMDD}/{id}.html``. Titles and bodies may come
double-encoded (repaired by the parser)."""

from crawlers.parsers import coamc_notice
from crawlers.spiders.amc import PostListSpider


class CoamcNoticeSpider(PostListSpider):
    name = "coamc_notice"
    parser = coamc_notice
    allowed_domains = ["sales.coamc.com.cn"]
    api_url = "https://sales.coamc.com.cn/coamc/api/getNoticePage"
    list_headers = {"X-Requested-With": "XMLHttpRequest", "Referer": "https://sales.coamc.com.cn/coamc/"}
    min_items = 20

    def list_forms(self):
        for type_key, (_, cate, _) in coamc_notice.TYPES.items():
            yield {"title": "", "type": type_key, "branchId": "", "condition": "0", "pageSize": "20",
                   "noticeCate": str(cate)}
