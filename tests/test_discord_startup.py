"""`run_discord` while Discord is out of reach (issue 16): the real discord.py client against
the loopback fake made to refuse connections, answer 5xx, hang, refuse the gateway, then
recover. Start-up retries with backoff, one log line an attempt, the liveness probe down
meanwhile; a refused token is one ConfigError, at once. No traceback on any of these."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adapters.discord import connect
from adapters.discord.bot import use_endpoints
from adapters.discord.connect import run_discord
from adapters.transport import Backoff
from bot.app import App
from bot.config import ConfigError, Settings
from bot.schedule.poster import Poster
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests.conftest import TODAY
from tests.discord_fake import FakeDiscord
from tests.test_slack_modes import free_port

TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nw.GhIjKl.startup-test-secret-token-value"


@pytest.fixture
async def store(sample_db: Path, tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    shutil.copy(sample_db, tmp_path / "pullquote.db")
    opened = await SQLiteStore.open(tmp_path / "pullquote.db")
    try:
        yield opened
    finally:
        await opened.close()
        use_endpoints(None, None)


def make_app(store: SQLiteStore, port: int, api: str | None = None) -> App:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token=TOKEN,  # type: ignore[arg-type]
        discord_api_base=api or f"http://127.0.0.1:{port}/api/v10",
        discord_gateway_url=f"ws://127.0.0.1:{port}/gateway",
    )
    return App(settings, store, Service(store, today=lambda: TODAY, rng=random.Random(1)))


def quick() -> Backoff:
    return Backoff(first=0.02, cap=0.1, rng=random.Random(0))


async def until(predicate: Callable[[], bool], within: float = 20.0) -> None:
    """Poll `predicate` (log records, liveness probes: nothing to wait on) for `within` s."""
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running(app: App, **kwargs: object) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(run_discord(app, backoff=quick(), **kwargs))  # type: ignore[arg-type]
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def retries(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if "Discord: cannot connect" in r.getMessage()]


def assert_quiet(caplog: pytest.LogCaptureFixture) -> None:
    """No traceback and no token anywhere in the log."""
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text] == []
    assert TOKEN not in caplog.text


async def test_refused_connections_are_retried_until_discord_is_up(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()  # nothing listens there yet
    app = make_app(store, port)
    posters: dict[str, Poster] = {}
    async with running(app, posters=posters) as task:
        await until(lambda: len(retries(caplog)) >= 3)
        assert not app.liveness.probes["discord"]()  # the health check reports it down
        assert "discord" in posters  # the scheduler's poster answers "not connected yet"
        first = retries(caplog)[0]
        assert first.levelname == "WARNING"
        assert "ClientConnectorError" in first.getMessage() and "attempt 1" in first.getMessage()
        async with FakeDiscord(port=port) as fake:
            await fake.wait_ready(within=20)
            await until(lambda: app.liveness.probes["discord"]())
            assert not task.done()
    assert "discord" not in app.liveness.probes and "discord" not in posters
    assert_quiet(caplog)


async def test_discord_going_away_after_connecting_is_reconnected_in_one_line_each(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    app = make_app(store, port)
    async with running(app) as task:
        async with FakeDiscord(port=port) as fake:
            await fake.wait_ready(within=20)
            await until(lambda: app.liveness.probes["discord"]())
        # Gone (REST and gateway): discord.py's own reconnect loop takes over.
        await until(lambda: any("Attempting a reconnect" in r.getMessage()
                                for r in caplog.records))
        async with FakeDiscord(port=port) as fake:
            await until(lambda: fake.resumes + fake.identifies >= 1, within=30)
            assert not task.done()
    reconnects = [r for r in caplog.records if "Attempting a reconnect" in r.getMessage()]
    assert all(r.levelname == "WARNING" and "(" in r.getMessage() for r in reconnects)
    assert_quiet(caplog)


async def test_server_errors_at_login_are_retried(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeDiscord() as fake:
        app = make_app(store, fake.port)
        fake.fail_next("GET", r"^/users/@me$", status=503, times=3)
        async with running(app):
            await fake.wait_ready(within=20)
            await until(lambda: app.liveness.probes["discord"]())
        assert len(fake.find("GET", r"^/users/@me$")) == 4
        lines = [r.getMessage() for r in retries(caplog)]
        assert len(lines) == 3 and all("503" in line for line in lines)
    assert_quiet(caplog)


async def test_a_login_that_never_answers_times_out_and_is_retried(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connect, "LOGIN_SECONDS", 0.2)
    held: list[asyncio.StreamWriter] = []

    async def silent(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # accept, read nothing, answer nothing

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        app = make_app(store, port)
        async with running(app):
            await until(lambda: len(retries(caplog)) >= 2)
            assert not app.liveness.probes["discord"]()
        assert "no answer within" in retries(caplog)[0].getMessage()
    finally:
        for writer in held:
            writer.close()
        server.close()
    assert_quiet(caplog)


async def test_an_unresolvable_api_host_is_retried(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connect, "LOGIN_SECONDS", 5.0)
    app = make_app(store, free_port(), api="http://discord-api.invalid/api/v10")
    async with running(app):
        await until(lambda: len(retries(caplog)) >= 1, within=30)
    assert_quiet(caplog)


async def test_a_page_that_is_not_discord_is_retried_with_a_hint(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    from aiohttp import web

    async def page(_: web.Request) -> web.Response:
        return web.Response(text="<html>captive portal</html>", content_type="text/html")

    application = web.Application()
    application.router.add_route("*", "/{tail:.*}", page)
    runner = web.AppRunner(application, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        app = make_app(store, site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        async with running(app):
            await until(lambda: len(retries(caplog)) >= 2)
        assert "DISCORD_API_BASE" in retries(caplog)[0].getMessage()
    finally:
        await runner.cleanup()
    assert_quiet(caplog)


@pytest.mark.parametrize(("status", "words"), [(401, "rejected DISCORD_TOKEN"),
                                                (404, r"refused the login \(404")])
async def test_a_refused_token_is_fatal_at_once(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture, status: int, words: str
) -> None:
    async with FakeDiscord() as fake:
        fake.fail_next("GET", r"^/users/@me$", status=status, times=10)
        app = make_app(store, fake.port)
        with pytest.raises(ConfigError, match=words):
            await asyncio.wait_for(run_discord(app, backoff=quick()), 20)
        assert len(fake.find("GET", r"^/users/@me$")) == 1  # no retry
        assert "discord" not in app.liveness.probes
    assert retries(caplog) == []
    assert_quiet(caplog)


async def test_a_refusing_gateway_is_retried_in_one_line_each(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeDiscord() as fake:
        fake.gateway_refusals = 1
        app = make_app(store, fake.port)
        async with running(app):
            await fake.wait_ready(within=20)
            await until(lambda: app.liveness.probes["discord"]())
        (line,) = [r.getMessage() for r in retries(caplog)]
        assert "the gateway: WSServerHandshakeError: 503" in line
        assert fake.identifies == 1
    assert_quiet(caplog)


async def test_the_gateway_refusing_the_token_is_fatal(
    store: SQLiteStore, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeDiscord() as fake:
        fake.close_on_identify = 4004
        app = make_app(store, fake.port)
        with pytest.raises(ConfigError, match="rejected DISCORD_TOKEN"):
            await asyncio.wait_for(run_discord(app, backoff=quick()), 20)
    assert_quiet(caplog)


def test_backoff_doubles_to_its_cap_with_jitter() -> None:
    backoff = Backoff(first=1.0, cap=60.0, rng=random.Random(3))
    delays = [backoff.next() for _ in range(10)]
    ceilings = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len(set(delays)) == len(delays)  # jittered
    backoff.reset()
    assert backoff.next() <= 1.0
