"""`run_slack` in both modes (Socket Mode through a loopback WebSocket, HTTP on a port), the
admin check, and configuration errors."""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from adapters.slack import build_slack_adapter, build_slack_app, make_client, run_slack
from adapters.slack.admin import AdminCheck
from bot.app import App
from bot.config import ConfigError
from bot.service import Service
from tests.conftest import TODAY
from tests.slack_fake import (
    APP_TOKEN,
    FakeSlack,
    action_payload,
    command_body,
    command_payload,
    sign,
)
from tests.test_slack import all_text, buttons, open_store, slack_settings


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = await FakeSlack().start()
    try:
        yield server
    finally:
        await server.close()


@contextlib.asynccontextmanager
async def core_app(fake: FakeSlack, tmp_path: Path, **settings: Any) -> AsyncIterator[App]:
    config = slack_settings(fake, tmp_path / "pullquote.db", **settings)
    store = await open_store(config.db_path())
    try:
        yield App(config, store, Service(store, today=lambda: TODAY, rng=random.Random(3)))
    finally:
        await store.close()


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_socket_mode_envelope_in_ack_out(fake: FakeSlack, tmp_path: Path) -> None:
    async with core_app(
        fake, tmp_path, slack_app_token=APP_TOKEN, slack_signing_secret=None
    ) as core:
        task = asyncio.create_task(run_slack(core))
        try:
            await fake.wait_connected()
            (opened,) = fake.api("apps.connections.open")
            assert opened.headers["Authorization"] == f"Bearer {APP_TOKEN}"

            payload = command_payload("quote nosferatu", response_url=fake.response_url())
            envelope = await fake.send_envelope("slash_commands", payload)
            await fake.wait_for(lambda: len(fake.socket_acks()) == 1)
            ack = fake.socket_acks()[0].data
            assert ack["envelope_id"] == envelope
            preview = ack["payload"]  # the answer rides in the ack: no response_url trip
            assert preview["response_type"] == "ephemeral"
            assert fake.responses() == []

            click = action_payload(buttons(preview)["post"], response_url=fake.response_url())
            await fake.send_envelope("interactive", click)
            # Slack redelivers an envelope it thinks was not acked: it must act once.
            await fake.send_envelope("interactive", click, retry_attempt=1)
            await fake.wait_for(lambda: len(fake.posts()) == 1 and len(fake.responses()) == 1)
            await fake.wait_for(lambda: len(fake.socket_acks()) == 3)
            await fake.settle()
            assert len(fake.posts()) == 1
            assert "shared by <@U0ALICE>" in all_text(fake.posts()[0].data)
        finally:
            await stop(task)
        await fake.settle(0.1)
        assert fake._sockets == []  # the WebSocket was closed on the way out


async def test_http_mode_serves_signed_requests_on_port(fake: FakeSlack, tmp_path: Path) -> None:
    port = free_port()
    async with core_app(fake, tmp_path, port=port) as core, aiohttp.ClientSession() as http:
        task = asyncio.create_task(run_slack(core, host="127.0.0.1"))
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with http.get(f"{base}/healthz") as resp:
                        assert await resp.text() == "ok"
                        break
                await asyncio.sleep(0.02)
            body = command_body("release metropolis", response_url=fake.response_url())
            async with http.post(f"{base}/slack/events", data=body, headers=sign(body)) as resp:
                assert resp.status == 200
                answer = await resp.json()
            assert fake.check("ack", answer) == []
            assert "Release dates: Metropolis" in all_text(answer)
        finally:
            await stop(task)
        with pytest.raises(aiohttp.ClientConnectionError):
            async with http.get(f"{base}/healthz"):
                pass


async def test_admin_check(fake: FakeSlack, tmp_path: Path) -> None:
    fake.users = {
        "U0ADMIN": {"is_admin": True},
        "U0OWNER": {"is_owner": True},
        "U0PRIME": {"is_primary_owner": True, "is_owner": True},
        "U0PLAIN": {"is_admin": False},
    }
    async with core_app(fake, tmp_path) as core:
        check = AdminCheck(make_client(core.settings), extra=["U0FRIEND"])
        assert await check.is_admin("U0ADMIN")
        assert await check.is_admin("U0OWNER")
        assert await check.is_admin("U0PRIME")
        assert not await check.is_admin("U0PLAIN")
        assert not await check.is_admin("U0GHOST")  # users.info: user_not_found
        assert await check.is_admin("U0FRIEND")
        calls = len(fake.api("users.info"))
        assert calls == 5
        assert await check.is_admin("U0ADMIN")  # cached
        assert not await check.is_admin("U0PLAIN")
        assert len(fake.api("users.info")) == calls


async def test_admin_commands_are_gated(fake: FakeSlack, tmp_path: Path) -> None:
    from aiohttp import web

    from adapters.slack import web_app

    fake.users = {"U0ADMIN": {"is_admin": True}, "U0PLAIN": {}}
    async with core_app(fake, tmp_path) as core, aiohttp.ClientSession() as http:
        runner = web.AppRunner(web_app(build_slack_adapter(core, admins=["U0LISTED"])))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/slack/events"  # type: ignore[union-attr]
        try:
            answers = []
            for user in ["U0PLAIN", "U0ADMIN", "U0LISTED"]:
                body = command_body("daily status", response_url=fake.response_url(), user=user)
                async with http.post(url, data=body, headers=sign(body)) as resp:
                    assert resp.status == 200
                    answer = await resp.json()
                    assert fake.check("ack", answer) == []
                    answers.append(answer["text"])
            refused, admin, listed = answers
            # Issue 16: the refusal named "/pullquote status", not the command typed.
            assert refused == "Only workspace admins and owners can use /pullquote daily status."
            assert "Only" not in admin and "Only" not in listed
            assert "No daily post here" in admin
        finally:
            await runner.cleanup()


async def test_config_errors(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with core_app(fake, tmp_path) as core:
        monkeypatch.setenv("SLACK_CLIENT_ID", "1.2")
        monkeypatch.setenv("SLACK_CLIENT_SECRET", "s")
        with pytest.raises(ConfigError, match="single-workspace"):
            build_slack_app(core)
    async with core_app(fake, tmp_path, slack_bot_token=None, slack_signing_secret=None) as core:
        with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
            await run_slack(core)


def test_nothing_is_built_at_import() -> None:
    import adapters.slack.app as module

    built = [name for name, value in vars(module).items() if type(value).__name__ == "AsyncApp"]
    assert built == []
