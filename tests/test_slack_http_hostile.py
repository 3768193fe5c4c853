"""Slack's HTTP mode against clients that are not Slack (issue 16): the server as
`pullquote run` starts it (adapters/slack/http.py `listen`), on 127.0.0.1, with the real Bolt
app behind it and the loopback Slack for the Web API.

Every hostile request gets one clear 4xx (or a harmless 200), one log line at most, never a
500 or a traceback, and no effect; slow and vanished clients are cut off quietly; the
number of open connections is capped."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from multidict import CIMultiDict

from adapters.slack import SlackAdapter, build_slack_adapter, http, make_client, run_slack
from adapters.slack.http import Listening, listen, web_app
from bot.app import App
from bot.config import ConfigError
from bot.service import Service
from tests.conftest import TODAY
from tests.slack_fake import (
    SIGNING_SECRET,
    FakeSlack,
    action_payload,
    command_body,
    command_payload,
    trigger_id,
)
from tests.test_slack import open_store, slack_settings
from tests.test_slack_modes import free_port

OURS = ("adapters.slack", "aiohttp", "slack_bolt")


def sign(body: bytes, *, ts: str | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    stamp = ts if ts is not None else str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }


def form(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


class Server:
    def __init__(
        self,
        fake: FakeSlack,
        listening: Listening,
        http_: aiohttp.ClientSession,
        adapter: SlackAdapter,
    ):
        self.adapter = adapter
        self.fake = fake
        self.listening = listening
        self.http = http_
        self.url = f"http://127.0.0.1:{listening.port}/slack/events"

    async def post(
        self, body: bytes, headers: dict[str, str] | CIMultiDict[str] | None = None
    ) -> tuple[int, str]:
        async with self.http.post(
            self.url, data=body, headers=sign(body) if headers is None else headers
        ) as resp:
            return resp.status, await resp.text()

    async def raw(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", self.listening.port)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def core(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[App]:
    settings = slack_settings(fake, tmp_path / "pullquote.db")
    store = await open_store(settings.db_path())
    try:
        yield App(settings, store, Service(store, today=lambda: TODAY, rng=random.Random(7)))
    finally:
        await store.close()


@pytest.fixture
async def server(
    fake: FakeSlack, core: App, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[Server]:
    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession() as session:
        adapter = build_slack_adapter(core, client=make_client(core.settings, session=session))
        listening = await listen(web_app(adapter), "127.0.0.1", 0)
        try:
            yield Server(fake, listening, session, adapter)
        finally:
            await listening.close()
            await adapter.drain()


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.exc_info is not None or r.exc_text or "Traceback" in r.getMessage()
    ]


def lines(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> list[str]:
    """Log lines at `level` or above from the server's side (not the fake's)."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= level and r.name.startswith(OURS) and "aiohttp.access" not in r.name
    ]


# -- signatures ---------------------------------------------------------------------------


BAD_STAMPS = ["abc", "", "1e3", "-5", "1.5", "9" * 30, "١٢٣", "0x10", "+1700000000", "12 34",
              str(int(time.time()) + 600), str(int(time.time()) - 330), "0"]


@pytest.mark.parametrize("stamp", BAD_STAMPS)
async def test_a_bad_timestamp_is_a_401_in_one_line(
    server: Server, caplog: pytest.LogCaptureFixture, stamp: str
) -> None:
    body = command_body("quote public:yes", response_url=server.fake.response_url()).encode()
    caplog.clear()
    status, text = await server.post(body, sign(body, ts=stamp))
    assert status == 401, text
    await server.fake.settle(0.05)
    assert tracebacks(caplog) == []
    assert len(lines(caplog)) == 1 and "X-Slack-Request-Timestamp" in lines(caplog)[0]
    assert server.fake.effects() == []


