"""Delivery: the outbox's pending mails to an SMTP server (smtplib), or to ``.eml`` files when no server is set.

A mail counts as sent only once the server accepted it (``sendmail`` returned) or its ``.eml`` file was written and
synced; the receipt is then appended to the journal (``alerts.outbox.Journal``, fsynced) before the next mail is
tried, and folded into ``alert_mails`` when the warehouse is next published. A mail the server refuses (4xx/5xx for
that mail) stays pending with the reason, and the batch goes on; when the server is unreachable or drops the
connection, the batch stops and every mail not yet accepted stays pending. The next ``salvage alerts send`` folds the
receipts first and sends exactly the mails still pending, with the same bytes and Message-ID.

What remains is one window per mail, and it is journalled: before a mail's DATA the journal gets ``sending``; a
connection lost once the message was handed over (after DATA, before the server's 250) is ``uncertain``, not
``failed``, and so is a ``sending`` with nothing after it (the process died mid-send). Such a mail may already be in
the recipient's mailbox; it stays pending and is sent again with the same bytes and the same Message-ID, so a mail
reader or a receiving server that deduplicates by Message-ID shows it once. Its ``last_error`` starts with
``uncertain:``. SMTP has no way to ask the server whether it kept the first copy; a lost alert would be worse than a
second copy with the same Message-ID, so the mail is resent.

``send_to_warehouse`` is what the command line and the demo use: one sender at a time (``<db>.alerts-send.lock``),
compose and fold in one publication of the warehouse, deliver with no warehouse lock held (an ingest may publish
meanwhile), then fold the receipts in a second publication.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from alerts.outbox import Journal, PendingMail, compose, fold, pending_mails
from alerts.searches import Search
from alerts.settings import SmtpSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")


class ServerDown(Exception):
    """The server cannot be reached or dropped the connection: stop, everything not accepted stays pending.
    ``uncertain``: the connection was lost after the message was handed over, so the server may have kept it."""

    def __init__(self, message: str, *, uncertain: bool = False) -> None:
        super().__init__(message)
        self.uncertain = uncertain


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
        handed_over = False
        try:
            smtp = self._smtp  # sendmail's steps one by one, to know whether the message was handed over
            smtp.ehlo_or_helo_if_needed()
            code, text = smtp.mail(self.sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, text, self.sender)
            code, text = smtp.rcpt(recipient)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({recipient: (code, text)})
            handed_over = True  # from here on the server may keep the mail even if its answer never comes
            code, text = smtp.data(message)
            if code != 250:
                raise smtplib.SMTPDataError(code, text)
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            code, text = next(iter(exc.recipients.values()))
            raise Refused(f"recipient refused: {code} {_text(text)}") from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            if exc.smtp_code == 421:  # the server is closing the session
                self.close()
                raise ServerDown(f"{self.via}: {exc.smtp_code} {_text(exc.smtp_error)}") from None
            self._reset()
            raise Refused(f"refused: {exc.smtp_code} {_text(exc.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise ServerDown(f"{self.via}: {type(exc).__name__}: {exc}", uncertain=handed_over) from None
        return self.via

    def _reset(self) -> None:
        """RSET after a refusal, as ``sendmail`` does, so the next mail starts a clean transaction."""
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

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
    uncertain: list[str] = field(default_factory=list)  # connection lost after the message was handed over
    pending: int = 0  # left in the outbox afterwards

    @property
    def ok(self) -> bool:
        return self.pending == 0


def deliver(mails: list[PendingMail], transport: SmtpTransport | EmlTransport, journal: Journal) -> Delivery:
    """Send ``mails`` in order; journal each answer before trying the next mail."""
    report = Delivery()
    done = {e["mail_id"] for e in journal.entries() if e["status"] == "sent"}
    try:
        for mail in mails:
            if mail.mail_id in done:
                continue
            journal.record(mail.mail_id, "sending", transport.via)
            try:
                via = transport.send(mail.mail_id, mail.recipient, mail.message.encode("ascii"))
            except Refused as exc:
                journal.record(mail.mail_id, "failed", str(exc))
                report.refused[mail.mail_id] = str(exc)
                continue
            except ServerDown as exc:
                if exc.uncertain:
                    journal.record(mail.mail_id, "uncertain", f"uncertain: {exc}; resent with the same Message-ID")
                    report.uncertain.append(mail.mail_id)
                else:
                    journal.record(mail.mail_id, "failed", str(exc))
                report.server_down = str(exc)
                break
            journal.record(mail.mail_id, "sent", via)
            report.sent.append(mail.mail_id)
    finally:
        transport.close()
    return report


def _pending(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM alert_mails WHERE status = 'pending'").fetchone()[0]


def send(con: duckdb.DuckDBPyConnection, transport: SmtpTransport | EmlTransport, journal: Journal,
         searches: list[Search] | None = None, now: datetime | None = None) -> Delivery:
    """Fold old receipts, compose mails from the pending events, deliver every pending mail, fold the new receipts:
    all on one writable connection (tests, and callers that own the warehouse file)."""
    fold(con, journal)
    composed = compose(con, searches, sender=transport.sender, now=now or datetime.now(SHANGHAI))
    report = deliver(pending_mails(con), transport, journal)
    fold(con, journal)
    con.execute("CHECKPOINT")
    journal.clear()
    report.composed, report.pending = len(composed), _pending(con)
    return report


def journal_for(db: Path) -> Journal:
    """The receipts journal of a warehouse file: ``<db>.alerts-sent.jsonl`` beside it."""
    return Journal(Path(db).with_name(Path(db).name + ".alerts-sent.jsonl"))


def send_to_warehouse(db: Path, transport: SmtpTransport | EmlTransport, searches: list[Search] | None = None,
                      now: datetime | None = None) -> Delivery:
    """``send`` for a published warehouse file (see the module): safe beside ingests and readers."""
    from filelock import FileLock

    from warehouse.db import publishing

    db = Path(db)
    journal = journal_for(db)
    with FileLock(str(db.with_name(db.name + ".alerts-send.lock"))):
        with publishing(db) as con:
            fold(con, journal)
            composed = compose(con, searches, sender=transport.sender, now=now or datetime.now(SHANGHAI))
            mails = pending_mails(con)
        journal.clear()  # what it held is in the published warehouse now
        report = deliver(mails, transport, journal)
        with publishing(db) as con:
            fold(con, journal)
            report.pending = _pending(con)
        journal.clear()
    report.composed = len(composed)
    return report
