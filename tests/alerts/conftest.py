"""Alert tests: a warehouse with two nights, saved searches, and a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from alerts.events import EventsHook
from alerts.searches import Search, parse_search
from alerts.settings import SmtpSettings
from tests.warehouse.conftest import SHANGHAI, make_lot, write_run
from warehouse.db import connect
from warehouse.ingest import ingest

SOON = datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI)  # within 3 days of both nights
LATER = datetime(2026, 12, 20, 10, 0, tzinfo=SHANGHAI)


def search(name: str, **fields: Any) -> Search:
    fields.setdefault("recipients", [f"{name}@example.com"])
    return parse_search({"name": name, **fields})


SEARCHES = [
    search("homes", recipients=["buyer@example.com"], asset_type="real_estate", reserve_max=2_000_000),
    search("shanxi", recipients=["buyer@example.com", "desk@example.com"], province="山西"),
    search("npl", recipients=["desk@example.com"], asset_type="debt", discount_to_claim_min=50),
]


def night1() -> list:
    return [
        make_lot("1", start_at=LATER, province="山西省"),  # will drop its price
        make_lot("2", start_at=LATER),  # will be withdrawn
        make_lot("3", status="upcoming", start_at=SOON),  # starts soon
        make_lot("9", asset_type="debt", reserve_price=Decimal(3000000), total_claim=Decimal(10000000),
                 title="运城某钢铁有限公司债权", debtor="运城某钢铁有限公司", start_at=LATER),
    ]


def night2() -> list:
    return [
        make_lot("1", night=2, start_at=LATER, province="山西省", reserve_price=Decimal(800000),
                 current_price=Decimal(800000)),
        make_lot("2", night=2, start_at=LATER, status="withdrawn"),
        make_lot("3", night=2, status="upcoming", start_at=SOON),
        make_lot("9", night=2, asset_type="debt", reserve_price=Decimal(3000000), total_claim=Decimal(10000000),
                 title="运城某钢铁有限公司债权", debtor="运城某钢铁有限公司", start_at=LATER),
        make_lot("4", night=2, start_at=LATER, title="<script>alert('x')</script>解放路4号房产",
                 url="https://sf-item.taobao.com/sf_item/4.htm?a=1&b=<2>"),  # new; the title comes from the web
        make_lot("5", night=2, asset_type="debt", reserve_price=Decimal(2000000), total_claim=Decimal(9000000),
                 title="某商贸公司不良债权", start_at=LATER, province="山西省"),  # new
        make_lot("6", night=2, asset_type="vehicle", start_at=LATER),  # new, matches nothing
    ]


@dataclass
class Nights:
    con: Any
    runs: Path
    hook: EventsHook
    metas: list[Path] = field(default_factory=list)

    def ingest(self, night: int, lots: list | None = None) -> list:
        meta = write_run(self.runs, lots if lots is not None else (night1() if night == 1 else night2()),
                         night=night)
        self.metas.append(meta)
        return ingest(self.con, [meta], hooks=[self.hook])

    def events(self) -> list[tuple]:
        return self.con.execute("SELECT search_name, source_lot_id, kind, version_no FROM alert_events "
                                "ORDER BY 1, 2, 3, 4").fetchall()


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def nights(con, tmp_path: Path) -> Nights:
    return Nights(con, tmp_path / "runs", EventsHook(searches=SEARCHES))


@pytest.fixture
def two_nights(nights: Nights) -> Nights:
    nights.ingest(1)
    nights.ingest(2)
    return nights


# ------------------------------------------------------------------------------------------------ SMTP server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps every accepted message; can refuse some, or drop the connection."""

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []
        self.refuse_to: set[str] = set()  # recipients whose mail gets 451 at DATA
        self.drop_after: int | None = None  # accept this many, then close the connection at the next DATA
        self.auth: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        if self.drop_after is not None and len(self.received) >= self.drop_after:
            server.transport.close()  # the connection drops mid-conversation
            return "421 closing"
        if set(envelope.rcpt_tos) & self.refuse_to:
            return "451 4.3.0 mailbox busy, try later"
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or
                              envelope.content))
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for _, _, raw in self.received]


class Server:
    """A real SMTP server on loopback that tests can start and stop (down = nothing listens on the port)."""

    def __init__(self, port: int, auth: tuple[str, str] | None = None) -> None:
        self.port = port
        self.recorder = Recorder()
        self.controller: Controller | None = None
        self.auth = auth

    def _authenticator(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        ok = self.auth is not None and (auth_data.login, auth_data.password) == (self.auth[0].encode(),
                                                                                  self.auth[1].encode())
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 535 itself

    def start(self) -> None:
        kwargs: dict[str, Any] = {}
        if self.auth:
            # loopback only, so AUTH without TLS is acceptable here (production refuses it: SmtpSettings)
            kwargs = {"authenticator": self._authenticator, "auth_require_tls": False, "auth_required": True}
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, **overrides: Any) -> SmtpSettings:
        values = {"host": "127.0.0.1", "port": self.port, "security": "none", "user": None, "password": None,
                  "sender": "alerts@salvage.example", "timeout": 5.0, **overrides}
        return SmtpSettings(**values)


@pytest.fixture
def smtp():
    server = Server(free_port())
    yield server
    server.stop()
