"""`run_slack` while Slack is out of reach (issue 16): Socket Mode's apps.connections.open
failing, refused, or handing out a WebSocket URL that does not answer is retried with
backoff, one line an attempt, the liveness probe down meanwhile; a token Slack refuses is
one ConfigError, at once. Through slack-bolt and slack_sdk against the loopback Slack."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adapters.slack import run_slack, serve
from adapters.transport import Backoff
from bot.app import App
from bot.config import ConfigError
from bot.service import Service
from tests.conftest import TODAY
from tests.slack_fake import FakeSlack
from tests.test_slack import open_store, slack_settings
from tests.test_slack_modes import free_port

BOT_TOKEN = "xoxb-1618033988-7498948482-StartupTestSecret"
APP_TOKEN = "xapp-1-A0PULLQ-1414213562-StartupAppSecret"


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        serve, "Backoff", lambda: Backoff(first=0.02, cap=0.1, rng=random.Random(0))
    )


@contextlib.asynccontextmanager
async def slack_app(tmp_path: Path, api_url: str, **extra: object) -> AsyncIterator[App]:
    values: dict[str, object] = {
        "slack_api_url": api_url,
        "slack_bot_token": BOT_TOKEN,
        "slack_app_token": APP_TOKEN,
        "slack_signing_secret": None,
    }
    settings = slack_settings(FakeSlack(), tmp_path / "pullquote.db", **(values | extra))
    store = await open_store(settings.db_path())
    try:
        yield App(settings, store, Service(store, today=lambda: TODAY, rng=random.Random(3)))
    finally:
        await store.close()


async def until(predicate: Callable[[], bool], within: float = 20.0) -> None:
    """Poll `predicate` (log records, liveness probes: nothing to wait on) for `within` s."""
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def running(app: App) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(run_slack(app))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def retries(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if "Slack: cannot open Socket Mode" in r.getMessage()]


def live(app: App) -> bool:
    probe = app.liveness.probes.get("slack")
    return probe is not None and probe()


def assert_quiet(caplog: pytest.LogCaptureFixture) -> None:
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text] == []
    assert BOT_TOKEN not in caplog.text and APP_TOKEN not in caplog.text


async def test_slack_errors_on_connections_open_are_retried(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = await FakeSlack().start()
    try:
        fake.fail("apps.connections.open", "internal_error", times=2)
        async with slack_app(tmp_path, fake.api_url) as app, running(app) as task:
            await until(lambda: len(retries(caplog)) >= 1)
            assert not live(app)
            await fake.wait_connected(within=20)
            await until(lambda: live(app))
            assert not task.done()
        assert len(fake.api("apps.connections.open")) == 3
        lines = retries(caplog)
        assert len(lines) == 2 and "internal_error" in lines[0] and "attempt 1" in lines[0]
    finally:
        await fake.close()
    assert_quiet(caplog)


async def test_an_unreachable_slack_is_retried_until_it_is_up(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    port = free_port()
    async with slack_app(tmp_path, f"http://127.0.0.1:{port}/api/") as app, running(app):
        await until(lambda: len(retries(caplog)) >= 2)
        assert not live(app)
        assert "ClientConnectorError" in retries(caplog)[0]
        fake = await FakeSlack().start(port)
        try:
            await fake.wait_connected(within=20)
            await until(lambda: live(app))
        finally:
            await fake.close()
    warnings = [r.getMessage() for r in caplog.records if "SLACK_BOT_TOKEN" in r.getMessage()]
    assert len(warnings) == 1 and "could not check" in warnings[0]  # carried on
    assert_quiet(caplog)


async def test_a_websocket_url_that_does_not_answer_is_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve, "CONNECT_SECONDS", 1.0)
    fake = await FakeSlack().start()
    try:
        fake.socket_urls = [f"ws://127.0.0.1:{free_port()}/socket"]
        async with slack_app(tmp_path, fake.api_url) as app, running(app):
            await fake.wait_connected(within=20)
            await until(lambda: live(app))
        assert len(fake.api("apps.connections.open")) == 2  # a fresh URL for the retry
        assert len(retries(caplog)) == 1
    finally:
        await fake.close()
    assert_quiet(caplog)


@pytest.mark.parametrize(
    ("method", "error", "setting"),
    [
        ("apps.connections.open", "invalid_auth", "SLACK_APP_TOKEN"),
        ("apps.connections.open", "not_allowed_token_type", "SLACK_APP_TOKEN"),
        ("auth.test", "invalid_auth", "SLACK_BOT_TOKEN"),
        ("auth.test", "token_revoked", "SLACK_BOT_TOKEN"),
    ],
)
async def test_a_refused_token_is_fatal_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, method: str, error: str, setting: str
) -> None:
    fake = await FakeSlack().start()
    try:
        fake.fail(method, error, times=10)
        async with slack_app(tmp_path, fake.api_url) as app:
            with pytest.raises(ConfigError, match=rf"Slack refused {setting} \({error}\)"):
                await asyncio.wait_for(run_slack(app), 20)
            assert "slack" not in app.liveness.probes
        assert len(fake.api(method)) == 1
        assert fake._sockets == []
    finally:
        await fake.close()
    assert retries(caplog) == []
    assert_quiet(caplog)


async def test_http_mode_refuses_a_revoked_bot_token_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = await FakeSlack().start()
    try:
        fake.fail("auth.test", "token_revoked")
        async with slack_app(
            tmp_path, fake.api_url, slack_app_token=None, slack_signing_secret="s" * 32,
            host="127.0.0.1", port=free_port(),
        ) as app:
            with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
                await asyncio.wait_for(run_slack(app), 20)
    finally:
        await fake.close()
    assert_quiet(caplog)
