"""Scrapy item pipelines, in order: validate (50) → normalize (100) → monitor (800) → stage (900).

Spiders yield raw records (``crawlers.parsers.base``); ``validate`` refuses malformed ones, ``normalize`` turns them
into ``Lot`` objects, ``monitor`` counts items and field coverage, ``stage`` writes the run file. A refused record is
written to the run's rejects file with its reason, source and URL (via Scrapy's ``item_dropped`` signal).
"""
