"""Readers during the load: analysts' read-only connections query in a loop while nights load and publish. Every
answer must come without an error and be a whole night (the counts of one published state, never a mix).

Two kinds of reader run in their own processes: one that opens and closes ``duckdb.connect(db, read_only=True)``
per query (a script, `salvage sql`), and a long-lived one that keeps a connection open all along and opens a new
one per query with `warehouse.db.connect_readonly` (a notebook, a dashboard server). Each publish is a real
`salvage ingest` of night 2 onto night 1; between two publishes night 1 is put back by the same atomic rename.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from bench.faults import FaultRow, Scenario
from bench.faultkit import ROOT, run, run_env, salvage_cmd, world

READER = textwrap.dedent("""
    import json, os, sys, time, duckdb
    from warehouse.db import connect_readonly
    db, stop, kind = sys.argv[1], sys.argv[2], sys.argv[3]
    QUERY = ("SELECT (SELECT count(*) FROM crawl_runs), (SELECT count(*) FROM lots), "
             "(SELECT count(*) FROM lot_history), (SELECT count(*) FROM alert_events)")
    seen, errors = {}, []
    held = connect_readonly(db) if kind == "long-lived" else None
    while not os.path.exists(stop):
        try:
            con = connect_readonly(db) if held else duckdb.connect(db, read_only=True)
            key = json.dumps(con.execute(QUERY).fetchone())
            con.close()
            seen[key] = seen.get(key, 0) + 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.005)
    print(json.dumps({"seen": seen, "errors": errors[:20], "n_errors": len(errors)}))
""")

COUNTS = ("SELECT (SELECT count(*) FROM crawl_runs), (SELECT count(*) FROM lots), "
          "(SELECT count(*) FROM lot_history), (SELECT count(*) FROM alert_events)")


def _counts(db: Path) -> list:
    from warehouse.db import connect_readonly

    con = connect_readonly(db)
    try:
        return list(con.execute(COUNTS).fetchone())
    finally:
        con.close()


def readers_during_load(n: int, work: Path) -> FaultRow:
    w = world()
    env = run_env(work)
    db = w.fresh_db(work / "live")
    night1 = work / "night1.duckdb"
    shutil.copyfile(db, night1)
    whole = {json.dumps(_counts(db))}
    stop = work / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop), kind], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, text=True) for kind in ("per-query", "long-lived")]
    failed_loads = 0
    try:
        for _ in range(n):
            done = run(salvage_cmd("ingest", "--db", str(db), "--runs", str(w.runs2)), env)
            failed_loads += done.returncode != 0
            whole.add(json.dumps(_counts(db)))
            back = db.with_name("night1.next")  # night 1 back, by the same atomic rename a publish uses
            shutil.copyfile(night1, back)
            os.replace(back, db)
    finally:
        stop.touch()
        outs = [json.loads(r.communicate(timeout=120)[0]) for r in readers]
    answers = sum(sum(o["seen"].values()) for o in outs)
    errors = sum(o["n_errors"] for o in outs)
    torn = sum(count for o in outs for state, count in o["seen"].items() if state not in whole)
    states = len(whole)
    seen_states = {s for o in outs for s in o["seen"]}
    notes = (f"{answers} answers from 2 readers, {errors} errors, {torn} not a whole night; "
             f"{len(seen_states & whole)}/{states} published states seen")
    if errors:
        notes += f"; e.g. {next(e for o in outs for e in o['errors'])}"
    survived = n - failed_loads if errors == 0 and torn == 0 else 0
    return FaultRow("analysts' queries in a loop while nights load and publish", n, survived, torn, "n/a",
                    notes)


SCENARIOS = [Scenario("readers-during-load", "readers", readers_during_load)]
