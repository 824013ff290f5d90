from __future__ import annotations

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawlers.middlewares import InterstitialMiddleware, ReplicaRoutingMiddleware

SLIDER = "<html><body>亲，小二正忙，滑动一下马上回来</body></html>".encode()


class FakeSpider(Spider):
    name = "alibaba_sf"

    def is_interstitial(self, body: bytes) -> str | None:
        return "slider" if "小二正忙".encode() in body else None


def crawler_for(**settings):
    crawler = get_crawler(FakeSpider, settings_dict=settings)
    crawler.spider = crawler._create_spider()
    return crawler


def test_routing_is_off_without_a_replica():
    with pytest.raises(NotConfigured):
        ReplicaRoutingMiddleware.from_crawler(crawler_for(SALVAGE_REPLICA=None))


def test_requests_go_to_the_replica_with_the_real_host_and_come_back_under_the_real_url():
    mw = ReplicaRoutingMiddleware.from_crawler(crawler_for(SALVAGE_REPLICA="http://127.0.0.1:8765"))
    real = "https://sf-item.taobao.com/sf_item/123456789012.htm?spm=a.b"
    request = Request(real)
    assert mw.process_request(request) is None
    assert request.url == "http://127.0.0.1:8765/sf_item/123456789012.htm?spm=a.b"
    assert request.headers["Host"] == b"sf-item.taobao.com"
    response = mw.process_response(request, HtmlResponse(request.url, body=b"<html></html>", request=request))
    assert response.url == real
    assert request.url == real and b"Host" not in request.headers


def test_a_failed_download_restores_the_real_url_for_the_retry():
    mw = ReplicaRoutingMiddleware.from_crawler(crawler_for(SALVAGE_REPLICA="http://127.0.0.1:8765"))
    request = Request("https://sf.taobao.com/item_list.htm?page=2")
    mw.process_request(request)
    mw.process_exception(request, ConnectionRefusedError())
    assert request.url == "https://sf.taobao.com/item_list.htm?page=2"


def test_an_interstitial_is_retried_counted_and_finally_given_up_naming_the_url():
    crawler = crawler_for(SALVAGE_INTERSTITIAL_RETRIES=2)
    crawler.stats.open_spider()
    mw = InterstitialMiddleware.from_crawler(crawler)
    request = Request("https://sf.taobao.com/item_list.htm?page=1")
    for attempt in (1, 2):
        retry = mw.process_response(request, HtmlResponse(request.url, body=SLIDER, request=request))
        assert isinstance(retry, Request) and retry.dont_filter
        assert retry.meta["salvage_interstitial_tries"] == attempt
        request = retry
    with pytest.raises(IgnoreRequest, match="item_list.htm"):
        mw.process_response(request, HtmlResponse(request.url, body=SLIDER, request=request))
    assert crawler.stats.get_value("salvage/interstitials") == 3
    assert crawler.stats.get_value("salvage/interstitials_gave_up") == 1


def test_a_normal_page_passes_through():
    crawler = crawler_for()
    mw = InterstitialMiddleware.from_crawler(crawler)
    request = Request("https://sf.taobao.com/")
    response = HtmlResponse(request.url, body=b"<html>ok</html>", request=request)
    assert mw.process_response(request, response) is response


def test_robots_txt_is_never_retried_as_an_anti_bot_page():
    crawler = crawler_for()
    crawler.stats.open_spider()
    mw = InterstitialMiddleware.from_crawler(crawler)
    request = Request("https://sf.taobao.com/robots.txt")
    response = HtmlResponse(request.url, body=SLIDER, request=request)
    assert mw.process_response(request, response) is response
    assert crawler.stats.get_value("salvage/interstitials") is None


def test_a_block_status_of_the_spider_is_retried_unless_the_request_handles_its_own_refusals():
    crawler = crawler_for(SALVAGE_INTERSTITIAL_RETRIES=2)
    crawler.stats.open_spider()
    crawler.spider.block_statuses = (403,)
    mw = InterstitialMiddleware.from_crawler(crawler)

    def refused(request: Request, status: int = 403) -> HtmlResponse:
        return HtmlResponse(request.url, status=status, body=b"<h1>403 Forbidden</h1>", request=request)

    request = Request("https://www.famc.citic/ywjs/ywdt/zcczxx/index.shtml")
    retry = mw.process_response(request, refused(request))
    assert isinstance(retry, Request) and retry.meta["salvage_interstitial_tries"] == 1
    assert crawler.stats.get_value("salvage/interstitials") == 1
    other = refused(request, 404)  # not a block status: Scrapy's own handling
    assert mw.process_response(request, other) is other
    with_errback = Request(request.url, errback=lambda failure: None)  # an attachment, Great Wall's XHR
    assert mw.process_response(with_errback, refused(with_errback)).status == 403
    asking = Request(request.url, meta={"handle_httpstatus_list": [403]})
    assert mw.process_response(asking, refused(asking)).status == 403
    assert crawler.stats.get_value("salvage/interstitials") == 1
    crawler.spider.block_statuses = ()
    assert mw.process_response(request, refused(request)).status == 403


