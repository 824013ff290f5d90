"""Every benchmark in one process tree, each figure beside an anchor measured in the same run on the same input.

A shared machine cannot hold absolute figures from run to run; a ratio to the best plain alternative, measured
interleaved with ours (ours, anchor, ours, anchor …; the median of the pairwise ratios), can. One table:

    stage | ours | anchor | ratio | goal

- **parse** (one core, this process): every source's list, detail and notice / description pages — the replica's
  pages saved under ``tests/golden/<source>/`` (``case.json`` gives the URL) and the replicas' own realistic pages —
  through ``parse_page``, against a plain extraction of the same fields from the same bytes: ``json.loads`` of a
  JSON answer (and selectolax for the HTML inside one), selectolax of an HTML page (the same nodes' text, the labels'
  values by one regex). Goal: ours ≥ 0.8 × anchor.
- **salvage parse** (the command, a subprocess, output to a pipe) against the parser's own rate on the same pages
  (``parse_page`` + ``to_lot`` + ``lot_json`` in this process): lots/s. Goal ≥ 0.9.
- **crawl**: the real ``salvage crawl alibaba_sf`` subprocess against the replica (parse, normalize, stage, WARC)
  against Scrapy's bare crawl of the same URLs from the same replica (the crawl's network settings and replica
  routing: concurrency, robots.txt, cookies, retries; nothing parsed or stored): pages/s, goal ≥ 0.85; and the crawl's peak RSS (``memusage/max``), goal ≤ 200 MB.
- **browser**: the Great Wall notice crawl (``gwamc_notice``: the page's own XHR fetched directly, the browser as
  the fallback; and with ``-a browser=1``, every page rendered through scrapy-playwright) against plain Playwright
  doing the same job (launch Chromium, render the same pages in four reused pages, close): notice pages/s, goal ≥ 0.8.
- **load**: ``warehouse.ingest`` of a generated night (typed Parquet, as crawls write it) against a DuckDB insert of
  the same rows from an Arrow table into a table of the same columns: rows/s, goal ≥ 0.7.
- **history**: one lot's price history (``lot_history`` of one lot) at N history rows against a point query on an
  indexed table of the same rows: ms, goal ≤ 10 ms (the anchor is shown for scale).
- **growth** (``--growth``, long: run once, with ``nice``): merge, views, linkage and alert matching at each of
  ``--sizes`` lots: seconds and peak memory per size and the growth exponent (log t / log n between the sizes);
  goal ≤ 1.15 (no worse than linear, with noise) and 10M lots within 8 GiB.

    nice .venv/bin/python bench/run_all.py [--quick] [--runs 3] [--only parse,cli,crawl,browser,load,history]
    nice .venv/bin/python bench/run_all.py --growth --sizes 1000000,3000000,10000000

``--quick`` shortens every measurement (a smoke run: the ratios are then rough); ``--runs`` is how many
interleaved pairs each ratio is the median of.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for entry in (str(ROOT), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

FETCHED = datetime(2026, 11, 20, 2, tzinfo=ZoneInfo("Asia/Shanghai"))
GOLDEN = ROOT / "tests" / "golden"


@dataclass
class Row:
    stage: str
    ours: float
    anchor: float | None
    unit: str
    ratio: float | None  # ours / anchor (a median of pairwise ratios), or None when there is no anchor
    goal: str  # "ratio>=0.8", "value<=200" …
    note: str = ""

    def met(self) -> bool:
        kind, _, limit = self.goal.partition(">=") if ">=" in self.goal else self.goal.partition("<=")
        value = self.ratio if kind == "ratio" else self.ours
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return value >= float(limit) if ">=" in self.goal else value <= float(limit)


def pairwise(ours: Callable[[], float], anchor: Callable[[], float], runs: int) -> tuple[float, float, float]:
    """Medians of ours, the anchor and of ours/anchor, measured in turn ``runs`` times (higher is better)."""
    o, a = [], []
    for _ in range(runs):
        o.append(ours())
        a.append(anchor())
    return statistics.median(o), statistics.median(a), statistics.median(x / y for x, y in zip(o, a))


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per CPU second of ``fn`` over about ``seconds`` of this process's CPU time (at least three calls): on a
    shared machine the wall clock also counts the time other processes held the core."""
    n, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds or n < 3:
        fn()
        n += 1
    return n / elapsed


