"""AMC notices benchmark: notice parsing on one core, and the JS-only source (Great Wall) through a real browser.

1. **Parsing** (this process, one core): every replica notice page of each AMC (Great Wall's as its rendered HTML:
   the shell with the body its script inserts), parsed by ``parse_page`` — pages/s, then parse + ``to_lot``.
2. **Plain Playwright** (the ceiling): Chromium (``/usr/bin/chromium``, the crawl's flags and host rules) loading
   Great Wall notice pages from the replica, ``K`` pages at a time, each page opened, navigated, waited for
   (``#divContent > *``), read (``page.content()``) and closed — pages/s for the whole machine.
3. **scrapy-playwright** (the crawl as configured in ``crawlers/browser.py``): the real ``gwamc_notice`` crawl;
   pages/s = pages rendered / (browser launched → spider closing), from the crawl's log.

Chromium memory: the browser's processes (descendants of this process) sampled every 0.2 s: the peak of their summed
PSS (proportional: shared pages counted once) and RSS. The replica runs in a subprocess of its own, with
``--notices`` notices per AMC. Medians of ``--repeats`` runs are printed.

    .venv/bin/python bench/bench_amc.py [--notices 120] [--repeats 3] [--pages 60] [--only parse|browser]

Reference: about 9 pages/s for the whole machine is the ceiling for plain Playwright, 3.7 for
scrapy-playwright as usually configured. The machine has two cores: a run while other work is going on (check the
load average) reads low.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawlers.browser import CHROMIUM, CHROMIUM_ARGS, replica_browser_args
from crawlers.parsers import parse_page
from normalizers.lot import to_lot
from replicas.amc import AmcGenerator
from replicas.amc.notices import body_html
from replicas.amc.sites import HIRING_SHELL, amc_sites
from replicas.amc.truth import notice_url

AT = datetime(2026, 11, 20, 2, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SOURCES = {"gwamc": "gwamc_notice", "citic": "citic_amc_notice", "cinda": "cinda_notice", "coamc": "coamc_notice"}


# --------------------------------------------------------------------------------------------- the replica


def serve(port: int, notices: int) -> None:
    """Run the replicas with ``notices`` notices per AMC until killed (the bench's subprocess)."""
    from replicas.server import ReplicaServer

    server = ReplicaServer(seed=7, n_lots=50, night=1, interstitial_rate=0, port=port)
    generator = AmcGenerator(seed=7, n_notices=notices)
    for site in server.sites:
        if hasattr(site, "amc"):
            site.gen = generator
    server.amc_generator = generator
    server.start()
    print("ready", flush=True)
    threading.Event().wait()  # until the bench terminates this process


class Replica:
    def __init__(self, notices: int) -> None:
        self.notices = notices
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Replica:
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", str(self.port), "--notices",
                                      str(self.notices)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     cwd=ROOT)  # (a page closed mid-answer is a broken pipe there: noise)
        assert self.proc.stdout.readline().strip() == b"ready"
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------------------------- memory


def _children(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def chromium_memory() -> tuple[float, float, int]:
    """(PSS MB, RSS MB, processes) of the Chromium processes under this process."""
    pss = rss = 0
    count = 0
    for pid in _children(os.getpid()):
        try:
            if not os.readlink(f"/proc/{pid}/exe").startswith("/usr/lib/chromium/"):
                continue
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
            count += 1
        except OSError:
            continue
    return pss / 1024, rss / 1024, count


class MemorySampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = (0.0, 0.0, 0)
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.2):
            now = chromium_memory()
            if now[0] > self.peak[0]:
                self.peak = now

    def stop(self) -> tuple[float, float, int]:
        self._done.set()
        self.join()
        return self.peak


# --------------------------------------------------------------------------------------------- 1. parsing


def rendered(notice) -> bytes:  # type: ignore[no-untyped-def]
    """A Great Wall notice page as the browser leaves it: the shell with what its script inserts."""
    page = HIRING_SHELL.replace("{id}", notice.notice_id)
    page = page.replace('<h3 id="lblTitle" class="article_title"></h3>',
                        f'<h3 id="lblTitle" class="article_title">{notice.title}</h3>')
    page = page.replace('<div id="lblDate" class="article_info"></div>',
                        f'<div id="lblDate" class="article_info">发布时间：{notice.published:%Y-%m-%d}</div>')
    return page.replace('<div id="divContent" class="article_content"></div>',
                        f'<div id="divContent" class="article_content">{body_html(notice)}</div>').encode()


def corpus(notices: int) -> dict[str, list[tuple[bytes, str]]]:
    generator = AmcGenerator(seed=7, n_notices=notices)
    sites = dict(zip(SOURCES, amc_sites(generator)))
    pages: dict[str, list[tuple[bytes, str]]] = {}
    for amc, site in sites.items():
        pages[amc] = []
        for notice in generator.notices(amc, 1):
            url = notice_url(notice)
            if amc == "gwamc":
                body = rendered(notice)
            else:
                host, _, path = url.split("://", 1)[1].partition("/")
                body = site.handle(host, "/" + path).body
            pages[amc].append((body, url))
    return pages


