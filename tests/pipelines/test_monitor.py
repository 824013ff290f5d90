from pipelines.monitor import coverage, run_verdict


def test_zero_items_is_a_failure_not_a_quiet_night():
    status, error = run_verdict({}, "finished", min_items=1)
    assert status == "failed" and "zero items" in error


def test_fewer_items_than_declared_or_logged_errors_make_a_partial_run():
    assert run_verdict({"salvage/items": 5}, "finished", min_items=20)[0] == "partial"
    status, error = run_verdict({"salvage/items": 50, "log_count/ERROR": 2}, "finished", min_items=20)
    assert status == "partial" and "2 errors" in error


def test_a_crawl_that_ended_early_failed_and_a_clean_one_is_ok():
    assert run_verdict({"salvage/items": 50}, "shutdown", min_items=20)[0] == "failed"
    assert run_verdict({"salvage/items": 50}, "finished", min_items=20) == ("ok", None)


def test_coverage_is_the_share_of_lots_with_each_field():
    cov = coverage({"salvage/items": 4, "salvage/field/title": 4, "salvage/field/principal": 1})
    assert cov["title"] == 1.0 and cov["principal"] == 0.25 and cov["debtor"] == 0.0


CRAWL = r'''
import json, sys
from datetime import datetime
from zoneinfo import ZoneInfo
import scrapy
from scrapy.crawler import CrawlerProcess
from crawlers import settings as ours

AT = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))


class Records(scrapy.Spider):  # the crawl's item pipelines, fed records without any page
    name = "alibaba_sf"

    async def start(self):
        for i in range(5):
            record = {"source": "alibaba_sf", "source_lot_id": str(i), "url": f"https://sf-item.taobao.com/sf_item/{i}.htm",
                      "fetched_at": AT, "title": f"运城市盐湖区解放路{i}号房产", "reserve_price": "1,000,000 "}
            if i % 2:
                record["appraisal_price"] = "1,400,000"
            if i == 4:
                record["bid_count"] = "3"
            yield record
        yield {"source": "alibaba_sf", "url": "https://sf-item.taobao.com/sf_item/9.htm"}  # refused: no id


process = CrawlerProcess({"ITEM_PIPELINES": ours.ITEM_PIPELINES, "TWISTED_REACTOR": ours.TWISTED_REACTOR,
                          "SALVAGE_RUNS": sys.argv[1], "SALVAGE_RUN_ID": "alibaba_sf-20261120T020000-test",
                          "LOG_LEVEL": "WARNING", "TELNETCONSOLE_ENABLED": False})
process.crawl(Records)
process.start()
'''


def test_the_counts_reach_the_run_files_stats_and_coverage(tmp_path):
    """The monitor's counts are in the stats the stage pipeline writes into the run's meta file when the spider
    closes (Scrapy closes the item pipelines first): per field, the lots that have it, and the coverage from them."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", CRAWL, str(tmp_path)], cwd=root, check=True, timeout=300)
    (meta_path,) = (tmp_path / "alibaba_sf").glob("*.meta.json")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    stats = meta["stats"]
    assert meta["items"] == 5 and meta["rejects"] == 1
    assert stats["salvage/items"] == 5
    assert stats["salvage/field/reserve_price"] == 5 and stats["salvage/field/title"] == 5
    assert stats["salvage/field/appraisal_price"] == 2 and stats["salvage/field/bid_count"] == 1
    assert "salvage/field/principal" not in stats  # a field no lot has is not counted at all
    assert stats["salvage/coverage"]["appraisal_price"] == 0.4 and stats["salvage/coverage"]["principal"] == 0.0


def test_the_counts_wait_for_the_close_and_are_added_once():
    from types import SimpleNamespace

    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from pipelines.monitor import MonitorPipeline
    from tests.warehouse.conftest import make_lot

    stats = MemoryStatsCollector(get_crawler())
    stats.set_value("salvage/items", 2)  # (counted before, e.g. by an earlier flush)
    monitor = MonitorPipeline(SimpleNamespace(stats=stats))
    for lot in (make_lot("1"), make_lot("2", principal=5)):
        assert monitor.process_item(lot) is lot
    assert stats.get_value("salvage/items") == 2
    monitor.close_spider()
    assert stats.get_value("salvage/items") == 4 and stats.get_value("salvage/field/principal") == 1
    assert stats.get_value("salvage/field/title") == 2
    monitor.close_spider()
    assert stats.get_value("salvage/items") == 4
