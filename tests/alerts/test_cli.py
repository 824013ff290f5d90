"""``salvage alerts add / list / remove / test / send`` and ``salvage ingest`` recording events."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from alerts.searches import load_searches
from salvage.cli import app
from tests.warehouse.conftest import write_run

from .conftest import night1, night2

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch) -> dict[str, Path]:
    paths = {"alerts": tmp_path / "alerts.toml", "db": tmp_path / "w.duckdb", "runs": tmp_path / "runs",
             "mail": tmp_path / "mail"}
    monkeypatch.setenv("SALVAGE_ALERTS", str(paths["alerts"]))
    monkeypatch.setenv("SALVAGE_DB", str(paths["db"]))
    monkeypatch.setenv("SALVAGE_RUNS", str(paths["runs"]))
    monkeypatch.setenv("SALVAGE_MAIL_DIR", str(paths["mail"]))
    monkeypatch.delenv("SALVAGE_SMTP_HOST", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return paths


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", ["add", "list", "remove", "test", "send"])
def test_every_command_has_help(command: str):
    result = run("alerts", command, "--help")
    assert result.exit_code == 0 and "Usage" in result.output


def test_add_list_test_ingest_send_remove(env: dict[str, Path]):
    added = run("alerts", "add", "homes", "--to", "buyer@example.com", "--asset-type", "real_estate",
                "--reserve-max", "200万")
    assert added.exit_code == 0, added.output
    assert "reserve_max = 2000000" in added.output
    run("alerts", "add", "npl", "--to", "desk@example.com", "--asset-type", "debt", "--province", "山西",
        "--immediate")
    listed = run("alerts", "list")
    assert "homes" in listed.output and "buyer@example.com" in listed.output and "immediate" in listed.output

    write_run(env["runs"], night1(), night=1)
    first = run("ingest")
    assert first.exit_code == 0 and "alerts: 2 saved searches, night 2026-11-20" in first.output
    write_run(env["runs"], night2(), night=2)
    second = run("ingest")
    assert "events 2 new, 1 price_drop, 1 status_change" in second.output, second.output

    tested = run("alerts", "test", "homes")
    assert tested.exit_code == 0 and "homes: 4 lots match (3 upcoming or ongoing)" in tested.output

    sent = run("alerts", "send")
    assert sent.exit_code == 0 and "3 mails composed, 3 sent" in sent.output, sent.output
    assert len(list(env["mail"].glob("*.eml"))) == 3
    assert "0 mails composed, 0 sent" in run("alerts", "send").output

    assert run("alerts", "remove", "npl").exit_code == 0
    assert [s.name for s in load_searches(env["alerts"])] == ["homes"]
    missing = run("alerts", "remove", "npl")
    assert missing.exit_code == 1 and "no search named 'npl'" in missing.output


def test_a_bad_search_is_refused_and_the_file_is_untouched(env: dict[str, Path]):
    run("alerts", "add", "homes", "--to", "buyer@example.com", "--asset-type", "real_estate")
    before = env["alerts"].read_text()
    bad = run("alerts", "add", "x", "--to", "not-an-address", "--asset-type", "houses", "--reserve-min", "9",
              "--reserve-max", "1")
    assert bad.exit_code == 2
    for problem in ("search 'x' refused", "recipients: 'not-an-address' is not an e-mail address",
                    "asset_type: Input should be 'real_estate'"):
        assert problem in bad.output
    assert env["alerts"].read_text() == before
    no_filter = run("alerts", "add", "y", "--to", "a@example.com")
    assert no_filter.exit_code == 2 and "no filter" in no_filter.output


def test_send_with_a_bad_smtp_setting_says_which(env: dict[str, Path], monkeypatch):
    monkeypatch.setenv("SALVAGE_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("SALVAGE_SMTP_SECURITY", "ssl")
    result = run("alerts", "send")
    assert result.exit_code == 1 and "SALVAGE_SMTP_SECURITY='ssl'" in result.output


def test_send_exits_1_while_mails_stay_in_the_outbox(env: dict[str, Path], monkeypatch):
    from .conftest import free_port

    run("alerts", "add", "homes", "--to", "buyer@example.com", "--asset-type", "real_estate")
    write_run(env["runs"], night1(), night=1)
    run("ingest")
    monkeypatch.setenv("SALVAGE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SALVAGE_SMTP_PORT", str(free_port()))  # nobody listens
    monkeypatch.setenv("SALVAGE_SMTP_SECURITY", "none")
    monkeypatch.setenv("SALVAGE_SMTP_PASSWORD", "hunter2-secret")
    result = run("alerts", "send")
    assert result.exit_code == 1
    assert "1 pending in the outbox" in result.output and "server down" in result.output
    assert "hunter2" not in result.output
