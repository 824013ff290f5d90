"""The real 2018-11 search list's page bar: 共920页 is the page count, pages count from 1 and a.page-next links on."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crawlers.parsers import gpai

REAL = Path(__file__).resolve().parents[1] / "golden" / "real" / "gpai"
AT = datetime(2018, 11, 13)


def test_the_real_search_list_pages_from_one_and_counts_its_pages():
    body = (REAL / "search_list_2018_11" / "input.html").read_bytes()
    page = gpai.parse_list(body, "http://s.gpai.net/sf/search.do?q=", AT)
    assert (page.total_pages, page.total_items, len(page.records)) == (920, 18381, 20)
    assert page.next_url == "http://s.gpai.net/sf/search.do?q=&Page=2"  # not Page=1: that is this page again


def test_a_page_bar_on_its_last_page_or_pointing_at_itself_ends_the_list():
    body = (REAL / "search_list_2018_11" / "input.html").read_text(encoding="utf-8")
    last = body.replace("<label>共920页</label>", "<label>共1页</label>")
    assert gpai.parse_list(last, "http://s.gpai.net/sf/search.do?q=", AT).next_url is None
    url = "http://s.gpai.net/sf/search.do?q=&Page=2"
    assert gpai.parse_list(body, url, AT).next_url is None  # a.page-next is this very URL
