"""Delivering the operators' health digest of a night: two files, and a mail when SMTP is configured.

The digest itself is built from the run metrics (warehouse/monitoring.py ``build_digest``); this module writes it to
``SALVAGE_DIGEST_DIR`` (default ``./digests``) and, when SMTP is configured (``SALVAGE_SMTP_HOST``, see
alerts/settings.py) and ``SALVAGE_DIGEST_TO`` names the operators, mails it through the alerts' SMTP transport.
It sits beside the nightly run, above both the warehouse and the alerts, so neither has to import the other.
"""

from __future__ import annotations

import os
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP  # CRLF line ends: smtplib sends bytes as they are
from email.utils import make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo

from alerts.delivery import SmtpTransport
from alerts.settings import smtp_settings
from warehouse.monitoring import Digest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def digest_dir(override: str | Path | None = None) -> Path:
    return Path(override or os.environ.get("SALVAGE_DIGEST_DIR") or "digests")


def deliver_digest(digest: Digest, *, directory: str | Path | None = None, now: datetime | None = None,
                   env: dict[str, str] | None = None) -> list[str]:
    """Write the digest to ``<dir>/digest-<time>.txt`` and ``.html``; mail it to ``SALVAGE_DIGEST_TO`` (comma
    separated) when SMTP is configured. Returns where it went (paths and smtp:// URLs); a mail that fails is
    reported in the list, never raised: the files are always there."""
    env = dict(os.environ if env is None else env)
    now = now or datetime.now(SHANGHAI)
    folder = digest_dir(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"digest-{now.astimezone(SHANGHAI):%Y%m%dT%H%M%S}"
    text_path, html_path = stem.with_suffix(".txt"), stem.with_suffix(".html")
    text_path.write_text(digest.text, encoding="utf-8")
    html_path.write_text(digest.html, encoding="utf-8")
    went = [str(text_path), str(html_path)]
    recipients = [a.strip() for a in (env.get("SALVAGE_DIGEST_TO") or "").split(",") if a.strip()]
    if not recipients or not (env.get("SALVAGE_SMTP_HOST") or "").strip():
        return went
    try:  # alerts/ owns the SMTP settings and transport
        settings = smtp_settings(env)
        transport = SmtpTransport(settings)
    except Exception as exc:  # noqa: BLE001 — a mail problem must never lose the digest
        return went + [f"mail not sent: {type(exc).__name__}: {exc}"]
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = digest.subject, settings.sender, ", ".join(recipients)
    message["Message-ID"] = make_msgid(domain="salvage")
    message.set_content(digest.text)
    message.add_alternative(digest.html, subtype="html")
    try:
        for recipient in recipients:
            went.append(transport.send(message["Message-ID"], recipient, message.as_bytes(policy=SMTP)))
    except Exception as exc:  # noqa: BLE001
        went.append(f"mail not sent: {type(exc).__name__}: {exc}")
    finally:
        transport.close()
    return went
