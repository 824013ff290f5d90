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
