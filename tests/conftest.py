"""Fixtures shared across the suite: the demo's warehouse, built once per session; `crawl_two_nights`, the
end-to-end tests' two crawl nights against the replicas, ingested into a warehouse of their own; and
`replica` / `no_faults`, the fault tests' replica with its faults cleared around each test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
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


NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # the replicas' first crawl night


@dataclass(frozen=True)
class TwoNights:
    """Two nights crawled from one replica and ingested into one warehouse (the replica is stopped by then)."""

    con: duckdb.DuckDBPyConnection  # the warehouse, session time zone Asia/Shanghai; closed after the module
    crawls: dict[int, dict[str, Any]]  # night -> {source: CrawlResult}, in the order they were crawled
    truth: dict[int, Any]  # night -> what ``truth(replica, night)`` gave
    stats: dict[int, dict]  # night -> ``replica.stats()`` after that night's crawls
    replica: Any  # the ReplicaServer, for its generators

    def of(self, source: str) -> dict[int, Any]:
        """night -> the crawl of ``source`` (for a test that crawls one source a night)."""
        return {night: crawls[source] for night, crawls in self.crawls.items()}


@pytest.fixture(scope="session")
def crawl_two_nights(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """The end-to-end tests' setup: a `ReplicaServer`, the real ``scrapy crawl`` subprocesses of ``sources`` on
    night 1 and night 2 (02:00 Asia/Shanghai), each night's run files ingested (with ``hooks``), and each night's
    ground truth. Use as ``with crawl_two_nights("e2e_jd", ("jd_auction",), seed=9, n_lots=150,
    truth=lambda replica, night: …) as run:`` in a module fixture; the warehouse is closed when the block ends.

    ``sources`` is a tuple of source names or ``night -> tuple``; ``spider_args`` maps a source to its ``-a``
    arguments; ``parallel`` crawls a night's sources at once; ``reset_stats`` clears the replica's counters before
    each night (so ``stats[night]`` counts that night alone)."""

    @contextmanager
    def crawl(name: str, sources: Sequence[str] | Callable[[int], Sequence[str]], *, seed: int, n_lots: int,
              truth: Callable[[Any, int], Any], interstitial_rate: float = 0, hooks: Sequence[Callable] = (),
              spider_args: dict[str, dict[str, str]] | None = None, parallel: bool = False,
              reset_stats: bool = False, timeout: float = 300) -> Iterator[TwoNights]:
        from crawlers.runner import run_crawl
        from replicas.server import ReplicaServer
        from warehouse.db import connect
        from warehouse.ingest import ingest

        work = tmp_path_factory.mktemp(name)
        con = connect(work / "w.duckdb")
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        crawls, truths, stats = {}, {}, {}
        try:
            with ReplicaServer(seed=seed, n_lots=n_lots, night=1, interstitial_rate=interstitial_rate) as replica:
                for night in (1, 2):
                    replica.set_night(night)
                    if reset_stats:
                        replica.reset_stats()
                    clock = NIGHT_1 + timedelta(days=night - 1)
                    names = tuple(sources(night) if callable(sources) else sources)

                    def one(source: str, clock: datetime = clock) -> Any:
                        return run_crawl(source, work / "runs", replica=replica.base_url, clock=clock,
                                         timeout=timeout, spider_args=(spider_args or {}).get(source))

                    if parallel:
                        with ThreadPoolExecutor(len(names)) as pool:
                            crawls[night] = dict(zip(names, pool.map(one, names)))
                    else:
                        crawls[night] = {source: one(source) for source in names}
                    ingest(con, [c.paths.meta for c in crawls[night].values()], hooks=list(hooks))
                    truths[night] = truth(replica, night)
                    stats[night] = replica.stats()
            yield TwoNights(con, crawls, truths, stats, replica)
        finally:
            con.close()

    return crawl


FAULT_REPLICA_LOTS = 40  # lots per source in `replica`; a test module sets ``REPLICA_LOTS`` for another size


@pytest.fixture(scope="module")
def replica(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A `ReplicaServer` for one test module's fault injections (a module that needs another replica defines its
    own ``replica``): seed 5, night 1, no random anti-bot page, and ``REPLICA_LOTS`` lots per source (a constant
    of the test module, else `FAULT_REPLICA_LOTS`)."""
    from replicas.server import ReplicaServer

    n_lots = getattr(request.module, "REPLICA_LOTS", FAULT_REPLICA_LOTS)
    with ReplicaServer(seed=5, n_lots=n_lots, night=1, interstitial_rate=0.0) as replica:
        yield replica


@pytest.fixture
def no_faults(replica: Any) -> Iterator[None]:
    """No fault is left set on `replica` before or after the test (``pytest.mark.usefixtures("no_faults")`` on a
    module that sets faults)."""
    replica.clear_faults()
    yield
    replica.clear_faults()