def test_a_page_cut_short_is_refused_before_a_parser_reads_it_and_becomes_a_reject_row(tmp_path):
    import json

    from twisted.python.failure import Failure

    from crawlers.middlewares import WholePageMiddleware
    from crawlers.parsers import ParseError
    from pipelines.stage import StagePipeline

    url = "https://sf-item.taobao.com/sf_item/1.htm"
    whole = "<!DOCTYPE html><html><body><span>65,454,900 </span></body></html>".encode()
    crawler = crawler_for(SALVAGE_RUNS=str(tmp_path))
    middleware = WholePageMiddleware.from_crawler(crawler)
    middleware.process_spider_input(HtmlResponse(url, body=whole))  # a whole page passes
    with pytest.raises(ParseError) as refused:
        middleware.process_spider_input(HtmlResponse(url, body=whole[:40]))  # "…65,45"
    assert "alibaba_sf" in str(refused.value) and url in str(refused.value)

    stage = StagePipeline(crawler)
    stage.open_spider()
    try:
        raise refused.value
    except ParseError:
        failure = Failure()
    crawler.signals.send_catch_log(signal=__import__("scrapy").signals.spider_error, failure=failure,
                                   response=HtmlResponse(url, body=whole[:40]), spider=crawler.spider)
    stage.writer._rejects.flush()
    (rejects,) = tmp_path.rglob("*.rejects.jsonl*")
    (row,) = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert (row["source"], row["url"]) == ("alibaba_sf", url) and "</html>" in row["reason"]


# ------------------------------------------------------------------ meta refresh from the page's head


def _page(head: str, filler: int, charset: str | None = "gbk", headers: dict | None = None) -> HtmlResponse:
    meta = f'<meta charset="{charset}">' if charset else ""
    text = f"<html><head>{meta}{head}</head><body>{'拍卖标的物' * filler}</body></html>"
    return HtmlResponse("https://sf-item.taobao.com/sf_item/1.htm", body=text.encode(charset or "utf-8"),
                        headers=headers or {}, request=Request("https://sf-item.taobao.com/sf_item/1.htm"))


@pytest.mark.parametrize("filler", [10, 20_000])  # a small page, and one larger than the head read
@pytest.mark.parametrize("charset", ["gbk", "utf-8", "utf-16", None])  # (UTF-16: not ASCII bytes, its BOM declares it)
def test_meta_refresh_from_the_head_finds_what_scrapy_finds(filler, charset):
    """The same answer as Scrapy's own middleware: a redirect where the head asks for one (to the same URL), the
    very response otherwise, and a delay beyond the limit ignored."""
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware

    from crawlers.middlewares import HeadMetaRefreshMiddleware

    crawler = crawler_for(METAREFRESH_MAXDELAY=100)
    ours, scrapys = HeadMetaRefreshMiddleware.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)
    refresh = '<meta http-equiv="refresh" content="0; url=/login.htm?from=1">'
    for head in (refresh, '<meta http-equiv="refresh" content="500; url=/later.htm">', "<title>标的物</title>",
                 f"<!--{'x' * 3900}-->{refresh}", f"<!--{'标' * 3900}-->{refresh}"):  # (near character 4096)
        response = _page(head, filler, charset)
        found, expected = (mw.process_response(response.request, response) for mw in (ours, scrapys))
        if isinstance(expected, Request):
            assert isinstance(found, Request) and found.url == expected.url
            assert charset == "utf-16" or found.url == "https://sf-item.taobao.com/login.htm?from=1"  # (Scrapy's
            # own reading of a UTF-16 page's refresh URL keeps its zero bytes: the same answer is all that counts)
        else:
            assert found is response and expected is response


def test_a_large_page_with_a_declared_encoding_is_not_decoded_whole_for_its_meta_refresh():
    from crawlers.middlewares import HeadMetaRefreshMiddleware

    mw = HeadMetaRefreshMiddleware.from_crawler(crawler_for())
    response = _page("<title>标的物</title>", 20_000)
    assert len(response.body) > 10 * mw.HEAD
    assert mw.process_response(response.request, response) is response
    assert getattr(response, "_cached_ubody", None) is None  # (Scrapy caches the text once it decodes it)
    small = _page("<title>标的物</title>", 10)  # no "refresh" in its bytes: passed on undecoded, however small
    assert mw.process_response(small.request, small) is small and small._cached_ubody is None
    undeclared = _page("<title>标的物</title>", 20_000, charset=None)
    assert mw.process_response(undeclared.request, undeclared) is undeclared
    assert undeclared._cached_ubody is not None  # no declared encoding: read whole, as Scrapy does


def test_scrapys_meta_refresh_is_replaced_by_the_head_reader():
    from crawlers import settings

    assert settings.DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert settings.DOWNLOADER_MIDDLEWARES["crawlers.middlewares.HeadMetaRefreshMiddleware"] == 580
