"""Salvage's settings: one module, overridden by environment variables (secrets only ever from the environment).

| variable          | meaning                                                                  | default            |
|-------------------|--------------------------------------------------------------------------|--------------------|
| SALVAGE_DB        | the warehouse file                                                       | ./salvage.duckdb   |
| SALVAGE_RUNS      | folder of run files written by crawls                                    | ./runs             |
| SALVAGE_REPLICA   | base URL of a replica (http://127.0.0.1:PORT); unset = the real sites     | unset              |
| SALVAGE_USER_AGENT| the crawler's user agent                                                 | Salvage/0.1 (...)  |
| SALVAGE_CATALOG   | shared catalog: postgresql://user@host/db?warehouse=/shared/path (loads   | unset (file only)  |
|                   | publish each night to it, `salvage sql` reads its latest night)          |                    |
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = "salvage.duckdb"
DEFAULT_RUNS = "runs"
USER_AGENT = "Mozilla/5.0 (compatible; Salvage/0.1; distressed-asset research crawler)"


def db_path(override: str | Path | None = None) -> Path:
    return Path(override or os.environ.get("SALVAGE_DB") or DEFAULT_DB)


def runs_dir(override: str | Path | None = None) -> Path:
    return Path(override or os.environ.get("SALVAGE_RUNS") or DEFAULT_RUNS)


def replica_url(override: str | None = None) -> str | None:
    return override or os.environ.get("SALVAGE_REPLICA") or None


def catalog_url(override: str | None = None) -> str | None:
    """The shared warehouse catalog (warehouse/catalog.py), or None: the local file only."""
    return override or os.environ.get("SALVAGE_CATALOG") or None


def user_agent() -> str:
    return os.environ.get("SALVAGE_USER_AGENT") or USER_AGENT
