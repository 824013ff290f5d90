"""The web app of `salvage serve`: server-rendered pages over the warehouse, read-only.

Pages: ``/`` the lot search (filters, paging), ``/lot/{source}/{id}`` a lot with its version history and price chart,
``/asset/{id}`` an asset with every listing across rounds and sites and the evidence linking them,
``/packages`` and ``/package/{source}/{id}`` debt packages with their loans.

Nothing leaves the machine: the pages load only their own stylesheet (a Content-Security-Policy forbids anything
else, scripts included), the charts are inline SVG drawn on the server, and links to the auction sites are plain
links with no referrer. Jinja2 autoescapes every value, so a lot title is text, never markup. The Host header must
name this server (loopback by default), which keeps another web site from reading the pages through DNS rebinding.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from salvage.web import queries as q
from salvage.web.charts import money, price_chart
from salvage.web.readonly import ReadOnlyWarehouse, WarehouseMissing

HERE = Path(__file__).parent
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",  # a new night must show at the next load
}


def _percent(value: Any) -> str:
    return "" if value is None else f"{Decimal(value) * 100:.1f} %"


def _when(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def _path_part(value: Any) -> str:
    return quote(str(value), safe="")


def _web_url(url: Any) -> str | None:
    """Only web links: a page's URL is crawled text, and ``javascript:`` in an href would run (the CSP blocks it
    too, but the link should not be there)."""
    return url if isinstance(url, str) and url.lower().startswith(("https://", "http://")) else None


def _pretty_json(value: Any) -> str:
    if value is None:
        return ""
    data = json.loads(value) if isinstance(value, str) else value
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(money=money, pct=_percent, when=_when, part=_path_part, pretty_json=_pretty_json,
                       web_url=_web_url)
    return Jinja2Templates(env=env)


def _flag(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "")  # type: ignore[arg-type]


def create_app(db: str | Path, *, allowed_hosts: Iterable[str] = ()) -> Starlette:
    """The app over the warehouse at ``db``; ``allowed_hosts`` are Host names accepted besides loopback."""
    warehouse = ReadOnlyWarehouse(db)
    templates = _templates()
    templates.env.filters["flag"] = _flag

    def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        return templates.TemplateResponse(request, name, {"db": warehouse.path, **context},
                                          status_code=status_code)

    def read(work):  # type: ignore[no-untyped-def]
        cur = warehouse.cursor()
        try:
            return work(cur)
        finally:
            cur.close()

    def lots_page(request: Request) -> Response:
        def work(cur: duckdb.DuckDBPyConnection) -> Response:
            options = q.choices(cur)
            try:
                filters = q.parse_filters(request.query_params, options["source"])
            except q.BadFilter as exc:
                return render(request, "lots.html", 400, error=str(exc), filters=q.LotFilters(
                    raw={k: v for k, v in request.query_params.items() if k in q.FILTER_NAMES}), options=options,
                    sorts=q.SORTS, total=0, lots=[], pages=0)
            total, lots = q.search_lots(cur, filters)
            pages = max(1, -(-total // q.PAGE_SIZE))
            return render(request, "lots.html", error=None, filters=filters, options=options, sorts=q.SORTS,
                          total=total, lots=lots, pages=pages)
        return read(work)

    def lot_page(request: Request) -> Response:
        source, lot_id = request.path_params["source"], request.path_params["source_lot_id"]

        def work(cur: duckdb.DuckDBPyConnection) -> Response:
            lot = q.lot(cur, source, lot_id)
            if lot is None:
                raise HTTPException(404, f"no lot {lot_id!r} of source {source!r} in the warehouse")
            history = q.lot_history(cur, source, lot_id)
            chart = price_chart("Prices by version", {
                name: [(v["valid_from"], v[column]) for v in history]
                for name, column in (("reserve", "reserve_price"), ("current", "current_price"),
                                     ("final", "final_price"))})
            raw = json.loads(lot["raw"]) if isinstance(lot.get("raw"), str) else (lot.get("raw") or {})
            return render(request, "lot.html", lot=lot, history=history, chart=chart,
                          link=q.lot_link(cur, source, lot_id), raw=raw,
                          is_package=bool(lot.get("loans")))
        return read(work)

    def asset_page(request: Request) -> Response:
        asset_id = request.path_params["asset_id"]

        def work(cur: duckdb.DuckDBPyConnection) -> Response:
            asset = q.asset(cur, asset_id)
            if asset is None:
                into = q.merged_into(cur, asset_id)
                if into is not None:
                    return RedirectResponse(app.url_path_for("asset", asset_id=into), status_code=301)
                raise HTTPException(404, f"no asset {asset_id} in the warehouse")
            history = q.asset_history(cur, asset_id)
            by_lot: dict[str, list[tuple[datetime, Any]]] = {}
            for v in history:
                by_lot.setdefault(f"{v['source']} {v['source_lot_id']}", []).append((v["valid_from"],
                                                                                     v["reserve_price"]))
            chart = price_chart("Reserve price of each listing", by_lot)
            return render(request, "asset.html", asset=asset, lots=q.asset_lots(cur, asset_id),
                          merges=q.asset_merges(cur, asset_id), history=history, chart=chart)
        return read(work)

    def package_page(request: Request) -> Response:
        source, lot_id = request.path_params["source"], request.path_params["source_lot_id"]

        def work(cur: duckdb.DuckDBPyConnection) -> Response:
            package = q.package(cur, source, lot_id)
            if package is None:
                raise HTTPException(404, f"no debt package {lot_id!r} of source {source!r} with loans in the "
                                         "warehouse")
            return render(request, "package.html", package=package, loans=q.package_loans(cur, source, lot_id))
        return read(work)

    def packages_page(request: Request) -> Response:
        params = request.query_params
        unknown = sorted(set(params) - {"page", "mismatch"})
        page_text, mismatch = params.get("page", "1"), params.get("mismatch", "")
        if unknown:
            raise HTTPException(400, f"unknown filter {unknown[0]!r}; the filters are page, mismatch")
        if not page_text.isdigit() or not 1 <= int(page_text) <= 1_000_000:
            raise HTTPException(400, f"page: {page_text!r} is not a page number (1, 2, ...)")
        if mismatch not in ("", "1"):
            raise HTTPException(400, f"mismatch: {mismatch!r}; write mismatch=1 or leave it out")
        page = int(page_text)

        def work(cur: duckdb.DuckDBPyConnection) -> Response:
            total, packages = q.packages(cur, page, mismatch == "1")
            return render(request, "packages.html", packages=packages, total=total, page=page,
                          pages=max(1, -(-total // q.PAGE_SIZE)), mismatch=mismatch == "1")
        return read(work)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return render(request, "error.html", exc.status_code, status=exc.status_code, message=exc.detail)

    async def missing(request: Request, exc: Exception) -> Response:
        return render(request, "error.html", 503, status=503, message=str(exc))

    async def headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    from starlette.middleware.base import BaseHTTPMiddleware

    app = Starlette(
        routes=[
            Route("/", lots_page, name="lots"),
            Route("/lot/{source}/{source_lot_id:path}", lot_page, name="lot"),
            Route("/asset/{asset_id:int}", asset_page, name="asset"),
            Route("/packages", packages_page, name="packages"),
            Route("/package/{source}/{source_lot_id:path}", package_page, name="package"),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            Middleware(TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_HOSTS, *allowed_hosts]),
            Middleware(BaseHTTPMiddleware, dispatch=headers),
        ],
        exception_handlers={HTTPException: http_error, WarehouseMissing: missing},
    )
    # links are paths, never absolute URLs built from the request's Host header
    templates.env.globals["path_for"] = app.url_path_for
    app.state.warehouse = warehouse
    return app
