"""The outbox: pending events → mails, composed once and stored whole (``alert_mails``), then sent.

``compose`` runs in one transaction: events whose search has been removed are marked ``dropped``; the others are
grouped into one digest per recipient and night (searches with ``immediate = true`` get a mail of their own per
recipient and night instead), each mail rendered and stored with its Message-ID and linked to its events, and the
events marked ``mailed``. A mail is never composed twice from the same events, and what is stored is exactly what is
sent, on every attempt. When more events of a night arrive after its digest was composed (a second ingest that
night), they make a second mail (``seq`` 2, "part 2" in the subject): nothing is added to a mail after it exists.

Delivery receipts go to a ``Journal`` first: one line per attempt, appended and fsynced the moment the server
answered, in a file beside the warehouse. The warehouse is published by atomic replacement (``warehouse.db.publishing``:
writers work on a copy, analysts keep reading the old file), so it cannot take a durable write per mail; the journal
can. ``fold`` applies the receipts to ``alert_mails`` (idempotent: a receipt applied twice changes nothing more), and
every send folds the journal before it composes or sends anything, so a receipt is never forgotten, even when the
process died right after writing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

import duckdb

from alerts.mail import MailKey, render
from alerts.searches import Search
from contracts import journal

# what a mail shows of the lot: its version the event is about (v) and the one before (p)
_DETAILS = ", ".join([*(f"v.{c}" for c in ("title", "url", "asset_type", "round", "status", "province", "city", "end_at",
                                           "reserve_price", "appraisal_price", "current_price", "final_price",
                                           "total_claim")),
                      "p.status AS prev_status", "p.reserve_price AS prev_reserve_price",
                      "p.current_price AS prev_current_price"])


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
        existing = {(r, n, k, sn): count for r, n, k, sn, count in con.execute(
            "SELECT recipient, night, kind, search_name, count(*) FROM alert_mails GROUP BY ALL").fetchall()}
        cursor = con.execute(f"""
            SELECT c.recipient, c.night, c.kind AS mail_kind, c.search_name AS mail_search, e.*, {_DETAILS}
            FROM alert_compose c JOIN alert_events e USING (event_id)
            LEFT JOIN lot_history v
              ON v.source = e.source AND v.source_lot_id = e.source_lot_id AND v.version_no = e.version_no
            LEFT JOIN lot_history p
              ON p.source = e.source AND p.source_lot_id = e.source_lot_id AND p.version_no = e.version_no - 1
            ORDER BY c.night, c.recipient, c.kind, c.search_name NULLS FIRST, e.event_id
        """)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
        mail_ids: list[str] = []
        assignments: list[tuple[str, str, Any, str, str | None]] = []
        for (recipient, night, kind, search_name), group in groupby(
                rows, key=lambda r: (r["recipient"], r["night"], r["mail_kind"], r["mail_search"])):
            events = list(group)
            seq = 1 + existing.get((recipient, night, kind, search_name), 0)
            key = MailKey(recipient, night, kind, search_name, seq)
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


class Journal:
    """Delivery receipts, one JSON line per attempt, each flushed and fsynced: ``sending`` before the mail's DATA,
    then ``sent`` with where to, ``failed`` with why, or ``uncertain`` (the connection was lost after the message
    was handed over). A ``sending`` with nothing after it is uncertain too (see `alerts.delivery`)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def record(self, mail_id: str, status: str, detail: str) -> None:
        journal.append_line(self.path, {"mail_id": mail_id, "status": status, "detail": detail[:500],
                                        "at": datetime.now(UTC).isoformat()})

    def entries(self) -> list[dict[str, Any]]:
        return journal.read_lines(self.path)  # an attempt whose line a crash tore has no receipt

    def clear(self) -> None:
        """Forget the receipts (only once they are folded into a warehouse that is durable)."""
        self.path.unlink(missing_ok=True)


def fold(con: duckdb.DuckDBPyConnection, journal: Journal) -> int:
    """Apply the journal's receipts to ``alert_mails``; returns how many mails it marked sent. Idempotent: a sent
    receipt only moves a pending mail, a failure only counts when it is newer than the mail's last attempt."""
    sent = 0
    entries = journal.entries()
    last = {e["mail_id"]: e for e in entries}
    for entry in entries:
        at = datetime.fromisoformat(entry["at"])
        if entry["status"] == "sending":  # only the mail's last word counts: nothing after it = died mid-send
            if last[entry["mail_id"]] is not entry:
                continue
            entry = {**entry, "detail": "uncertain: the sender stopped during the send; the server may have the "
                                        "mail; resent with the same Message-ID"}
        if entry["status"] == "sent":
            sent += con.execute(
                "UPDATE alert_mails SET status = 'sent', sent_at = ?, sent_via = ?, attempts = attempts + 1, "
                "last_attempt_at = ?, last_error = NULL WHERE mail_id = ? AND status = 'pending'",
                [at, entry["detail"], at, entry["mail_id"]]).fetchone()[0]
        else:
            con.execute(
                "UPDATE alert_mails SET attempts = attempts + 1, last_attempt_at = ?, last_error = ? "
                "WHERE mail_id = ? AND status = 'pending' AND (last_attempt_at IS NULL OR last_attempt_at < ?)",
                [at, entry["detail"], entry["mail_id"], at])
    return sent


def outbox_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute("SELECT status, count(*) FROM alert_mails GROUP BY status").fetchall())
