from pathlib import Path

from crawlers.runner import _progress
from contracts.runfiles import RunWriter
from tests.warehouse.conftest import NIGHT_1, make_lot


def test_a_running_crawl_shows_how_many_lots_it_wrote_and_the_count_goes_at_close(tmp_path: Path):
    writer = RunWriter(tmp_path, "alibaba_sf", NIGHT_1)
    for i in range(RunWriter.PROGRESS_EVERY * 2 + 3):
        writer.write_lot(make_lot(str(i)))
    assert _progress(writer.paths) == RunWriter.PROGRESS_EVERY * 2  # the Parquet part file itself has no count
    meta = writer.close(NIGHT_1, "ok", None, {})
    assert meta.items == RunWriter.PROGRESS_EVERY * 2 + 3
    assert _progress(writer.paths) is None and not writer.paths.progress.exists()
