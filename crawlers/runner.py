"""Running one crawl: a ``scrapy crawl`` subprocess per source, with a hard timeout on its whole process group.

The subprocess writes its run file; this module only starts it, watches the run file grow (for progress), kills it
when it overruns, and reads the meta file it left. A crawl that died without a meta file gets one written here
(status ``failed``), so the night's log always says what happened to every source.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from contracts.runfiles import RunMeta, RunPaths, RunWriter, new_run_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def sources() -> list[str]:
    """Spider names known to Scrapy (each is a source slug)."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    return sorted(SpiderLoader.from_settings(get_project_settings()).list())


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
) -> CrawlResult:
    """Crawl ``source`` into ``runs_dir``; return the run's meta (read from the file the crawl wrote)."""
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
    for key, value in (settings or {}).items():
        cmd += ["-s", f"{key}={value}"]
    for key, value in (spider_args or {}).items():
        cmd += ["-a", f"{key}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawlers.settings"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    err_path = log.with_suffix(".stderr")
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=err)
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        if on_progress and (count := _progress(paths)) is not None:
            on_progress(count)
        time.sleep(0.2)
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


def _progress(paths: RunPaths) -> int | None:
    """Lots the running crawl has written so far, from the progress file its run writer keeps."""
    try:
        return int(paths.progress.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def _write_failed_meta(runs_dir: Path, source: str, started: datetime, run_id: str, code: int | None,
                       timeout: float, stderr: str, log: Path) -> RunMeta:
    """The crawl died before writing its meta: record a failed run (its partial lots are not loaded)."""
    why = f"killed after the {timeout:.0f} s timeout" if code == -signal.SIGKILL else f"exited with code {code}"
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