# ============================================================================================== parse

_JSONP = re.compile(r"^\s*[\w$.]+\s*\(\s*(.*)\)\s*;?\s*$", re.S)
_LABELS = re.compile(r"([^<>：:\s]{2,10})\s*[：:]\s*(?:<[^>]*>\s*)*([^<]{1,200})<")
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w-]+)""", re.I)


def _decode(body: bytes) -> str:
    match = _CHARSET.search(body[:2048])
    charset = match.group(1).decode().lower() if match else "utf-8"
    charset = "gb18030" if charset in ("gbk", "gb2312") else charset
    try:
        return body.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return body.decode("utf-8", "replace")


def _json_strings(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _json_strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _json_strings(v, out)


def anchor_json(body: bytes) -> object:
    """``json.loads`` of the answer (a JSONP wrapper cut off), every string leaf read; HTML inside a string (a
    description, a notice body) parsed by selectolax, its cells' text and its labels' values taken."""
    from selectolax.lexbor import LexborHTMLParser

    text = _decode(body).strip().removeprefix("/**/")  # CBEX's JSONP starts with an empty comment
    if not text.startswith(("{", "[")) and (m := _JSONP.match(text)):
        text = m.group(1)
    strings: list[str] = []
    _json_strings(json.loads(text, strict=False), strings)
    found: list[object] = []
    for s in strings:
        if "<" in s and ">" in s and len(s) > 200:
            tree = LexborHTMLParser(s)
            found.append([c.text(strip=True) for c in tree.css("td")])
            found.append(_LABELS.findall(s))
    return found


def _labelled(text: str) -> list[tuple[str, str]]:
    """``label：value`` pairs of a page's text, line by line (plain string splitting)."""
    pairs = []
    for line in text.splitlines():
        label, sep, value = line.partition("：")
        if sep and 1 < len(label.strip()) <= 12:
            pairs.append((label.strip(), value.strip()))
    return pairs


def anchor_html(body: bytes) -> object:
    """selectolax of the page: the title, headings, table cells and list items' text, the inputs' values, the links'
    targets (a list page's lots and a notice's attachments are links), and the labelled values (``label：value``) of
    the page's text — the fields a page parser reads, plainly."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(_decode(body))
    body_node = tree.body
    return ([n.text(strip=True) for n in tree.css("title, h1, h2, h3, td, li")],
            [n.attributes.get("value") for n in tree.css("input")],
            [n.attributes.get("href") for n in tree.css("a[href]")],
            _labelled(body_node.text(separator="\n")) if body_node is not None else [])


_SKIP = re.compile(r"interstitial|error_|shell|empty|placeholder|home|attachments|handmade|past_last")


def golden_pages() -> dict[tuple[str, str], list[tuple[bytes, str]]]:
    """(source, kind) → [(body, url)] of the golden cases that are real content pages (anti-bot pages, errors,
    empty results and hand-made oddities left out), by the case name's first word."""
    groups: dict[tuple[str, str], list[tuple[bytes, str]]] = {}
    for case in sorted(GOLDEN.glob("*/*/case.json")):
        source, name = case.parent.parent.name, case.parent.name
        if source == "real" or _SKIP.search(name):
            continue
        inputs = sorted(case.parent.glob("input.*"))
        if not inputs:
            continue
        kind = name.removeprefix("replica_").split("_")[0]
        kind = {"rendered": "detail", "content": "desc", "assets": "list", "search": "list"}.get(kind, kind)
        url = json.loads(case.read_text(encoding="utf-8"))["url"]
        groups.setdefault((source, kind), []).append((inputs[0].read_bytes(), url))
    return groups


