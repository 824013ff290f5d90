"""A killed crawl keeps what it archived: the archive's ``.part`` is cut after its last whole record and renamed,
and it reads like any other archive. A live writer's file is left alone."""

from __future__ import annotations

import fcntl
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawlers.archive import recover_archive, whole_records


def _archive(path: Path, n: int) -> list[int]:
    """n records; returns the file size after each."""
    sizes = []
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for i in range(n):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://example.com/{i}", "response",
                                                          payload=BytesIO(b"<p>lot %d</p>" % i * 50),
                                                          http_headers=http))
            handle.flush()
            sizes.append(handle.tell())
    return sizes


def test_a_part_cut_anywhere_is_recovered_up_to_its_last_whole_record(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    sizes = _archive(whole, 5)
    data = whole.read_bytes()
    for cut in (0, 10, sizes[0] - 1, sizes[0], sizes[2] + 7, sizes[4] - 3, sizes[4]):
        part = tmp_path / "run.warc.gz.part"
        part.write_bytes(data[:cut])
        recovered, records = recover_archive(part)
        expected = sum(1 for s in sizes if s <= cut)
        assert records == expected and not part.exists()
        with open(recovered, "rb") as handle:
            urls = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(handle)]
        assert urls == [f"https://example.com/{i}" for i in range(expected)]
        recovered.unlink()


def test_the_archive_of_a_live_writer_is_left_alone(tmp_path):
    part = tmp_path / "run.warc.gz.part"
    _archive(part, 2)
    with open(part, "ab") as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)
        assert recover_archive(part) is None
    assert part.exists()
    with open(part, "rb") as handle:
        assert whole_records(handle)[1] == 2
