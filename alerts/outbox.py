"""The outbox: pending events → mails, composed once and stored whole (``alert_mails``), then sent.

``compose`` runs in one transaction: events whose search has been removed are marked ``dropped``; the others are
grouped into one digest per recipient and night (searches with ``immediate = true`` get a mail of their own per
recipient and night instead), each mail rendered and stored with its Message-ID and linked to its events, and the
events marked ``mailed``. A mail is never composed twice from the same events, and what is stored is exactly what is
sent, on every attempt. When more events of a night arrive after its digest was composed (a second ingest that
night), they make a second mail (``seq`` 2, "part 2" in the subject): nothing is added to a mail after it exists.

``pending_mails`` / ``mark_sent`` / ``mark_failed`` are what delivery uses: a mail is marked sent only after the
server accepted it, each mark in its own commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from alerts.mail import MailKey, render
from alerts.searches import Search


@dataclass(frozen=True)
class PendingMail:
    mail_id: str
    recipient: str
    subject: str
    message: str


def _routing(con: duckdb.DuckDBPyConnection, searches: list[Search] | None) -> None:
    """Temp table alert_routing (search_name, recipient, immediate): from the given searches, else from the
    searches the last ingest loaded."""
    con.execute("CREATE OR REPLACE TEMP TABLE alert_routing (search_name VARCHAR, recipient VARCHAR, "
                "immediate BOOLEAN)")
    if searches is None:
        con.execute("INSERT INTO alert_routing SELECT name, unnest(recipients), immediate FROM alert_searches")
    else:
        rows = [(s.name, r, s.immediate) for s in searches for r in s.recipients]
        if rows:
            con.executemany("INSERT INTO alert_routing VALUES (?, ?, ?)", rows)


def compose(con: duckdb.DuckDBPyConnection, searches: list[Search] | None, *, sender: str,
            now: datetime) -> list[str]:
    """Turn every pending event into mails (see the module). Returns the new mail ids."""
    con.execute("BEGIN")
    try:
        _routing(con, searches)
        con.execute("UPDATE alert_events SET state = 'dropped' WHERE state = 'pending' "
                    "AND search_name NOT IN (SELECT search_name FROM alert_routing)")
        con.execute("""
            CREATE OR REPLACE TEMP TABLE alert_compose AS
            SELECT e.event_id, r.recipient, e.night,
                   CASE WHEN r.immediate THEN 'immediate' ELSE 'digest' END AS kind,
                   CASE WHEN r.immediate THEN e.search_name END AS search_name
            FROM alert_events e JOIN alert_routing r ON r.search_name = e.search_name
            WHERE e.state = 'pending'
        """)
        groups = con.execute("SELECT DISTINCT recipient, night, kind, search_name FROM alert_compose "
                             "ORDER BY night, recipient, kind, search_name").fetchall()
        mail_ids: list[str] = []
        assignments: list[tuple[str, str, Any, str, str | None]] = []
        for recipient, night, kind, search_name in groups:
            seq = 1 + con.execute(
                "SELECT count(*) FROM alert_mails WHERE recipient = ? AND night = ? AND kind = ? "
                "AND search_name IS NOT DISTINCT FROM ?", [recipient, night, kind, search_name]).fetchone()[0]
            key = MailKey(recipient, night, kind, search_name, seq)
            cursor = con.execute(
                "SELECT e.* FROM alert_compose c JOIN alert_events e USING (event_id) "
                "WHERE c.recipient = ? AND c.night = ? AND c.kind = ? AND c.search_name IS NOT DISTINCT FROM ?",
                [recipient, night, kind, search_name])
            names = [d[0] for d in cursor.description]
            events = [dict(zip(names, row)) for row in cursor.fetchall()]
            searched = sorted({e["search_name"] for e in events})
            msg = render(key, events, sender=sender, created_at=now, searches=searched)
            con.execute(
                "INSERT INTO alert_mails (mail_id, kind, recipient, night, search_name, seq, events, message_id, "
                "subject, message, status, attempts, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?)",
                [key.mail_id, kind, recipient, night, search_name, seq, len(events), msg["Message-ID"],
                 str(msg["Subject"]), msg.as_bytes().decode("ascii"), now])
            assignments.append((key.mail_id, recipient, night, kind, search_name))
            mail_ids.append(key.mail_id)
        if assignments:
            con.execute("CREATE OR REPLACE TEMP TABLE alert_assign (mail_id VARCHAR, recipient VARCHAR, night DATE, "
                        "kind VARCHAR, search_name VARCHAR)")
            con.executemany("INSERT INTO alert_assign VALUES (?, ?, ?, ?, ?)", assignments)
            con.execute("""
                INSERT INTO alert_mail_events
                SELECT a.mail_id, c.event_id FROM alert_compose c
                JOIN alert_assign a ON a.recipient = c.recipient AND a.night = c.night AND a.kind = c.kind
                                   AND a.search_name IS NOT DISTINCT FROM c.search_name
            """)
            con.execute("DROP TABLE alert_assign")
        con.execute("UPDATE alert_events SET state = 'mailed' WHERE event_id IN (SELECT event_id FROM alert_compose)")
        con.execute("DROP TABLE alert_compose; DROP TABLE alert_routing")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return mail_ids


def pending_mails(con: duckdb.DuckDBPyConnection) -> list[PendingMail]:
    rows = con.execute("SELECT mail_id, recipient, subject, message FROM alert_mails WHERE status = 'pending' "
                       "ORDER BY created_at, mail_id").fetchall()
    return [PendingMail(*row) for row in rows]


def mark_sent(con: duckdb.DuckDBPyConnection, mail_id: str, via: str) -> None:
    """Record that the server accepted the mail (its own commit: autocommit)."""
    con.execute("UPDATE alert_mails SET status = 'sent', sent_at = now(), attempts = attempts + 1, "
                "last_attempt_at = now(), last_error = NULL, sent_via = ? WHERE mail_id = ?", [via, mail_id])


def mark_failed(con: duckdb.DuckDBPyConnection, mail_id: str, error: str) -> None:
    """Record a failed attempt; the mail stays pending for the next run."""
    con.execute("UPDATE alert_mails SET attempts = attempts + 1, last_attempt_at = now(), last_error = ? "
                "WHERE mail_id = ?", [error[:500], mail_id])


def outbox_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute("SELECT status, count(*) FROM alert_mails GROUP BY status").fetchall())
