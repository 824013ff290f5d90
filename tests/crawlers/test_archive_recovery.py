"""A killed crawl keeps what it archived: the archive's ``.part`` is cut after its last whole record and renamed,
and it reads like any other archive. A live writer's file is left alone."""

from __future__ import annotations

import fcntl
from io import BytesIO
from pathlib import Path

import pytest
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


@pytest.mark.slow
def test_a_crawl_killed_half_way_keeps_its_archive_and_the_next_crawl_resumes_its_lot_pages(tmp_path):
    import subprocess
    import sys
    import time

    from bench.faultkit import ROOT, kill_tree
    from crawlers.runner import run_crawl
    from replicas.server import ReplicaServer

    with ReplicaServer(seed=3, n_lots=60, night=1, interstitial_rate=0.0) as replica:
        replica._httpd.handle_error = lambda request, client_address: None
        whole = run_crawl("alibaba_sf", tmp_path / "whole", replica=replica.base_url, timeout=300)
        runs = tmp_path / "runs"
        crawl = subprocess.Popen([sys.executable, "-m", "salvage.cli", "crawl", "alibaba_sf", "--runs", str(runs),
                                  "--replica", replica.base_url], cwd=ROOT, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and crawl.poll() is None:
            parts = list((runs / "alibaba_sf").glob("*.warc.gz.part")) if (runs / "alibaba_sf").exists() else []
            if parts:
                with open(parts[0], "rb") as handle:
                    if whole_records(handle)[1] >= 20:
                        break
            time.sleep(0.05)
        assert crawl.poll() is None, "the crawl ended before it could be killed half-way"
        kill_tree(crawl.pid)
        crawl.wait()
        again = run_crawl("alibaba_sf", runs, replica=replica.base_url, timeout=300)
    assert again.meta.status == whole.meta.status and again.meta.items == whole.meta.items
    killed = [a for a in (runs / "alibaba_sf").glob("*.warc.gz") if again.meta.run_id not in a.name]
    assert len(killed) == 1 and not list(runs.rglob("*.part"))
    with open(killed[0], "rb") as handle:
        kept = sum(1 for r in ArchiveIterator(handle) if r.rec_type == "response")
    assert kept >= 20
    stats = again.meta.stats
    assert stats["salvage/resumed_from"] in killed[0].name
    assert stats["salvage/resumed"] >= 10  # lot pages answered from the killed run's archive, not fetched again
    assert stats["downloader/response_count"] == whole.meta.stats["downloader/response_count"]
