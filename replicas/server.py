"""A virtual-host HTTP server on loopback that stands in for the real auction sites.

Spiders keep requesting the real URLs (``https://sf.taobao.com/item_list.htm?…``); a downloader middleware sends
them to ``http://127.0.0.1:PORT`` with the same path and query and the real ``Host`` header, and this server
dispatches on that header to the site module that owns the host (`replicas.alibaba.site`). Unknown hosts and
paths get a 404 page.

Admin endpoints, on any host: ``GET /__replica__/night`` (``?n=2`` switches night), ``/__replica__/stats``
(``?reset=1`` clears the counters), ``/__replica__/health``, ``/__replica__/fault`` (fault injection, below).

Fault injection (for the failure-mode tests): ``/__replica__/fault?host=sf.taobao.com,sf-item.taobao.com&mode=M``
with ``count=N`` (the next N requests to those hosts; 0 or absent = until cleared) and, for ``slow``, ``delay=S``
seconds. Modes: ``500``, ``429`` (with ``Retry-After: 1``), ``slow`` (answers after the delay), ``truncate`` (the
page cut in half, a consistent Content-Length, as a broken upstream serves it), ``antibot`` (the site's block
answer, its ``_antibot``: Alibaba's slider, mtop's ``FAIL_SYS_USER_VALIDATE``, CBEX's 521 gate, a 403 where none is known),
``down`` (the connection is closed without an answer), ``off`` (clears the hosts). Without ``mode`` it lists the
faults. In Python: ``rep.set_fault("sf.taobao.com", "500", count=3)``, ``rep.clear_faults()``.

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
import time
from collections import Counter
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from replicas.alibaba.generator import AlibabaGenerator
from replicas.alibaba.mtop import MtopSite
from replicas.alibaba.site import AlibabaSite
from replicas.responses import Response, status_page
from replicas.jd import JdGenerator, JdSite
from replicas.amc import AmcGenerator, amc_sites
from replicas.caa123 import CaaGenerator, CaaSite
from replicas.gpai import GpaiGenerator, GpaiSite
from replicas.rmfysszc import FEEDS, RmfysszcSite
from replicas.cbex import CbexGenerator, CbexSite

ADMIN = "/__replica__/"
REQUEST_HEADERS = threading.local()  # headers of the request this thread answers (mtop reads cookies)
logger = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: Content-Length is always sent
    server_version = "Tengine"
    sys_version = ""
    replica: ReplicaServer  # set on the per-server subclass

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self, form: bytes | None = None) -> None:  # noqa: N802 (http.server's naming)
        host = self.headers.get("Host", "").split(":")[0].lower()
        REQUEST_HEADERS.value = self.headers
        try:
            response = self.replica.respond(host, self.path, form)
        except Exception:  # a replica bug must show as a 500, not as a dropped connection
            logger.exception("replica failed on %s%s", host, self.path)
            response = status_page(500, "error")
        if response is None:  # fault "down": close the connection without an answer
            self.close_connection = True
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    def do_POST(self) -> None:  # noqa: N802 — the form body goes to the site's handle_post (AMC list APIs)
        self.do_GET(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Server(ThreadingHTTPServer):
    # The listen backlog: ThreadingHTTPServer's default of 5 overflows when a crawl opens 32 connections at once,
    # and a dropped handshake then stalls a request until the crawler's 30 s download timeout (seen in 1 crawl
    # out of 4 before this setting, in none of 4 after).
    request_queue_size = 256
    daemon_threads = True


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
        cookie = lambda: getattr(REQUEST_HEADERS, "value", {}).get("Cookie")
        self.sites.append(MtopSite(self.generator, cookies=cookie))  # h5api.m.taobao.com: the same lots via mtop
        self.jd_generator = JdGenerator(seed=seed, n_lots=n_lots, base_date=base_date)
        self.sites.append(JdSite(self.jd_generator))  # api.m.jd.com, paimai.jd.com, pmsearch.jd.com
        self.amc_generator = AmcGenerator(seed=seed, base_date=base_date)
        self.sites += amc_sites(self.amc_generator)  # gwamcc.com, famc.citic, cinda.com.cn, sales.coamc.com.cn
        self.caa_generator = CaaGenerator(seed=seed, n_lots=n_lots, base_date=base_date)
        self.sites.append(CaaSite(self.caa_generator))  # sf.caa123.org.cn, paimai.caa123.org.cn
        self.gpai_generator = GpaiGenerator(seed=seed, n_lots=n_lots, base_date=base_date)
        self.sites.append(GpaiSite(self.gpai_generator))  # www.gpai.net: court auctions (公拍网)
        # www.rmfysszc.gov.cn: the court lots of the platforms in replicas/rmfysszc/feeds.py, re-listed (after them)
        self.rmfysszc = RmfysszcSite({name: generator(self) for name, (generator, _) in FEEDS.items()})
        self.sites.append(self.rmfysszc)
        # www.cbex.com.cn, behind its 521 gate; lists some of the AMC replica's own debt packages
        self.cbex_generator = CbexGenerator(seed=seed, base_date=base_date, amc=self.amc_generator)
        self.sites.append(CbexSite(self.cbex_generator, cookies=cookie))
        self._by_host = {h: site for site in self.sites for h in site.hosts}
        self._address = (host, port)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._counts: Counter = Counter()
        self._faults: dict[str, dict] = {}  # host -> {"mode", "left" (None = until cleared), "delay"}
        self.night = night
        self.set_night(night)

    # ----------------------------------------------------------------------------------------- lifecycle

    def start(self) -> ReplicaServer:
        handler = type("Handler", (_Handler,), {"replica": self})
        self._httpd = _Server(self._address, handler)
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
        """Serve in the calling thread until interrupted (the command line's ``serve``); starts the server unless
        `start` already did (the command line starts it first to print its address)."""
        if self._httpd is None:
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
        for group in ("by_host", "by_kind", "by_status", "faults"):
            out[group] = {str(key[1]): n for key, n in sorted(counts.items(), key=str) if key[0] == group}
        out["interstitials"] = out["by_kind"].get("interstitial", 0)
        return out

    def reset_stats(self) -> None:
        with self._lock:
            self._counts.clear()

    FAULT_MODES = ("500", "429", "slow", "truncate", "antibot", "down")

    def set_fault(self, hosts: str | list[str], mode: str, count: int = 0, delay: float = 2.0) -> None:
        """Make the next ``count`` requests (0 = all until cleared) to ``hosts`` fail in ``mode``; ``off`` clears."""
        names = [h.strip().lower() for h in (hosts.split(",") if isinstance(hosts, str) else hosts) if h.strip()]
        if mode != "off" and mode not in self.FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}; known: {', '.join(self.FAULT_MODES)}, off")
        with self._lock:
            for host in names:
                if mode == "off":
                    self._faults.pop(host, None)
                else:
                    self._faults[host] = {"mode": mode, "left": count or None, "delay": delay}

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def faults(self) -> dict[str, dict]:
        with self._lock:
            return {host: dict(fault) for host, fault in self._faults.items()}

    def _take_fault(self, host: str) -> dict | None:
        with self._lock:
            fault = self._faults.get(host)
            if fault is None:
                return None
            if fault["left"] is not None:
                fault["left"] -= 1
                if fault["left"] <= 0:
                    del self._faults[host]
            return dict(fault)

    def _faulty(self, fault: dict, host: str, target: str, form: bytes | None = None) -> Response | None:
        mode = fault["mode"]
        if mode == "down":
            return None
        if mode == "500":
            return status_page(500, "fault")
        if mode == "429":
            return status_page(429, "fault", (("Retry-After", "1"),))
        if mode == "antibot":
            site = self._by_host.get(host) or self.sites[0]
            return site._antibot(self.night, host, target + "#fault")
        if mode == "slow":
            time.sleep(fault["delay"])
        response = self._dispatch(host, target, form)
        if mode == "truncate" and not target.startswith("/robots.txt"):
            response = response._replace(body=response.body[: len(response.body) // 2], kind="fault")
        return response

    # ----------------------------------------------------------------------------------------- requests

    def _dispatch(self, host: str, target: str, form: bytes | None = None) -> Response:
        """The site's answer: ``handle`` for a GET, ``handle_post`` with the form body for a POST (405 without)."""
        site = self._by_host.get(host)
        if site is None:
            return self.sites[0].not_found()
        if form is None:
            return site.handle(host, target)
        post = getattr(site, "handle_post", None)
        return post(host, target, form) if post else Response(405, b"", "text/plain", "not_allowed")

    def respond(self, host: str, target: str, form: bytes | None = None) -> Response:
        """The response to ``GET target`` (or a POST of ``form``) with ``Host: host`` (what the handler sends)."""
        if target.startswith(ADMIN):
            return self._admin(target)
        fault = self._take_fault(host) if self._faults else None
        if fault is not None:
            response = self._faulty(fault, host, target, form)
            with self._lock:
                self._counts.update((("requests",), ("by_host", host or "-"), ("faults", fault["mode"])))
            return response
        response = self._dispatch(host, target, form)
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
        elif command == "fault":
            if query.get("mode"):
                try:
                    self.set_fault(query.get("host", ""), query["mode"], int(query.get("count") or 0),
                                   float(query.get("delay") or 2.0))
                except ValueError as exc:
                    return Response(400, json.dumps({"error": str(exc)}).encode(), "application/json", "admin")
            payload = {"faults": self.faults()}
        else:
            return Response(404, b'{"error":"unknown admin command"}', "application/json", "admin")
        return Response(
            200, json.dumps(payload, ensure_ascii=False).encode(), "application/json;charset=UTF-8", "admin"
        )
