"""Scrapy settings for every Salvage spider (``scrapy.cfg`` points here).

Polite by default: robots.txt obeyed, AutoThrottle on, per-domain concurrency, retries with backoff on 429/5xx, TLS
verified. A replica (``SALVAGE_REPLICA`` or ``-s SALVAGE_REPLICA=http://127.0.0.1:PORT``) turns AutoThrottle off and
raises concurrency: it is our own server on loopback.

Raw archive (crawlers/archive.py): every response goes to ``<runs>/<source>/<run_id>.warc.gz``; archives older than
``SALVAGE_WARC_DAYS`` (env, default 30; 0 = keep) are deleted when the source is crawled again. ``SALVAGE_WARC=0``
turns archiving off. ``-s SALVAGE_REPLAY_WARC=PATH`` answers every request from an archive (``salvage reparse``).
Proxies: Scrapy's HttpProxyMiddleware takes ``https_proxy`` / ``http_proxy`` / ``no_proxy`` from the environment
(keep 127.0.0.1 in ``no_proxy`` when crawling a replica); the user agent is ``SALVAGE_USER_AGENT``.
"""

import os

from contracts import config

BOT_NAME = "salvage"
SPIDER_MODULES = ["crawlers.spiders"]
NEWSPIDER_MODULE = "crawlers.spiders"

USER_AGENT = config.user_agent()
ROBOTSTXT_OBEY = True
DOWNLOAD_TIMEOUT = 30
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
CONCURRENT_ITEMS = 16  # measured: well below the default of 100 gives +22-53% on this kind of crawl
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
# Scrapy re-reads a generator callback's source (inspect + ast) to warn of a `return value` in it whenever its
# weak cache of bound methods misses (2 % of the replica crawl's time, page after page). The same check runs
# once over every spider's callbacks in tests/crawlers/test_spider_callbacks.py instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
LOG_LEVEL = "INFO"

SALVAGE_REPLICA = config.replica_url()
SALVAGE_RUNS = str(config.runs_dir())
SALVAGE_INTERSTITIAL_RETRIES = 5
SALVAGE_WARC_DAYS = float(os.environ.get("SALVAGE_WARC_DAYS") or 30)
# Distributed crawling (crawlers/politeness.py): with a Redis URL, one per-site budget for every worker together
SALVAGE_REDIS_URL = os.environ.get("SALVAGE_REDIS_URL", "")
SALVAGE_POLITENESS_RPS = float(os.environ.get("SALVAGE_POLITENESS_RPS") or 4)  # requests/s per site, all workers
SALVAGE_POLITENESS_CONCURRENCY = int(os.environ.get("SALVAGE_POLITENESS_CONCURRENCY") or 4)  # in flight per site
SALVAGE_POLITENESS_SITES = os.environ.get("SALVAGE_POLITENESS_SITES") or "{}"  # {"host": [rps, concurrency]}

# Our own replica on loopback needs no politeness (`salvage crawl --replica` passes the same overrides).
REPLICA_OVERRIDES = {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 32, "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
                     "DOWNLOAD_DELAY": 0}
if SALVAGE_REPLICA:
    globals().update(REPLICA_OVERRIDES)

SPIDER_MIDDLEWARES = {
    "crawlers.middlewares.WholePageMiddleware": 50,  # a page cut short never reaches a parser as if whole
}
DOWNLOADER_MIDDLEWARES = {
    # a re-parse answers every request from the archive, before robots.txt, cookies or the network
    "crawlers.archive.WarcReplayMiddleware": 50,
    "crawlers.middlewares.InterstitialMiddleware": 560,
    # Scrapy's meta-refresh redirects, reading a page's head only (the whole page is decoded once, by its parser)
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawlers.middlewares.HeadMetaRefreshMiddleware": 580,
    # sees each response as it came off the wire (compressed, anti-bot pages, 5xx), under its real URL
    "crawlers.archive.WarcArchiveMiddleware": 900,
    # the per-site budget shared by all workers (off unless SALVAGE_REDIS_URL is set), under the real site's host
    "crawlers.politeness.RedisPoliteness": 940,
    # last before the download handler, so robots.txt, cookies and retries all see the real site's URLs
    "crawlers.middlewares.ReplicaRoutingMiddleware": 950,
    # a browser request (meta["playwright"]) is lent a page of the pool, reused from request to request
    "crawlers.browser.PagePoolMiddleware": 990,
}

ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 50,
    "pipelines.normalize.NormalizePipeline": 100,
    "pipelines.monitor.MonitorPipeline": 800,
    "pipelines.stage.StagePipeline": 900,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
