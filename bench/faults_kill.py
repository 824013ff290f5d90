"""Kill -9 at random instants (seeded), stage by stage: the crawl, `salvage ingest`, the atomic publish, alert event
building, mail sending and `salvage nightly` as a whole. After each kill the same command runs again and must
complete the night; the warehouse is then compared with an unkilled run of the same input (lots, versions, loans,
links, alert events: every row, as a multiset), opened by a reader in a new process, and checked for leftovers
(``.next``, a WAL) and for lock files that would need a person.

A kill of a command is a kill of its whole process tree (`faultkit.kill_tree`: the nightly's crawl subprocesses
too), as a crash or an OOM kill of the machine's work would be.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

from bench.faults import FaultRow, Scenario
from bench.faultkit import (SOURCES, Diff, SmtpSink, compare, exists, fresh_reader_ok, kill_at, mail_tally, run, run_env,
                            salvage_cmd, state, timed, world)


def _tally(fault: str, n: int, trials: list[tuple[bool, Diff, bool]], note: str = "") -> FaultRow:
    """``trials``: (kill landed, diff after the next run, next run completed)."""
    survived = sum(1 for _, d, ok in trials if ok and d.clean)
    landed = sum(1 for landed, _, _ in trials if landed)
    bad = [d.summary() for _, d, ok in trials if not (ok and d.clean)]
    notes = [f"{landed}/{n} kills landed mid-run", note, *sorted(set(bad))[:3]]
    return FaultRow(fault, n, survived, sum(d.rows for _, d, _ in trials),
                    f"{sum(1 for _, _, ok in trials if ok)}/{n}", "; ".join(x for x in notes if x))


# ------------------------------------------------------------------------------------------------ crawl

CRAWLED = "alibaba_sf"  # list pages, then a detail page per lot: what a resumed crawl can skip


def _run_lots(runs: Path) -> Counter:
    """The lots of the last finished run under ``runs``, without the crawl's clock (fetched_at). (A kill that
    landed after the killed crawl wrote its meta leaves two whole runs; the warehouse keeps one row per lot.)"""
    import duckdb

    last = max(runs.rglob("*.meta.json"), key=lambda m: m.stat().st_mtime)
    files = [str(last.with_name(last.name.removesuffix(".meta.json") + ".parquet"))]
    con = duckdb.connect()
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet({files!r})").fetchall()
                if r[0] != "fetched_at"]
        return Counter(map(repr, con.execute(f"SELECT {', '.join(cols)} FROM read_parquet({files!r})").fetchall()))
    finally:
        con.close()


def _records(archive: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    with open(archive, "rb") as handle:
        return sum(1 for r in ArchiveIterator(handle) if r.rec_type == "response")


def kill_crawl(n: int, work: Path) -> FaultRow:
    import json

    w = world()
    rng = random.Random(10)
    env = run_env(work)
    cmd = lambda runs: salvage_cmd("crawl", CRAWLED, "--runs", str(runs), "--replica", w.base_url)  # noqa: E731
    part = lambda runs: exists(runs / CRAWLED / "*.warc.gz.part")  # noqa: E731 - the crawl is fetching
    seconds, done = timed(cmd(work / "unkilled"), env, after=part(work / "unkilled"))
    assert done.returncode == 0, done.stderr
    baseline = _run_lots(work / "unkilled")
    fetched_whole = sum(_records(a) for a in (work / "unkilled").rglob("*.warc.gz"))
    trials, recovered, resumed, refetched = [], 0, 0, 0
    for i in range(n):
        runs = work / f"try{i}"
        landed, _ = kill_at(cmd(runs), env, rng.uniform(0, 1.0) * seconds, after=part(runs))
        again = run(cmd(runs), env)
        diff = Diff()
        got = _run_lots(runs)
        diff.lost["lots"] = sum((baseline - got).values())
        diff.duplicated["lots"] = sum((got - baseline).values())
        metas = {m.name.removesuffix(".meta.json") for m in runs.rglob("*.meta.json")}
        for archive in runs.rglob("*.warc.gz"):
            if archive.name.removesuffix(".warc.gz") not in metas:  # the killed run's archive
                try:
                    recovered += _records(archive)
                except Exception as exc:  # noqa: BLE001 - an archive that does not open is the finding
                    diff.problems.append(f"killed archive does not open: {exc}")
        diff.problems += [f"left {p.name}" for p in runs.rglob("*.warc.gz.part")]
        for meta in runs.rglob("*.meta.json"):
            stats = json.loads(meta.read_text(encoding="utf-8"))["stats"]
            resumed += stats.get("salvage/resumed", 0)
            refetched += stats.get("downloader/response_count", 0) - stats.get("salvage/resumed", 0)
        trials.append((landed, diff, again.returncode == 0))
        shutil.rmtree(runs)
    return _tally(f"kill -9 of `salvage crawl {CRAWLED}`", n, trials,
                  f"killed within the {seconds:.1f} s from its first fetch to its exit; {recovered} responses kept in killed archives; the next crawls answered {resumed} lot pages "
                  f"from them and fetched {refetched} ({fetched_whole} a whole crawl)")


# ------------------------------------------------------------------------------------------------ ingest


def kill_ingest(n: int, work: Path) -> FaultRow:
    w = world()
    rng = random.Random(11)
    env = run_env(work)
    base_db = w.fresh_db(work / "unkilled")
    cmd = lambda db: salvage_cmd("ingest", "--db", str(db), "--runs", str(w.runs2))  # noqa: E731
    loading = lambda db: exists(db.with_name(db.name + ".next"))  # noqa: E731 - the load has begun
    seconds, done = timed(cmd(base_db), env, after=loading(base_db))
    assert done.returncode == 0, done.stderr
    baseline = state(base_db)
    trials = []
    for i in range(n):
        db = w.fresh_db(work / f"try{i}")
        landed, _ = kill_at(cmd(db), env, rng.uniform(0, 1.0) * seconds, after=loading(db))
        again = run(cmd(db), env)
        trials.append((landed, compare(db, baseline), again.returncode == 0 and fresh_reader_ok(db) is None))
        shutil.rmtree(db.parent)
    return _tally("kill -9 during `salvage ingest`", n, trials, f"killed within the {seconds:.1f} s from the working copy's creation to the exit")


# ------------------------------------------------------------------------------------------------ publish

# The publish's file steps are instrumented in a child process: it SIGKILLs itself right before or right after the
# k-th step (copying the file or the WAL, opening the copy, the checkpoint, fsync, each rename, the final unlink),
# so every instant between two steps of the publish is tried, with and without an analyst's stale WAL.
PUBLISH_CHILD = textwrap.dedent("""
    import os, shutil, signal, sys, types
    from pathlib import Path
    import warehouse.db as wdb
    from warehouse.ingest import ingest, resolve_runs
    from warehouse.linkage import link_assets
    from warehouse.monitoring import MetricsHook
    from alerts.events import EventsHook

    db, runs, kill_at, when = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    steps = [0]

    def step(name, fn):
        def wrapped(*a, **k):
            steps[0] += 1
            if steps[0] == kill_at and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            out = fn(*a, **k)
            if steps[0] == kill_at and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return out
        return wrapped

    wdb.shutil = types.SimpleNamespace(copyfile=step("copy", shutil.copyfile))
    wdb.os = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")})
    wdb.os.replace = step("replace", os.replace)
    wdb.fsync_path = step("fsync", wdb.fsync_path)
    wdb.connect = step("open", wdb.connect)
    with wdb.publishing(db) as con:
        ingest(con, resolve_runs([runs]), hooks=[link_assets, MetricsHook(), EventsHook()])
    print(steps[0])
