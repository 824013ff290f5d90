"""Running one crawl: a ``scrapy crawl`` subprocess per source, under a guard that enforces its time limit itself
and takes the crawl down with it when whoever started it dies.

    run_crawl (the night)  →  guard (python -m crawlers.runner)  →  scrapy crawl  →  Playwright driver  →  Chromium

- The guard is the leader of its own session. It asks the kernel for SIGTERM when its parent dies
  (``PR_SET_PDEATHSIG``) and also checks its parent every quarter second; either way, or when the crawl's hard
  time limit passes, it kills its whole process tree (Chromium included: Playwright starts the browser in a session
  of its own, which a kill of the process group would miss) and exits. So a night killed with ``kill -9`` leaves no
  crawl running, and a crawl keeps its time limit even when nobody watches it.
- Scrapy gets the guard's death signal too (SIGKILL), should the guard itself be killed.
- Scrapy's own ``CLOSESPIDER_TIMEOUT`` is set to 90 % of the limit (or the spider's own, when smaller): the crawl
  closes by itself with what it has, and writes its run file, before the guard has to kill it.
- The guard holds ``<run_id>.lock`` (an flock, released by the kernel whatever way the guard dies) while the crawl
  runs: `crawl_alive` tells a crawl that still runs from one that died, for the next night (`schedules.nightly`).

This module only starts the guard, watches the run file grow (for progress), kills the tree as a last resort
(10 s after the limit) and reads the meta file the crawl left. A crawl that died without a meta file gets one
written here (status ``failed``), so the night's log always says what happened to every source.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from contracts.runfiles import RunMeta, RunPaths, RunWriter, new_run_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUARD_TIMEOUT_EXIT = 124  # the guard's exit code when it killed the crawl at its time limit (as coreutils timeout)
SOFT_LIMIT = 0.9  # CLOSESPIDER_TIMEOUT as a share of the hard limit
KILL_GRACE = 10.0  # seconds after the limit before run_crawl kills the tree itself (the guard should have)
POLL = 0.25


def sources() -> list[str]:
    """Spider names known to Scrapy (each is a source slug)."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    return sorted(SpiderLoader.from_settings(get_project_settings()).list())


@dataclass
class SourceInfo:
    name: str
    site: str  # the real site's host the spider starts from
    browser: bool  # renders pages in Chromium (scrapy-playwright) for some of them
    min_items: int  # fewer items in a night is reported as a broken source
    summary: str  # first line of the spider's docstring


def describe_sources() -> list[SourceInfo]:
    """What each spider crawls: its real site, whether it needs Chromium, the least a healthy night yields."""
    from urllib.parse import urlsplit

    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    from crawlers.browser import BrowserSpider

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    loader = SpiderLoader.from_settings(get_project_settings())
    infos = []
    for name in sorted(loader.list()):
        spider = loader.load(name)
        starts = list(getattr(spider, "start_urls", None) or []) + [getattr(spider, "api_url", "")]
        doc = (spider.__doc__ or "").strip().splitlines()
        infos.append(SourceInfo(name, urlsplit(starts[0]).hostname or "" if starts else "",
                                issubclass(spider, BrowserSpider), int(getattr(spider, "min_items", 1)),
                                doc[0] if doc else ""))
    return infos


@dataclass
class CrawlResult:
    meta: RunMeta
    paths: RunPaths
    returncode: int
    log: Path


