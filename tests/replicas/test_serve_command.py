"""``python -m replicas serve`` on a fixed port keeps serving (it once started its server twice and died at once
with "Address already in use")."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_keeps_serving_on_the_port_it_was_given():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "replicas", "serve", "--port", str(port), "--lots", "20"],
                            cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        answer = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/__replica__/fault", timeout=2) as response:
                    answer = response.status
                    break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)  # the second start failed right after the first one had bound the port
        assert proc.poll() is None, f"serve exited with {proc.returncode}: {proc.stderr.read()[-500:]}"
        assert answer == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
