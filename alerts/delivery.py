"""Delivery: the outbox's pending mails to an SMTP server (smtplib), or to ``.eml`` files when no server is set.

A mail is marked sent only after the server accepted it (``sendmail`` returned) or its ``.eml`` file was written
and synced; each mark is its own commit. A mail the server refuses (4xx/5xx for that mail) stays pending with the
reason, and the batch goes on; when the server is unreachable or drops the connection, the batch stops and every
mail not yet accepted stays pending. The next ``salvage alerts send`` sends exactly those, with the same bytes and
Message-ID. (If the process dies after the server accepted a mail but before the mark was committed, the next run
sends it again, recognisably the same mail: same Message-ID. No protocol can close that last window.)
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from alerts.outbox import compose, mark_failed, mark_sent, pending_mails
from alerts.searches import Search
from alerts.settings import SmtpSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ServerDown(Exception):
    """The server cannot be reached or dropped the connection: stop, everything not accepted stays pending."""


class Refused(Exception):
    """The server refused this one mail: it stays pending, the others are still tried."""


class SmtpTransport:
    """One SMTP session for the batch (STARTTLS, implicit TLS or plain, login when a user is set)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self.sender = settings.sender
        self.via = settings.url
        self._smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=context)
            if s.user:
                smtp.login(s.user, s.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise ServerDown(f"{s.url}: login as {s.user} refused ({exc.smtp_code})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise ServerDown(f"{s.url}: {type(exc).__name__}: {exc}") from None
        return smtp

    def send(self, mail_id: str, recipient: str, message: bytes) -> str:
        if self._smtp is None:
            self._smtp = self._open()
        try:
            self._smtp.sendmail(self.sender, [recipient], message)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            raise Refused(f"recipient refused: {code} {_text(text)}") from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            if exc.smtp_code == 421:  # the server is closing the session
                self.close()
                raise ServerDown(f"{self.via}: {exc.smtp_code} {_text(exc.smtp_error)}") from None
            raise Refused(f"refused: {exc.smtp_code} {_text(exc.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise ServerDown(f"{self.via}: {type(exc).__name__}: {exc}") from None
        return self.via

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


class EmlTransport:
    """Mails as ``<mail_id>.eml`` files in a folder (the demo, or no SMTP configured). Written whole, then renamed."""

    def __init__(self, folder: Path, sender: str) -> None:
        self.folder = Path(folder)
        self.sender = sender
        self.via = str(self.folder)

    def send(self, mail_id: str, recipient: str, message: bytes) -> str:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target = self.folder / f"{mail_id}.eml"
            fd, tmp = tempfile.mkstemp(prefix=f".{mail_id}", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as f:
                f.write(message)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            raise ServerDown(f"cannot write to {self.folder}: {exc}") from None
        return str(target)

    def close(self) -> None:
        pass


@dataclass
class Delivery:
    """What one ``send`` did."""

    composed: int = 0
    sent: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # mail_id -> reason
    server_down: str | None = None
    pending: int = 0  # left in the outbox afterwards

    @property
    def ok(self) -> bool:
        return self.pending == 0


def deliver(con: duckdb.DuckDBPyConnection, transport: SmtpTransport | EmlTransport,
            on_sent: Callable[[str], None] | None = None) -> Delivery:
    """Send every pending mail of the outbox, oldest first; mark each one as it is accepted."""
    report = Delivery()
    try:
        for mail in pending_mails(con):
            try:
                via = transport.send(mail.mail_id, mail.recipient, mail.message.encode("ascii"))
            except Refused as exc:
                mark_failed(con, mail.mail_id, str(exc))
                report.refused[mail.mail_id] = str(exc)
                continue
            except ServerDown as exc:
                mark_failed(con, mail.mail_id, str(exc))
                report.server_down = str(exc)
                break
            mark_sent(con, mail.mail_id, via)
            report.sent.append(mail.mail_id)
            if on_sent:
                on_sent(mail.mail_id)
    finally:
        transport.close()
    report.pending = con.execute("SELECT count(*) FROM alert_mails WHERE status = 'pending'").fetchone()[0]
    return report


def send(con: duckdb.DuckDBPyConnection, transport: SmtpTransport | EmlTransport,
         searches: list[Search] | None = None, now: datetime | None = None) -> Delivery:
    """Compose mails from the pending events, then deliver every pending mail (new and left over)."""
    now = now or datetime.now(SHANGHAI)
    composed = compose(con, searches, sender=transport.sender, now=now)
    report = deliver(con, transport)
    report.composed = len(composed)
    return report
