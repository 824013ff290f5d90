"""Alert mails: events → a multipart (text + HTML) message from the Jinja2 templates in ``alerts/templates``.

The HTML template is autoescaped (titles, addresses, debtors come from the web); a link is only made of an http(s)
URL. Both parts are quoted-printable UTF-8 and the subject is RFC 2047-encoded, so the whole message is ASCII and
is stored in the outbox exactly as it is sent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEMPLATES = Path(__file__).with_name("templates")
POLICY = SMTP.clone(max_line_length=998)  # headers are not folded into encoded words (List-Unsubscribe is a URL)
MAX_ROWS = 200  # per section; a longer section says how many more there are
SECTION_TITLES = {"new": "New lots", "price_drop": "Price drops", "status_change": "Status changes",
                  "starting_soon": "Auctions starting soon"}
COLUMNS = ("Reserve", "Appraisal", "Total claim", "Discount", "Current", "Start")
ROUNDS = {"first": "1st round", "second": "2nd round", "sell_off": "sell-off", "other": "other round"}

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html.j2"]),
                   undefined=StrictUndefined, keep_trailing_newline=True)


@dataclass(frozen=True)
class MailKey:
    """What one mail gathers: a recipient's digest of a night, or one immediate search's mail."""

    recipient: str
    night: date
    kind: str  # digest | immediate
    search_name: str | None
    seq: int = 1

    @property
    def mail_id(self) -> str:
        who = hashlib.sha256(f"{self.recipient}|{self.search_name or ''}".encode()).hexdigest()[:12]
        return f"{self.night:%Y%m%d}-{self.kind}-{who}-{self.seq}"


def money(value: Decimal | None) -> str:
    """¥1,234,567 (123.46万) as a Chinese buyer reads it; — when unknown."""
    if value is None:
        return "—"
    text = f"¥{value:,.0f}" if value == value.to_integral_value() else f"¥{value:,.2f}"
    return f"{text} ({value / 10000:,.2f}万)" if value >= 10000 else text


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _link(url: str | None) -> str | None:
    """The URL when it is safe to put in an href (http or https), else None (shown as text)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _what(e: dict[str, Any]) -> str:
    kind = e["kind"]
    if kind == "new":
        facts = ", ".join(p for p in (ROUNDS.get(e["round"], e["round"]), e["status"]) if p)
        return f"new listing ({facts})" if facts else "new listing"
    if kind == "price_drop":
        if e["prev_reserve_price"] is None and e["prev_current_price"] is None:  # a relisting: a new lot's version 1
            stage = ROUNDS.get(e["round"], e["round"]) or "relisted"
            return (f"relisted ({stage}) at a reserve {e['drop_pct']}% below the asset's previous listing: "
                    f"{money(e['reserve_price'])}")
        if e["prev_reserve_price"] is not None and e["reserve_price"] is not None \
                and e["reserve_price"] < e["prev_reserve_price"]:
            old, new, what = e["prev_reserve_price"], e["reserve_price"], "reserve"
        else:
            old, new, what = e["prev_current_price"], e["current_price"], "current price"
        return f"{what} down {e['drop_pct']}%: {money(old)} → {money(new)}"
    if kind == "status_change":
        sold = f" for {money(e['final_price'])}" if e["status"] == "sold" and e.get("final_price") else ""
        return f"now {e['status']}{sold} (was {e['prev_status'] or 'unknown'})"
    if kind == "starting_soon":
        return f"auction starts {_when(e['start_at'])}"
    return kind


def _discount(e: dict[str, Any]) -> str:
    """The reserve's discount to the claim (debt) or to the appraisal: "77.8% below claim"."""
    reserve = e["reserve_price"]
    base, label = (e["total_claim"], "claim") if e["asset_type"] == "debt" and e["total_claim"] \
        else (e["appraisal_price"], "appraisal")
    if reserve is None or not base:
        return "—"
    pct = 100 * (1 - reserve / base)
    return f"{pct:.1f}% below {label}" if pct >= 0 else f"{-pct:.1f}% above {label}"


