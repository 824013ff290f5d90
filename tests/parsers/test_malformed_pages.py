"""Pages garbled in ways the mutated-pages fault row found: each must be read or refused with a clear error naming
the source and the URL, never an uncaught exception from inside a parser."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawlers.parsers import ParseError, alibaba_sf, parse_page

GOLDEN = Path(__file__).parent.parent / "golden"


def test_a_charset_no_codec_knows_is_read_as_utf8():
    body = '<html><head><meta charset="nonsense"></head><body>拍卖\xff</body></html>'.encode("utf-8") + b"\xff"
    assert "拍卖" in alibaba_sf.decode(body)  # was: LookupError: unknown encoding: nonsense


@pytest.mark.parametrize(("source", "case", "key"), [("cinda_notice", "list_api_page1", '"id"'),
                                                     ("gwamc_notice", "list_notices_page1", '"ID"'),
                                                     ("gwamc_notice", "assets_replica_page", '"ID"'),
                                                     ("coamc_notice", "list_api_asset_packages", '"id"')])
def test_a_list_row_without_an_id_is_refused_naming_the_list_page(source: str, case: str, key: str):
    folder = GOLDEN / source / case
    url = json.loads((folder / "case.json").read_text(encoding="utf-8"))["url"]
    body = next(folder.glob("input.*")).read_bytes().replace(key.encode(), b'"gone"', 1)
    with pytest.raises(ParseError) as refused:
        parse_page(source, body, url, datetime(2026, 11, 20, tzinfo=UTC))
    message = str(refused.value)
    assert url in message and "None" not in message and "source_lot_id" not in message


def test_check_whole_refuses_pages_cut_short_or_of_too_many_tags_whatever_their_end_looks_like():
    from crawlers.parsers import MAX_PAGE_TAGS, check_whole

    url = "https://sf-item.taobao.com/sf_item/1.htm"
    head = b"<!DOCTYPE html><html><body>"
    for end in (b"</html>", b"</HTML>", b"</html >", b"</Html\n>"):  # written any way: whole
        check_whole("alibaba_sf", head + b"<p>x</p>" + end, url)
    for cut in (head + b"<p>x</p></ht", head + b"<p>x</p></body>", head + b"</htm>"):
        with pytest.raises(ParseError, match="ends before </html>"):
            check_whole("alibaba_sf", cut, url)
    check_whole("alibaba_sf", b"<" * MAX_PAGE_TAGS, url)  # as many tags as allowed (and no HTML start)
    with pytest.raises(ParseError, match="tags, more than"):
        check_whole("alibaba_sf", b"<" * (MAX_PAGE_TAGS + 1), url)
    with pytest.raises(ParseError, match="tags, more than"):
        check_whole("alibaba_sf", head + b"<br>" * MAX_PAGE_TAGS + b"</html>", url)
