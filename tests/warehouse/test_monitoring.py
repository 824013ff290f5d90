"""Run monitoring: metrics per run, drops against the previous runs, the digest, `salvage runs`."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

from contracts.runfiles import RunWriter
from tests.warehouse.conftest import NIGHT_1, make_lot
from warehouse.ingest import ingest
from schedules.digest import deliver_digest
from warehouse.monitoring import MetricsHook, build_digest, recent_runs


def night_run(runs: Path, night: int, n: int, *, with_principal: int | None = None, status: str = "ok",
              error: str | None = None, source: str = "alibaba_sf", kind: str | None = None) -> Path:
    started = NIGHT_1 + timedelta(days=night - 1)
    writer = RunWriter(runs, source, started)
    lots = [make_lot(f"{night}{i:03d}", night, source=source) for i in range(n)]
    for lot in lots:
        writer.write_lot(lot)
    with_principal = n if with_principal is None else with_principal
    stats = {"salvage/items": n, "downloader/request_count": 3 * n + 2, "retry/count": 4,
             "salvage/interstitials": 2, "log_count/ERROR": 0, "elapsed_time_seconds": 61.5,
             "salvage/coverage": {"title": 1.0 if n else 0.0, "principal": (with_principal / n) if n else 0.0}}
    if kind:
        stats["salvage/kind"] = kind
    writer.close(started + timedelta(minutes=5), status, error, stats)
    return writer.paths.meta


def load(con, *metas: Path) -> MetricsHook:
    hook = MetricsHook()
    ingest(con, list(metas), hooks=[hook])
    return hook


def test_every_run_gets_its_metrics_and_every_field_its_coverage(con, tmp_path):
    hook = load(con, night_run(tmp_path, 1, 10))
    (run,) = hook.runs
    assert (run.items, run.requests, run.retries, run.interstitials, run.errors, run.duration_s) == \
        (10, 32, 4, 2, 0, 61.5)
    assert run.health == "ok" and run.warnings == []
    row = con.execute("SELECT items, requests, health, baseline_runs FROM fct_run_metrics").fetchone()
    assert row == (10, 32, "ok", 0)
    cov = dict(con.execute("SELECT field, coverage FROM fct_run_field_coverage").fetchall())
    assert cov["title"] == 1.0 and cov["principal"] == 1.0 and cov["debtor"] == 0.0
    assert len(cov) > 30  # every Lot field


def test_a_drop_by_more_than_half_warns_and_names_the_field(con, tmp_path):
    load(con, night_run(tmp_path, 1, 10), night_run(tmp_path, 2, 10))
    hook = load(con, night_run(tmp_path, 3, 4, with_principal=1))
    (run,) = hook.runs
    assert run.health == "warning"
    assert any("items dropped to 4 from a median of 10" in w for w in run.warnings), run.warnings
    assert any("coverage of principal dropped to 25% from 100%" in w for w in run.warnings), run.warnings
    assert not any("title" in w for w in run.warnings)
    dropped = con.execute("SELECT field FROM fct_run_field_coverage WHERE dropped").fetchall()
    assert dropped == [("principal",)]
    # a small drop is no warning
    hook = load(con, night_run(tmp_path, 4, 8))
    assert hook.runs[0].health == "ok", hook.runs[0].warnings


def test_zero_items_or_a_failed_run_is_an_error_and_refresh_runs_are_not_compared(con, tmp_path):
    load(con, night_run(tmp_path, 1, 10))
    hook = load(con, night_run(tmp_path, 2, 0, status="failed", error="zero items: the source is down"),
                night_run(tmp_path, 2, 2, source="alibaba_zc", kind="refresh"))
    failed, refresh = hook.runs
    assert failed.health == "error" and "zero items" in failed.warnings[0]
    assert refresh.kind == "refresh" and refresh.health == "ok"
    # the failed night is no baseline: the next good night compares with night 1
    hook = load(con, night_run(tmp_path, 3, 9))
    assert hook.runs[0].health == "ok"
    assert con.execute("SELECT baseline_items FROM fct_run_metrics WHERE items = 9").fetchone()[0] == 10


def test_the_digest_names_each_source_its_health_and_goes_to_files_without_smtp(con, tmp_path):
    load(con, night_run(tmp_path, 1, 10))
    hook = load(con, night_run(tmp_path, 2, 3, with_principal=0),
                night_run(tmp_path, 2, 0, source="alibaba_zc", status="failed", error="crawl killed after 5 s"))
    digest = build_digest(hook.runs, title="night of 2026-11-21")
    assert digest.health == "error" and "ERROR" in digest.subject
    assert "alibaba_zc" in digest.text and "crawl killed after 5 s" in digest.text
    assert "coverage of principal dropped" in digest.text and "<table" in digest.html
    went = deliver_digest(digest, directory=tmp_path / "digests", env={"SALVAGE_DIGEST_TO": "ops@example.com"})
    assert len(went) == 2 and all(Path(p).exists() for p in went)
    assert "alibaba_zc" in Path(went[1]).read_text(encoding="utf-8")


def test_salvage_runs_lists_health_and_warnings(con, tmp_path):
    load(con, night_run(tmp_path, 1, 10))
    load(con, night_run(tmp_path, 2, 2))
    rows = recent_runs(con, 5)
    assert rows[0][7] == "warning" and "items dropped" in rows[0][8]
    assert rows[1][7] == "ok"


def test_with_smtp_configured_the_digest_is_also_mailed_to_the_operators(tmp_path):
    from aiosmtpd.controller import Controller

    class Keep:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], bytes]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    handler = Keep()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"SALVAGE_SMTP_HOST": "127.0.0.1", "SALVAGE_SMTP_PORT": str(port), "SALVAGE_SMTP_SECURITY": "none",
               "SALVAGE_DIGEST_TO": "ops@example.com, oncall@example.com"}
        digest = build_digest([], title="night of 2026-11-21", failed=["alibaba_zc: crawl killed"])
        went = deliver_digest(digest, directory=tmp_path / "digests", env=env)
    finally:
        controller.stop()
    assert went[2:] == [f"smtp://127.0.0.1:{port}"] * 2, went
    assert sorted(r for rcpt, _ in handler.messages for r in rcpt) == ["oncall@example.com", "ops@example.com"]
    assert b"alibaba_zc: crawl killed" in handler.messages[0][1]
