"""Delivery through a real SMTP server on loopback (aiosmtpd): what arrives, and that nothing is lost or repeated
when the server is down, refuses, or drops the connection."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from alerts import outbox
from alerts.delivery import EmlTransport, SmtpTransport, deliver, journal_for, send, send_to_warehouse
from alerts.events import EventsHook
from alerts.outbox import Journal
from alerts.settings import SettingsError, smtp_settings
from tests.warehouse.conftest import write_run
from warehouse.ingest import ingest

from .conftest import SEARCHES, SHANGHAI, Nights, Server, night1, night2, search

COMPOSED = datetime(2026, 11, 21, 6, 0, tzinfo=SHANGHAI)


def _send(con, server: Server, searches=SEARCHES, **overrides):
    journal = Journal(Path(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                                       ).fetchone()[0] + ".alerts-sent.jsonl"))
    return send(con, SmtpTransport(server.settings(**overrides)), journal, searches, now=COMPOSED)


def _body(msg, subtype: str) -> str:
    return msg.get_body(preferencelist=(subtype,)).get_content()


def test_one_digest_per_recipient_per_night_with_the_numbers_links_and_headers(two_nights: Nights, smtp: Server):
    smtp.start()
    report = _send(two_nights.con, smtp)
    assert (report.composed, len(report.sent), report.pending) == (3, 3, 0)
    received = smtp.recorder.messages()
    by = Counter((m["To"], m["Subject"]) for m in received)
    assert by == Counter({
        ("buyer@example.com", "Salvage alerts 2026-11-20: 1 starting soon"): 1,
        ("buyer@example.com", "Salvage alerts 2026-11-21: 2 new, 1 price drop, 1 status change"): 1,
        ("desk@example.com", "Salvage alerts 2026-11-21: 1 new, 1 price drop"): 1,
    })
    assert [env[:2] for env in smtp.recorder.received] == [
        ("alerts@salvage.example", [m["To"]]) for m in received]

    buyer = next(m for m in received if m["To"] == "buyer@example.com" and "2026-11-21" in m["Subject"])
    assert buyer.get_content_type() == "multipart/alternative"
    assert buyer["From"] == "Salvage alerts <alerts@salvage.example>"
    assert re.fullmatch(r"<salvage\.20261121-digest-[0-9a-f]{12}-1@salvage\.example>", buyer["Message-ID"])
    unsubscribe = f"<mailto:alerts@salvage.example?subject=unsubscribe%20{buyer['X-Salvage-Mail-Id']}>"
    assert buyer["List-Unsubscribe"] == unsubscribe
    assert buyer["Date"] and buyer["Auto-Submitted"] == "auto-generated"

    html, text = _body(buyer, "html"), _body(buyer, "plain")
    # a title from the web arrives as text: escaped in the HTML, verbatim in the plain text
    assert "<script>" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;解放路4号房产" in html
    assert "<script>alert('x')</script>解放路4号房产" in text
    assert 'href="https://sf-item.taobao.com/sf_item/4.htm?a=1&amp;b=&lt;2&gt;"' in html
    # the key numbers, per lot, with its link
    assert 'href="https://sf-item.taobao.com/sf_item/1.htm"' in html
    assert "reserve down 20.00%: ¥1,000,000 (100.00万) → ¥800,000 (80.00万)" in html
    assert "now withdrawn (was ongoing)" in text
    for label in ("Reserve", "Appraisal", "Discount", "Total claim", "Start"):
        assert f"<th align=\"right\">{label}</th>" in html
    assert "28.6% below appraisal" in html  # the new lot: 1,000,000 against 1,400,000
    # lot 1 dropped its price for two of the buyer's searches: one row naming both
    assert html.count("sf_item/1.htm") == 1 and "homes, shanxi" in html

    desk = next(m for m in received if m["To"] == "desk@example.com")
    assert "某商贸公司不良债权" in _body(desk, "plain") and "npl, shanxi" in _body(desk, "plain")
    assert "77.8% below claim" in _body(desk, "plain")  # a debt lot: against its claim


def test_immediate_searches_get_their_own_mail_not_a_digest_line(two_nights: Nights, smtp: Server):
    smtp.start()
    searches = [*SEARCHES[:2], SEARCHES[2].model_copy(update={"immediate": True})]
    _send(two_nights.con, smtp, searches)
    subjects = sorted((m["To"], m["Subject"]) for m in smtp.recorder.messages())
    assert ("desk@example.com", "Salvage alert npl: 1 new") in subjects
    desk_digest = next(m for m in smtp.recorder.messages() if m["Subject"].startswith("Salvage alerts 2026-11-21")
                       and m["To"] == "desk@example.com")
    assert "npl" not in _body(desk_digest, "plain").split("search:")[-1]


def test_server_down_then_up_every_mail_arrives_exactly_once(two_nights: Nights, smtp: Server):
    con = two_nights.con
    down = _send(con, smtp)  # nothing listens on the port
    assert (down.composed, down.sent, down.pending) == (3, [], 3)
    assert "ConnectionRefusedError" in down.server_down
    assert outbox.outbox_counts(con) == {"pending": 3}
    assert con.execute("SELECT attempts, last_error IS NOT NULL FROM alert_mails ORDER BY created_at, mail_id "
                       "LIMIT 1").fetchone() == (1, True)
    smtp.start()
    up = _send(con, smtp)
    assert (up.composed, len(up.sent), up.pending) == (0, 3, 0)
    again = _send(con, smtp)
    assert (again.composed, again.sent, again.pending) == (0, [], 0)
    ids = [m["Message-ID"] for m in smtp.recorder.messages()]
    assert len(ids) == 3 and len(set(ids)) == 3
    stored = dict(con.execute("SELECT message_id, message FROM alert_mails").fetchall())
    for _, _, raw in smtp.recorder.received:  # what arrived is what the outbox holds, byte for byte
        msg = message_from_bytes(raw, policy=policy.default)
        assert stored[msg["Message-ID"]].encode().replace(b"\r\n", b"\n").strip() == \
            raw.replace(b"\r\n", b"\n").strip()


def test_a_refused_mail_stays_in_the_outbox_and_goes_out_next_run_once(two_nights: Nights, smtp: Server):
    smtp.start()
    smtp.recorder.refuse_to = {"desk@example.com"}
    first = _send(two_nights.con, smtp)
    assert (len(first.sent), first.pending, first.server_down) == (2, 1, None)
    assert "451" in next(iter(first.refused.values()))
    smtp.recorder.refuse_to = set()
    second = _send(two_nights.con, smtp)
    assert (len(second.sent), second.pending) == (1, 0)
    assert Counter(m["To"] for m in smtp.recorder.messages()) == {"buyer@example.com": 2, "desk@example.com": 1}


def test_a_connection_dropped_mid_batch_loses_and_repeats_nothing(two_nights: Nights, smtp: Server):
    smtp.start()
    smtp.recorder.drop_after = 1
    first = _send(two_nights.con, smtp)
    assert (len(first.sent), first.pending) == (1, 2) and first.server_down
    smtp.recorder.drop_after = None
    second = _send(two_nights.con, smtp)
    assert (len(second.sent), second.pending) == (2, 0)
    ids = [m["Message-ID"] for m in smtp.recorder.messages()]
    assert len(ids) == 3 == len(set(ids))


def test_a_crash_after_the_server_accepted_resends_the_same_mail(two_nights: Nights, smtp: Server, monkeypatch):
    smtp.start()
    real = Journal.record

    def crash(self, mail_id, status, detail):
        if status == "sent":
            raise KeyboardInterrupt("killed before the receipt was written")
        real(self, mail_id, status, detail)

    monkeypatch.setattr(Journal, "record", crash)
    with pytest.raises(KeyboardInterrupt):
        _send(two_nights.con, smtp)
    monkeypatch.setattr(Journal, "record", real)
    _send(two_nights.con, smtp)
    received = smtp.recorder.received
    assert len(received) == 4  # the one in flight went twice...
    first, resent = received[0][2], received[1][2]
    assert first == resent  # ...byte for byte the same mail, same Message-ID: recognisably one mail
    assert len({message_from_bytes(r[2])["Message-ID"] for r in received}) == 3


def test_a_crash_after_the_receipt_was_written_sends_nothing_twice(two_nights: Nights, smtp: Server, monkeypatch):
    smtp.start()
    real = outbox.fold
    calls = []

    def crash_on_second_fold(con, journal):
        calls.append(1)
        if len(calls) == 2:  # every mail was accepted and journaled; the process dies before they are marked
            raise KeyboardInterrupt("power cut")
        return real(con, journal)

    monkeypatch.setattr("alerts.delivery.fold", crash_on_second_fold)
    with pytest.raises(KeyboardInterrupt):
        _send(two_nights.con, smtp)
    monkeypatch.setattr("alerts.delivery.fold", real)
    assert outbox.outbox_counts(two_nights.con) == {"pending": 3}  # not marked in the warehouse yet...
    again = _send(two_nights.con, smtp)
    assert (again.sent, again.pending) == ([], 0)  # ...but the receipts were: nothing goes out twice
    assert len(smtp.recorder.received) == 3


def test_sending_from_a_published_warehouse_while_an_analyst_reads_it(tmp_path: Path, smtp: Server):
    import duckdb

    from warehouse.db import publishing

    db, runs = tmp_path / "salvage.duckdb", tmp_path / "runs"
    hook = EventsHook(searches=SEARCHES)
    for night, lots in ((1, night1()), (2, night2())):
        with publishing(db) as con:
            ingest(con, [write_run(runs, lots, night=night)], hooks=[hook])
    analyst = duckdb.connect(str(db), read_only=True)  # a notebook left open
    smtp.start()
    smtp.recorder.refuse_to = {"desk@example.com"}
    first = send_to_warehouse(db, SmtpTransport(smtp.settings()), SEARCHES, now=COMPOSED)
    assert (first.composed, len(first.sent), first.pending) == (3, 2, 1)
    assert analyst.execute("SELECT count(*) FROM lots").fetchone() == (7,)  # still reading the old file
    smtp.recorder.refuse_to = set()
    second = send_to_warehouse(db, SmtpTransport(smtp.settings()), SEARCHES, now=COMPOSED)
    assert (second.composed, len(second.sent), second.pending) == (0, 1, 0)
    assert len(smtp.recorder.received) == 3 and not journal_for(db).path.exists()
    analyst.close()  # (in one process, DuckDB would hand a new connection the instance still open)
    with duckdb.connect(str(db), read_only=True) as fresh:
        assert fresh.execute("SELECT status, count(*), sum(attempts) FROM alert_mails GROUP BY 1").fetchall() == [
            ("sent", 3, 4)]


def test_a_second_ingest_in_the_same_night_makes_a_second_part_not_a_changed_mail(nights: Nights, smtp: Server):
    smtp.start()
    nights.ingest(1)
    nights.ingest(2, night2()[:2])
    _send(nights.con, smtp)
    nights.ingest(2, night2()[2:])  # a late source of the same night
    _send(nights.con, smtp)
    subjects = sorted(m["Subject"] for m in smtp.recorder.messages() if m["To"] == "buyer@example.com")
    assert subjects == ["Salvage alerts 2026-11-20: 1 starting soon",
                        "Salvage alerts 2026-11-21: 1 price drop, 1 status change",
                        "Salvage alerts 2026-11-21: 2 new (part 2)"]


def test_a_removed_search_gets_no_more_mail(two_nights: Nights, smtp: Server):
    smtp.start()
    _send(two_nights.con, smtp, [s for s in SEARCHES if s.name != "npl"])
    assert two_nights.con.execute("SELECT count(*) FROM alert_events WHERE state = 'dropped'").fetchone() == (1,)
    assert all("npl" not in _body(m, "plain") for m in smtp.recorder.messages())


def test_without_smtp_mails_are_eml_files_written_once(two_nights: Nights, tmp_path: Path):
    folder = tmp_path / "mail"
    journal = Journal(tmp_path / "receipts.jsonl")
    report = send(two_nights.con, EmlTransport(folder, "salvage-alerts@localhost"), journal, SEARCHES, now=COMPOSED)
    files = sorted(folder.glob("*.eml"))
    assert len(report.sent) == len(files) == 3
    msg = message_from_bytes(files[-1].read_bytes(), policy=policy.default)
    assert msg["Message-ID"].endswith("@localhost>") and msg.get_body(("html",)) is not None
    again = send(two_nights.con, EmlTransport(folder, "salvage-alerts@localhost"), journal, SEARCHES, now=COMPOSED)
    assert again.sent == [] and sorted(folder.glob("*.eml")) == files
    assert not list(folder.glob(".*"))  # no half-written files


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_works_and_the_password_is_never_stored(con, tmp_path: Path):
    server = Server(__import__("tests.alerts.conftest", fromlist=["free_port"]).free_port(),
                    auth=("alerts", "s3cret-pw"))
    server.start()
    try:
        hook = EventsHook(searches=SEARCHES)
        ingest(con, [write_run(tmp_path / "runs", night1(), night=1)], hooks=[hook])
        bad = _send(con, server, user="alerts", password="wrong")
        assert bad.pending == 1 and "login as alerts refused" in bad.server_down and "wrong" not in bad.server_down
        good = _send(con, server, user="alerts", password="s3cret-pw")
        assert (len(good.sent), good.pending) == (1, 0)
        dump = con.execute("SELECT string_agg(COLUMNS(*)::VARCHAR, '|') FROM alert_mails").fetchone()
        assert "s3cret-pw" not in str(dump) and "wrong" not in str(dump)
        assert "s3cret-pw" not in repr(server.settings(user="alerts", password="s3cret-pw"))
    finally:
        server.stop()


def test_smtp_settings_come_from_the_environment_and_are_checked():
    assert smtp_settings({}) is None  # no host: .eml files
    s = smtp_settings({"SALVAGE_SMTP_HOST": "smtp.example.com", "SALVAGE_SMTP_USER": "u",
                       "SALVAGE_SMTP_PASSWORD": "pw", "SALVAGE_SMTP_FROM": "alerts@example.com"})
    assert (s.port, s.security, s.sender, s.url) == (587, "starttls", "alerts@example.com",
                                                      "smtp://smtp.example.com:587")
    assert "pw" not in repr(s)
    assert smtp_settings({"SALVAGE_SMTP_HOST": "h", "SALVAGE_SMTP_SECURITY": "TLS"}).port == 465
    for env, why in [({"SALVAGE_SMTP_SECURITY": "ssl"}, "expected starttls, tls or none"),
                     ({"SALVAGE_SMTP_PORT": "smtp"}, "not a port number"),
                     ({"SALVAGE_SMTP_USER": "u"}, "SALVAGE_SMTP_PASSWORD is not"),
                     ({"SALVAGE_SMTP_USER": "u", "SALVAGE_SMTP_PASSWORD": "pw", "SALVAGE_SMTP_SECURITY": "none"},
                      "unencrypted"),
                     ({"SALVAGE_SMTP_FROM": "Alerts <a@b.c>\r\nBcc: x@y.z"}, "SALVAGE_SMTP_FROM")]:
        with pytest.raises(SettingsError, match=why):
            smtp_settings({"SALVAGE_SMTP_HOST": "smtp.example.com", **env})


def test_a_javascript_url_is_not_made_a_link(nights: Nights, smtp: Server):
    from tests.warehouse.conftest import make_lot

    smtp.start()
    nights.ingest(1)
    nights.ingest(2, [make_lot("66", night=2, url="javascript:alert(1)//sf_item")])
    _send(nights.con, smtp, [search("homes", asset_type="real_estate")])
    html = _body(smtp.recorder.messages()[-1], "html")
    assert 'href="javascript' not in html and "javascript:alert(1)//sf_item" in html


def test_deliver_with_nothing_pending_does_nothing(smtp: Server, tmp_path: Path):
    report = deliver([], SmtpTransport(smtp.settings()), Journal(tmp_path / "j"))  # server down, nobody needs it
    assert (report.sent, report.server_down) == ([], None) and not (tmp_path / "j").exists()


def test_a_sale_says_for_how_much(nights: Nights, smtp: Server):
    from decimal import Decimal

    from tests.warehouse.conftest import make_lot

    from .conftest import LATER

    smtp.start()
    nights.ingest(1)
    nights.ingest(2, [make_lot("1", night=2, start_at=LATER, province="山西省", status="sold",
                               final_price=Decimal(1234567), current_price=Decimal(1234567), bid_count=9)])
    _send(nights.con, smtp)
    buyer = [m for m in smtp.recorder.messages() if m["Subject"].startswith("Salvage alerts 2026-11-21")
             and m["To"] == "buyer@example.com"]
    assert len(buyer) == 1
    assert "now sold for ¥1,234,567 (123.46万) (was ongoing)" in _body(buyer[0], "plain")
    assert "search: homes, shanxi" in _body(buyer[0], "plain")
