"""`pullquote run` as a process while Discord or Slack cannot be reached (issue 16): it keeps
running and retrying (one line an attempt, no traceback), `pullquote healthcheck` says the
adapter is down until the platform answers, then healthy; a token the platform refuses
stops it with one line and exit 1. With LOG_LEVEL=DEBUG (discord.py's, aiohttp's and
slack_sdk's own debug lines included) no token appears in anything it prints."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.discord_fake import FakeDiscord
from tests.slack_fake import FakeSlack
from tests.test_slack_modes import free_port

DISCORD_TOKEN = "MTAxMjM0NTY3ODkwMTIzNDU2Nw.GhIjKl.process-test-secret-token-value"
BOT_TOKEN = "xoxb-1732050807-2236067977-ProcessTestSecret"
APP_TOKEN = "xapp-1-A0PULLQ-2645751311-ProcessAppSecret"
TOKENS = (DISCORD_TOKEN, BOT_TOKEN, APP_TOKEN)


def environment(db: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env.update(PULLQUOTE_DB=str(db), LOG_LEVEL="DEBUG", PULLQUOTE_SAMPLE="false", **settings)
    return env


async def healthcheck(env: dict[str, str]) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "adapters.cli", "healthcheck", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode()


@contextlib.asynccontextmanager
async def bot(env: dict[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli", "run", env=env, stdout=out, stderr=out
        )
    try:
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def lines_with(log: Path, text: str, count: int, proc: asyncio.subprocess.Process) -> None:
    """Wait (up to 60 s) until the log has `count` lines containing `text`."""
    for _ in range(600):
        found = (await asyncio.to_thread(log.read_text)).count(text)
        if found >= count:
            return
        assert proc.returncode is None, await asyncio.to_thread(log.read_text)
        await asyncio.sleep(0.1)
    raise AssertionError(f"fewer than {count} lines with {text!r}")


async def healthy_within(env: dict[str, str], seconds: float) -> str:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        code, out = await healthcheck(env)
        if code == 0 or asyncio.get_running_loop().time() > deadline:
            assert code == 0, out
            return out
        await asyncio.sleep(0.3)


def assert_clean(output: str) -> None:
    assert "Traceback" not in output, output[-3000:]
    for token in TOKENS:
        assert token not in output


async def test_discord_unreachable_then_up(tmp_path: Path) -> None:
    port = free_port()
    env = environment(
        tmp_path / "d.db",
        DISCORD_TOKEN=DISCORD_TOKEN,
        DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10",
        DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{port}/gateway",
    )
    log = tmp_path / "run.log"
    async with bot(env, log) as proc:
        await lines_with(log, "Discord: cannot connect", 1, proc)
        code, out = await healthcheck(env)
        assert code == 1 and "discord" in out
        async with FakeDiscord(port=port) as fake:
            await fake.wait_ready(within=60)
            assert "discord" in await healthy_within(env, 30)
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 15) == 0
    assert_clean(await asyncio.to_thread(log.read_text))


async def test_slack_socket_mode_unreachable_then_up(tmp_path: Path) -> None:
    port = free_port()
    env = environment(
        tmp_path / "s.db",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=f"http://127.0.0.1:{port}/api/",
    )
    log = tmp_path / "run.log"
    async with bot(env, log) as proc:
        await lines_with(log, "Slack: cannot open Socket Mode", 1, proc)
        code, out = await healthcheck(env)
        assert code == 1 and "slack" in out
        fake = await FakeSlack().start(port)
        try:
            await fake.wait_connected(within=60)
            assert "slack" in await healthy_within(env, 30)
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 15) == 0
        finally:
            await fake.close()
    assert_clean(await asyncio.to_thread(log.read_text))


@pytest.mark.parametrize("platform", ["discord", "slack"])
async def test_a_refused_token_stops_the_bot_with_one_line(tmp_path: Path, platform: str) -> None:
    log = tmp_path / "run.log"
    if platform == "discord":
        async with FakeDiscord() as fake:
            fake.fail_next("GET", r"^/users/@me$", status=401, message="401: Unauthorized")
            env = environment(
                tmp_path / "d.db", DISCORD_TOKEN=DISCORD_TOKEN,
                DISCORD_API_BASE=fake.api_base, DISCORD_GATEWAY_URL=fake.gateway_url,
            )
            async with bot(env, log) as proc:
                assert await asyncio.wait_for(proc.wait(), 60) == 1
        expected = "Discord rejected DISCORD_TOKEN"
    else:
        fake_slack = await FakeSlack().start()
        try:
            fake_slack.fail("apps.connections.open", "invalid_auth")
            env = environment(
                tmp_path / "s.db", SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
                SLACK_API_URL=fake_slack.api_url,
            )
            async with bot(env, log) as proc:
                assert await asyncio.wait_for(proc.wait(), 60) == 1
        finally:
            await fake_slack.close()
        expected = "Slack refused SLACK_APP_TOKEN (invalid_auth)"
    output = await asyncio.to_thread(log.read_text)
    assert expected in output
    assert_clean(output)
