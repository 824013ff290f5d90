"""Run files: how a crawl hands its lots to the warehouse without ever opening it.

A crawl writes ``<runs>/<source>/<run_id>.parquet`` (one ``Lot`` per row, typed by the warehouse's column registry:
money as decimal(18,2), datetimes with time zone; ``raw`` as JSON text), ``<run_id>.rejects.jsonl`` (records its
normalizer refused, with the reason) and last ``<run_id>.meta.json`` (source, times, counts, status, stats). Rows go
to ``*.part`` files in batches and are renamed when the crawl closes, so a run without its meta is a crawl that is
still running or died, and ingest leaves it alone. ``<run_id>.jsonl`` (one ``Lot.model_dump(mode="json")`` per line)
is accepted too, for hand-made and re-parsed runs; Parquet is the fast path (measured: JSON parsing alone costs
about 3.5 s per million lots here, more than the whole load budget).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

from contracts.columns import LOT_COLUMNS

SHANGHAI = ZoneInfo("Asia/Shanghai")


def new_run_id(source: str, started_at: datetime) -> str:
    stamp = started_at.astimezone(SHANGHAI).strftime("%Y%m%dT%H%M%S")
    return f"{source}-{stamp}-{secrets.token_hex(3)}"


@dataclass
class RunMeta:
    run_id: str
    source: str
    started_at: str
    finished_at: str | None = None
    items: int = 0
    rejects: int = 0
    status: str = "running"  # ok | failed | partial | running
    error: str | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> RunMeta:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise RunFileError(path, f"unreadable meta file: {exc}") from exc


class RunFileError(ValueError):
    """A run file that cannot be loaded. Names the file."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)


@dataclass
class RunPaths:
    directory: Path
    run_id: str

    @property
    def lots(self) -> Path:
        """The run's lots: the Parquet file, or the JSON-lines file when that is what the run has."""
        parquet = self.directory / f"{self.run_id}.parquet"
        jsonl = self.directory / f"{self.run_id}.jsonl"
        return jsonl if jsonl.exists() and not parquet.exists() else parquet

    @property
    def rejects(self) -> Path:
        return self.directory / f"{self.run_id}.rejects.jsonl"

    @property
    def progress(self) -> Path:
        """Lots written so far, while the crawl runs (a Parquet ``.part`` file cannot be counted before it closes)."""
        return self.directory / f"{self.run_id}.progress"

    @property
    def meta(self) -> Path:
        return self.directory / f"{self.run_id}.meta.json"

    @classmethod
    def for_meta(cls, meta_path: Path) -> RunPaths:
        return cls(meta_path.parent, meta_path.name.removesuffix(".meta.json"))


MONEY_ARROW = pa.decimal128(18, 2)
LOANS_ARROW = pa.list_(pa.struct([
    ("seq", pa.int32()), ("debtor", pa.string()), ("guarantors", pa.list_(pa.string())), ("collateral", pa.string()),
    ("principal", MONEY_ARROW), ("interest", MONEY_ARROW), ("fees", MONEY_ARROW), ("total", MONEY_ARROW),
    ("currency", pa.string()), ("claim_as_of", pa.date32()), ("raw", pa.string()),
    ("source_url", pa.string()), ("source_sheet", pa.string()), ("source_page", pa.int32()), ("source_row", pa.int32()),
]))