async def test_repeated_or_missing_signature_headers_are_401(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    body = command_body("quote public:yes", response_url=server.fake.response_url()).encode()
    good = sign(body)
    twice = CIMultiDict(good)
    twice.add("X-Slack-Request-Timestamp", good["X-Slack-Request-Timestamp"])
    shadowed = CIMultiDict(good)
    shadowed.add("X-Slack-Signature", "v0=" + "0" * 64)
    unsigned = {k: v for k, v in good.items() if k != "X-Slack-Signature"}
    upper = good | {"X-Slack-Signature": good["X-Slack-Signature"].upper()}
    for headers in (twice, shadowed, unsigned, upper):
        status, _ = await server.post(body, headers)
        assert status == 401
    await server.fake.settle(0.05)
    assert server.fake.effects() == [] and tracebacks(caplog) == []
    status, _ = await server.post(body, good)  # the same request, signed once: served
    assert status == 200
    await server.fake.wait_for(lambda: len(server.fake.posts()) == 1)


# -- what Slack would never send, signed anyway ------------------------------------------


def _malformed() -> list[tuple[str, bytes, dict[str, str], int]]:
    url = "http://127.0.0.1:9/response/x"
    command = command_payload("help", response_url=url)
    click = action_payload("pq:post:1", response_url=url)
    cases: list[tuple[str, bytes, dict[str, str], int]] = []

    def add(name: str, body: bytes, status: int, **headers: str) -> None:
        cases.append((name, body, headers, status))

    add("json body", json.dumps(command).encode(), 415, **{"Content-Type": "application/json"})
    add("json in a form", json.dumps(command).encode(), 400)
    add("text/plain", urlencode(command).encode(), 415, **{"Content-Type": "text/plain"})
    add("multipart", urlencode(command).encode(), 415,
        **{"Content-Type": "multipart/form-data; boundary=x"})
    add("no content type", urlencode(command).encode(), 415, **{"Content-Type": ""})
    add("gzip", urlencode(command).encode(), 415, **{"Content-Encoding": "gzip"})
    add("payload not json", b"payload=notjson", 400)
    add("payload a list", b"payload=%5B1%5D", 400)
    add("payload nested deep", b"payload=" + b"%5B" * 50_000, 400)
    add("bad percent utf-8", b"command=%2Fpullquote&text=%ff%fe", 400)
    add("raw bytes not utf-8", b"command=/pullquote&text=\xff\xfe", 400)
    add("field repeated", urlencode(command).encode() + b"&command=%2Fother", 400)
    add("too many fields", b"&".join(b"f%d=1" % i for i in range(500)), 400)
    add("empty", b"", 400)
    add("command only", b"command=%2Fpullquote", 400)
    for key, value in [("user_id", "U" * 5000), ("channel_id", "C\x00"),
                       ("team_id", "<!channel>"), ("user_id", ""), ("response_url", "x")]:
        add(f"command {key}={value[:9]!r}", urlencode(command | {key: value}).encode(), 400)
    for name, change in [
        ("no actions", {"actions": []}),
        ("actions a string", {"actions": "x"}),
        ("action a number", {"actions": [1]}),
        ("action_id a number", {"actions": [{"action_id": 5}]}),
        ("user a string", {"user": "U0ALICE"}),
        ("user id absurd", {"user": {"id": "x" * 999}}),
        ("team a list", {"team": [1]}),
        ("channel a number", {"channel": 5}),
        ("container a string", {"container": "x"}),
        ("no trigger", {"trigger_id": None}),
        ("trigger a number", {"trigger_id": 5}),
        ("type a list", {"type": ["block_actions"]}),
        ("no type", {"type": None}),
        ("view a string", {"type": "view_submission", "view": "x"}),
        ("view no callback", {"type": "view_submission", "view": {"type": "modal"}}),
        ("view state a list", {"type": "view_submission",
                               "view": {"callback_id": "pq:form:x", "state": []}}),
        ("view values odd", {"type": "view_submission",
                             "view": {"callback_id": "pq:form:x", "state": {"values": {"a": 1}}}}),
        ("view metadata odd", {"type": "view_submission",
                               "view": {"callback_id": "pq:form:x", "private_metadata": {}}}),
        ("event a string", {"event": "x"}),
    ]:
        payload = {k: v for k, v in (click | change).items() if v is not None}
        add(name, form(payload), 400)
    return cases


@pytest.mark.parametrize(("name", "body", "headers", "status"), _malformed(),
                         ids=[c[0] for c in _malformed()])
async def test_malformed_requests_get_one_clear_4xx(
    server: Server,
    caplog: pytest.LogCaptureFixture,
    name: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    caplog.clear()
    got, text = await server.post(body, sign(body) | headers)
    assert got == status, text
    assert json.loads(text)["error"]  # a reason, not an empty page
    await server.fake.settle(0.05)
    assert tracebacks(caplog) == []
    assert len(lines(caplog)) == 1, lines(caplog)
    assert server.fake.effects() == []


WEIRD = [5, "x", "", [], [1], {}, {"id": 5}, {"id": "<@U1>"}, None, True, "a" * 10_000]
KEYS = ["user", "team", "channel", "container", "enterprise", "view", "message", "event",
        "actions", "state", "trigger_id", "response_url", "type", "api_app_id", "token",
        "is_enterprise_install", "authorizations", "function_data", "bot_access_token",
        "user_id", "team_id", "channel_id", "callback_id", "hash", "response_urls"]


async def test_fuzzed_payloads_never_500_or_trace(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    """Every field Bolt or the listeners read, in each payload Slack sends, given values
    of the wrong type: some are refused, some answered; none crashes."""
    url = server.fake.response_url()
    bases: list[dict[str, Any]] = [
        action_payload("pq:post:1", response_url=url),
        action_payload("not-ours", response_url=url),
        {"type": "view_submission", "trigger_id": trigger_id(), "user": {"id": "U0ALICE"},
         "view": {"type": "modal", "callback_id": "pq:form:quote", "private_metadata": "{}",
                  "state": {"values": {}}}},
        {"type": "view_closed", "user": {"id": "U0ALICE"},
         "view": {"type": "modal", "callback_id": "x"}},
        {"type": "shortcut", "callback_id": "x", "trigger_id": trigger_id()},
    ]
    statuses: set[int] = set()
    for base in bases:
        for key in KEYS:
            for value in WEIRD:
                payload = base | {key: value}
                if key == "trigger_id":
                    payload[key] = value  # no fresh trigger: it may be refused or ignored
                else:
                    payload["trigger_id"] = trigger_id()
                status, text = await server.post(form(payload))
                assert status < 500, (key, value, text)
                statuses.add(status)
    command = command_payload("help", response_url=url)
    for key in command:
        for value in ("", "x" * 5000, "\x00", "<!channel>", "%"):
            fields = command | {key: value, "trigger_id": trigger_id()}
            status, text = await server.post(urlencode(fields).encode())
            assert status < 500, (key, value, text)
    await server.fake.settle(0.3)
    assert tracebacks(caplog) == []
    assert {200, 400} <= statuses


async def test_slacks_ssl_check_is_answered(server: Server) -> None:
    body = b"token=deprecated-verification-token&ssl_check=1"
    assert (await server.post(body))[0] == 200
    assert (await server.post(body, sign(body, secret="x" * 32)))[0] == 401
    await server.fake.settle(0.05)
    assert server.fake.effects() == []


async def test_bolt_steering_headers_from_outside_are_dropped(server: Server) -> None:
    """Bolt reads x-slack-bolt-lazy-only to skip the listener: a signed request carrying
    it is still answered normally."""
    body = command_body("help", response_url=server.fake.response_url()).encode()
    headers = sign(body) | {"X-Slack-Bolt-Lazy-Only": "1",
                            "X-Slack-Bolt-Lazy-Function-Name": "x"}
    status, text = await server.post(body, headers)
    assert status == 200 and "Pullquote" in text


# -- sizes, slow and vanished clients, connection cap ------------------------------------


async def test_a_giant_body_is_413_without_being_read(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    body = command_body("x" * (http.MAX_BODY + 10), response_url="http://127.0.0.1:9/r").encode()
    status, _ = await server.post(body)
    assert status == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        for _ in range(20):
            yield b"x" * (64 * 1024)

    async with server.http.post(server.url, data=chunks(), headers=sign(b"")) as resp:
        assert resp.status == 413
    assert tracebacks(caplog) == []


async def test_slow_headers_are_cut_off(
    fake: FakeSlack, core: App, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http, "HEADER_SECONDS", 0.3)
    adapter = build_slack_adapter(core)
    listening = await listen(web_app(adapter), "127.0.0.1", 0)
    try:
        for partial in (b"", b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"):
            reader, writer = await asyncio.open_connection("127.0.0.1", listening.port)
            writer.write(partial)
            await writer.drain()
            assert await asyncio.wait_for(reader.read(), 10) == b""  # closed by the server
            writer.close()
        # A connection that keeps sending a header slowly is cut off all the same.
        reader, writer = await asyncio.open_connection("127.0.0.1", listening.port)
        writer.write(b"POST /slack/events HTTP/1.1\r\nX-Drip: ")
        closed = False
        for _ in range(100):
            try:
                writer.write(b"a")
                await writer.drain()
            except ConnectionError:
                closed = True
                break
            if reader.at_eof() or (await _eof_within(reader, 0.05)):
                closed = True
                break
        assert closed
        writer.close()
    finally:
        await listening.close()
    assert tracebacks(caplog) == []


async def _eof_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(1), seconds) == b""
    except TimeoutError:
        return False


async def test_slow_body_is_408_and_a_vanished_client_is_quiet(
    server: Server, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "BODY_SECONDS", 0.3)
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
    )
    reader, writer = await server.raw()
    writer.write(head + b"command=")
    answer = await asyncio.wait_for(reader.read(), 10)
    assert answer.startswith(b"HTTP/1.1 408")
    writer.close()

    caplog.clear()
    reader, writer = await server.raw()
    writer.write(head + b"command=")
    await writer.drain()
    await asyncio.sleep(0.05)
    writer.transport.abort()  # gone mid-body
    await asyncio.sleep(0.2)
    assert tracebacks(caplog) == []
    assert lines(caplog, logging.WARNING) == []
    status, _ = await server.post(b"", {"Content-Type": "text/plain"})  # still serving
    assert status == 401


@pytest.mark.parametrize(
    "garbage",
    [
        b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32) + b"\r\n\r\n",
        b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\n\r\n",
        b"POST /slack/events HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
        b"POST /slack/events HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"POST /slack/events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ],
)
@pytest.mark.parametrize("after_a_good_request", [False, True])
async def test_malformed_http_is_one_line(
    server: Server, caplog: pytest.LogCaptureFixture, garbage: bytes, after_a_good_request: bool
) -> None:
    reader, writer = await server.raw()
    if after_a_good_request:  # aiohttp logs a bad second request differently from a first
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert (await reader.readuntil(b"ok")).startswith(b"HTTP/1.1 200")
    caplog.clear()
    writer.write(garbage)
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    assert answer == b"" or (answer.startswith(b"HTTP/1.") and answer[9:10] == b"4"), answer
    await asyncio.sleep(0.05)
    assert tracebacks(caplog) == []
    assert len(lines(caplog, logging.WARNING)) <= 1


async def test_connections_are_capped(
    fake: FakeSlack, core: App, caplog: pytest.LogCaptureFixture
) -> None:
    listening = await listen(web_app(build_slack_adapter(core)), "127.0.0.1", 0,
                             max_connections=3)
    held = []
    try:
        for _ in range(3):
            held.append(await asyncio.open_connection("127.0.0.1", listening.port))
        await asyncio.sleep(0.05)
        for _ in range(5):
            reader, writer = await asyncio.open_connection("127.0.0.1", listening.port)
            answer = await asyncio.wait_for(reader.read(), 10)
            assert answer.startswith(b"HTTP/1.1 503")
            writer.close()
        held.pop()[1].close()
        await asyncio.sleep(0.1)
        async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{listening.port}/healthz"
        ) as resp:
            assert resp.status == 200
    finally:
        for _, writer in held:
            writer.close()
        await listening.close()
    warnings = [line for line in lines(caplog, logging.WARNING) if "503" in line]
    assert len(warnings) == 1  # not one per refused connection


# -- where it listens -----------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0:3000", "http://0.0.0.0", "a b", "", "*", "-x-",
                                  "exa mple.com", "x" * 300, "1.2.3.4/24"])
