"""Run files: how a crawl hands its lots to the warehouse without ever opening it.

A crawl writes ``<runs>/<source>/<run_id>.jsonl`` (one ``Lot`` per line, ``Lot.model_dump(mode="json")``: money as
decimal strings, datetimes ISO 8601 with offset), ``<run_id>.rejects.jsonl`` (records its normalizer refused), and
last ``<run_id>.meta.json`` (source, times, counts, status, stats). Lines go to ``*.part`` files that are renamed when
the crawl closes, so a file without its meta is a crawl that is still running or died, and ingest leaves it alone.
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
        return self.directory / f"{self.run_id}.jsonl"

    @property
    def rejects(self) -> Path:
        return self.directory / f"{self.run_id}.rejects.jsonl"

    @property
    def meta(self) -> Path:
        return self.directory / f"{self.run_id}.meta.json"

    @classmethod
    def for_meta(cls, meta_path: Path) -> RunPaths:
        return cls(meta_path.parent, meta_path.name.removesuffix(".meta.json"))


class RunWriter:
    """Writes one run's files. Lines are appended to ``.part`` files; ``close`` renames them, then writes the meta."""

    def __init__(self, runs_dir: Path, source: str, started_at: datetime, run_id: str | None = None) -> None:
        self.meta = RunMeta(
            run_id=run_id or new_run_id(source, started_at), source=source, started_at=started_at.isoformat()
        )
        self.paths = RunPaths(Path(runs_dir) / source, self.meta.run_id)
        self.paths.directory.mkdir(parents=True, exist_ok=True)
        self._lots: IO[str] = open(self._part(self.paths.lots), "w", encoding="utf-8")
        self._rejects: IO[str] = open(self._part(self.paths.rejects), "w", encoding="utf-8")

    @staticmethod
    def _part(path: Path) -> Path:
        return path.with_name(path.name + ".part")

    def write_lot(self, line: str) -> None:
        self._lots.write(line)
        self._lots.write("\n")
        self.meta.items += 1

    def write_reject(self, record: dict[str, Any]) -> None:
        self._rejects.write(json.dumps(record, ensure_ascii=False, default=str))
        self._rejects.write("\n")
        self.meta.rejects += 1

    def close(self, finished_at: datetime, status: str, error: str | None, stats: dict[str, Any]) -> RunMeta:
        for handle, path in ((self._lots, self.paths.lots), (self._rejects, self.paths.rejects)):
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


def find_runs(runs_dir: Path) -> list[Path]:
    """Meta files of finished runs below ``runs_dir``, oldest first by start time."""
    metas = list(Path(runs_dir).glob("*/*.meta.json"))
    return sorted(metas, key=lambda p: (RunMeta.load(p).started_at, p.name))