def _row(e: dict[str, Any]) -> dict[str, Any]:
    numbers = [money(e["reserve_price"]), money(e["appraisal_price"]), money(e["total_claim"]), _discount(e),
               money(e["current_price"]), _when(e["start_at"])]
    where = " ".join(p for p in (e["province"], e["city"]) if p)
    facts = ", ".join(p for p in (e["source"], e["asset_type"], ROUNDS.get(e["round"], e["round"]), where) if p)
    return {"title": e["title"] or e["source_lot_id"], "url": e["url"] or "", "link": _link(e["url"]),
            "where": facts, "what": _what(e), "numbers": list(zip(COLUMNS, numbers)),
            "searches": ", ".join(e["searches"])}


def _sections(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events by kind; the same lot event matched by several searches of the recipient is one row."""
    rows: dict[tuple, dict[str, Any]] = {}
    for e in events:
        key = (e["kind"], e["source"], e["source_lot_id"], e["version_no"])
        if key in rows:
            rows[key]["searches"].append(e["search_name"])
        else:
            rows[key] = {**e, "searches": [e["search_name"]]}
    for row in rows.values():
        row["searches"].sort()
    sections = []
    for kind, title in SECTION_TITLES.items():
        of_kind = sorted((r for r in rows.values() if r["kind"] == kind),
                         key=lambda r: (r["start_at"] is None, r["start_at"] or datetime.min.replace(tzinfo=SHANGHAI),
                                        r["source"], r["source_lot_id"]))
        if of_kind:
            sections.append({"kind": kind, "title": title, "columns": COLUMNS,
                             "rows": [_row(r) for r in of_kind[:MAX_ROWS]], "more": max(0, len(of_kind) - MAX_ROWS)})
    return sections


def subject_for(key: MailKey, sections: list[dict[str, Any]]) -> str:
    counts = []
    for s in sections:
        n = len(s["rows"]) + s["more"]
        label = {"new": "new", "price_drop": "price drop", "status_change": "status change",
                 "starting_soon": "starting soon"}[s["kind"]]
        counts.append(f"{n} {label}" + ("s" if n > 1 and s["kind"] in ("price_drop", "status_change") else ""))
    what = ", ".join(counts)
    part = f" (part {key.seq})" if key.seq > 1 else ""
    if key.kind == "immediate":
        return f"Salvage alert {key.search_name}: {what}{part}"
    return f"Salvage alerts {key.night:%Y-%m-%d}: {what}{part}"


def render(key: MailKey, events: list[dict[str, Any]], *, sender: str, created_at: datetime,
           searches: list[str]) -> EmailMessage:
    """The mail for ``key`` carrying ``events`` (rows of alert_events with search_name)."""
    sections = _sections(events)
    subject = subject_for(key, sections)
    if key.kind == "immediate":
        heading = f"Salvage alert: {key.search_name}"
        intro = f"What your saved search {key.search_name} found on the night of {key.night:%Y-%m-%d}."
    else:
        heading = f"Salvage alerts for the night of {key.night:%Y-%m-%d}"
        intro = f"What your saved searches ({', '.join(searches)}) found on the night of {key.night:%Y-%m-%d}."
    domain = sender.rsplit("@", 1)[1]
    footer = (f"You receive this because {key.recipient} is a recipient of the saved search(es) "
              f"{', '.join(searches)} in Salvage. To stop, use your mail program's unsubscribe button (or write to "
              f"{sender}), or ask the operator to run `salvage alerts remove NAME`. Mail {key.mail_id}.")
    context = {"heading": heading, "intro": intro, "sections": sections, "footer": footer}
    msg = EmailMessage(policy=POLICY)
    msg["From"] = f"Salvage alerts <{sender}>"
    msg["To"] = key.recipient
    msg["Subject"] = subject
    msg["Date"] = format_datetime(created_at)
    msg["Message-ID"] = f"<salvage.{key.mail_id}@{domain}>"
    msg["List-Unsubscribe"] = f"<mailto:{sender}?subject=unsubscribe%20{quote(key.mail_id)}>"
    msg["List-Id"] = f"Salvage alerts <alerts.{domain}>"
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Salvage-Mail-Id"] = key.mail_id
    msg.set_content(_env.get_template("digest.txt.j2").render(context), subtype="plain", charset="utf-8",
                    cte="quoted-printable")
    msg.add_alternative(_env.get_template("digest.html.j2").render(context), subtype="html", charset="utf-8",
                        cte="quoted-printable")
    return msg
