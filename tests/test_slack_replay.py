"""A signed Slack request replayed to a restarted bot, inside Slack's five minutes, does
nothing (issue 16): `pullquote run` in HTTP mode as a real process against the loopback
Slack, killed with SIGKILL right after it acted, then started again on the same database
file, which gets the very same requests again (and with a changed X-Slack-Retry-Num).

The delivery claim (the request's trigger_id) must be in the database before the work has
any effect: a claim still waiting to be written when the process died would let the
replay act a second time."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp

from tests.slack_fake import (
    SIGNING_SECRET,
    FakeSlack,
    action_body,
    command_body,
    sign,
    trigger_id,
)
from tests.test_slack import buttons
from tests.test_slack_modes import free_port

BOT_TOKEN = "xoxb-2718281828-3141592653-ReplayTestSecretToken"


@contextlib.asynccontextmanager
async def bot_process(
    db: Path, fake: FakeSlack, port: int, log: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`pullquote run` serving Slack over HTTP on 127.0.0.1:port; killed on the way out if
    the test did not stop it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env.update(
        PULLQUOTE_DB=str(db),
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="DEBUG",
    )
    with log.open("ab") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "adapters.cli", "run", env=env, stdout=out, stderr=out
        )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200:
                            break
                assert proc.returncode is None, await asyncio.to_thread(log.read_text)
                await asyncio.sleep(0.1)
        yield proc
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_requests_replayed_after_a_restart_do_nothing(tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    db, log, port = tmp_path / "replay.db", tmp_path / "run.log", free_port()
    url = f"http://127.0.0.1:{port}/slack/events"
    sent: list[tuple[bytes, dict[str, str]]] = []

    async def post(body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.post(
            url, data=body, headers=headers
        ) as resp:
            return resp.status, await resp.text()

    async def first(body: str) -> str:
        headers = sign(body)
        sent.append((body.encode(), headers))
        status, answer = await post(body.encode(), headers)
        assert status == 200
        return answer

    try:
        async with bot_process(db, fake, port, log) as proc:
            await first(command_body("quote public:yes", response_url=fake.response_url()))
            await fake.wait_for(lambda: len(fake.posts()) == 1)
            preview = json.loads(
                await first(command_body("quote", response_url=fake.response_url()))
            )
            verbs = buttons(preview)
            await first(action_body(verbs["another"], response_url=fake.response_url()))
            await fake.wait_for(lambda: len(fake.responses()) == 1)
            await first(action_body(verbs["post"], response_url=fake.response_url()))
            await fake.wait_for(lambda: len(fake.posts()) == 2 and len(fake.responses()) == 2)
            proc.send_signal(signal.SIGKILL)  # no clean shutdown: nothing flushed on the way
            await proc.wait()
        effects = len(fake.effects())

        async with bot_process(db, fake, port, log) as proc:
            replayed = list(sent)
            for body, headers in replayed:
                for retry in ({}, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"},
                              {"X-Slack-Retry-Num": "7"}):
                    status, answer = await post(body, headers | retry)
                    assert (status, answer) == (200, "")
            await fake.settle(0.5)
            assert len(fake.effects()) == effects  # no post, no response_url message
            assert len(fake.posts()) == 2

            # The restarted bot does serve: a new delivery acts.
            await first(command_body("quote public:yes", response_url=fake.response_url(),
                                     trigger=trigger_id()))
            await fake.wait_for(lambda: len(fake.posts()) == 3)
            proc.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(proc.wait(), 15) == 0
    finally:
        await fake.close()
    output = await asyncio.to_thread(log.read_text)
    assert output.count("ignoring a repeated delivery") == 3 * len(replayed)
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output
    assert "Traceback" not in output
