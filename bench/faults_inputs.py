"""Mutated pages: every source's golden pages, cut, flipped, mis-declared, with nodes deleted and duplicated, JSON
values of the wrong type, and huge and deeply nested documents, each parsed in a watched worker process.

A mutated page must either parse into records that validate (``normalizers.lot.to_lot``) or be refused with a clear
error naming its source and URL (the page's, or for a list page's record the lot's) (`ParseError`, `LotError`, `AmountError`: the spider turns it into a reject row).
Counted against that: a **crash** (any other exception, or the worker dying), a **hang** (over `TIME_LIMIT`
seconds for one page), an **unclear** refusal (a message without the source or the URL) and a **silently wrong**
value: a page cut short that still parses into a value the whole page does not have (``65,454,900`` read as
``65,45``), or a field the whole page has that the cut page lost while still passing as whole.

The mutations are drawn by hypothesis (``derandomize``: the same pages on every run), so a failing page shrinks to
a small reproducible case in ``tests/test_fuzz_pages.py``; the fault table runs at least 1,000 per source.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.faults import FaultRow, Scenario

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
TIME_LIMIT = 2.0  # seconds for one ordinary-sized page
HUGE_TIME_LIMIT = 20.0  # seconds for the 50 MB page (reading 50 MB is not free; hanging is what is caught)
KINDS = ("truncate", "flip", "encoding", "delete", "duplicate", "wrong_type")


@dataclass(frozen=True)
class Page:
    source: str
    case: str
    body: bytes
    url: str
    fetched_at: str  # ISO, so a Page pickles small


def golden_pages(source: str) -> list[Page]:
    """Every golden (and real) input of ``source`` with its URL and fetch time."""
    pages = []
    for folder in sorted([*GOLDEN.glob(f"{source}/*"), *GOLDEN.glob(f"real/{source}/*")]):
        meta, inputs = folder / "case.json", sorted(folder.glob("input.*"))
        if not meta.is_file() or not inputs:
            continue
        case = json.loads(meta.read_text(encoding="utf-8"))
        pages.append(Page(source, str(folder.relative_to(GOLDEN)), inputs[0].read_bytes(), case["url"],
                          case["fetched_at"]))
    return pages


def sources() -> list[str]:
    from crawlers.parsers import PARSERS

    return sorted(PARSERS)


# ------------------------------------------------------------------------------------------------ judging a page


@dataclass
class Outcome:
    verdict: str  # "parsed", "refused", "malformed" (refused, but the parser had tripped), "unclear", "crash", "hang"
    detail: str = ""
    records: list[dict[str, Any]] = field(default_factory=list)  # the raw records, when parsed
    lots: list[dict[str, Any]] = field(default_factory=list)  # to_lot(record).model_dump() of each lot record


_IDENTITY = ("source", "source_lot_id", "url", "fetched_at")


def judge(source: str, body: bytes, url: str, fetched_at: str) -> Outcome:
    """Parse one page as the crawl does (parse_page, then to_lot per record; a notice/description fragment is
    normalized merged into a stand-in lot, as the spider merges it) and say what happened."""
    from crawlers.parsers import ParseError, parse_page
    from crawlers.parsers.base import MalformedPage
    from normalizers.amounts import AmountError
    from normalizers.lot import LotError, to_lot
    from pipelines.validate import ALLOWED_KEYS

    when = datetime.fromisoformat(fetched_at)
    urls = {url}  # a record of a list page is refused naming its own lot's URL: that is the reject row's URL
    try:
        records = parse_page(source, body, url, when)
        urls |= {str(r["url"]) for r in records if r.get("url")}
        lots = []
        for record in records:
            if "source_lot_id" in record:
                missing = [k for k in _IDENTITY if not record.get(k)]
                unknown = sorted(set(record) - ALLOWED_KEYS)
                if record.get("source") != source or missing or unknown:  # ValidatePipeline's refusals
                    return Outcome("refused", f"validate: source {record.get('source')!r}, missing {missing}, "
                                              f"unknown {unknown}")
                lots.append(to_lot(record).model_dump())
            else:
                to_lot({"source": source, "source_lot_id": "fragment", "url": url, "fetched_at": when, **record})
    except (ParseError, LotError, AmountError) as exc:
        message = str(exc)
        clear = source in message and any(u in message for u in urls)
        verdict = "unclear" if not clear else "malformed" if isinstance(exc, MalformedPage) else "refused"
        return Outcome(verdict, f"{type(exc).__name__}: {message[:300]}")
    except Exception as exc:  # noqa: BLE001 - what is being counted
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return Outcome("crash", f"{type(exc).__name__} at {where}: {str(exc)[:200]}")
    return Outcome("parsed", records=records, lots=lots)


def _serve(conn: Any) -> None:  # the worker's loop
    import sys

    sys.setrecursionlimit(10_000)  # as deep as a parser may recurse; deeper must be a clear error, not a crash
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            conn.send(judge(*job))
        except Exception as exc:  # noqa: BLE001 - an outcome that does not pickle
            conn.send(Outcome("crash", f"unpicklable outcome: {type(exc).__name__}: {exc}"))


class Sandbox:
    """One worker process that parses pages; a page that takes longer than its limit is a hang: the worker is
    killed and a new one started (a regex or a parser loop cannot be interrupted from inside)."""

    def __init__(self) -> None:
        self._ctx = multiprocessing.get_context("fork")
        self.proc: Any = None
        self._start()

    def _start(self) -> None:
        self.conn, child = self._ctx.Pipe()
        self.proc = self._ctx.Process(target=_serve, args=(child,), daemon=True)
        self.proc.start()
        child.close()

    def _restart(self) -> None:
        self.proc.kill()
        self.proc.join()
        self.conn.close()
        self._start()

    def judge(self, source: str, body: bytes, url: str, fetched_at: str, limit: float = TIME_LIMIT) -> Outcome:
        started = time.monotonic()
        self.conn.send((source, body, url, fetched_at))
        if not self.conn.poll(limit):
            self._restart()
            return Outcome("hang", f"no answer in {limit:.0f} s")
        try:
            outcome = self.conn.recv()
        except EOFError:
            self._restart()
            return Outcome("crash", f"the worker died (exit {self.proc.exitcode})")
        outcome.detail = outcome.detail or f"{time.monotonic() - started:.2f} s"
        return outcome

    def close(self) -> None:
        self.conn.close()
        self.proc.kill()
        self.proc.join()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ------------------------------------------------------------------------------------------------ mutations

_JSONP = re.compile(rb"^(\s*[\w$.]+\s*\()(.*)(\)\s*;?\s*)$", re.S)
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([\w-]+)", re.I)


def _decode(body: bytes) -> tuple[str, str]:
    for encoding in ("utf-8", "gb18030"):
        try:
            return body.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return body.decode("latin-1"), "latin-1"


def _json_parts(body: bytes) -> tuple[bytes, Any, bytes, str] | None:
    """(prefix, value, suffix, encoding) of a JSON or JSONP page, None for anything else."""
    m = _JSONP.match(body)
    head, inner, tail = (m.group(1), m.group(2), m.group(3)) if m else (b"", body, b"")
    text, encoding = _decode(inner)
    try:
        return head, json.loads(text), tail, encoding
    except ValueError:
        return None


def _json_paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_json_paths(v, (*path, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_json_paths(v, (*path, i)))
    return out


def _json_set(root: Any, path: tuple, how: str, new: Any = None) -> Any:
    if not path:
        return new if how == "set" else root
    parent = root
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if how == "set":
        parent[key] = new
    elif how == "delete":
        del parent[key]
    elif how == "duplicate":
        if isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
        else:  # a dict cannot hold a key twice: the copy goes under a second name, and the value is kept
            parent[f"{key}_copy"] = json.loads(json.dumps(parent[key]))
    return root


WRONG_VALUES: list[Any] = [None, True, 0, -1, 1.5e308, 10**30, "", "x", "65,45", "<b>1</b>", [], [1, "a"], {},
                           {"a": None}]


def _html_elements(body: bytes) -> tuple[Any, list[Any], str] | None:
    import lxml.html

    text, encoding = _decode(body)
    try:
        root = lxml.html.document_fromstring(text)
    except Exception:  # noqa: BLE001 - not an HTML page: no node to delete
        return None
    return root, list(root.iter()), encoding


def _html_bytes(root: Any, encoding: str) -> bytes:
    import lxml.html

    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>").encode(encoding, "replace")


def mutate(page: Page, kind: str, draw: Any) -> bytes:
    """``page``'s body with one mutation of ``kind``; ``draw(strategy)`` draws its parameters (hypothesis)."""
    from hypothesis import strategies as st

    body = page.body
    if kind == "truncate":
        return body[: draw(st.integers(0, max(0, len(body) - 1)))]
    if kind == "flip":
        out = bytearray(body)
        for _ in range(draw(st.integers(1, 8))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    if kind == "encoding":
        text, encoding = _decode(body)
        choice = draw(st.sampled_from(["declare", "transcode", "bom", "latin1"]))
        if choice == "declare" and _CHARSET.search(body):
            other = draw(st.sampled_from([b"gbk", b"utf-8", b"big5", b"shift_jis", b"utf-16", b"nonsense"]))
            return _CHARSET.sub(b"charset=" + other, body, count=1)
        if choice == "transcode":
            target = "gb18030" if encoding == "utf-8" else "utf-8"
            return text.encode(target, "replace")
        if choice == "bom":
            return b"\xef\xbb\xbf" + body
        return text.encode("utf-16")  # a page served in an encoding it never declares
    parts = _json_parts(body)
    if parts is not None:
        head, value, tail, encoding = parts
        paths = _json_paths(value)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        if kind == "wrong_type":
            value = _json_set(value, path, "set", draw(st.sampled_from(WRONG_VALUES)))
        elif path:
            value = _json_set(value, path, kind)
        return head + json.dumps(value, ensure_ascii=False).encode(encoding, "replace") + tail
    parsed = _html_elements(body)
    if parsed is None:
        return body
    root, elements, encoding = parsed
    element = elements[draw(st.integers(0, len(elements) - 1))]
    parent = element.getparent()
    if kind == "wrong_type":  # HTML has no types: a number's text replaced by something else
        element.text = draw(st.sampled_from(["", "x", "65,45", "-1", "1e999", "壹佰万元整", "NaN", "0" * 400]))
    elif parent is None:
        return body
    elif kind == "delete":
        element.drop_tree()
    else:
        from copy import deepcopy

        element.addnext(deepcopy(element))
    return _html_bytes(root, encoding)


def nested(page: Page, depth: int = 100_000) -> bytes:
    """``page`` with ``depth`` nested elements (HTML) or arrays (JSON) inserted where its content is."""
    parts = _json_parts(page.body)
    if parts is not None:
        head, value, tail, encoding = parts
        inner = json.dumps(value, ensure_ascii=False)
        cut = inner.rfind("}")
        deep = ', "deep": ' + "[" * depth + "]" * depth
        return head + (inner[:cut] + deep + inner[cut:]).encode(encoding, "replace") + tail
    text, encoding = _decode(page.body)
    cut = text.lower().rfind("</body>")
    cut = cut if cut >= 0 else len(text)
    return (text[:cut] + "<div>" * depth + "x" + "</div>" * depth + text[cut:]).encode(encoding, "replace")


def huge(page: Page, size: int = 50 * 1024 * 1024) -> bytes:
    """``page`` grown to about ``size`` bytes: a long run of table rows (HTML) or a long string value (JSON)."""
    parts = _json_parts(page.body)
    if parts is not None:
        head, value, tail, encoding = parts
        inner = json.dumps(value, ensure_ascii=False)
        cut = inner.rfind("}")
        return head + (inner[:cut] + ', "padding": "' + "债" * (size // 3) + '"' + inner[cut:]).encode(
            encoding, "replace") + tail
    text, encoding = _decode(page.body)
    cut = text.lower().rfind("</body>")
    cut = cut if cut >= 0 else len(text)
    row = "<table><tr><td>债权本金</td><td>1,000.00</td></tr></table>\n"
    return (text[:cut] + row * (size // len(row)) + text[cut:]).encode(encoding, "replace")


# ------------------------------------------------------------------------------------------------ the run


@dataclass
class Tally:
    tried: int = 0
    verdicts: Counter = field(default_factory=Counter)
    wrong: int = 0  # silently wrong values on cut pages
    examples: dict[str, str] = field(default_factory=dict)  # first detail of each bad kind
    trips: Counter = field(default_factory=Counter)  # "TypeError at amc.py:789": where a parser tripped, how often

    def add(self, verdict: str, detail: str, where: str) -> None:
        self.tried += 1
        self.verdicts[verdict] += 1
        if verdict in ("malformed", "crash") and (m := re.search(r"(\w+Error|\w+Exception) at [\w.]+:\d+", detail)):
            self.trips[m.group()] += 1
        if verdict in ("crash", "hang", "unclear", "malformed") and verdict not in self.examples:
            self.examples[verdict] = f"{where}: {detail}"

    @property
    def bad(self) -> int:
        return self.verdicts["crash"] + self.verdicts["hang"] + self.verdicts["unclear"] + self.wrong


def _lot_values(lots: list[dict[str, Any]]) -> dict[tuple[str, str], Any]:
    return {(lot["source_lot_id"], k): v for lot in lots for k, v in lot.items()
            if k not in ("fetched_at",) and v not in (None, [], {})}


def cut_is_wrong(whole: Outcome, cut: Outcome) -> str | None:
    """A page cut short that parsed: every value it gives must be the whole page's, and it must not lose one (a
    page that lost half its fields passes for a lot whose fields were emptied)."""
    if cut.verdict != "parsed" or whole.verdict != "parsed":
        return None
    mine, theirs = _lot_values(cut.lots), _lot_values(whole.lots)
    for key, value in mine.items():
        if key in theirs and theirs[key] != value:
            return f"{key[1]} of {key[0]}: {value!r}, the whole page says {theirs[key]!r}"
    lost = sorted({k[1] for k in theirs.keys() - mine.keys() if k[0] in {m[0] for m in mine}})
    if lost:
        return f"fields lost without a refusal: {lost}"
    raw_cut = [{k: v for k, v in r.items() if k != "fetched_at"} for r in cut.records]
    raw_whole = [{k: v for k, v in r.items() if k != "fetched_at"} for r in whole.records]
    for record in raw_cut:
        if record not in raw_whole and any(record.items() - whole_r.items() for whole_r in raw_whole):
            same = [w for w in raw_whole if w.get("source_lot_id") == record.get("source_lot_id")]
            for w in same:
                for k, v in record.items():
                    if k in w and w[k] != v:
                        return f"raw {k}: {str(v)[:60]!r}, the whole page says {str(w[k])[:60]!r}"
    return None


def fuzz_source(source: str, n: int, box: Sandbox, seed: int = 0) -> Tally:
    """``n`` mutated pages of ``source`` (hypothesis, derandomized), each judged in ``box``."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    pages = golden_pages(source)
    wholes = {p.case: box.judge(p.source, p.body, p.url, p.fetched_at) for p in pages}
    tally = Tally()

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(pages), st.sampled_from(KINDS), st.data())
    def one(page: Page, kind: str, data: Any) -> None:
        body = mutate(page, kind, data.draw)
        outcome = box.judge(source, body, page.url, page.fetched_at)
        where = f"{page.case} {kind} ({len(body)} of {len(page.body)} bytes)"
        tally.add(outcome.verdict, outcome.detail, where)
        if kind == "truncate" and (why := cut_is_wrong(wholes[page.case], outcome)):
            tally.wrong += 1
            tally.examples.setdefault("wrong", f"{where}: {why}")

    one()
    return tally


def extremes(source: str, box: Sandbox) -> Tally:
    """One page per source nested 100,000 deep and one grown to 50 MB."""
    tally = Tally()
    page = max(golden_pages(source), key=lambda p: len(p.body))
    for name, body, limit in (("nested 100k", nested(page), TIME_LIMIT * 2), ("50 MB", huge(page), HUGE_TIME_LIMIT)):
        outcome = box.judge(source, body, page.url, page.fetched_at, limit=limit)
        tally.add(outcome.verdict, outcome.detail, f"{page.case} {name}")
    return tally


def mutated_pages(n: int, work: Path) -> FaultRow:
    """The fault-table row: ``n`` mutated pages per source, plus the two extreme pages per source."""
    totals, per_source, examples, trips = Counter(), [], [], Counter()
    tried = bad = wrong = 0
    with Sandbox() as box:
        for source in sources():
            tally = fuzz_source(source, n, box)
            ext = extremes(source, box)
            for t in (tally, ext):
                tried += t.tried
                bad += t.bad
                wrong += t.wrong
                totals.update(t.verdicts)
                trips.update(t.trips)
                examples.extend(f"{source} {k}: {v}" for k, v in t.examples.items())
            per_source.append(f"{source} {tally.tried + ext.tried}")
    (work / "examples.txt").write_text("\n".join(examples) + "\n", encoding="utf-8")
    notes = [f"parsed {totals['parsed']}, refused with source+URL {totals['refused']} (of which the parser tripped "
             f"on the shape: {totals['malformed']}), unclear {totals['unclear']}, crash {totals['crash']}, "
             f"hang {totals['hang']}, silently wrong {wrong}",
             "where parsers tripped: " + (", ".join(f"{k} ×{v}" for k, v in trips.most_common()) or "nowhere"),
             ", ".join(per_source), *examples[:3]]
    return FaultRow("mutated pages", tried, tried - bad, wrong,
                    f"{totals['refused'] + totals['malformed'] + totals['parsed']}/{tried}", "; ".join(notes))


SCENARIOS = [Scenario("mutated-pages", "parse", mutated_pages, quick_n=50, full_n=1000)]
