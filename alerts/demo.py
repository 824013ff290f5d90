"""The alerts part of ``salvage demo``: a saved-search file the demo's data matches, and the mails as .eml files."""

from __future__ import annotations

from pathlib import Path

from alerts.events import EventsHook

DEMO_SEARCHES = """\
# Saved searches of the demo (written by `salvage demo`). Edit with `salvage alerts add / remove --file`,
# try one with `salvage alerts test NAME --file demo/alerts.toml --db demo/salvage.duckdb`.

[[search]]
name = "npl-packages"
recipients = ["npl-desk@example.com"]
asset_type = ["debt"]
discount_to_claim_min = 50  # reserve at most half the claim

[[search]]
name = "homes-under-3m"
recipients = ["buyer@example.com"]
asset_type = ["real_estate"]
reserve_max = "300万"

[[search]]
name = "shanghai-beijing"
recipients = ["buyer@example.com", "fund@example.com"]
province = ["上海", "北京"]
exclude_keywords = ["车位"]

[[search]]
name = "cheap-cars"
recipients = ["dealer@example.com"]
asset_type = ["vehicle"]
reserve_max = 200000
immediate = true  # its own mail, not a line in the digest
"""


def prepare(workdir: Path) -> EventsHook:
    """Write ``<workdir>/alerts.toml``, clear old ``<workdir>/mail/*.eml``; the ingest hook that reads the file."""
    path = workdir / "alerts.toml"
    path.write_text(DEMO_SEARCHES, encoding="utf-8")
    for old in (workdir / "mail").glob("*.eml"):
        old.unlink()
    return EventsHook(path)


def deliver(db: Path, hook: EventsHook) -> list[str]:
    """Send the outbox of the demo warehouse to ``.eml`` files beside it; lines that say what happened."""
    import duckdb

    from alerts.delivery import EmlTransport, send_to_warehouse
    from alerts.searches import load_searches
    from alerts.settings import DEFAULT_FROM

    folder = db.parent / "mail"
    lines = [counts.summary() for counts in hook.counts]
    report = send_to_warehouse(db, EmlTransport(folder, DEFAULT_FROM), load_searches(hook.path))
    with duckdb.connect(str(db), read_only=True) as con:
        nights = con.execute("SELECT night::VARCHAR, count(*) FROM alert_mails GROUP BY 1 ORDER BY 1").fetchall()
    per_night = ", ".join(f"{n} for the night of {night}" for night, n in nights)
    lines.append(f"alert mails: {len(report.sent)} written as .eml files to {folder}/ ({per_night})")
    return lines
