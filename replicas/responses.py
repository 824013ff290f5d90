"""What every replica site answers the server (`Response`), and the answers the sites share in shape: robots.txt,
404 pages, the bare status pages of the server and the 403 a site answers in the ``antibot`` fault mode when no
block page of the real site is known. Each site keeps its own wording; these build the bytes the same way for all."""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import NamedTuple


class Response(NamedTuple):
    status: int
    body: bytes
    content_type: str
    kind: str  # what was served, for the server's stats
    headers: tuple[tuple[str, str], ...] = ()


def robots(allow: Iterable[str] = ("/",), disallow: Iterable[str] = ()) -> Response:
    """``User-agent: *`` then an ``Allow:`` line a path of ``allow`` and a ``Disallow:`` line a path of
    ``disallow`` (the default: ``Allow: /``, a permissive file)."""
    lines = ["User-agent: *", *(f"Allow: {p}" for p in allow), *(f"Disallow: {p}" for p in disallow)]
    return Response(200, ("\n".join(lines) + "\n").encode(), "text/plain", "robots")


def page(status: int, body: str, content_type: str, kind: str, encoding: str = "utf-8",
         headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """An error answer whose text the site writes itself, encoded as the site encodes its pages."""
    return Response(status, body.encode(encoding), content_type, kind, headers)


def not_found(body: str, content_type: str, encoding: str = "utf-8") -> Response:
    """The site's own 404 page (its text is the site's)."""
    return page(404, body, content_type, "not_found", encoding)


def status_page(status: int, kind: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """``<h1>500 Internal Server Error</h1>``: a bare page of the status line, as a server answers without a
    site's own page (the replica server's errors and faults)."""
    return page(status, f"<h1>{status} {HTTPStatus(status).phrase}</h1>", "text/html", kind, headers=headers)


def forbidden(content_type: str, detail: str = "") -> Response:
    """The ``antibot`` fault mode's answer for a site whose block page is not known: a plain HTTP 403 that no
    parser takes for content (``detail``: HTML after the heading)."""
    return page(403, f"<html><body><h1>403 Forbidden</h1>{detail}</body></html>", content_type, "interstitial")
