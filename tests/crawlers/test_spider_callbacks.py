"""Scrapy's check that no generator callback returns a value (``return x`` in a generator drops ``x`` silently) is
off at crawl time (``WARN_ON_GENERATOR_RETURN_VALUE``, crawlers/settings.py: it re-parsed the callbacks' source
page after page); it runs here instead, once, over every method of every spider."""

from __future__ import annotations

import inspect

from scrapy.spiderloader import SpiderLoader
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.project import get_project_settings


def _spiders() -> list[type]:
    return [SpiderLoader.from_settings(get_project_settings()).load(name)
            for name in SpiderLoader.from_settings(get_project_settings()).list()]


def test_no_spider_callback_is_a_generator_that_returns_a_value(monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    spiders = _spiders()
    assert len(spiders) >= 11
    checked, found = 0, []
    for spider in spiders:
        for name, member in inspect.getmembers(spider, inspect.isfunction):
            if inspect.isgeneratorfunction(member):
                checked += 1
                if is_generator_with_return_value(member):
                    found.append(f"{spider.__name__}.{name}")
    assert checked >= 50 and found == []


def test_the_check_finds_such_a_callback():
    def parse(response):  # noqa: ANN001, ANN202
        yield response
        return 1

    def fine(response):  # noqa: ANN001, ANN202
        yield response
        return

    assert is_generator_with_return_value(parse) and not is_generator_with_return_value(fine)


def test_the_crawl_does_not_reparse_callbacks_at_run_time(monkeypatch):
    monkeypatch.setenv("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    assert get_project_settings().getbool("WARN_ON_GENERATOR_RETURN_VALUE") is False
