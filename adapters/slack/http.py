"""Slack's HTTP mode on aiohttp: POST /slack/events and GET /healthz on HOST:PORT, made to
hold up against clients that are not Slack.

- A request is read within limits: its headers within HEADER_SECONDS of the connection
  opening (or of its previous answer), a body of at most MAX_BODY bytes within
  BODY_SECONDS. Then it is checked (adapters/slack/inbound.py: signature, form, shape)
  before Bolt parses it. A refusal is a 4xx and one log line.
- A client that goes away mid-request costs a debug line; aiohttp's complaints about
  malformed HTTP are one line each, not tracebacks.
- At most MAX_CONNECTIONS connections are open at once; more are answered 503 and closed.
- A request that passed the checks is not cancelled if its client disconnects
  (handler_cancellation stays off): its delivery is claimed by then, so its work finishes.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack.app import SlackAdapter
from adapters.slack.inbound import Refused, check_shape, read_form, verify
from adapters.transport import describe, one_line_failures
from bot.config import ConfigError

log = logging.getLogger(__name__)
server_log = logging.getLogger("adapters.slack.http.server")

EVENTS_PATH = "/slack/events"
MAX_BODY = 512 * 1024
"""Slack's largest payloads for this app (a modal's state, a button on a full message) are
tens of KiB."""
BODY_SECONDS = 10.0
HEADER_SECONDS = 15.0
"""Also how long an idle keep-alive connection stays open (aiohttp's keepalive_timeout
bounds both): a proxy in front should keep its upstream connections idle for less."""
LINGER_SECONDS = 2.0
SHUTDOWN_SECONDS = 3.0
MAX_CONNECTIONS = 128
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n"
    b"Connection: close\r\n\r\n"
)


class _Gone(Exception):
    """The client closed the connection before its body arrived."""


def web_app(adapter: SlackAdapter, *, path: str = EVENTS_PATH) -> web.Application:
    """The aiohttp application: Slack posts to `path`, GET /healthz answers 'ok'. Translate
    in (after inbound's checks), dispatch to Bolt, translate out."""
    bolt = adapter.bolt
    assert bolt is not None
    secret = adapter.signing_secret

    async def events(request: web.Request) -> web.StreamResponse:
        try:
            if request.headers.get("Content-Encoding", "identity").lower() != "identity":
                raise Refused(415, "a compressed body: Slack sends plain forms")
            raw = await _read(request)
            if secret is None:
                raise Refused(401, "SLACK_SIGNING_SECRET is not set: HTTP requests are refused")
            verify(
                request.headers.getall("X-Slack-Request-Timestamp", []),
                request.headers.getall("X-Slack-Signature", []),
                raw,
                secret,
                time.time(),
            )
            check_shape(read_form(request.content_type, raw))
        except Refused as exc:
            log.info("refused a request from %s: %s", request.remote, exc)
            return web.json_response({"error": str(exc)}, status=exc.status)
        except _Gone:
            log.debug("a client went away before its request arrived (%s)", request.remote)
            return web.Response(status=400)
        # Bolt's own headers (x-slack-bolt-lazy-*) steer its dispatch: never from outside.
        headers: dict[str, str | Sequence[str]] = {
            k: v for k, v in request.headers.items() if not k.lower().startswith("x-slack-bolt")
        }
        answer = await bolt.async_dispatch(
            AsyncBoltRequest(body=raw.decode(), query=request.query_string, headers=headers)
        )
        return await to_aiohttp_response(answer)

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    application = web.Application(client_max_size=MAX_BODY)
    application.add_routes([web.post(path, events), web.get("/healthz", health)])
    return application


async def _read(request: web.Request) -> bytes:
    size = request.content_length
    if size is not None and size > MAX_BODY:
        raise Refused(413, f"a body of {size} bytes (at most {MAX_BODY})")
    try:
        async with asyncio.timeout(BODY_SECONDS):
            return await request.read()
    except TimeoutError:
        raise Refused(408, f"the body did not arrive within {BODY_SECONDS:.0f} s") from None
    except web.HTTPRequestEntityTooLarge:
        raise Refused(413, f"a body over {MAX_BODY} bytes") from None
    except ConnectionError:
        raise _Gone() from None
    except web.RequestPayloadError as exc:
        # Broken framing (chunks, length): answer nothing more on this connection, or
        # aiohttp would read the broken body again after us and log it as unhandled.
        if request.transport is not None:
            request.transport.close()
        raise Refused(400, f"a malformed body ({describe(exc)})") from None


class Listening:
    """A running HTTP server: its aiohttp runner and the listening socket."""

    def __init__(self, runner: web.AppRunner, server: asyncio.AbstractServer) -> None:
        self.runner = runner
        self.server = server

    @property
    def port(self) -> int:
        """The port it listens on (useful after asking for port 0)."""
        sockets: Sequence[Any] = getattr(self.server, "sockets", ())
        return int(sockets[0].getsockname()[1])

    def serving(self) -> bool:
        """Whether it still accepts connections (the liveness probe)."""
        return self.server.is_serving()

    async def close(self) -> None:
        """Stop accepting, let requests in flight finish (SHUTDOWN_SECONDS), close."""
        self.server.close()
        await self.runner.cleanup()
        await self.server.wait_closed()


async def listen(
    application: web.Application,
    host: str,
    port: int,
    *,
    max_connections: int = MAX_CONNECTIONS,
) -> Listening:
    """Serve `application` on host:port with the limits above. An address that cannot be
    listened on (in use, not local, unknown) is a ConfigError naming HOST and PORT."""
    one_line_failures(server_log, (HttpProcessingError, web.RequestPayloadError, ConnectionError))
    runner = web.AppRunner(
        application,
        keepalive_timeout=HEADER_SECONDS,
        lingering_time=LINGER_SECONDS,
        shutdown_timeout=SHUTDOWN_SECONDS,
        handler_cancellation=False,
        auto_decompress=False,  # Slack never compresses; a "gzip" body is refused unread
        logger=server_log,
    )
    await runner.setup()
    assert runner.server is not None
    pool = _Pool(runner.server, max_connections)
    try:
        server = await asyncio.get_running_loop().create_server(
            pool.protocol, host, port, reuse_address=True
        )
    except OSError as exc:
        await runner.cleanup()
        why = exc.strerror or str(exc)
        raise ConfigError(
            f"Cannot listen on {host}:{port} ({why}): set HOST to an address of this machine "
            "and PORT to a free port."
        ) from None
    return Listening(runner, server)


class _Pool:
    """Hands new connections to aiohttp while fewer than `limit` are open."""

    def __init__(self, factory: Callable[[], asyncio.Protocol], limit: int) -> None:
        self.factory = factory
        self.limit = limit
        self.open = 0
        self._warned = -math.inf

    def protocol(self) -> asyncio.Protocol:
        return _Gate(self)

    def refuse(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.WriteTransport):
            transport.write(_BUSY)
        transport.close()
        now = time.monotonic()
        if now - self._warned >= 60:
            self._warned = now
            log.warning(
                "%d connections are open: new ones are answered 503 (this line at most once "
                "a minute)",
                self.limit,
            )


class _Gate(asyncio.Protocol):
    """One connection: passed through to aiohttp's protocol, or refused when the pool is
    full (counted when it is made, so a burst of accepts cannot overshoot)."""

    def __init__(self, pool: _Pool) -> None:
        self._pool = pool
        self._inner: asyncio.Protocol | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._pool.open >= self._pool.limit:
            self._pool.refuse(transport)
            return
        self._pool.open += 1
        self._inner = self._pool.factory()
        self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._inner is not None:
            self._pool.open -= 1
            self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._inner is not None else None

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()