""")

ANALYST_CRASH = ("import os, sys, duckdb; c = duckdb.connect(sys.argv[1]); c.execute(\"SET wal_autocheckpoint='1GB'\");"
                 " c.execute(\"CREATE TABLE analyst_notes AS SELECT 'keep me' AS note\"); os._exit(9)")


def _analyst_crash(db: Path, env: dict) -> None:
    subprocess.run([sys.executable, "-c", ANALYST_CRASH, str(db)], env=env, check=False, timeout=60)


def _notes(db: Path) -> int:
    from warehouse.db import connect_readonly

    con = connect_readonly(db)
    try:
        return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'analyst_notes'").fetchone()[0]
    finally:
        con.close()


def kill_publish(n: int, work: Path) -> FaultRow:
    w = world()
    rng = random.Random(12)
    env = run_env(work)
    child = lambda db, k, when: [sys.executable, "-c", PUBLISH_CHILD, str(db), str(w.runs2), str(k), when]  # noqa
    baseline, steps = {}, {}
    for wal in (False, True):
        db = w.fresh_db(work / f"unkilled-{wal}")
        if wal:
            _analyst_crash(db, env)
        done = run(child(db, 0, "never"), env)
        assert done.returncode == 0, done.stderr
        steps[wal] = int(done.stdout.strip())
        baseline[wal] = state(db)
    trials = []
    for i in range(n):
        wal = i % 2 == 1
        db = w.fresh_db(work / f"try{i}")
        if wal:
            _analyst_crash(db, env)
        k, when = rng.randint(1, steps[wal]), rng.choice(["before", "after"])
        killed = run(child(db, k, when), env)
        again = run(salvage_cmd("ingest", "--db", str(db), "--runs", str(w.runs2)), env)
        diff = compare(db, baseline[wal])
        if wal and _notes(db) != 1:
            diff.lost["analyst's WAL"] += 1
        trials.append((killed.returncode == -9, diff, again.returncode == 0 and fresh_reader_ok(db) is None))
        shutil.rmtree(db.parent)
    return _tally("kill -9 between the steps of the atomic publish", n, trials,
                  f"{steps[False]}-{steps[True]} steps; every other try with an analyst's stale WAL")


# ------------------------------------------------------------------------------------------------ alert events

# Alert events are built inside the ingest transaction (a hook): the child kills itself at a random instant while
# the hook runs (a timer started when the hook is entered, up to the hook's measured duration).
EVENTS_CHILD = textwrap.dedent("""
    import os, signal, sys, threading, time
    from pathlib import Path
    from warehouse.db import publishing
    from warehouse.ingest import ingest, resolve_runs
    from warehouse.linkage import link_assets
    from warehouse.monitoring import MetricsHook
    from alerts.events import EventsHook

    db, runs, delay = Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3])
    hook, spent = EventsHook(), [0.0]

    def events(con, results):
        if delay >= 0:
            threading.Timer(delay, lambda: os.kill(os.getpid(), signal.SIGKILL)).start()
        t = time.monotonic()
        hook(con, results)
        spent[0] = time.monotonic() - t

    with publishing(db) as con:
        ingest(con, resolve_runs([runs]), hooks=[link_assets, MetricsHook(), events])
    print(spent[0])
    time.sleep(max(delay, 0) + 0.05)  # a timer that fires after the commit kills a finished load
