from pathlib import Path

import pytest
from filelock import FileLock

from schedules.nightly import NightAlreadyRunning, lock_path, run_night


def test_an_overlapping_night_is_refused_and_does_nothing(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    with FileLock(str(lock_path(db))):
        with pytest.raises(NightAlreadyRunning, match="another night is running"):
            run_night(["alibaba_sf"], db, tmp_path / "runs", replica="http://127.0.0.1:9")
    assert not (tmp_path / "runs").exists() and not db.exists()


@pytest.mark.slow
def test_the_cron_command_crawls_ingests_links_and_mails(tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from replicas.server import ReplicaServer
    from salvage.cli import app

    searches = tmp_path / "alerts.toml"
    searches.write_text('[[search]]\nname = "all-upcoming"\nrecipients = ["desk@example.com"]\n'
                        'round = ["first", "second", "sell_off"]\nevents = ["starting_soon"]\nsoon_days = 30\n',
                        encoding="utf-8")
    for key in ("SALVAGE_SMTP_HOST",):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SALVAGE_ALERTS", str(searches))
    monkeypatch.setenv("SALVAGE_MAIL_DIR", str(tmp_path / "mail"))
    monkeypatch.setenv("SALVAGE_DIGEST_DIR", str(tmp_path / "digests"))
    db = tmp_path / "w.duckdb"
    with ReplicaServer(seed=4, n_lots=60, night=1) as replica:
        result = CliRunner().invoke(app, ["nightly", "-s", "alibaba_zc", "--db", str(db), "--runs",
                                          str(tmp_path / "runs"), "--replica", replica.base_url])
    assert result.exit_code == 0, result.output
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT status FROM crawl_runs").fetchall() == [("ok",)]
    assert con.execute("SELECT count(*) FROM fct_lot_links").fetchone()[0] == \
        con.execute("SELECT count(*) FROM lots").fetchone()[0]  # every lot linked to an asset
    assert con.execute("SELECT count(*) FROM fct_run_metrics").fetchone()[0] > 0
    assert con.execute("SELECT count(*) FROM alert_events WHERE kind = 'starting_soon'").fetchone()[0] > 0
    assert list((tmp_path / "mail").glob("*.eml"))