def _arrow_type(duck: str) -> pa.DataType:
    if duck.startswith("DECIMAL"):
        return MONEY_ARROW
    if duck.startswith("STRUCT(seq"):
        return LOANS_ARROW
    if duck.startswith("STRUCT"):
        return pa.list_(pa.struct([("description", pa.string()), ("kind", pa.string()),
                                   ("area_m2", pa.decimal128(18, 2)), ("address", pa.string()),
                                   ("appraisal", pa.decimal128(18, 2))]))
    return {"VARCHAR": pa.string(), "JSON": pa.string(), "TIMESTAMPTZ": pa.timestamp("us", tz="Asia/Shanghai"),
            "DATE": pa.date32(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
            "VARCHAR[]": pa.list_(pa.string())}[duck]


ARROW_SCHEMA = pa.schema([(name, _arrow_type(typ)) for name, typ, _ in LOT_COLUMNS])


class RunWriter:
    """Writes one run's files: lots to Parquet (or JSON lines with ``fmt="jsonl"``) in batches, rejects as JSON
    lines, all to ``.part`` files that ``close`` renames before it writes the meta."""

    BATCH = 2000  # lots per Parquet row group: bounded memory in long crawls
    PROGRESS_EVERY = 50  # lots between updates of the progress file the crawl runner shows

    def __init__(self, runs_dir: Path, source: str, started_at: datetime, run_id: str | None = None,
                 fmt: str = "parquet") -> None:
        self.meta = RunMeta(
            run_id=run_id or new_run_id(source, started_at), source=source, started_at=started_at.isoformat()
        )
        self.paths = RunPaths(Path(runs_dir) / source, self.meta.run_id)
        self.paths.directory.mkdir(parents=True, exist_ok=True)
        self.lots_path = self.paths.directory / f"{self.meta.run_id}.{fmt}"
        self._batch: list[dict[str, Any]] = []
        self._parquet = pq.ParquetWriter(self._part(self.lots_path), ARROW_SCHEMA) if fmt == "parquet" else None
        self._jsonl: IO[str] | None = None if self._parquet else open(self._part(self.lots_path), "w",
                                                                          encoding="utf-8")
        self._rejects: IO[str] = open(self._part(self.paths.rejects), "w", encoding="utf-8")

    @staticmethod
    def _part(path: Path) -> Path:
        return path.with_name(path.name + ".part")

    def write_lot(self, lot: Any) -> None:
        """Write a ``Lot`` (or, for JSON-lines runs, a ready JSON line: tests use it for malformed input)."""
        if self._jsonl is not None:
            self._jsonl.write(lot if isinstance(lot, str) else lot.model_dump_json())
            self._jsonl.write("\n")
        else:
            row = lot.model_dump()
            row["raw"] = json.dumps(row["raw"], ensure_ascii=False, default=str)
            for loan in row["loans"]:
                loan["raw"] = json.dumps(loan["raw"], ensure_ascii=False, default=str)
            self._batch.append(row)
            if len(self._batch) >= self.BATCH:
                self._flush()
        self.meta.items += 1
        if self.meta.items % self.PROGRESS_EVERY == 0:
            self.paths.progress.write_text(str(self.meta.items), encoding="ascii")

    def _flush(self) -> None:
        if self._parquet is not None and self._batch:
            self._parquet.write_batch(pa.RecordBatch.from_pylist(self._batch, schema=ARROW_SCHEMA))
            self._batch.clear()

    def write_reject(self, record: dict[str, Any]) -> None:
        self._rejects.write(json.dumps(record, ensure_ascii=False, default=str))
        self._rejects.write("\n")
        self.meta.rejects += 1

    def close(self, finished_at: datetime, status: str, error: str | None, stats: dict[str, Any]) -> RunMeta:
        self.paths.progress.unlink(missing_ok=True)
        if self._parquet is not None:
            self._flush()
            self._parquet.close()
            fsync_path(self._part(self.lots_path))
            os.replace(self._part(self.lots_path), self.lots_path)
        for handle, path in ((self._jsonl, self.lots_path), (self._rejects, self.paths.rejects)):
            if handle is None:
                continue
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
            os.replace(self._part(path), path)
        self.meta.finished_at = finished_at.isoformat()
        self.meta.status, self.meta.error, self.meta.stats = status, error, stats
        tmp = self._part(self.paths.meta)
        tmp.write_text(json.dumps(asdict(self.meta), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, self.paths.meta)
        return self.meta


def fsync_path(path: Path) -> None:
    """Flush a file (or a folder's entries, after a rename) to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def find_runs(runs_dir: Path) -> list[Path]:
    """Meta files of finished runs below ``runs_dir``, oldest first by start time."""
    metas = list(Path(runs_dir).glob("*/*.meta.json"))
    return sorted(metas, key=lambda p: (RunMeta.load(p).started_at, p.name))