""")


def kill_events(n: int, work: Path) -> FaultRow:
    w = world()
    rng = random.Random(13)
    env = run_env(work)
    db = w.fresh_db(work / "unkilled")
    done = run([sys.executable, "-c", EVENTS_CHILD, str(db), str(w.runs2), "-1"], env)
    assert done.returncode == 0, done.stderr
    hook_seconds = float(done.stdout.strip())
    baseline = state(db)
    trials = []
    for i in range(n):
        db = w.fresh_db(work / f"try{i}")
        delay = rng.uniform(0, hook_seconds * 1.2)
        killed = run([sys.executable, "-c", EVENTS_CHILD, str(db), str(w.runs2), f"{delay:.4f}"], env)
        again = run(salvage_cmd("ingest", "--db", str(db), "--runs", str(w.runs2)), env)
        trials.append((killed.returncode == -9 and not killed.stdout.strip(), compare(db, baseline),
                       again.returncode == 0 and fresh_reader_ok(db) is None))
        shutil.rmtree(db.parent)
    return _tally("kill -9 while alert events are built", n, trials, f"event hook {hook_seconds * 1000:.0f} ms")


# ------------------------------------------------------------------------------------------------ mail sending


def _night2_with_pending_mails(w, work: Path, env: dict) -> Path:
    db = w.fresh_db(work)
    done = run(salvage_cmd("ingest", "--db", str(db), "--runs", str(w.runs2)), env)
    assert done.returncode == 0, done.stderr
    return db


def kill_mail(n: int, work: Path) -> FaultRow:
    w = world()
    rng = random.Random(14)
    sink = SmtpSink()
    try:
        env = run_env(work, **sink.env())
        template = _night2_with_pending_mails(w, work / "template", env)
        db = work / "unkilled" / "salvage.duckdb"
        db.parent.mkdir()
        shutil.copyfile(template, db)
        sending = lambda db: exists(db.with_name(db.name + ".next"))  # noqa: E731 - composing has begun
        seconds, done = timed(salvage_cmd("alerts", "send", "--db", str(db)), env, after=sending(db))
        assert done.returncode == 0, done.stdout + done.stderr
        expected = sink.take()
        assert expected, "the night sends no mail: nothing to measure"
        trials, lost, dup, resent = [], 0, 0, 0
        for i in range(n):
            db = work / f"try{i}" / "salvage.duckdb"
            db.parent.mkdir()
            shutil.copyfile(template, db)
            landed, _ = kill_at(salvage_cmd("alerts", "send", "--db", str(db)), env, rng.uniform(0, 1.0) * seconds,
                                after=sending(db))
            again = run(salvage_cmd("alerts", "send", "--db", str(db)), env)
            got = sink.take()
            diff = compare(db, state(db))  # opens, no leftovers
            diff.lost["mails"], diff.duplicated["mails"], again_same_id = mail_tally(expected, got)
            lost, dup, resent = lost + diff.lost["mails"], dup + diff.duplicated["mails"], resent + again_same_id
            trials.append((landed, diff, again.returncode == 0))
            shutil.rmtree(db.parent)
    finally:
        sink.stop()
    return _tally("kill -9 during `salvage alerts send` (SMTP)", n, trials,
                  f"killed within {seconds:.1f} s of composing; {sum(expected.values())} mails a night; {lost} lost, "
                  f"{dup} sent twice under a new Message-ID, {resent} resent under the same one (the kill fell "
                  "between the server's 250 and the receipt)")


# ------------------------------------------------------------------------------------------------ nightly


def kill_nightly(n: int, work: Path) -> FaultRow:
    w = world()
    rng = random.Random(15)
    sink = SmtpSink()
    try:
        env = run_env(work, **sink.env())
        sources = [x for s in SOURCES for x in ("-s", s)]
        cmd = lambda db: salvage_cmd("nightly", *sources, "--db", str(db), "--runs", str(db.parent / "runs"),  # noqa
                                     "--replica", w.base_url, "--timeout", "300")
        db = w.fresh_db(work / "unkilled")
        seconds, done = timed(cmd(db), env)
        assert done.returncode == 0, done.stderr
        baseline, expected = state(db, same_crawls=False), sink.take()
        trials = []
        for i in range(n):
            db = w.fresh_db(work / f"try{i}")
            landed, _ = kill_at(cmd(db), env, rng.uniform(0.05, 1.0) * seconds)
            again = run(cmd(db), env)
            diff = compare(db, baseline, same_crawls=False)
            diff.lost["mails"], diff.duplicated["mails"], _ = mail_tally(expected, sink.take())
            trials.append((landed, diff, again.returncode == 0 and fresh_reader_ok(db) is None))
            shutil.rmtree(db.parent)
    finally:
        sink.stop()
    return _tally("kill -9 of `salvage nightly` (crawls, ingest, mails)", n, trials,
                  f"unkilled night {seconds:.0f} s, {sum(expected.values())} mails")


SCENARIOS = [
    Scenario("kill-crawl", "crawl", kill_crawl),
    Scenario("kill-ingest", "ingest", kill_ingest),
    Scenario("kill-publish", "publish", kill_publish),
    Scenario("kill-events", "alerts", kill_events),
    Scenario("kill-mail", "mail", kill_mail),
    Scenario("kill-nightly", "nightly", kill_nightly),
]
