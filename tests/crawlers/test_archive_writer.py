"""The crawl's archive writer (`crawlers.archive.MemberWriter`) compresses with ISA-L at its default level instead of
zlib at warcio's 9, in one call per record: what it stores must be what warcio's own writer stores, byte for byte once
decompressed, one gzip member per record (recovery cuts a killed crawl's archive between members)."""

from __future__ import annotations

import gzip
from io import BytesIO

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawlers.archive import GZIP_LEVEL, MemberWriter, whole_records

PAGES = [b""] + [b"<html><body>" + "\u6cd5\u9662 lot {}".format(i).encode("gbk") * (97 * i) + b"</body></html>"
                 for i in range(1, 6)]


def _write(writer: WARCWriter) -> bytes:
    for i, body in enumerate(PAGES):
        http = StatusAndHeaders("200 OK" if i else "500 -", [("Content-Type", "text/html;charset=GBK"),
                                                             ("Content-Length", str(len(body)))],
                                protocol="HTTP/1.1")
        fixed = {"WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-00000000000{i}>",
                 "WARC-Date": "2026-11-20T02:00:00Z", "WARC-Salvage-Method": "GET"}
        writer.write_record(writer.create_warc_record(f"https://sf-item.taobao.com/sf_item/{i}.htm", "response",
                                                      payload=BytesIO(body), http_headers=http,
                                                      warc_headers_dict=fixed))
    return writer.out.getvalue()


def test_records_are_warcios_own_bytes_one_gzip_member_each():
    ours = _write(MemberWriter(BytesIO()))
    theirs = _write(WARCWriter(BytesIO(), gzip=True))
    assert gzip.decompress(ours) == gzip.decompress(theirs)
    assert whole_records(BytesIO(ours)) == (len(ours), len(PAGES))
    read = [(r.content_stream().read(), r.rec_headers.get_header("WARC-Payload-Digest"))
            for r in ArchiveIterator(BytesIO(ours))]
    assert [body for body, _ in read] == PAGES
    assert [digest for _, digest in read] == \
        [r.rec_headers.get_header("WARC-Payload-Digest") for r in ArchiveIterator(BytesIO(theirs))]


def test_the_level_given_is_the_level_used():
    ours = _write(MemberWriter(BytesIO(), level=GZIP_LEVEL - 1))
    default = _write(MemberWriter(BytesIO()))
    assert len(ours) > len(default)
    assert gzip.decompress(ours) == gzip.decompress(default)


def response_record(writer, request, response, fetched):  # type: ignore[no-untyped-def]
    """warcio's WARC record of ``response``, as the crawl built it before `MemberWriter.write_response`: warcio's
    record builder, told the body's length (so it hashes the body where it lies)."""
    from crawlers.archive import H_BODY, H_FETCHED, H_METHOD, _body_digest, _http_headers

    return writer.create_warc_record(
        response.url, "response", payload=BytesIO(response.body), length=len(response.body),
        http_headers=_http_headers(response),
        warc_headers_dict={H_FETCHED: fetched.isoformat(), H_METHOD: request.method, H_BODY: _body_digest(request)})


def test_a_responses_record_is_the_one_warcio_builds_without_being_told_the_length():
    from datetime import datetime, timezone

    from scrapy import Request
    from scrapy.http import HtmlResponse

    import re

    def same_id_and_date(record: bytes) -> bytes:  # both are made anew for every record
        record = re.sub(rb"WARC-Record-ID: <urn:uuid:[-0-9a-f]+>", b"WARC-Record-ID: <id>", record)
        return re.sub(rb"WARC-Date: [-0-9T:.]+Z", b"WARC-Date: <date>", record)

    request = Request("https://sf.taobao.com/item_list.htm?page=2", method="POST", body=b"page=2")
    fetched = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    for status, body in ((200, PAGES[3]), (500, b""), (429, b"<h1>429</h1>")):
        response = HtmlResponse(request.url, status=status, body=body, request=request,
                                headers={"Content-Type": "text/html;charset=GBK", "Set-Cookie": ["a=1", "b=2"]})
        ours = MemberWriter(BytesIO())
        ours.write_record(response_record(ours, request, response, fetched))
        theirs = WARCWriter(BytesIO(), gzip=True)  # the record as the crawl built it before: no length given
        http = StatusAndHeaders(f"{status} {'OK' if status == 200 else '-'}",
                                [("Content-Type", "text/html;charset=GBK"), ("Set-Cookie", "a=1"),
                                 ("Set-Cookie", "b=2")], protocol="HTTP/1.1")
        theirs.write_record(theirs.create_warc_record(
            request.url, "response", payload=BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Salvage-Fetched-At": fetched.isoformat(), "WARC-Salvage-Method": "POST",
                               "WARC-Salvage-Request-Digest": "b941a131dcbf32cc906cd9a100bc5b7eafebf9fb"}))
        assert same_id_and_date(gzip.decompress(ours.out.getvalue())) == \
            same_id_and_date(gzip.decompress(theirs.out.getvalue()))


def test_the_crawls_one_go_record_is_the_record_warcio_builds():
    """`MemberWriter.write_response` (what the crawl writes) against warcio's record builder and writer
    (`response_record` + `write_record`, held to warcio's own record above): the same bytes but for the record id
    and date, for a page, empty and error answers, a POST, a header value outside ASCII and repeated headers."""
    import re
    from datetime import datetime, timezone

    from scrapy import Request
    from scrapy.http import HtmlResponse, Response

    def same_id_and_date(record: bytes) -> bytes:
        record = re.sub(rb"WARC-Record-ID: <urn:uuid:[-0-9a-f]+>", b"WARC-Record-ID: <id>", record)
        return re.sub(rb"WARC-Date: [-0-9T:.]+Z", b"WARC-Date: <date>", record)

    fetched = datetime(2026, 11, 20, 2, 0, 0, 123456, tzinfo=timezone.utc)
    get = Request("https://sf-item.taobao.com/sf_item/619653118427.htm?spm=a&x=%E6%B3%95")
    post = Request("https://sf.taobao.com/item_list.htm?page=2", method="POST", body=b"page=2&q=\xb7\xa8")
    cases = [
        (get, HtmlResponse(get.url, status=200, body=PAGES[5], request=get,
                           headers={"Content-Type": "text/html;charset=GBK", "Set-Cookie": ["a=1", "b=2"]})),
        (get, Response(get.url, status=500, body=b"", request=get)),
        (post, HtmlResponse(post.url, status=429, body=b"<h1>429</h1>", request=post,
                            headers={"Retry-After": "3", "Content-Disposition": "attachment; filename=\xe6\xb3\x95.pdf"
                                     .encode("latin-1")})),
        (get, Response(get.url, status=302, body=b"", request=get,
                       headers={"Location": "https://sf.taobao.com/\xe6\xb3\x95".encode("latin-1")})),
    ]
    for request, response in cases:
        ours, theirs = MemberWriter(BytesIO()), MemberWriter(BytesIO())
        ours.write_response(request, response, fetched)
        theirs.write_record(response_record(theirs, request, response, fetched))
        record = gzip.decompress(ours.out.getvalue())
        assert same_id_and_date(record) == same_id_and_date(gzip.decompress(theirs.out.getvalue())), response
        assert whole_records(BytesIO(ours.out.getvalue())) == (len(ours.out.getvalue()), 1)
        read = [(r.content_stream().read(), r.digest_checker)
                for r in ArchiveIterator(BytesIO(ours.out.getvalue()), check_digests=True)]
        assert [body for body, _ in read] == [response.body]
        assert read[0][1].passed is True and not read[0][1].problems  # both digests checked by warcio
