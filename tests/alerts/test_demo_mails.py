"""`salvage demo` leaves the night-2 alert mails as .eml files: new lots, a withdrawal, one digest per recipient
(the session's demo run, started without SMTP settings)."""

from collections import Counter
from email import message_from_bytes, policy

import duckdb
import pytest

from alerts.searches import load_searches

pytestmark = pytest.mark.slow


def test_the_demo_writes_its_searches_and_leaves_the_mails(demo_run, demo_db):
    done, out = demo_run, demo_run.out
    assert len(load_searches(out / "alerts.toml")) == 4
    mails = sorted((out / "mail").glob("*.eml"))
    assert f"alert mails: {len(mails)} written as .eml files to out/mail/" in done.stdout

    night2 = []
    for path in mails:
        msg = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert msg.get_content_type() == "multipart/alternative"
        assert msg["Message-ID"] and msg["List-Unsubscribe"] and msg["To"]
        if msg["X-Salvage-Mail-Id"].startswith("20261121-"):
            night2.append(msg)
    digests = Counter(m["To"] for m in night2 if "-digest-" in m["X-Salvage-Mail-Id"])
    assert digests and set(digests.values()) == {1}  # one digest per recipient for the night
    text = "\n".join(m.get_body(("plain",)).get_content() for m in night2)
    assert "New lots" in text and "now withdrawn" in text

    with duckdb.connect(str(out / "w.duckdb"), read_only=True) as con:
        assert con.execute("SELECT DISTINCT status FROM alert_mails").fetchall() == [("sent",)]
        assert con.execute("SELECT count(*) FROM alert_events WHERE state = 'pending'").fetchone() == (0,)
