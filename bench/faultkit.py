"""Shared ground for the fault scenarios (bench/faults_*.py): one replica and two crawled nights per process, the
warehouse as rows to compare, killing a process tree at a random instant, and an SMTP sink that counts deliveries.

Everything runs real subprocesses (``python -m salvage.cli ...``), as cron would.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")
NIGHT_1 = datetime(2026, 11, 20, 2, 0, tzinfo=SHANGHAI)
NIGHT_2 = datetime(2026, 11, 21, 2, 0, tzinfo=SHANGHAI)
SOURCES = ("alibaba_sf", "jd_auction", "cinda_notice")  # auctions, JD debt tables (loans), an AMC notice site
SEARCHES = ('[[search]]\nname = "all"\nrecipients = ["desk@example.com"]\n'
            'round = ["first", "second", "sell_off", "other"]\n'
            'events = ["new", "price_drop", "status_change", "starting_soon"]\nsoon_days = 30\n'
            '[[search]]\nname = "debt"\nrecipients = ["npl@example.com", "desk@example.com"]\n'
            'asset_type = ["debt"]\nimmediate = true\n')

# the warehouse as an analyst reads it: what must be neither lost nor duplicated
RELATIONS = {
    "lots": "lots",
    "versions": "lot_history",
    "loans": "npl_loans",
    "links": "fct_lot_links",
    "alert events": "alert_events",
}
PER_LOAD = {"linked_at", "detected_at", "event_id", "ingested_at", "rejected_at"}  # the ingest's own clock
PER_CRAWL = {"fetched_at", "first_seen", "last_seen", "valid_from", "valid_to", "run_id", "night"}  # the crawl's


@dataclass
class Diff:
    lost: Counter = field(default_factory=Counter)  # relation -> rows
    duplicated: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # files that do not open, leftovers

    @property
    def rows(self) -> int:
        return sum(self.lost.values()) + sum(self.duplicated.values())

    @property
    def clean(self) -> bool:
        return self.rows == 0 and not self.problems

    def summary(self) -> str:
        parts = [f"-{n} {k}" for k, n in self.lost.items() if n] + [f"+{n} {k}" for k, n in self.duplicated.items()
                                                                     if n]
        return ", ".join(parts + self.problems)


def state(db: Path, *, same_crawls: bool = True) -> dict[str, Counter]:
    """Every row of every relation of ``RELATIONS`` as a multiset, without the columns that differ between two loads
    of the same input (and, unless ``same_crawls``, between two crawls of the same site state: fetch times, run
    ids)."""
    from warehouse.db import connect_readonly

    volatile = PER_LOAD if same_crawls else PER_LOAD | PER_CRAWL
    con = connect_readonly(db)
    try:
        out = {}
        for name, relation in RELATIONS.items():
            cols = [r[0] for r in con.execute(f"DESCRIBE {relation}").fetchall() if r[0] not in volatile]
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {relation}").fetchall()
            out[name] = Counter(map(repr, rows))
        return out
    finally:
        con.close()


def compare(db: Path, baseline: dict[str, Counter], *, same_crawls: bool = True) -> Diff:
    """``db`` against the rows of an unkilled run; also: it opens, and nothing is left beside it."""
    diff = Diff()
    try:
        got = state(db, same_crawls=same_crawls)
    except Exception as exc:  # noqa: BLE001 - a warehouse that does not open is the finding
        diff.problems.append(f"does not open: {type(exc).__name__}: {exc}")
        return diff
    for name, rows in baseline.items():
        diff.lost[name] = sum((rows - got[name]).values())
        diff.duplicated[name] = sum((got[name] - rows).values())
    diff.problems += leftovers(db)
    return diff


def leftovers(db: Path) -> list[str]:
    """Files a finished run must not leave beside the warehouse (a killed load's copy, a WAL, a scratch copy)."""
    names = [db.name + s for s in (".next", ".next.wal", ".wal", ".wal.replayed", ".walcheck")]
    return [f"left {n}" for n in names if (db.parent / n).exists()]


def fresh_reader_ok(db: Path) -> str | None:
    """None when a reader in a new process opens the warehouse and counts its lots, else the error."""
    code = ("import sys, duckdb; c = duckdb.connect(sys.argv[1], read_only=True); "
            "c.execute('SELECT count(*) FROM lots').fetchone()")
    done = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, timeout=120)
    return None if done.returncode == 0 else done.stderr.strip().splitlines()[-1]


# ------------------------------------------------------------------------------------------------ processes


def salvage_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "salvage.cli", *args]


