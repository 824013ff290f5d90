"""A private Redis for the distributed demo, the tests and the worker bench: Debian's ``redis-server`` on a free
loopback port, its data in a temporary folder of its own.

Persistence is the append-only file with ``appendfsync always``: the crawl queue (`crawlers.jobqueue`) survives a
restart of the server (`RedisServer.restart`, what the fault tests do mid-crawl) with every acknowledged write.
RDB snapshots are off. The server is started in the foreground of its own process (no daemonizing), so `stop`
and the context manager's exit always end it.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


class RedisNotInstalled(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """``with RedisServer() as server: server.url`` → ``redis://127.0.0.1:PORT/0``."""

    def __init__(self, port: int = 0, directory: Path | None = None) -> None:
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(self.binary).exists():
            raise RedisNotInstalled("redis-server is not installed: run scripts/install (Debian package "
                                    "redis-server) or point SALVAGE_REDIS_URL at a running Redis")
        self.port = port or free_port()
        self._own_dir = directory is None
        self.directory = Path(directory or tempfile.mkdtemp(prefix="salvage-redis-"))
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15) -> RedisServer:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
                "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no",
                "--protected-mode", "yes", "--logfile", str(self.directory / "redis.log")]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                log = (self.directory / "redis.log")
                tail = log.read_text(errors="replace")[-800:] if log.exists() else self.proc.stderr.read().decode()
                raise RuntimeError(f"redis-server on port {self.port} exited with {self.proc.returncode}: {tail}")
            if self.ping():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not answer PING within {timeout:g} s")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, kill: bool = False) -> None:
        """Stop the server (SIGTERM: it finishes its append-only file; ``kill``: SIGKILL, as a crash)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def restart(self, kill: bool = True, down: float = 0.0) -> None:
        """Crash (``kill``) or stop the server, stay down ``down`` seconds, start it again on the same port and
        folder: what it had acknowledged is read back from its append-only file."""
        self.stop(kill=kill)
        time.sleep(down)
        self.start()

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> RedisServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.cleanup()
