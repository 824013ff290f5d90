"""Fixtures shared across the suite: the demo's warehouse, built once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

DEMO_LOTS = 60  # lots per source in the replica: every view and README question has rows at this size


@dataclass(frozen=True)
class DemoRun:
    """One `salvage demo` run as a newcomer starts it: from its own folder, with a relative --db path."""

    cwd: Path
    out: Path  # the folder the demo wrote: w.duckdb, runs/, alerts.toml, mail/
    db: Path
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """`salvage demo --lots 60 --db out/w.duckdb`, once per session (it takes about a minute): tests read the
    warehouse read-only and must not change anything under ``out``."""
    cwd = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALVAGE_SMTP")} | {"COLUMNS": "160"}
    done = subprocess.run([sys.executable, "-m", "salvage.cli", "demo", "--lots", str(DEMO_LOTS),
                           "--db", "out/w.duckdb"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    return DemoRun(cwd, cwd / "out", cwd / "out" / "w.duckdb", done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def demo_db(demo_run: DemoRun) -> Path:
    """The demo's warehouse file; fails the test (with the demo's stderr) when the demo failed."""
    assert demo_run.returncode == 0, demo_run.stderr[-3000:]
    return demo_run.db
