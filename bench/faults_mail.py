"""Mail faults against a real SMTP server on loopback (aiosmtpd): the server down for a whole night then back, the
server refusing some recipients (550 at RCPT) for several runs, and the connection dropped after DATA, once the
server has the message but before its 250 (the ambiguous window). Each try starts from a fresh warehouse with two
nights of lots and the alert searches (the alert tests' fixture), sends as the nightly would, and then counts, as the
server saw them: alerts lost (a composed mail never received), mails received twice under different Message-IDs (a
duplicate nobody can recognise) and second copies under the same Message-ID (what a reader or a receiving server
that deduplicates by Message-ID shows once: `alerts.delivery` resends a mail whose fate is unknown rather than
risk losing it).
"""

from __future__ import annotations

import socket
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from bench.faults import FaultRow, Scenario

RUNS_WHILE_DOWN = 8  # a night of hourly retries


class FaultyHandler:
    """aiosmtpd handler that keeps what it accepts and can refuse recipients or drop the connection after DATA."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.rcpts: list[str] = []  # every envelope recipient the server accepted
        self.refuse_rcpt: set[str] = set()  # 550 at RCPT for these
        self.drop_after_data = 0  # keep the message, then close the connection before answering, this many times

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's name
        if address in self.refuse_rcpt:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        self.rcpts.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.append(envelope.original_content or envelope.content)
        if self.drop_after_data > 0:
            self.drop_after_data -= 1
            server.transport.close()  # the server has the mail; the client never hears the 250
            return "421 closing"
        return "250 OK"

    def message_ids(self) -> Counter:
        return Counter(str(message_from_bytes(raw, policy=policy.default)["Message-ID"]) for raw in self.received)


@dataclass
class FaultyServer:
    handler: FaultyHandler = field(default_factory=FaultyHandler)
    port: int = 0
    controller: Any = None

    def __post_init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def transport(self):  # noqa: ANN201 - an SmtpTransport
        from alerts.delivery import SmtpTransport
        from alerts.settings import SmtpSettings

        return SmtpTransport(SmtpSettings(host="127.0.0.1", port=self.port, security="none", user=None,
                                          password=None, sender="alerts@salvage.example", timeout=5.0))


class Outbox:
    """A fresh warehouse with two nights loaded and alert events pending (the alert tests' two nights)."""

    def __init__(self, folder: Path) -> None:
        from alerts.events import EventsHook
        from alerts.outbox import Journal
        from tests.alerts.conftest import SEARCHES, Nights
        from warehouse.db import connect

        folder.mkdir(parents=True, exist_ok=True)
        self.con = connect(folder / "w.duckdb")
        self.journal = Journal(folder / "w.duckdb.alerts-sent.jsonl")
        self.searches = SEARCHES
        nights = Nights(self.con, folder / "runs", EventsHook(searches=SEARCHES))
        nights.ingest(1)
        nights.ingest(2)

    def send(self, server: FaultyServer):  # noqa: ANN201 - a Delivery
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from alerts.delivery import send

        return send(self.con, server.transport(), self.journal, self.searches,
                    now=datetime(2026, 11, 21, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai")))

    def verdict(self, server: FaultyServer) -> tuple[int, int, int, int]:
        """(mails composed, lost, duplicates under a new Message-ID, second copies under the same Message-ID)."""
        mails = dict(self.con.execute("SELECT message_id, recipient || ' ' || subject FROM alert_mails").fetchall())
        got = server.handler.message_ids()
        lost = sum(1 for mid in mails if got[mid] == 0)
        strangers = sum(n for mid, n in got.items() if mid not in mails)  # a mail nobody composed = a re-render
        same_id = sum(n - 1 for mid, n in got.items() if mid in mails and n > 1)
        unsent = self.con.execute("SELECT count(*) FROM alert_mails WHERE status <> 'sent'").fetchone()[0]
        lost = max(lost, unsent)
        orphans = self.con.execute("SELECT count(*) FROM alert_events WHERE state = 'pending'").fetchone()[0]
        return len(mails), lost + orphans, strangers, same_id

    def close(self) -> None:
        self.con.close()


def _row(fault: str, n: int, results: list[tuple[int, int, int, int, bool]], note: str) -> FaultRow:
    composed = sum(r[0] for r in results)
    lost, strangers, same_id = (sum(r[i] for r in results) for i in (1, 2, 3))
    survived = sum(1 for r in results if r[1] == 0 and r[2] == 0)
    clear = sum(1 for r in results if r[4])
    return FaultRow(fault, n, survived, lost + strangers, f"{clear}/{n}",
                    f"{composed} mails composed; {lost} lost, {strangers} received twice under a new Message-ID, "
                    f"{same_id} second copies under the same Message-ID; {note}")


def server_down_all_night(n: int, work: Path) -> FaultRow:
    results = []
    for i in range(n):
        box, server = Outbox(work / f"try{i}"), FaultyServer()
        try:
            reports = [box.send(server) for _ in range(RUNS_WHILE_DOWN)]  # nothing listens on the port
            clear = all(r.server_down and r.pending and not r.sent for r in reports)
            server.start()
            back = box.send(server)
            results.append((*box.verdict(server), clear and back.pending == 0))
        finally:
            server.stop()
            box.close()
    return _row("mail: server down all night", n, results, f"{RUNS_WHILE_DOWN} runs while down, then one run")


def recipients_refused(n: int, work: Path) -> FaultRow:
    results = []
    for i in range(n):
        box, server = Outbox(work / f"try{i}"), FaultyServer()
        server.handler.refuse_rcpt = {"desk@example.com"}
        server.start()
        try:
            reports = [box.send(server) for _ in range(3)]
            clear = all(r.refused and all("550" in why for why in r.refused.values()) for r in reports)
            server.handler.refuse_rcpt = set()
            back = box.send(server)
            results.append((*box.verdict(server), clear and back.pending == 0 and not back.refused))
        finally:
            server.stop()
            box.close()
    return _row("mail: some recipients refused (550)", n, results, "3 runs refused, then accepted")


def dropped_after_data(n: int, work: Path) -> FaultRow:
    results = []
    for i in range(n):
        box, server = Outbox(work / f"try{i}"), FaultyServer()
        server.handler.drop_after_data = 1 + i % 2  # one or two mails in a row
        server.start()
        try:
            runs = [box.send(server) for _ in range(4)]
            uncertain = sum(len(r.uncertain) for r in runs)
            results.append((*box.verdict(server), uncertain == 1 + i % 2 and runs[-1].pending == 0))
        finally:
            server.stop()
            box.close()
    return _row("mail: connection dropped after DATA", n, results,
                "each drop journalled 'uncertain' and resent byte for byte")


SCENARIOS = [
    Scenario("mail-server-down", "mail", server_down_all_night, quick_n=1, full_n=5),
    Scenario("mail-refused-rcpt", "mail", recipients_refused, quick_n=1, full_n=5),
    Scenario("mail-drop-after-data", "mail", dropped_after_data, quick_n=2, full_n=10),
]