def replica_pages() -> dict[tuple[str, str], list[tuple[bytes, str]]]:
    """The realistic pages the per-source benches use (bench_parse, bench_jd, bench_amc): full-size list pages,
    detail pages and descriptions from the replicas, several of each."""
    from urllib.parse import urlsplit

    from crawlers.parsers import alibaba_sf, alibaba_zc
    from replicas.jd import JdGenerator, JdSite
    from replicas.jd.site import api_url, search_url
    from replicas.server import ReplicaServer

    pages: dict[tuple[str, str], list[tuple[bytes, str]]] = {}

    def get(replica: ReplicaServer, url: str) -> bytes:
        parts = urlsplit(url)
        return replica.respond(parts.netloc, f"{parts.path}?{parts.query}").body

    with ReplicaServer(seed=7, n_lots=300, night=1, interstitial_rate=0) as replica:
        for source, module, list_url in (
            ("alibaba_sf", alibaba_sf, "https://sf.taobao.com/item_list.htm?category=0&page={}"),
            ("alibaba_zc", alibaba_zc, "https://zc-paimai.taobao.com/zc_item_list.htm?front_category=56956002"
                                       "&page={}"),
        ):
            for page in (1, 2):
                url = list_url.format(page)
                body = get(replica, url)
                pages.setdefault((source, "list (replica)"), []).append((body, url))
                for record in module.parse_list(body, url, FETCHED).records[:4]:
                    pages.setdefault((source, "detail (replica)"), []).append((get(replica, record["url"]),
                                                                              record["url"]))
                    if source == "alibaba_zc":
                        desc = (f"https://zc-paimai.taobao.com/json/get_pc_desc.htm?item_id="
                                f"{record['source_lot_id']}")
                        body_desc = get(replica, desc)
                        if b"\\u503a\\u6743" in body_desc or "债权".encode() in body_desc:
                            pages.setdefault((source, "desc (replica)"), []).append((body_desc, desc))
    gen = JdGenerator(seed=7, n_lots=300)
    site = JdSite(gen)

    def jd(url: str) -> tuple[bytes, str]:
        parts = urlsplit(url)
        return site.handle(parts.netloc, f"{parts.path}?{parts.query}").body, url

    pages[("jd_auction", "list (replica)")] = [jd(search_url(p, 40)) for p in (1, 2)]
    lots = [lot for lot in gen.lots_for(1) if lot.bid_count >= 5][:4]
    pages[("jd_auction", "basic (replica)")] = [jd(api_url("getProductBasicInfo", {"paimaiId": lot.paimai_id}))
                                                for lot in lots]
    pages[("jd_auction", "realtime (replica)")] = [
        jd(api_url("getPaimaiRealTimeData", {"paimaiId": lot.paimai_id, "start": 0, "end": 9, "source": 0}))
        for lot in lots]
    packages = [lot for lot in gen.lots_for(1) if lot.package and len(lot.package.loans) < 30][:4]
    pages[("jd_auction", "desc (replica)")] = [
        jd(api_url("queryProductDescription", {"paimaiId": lot.paimai_id, "source": 0})) for lot in packages]
    from bench_amc import SOURCES, corpus

    for amc, items in corpus(20).items():
        pages[(SOURCES[amc], "detail (replica)")] = items[:8]
    import bench_rmfysszc  # 人民法院诉讼资产网: its bench's pages (replica list answers and GB18030 detail pages)

    for kind, items in bench_rmfysszc.pages().items():
        pages[("rmfysszc", f"{kind} (replica)")] = items
    return pages


def forget() -> None:
    """Empty the parsers' per-page caches: a crawl parses a page once, so a bench that parses the same pages over and
    over must not find them there (Alibaba's fragment_text keeps the last 8 fragments for page_kind and parse_desc)."""
    from crawlers.parsers import alibaba, gwamc_notice

    alibaba.fragment_text.cache_clear()
    alibaba.json_value.cache_clear()  # (the JSON a description's decode read for fragment_text)
    alibaba.detail_page.cache_clear()  # (the last detail page's text and tree, for detail_links)
    gwamc_notice.money_total.cache_clear()  # (Great Wall's MoneyTotal texts: only a page's own repeats count)


