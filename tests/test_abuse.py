"""Abuse of the interfaces (the quick version of the fault table's abuse rows, ``bench/faults_abuse.py``): saved
searches whose names, values or recipients carry SQL, a header or markup are refused or taken as plain text all the
way to a real SMTP server; a ``<script>`` title is escaped in the mails and the HTML report."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.faults_abuse import markup_in_titles, search_cases, try_search

CASES = search_cases()
QUICK = [c for c in CASES if "\n" in c["name"] or any("\n" in r for r in c["recipients"])
         or c["name"].startswith("x'")] + [c for c in CASES if c.get("keywords")][:3] + [CASES[-1]]


@pytest.mark.parametrize("case", QUICK, ids=[repr(c)[:60] for c in QUICK])
def test_a_saved_search_carrying_sql_headers_or_markup_changes_no_query_header_or_page(case: dict, tmp_path: Path):
    verdict, why = try_search(case, tmp_path / "w")
    assert verdict in ("refused", "plain"), why


def test_header_injection_in_names_and_recipients_is_refused_by_validation(tmp_path: Path):
    injected = [c for c in CASES if "Bcc" in c["name"] or any("Bcc" in r for r in c["recipients"])]
    assert len(injected) >= 3
    assert [try_search(c, tmp_path / str(i))[0] for i, c in enumerate(injected)] == ["refused"] * len(injected)


def test_a_script_title_is_escaped_in_every_mail_and_report_that_shows_it(tmp_path: Path):
    row = markup_in_titles(1, tmp_path)
    assert row.tried >= 2 and row.ok, row
