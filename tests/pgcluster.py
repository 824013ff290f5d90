"""A throw-away PostgreSQL server for tests and benchmarks: Debian's PostgreSQL (``apt-get install postgresql``,
done by scripts/install), a fresh cluster in a temporary folder, listening on a free loopback port only.

PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user (made by the Debian
package) and initdb / pg_ctl run as that user; otherwise they run as the current user. Trust authentication on
loopback only: the server is reachable from this machine alone and lives as long as the test.

    with PgCluster() as pg:
        pg.url  # postgresql://salvage@127.0.0.1:PORT/salvage
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path | None:
    """The newest Debian PostgreSQL's bin folder (/usr/lib/postgresql/<version>/bin), or the one initdb is on."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    """One PostgreSQL cluster: `start` (initdb on first start), `stop` (fast shutdown), `url`, `close` (stop and
    remove the folder). A stopped cluster can be started again on the same port and keeps its data."""

    def __init__(self, user: str = "salvage", database: str = "salvage") -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql; scripts/install "
                               "does it as root)")
        self.user, self.database = user, database
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="salvage-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.initialised = False
        if self.as_root:  # the postgres user must reach and own the folder
            os.chmod(self.root, 0o755)
            shutil.chown(self.root, "postgres", "postgres")

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, cwd=self.root, timeout=120)

    def start(self) -> PgCluster:
        if not self.initialised:
            self._run("initdb", "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
            with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
                conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                           f"unix_socket_directories = '{self.root}'\nfsync = off\nmax_connections = 50\n")
            self.initialised = True
        done = self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60",
                         "start", check=False)
        if done.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace")[-2000:] \
                if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr} {log}")
        if not getattr(self, "_created", False):
            self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, self.database)
            self._created = True
        return self

    def new_database(self) -> str:
        """A new empty database of this cluster; returns its URL."""
        self._count = getattr(self, "_count", 0) + 1
        name = f"{self.database}_{self._count}"
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)

    def close(self) -> None:
        if self.initialised:
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_until(predicate, timeout: float = 30.0, step: float = 0.05) -> bool:  # type: ignore[no-untyped-def]
    """Poll ``predicate`` until it is true or ``timeout`` passes; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return bool(value)
        time.sleep(step)
