"""Alert settings, from the environment only (the SMTP password never goes in a file, a table or a log line).

| variable               | meaning                                                         | default                  |
|------------------------|-----------------------------------------------------------------|--------------------------|
| SALVAGE_ALERTS         | the saved-search file (TOML)                                    | ./alerts.toml            |
| SALVAGE_MAIL_DIR       | where mails go as .eml files when no SMTP host is set           | ./mail                   |
| SALVAGE_SMTP_HOST      | SMTP server; unset = write .eml files                           | unset                    |
| SALVAGE_SMTP_PORT      | port                                                            | 587 / 465 / 25 by security |
| SALVAGE_SMTP_SECURITY  | starttls, tls (implicit TLS) or none                            | starttls                 |
| SALVAGE_SMTP_USER      | login user; unset = no login                                    | unset                    |
| SALVAGE_SMTP_PASSWORD  | login password                                                  | unset                    |
| SALVAGE_SMTP_FROM      | From address of the alert mails                                 | salvage-alerts@localhost |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SEARCHES = "alerts.toml"
DEFAULT_MAIL_DIR = "mail"
DEFAULT_FROM = "salvage-alerts@localhost"
SECURITY_PORTS = {"starttls": 587, "tls": 465, "none": 25}
LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class SettingsError(ValueError):
    """A mail setting that cannot work; the message names the variable."""


def searches_path(override: str | Path | None = None) -> Path:
    return Path(override or os.environ.get("SALVAGE_ALERTS") or DEFAULT_SEARCHES)


def mail_dir(override: str | Path | None = None) -> Path:
    return Path(override or os.environ.get("SALVAGE_MAIL_DIR") or DEFAULT_MAIL_DIR)


def from_address() -> str:
    return os.environ.get("SALVAGE_SMTP_FROM") or DEFAULT_FROM


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | tls | none
    user: str | None
    password: str | None = field(default=None, repr=False)  # never printed, never stored
    sender: str = DEFAULT_FROM
    timeout: float = 30.0

    @property
    def url(self) -> str:
        """Where mails went, for the outbox (no user, no password)."""
        return f"smtp://{self.host}:{self.port}"


def smtp_settings(env: dict[str, str] | None = None) -> SmtpSettings | None:
    """The SMTP settings from the environment, or None when SALVAGE_SMTP_HOST is unset (mails go to .eml files)."""
    env = dict(os.environ if env is None else env)
    host = (env.get("SALVAGE_SMTP_HOST") or "").strip()
    if not host:
        return None
    security = (env.get("SALVAGE_SMTP_SECURITY") or "starttls").strip().lower()
    if security not in SECURITY_PORTS:
        raise SettingsError(f"SALVAGE_SMTP_SECURITY={security!r}: expected starttls, tls or none")
    port_text = (env.get("SALVAGE_SMTP_PORT") or "").strip()
    try:
        port = int(port_text) if port_text else SECURITY_PORTS[security]
    except ValueError:
        raise SettingsError(f"SALVAGE_SMTP_PORT={port_text!r}: not a port number") from None
    if not 0 < port < 65536:
        raise SettingsError(f"SALVAGE_SMTP_PORT={port}: not a port number")
    user = env.get("SALVAGE_SMTP_USER") or None
    password = env.get("SALVAGE_SMTP_PASSWORD") or None
    if user and password is None:
        raise SettingsError("SALVAGE_SMTP_USER is set but SALVAGE_SMTP_PASSWORD is not")
    if user and security == "none" and host not in LOOPBACK:
        raise SettingsError(f"refusing to send the SMTP password to {host} unencrypted: set SALVAGE_SMTP_SECURITY "
                            "to starttls or tls")
    sender = env.get("SALVAGE_SMTP_FROM") or DEFAULT_FROM
    from alerts.searches import check_address

    problem = check_address(sender)
    if problem:
        raise SettingsError(f"SALVAGE_SMTP_FROM: {problem}")
    return SmtpSettings(host, port, security, user, password, sender)
