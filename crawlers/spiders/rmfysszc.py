"""人民法院诉讼资产网 (www.rmfysszc.gov.cn): the courts' sales re-listed from the platforms they auction on.

Navigation only (parsing is `crawlers.parsers.rmfysszc`): ``POST /ProjectHandle.shtml`` with
``X-Requested-With: XMLHttpRequest`` and the form of shared/sources.md §4 with ``type=0`` (every type, as a 2022
crawler posts it, idx:18552571684) and ``area`` empty (every province), page 1, 2, … while a page has lots and is
before 尾页 → each lot's static page ``/statichtml/rm_obj/{id}.shtml``; the list record (status, 围观) and the
detail record (prices, court, round, auction period, 案号, place) are merged, the detail winning.
``-a lot_urls=https://www.rmfysszc.gov.cn/statichtml/rm_obj/{id}.shtml,…`` refreshes given lots (no status: the
detail page carries none). A 403 is a block (``block_statuses``, from `AmcNoticeSpider`): retried, then given up on
with a logged error, never dropped quietly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from crawlers.parsers import rmfysszc
from crawlers.spiders.amc import PostListSpider

LIST_PAGE = "https://www.rmfysszc.gov.cn/projects.shtml"
FORM = {"type": "0", "name": "", "area": "", "xmxz": "0", "state": "0", "money": "", "money1": "", "number": "0",
        "fid1": "", "fid2": "", "fid3": "", "order": "0", "include": "0"}


class RmfysszcSpider(PostListSpider):
    name = "rmfysszc"
    parser = rmfysszc
    allowed_domains = ["rmfysszc.gov.cn"]
    api_url = rmfysszc.LIST_URL
    page_field = "page"
    list_headers = {"X-Requested-With": "XMLHttpRequest", "Referer": LIST_PAGE}
    min_items = 10  # the replica re-lists a third of the other replicas' court lots: 20 or so at --lots 60

    def list_forms(self) -> Iterable[dict[str, str]]:
        yield dict(FORM)

    def with_attachments(self, record: dict[str, Any]) -> Iterable[Any]:
        """The lot as it is: its 相关附件 links stay in ``raw`` (no debt table to read from them)."""
        yield record