def run_crawl(
    source: str,
    runs_dir: Path,
    *,
    replica: str | None = None,
    clock: datetime | None = None,
    timeout: float = 1800,
    settings: dict[str, str] | None = None,
    spider_args: dict[str, str] | None = None,
    on_progress: Callable[[int], None] | None = None,
    on_start: Callable[[RunPaths], None] | None = None,
) -> CrawlResult:
    """Crawl ``source`` into ``runs_dir``; return the run's meta (read from the file the crawl wrote).
    ``on_start(paths)`` is called with the run's paths before the crawl starts (the night keeps a journal)."""
    if source not in sources():
        raise ValueError(f"unknown source {source!r}; known: {', '.join(sources())}")
    runs_dir = Path(runs_dir).resolve()  # the subprocess runs in the project folder
    started = clock or datetime.now(SHANGHAI)
    run_id = new_run_id(source, started)
    paths = RunPaths(Path(runs_dir) / source, run_id)
    paths.directory.mkdir(parents=True, exist_ok=True)
    log = paths.directory / f"{run_id}.log"
    cmd = [sys.executable, "-m", "scrapy", "crawl", source,
           "-s", f"SALVAGE_RUNS={runs_dir}", "-s", f"SALVAGE_RUN_ID={run_id}",
           "-s", f"LOG_FILE={log}"]
    if replica:
        from crawlers.settings import REPLICA_OVERRIDES

        cmd += ["-s", f"SALVAGE_REPLICA={replica}"]
        for key, value in REPLICA_OVERRIDES.items():
            cmd += ["-s", f"{key}={value}"]
    if clock:
        cmd += ["-s", f"SALVAGE_CLOCK={clock.isoformat()}"]
    if "CLOSESPIDER_TIMEOUT" not in (settings or {}):
        cmd += ["-s", f"CLOSESPIDER_TIMEOUT={soft_limit(source, timeout):g}"]
    for key, value in (settings or {}).items():
        cmd += ["-s", f"{key}={value}"]
    for key, value in (spider_args or {}).items():
        cmd += ["-a", f"{key}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    if on_start:
        on_start(paths)
    guard = [sys.executable, "-m", "crawlers.runner", "guard", "--lock", str(lock_path(paths)),
             "--timeout", f"{timeout:g}", "--parent", str(os.getpid()), "--", *cmd]
    err_path = log.with_suffix(".stderr")
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(guard, cwd=PROJECT_ROOT, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + timeout + KILL_GRACE  # the guard stops the crawl at ``timeout`` itself
    while proc.poll() is None:
        if time.monotonic() > deadline:
            kill_tree(proc.pid)
            proc.wait()
            break
        if on_progress and (count := _progress(paths)) is not None:
            on_progress(count)
        time.sleep(0.2)
    lock_path(paths).unlink(missing_ok=True)
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    if not stderr.strip():
        err_path.unlink()
    if paths.meta.exists():
        meta = RunMeta.load(paths.meta)
    else:
        meta = _write_failed_meta(runs_dir, source, started, run_id, proc.returncode, timeout, stderr, log)
    if on_progress:
        on_progress(meta.items)
    return CrawlResult(meta, paths, proc.returncode, log)


def soft_limit(source: str, timeout: float) -> float:
    """Scrapy's CLOSESPIDER_TIMEOUT for a crawl with hard limit ``timeout``: 90 % of it, or the spider's own limit
    when that is smaller."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    spider = SpiderLoader.from_settings(get_project_settings()).load(source)
    own = float((getattr(spider, "custom_settings", None) or {}).get("CLOSESPIDER_TIMEOUT") or 0)
    soft = max(1.0, round(timeout * SOFT_LIMIT, 1))
    return min(own, soft) if own > 0 else soft


def lock_path(paths: RunPaths) -> Path:
    """The flock a crawl's guard holds while the crawl runs."""
    return paths.directory / f"{paths.run_id}.lock"


def crawl_alive(paths: RunPaths) -> bool:
    """True while the crawl of ``paths`` runs (its guard holds the run's lock)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_path(paths)))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


def kill_crawl(run_id: str) -> int:
    """Kill every process of the crawl ``run_id`` that still runs (a guard whose night died and that did not stop
    it); returns how many processes were killed."""
    import psutil

    killed = 0
    for proc in psutil.process_iter(["pid", "cmdline"]):
        if f"SALVAGE_RUN_ID={run_id}" in (proc.info["cmdline"] or []):
            killed += kill_tree(proc.info["pid"])
    return killed


def kill_tree(pid: int) -> int:
    """SIGKILL ``pid`` and every process below it, wherever their sessions are; returns how many were killed.

    psutil (not a process-group kill): the Playwright driver starts Chromium in a session of its own, so a kill of
    the crawl's process group would leave the browser running. The tree is listed before anything is killed, so no
    process gets re-parented out of it first."""
    import psutil

    try:
        root = psutil.Process(pid)
        tree = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return 0
    for proc in tree:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(tree, timeout=5)
    return len(tree)


def _progress(paths: RunPaths) -> int | None:
    """Lots the running crawl has written so far, from the progress file its run writer keeps."""
    try:
        return int(paths.progress.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def _write_failed_meta(runs_dir: Path, source: str, started: datetime, run_id: str, code: int | None,
                       timeout: float, stderr: str, log: Path) -> RunMeta:
    """The crawl died before writing its meta: record a failed run (its partial lots are not loaded)."""
    timed_out = code in (GUARD_TIMEOUT_EXIT, -signal.SIGKILL)
    why = f"killed after the {timeout:.0f} s timeout" if timed_out else f"exited with code {code}"
    tail = stderr.strip().splitlines()[-3:]
    error = f"crawl {why}; see {log}" + (f": {' | '.join(tail)}" if tail else "")
    for stale in Path(runs_dir, source).glob(f"{run_id}.*.part"):
        if stale.name.endswith(".warc.gz.part"):  # what it fetched stays: closed after its last whole record
            from crawlers.archive import recover_archive

            recover_archive(stale)
        else:
            stale.unlink()
    writer = RunWriter(Path(runs_dir), source, started, run_id=run_id)
    return writer.close(datetime.now(SHANGHAI), "failed", error, {})


# --------------------------------------------------------------------------------------------- the guard

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(sig: int) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``).

    A two-line ctypes call: the packages that wrap prctl are unmaintained C extensions (python-prctl needs libcap
    headers to build). Elsewhere than Linux it does nothing and the guard's parent check alone stops the crawl."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def _scrapy_preexec() -> None:
    die_with_parent(signal.SIGKILL)  # the guard is single-threaded: a preexec function is safe here


def guard(cmd: Sequence[str], lock: Path, timeout: float, parent: int) -> int:
    """Run ``cmd`` (the scrapy crawl) until it ends, its hard ``timeout`` passes or process ``parent`` dies; in the
    last two cases kill its whole tree. Returns the exit code for the guard."""
    from filelock import FileLock

    stop: list[str] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.append("the guard got SIGTERM (its night died)"))
    die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the kernel was told to signal
        return 1
    held = FileLock(str(lock))
    held.acquire(timeout=0)  # kept until this process ends, however it ends
    deadline = time.monotonic() + timeout
    crawl = subprocess.Popen(list(cmd), preexec_fn=_scrapy_preexec)
    while crawl.poll() is None:
        if time.monotonic() > deadline:
            killed = kill_tree(crawl.pid)
            print(f"crawl guard: the crawl was killed after the {timeout:g} s timeout ({killed} processes)",
                  file=sys.stderr, flush=True)
            return GUARD_TIMEOUT_EXIT
        if stop or os.getppid() != parent:
            killed = kill_tree(crawl.pid)
            why = stop[0] if stop else f"its night (process {parent}) died"
            print(f"crawl guard: {why}; the crawl was killed ({killed} processes)", file=sys.stderr, flush=True)
            return 143
        try:
            crawl.wait(POLL)
        except subprocess.TimeoutExpired:
            pass
    return crawl.returncode


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m crawlers.runner guard --lock L --timeout S --parent PID -- scrapy crawl …`` (what `run_crawl`
    starts; not meant to be typed)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m crawlers.runner")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("guard", help="run a crawl under its time limit, tied to its parent's life")
    run.add_argument("--lock", type=Path, required=True)
    run.add_argument("--timeout", type=float, required=True)
    run.add_argument("--parent", type=int, required=True)
    run.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    return guard(cmd, args.lock, args.timeout, args.parent)


if __name__ == "__main__":
    sys.exit(main())
