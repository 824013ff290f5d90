"""Mail faults with a real SMTP server on loopback (the quick version of the fault table's mail rows,
``bench/faults_mail.py``): a server down all night, recipients refused at RCPT, and the connection dropped after DATA
(the server has the mail, the sender never hears its 250)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.faults_mail import FaultyServer, Outbox, dropped_after_data, recipients_refused, server_down_all_night


@pytest.fixture
def box(tmp_path: Path):
    outbox = Outbox(tmp_path / "w")
    yield outbox
    outbox.close()


@pytest.fixture
def server():
    faulty = FaultyServer()
    yield faulty
    faulty.stop()


def test_a_connection_dropped_after_data_is_journalled_uncertain_and_resent_byte_for_byte(box: Outbox,
                                                                                           server: FaultyServer):
    server.handler.drop_after_data = 1
    server.start()
    first = box.send(server)
    assert len(first.uncertain) == 1 and first.pending > 0
    (why,) = box.con.execute("SELECT last_error FROM alert_mails WHERE mail_id = ?", first.uncertain).fetchone()
    assert why.startswith("uncertain:")
    second = box.send(server)
    assert second.pending == 0 and not second.uncertain
    composed, lost, strangers, same_id = box.verdict(server)
    assert (lost, strangers, same_id) == (0, 0, 1)  # one second copy, and it carries the first one's Message-ID
    assert server.handler.received[0] == server.handler.received[1]


def test_a_sender_that_died_mid_send_leaves_the_mail_uncertain_not_forgotten(box: Outbox, server: FaultyServer):
    from alerts.outbox import compose, fold, pending_mails

    compose(box.con, box.searches, sender="alerts@salvage.example", now=__import__("datetime").datetime.now())
    mail = pending_mails(box.con)[0]
    box.journal.record(mail.mail_id, "sending", "smtp://127.0.0.1")  # and then the process was killed
    fold(box.con, box.journal)
    status, why = box.con.execute("SELECT status, last_error FROM alert_mails WHERE mail_id = ?",
                                  [mail.mail_id]).fetchone()
    assert status == "pending" and why.startswith("uncertain:")


def test_recipients_refused_at_rcpt_get_their_mail_once_they_accept(box: Outbox, server: FaultyServer):
    server.handler.refuse_rcpt = {"desk@example.com"}
    server.start()
    refused = box.send(server)
    assert all("550" in why for why in refused.refused.values()) and refused.sent  # the others went out
    server.handler.refuse_rcpt = set()
    assert box.send(server).pending == 0
    assert box.verdict(server)[1:] == (0, 0, 0)


@pytest.mark.parametrize("scenario", [server_down_all_night, recipients_refused, dropped_after_data])
def test_the_fault_rows_lose_nothing_and_repeat_nothing_unrecognisably(scenario, tmp_path: Path):
    row = scenario(1, tmp_path)
    assert row.ok, row


def test_salvage_alerts_send_says_which_mail_is_uncertain(tmp_path: Path, monkeypatch, server: FaultyServer):
    from typer.testing import CliRunner

    from salvage.cli import app
    from tests.alerts.conftest import night1
    from tests.warehouse.conftest import write_run

    for key, value in {"SALVAGE_ALERTS": tmp_path / "alerts.toml", "SALVAGE_DB": tmp_path / "w.duckdb",
                       "SALVAGE_RUNS": tmp_path / "runs", "SALVAGE_SMTP_HOST": "127.0.0.1",
                       "SALVAGE_SMTP_PORT": server.port, "SALVAGE_SMTP_SECURITY": "none", "COLUMNS": 300}.items():
        monkeypatch.setenv(key, str(value))
    runner = CliRunner()
    runner.invoke(app, ["alerts", "add", "homes", "--to", "buyer@example.com", "--asset-type", "real_estate"])
    write_run(tmp_path / "runs", night1(), night=1)
    assert runner.invoke(app, ["ingest"]).exit_code == 0
    server.handler.drop_after_data = 1
    server.start()
    first = runner.invoke(app, ["alerts", "send"])
    assert first.exit_code == 1 and "uncertain:" in first.output and "same Message-ID" in first.output
    again = runner.invoke(app, ["alerts", "send"])
    assert again.exit_code == 0, again.output
    assert len(server.handler.received) == 2 and server.handler.received[0] == server.handler.received[1]