def parse_rows(runs: int, seconds: float, match: str = "") -> list[Row]:
    import bench_parse
    from crawlers.parsers import PARSERS, parse_page

    groups = {**golden_pages(), **replica_pages()}
    groups = {key: pages for key, pages in groups.items() if re.search(match, " ".join(key))}
    # Alibaba's pages: the anchors bench_parse.py has always used (the list's embedded JSON by one regex and
    # json.loads; the detail page's fields by selectolax; the 债权 description's labels by one regex)
    special = {"list": bench_parse.baseline_list, "detail": bench_parse.baseline_detail,
               "desc": bench_parse.baseline_desc}
    rows = []
    for (source, kind), pages in sorted(groups.items()):
        try:
            for body, url in pages:
                parse_page(source, body, url, FETCHED)
        except Exception as exc:  # noqa: BLE001 — a page that no longer parses is reported, not fatal
            rows.append(Row(f"parse {source} {kind}", float("nan"), None, "pages/s", None, "ratio>=0.8",
                            f"fails: {exc}"[:60]))
            continue
        extract = special.get(kind.split()[0]) if source in ("alibaba_sf", "alibaba_zc") else None
        if source == "rmfysszc" and kind.endswith("(replica)"):  # bench_rmfysszc.py's plain extraction
            import bench_rmfysszc

            extract = {"list": bench_rmfysszc.baseline_list, "detail": bench_rmfysszc.baseline_detail}[kind.split()[0]]
        if extract is None:
            extract = anchor_json if pages[0][0].lstrip()[:1] in (b"{", b"[") or not pages[0][0].lstrip().startswith(
                b"<") else anchor_html

        # the function the spider calls for this kind of page (parse_page, which first tells the kind by the
        # content, for a source that has none by that name)
        direct = getattr(PARSERS[source], f"parse_{kind.split()[0]}", None)
        parse = (lambda body, url, fn=direct: fn(body, url, FETCHED)) if direct else (
            lambda body, url, source=source: parse_page(source, body, url, FETCHED))

        def ours(pages=pages, parse=parse) -> None:
            for body, url in pages:
                forget()
                parse(body, url)

        def anchor(pages=pages, extract=extract) -> None:
            for body, _ in pages:
                extract(body)

        o, a, ratio = pairwise(lambda: rate(ours, seconds) * len(pages), lambda: rate(anchor, seconds) * len(pages),
                               runs)
        rows.append(Row(f"parse {source} {kind}", o, a, "pages/s", ratio, "ratio>=0.8",
                        f"{len(pages)} pages, {sum(len(b) for b, _ in pages) // len(pages) // 1024} KB"))
    return rows


# ============================================================================================== salvage parse


