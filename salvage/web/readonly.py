"""The web page's connection to the warehouse: read-only, locked down, and always the latest whole night.

The nightly run publishes a night by renaming a finished copy over the warehouse file (warehouse/db.py). A
connection keeps reading the file it opened, so this module re-opens when the file at the path is another one (its
device, inode, modification time or size changed) and hands each request a cursor of the current connection. A
request that began before the rename finishes on the previous night; the next request sees the new one.

Why not ``duckdb.connect(path, read_only=True)``: the DuckDB Python client caches database instances by path
while any connection to them is open, so a second ``connect`` to a renamed-over path can return the old night. An
in-memory database that ATTACHes the file READ_ONLY is a new instance each time. Once attached, file access is
switched off (``enable_external_access = false``: no read_csv, COPY, ATTACH or INSTALL from a query), extensions are
never loaded on their own, and the configuration is locked so no query can turn any of this back on. Nothing is
ever written to the file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import duckdb

CATALOG = "warehouse"


class WarehouseMissing(Exception):
    """The warehouse file is not there (yet)."""


class ReadOnlyWarehouse:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._identity: tuple[int, int, int, int] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self.opened = 0  # how many times a night was opened (tests check the re-open on rename)

    def _stat(self) -> tuple[int, int, int, int]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError as exc:
            raise WarehouseMissing(f"no warehouse at {self.path}: run `salvage ingest` or `salvage demo` "
                                   "first") from exc
        return st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size

    def _open(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(":memory:", config={"autoload_known_extensions": False,
                                                 "autoinstall_known_extensions": False})
        try:
            quoted = str(self.path.resolve()).replace("'", "''")
            con.execute(f"ATTACH '{quoted}' AS {CATALOG} (READ_ONLY)")
            con.execute("SET GLOBAL TimeZone = 'Asia/Shanghai'")
            con.execute("SET GLOBAL enable_external_access = false")
            con.execute("SET GLOBAL lock_configuration = true")
        except BaseException:
            con.close()
            raise
        return con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the latest night, for one request (close it when done)."""
        with self._lock:
            identity = self._stat()
            if identity != self._identity or self._con is None:
                try:
                    con = self._open()
                except duckdb.IOException as exc:  # renamed away between the stat and the ATTACH
                    raise WarehouseMissing(f"cannot open the warehouse at {self.path}: {exc}") from exc
                # the previous connection is dropped, not closed: a request still reading it keeps its cursor,
                # and the old night is freed when the last such cursor goes
                self._con, self._identity = con, identity
                self.opened += 1
            cursor = self._con.cursor()
        cursor.execute(f"USE {CATALOG}")
        return cursor

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con, self._identity = None, None
