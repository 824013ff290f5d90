"""Abuse of the interfaces, each case counted: `salvage sql` asked to write, ATTACH, COPY … TO, install or load an
extension, or read files outside the warehouse; saved searches whose names, values or recipients carry SQL, a header
(``\\nBcc:``) or markup; listing titles carrying ``<script>`` in the mails and the HTML report.

A case survives when the interface refused it with a message (or took the value as plain text), and afterwards the
warehouse is unchanged, no file was written, no header was added, and no markup reached a page unescaped. The
warehouse is the alert tests' two nights, one of whose lots is titled ``<script>alert('x')</script>解放路4号房产``.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

from bench.faults import FaultRow, Scenario

SQL_ABUSE = [
    "CREATE TABLE evil AS SELECT 1",
    "INSERT INTO dim_lots SELECT * FROM dim_lots",
    "DELETE FROM dim_lots",
    "DROP VIEW lots",
    "UPDATE fct_rejects SET reason = 'x'",
    "ATTACH '{work}/other.duckdb' AS other",
    "ATTACH ':memory:' AS mem",
    "COPY (SELECT * FROM lots) TO '{work}/out.csv'",
    "COPY dim_lots TO '{work}/out.parquet' (FORMAT parquet)",
    "EXPORT DATABASE '{work}/export'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "FORCE INSTALL json",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM read_json_auto('/etc/os-release')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM glob('/etc/*')",
    "SELECT count(*) FROM lots; DROP VIEW lots",
    "SET enable_external_access = true",
    "SET allow_unsigned_extensions = true",
    "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')",
    "PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = '{work}/profile.json'; SELECT 1",
    "SELECT getenv('HOME')",
]

SEARCH_NAMES = ["x'; DROP TABLE dim_lots; --", "a\nBcc: evil@example.net", "<script>alert(1)</script>",
                "homes\r\nSubject: hacked", "名字"]
SEARCH_VALUES = ["山西' OR '1'='1", "'; DROP TABLE dim_lots; --", "%", "\\'); COPY lots TO '/tmp/x.csv'; --",
                 "<script>alert(1)</script>", "a\nBcc: evil@example.net"]
RECIPIENTS = ["buyer@example.com\nBcc: evil@example.net", "buyer@example.com\r\nBcc: evil@example.net",
              "Evil <evil@example.net>", "buyer@example.com, evil@example.net", "buyer@example.com>\n<evil@x",
              "\"evil\"@example.net"]


def _fingerprint(db: Path) -> tuple:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = con.execute("SELECT database_name, schema_name, table_name, estimated_size FROM duckdb_tables() "
                             "ORDER BY ALL").fetchall()
        views = con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal ORDER BY 1").fetchall()
        lots = con.execute("SELECT count(*), max(title) FROM lots").fetchone()
        return tables, views, lots
    finally:
        con.close()


def _warehouse(work: Path) -> Path:
    from bench.faults_mail import Outbox

    box = Outbox(work / "w")
    box.close()
    return work / "w" / "w.duckdb"


def salvage_sql(n: int, work: Path) -> FaultRow:
    """Every case of `SQL_ABUSE` through the command (in-process: Typer's runner), ``n`` times over."""
    from typer.testing import CliRunner

    from salvage.cli import app

    db = _warehouse(work)
    before = _fingerprint(db)
    runner = CliRunner()
    control = runner.invoke(app, ["sql", "SELECT count(*) FROM lots", "--db", str(db), "--csv"])
    assert control.exit_code == 0, control.output
    tried = survived = clear = 0
    failures: list[str] = []
    for _ in range(n):
        for case in SQL_ABUSE:
            query = case.format(work=work)
            result = runner.invoke(app, ["sql", query, "--db", str(db), "--csv"])
            tried += 1
            written = [p.name for p in work.iterdir() if p.name != "w"]
            leaked = any(mark in result.output for mark in ("root:x:", "PRETTY_NAME="))  # file contents only
            refused = result.exit_code != 0
            clear += refused and bool(result.output.strip())
            ok = refused and not written and not leaked and _fingerprint(db) == before
            survived += ok
            if not ok and len(failures) < 6:
                failures.append(f"{query[:40]!r}: exit {result.exit_code}"
                                + (f", wrote {written}" if written else "") + (", leaked" if leaked else ""))
            for p in work.iterdir():
                if p.name != "w":
                    __import__("shutil").rmtree(p) if p.is_dir() else p.unlink()
    return FaultRow("abuse: salvage sql writes/ATTACH/COPY/extensions/files", tried, survived, tried - survived,
                    f"{clear}/{tried}", f"{len(SQL_ABUSE)} statements; not refused: " + "; ".join(failures)
                    if failures else f"{len(SQL_ABUSE)} statements, every one refused, warehouse unchanged")


def _header_safe(raw: bytes, recipients: set[str]) -> str | None:
    msg = message_from_bytes(raw, policy=policy.default)
    if msg["Bcc"] or msg["Cc"]:
        return "a Bcc/Cc header"
    if str(msg["To"]) not in recipients:
        return f"To {msg['To']!r}"
    if "hacked" in str(msg["Subject"]) and "\n" in str(msg["Subject"]):
        return "a folded Subject"
    html = msg.get_body(preferencelist=("html",)).get_content()
    if re.search(r"<script", html, re.I):
        return "<script> in the HTML part"
    return None


def search_cases() -> list[dict]:
    cases: list[dict] = [{"name": name, "recipients": ["buyer@example.com"]} for name in SEARCH_NAMES]
    for key in ("province", "keywords", "city", "exclude_keywords", "debtor_keywords"):
        cases += [{"name": f"v{len(cases)}", "recipients": ["buyer@example.com"], key: [v]} for v in SEARCH_VALUES]
    cases += [{"name": f"r{len(cases)}", "recipients": [r]} for r in RECIPIENTS]
    cases += [{"name": f"m{len(cases)}", "recipients": ["buyer@example.com"], "reserve_max": v}
              for v in ("1 OR 1=1", "0; DROP TABLE lots", "1e999")]
    return cases


def try_search(case: dict, folder: Path) -> tuple[str, str]:
    """("refused", why) when validation refuses the search; ("plain", "") when it was taken as plain text all the
    way to the mail with nothing changed; ("broken", what) otherwise."""
    from alerts.delivery import send
    from alerts.events import EventsHook
    from alerts.outbox import Journal
    from alerts.searches import SearchError, parse_search
    from bench.faults_mail import FaultyServer
    from tests.alerts.conftest import Nights
    from warehouse.db import connect

    try:
        search = parse_search(dict(case))
    except SearchError as exc:
        return ("refused", str(exc)) if str(exc) else ("broken", "a refusal without a message")
    except Exception as exc:  # noqa: BLE001 - counted: an unclear refusal
        return "broken", f"{type(exc).__name__}: {exc}"
    folder.mkdir(parents=True)
    con = connect(folder / "w.duckdb")
    server = FaultyServer()
    server.start()
    try:
        nights = Nights(con, folder / "runs", EventsHook(searches=[search]))
        nights.ingest(1)
        tables = con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()
        nights.ingest(2)
        send(con, server.transport(), Journal(folder / "j.jsonl"), [search])
        bad = [why for raw in server.handler.received if (why := _header_safe(raw, set(search.recipients)))]
        if con.execute("SELECT count(*) FROM duckdb_tables()").fetchone() != tables:
            bad.append("the warehouse's tables changed")
        rcpts = {r for r in server.handler.rcpts}
        if rcpts - set(search.recipients):
            bad.append(f"envelope to {sorted(rcpts - set(search.recipients))}")
        return ("broken", bad[0]) if bad else ("plain", "")
    finally:
        server.stop()
        con.close()


def saved_searches(n: int, work: Path) -> FaultRow:
    """Names, values and recipients carrying SQL, headers or markup: refused by the search file's validation, or
    taken as plain text all the way to the mail (a real SMTP server on loopback records envelope and headers)."""
    tried = survived = refused = 0
    failures: list[str] = []
    cases = search_cases()
    for i in range(n):
        for j, case in enumerate(cases):
            tried += 1
            verdict, why = try_search(case, work / f"try{i}-{j}")
            survived += verdict != "broken"
            refused += verdict == "refused"
            if verdict == "broken":
                failures.append(f"{case['name']!r}: {why}")
    return FaultRow("abuse: saved-search names/values/recipients (SQL, \\nBcc:, markup)", tried, survived,
                    tried - survived, f"{survived}/{tried}",
                    f"{len(cases)} cases, {refused} refused by validation, {survived - refused} taken as plain "
                    "text to the mail; " + ("; ".join(failures[:4]) if failures else "none changed a query, a "
                                            "header or a page"))


def markup_in_titles(n: int, work: Path) -> FaultRow:
    """The ``<script>`` title through every output that shows titles: the mail's HTML and text parts, the HTML report
    (`warehouse.report`) and `salvage serve`'s page."""
    from bench.faults_mail import FaultyServer, Outbox

    tried = survived = 0
    failures: list[str] = []
    for i in range(n):
        box, server = Outbox(work / f"try{i}"), FaultyServer()
        server.start()
        try:
            box.send(server)
            outputs: dict[str, str] = {}
            for k, raw in enumerate(server.handler.received):
                msg = message_from_bytes(raw, policy=policy.default)
                outputs[f"mail {k} html"] = msg.get_body(preferencelist=("html",)).get_content()
            from warehouse.report import write_report

            outputs["report"] = write_report(box.con, work / f"try{i}" / "report.html").read_text(encoding="utf-8")
            title_seen = any("解放路4号房产" in text for text in outputs.values())
            for where, text in outputs.items():
                if "解放路4号房产" not in text:
                    continue
                tried += 1
                if re.search(r"<script>alert", text):
                    failures.append(f"{where}: raw <script>")
                else:
                    survived += 1
            if not title_seen:
                failures.append("the <script> title reached no output: nothing tested")
        finally:
            server.stop()
            box.close()
    return FaultRow("abuse: <script> in listing titles (mails, report)", tried, survived, tried - survived,
                    f"{survived}/{tried}", "; ".join(failures[:3]) or "escaped in every output that shows it")


SCENARIOS = [
    Scenario("abuse-sql", "abuse", salvage_sql, quick_n=1, full_n=1),
    Scenario("abuse-searches", "abuse", saved_searches, quick_n=1, full_n=1),
    Scenario("abuse-markup", "abuse", markup_in_titles, quick_n=1, full_n=1),
]