def bench_parse(notices: int, repeats: int) -> None:
    pages = corpus(notices)
    print(f"1. notice parsing, one core ({notices} notices per AMC, {repeats} runs each)")
    for amc, items in pages.items():
        source = SOURCES[amc]
        rates, full = [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            records = [r for body, url in items for r in parse_page(source, body, url, AT)]
            t1 = time.perf_counter()
            for record in records:
                to_lot(record)
            t2 = time.perf_counter()
            rates.append(len(items) / (t1 - t0))
            full.append(len(items) / (t2 - t0))
        size = statistics.mean(len(b) for b, _ in items) / 1024
        print(f"   {source:18s} median {statistics.median(rates):6.0f} pages/s parsed, "
              f"{statistics.median(full):6.0f} pages/s parsed + normalized (pages of {size:.0f} KB)")


# --------------------------------------------------------------------------------------------- 2. plain Playwright


async def _plain_run(replica: str, urls: list[str], concurrency: int, reuse: bool, whole: bool = False) -> float:
    """Pages/s of plain Playwright rendering ``urls``; ``whole``: timed from before the browser's launch to after
    its close, as a crawl is (else only the rendering, after a warm-up page)."""
    from playwright.async_api import async_playwright

    started = time.perf_counter()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                          args=[*CHROMIUM_ARGS, *replica_browser_args(replica)])
        context = await browser.new_context()
        queue: asyncio.Queue[str] = asyncio.Queue()
        for url in urls:
            queue.put_nowait(url)

        async def worker() -> None:
            page = await context.new_page() if reuse else None
            while not queue.empty():
                url = queue.get_nowait()
                tab = page or await context.new_page()
                await tab.goto(url, wait_until="domcontentloaded")
                await tab.wait_for_selector("#divContent > *", state="attached", timeout=15_000)
                html = await tab.content()
                assert "divContent" in html
                if not reuse:
                    await tab.close()
            if page:
                await page.close()

        if not whole:
            await worker_warmup(context, urls[0])
        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - t0
        await context.close()
        await browser.close()
    if whole:
        elapsed = time.perf_counter() - started
    return len(urls) / elapsed


async def worker_warmup(context, url: str) -> None:  # type: ignore[no-untyped-def]
    page = await context.new_page()
    await page.goto(url)
    await page.close()


def bench_plain(replica: Replica, pages: int, repeats: int) -> None:
    generator = AmcGenerator(seed=7, n_notices=replica.notices)
    ids = [n.notice_id for n in generator.notices("gwamc", 1)]
    urls = [f"http://www.gwamcc.com/HiringDetail.aspx?ID={ids[i % len(ids)]}" for i in range(pages)]
    print(f"2. plain Playwright, Great Wall notice pages from the replica ({pages} pages a run, {repeats} runs)")
    for concurrency, reuse in ((1, False), (4, False), (8, False), (4, True)):
        rates, peaks = [], []
        for _ in range(repeats):
            sampler = MemorySampler()
            sampler.start()
            rates.append(asyncio.run(_plain_run(replica.url, urls, concurrency, reuse)))
            peaks.append(sampler.stop())
        how = "pages reused" if reuse else "a new page each"
        print(f"   {concurrency} at a time, {how:15s}: median {statistics.median(rates):5.2f} pages/s; Chromium peak "
              f"{statistics.median(p[0] for p in peaks):4.0f} MB PSS / {statistics.median(p[1] for p in peaks):4.0f}"
              f" MB RSS in {statistics.median(p[2] for p in peaks):.0f} processes")


# --------------------------------------------------------------------------------------------- 3. scrapy-playwright

_TS = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


def _log_time(log: str, marker: str) -> datetime | None:
    for line in log.splitlines():
        if marker in line and (m := _TS.match(line)):
            return datetime.fromisoformat(m.group(1))
    return None


def bench_scrapy(replica: Replica, repeats: int, settings: dict[str, str] | None = None, label: str = "") -> None:
    from crawlers.runner import run_crawl

    rates, peaks, items = [], [], []
    for _ in range(repeats):
        work = Path(tempfile.mkdtemp(prefix="salvage-amc-bench-"))
        sampler = MemorySampler()
        sampler.start()
        try:
            result = run_crawl("gwamc_notice", work / "runs", replica=replica.url, timeout=900,
                               settings={"LOG_LEVEL": "INFO", **(settings or {})})
            log = result.log.read_text(encoding="utf-8")
        finally:
            peaks.append(sampler.stop())
            shutil.rmtree(work, ignore_errors=True)
        launched, closing = _log_time(log, "Browser chromium launched"), _log_time(log, "Closing spider")
        stats = result.meta.stats  # pages rendered (the pool reuses a few tabs: page_count counts tabs opened)
        pages = stats.get("salvage/browser_pages", stats.get("playwright/page_count", 0))
        window = (closing - launched).total_seconds() if launched and closing else float("nan")
        rates.append(pages / window)
        items.append(result.meta.items)
        print(f"      run: {result.meta.status}, {result.meta.items} lots, {pages} pages rendered in {window:.0f} s")
    print(f"   scrapy-playwright{label}: median {statistics.median(rates):5.2f} pages/s; Chromium peak "
          f"{statistics.median(p[0] for p in peaks):4.0f} MB PSS / {statistics.median(p[1] for p in peaks):4.0f} MB "
          f"RSS in {statistics.median(p[2] for p in peaks):.0f} processes; {statistics.median(items):.0f} lots a crawl")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--notices", type=int, default=120, help="notices per AMC in the replica")
    ap.add_argument("--pages", type=int, default=60, help="pages per plain-Playwright run")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=("parse", "browser", "plain", "scrapy"))
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.notices)
        return
    if args.only in (None, "parse"):
        bench_parse(args.notices, max(args.repeats, 5))
    if args.only in (None, "browser", "plain", "scrapy"):
        with Replica(args.notices) as replica:
            if args.only in (None, "browser", "plain"):
                bench_plain(replica, args.pages, args.repeats)
            if args.only in (None, "browser", "scrapy"):
                print(f"3. scrapy-playwright: the gwamc_notice crawl ({args.notices} notice pages rendered a crawl, "
                      f"{args.repeats} crawls)")
                bench_scrapy(replica, args.repeats)


if __name__ == "__main__":
    main()