def test_host_must_be_an_address(host: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import load_settings

    monkeypatch.setenv("HOST", host)
    monkeypatch.chdir("/")  # no .env
    with pytest.raises(ConfigError, match="HOST"):
        load_settings()


@pytest.mark.parametrize(("host", "stored"), [(" 127.0.0.1 ", "127.0.0.1"), ("[::1]", "::1"),
                                              ("::", "::"), ("LocalHost", "localhost"),
                                              ("bot.internal.", "bot.internal.")])
def test_host_accepts_addresses_and_names(
    host: str, stored: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.config import load_settings

    monkeypatch.setenv("HOST", host)
    monkeypatch.chdir("/")
    assert load_settings().host == stored


async def test_run_slack_listens_on_host_and_an_address_in_use_is_one_line(
    fake: FakeSlack, tmp_path: Path
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = slack_settings(fake, tmp_path / "p.db", host="127.0.0.1", port=port)
        store = await open_store(settings.db_path())
        try:
            app = App(settings, store, Service(store, today=lambda: TODAY))
            with pytest.raises(ConfigError, match=rf"Cannot listen on 127\.0\.0\.1:{port}.*HOST"):
                await asyncio.wait_for(run_slack(app), 10)
        finally:
            await store.close()


@pytest.mark.parametrize(
    ("name", "value"),
    [("DISCORD_API_BASE", "discord.com/api"), ("DISCORD_API_BASE", "ftp://x/api"),
     ("DISCORD_GATEWAY_URL", "https://gateway.discord.gg"), ("SLACK_API_URL", "not a url"),
     ("SLACK_API_URL", "http:///api/")],
)
def test_endpoints_must_be_urls(name: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mistyped endpoint is one line at start, not a retry loop against nowhere."""
    from bot.config import load_settings

    monkeypatch.setenv(name, value)
    monkeypatch.chdir("/")
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_slack_api_url_gets_its_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.config import load_settings

    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.chdir("/")
    assert load_settings().slack_api_url == "http://127.0.0.1:9/api/"


async def test_unreachable_response_url_is_one_line(
    server: Server, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer cannot be delivered (response_url's host is down): logged in one line,
    not as a traceback."""
    body = command_body("help", response_url=f"http://127.0.0.1:{free_port()}/r").encode()
    monkeypatch.setattr(server.adapter, "ack_budget", 0.0)  # the answer goes to response_url
    status, _ = await server.post(body)
    assert status == 200
    await asyncio.sleep(0.1)
    for _ in range(100):
        if any("slack command failed" in line for line in lines(caplog, logging.WARNING)):
            break
        await asyncio.sleep(0.05)
    assert any("ClientConnectorError" in line for line in lines(caplog, logging.WARNING))
    assert tracebacks(caplog) == []


@pytest.mark.parametrize(("method", "path"), [("GET", "/slack/events"), ("PUT", "/slack/events"),
                                               ("POST", "/"), ("HEAD", "/healthz"),
                                               ("DELETE", "/healthz"), ("GET", "/%ff%fe")])
async def test_other_methods_and_paths_are_4xx(
    server: Server, caplog: pytest.LogCaptureFixture, method: str, path: str
) -> None:
    base = server.url.removesuffix("/slack/events")
    async with server.http.request(method, base + path) as resp:
        assert resp.status < 500
    assert tracebacks(caplog) == []
