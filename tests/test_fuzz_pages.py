"""Mutated pages (the quick version of the fault table's row: ``bench/faults_inputs.py``): every source's golden pages
cut, flipped, mis-declared, with nodes deleted or duplicated and JSON values of the wrong type, drawn by hypothesis
(derandomized: the same pages on every run), plus one 100,000-deep and one 50 MB page per source. Each page, parsed
in a watched worker, either parses into lots that validate or is refused with an error naming its source and URL;
none crashes, none takes longer than its bound, and no page cut short gives a value the whole page does not have."""

from __future__ import annotations

from datetime import datetime

import pytest

from bench.faults_inputs import Sandbox, extremes, fuzz_source, golden_pages, sources
from crawlers.parsers import ParseError, parse_page
from crawlers.parsers.base import MalformedPage

PER_SOURCE = 50  # the fault table runs 1,000


@pytest.fixture(scope="module")
def box():
    with Sandbox() as sandbox:
        yield sandbox


@pytest.mark.parametrize("source", sources())
def test_mutated_pages_parse_or_are_refused_clearly(source: str, box: Sandbox):
    tally = fuzz_source(source, PER_SOURCE, box)
    assert tally.tried >= PER_SOURCE // 2  # hypothesis may stop early only when it has run out of new pages
    assert tally.bad == 0, (dict(tally.verdicts), tally.wrong, tally.examples)


@pytest.mark.parametrize("source", sources())
def test_huge_and_deeply_nested_pages_are_refused_in_time(source: str, box: Sandbox):
    tally = extremes(source, box)
    assert tally.tried == 2 and tally.bad == 0, (dict(tally.verdicts), tally.examples)


def _sold_page() -> tuple[bytes, str, datetime]:
    page = next(p for p in golden_pages("alibaba_sf") if p.case == "alibaba_sf/detail_sold")
    return page.body, page.url, datetime.fromisoformat(page.fetched_at)


def test_a_page_cut_inside_a_number_is_refused_not_read_short():
    body, url, when = _sold_page()
    whole = parse_page("alibaba_sf", body, url, when)[0]
    number = whole["current_price"].strip()
    assert len(number) > 5, number
    cut = body[: body.index(number.encode()) + 5]  # "65,45" of "65,454,900"
    with pytest.raises(ParseError) as refused:
        parse_page("alibaba_sf", cut, url, when)
    assert "alibaba_sf" in str(refused.value) and url in str(refused.value) and "</html>" in str(refused.value)


def test_a_page_whose_json_has_the_wrong_type_is_refused_naming_source_and_url():
    page = next(p for p in golden_pages("gwamc_notice") if p.case == "gwamc_notice/list_notices_page1")
    body = page.body.replace(b'"ActionDate":"2026-11-16"', b'"ActionDate":[1, "a"]', 1)
    with pytest.raises(MalformedPage) as refused:  # was: TypeError from a regex given a list
        parse_page("gwamc_notice", body, page.url, datetime.fromisoformat(page.fetched_at))
    assert "gwamc_notice" in str(refused.value) and page.url in str(refused.value)


def test_the_watchdog_counts_a_page_that_never_ends_as_a_hang(monkeypatch):
    import bench.faults_inputs as fi

    monkeypatch.setattr(fi, "judge", lambda *a: __import__("time").sleep(60))  # before the worker forks
    with Sandbox() as sandbox:
        outcome = sandbox.judge("alibaba_sf", b"", "https://x", "2026-11-20T02:00:00+08:00", limit=0.5)
    assert outcome.verdict == "hang"
