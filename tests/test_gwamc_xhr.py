"""Great Wall's notice pages both ways against the replica, through the real crawl subprocess: the page's own XHR
(``Ajax/GetArticleInfo.ashx``) fetched directly, with no browser started; and, when the site refuses that XHR to
anything but a browser's script, every notice page rendered in Chromium instead — the same lots either way."""

from __future__ import annotations

import duckdb
import pytest

from crawlers.browser import PAGES_AT_ONCE
from crawlers.runner import run_crawl
from replicas.alibaba.site import Response
from replicas.amc.sites import GreatWallSite
from replicas.server import ReplicaServer

pytestmark = pytest.mark.slow


def lots(result) -> list[tuple]:
    rows = duckdb.sql(f"SELECT * EXCLUDE (fetched_at) FROM read_parquet('{result.paths.lots}') "
                      "ORDER BY source_lot_id")
    return rows.fetchall()


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    work = tmp_path_factory.mktemp("gwamc_xhr")
    with ReplicaServer(seed=5, n_lots=20, night=1, interstitial_rate=0) as replica:
        notices = len(replica.amc_generator.notices("gwamc", 1))
        direct = run_crawl("gwamc_notice", work / "direct", replica=replica.base_url, timeout=600)
        answer = GreatWallSite._article_info

        def browsers_only(self, query):  # a site that answers only its page script's own call (with its "t=")
            if "t" not in query:
                return Response(403, b"<h1>403 Forbidden</h1>", "text/html", "refused")
            return answer(self, query)

        GreatWallSite._article_info = browsers_only
        try:
            refused = run_crawl("gwamc_notice", work / "refused", replica=replica.base_url, timeout=600)
        finally:
            GreatWallSite._article_info = answer
    return notices, direct, refused


def test_the_xhr_is_fetched_directly_and_no_browser_starts(both_ways):
    notices, direct, _ = both_ways
    stats = direct.meta.stats
    assert direct.meta.status == "ok", direct.meta.error
    assert stats["salvage/gwamc_xhr"] == notices and "salvage/gwamc_xhr_refused" not in stats
    assert "playwright/page_count" not in stats and "playwright/browser_count" not in stats


def test_a_refused_xhr_renders_the_page_in_the_browser_and_gives_the_same_lots(both_ways):
    notices, direct, refused = both_ways
    stats = refused.meta.stats
    assert refused.meta.status == "ok", refused.meta.error
    assert stats["salvage/gwamc_xhr_refused"] == notices and "salvage/gwamc_xhr" not in stats
    # every notice page is rendered, in the few pages (tabs) of the pool, each reused from notice to notice
    assert stats["salvage/browser_pages"] == notices == stats["playwright/request_count/navigation"]
    assert stats["playwright/page_count"] <= PAGES_AT_ONCE < notices
    assert refused.meta.items == direct.meta.items and lots(refused) == lots(direct)
