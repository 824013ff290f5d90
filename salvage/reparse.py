"""Re-parse: run today's spider, parsers and normalizers over an archived run, with no network, into a new run file.

The crawl is the ordinary ``scrapy crawl`` subprocess of `crawlers.runner.run_crawl`, with ``SALVAGE_REPLAY_WARC``
set: `crawlers.archive.WarcReplayMiddleware` answers every request from the run's ``.warc.gz`` (robots.txt off,
no throttling: nothing leaves the machine). The new run gets its own run id and its stats say
``salvage/reparse_of``.

Fetch times, and how ingesting a re-parse corrects the warehouse: the archive keeps each response's fetch time and
the replay hands it back, so every re-parsed lot has exactly the ``fetched_at`` of the original observation (the
run's clock is also set to the original start). The ingest rule "an observation older than a lot's last_seen never
overwrites it" then does the right thing for the lots whose latest observation is the re-parsed night (the usual
case: re-parse last night after fixing a parser): the re-read observation is as new as the one it replaces, so a
changed tracked field opens a new version from that fetch time and an untracked one (title, asset_type, place...)
is rewritten in place. Lots seen again in a later night keep the later observation. For an older night that is not
enough (the ingest only rewrites a lot whose latest observation is the one re-read): `salvage ingest` and
``salvage reparse --ingest`` load a re-parse with the hook `warehouse.reparse.rebuild_reparsed`, which rebuilds the
history of the lots it re-read from every run of the source, the re-parse in place of the run it corrects.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crawlers.runner import CrawlResult, run_crawl
from contracts.runfiles import RunFileError, RunMeta

REPLAY_SETTINGS = {"ROBOTSTXT_OBEY": "False", "AUTOTHROTTLE_ENABLED": "False", "CONCURRENT_REQUESTS": "32",
                   "CONCURRENT_REQUESTS_PER_DOMAIN": "32", "DOWNLOAD_DELAY": "0"}


def find_run(run: str | Path, runs_dir: Path) -> Path:
    """The meta file of ``run``: a run id (looked up under ``runs_dir``) or any of the run's files."""
    path = Path(run)
    if path.exists():
        name = path.name
        for suffix in (".meta.json", ".warc.gz", ".parquet", ".jsonl"):
            if name.endswith(suffix):
                meta = path.with_name(name.removesuffix(suffix) + ".meta.json")
                if meta.exists():
                    return meta
        raise RunFileError(path, "not a run's file (.meta.json, .warc.gz, .parquet, .jsonl) or its meta is missing")
    found = sorted(Path(runs_dir).glob(f"*/{run}.meta.json"))
    if not found:
        raise RunFileError(Path(runs_dir) / "*" / f"{run}.meta.json", "no such run")
    return found[0]


def reparse(run: str | Path, runs_dir: Path, *, timeout: float = 1800) -> CrawlResult:
    """Re-read the archived ``run`` (a run id under ``runs_dir``, or one of its files) with today's code; the new
    run is written beside it and returned (not yet ingested)."""
    meta_path = find_run(run, runs_dir)
    meta = RunMeta.load(meta_path)
    warc = meta_path.with_name(f"{meta.run_id}.warc.gz")
    if not warc.exists():
        raise RunFileError(warc, "no archive for this run (crawled before archiving, or deleted after "
                                 "SALVAGE_WARC_DAYS)")
    settings = {**REPLAY_SETTINGS, "SALVAGE_REPLAY_WARC": str(warc.resolve()), "SALVAGE_REPARSE_OF": meta.run_id}
    # the spider arguments that narrowed the original crawl (max_pages, the refresh's lots file) narrow it again
    spider_args = dict(meta.stats.get("salvage/spider_args") or {})
    if "lots_file" in spider_args and not Path(spider_args["lots_file"]).exists():
        raise RunFileError(Path(spider_args["lots_file"]), "the lots file this run crawled is gone")
    # the new run goes beside the original (<runs>/<source>/)
    return run_crawl(meta.source, meta_path.parent.parent, clock=datetime.fromisoformat(meta.started_at),
                     timeout=timeout, settings=settings, spider_args=spider_args or None)
