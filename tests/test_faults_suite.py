"""The short version of the fault table (bench/faults.py --quick): every scenario of bench/faults_*.py with a few
tries. A row passes when every try survived (the next run completed the night, the warehouse equal to an unkilled
run's, nothing left for a person to clean) and no row was lost or duplicated."""

from __future__ import annotations

import os

import pytest

from bench.faults import collect, run

pytestmark = pytest.mark.slow
SCENARIOS = collect()


def test_the_table_has_a_row_for_every_stage_of_the_night():
    assert {s.stage for s in SCENARIOS} >= {"crawl", "ingest", "publish", "alerts", "mail", "nightly", "readers",
                                            "disk"}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_fault(scenario, tmp_path):
    if "root" in scenario.needs and os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs")
    [(_, row)] = run([scenario], quick=True, workdir=tmp_path)
    assert row.tried >= min(scenario.quick_n, 2), row
    assert row.lost_or_duplicated == 0, row
    assert row.survived == row.tried, row


def test_mails_are_counted_by_message_id():
    """A second copy under the same Message-ID (a kill between the server's 250 and the receipt) is a resend, not a
    duplicate; one under a Message-ID the unkilled night never sent is, and a mail never received is lost."""
    from collections import Counter

    from bench.faultkit import mail_tally

    a, b, c = ("x@example.org", "新拍品", "<salvage.1@h>"), ("x@example.org", "新拍品", "<salvage.2@h>"), \
        ("x@example.org", "新拍品", "<salvage.3@h>")
    expected = Counter([a, b])
    assert mail_tally(expected, Counter([a, b])) == (0, 0, 0)
    assert mail_tally(expected, Counter([a, a, b])) == (0, 0, 1)
    assert mail_tally(expected, Counter([a])) == (1, 0, 0)
    assert mail_tally(expected, Counter([a, b, c])) == (0, 1, 0)