def cli_rows(runs: int, quick: bool) -> list[Row]:
    """``salvage parse`` streaming lots to a pipe, against the parser + normalizer + ``lot_json`` in process. The
    command's rate is (lots of N pages) / (its time on N + 1 pages − its time on 1 page): start-up and imports out."""
    from contracts.models import lot_json
    from crawlers.parsers import parse_page
    from normalizers.lot import to_lot

    list_dir = GOLDEN / "alibaba_sf" / "replica_list_houses_doing"
    body = next(list_dir.glob("input.*")).read_bytes()
    url = json.loads((list_dir / "case.json").read_text())["url"]
    copies = 60 if quick else 300
    salvage = Path(sys.executable).with_name("salvage")
    command = [str(salvage)] if salvage.exists() else [sys.executable, "-m", "salvage.cli"]
    work = Path(tempfile.mkdtemp(prefix="salvage-bench-cli-"))
    try:
        files = []
        for k in range(copies + 1):
            path = work / f"page{k}.html"
            path.write_bytes(body)
            files.append(str(path))
        per_page = len(parse_page("alibaba_sf", body, url, FETCHED))
        total = per_page * copies

        def timed(paths: list[str]) -> float:
            """CPU seconds (user + system) of the command: on a shared machine, wall time is mostly waiting."""
            with tempfile.TemporaryFile() as sink:
                proc = subprocess.Popen([*command, "parse", "alibaba_sf", *paths, "--url", url], stdout=sink,
                                        stderr=subprocess.DEVNULL, cwd=ROOT)
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                sink.seek(0)
                assert proc.returncode == 0 and sink.read().count(b"\n") == per_page * len(paths)
            return usage.ru_utime + usage.ru_stime

        def streamed() -> float:
            return total / max(timed(files) - timed(files[:1]), 1e-3)

        def in_process() -> float:
            t0 = time.process_time()
            lines = [lot_json(to_lot(r)) for path in files[1:] for r in
                     parse_page("alibaba_sf", Path(path).read_bytes(), url, FETCHED)]
            assert len(lines) == total
            return total / (time.process_time() - t0)

        o, a, ratio = pairwise(streamed, in_process, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [Row("salvage parse → pipe", o, a, "lots/s", ratio, "ratio>=0.9",
                f"{total} lots, CPU time; anchor: parse+to_lot+lot_json in process")]


# ============================================================================================== crawl


BARE_SPIDER = '''
import sys, json, scrapy
from scrapy.crawler import CrawlerProcess
from crawlers import settings as ours
urls, replica = json.load(open(sys.argv[1])), sys.argv[2]

class Bare(scrapy.Spider):
    name = "bare"
    async def start(self):
        for url in urls:
            yield scrapy.Request(url, dont_filter=True)
    def parse(self, response):
        return None

# The crawl's own network settings (robots.txt obeyed, cookies, retries, timeouts, the replica's concurrency) and its
# replica routing (real URLs sent to the replica with their Host header), so that both fetch exactly the same:
# only the parsing, normalizing, staging and archiving differ.
same = {key: getattr(ours, key) for key in ("USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_TIMEOUT", "RETRY_ENABLED",
                                            "RETRY_TIMES", "RETRY_HTTP_CODES", "COOKIES_ENABLED",
                                            "TELNETCONSOLE_ENABLED", "TWISTED_REACTOR")}
process = CrawlerProcess({**same, **ours.REPLICA_OVERRIDES, "SALVAGE_REPLICA": replica, "LOG_LEVEL": "WARNING",
                          "MEMUSAGE_CHECK_INTERVAL_SECONDS": 0.25,
                          "DOWNLOADER_MIDDLEWARES": {"crawlers.middlewares.ReplicaRoutingMiddleware": 950}})
crawler = process.create_crawler(Bare)
process.crawl(crawler)
process.start()
s = crawler.stats.get_stats()
print(json.dumps({"pages": s.get("downloader/response_count", 0),
                  "seconds": (s["finish_time"] - s["start_time"]).total_seconds()}))
'''


def _crawl_urls(warc: Path) -> list[str]:
    from warcio.archiveiterator import ArchiveIterator

    urls = []
    with warc.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                urls.append(record.rec_headers.get_header("WARC-Target-URI"))
    return urls


def crawl_rows(runs: int, quick: bool) -> list[Row]:
    from crawlers.runner import run_crawl
    from replicas.server import ReplicaServer

    lots = 300 if quick else 1500
    work = Path(tempfile.mkdtemp(prefix="salvage-bench-crawl-"))
    ours, bare, ratios, peaks = [], [], [], []
    try:
        with ReplicaServer(seed=11, n_lots=lots, night=1, interstitial_rate=0) as replica:
            urls_file = work / "urls.json"
            for k in range(runs):
                # memusage samples RSS every 60 s by default: a quarter of a second sees the real peak
                result = run_crawl("alibaba_sf", work / f"runs{k}", replica=replica.base_url, timeout=900,
                                   settings={"LOG_LEVEL": "WARNING", "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.25"})
                stats = result.meta.stats
                pages = stats.get("downloader/response_count", 0)
                elapsed = (datetime.fromisoformat(str(stats["finish_time"]))
                           - datetime.fromisoformat(str(stats["start_time"]))).total_seconds()
                peaks.append(stats.get("memusage/max", float("nan")) / 2**20)
                if k == 0:
                    warc = next((work / f"runs{k}").rglob("*.warc.gz"))
                    urls_file.write_text(json.dumps([u for u in _crawl_urls(warc) if not u.endswith("/robots.txt")]))
                done = subprocess.run([sys.executable, "-c", BARE_SPIDER, str(urls_file), replica.base_url],
                                      capture_output=True, text=True, cwd=ROOT, timeout=900)
                figures = json.loads(done.stdout.strip().splitlines()[-1])
                ours.append(pages / elapsed)
                bare.append(figures["pages"] / figures["seconds"])
                ratios.append(ours[-1] / bare[-1])
                shutil.rmtree(work / f"runs{k}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [Row("crawl alibaba_sf (parse+stage)", statistics.median(ours), statistics.median(bare), "pages/s",
                statistics.median(ratios), "ratio>=0.85", f"{lots} lots; anchor: bare Scrapy, same URLs and settings"),
            Row("crawl peak RSS (memusage/max)", statistics.median(peaks), None, "MB", None, "value<=200",
                "sampled every 0.25 s")]


