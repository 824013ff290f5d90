"""The AMC spiders fetch each notice's attachments after its page and yield the notice once, with the loans its
PDF / XLSX lists give (provenance attached), without the ones it already lists, and with every broken attachment
recorded — never a lost notice. Responses come from the AMC replica sites, called directly."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawlers.spiders.cinda_notice import CindaNoticeSpider
from crawlers.spiders.citic_amc_notice import CiticAmcNoticeSpider
from normalizers.lot import to_lot
from replicas.amc import AmcGenerator
from replicas.amc.attachments import attachment_truth, expected_attachment_loans
from replicas.amc.sites import amc_sites
from replicas.amc.truth import HOSTS, notice_url
from tests.crawlers.test_amc_spiders import spider_for

GEN = AmcGenerator(seed=7)


@pytest.fixture(scope="module")
def sites():
    return dict(zip(("gwamc", "citic", "cinda", "coamc"), amc_sites(GEN)))


def fetch(site, request: Request) -> Response:
    host, _, path = request.url.split("://", 1)[1].partition("/")
    response = site.handle(host, "/" + path)
    cls = HtmlResponse if response.content_type.startswith("text/html") else Response
    return cls(request.url, status=response.status, body=response.body, request=request,
               headers={"Content-Type": response.content_type})


def crawl_notice(spider, site, notice, *, broken: dict[str, Response] | None = None) -> tuple[dict, list[Request]]:
    """Drive one notice through the spider: its page, then each attachment request it makes, to the record."""
    url = notice_url(notice)
    request = spider.detail_request(url, {"source": spider.name, "source_lot_id": notice.notice_id, "url": url})
    out = list(request.callback(fetch(site, request), **request.cb_kwargs))
    requests = []
    while True:
        (item,) = out
        if not isinstance(item, Request):
            return item, requests
        requests.append(item)
        response = (broken or {}).get(item.url) or fetch(site, item)
        if response.status >= 400:
            failure = Failure(HttpError(response))
            failure.request = item
            out = list(item.errback(failure))
        else:
            out = list(item.callback(response, **item.cb_kwargs))


def notices(amc: str, test) -> list:
    return [n for n in GEN.notices(amc, 1) if test(n)]


def list_in(kind: str):
    return lambda n: any(attachment_truth(GEN, n, a).role == "list" and a.path.endswith(kind) for a in n.attachments)


@pytest.mark.parametrize("amc,kind", [("cinda", "pdf"), ("citic", "xlsx"), ("citic", "pdf")])
def test_a_notices_list_attachment_gives_its_loans_with_their_provenance(sites, amc, kind):
    notice = notices(amc, list_in(kind))[0]
    spider = spider_for(CindaNoticeSpider if amc == "cinda" else CiticAmcNoticeSpider)
    record, requests = crawl_notice(spider, sites[amc], notice)
    assert [r.url for r in requests] == [HOSTS[amc] + a.path for a in notice.attachments]
    assert all(r.dont_filter and r.meta["download_maxsize"] == 20 * 1024 * 1024 for r in requests)
    want = expected_attachment_loans(GEN, notice, HOSTS[amc])
    lot = to_lot(record)
    got = [{"source_url": x.source_url, "source_sheet": x.source_sheet, "source_page": x.source_page,
            "source_row": x.source_row, "seq": x.seq, "debtor": x.debtor, "principal": x.principal,
            "interest": x.interest, "total": x.total, "currency": x.currency, "guarantors": x.guarantors,
            "collateral": x.collateral} for x in lot.loans if x.source_url]
    for item in want:
        item["collateral"] = item["collateral"] or None
    assert got == want and len(want) >= 8
    assert all(x.source_url is None for x in lot.loans[: len(lot.loans) - len(want)])  # the page's own rows first
    read = {x["url"]: x for x in record["raw"]["attachment_loans"]}
    assert read[want[0]["source_url"]]["loans"] == len(want)
    assert "attachment_problems" not in record["raw"]
    assert spider.crawler.stats.get_value("salvage/attachment_loans") == len(want)


def test_a_list_the_page_already_shows_adds_no_loan_twice(sites):
    notice = next(n for n in notices("citic", lambda n: n.kind == "package") if any(
        attachment_truth(GEN, n, a).role == "repeat" for a in n.attachments))
    record, _ = crawl_notice(spider_for(CiticAmcNoticeSpider), sites["citic"], notice)
    assert len(record["loans"]) == len(notice.loans)
    (xls,) = [x for x in record["raw"]["attachment_loans"] if x["kind"] == "xls"]
    assert (xls["loans"], xls["repeats"]) == (0, sum(1 for x in notice.loans if x.currency == "CNY"))


def test_a_broken_attachment_is_recorded_and_the_notice_kept(sites):
    notice = notices("cinda", lambda n: len(n.attachments) >= 1 and n.loans)[0]
    urls = [HOSTS["cinda"] + a.path for a in notice.attachments]
    page = b"<!DOCTYPE html><html><body>\xe6\x96\x87\xe4\xbb\xb6\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8</body></html>"
    broken = {urls[0]: HtmlResponse(urls[0], status=200, body=page, headers={"Content-Type": "text/html"})}
    spider = spider_for(CindaNoticeSpider)
    record, requests = crawl_notice(spider, sites["cinda"], notice, broken=broken)
    assert len(requests) == len(urls)
    (problem, *_) = record["raw"]["attachment_problems"]
    assert problem["url"] == urls[0] and "HTML page" in problem["problem"]
    assert len(record["loans"]) == len(notice.loans)  # the page's loans are all there
    assert spider.crawler.stats.get_value("salvage/attachment_problems") == 1
    to_lot(record)  # and the notice still makes its lot

    missing = {urls[-1]: Response(urls[-1], status=404, body=b"", request=Request(urls[-1]))}
    record, _ = crawl_notice(spider_for(CindaNoticeSpider), sites["cinda"], notice, broken=missing)
    assert record["raw"]["attachment_problems"] == [{"url": urls[-1], "problem": "HTTP 404"}]


def test_attachments_can_be_left_out(sites):
    notice = notices("cinda", lambda n: n.attachments)[0]
    spider = spider_for(CindaNoticeSpider)
    spider.attachments = "0"
    record, requests = crawl_notice(spider, sites["cinda"], notice)
    assert requests == [] and "attachment_loans" not in record["raw"]
