"""Loopback web fakes: a review site with the pages real sites serve (boilerplate, JSON-LD,
microdata, OpenGraph, redirects, gzip, wrong charsets, errors, slow and huge answers), and a
resolver whose DNS answers the test decides. All prose is invented for these tests."""

from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

PAGES = Path(__file__).parent / "web_pages"


class StaticResolver(AbstractResolver):
    """DNS answers fixed by the test: name -> addresses; unknown names do not resolve."""

    def __init__(self, answers: Mapping[str, list[str]]) -> None:
        self.answers = dict(answers)
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        self.asked.append(host)
        if host not in self.answers:
            raise OSError(f"no such host {host}")
        return [
            {
                "hostname": host,
                "host": ip,
                "port": port,
                "family": socket.AF_INET6 if ":" in ip else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for ip in self.answers[host]
        ]

    async def close(self) -> None:
        return None


@asynccontextmanager
async def serve(app: web.Application, host: str = "127.0.0.1") -> AsyncIterator[int]:
    """Run `app` on a free loopback port; yields the port."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    server = site._server
    assert isinstance(server, asyncio.base_events.Server)
    port = int(server.sockets[0].getsockname()[1])
    try:
        yield port
    finally:
        await runner.cleanup()


def _html(name: str) -> web.Handler:
    async def handler(_: web.Request) -> web.Response:
        body = (PAGES / name).read_bytes()
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    return handler


class ReviewSite:
    """The review site's routes; `in_flight_max` records how many requests overlapped."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.in_flight_max = 0
        self.hits: dict[str, int] = {}
        self.user_agents: list[str] = []
        self.app = web.Application(middlewares=[self._count])
        r = self.app.router
        r.add_get("/film/glass-orchard-review", _html("glass-orchard.html"))
        r.add_get("/reviews/tin-lantern", _html("tin-lantern-microdata.html"))
        r.add_get("/culture/saltmarsh", _html("saltmarsh-opengraph.html"))
        r.add_get("/blog/no-film", _html("no-film.html"))
        r.add_get("/old-link", self._moved)
        r.add_get("/go", self._go)
        r.add_get("/loop/{n}", self._loop)
        r.add_get("/gzip", self._gzip)
        r.add_get("/bomb", self._bomb)
        r.add_get("/cp1252-labelled-utf8", self._cp1252_labelled_utf8)
        r.add_get("/utf8-labelled-latin1", self._utf8_labelled_latin1)
        r.add_get("/no-charset", self._no_charset)
        r.add_get("/missing", self._missing)
        r.add_get("/broken", self._broken)
        r.add_get("/slow", self._slow)
        r.add_get("/huge", self._huge)
        r.add_get("/huge-declared", self._huge_declared)
        r.add_get("/paper.pdf", self._pdf)
        r.add_get("/busy", self._busy)
        r.add_get("/robots.txt", self._robots)

    @web.middleware
    async def _count(self, request: web.Request, handler: web.Handler) -> web.StreamResponse:
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        self.in_flight += 1
        self.in_flight_max = max(self.in_flight_max, self.in_flight)
        try:
            return await handler(request)
        finally:
            self.in_flight -= 1

    async def _moved(self, _: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/film/glass-orchard-review")

    async def _go(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def _loop(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(f"/loop/{int(request.match_info['n']) + 1}")

    async def _gzip(self, _: web.Request) -> web.Response:
        body = gzip.compress((PAGES / "glass-orchard.html").read_bytes())
        return web.Response(
            body=body,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        )

    async def _bomb(self, _: web.Request) -> web.Response:
        # ~6 MB of spaces inside a valid page, about 6 KB on the wire.
        page = b"<html><body><p>" + b" " * (6 * 1024 * 1024) + b"</p></body></html>"
        return web.Response(
            body=gzip.compress(page, 9),
            headers={"Content-Type": "text/html", "Content-Encoding": "gzip"},
        )

    async def _cp1252_labelled_utf8(self, _: web.Request) -> web.Response:
        # The server claims UTF-8; the bytes are windows-1252, as the page's meta tag says.
        text = (PAGES / "cafe-cp1252.html").read_text(encoding="utf-8")
        return web.Response(
            body=text.encode("cp1252"), headers={"Content-Type": "text/html; charset=utf-8"}
        )

    async def _utf8_labelled_latin1(self, _: web.Request) -> web.Response:
        text = (PAGES / "cafe-cp1252.html").read_text(encoding="utf-8")
        text = text.replace("windows-1252", "utf-8")
        return web.Response(
            body=text.encode("utf-8"), headers={"Content-Type": "text/html; charset=ISO-8859-1"}
        )

    async def _no_charset(self, _: web.Request) -> web.Response:
        text = (PAGES / "cafe-cp1252.html").read_text(encoding="utf-8")
        text = text.replace('<meta charset="windows-1252">', "")
        return web.Response(body=text.encode("cp1252"), headers={"Content-Type": "text/html"})

    async def _missing(self, _: web.Request) -> web.Response:
        raise web.HTTPNotFound(text="<html><body>Not here</body></html>")

    async def _broken(self, _: web.Request) -> web.Response:
        raise web.HTTPInternalServerError()

    async def _slow(self, _: web.Request) -> web.Response:
        await asyncio.sleep(30)
        return web.Response(text="late", content_type="text/html")

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        # Chunked, no Content-Length: the cap must be enforced while reading.
        resp = web.StreamResponse(headers={"Content-Type": "text/html"})
        await resp.prepare(request)
        await resp.write(b"<html><body>")
        chunk = b"<p>" + b"words " * 10_000 + b"</p>"
        for _ in range(200):  # ~12 MB unless the client hangs up first
            await resp.write(chunk)
        return resp

    async def _huge_declared(self, _: web.Request) -> web.Response:
        return web.Response(body=b"x" * (6 * 1024 * 1024), content_type="text/html")

    async def _pdf(self, _: web.Request) -> web.Response:
        return web.Response(body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", content_type="application/pdf")

    async def _busy(self, _: web.Request) -> web.Response:
        await asyncio.sleep(0.05)
        return web.Response(text="<html><body><p>ok</p></body></html>", content_type="text/html")

    async def _robots(self, _: web.Request) -> web.Response:
        rules = "User-agent: *\nDisallow: /private/\n\nUser-agent: Pullquote\nDisallow: /drafts/\n"
        return web.Response(text=rules, content_type="text/plain")
