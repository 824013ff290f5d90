"""Append-only journals of JSON lines that survive a crash: each line is flushed and fsynced before the call returns,
and a reader skips the last line torn by a crash mid-write (what it recorded never happened as far as the journal
knows). The nightly run's journal of the crawls it starts and the alert mails' delivery receipts are such journals."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def append_line(path: Path, record: dict[str, Any]) -> None:
    """Append ``record`` as one JSON line, durably (the folder is made when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def read_lines(path: Path) -> list[dict[str, Any]]:
    """Every whole record of the journal, in order; none when it does not exist."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except ValueError:  # a line torn by a crash mid-write
            continue
        if isinstance(record, dict):
            records.append(record)
    return records