def run_env(work: Path, **extra: str) -> dict[str, str]:
    """Environment of a scenario's commands: its saved searches, mail and digest folders, no real SMTP."""
    searches = work / "alerts.toml"
    if not searches.exists():
        searches.write_text(SEARCHES, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALVAGE_")}
    env.update(SALVAGE_ALERTS=str(searches), SALVAGE_MAIL_DIR=str(work / "mail"),
               SALVAGE_DIGEST_DIR=str(work / "digests"), PYTHONPATH=str(ROOT))
    env.update(extra)
    return env


def run(cmd: list[str], env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == pid:
            kids.append(int(entry))
    return kids


def kill_tree(pid: int) -> int:
    """SIGKILL a process and every descendant at once (a crash, an OOM kill, a power cut of the machine's work):
    stopped first, top down, so none can start or reparent another meanwhile. Returns how many died."""
    stopped, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            os.kill(p, signal.SIGSTOP)
        except ProcessLookupError:
            continue
        stopped.append(p)
        todo.extend(_children(p))
    for p in stopped:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return len(stopped)


def kill_at(cmd: list[str], env: dict[str, str], delay: float,
            after: Callable[[], bool] | None = None) -> tuple[bool, subprocess.Popen]:
    """Start ``cmd`` and kill its tree ``delay`` seconds later, counted from when ``after()`` first holds (the
    stage of interest has begun; polled every 10 ms) or from the start. True when the kill landed (it was still
    running)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if after is not None:
        while proc.poll() is None and not after():
            time.sleep(0.01)
    try:
        proc.wait(timeout=delay)
        landed = False
    except subprocess.TimeoutExpired:
        kill_tree(proc.pid)
        proc.wait()
        landed = True
    return landed, proc


def timed(cmd: list[str], env: dict[str, str], timeout: float = 300,
          after: Callable[[], bool] | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``cmd``; seconds from when ``after()`` first held (or from the start) to the end, and its result."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = time.monotonic()
    if after is not None:
        while proc.poll() is None and not after():
            time.sleep(0.01)
        started = time.monotonic()
    out, err = proc.communicate(timeout=timeout)
    return time.monotonic() - started, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def exists(pattern: Path) -> Callable[[], bool]:
    """A stage marker: a file matching ``pattern`` (a glob in its last part) exists."""
    return lambda: any(pattern.parent.glob(pattern.name)) if pattern.parent.exists() else False


# ------------------------------------------------------------------------------------------------ the nights


@dataclass
class World:
    """One replica and what every scenario starts from, built once per process."""

    root: Path
    replica: object
    runs1: Path  # night-1 run files of SOURCES
    runs2: Path  # night-2 run files of SOURCES
    night1_db: Path  # night 1 loaded (as `salvage ingest` loads it)

    @property
    def base_url(self) -> str:
        return self.replica.base_url  # type: ignore[attr-defined]

    def fresh_db(self, folder: Path) -> Path:
        """A copy of the night-1 warehouse in ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "salvage.duckdb"
        shutil.copyfile(self.night1_db, db)
        return db


_world: World | None = None
_world_lock = threading.Lock()


def world() -> World:
    global _world
    with _world_lock:
        if _world is None:
            _world = _build_world()
        return _world


def _build_world() -> World:
    from crawlers.runner import run_crawl
    from replicas.server import ReplicaServer

    root = Path(tempfile.mkdtemp(prefix="salvage-faults-world-"))
    atexit.register(shutil.rmtree, root, True)
    replica = ReplicaServer(seed=3, n_lots=60, night=1, interstitial_rate=0.0).start()
    atexit.register(replica.stop)
    # a killed crawl resets its connections: expected here, not worth a traceback on the terminal each time
    replica._httpd.handle_error = lambda request, client_address: None  # type: ignore[attr-defined]
    runs1, runs2 = root / "runs1", root / "runs2"
    for runs, night, clock in ((runs1, 1, NIGHT_1), (runs2, 2, NIGHT_2)):
        replica.set_night(night)
        for source in SOURCES:
            result = run_crawl(source, runs, replica=replica.base_url, clock=clock, timeout=300)
            if result.meta.status == "failed":
                raise RuntimeError(f"setting up the faults world: {source} night {night}: {result.meta.error}")
    db = root / "night1" / "salvage.duckdb"
    db.parent.mkdir()
    done = run(salvage_cmd("ingest", "--db", str(db), "--runs", str(runs1)), run_env(root))
    if done.returncode != 0:
        raise RuntimeError(f"setting up the faults world: ingest of night 1: {done.stderr[-2000:]}")
    return World(root, replica, runs1, runs2, db)


# ------------------------------------------------------------------------------------------------ SMTP sink


class SmtpSink:
    """A loopback SMTP server (aiosmtpd) that records every delivery it accepts, as (recipient, subject, Message-ID)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.received: list[tuple[str, str, str]] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
                from email import message_from_bytes, policy

                message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
                for rcpt in envelope.rcpt_tos:
                    sink.received.append((rcpt, str(message["Subject"]), str(message["Message-ID"])))
                return "250 OK"

        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def env(self) -> dict[str, str]:
        return {"SALVAGE_SMTP_HOST": "127.0.0.1", "SALVAGE_SMTP_PORT": str(self.port),
                "SALVAGE_SMTP_SECURITY": "none"}

    def take(self) -> Counter:
        got, self.received = Counter(self.received), []
        return got

    def stop(self) -> None:
        self.controller.stop()


def mail_tally(expected: Counter, got: Counter) -> tuple[int, int, int]:
    """(lost, received under a Message-ID the unkilled run never sent, second copies under the same Message-ID).

    The last is what `alerts.delivery` does on purpose: a mail whose fate is unknown (the process died after the
    server had it, before the receipt was journalled) is resent with the same bytes and Message-ID, which a reader
    or a receiving server that deduplicates by Message-ID shows once; a lost alert would be worse."""
    seen = Counter(set(got))
    return sum((expected - seen).values()), sum((seen - expected).values()), sum(got.values()) - len(got)
