"""The AMC spiders navigate only: which requests they make (GET/POST, forms, pages, which ones need a browser) and how
the browser reaches the replica. Responses come from the AMC replica sites, called directly."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

import pytest
from scrapy import FormRequest, Request
from scrapy.http import HtmlResponse, TextResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawlers.browser import CHROMIUM, CHROMIUM_ARGS, HANDLER, replica_browser_args
from crawlers.middlewares import ReplicaRoutingMiddleware
from crawlers.spiders.amc import merge
from crawlers.spiders.cinda_notice import CindaNoticeSpider
from crawlers.spiders.citic_amc_notice import CiticAmcNoticeSpider
from crawlers.spiders.coamc_notice import CoamcNoticeSpider
from crawlers.spiders.gwamc_notice import GwamcNoticeSpider
from replicas.amc import AmcGenerator
from replicas.amc.sites import amc_sites

CLOCK = "2026-11-20T02:00:00+08:00"


@pytest.fixture(scope="module")
def sites():
    return dict(zip(("gwamc", "citic", "cinda", "coamc"), amc_sites(AmcGenerator(seed=7))))


def spider_for(cls, **settings):
    crawler = get_crawler(cls, settings_dict={"SALVAGE_CLOCK": CLOCK, **settings})
    return crawler._create_spider()


def start_requests(spider) -> list:
    async def collect():
        return [r async for r in spider.start()]

    return asyncio.run(collect())


def answer(site, request: Request, cls=TextResponse):
    host, _, path = request.url.split("://", 1)[1].partition("/")
    if request.method == "POST":
        response = site.handle_post(host, "/" + path, request.body)
    else:
        response = site.handle(host, "/" + path)
    assert response.status == 200, (request.url, response.status)
    return cls(request.url, body=response.body, request=request, headers={"Content-Type": response.content_type})


# ------------------------------------------------------------------ browser routing


def test_a_browser_request_keeps_its_real_host_on_the_replica_scheme():
    crawler = get_crawler(GwamcNoticeSpider, settings_dict={"SALVAGE_REPLICA": "http://127.0.0.1:8765"})
    crawler.spider = crawler._create_spider()
    mw = ReplicaRoutingMiddleware.from_crawler(crawler)
    real = "https://www.gwamcc.com/HiringDetail.aspx?ID=26113"
    request = Request(real, meta={"playwright": True})
    mw.process_request(request)
    assert request.url == "http://www.gwamcc.com/HiringDetail.aspx?ID=26113"
    assert b"Host" not in request.headers  # the browser sends the real host itself
    response = mw.process_response(request, HtmlResponse(request.url, body=b"<html></html>", request=request))
    assert response.url == real and request.url == real
    plain = Request("https://www.gwamcc.com/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=1")
    mw.process_request(plain)
    assert plain.url.startswith("http://127.0.0.1:8765/") and plain.headers["Host"] == b"www.gwamcc.com"


def test_the_browser_is_debians_chromium_and_maps_every_host_to_the_replica_only_when_there_is_one():
    settings = Settings({"SALVAGE_REPLICA": "http://127.0.0.1:8765"})
    settings.setdict(GwamcNoticeSpider.custom_settings, priority="spider")
    GwamcNoticeSpider.update_settings(settings)
    options = settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert options["executable_path"] == CHROMIUM == "/usr/bin/chromium" and options["headless"] is True
    assert options["args"] == [*CHROMIUM_ARGS, "--host-resolver-rules=MAP * 127.0.0.1:8765, EXCLUDE localhost"]
    assert "--blink-settings=imagesEnabled=false" in options["args"]
    assert settings.getdict("DOWNLOAD_HANDLERS") == {"http": HANDLER, "https": HANDLER}
    assert settings.getint("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") > 0
    real = Settings()
    real.setdict(GwamcNoticeSpider.custom_settings, priority="spider")
    GwamcNoticeSpider.update_settings(real)
    assert real.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")["args"] == list(CHROMIUM_ARGS)
    assert replica_browser_args("http://127.0.0.1:9/") == ["--host-resolver-rules=MAP * 127.0.0.1:9, EXCLUDE localhost"]


def test_the_other_amc_spiders_never_load_the_browser():
    for cls in (CiticAmcNoticeSpider, CindaNoticeSpider, CoamcNoticeSpider):
        assert "DOWNLOAD_HANDLERS" not in (cls.custom_settings or {})


# ------------------------------------------------------------------ Great Wall


def test_great_wall_asks_for_each_notices_own_xhr_and_yields_asset_rows_as_lots(sites):
    spider = spider_for(GwamcNoticeSpider)
    starts = start_requests(spider)
    assert [r.url for r in starts] == GwamcNoticeSpider.start_urls
    assert all(not r.meta.get("playwright") and r.headers["X-Requested-With"] == b"XMLHttpRequest" for r in starts)
    notices = list(spider.parse_list(answer(sites["gwamc"], starts[0])))
    details = [r for r in notices if isinstance(r, Request) and r.callback == spider.parse_article]
    following = [r for r in notices if isinstance(r, Request) and r.callback == spider.parse_list]
    assert len(details) == 20 and not any(r.meta.get("playwright") for r in details)
    assert all(r.url.startswith("https://www.gwamcc.com/Ajax/GetArticleInfo.ashx?ID=") for r in details)
    assert all(r.headers["X-Requested-With"] == b"XMLHttpRequest" and r.errback == spider.article_refused
               for r in details)
    assert details[0].headers["Referer"].decode() == details[0].cb_kwargs["page_url"]
    assert [r.url for r in following] == [
        "https://www.gwamcc.com/Ajax/GetArticleList.ashx?pIndex=2&pSize=20&liName=64"]
    assert not following[0].meta.get("playwright")
    assets = list(spider.parse_list(answer(sites["gwamc"], starts[1])))
    lots = [x for x in assets if isinstance(x, dict)]
    assert len(lots) == 100 and all(x["source_lot_id"].startswith("asset-") for x in lots)
    assert [r.url for r in assets if isinstance(r, Request)] == [
        "https://www.gwamcc.com/Ajax/GetTjieInfo.ashx?pSize=100&pIndex=1"]  # pages from 0, as on the site


def _assert_browser_request(request, spider):
    assert request.callback == spider.parse_detail and request.meta["playwright"]
    assert request.url.startswith("https://www.gwamcc.com/HiringDetail.aspx?ID=")
    method = request.meta["playwright_page_methods"][0]
    assert (method.method, method.args, method.kwargs["state"]) == ("wait_for_selector", ("#divContent > *",),
                                                                    "attached")
    assert not request.meta.get("playwright_include_page")  # scrapy-playwright closes the page itself


def test_with_browser_1_every_great_wall_notice_page_is_rendered(sites):
    spider = spider_for(GwamcNoticeSpider)
    spider.browser = "1"
    (start, _) = start_requests(spider)
    details = [r for r in spider.parse_list(answer(sites["gwamc"], start)) if isinstance(r, Request)
               and r.callback != spider.parse_list]
    assert len(details) == 20
    for request in details:
        _assert_browser_request(request, spider)


def test_the_xhr_answer_gives_the_record_the_rendered_page_gives(sites):
    from bench.bench_amc import rendered
    from crawlers.parsers import gwamc_notice

    spider = spider_for(GwamcNoticeSpider)
    spider.attachments = "0"  # the notice itself, not the request of its first attachment (tested elsewhere)
    (start, _) = start_requests(spider)
    requests = [r for r in spider.parse_list(answer(sites["gwamc"], start)) if isinstance(r, Request)
                and r.callback == spider.parse_article]
    generator = sites["gwamc"].gen
    at = spider.fetched_at(answer(sites["gwamc"], requests[0]))
    for request in requests[:8]:
        (record,) = spider.parse_article(answer(sites["gwamc"], request), **request.cb_kwargs)
        page_url = request.cb_kwargs["page_url"]
        notice = generator.notice("gwamc", page_url.rsplit("=", 1)[1], 1)
        browser = gwamc_notice.parse_detail(rendered(notice), page_url, at)
        expected = merge(request.cb_kwargs["record"], browser)
        assert {**record, "fetched_at": None} == {**expected, "fetched_at": None}  # (the clock ticks between)
        assert record.get("total_claim") or record.get("principal") or record.get("raw")


@pytest.mark.parametrize("status, body", [(403, b"<h1>403 Forbidden</h1>"), (200, b"<html>slider</html>"),
                                          (200, b'{"ds":[]}')])
def test_a_refused_xhr_falls_back_to_rendering_the_page(sites, status, body):
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    spider = spider_for(GwamcNoticeSpider)
    (start, _) = start_requests(spider)
    request = next(r for r in spider.parse_list(answer(sites["gwamc"], start)) if isinstance(r, Request)
                   and r.callback == spider.parse_article)
    response = TextResponse(request.url, status=status, body=body, request=request)
    if status == 200:
        out = list(spider.parse_article(response, **request.cb_kwargs))
    else:
        failure = Failure(HttpError(response))
        failure.request = request
        out = list(spider.article_refused(failure))
    (fallback,) = out
    _assert_browser_request(fallback, spider)
    assert fallback.url == request.cb_kwargs["page_url"] and fallback.cb_kwargs == {
        "record": request.cb_kwargs["record"]}
    assert spider.crawler.stats.get_value("salvage/gwamc_xhr_refused") == 1


def test_a_rendered_notice_is_merged_over_its_list_record(sites):
    spider = spider_for(GwamcNoticeSpider)
    listed = {"source": "gwamc_notice", "source_lot_id": "1", "url": "u", "title": "list title",
              "raw": {"published_at": "2026-11-01"}}
    merged = merge(listed, {"title": "detail title", "raw": {"households": 3}})
    assert merged["title"] == "detail title" and merged["raw"] == {"published_at": "2026-11-01", "households": 3}
    assert spider.min_items >= 100


# ------------------------------------------------------------------ CITIC, Cinda, Orient


def test_citic_follows_the_next_page_link_and_every_notice(sites):
    spider = spider_for(CiticAmcNoticeSpider)
    (start,) = start_requests(spider)
    out = list(spider.parse_list(answer(sites["citic"], start, HtmlResponse)))
    assert sum(1 for r in out if r.callback == spider.parse_detail) == 20
    assert [r.url for r in out if r.callback == spider.parse_list] == [
        "https://www.famc.citic/ywjs/ywdt/zcczxx/index_2.shtml"]


def test_cinda_posts_its_list_form_page_by_page(sites):
    spider = spider_for(CindaNoticeSpider)
    (start,) = start_requests(spider)
    assert isinstance(start, FormRequest) and start.method == "POST"
    assert start.url == "https://www.cinda.com.cn/api/asset/wtdf/json/bulletin/listData"
    assert dict(parse_qsl(start.body.decode())) == {"pageSize": "10", "seachbulltin": "bulletin", "currentPage": "1"}
    request, pages = start, 0
    while request is not None:
        out = list(spider.parse_list(answer(sites["cinda"], request), **request.cb_kwargs))
        assert all(r.callback == spider.parse_detail for r in out if r.method == "GET")
        posts = [r for r in out if r.method == "POST"]
        request, pages = (posts[0] if posts else None), pages + 1
    assert pages == 3  # 30 bulletins, 10 a page


def test_orient_posts_one_series_per_notice_type(sites):
    spider = spider_for(CoamcNoticeSpider)
    starts = start_requests(spider)
    forms = [dict(parse_qsl(r.body.decode())) for r in starts]
    assert [f["type"] for f in forms] == ["DEBTS_DISPOSITION", "CREDIT_DISPOSITION", "ASSET_DISPOSITION",
                                          "STOCK_DISPOSITION", "MULTI_DISPOSITION", "INVESTMENT", "MARKETING"]
    assert [f["noticeCate"] for f in forms] == ["1"] * 5 + ["2"] * 2
    assert all(f["condition"] == "0" and f["page"] == "1" for f in forms)
    details = [r for s in starts for r in spider.parse_list(answer(sites["coamc"], s), **s.cb_kwargs)]
    assert len({r.url for r in details}) == 30 == len(details)
    assert all(r.url.startswith("https://sales.coamc.com.cn/html/") for r in details)