def crawl_rows_isolated(runs: int, quick: bool) -> list[Row]:
    """`crawl_rows` in a child process of its own, so that the operating system's peak RSS of its children is
    the crawl processes' (and the bare crawls', which are smaller) and not an earlier stage's."""
    out = Path(tempfile.mkstemp(prefix="salvage-bench-crawl-", suffix=".json")[1])
    try:
        subprocess.run([sys.executable, __file__, "--only", "crawl", "--inner", "--runs", str(runs),
                        "--json", str(out), *(["--quick"] if quick else [])], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        return [Row(**row) for row in json.loads(out.read_text(encoding="utf-8"))]
    finally:
        out.unlink(missing_ok=True)


# ============================================================================================== browser


def browser_rows(runs: int, quick: bool) -> list[Row]:
    import asyncio

    from bench_amc import Replica, _plain_run
    from crawlers.runner import run_crawl
    from replicas.amc import AmcGenerator

    notices = 30 if quick else 60
    rows = []
    with Replica(notices) as replica:
        ids = [n.notice_id for n in AmcGenerator(seed=7, n_notices=notices).notices("gwamc", 1)]
        urls = [f"http://www.gwamcc.com/HiringDetail.aspx?ID={i}" for i in ids]

        def crawl(browser: bool) -> float:
            """Seconds of the crawl, Scrapy's start to its finish."""
            work = Path(tempfile.mkdtemp(prefix="salvage-bench-gw-"))
            try:
                result = run_crawl("gwamc_notice", work / "runs", replica=replica.url, timeout=900,
                                   settings={"LOG_LEVEL": "WARNING"}, spider_args={"browser": "1"} if browser else None)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            stats = result.meta.stats
            assert result.meta.status == "ok", result.meta.error
            return (datetime.fromisoformat(str(stats["finish_time"]))
                    - datetime.fromisoformat(str(stats["start_time"]))).total_seconds()

        def plain() -> float:
            # the same job as the crawl's rendering: launch, render every notice page in 4 reused pages, close
            return asyncio.run(_plain_run(replica.url, urls, 4, True, whole=True))

        # interleaved: the XHR crawl, the rendered crawl, the anchor. Both crawls also fetch the list answers and
        # stage every lot (work the anchor does not do); their difference is what rendering costs the crawl.
        xhr, rendered, anchor = [], [], []
        for _ in range(runs):
            xhr.append(crawl(False))
            rendered.append(crawl(True))
            anchor.append(plain())
        n = len(ids)
        alone = [n / (b - x) if b > x else math.nan for x, b in zip(xhr, rendered)]
        for label, rates, note in (
                ("XHR direct", [n / x for x in xhr], "the crawl as it runs"),
                ("every page rendered", [n / b for b in rendered], "the fallback crawl, list answers and staging included"),
                ("rendering alone", alone, "the rendered crawl's seconds less the XHR crawl's")):
            rows.append(Row(f"gwamc notices ({label})", statistics.median(rates), statistics.median(anchor),
                            "pages/s", statistics.median(r / a for r, a in zip(rates, anchor)), "ratio>=0.8",
                            f"{notices} notices, {note}; anchor: Playwright, launch to close, 4 reused pages"))
    return rows


# ============================================================================================== load, history


def load_rows(runs: int, quick: bool) -> list[Row]:
    import duckdb
    import pyarrow.parquet as pq

    from bench_warehouse import write_run
    from contracts.columns import LOT_COLUMN_NAMES, LOT_TYPES
    from warehouse.db import connect
    from warehouse.ingest import ingest

    n = 100_000 if quick else 1_000_000
    work = Path(tempfile.mkdtemp(prefix="salvage-bench-load-"))
    try:
        meta = write_run(work / "runs", n, 1, "parquet")
        parquet = next((work / "runs").rglob("*.parquet"))

        def ours() -> float:
            db = work / "ours.duckdb"
            con = connect(db)
            t0 = time.perf_counter()
            [result] = ingest(con, [meta])
            elapsed = time.perf_counter() - t0
            con.close()
            db.unlink()
            assert result.status == "loaded" and result.items == n, result
            return n / elapsed

        arrow = pq.read_table(parquet)  # the rows already in memory: the anchor is the insert alone

        def anchor() -> float:
            db = work / "anchor.duckdb"
            con = duckdb.connect(str(db))
            columns = ", ".join(f"{c} {LOT_TYPES[c]}" for c in LOT_COLUMN_NAMES)
            con.execute(f"CREATE TABLE lots ({columns})")
            con.register("rows", arrow)
            t0 = time.perf_counter()
            con.execute("INSERT INTO lots SELECT * FROM rows")
            con.execute("CHECKPOINT")
            elapsed = time.perf_counter() - t0
            con.close()
            db.unlink()
            return n / elapsed

        o, a, ratio = pairwise(ours, anchor, runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [Row("load (ingest a night)", o, a, "rows/s", ratio, "ratio>=0.7",
                f"{n:,} lots; anchor: Arrow table in memory → DuckDB insert + CHECKPOINT")]


def history_rows(runs: int, quick: bool, history: int) -> list[Row]:
    """One lot's price history (``lot_history`` of one lot, ordered by version) at ``history`` version rows: a
    tenth of the lots with a second and third version. The rows are made by DuckDB straight into the warehouse's
    own table (the question is the lookup, not the load). Anchor: the same keys and prices in a plain table with an
    index (ART) on the key, queried by the key. Milliseconds, the median of 50 lookups of random lots each run."""
    import random

    import duckdb

    from warehouse.db import connect

    history = 300_000 if quick else history
    lots = int(history / 1.2)
    work = Path(tempfile.mkdtemp(prefix="salvage-bench-history-"))
    try:
        con = connect(work / "w.duckdb")
        columns = con.execute("SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                              "WHERE table_name = 'fct_lot_versions' ORDER BY column_index").fetchall()
        given = {
            "source": "'alibaba_sf'", "source_lot_id": "(100000000000 + i)::VARCHAR",
            "url": "'https://sf-item.taobao.com/sf_item/' || (100000000000 + i) || '.htm'",
            "fetched_at": "TIMESTAMPTZ '2026-11-20 02:00:00+08' + to_days(v::INTEGER)",
            "title": "'房产 ' || i", "reserve_price": "((1000 + i % 5000) * 1000 * (1 - 0.2 * v))::DECIMAL(18,2)",
            "version_no": "v + 1", "valid_from": "TIMESTAMPTZ '2026-11-20 02:00:00+08' + to_days(v::INTEGER)",
            "valid_to": "CASE WHEN v < n - 1 THEN TIMESTAMPTZ '2026-11-21 02:00:00+08' + to_days(v::INTEGER) END",
            "run_id": "'run-' || v",
        }
        select = ", ".join(given.get(name, f"NULL::{typ}" if nullable else f"'x'::{typ}")
                           for name, typ, nullable in columns)
        con.execute(f"INSERT INTO fct_lot_versions SELECT {select} FROM range({lots}) t(i), "
                    f"LATERAL (SELECT CASE WHEN i % 10 = 0 THEN 3 ELSE 1 END AS n) k, range(n) r(v)")
        rows = con.execute("SELECT count(*) FROM fct_lot_versions").fetchone()[0]
        if os.environ.get("BENCH_HISTORY_INDEX"):  # (trying an index before it is in the schema)
            con.execute(os.environ["BENCH_HISTORY_INDEX"])
        con.execute("CHECKPOINT")
        plain = duckdb.connect(str(work / "anchor.duckdb"))
        plain.execute("CREATE TABLE h AS SELECT (100000000000 + i)::VARCHAR AS k, v + 1 AS version_no, "
                      "((1000 + i % 5000) * 1000 * (1 - 0.2 * v))::DECIMAL(18,2) AS price "
                      f"FROM range({lots}) t(i), LATERAL (SELECT CASE WHEN i % 10 = 0 THEN 3 ELSE 1 END AS n) k, "
                      "range(n) r(v)")
        plain.execute("CREATE INDEX h_k ON h (k)")
        rnd = random.Random(5)

        def lookups(run: Callable[[str], list]) -> float:
            times = []
            for _ in range(50):
                key = str(100000000000 + rnd.randrange(lots) // 10 * 10)  # a lot with three versions
                t0 = time.perf_counter()
                found = run(key)
                times.append((time.perf_counter() - t0) * 1000)
                assert len(found) == 3, (key, found)
            return statistics.median(times)

        def ours() -> float:
            return lookups(lambda key: con.execute(
                "SELECT version_no, valid_from, reserve_price FROM lot_history WHERE source = 'alibaba_sf' "
                "AND source_lot_id = ? ORDER BY version_no", [key]).fetchall())

        def anchor() -> float:
            return lookups(lambda key: plain.execute(
                "SELECT version_no, price FROM h WHERE k = ? ORDER BY version_no", [key]).fetchall())

        o, a, _ = pairwise(ours, anchor, runs)
        ratio = a / o  # (times: the anchor's share of ours, higher is better as in every other row)
        con.close()
        plain.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [Row("history of one lot (lot_history)", o, a, "ms", ratio, "value<=10",
                f"{rows:,} history rows; anchor: indexed plain table")]


# ============================================================================================== growth


def growth(sizes: list[int]) -> list[str]:
    """Each growth bench at each size in a subprocess of its own: wall seconds and peak RSS (the OS's accounting
    of that child), then the exponent between the smallest and the largest size. The seconds are the whole
    bench process's (its data generation and start-up included): at small sizes those fixed costs flatten the
    exponent, so compare sizes of a million lots and more."""
    benches = {
        "merge (ingest 2 nights)": ["bench/bench_warehouse.py", "--repeats", "1"],
        "views (every view)": ["bench/bench_views.py", "--repeats", "1"],
        "linkage": ["bench/bench_linkage.py", "--repeats", "1"],
        "alert matching": ["bench/bench_alerts.py", "--repeats", "1"],
    }
    lines = [f"{'stage':<26} " + " ".join(f"{f'{n / 1e6:g}M s':>9} {'GiB':>5}" for n in sizes) + "  exponent"]
    for name, argv in benches.items():
        figures = []
        for n in sizes:
            t0 = time.perf_counter()
            proc = subprocess.Popen([sys.executable, *argv, "--lots", str(n)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            figures.append((time.perf_counter() - t0, usage.ru_maxrss / 2**20, proc.returncode))
        exponent = (math.log(figures[-1][0] / figures[0][0]) / math.log(sizes[-1] / sizes[0])
                    if len(sizes) > 1 else float("nan"))
        cells = " ".join(f"{t:>9.1f} {m:>5.2f}" + ("!" if rc else "") for t, m, rc in figures)
        lines.append(f"{name:<26} {cells}  {exponent:8.2f}")
    return lines


# ============================================================================================== table


def print_table(rows: list[Row]) -> None:
    print(f"{'stage':<44} {'ours':>11} {'anchor':>11} {'unit':<8} {'ratio':>6} {'goal':<12} {'':<4} note")
    for r in rows:
        anchor = f"{r.anchor:>11,.1f}" if r.anchor is not None else f"{'-':>11}"
        ratio = f"{r.ratio:>6.2f}" if r.ratio is not None else f"{'-':>6}"
        print(f"{r.stage:<44} {r.ours:>11,.1f} {anchor} {r.unit:<8} {ratio} {r.goal:<12} "
              f"{'ok' if r.met() else 'LOW':<4} {r.note}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="short measurements (a smoke run)")
    ap.add_argument("--runs", type=int, default=3, help="interleaved pairs per ratio (medians)")
    ap.add_argument("--only", default="parse,cli,crawl,browser,load,history",
                    help="comma-separated stages: parse, cli, crawl, browser, load, history")
    ap.add_argument("--history-rows", type=int, default=10_000_000, help="history rows for the lookup row")
    ap.add_argument("--growth", action="store_true", help="the growth runs (long) instead of the table")
    ap.add_argument("--sizes", default="1000000,3000000,10000000", help="lots per growth run, comma-separated")
    ap.add_argument("--match", default="", help="only the parse rows whose source and kind match this regex")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, help="also write the rows to this file")
    args = ap.parse_args()
    if args.growth:
        for line in growth([int(s) for s in args.sizes.split(",")]):
            print(line, flush=True)
        return
    stages = set(args.only.split(","))
    seconds = 0.2 if args.quick else 0.6
    rows: list[Row] = []
    if "parse" in stages:
        rows += parse_rows(args.runs, seconds, args.match)
    if "cli" in stages:
        rows += cli_rows(args.runs, args.quick)
    if "crawl" in stages and args.inner:
        rows += crawl_rows(args.runs, args.quick)
        rows.append(Row("crawl peak RSS (OS, largest process)", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                        / 1024, None, "MB", None, "value<=200", "ru_maxrss of the crawl subprocesses"))
    elif "crawl" in stages:
        rows += crawl_rows_isolated(args.runs, args.quick)
    if "browser" in stages:
        rows += browser_rows(args.runs, args.quick)
    if "load" in stages:
        rows += load_rows(args.runs, args.quick)
    if "history" in stages:
        rows += history_rows(args.runs, args.quick, args.history_rows)
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], ensure_ascii=False, indent=1))
    print(f"peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
