"""A virtual-host HTTP server on loopback that stands in for the real auction sites.

Spiders keep requesting the real URLs (``https://sf.taobao.com/item_list.htm?…``); a downloader middleware sends
them to ``http://127.0.0.1:PORT`` with the same path and query and the real ``Host`` header, and this server
dispatches on that header to the site module that owns the host (`replicas.alibaba.site`). Unknown hosts and
paths get a 404 page.

Admin endpoints, on any host: ``GET /__replica__/night`` (``?n=2`` switches night), ``/__replica__/stats``
(``?reset=1`` clears the counters), ``/__replica__/health``.

    with ReplicaServer(seed=7, n_lots=300, night=1) as rep:
        rep.base_url            # http://127.0.0.1:PORT
        rep.set_night(2)
        rep.stats()             # {"night": 2, "requests": …, "by_host": …, "by_kind": …, "by_status": …}
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections import Counter
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from replicas.alibaba.generator import AlibabaGenerator
from replicas.alibaba.site import AlibabaSite, Response

ADMIN = "/__replica__/"
logger = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: Content-Length is always sent
    server_version = "Tengine"
    sys_version = ""
    replica: ReplicaServer  # set on the per-server subclass

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        host = self.headers.get("Host", "").split(":")[0].lower()
        try:
            response = self.replica.respond(host, self.path)
        except Exception:  # a replica bug must show as a 500, not as a dropped connection
            logger.exception("replica failed on %s%s", host, self.path)
            response = Response(500, b"<h1>500 Internal Server Error</h1>", "text/html", "error")
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class ReplicaServer:
    """The replicas of every site on one port; start with ``with`` or `start`, stop with `stop`."""

    def __init__(
        self,
        seed: int = 7,
        n_lots: int = 300,
        night: int = 1,
        interstitial_rate: float = 0.03,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        base_date: date = date(2026, 11, 20),
    ) -> None:
        self.generator = AlibabaGenerator(seed=seed, n_lots=n_lots, base_date=base_date)
        self.sites = [AlibabaSite(self.generator, interstitial_rate=interstitial_rate)]
        self._by_host = {h: site for site in self.sites for h in site.hosts}
        self._address = (host, port)
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self.night = night
        self.set_night(night)

    # ----------------------------------------------------------------------------------------- lifecycle

    def start(self) -> ReplicaServer:
        handler = type("Handler", (_Handler,), {"replica": self})
        self._httpd = ThreadingHTTPServer(self._address, handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replica-server", daemon=True)
        self._thread.start()
        night = self.night  # build the night's lots now rather than in the first request
        threading.Thread(
            target=lambda: [site.warm(night) for site in self.sites], name="replica-warm", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self._httpd = self._thread = None

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the command line's ``serve``)."""
        self.start()
        try:
            self._thread.join()
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> ReplicaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if not self._httpd:
            raise RuntimeError("replica server not started")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    # ----------------------------------------------------------------------------------------- control

    def set_night(self, night: int) -> None:
        """Serve ``night`` from now on (its lots, its server time, a fresh round of anti-bot pages)."""
        if night < 1:
            raise ValueError("nights count from 1")
        self.night = night
        for site in self.sites:
            site.set_night(night)

    def stats(self) -> dict:
        with self._lock:
            counts = dict(self._counts)
        out: dict = {"night": self.night, "requests": counts.pop(("requests",), 0)}
        for group in ("by_host", "by_kind", "by_status"):
            out[group] = {str(key[1]): n for key, n in sorted(counts.items(), key=str) if key[0] == group}
        out["interstitials"] = out["by_kind"].get("interstitial", 0)
        return out

    def reset_stats(self) -> None:
        with self._lock:
            self._counts.clear()

    # ----------------------------------------------------------------------------------------- requests

    def respond(self, host: str, target: str) -> Response:
        """The response to ``GET target`` with ``Host: host`` (what the HTTP handler sends)."""
        if target.startswith(ADMIN):
            return self._admin(target)
        site = self._by_host.get(host)
        response = site.handle(host, target) if site else self.sites[0].not_found()
        with self._lock:
            self._counts.update(
                (
                    ("requests",),
                    ("by_host", host or "-"),
                    ("by_kind", response.kind),
                    ("by_status", response.status),
                )
            )
        return response

    def _admin(self, target: str) -> Response:
        parts = urlsplit(target)
        query = dict(parse_qsl(parts.query))
        command = parts.path[len(ADMIN) :].strip("/")
        if command == "night":
            if query.get("n", "").isdigit() and int(query["n"]) >= 1:
                self.set_night(int(query["n"]))
            payload: dict = {"night": self.night, "now_ms": self.generator.now_ms(self.night)}
        elif command == "stats":
            payload = self.stats()
            if query.get("reset") == "1":
                self.reset_stats()
        elif command == "health":
            payload = {"ok": True, "night": self.night}
        else:
            return Response(404, b'{"error":"unknown admin command"}', "application/json", "admin")
        return Response(
            200, json.dumps(payload, ensure_ascii=False).encode(), "application/json;charset=UTF-8", "admin"
        )
