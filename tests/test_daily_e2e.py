"""/daily end to end: set through the real Discord client (INTERACTION_CREATE) and the real
Bolt app (a signed slash command), then a scheduler tick posts through each platform's
loopback fake (Discord REST, Slack Web API), and the post is found again after a crash."""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.discord.bot import PullquoteBot, build_client, use_endpoints
from adapters.discord.poster import discord_poster
from adapters.slack import build_slack_adapter, make_client, web_app
from adapters.slack.poster import slack_poster
from bot.app import App
from bot.config import Settings
from bot.schedule.clock import ManualClock
from bot.schedule.models import idempotency_key
from bot.schedule.scheduler import Scheduler
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests.discord_fake import CHANNEL_ID, EPHEMERAL, FakeDiscord, _json, callback_path, running
from tests.slack_fake import FakeSlack
from tests.test_slack import Harness, all_text, slack_settings

TODAY = dt.date(2026, 11, 22)


# -- fakes with channel history ----------------------------------------------------------------


class HistoryDiscord(FakeDiscord):
    """The Discord fake plus channel history (GET messages) and enforce_nonce."""

    def __init__(self) -> None:
        super().__init__()
        self.nonces: dict[str, int] = {}

    async def _answer(self, method: str, path: str, body: Any) -> web.StreamResponse:
        parts = path.strip("/").split("/")
        if parts[0] == "channels" and parts[-1] == "messages":
            channel = parts[1]
            if method == "GET":
                after = int(self.calls[-1].query.get("after", "0"))
                found = [
                    m
                    for mid, m in sorted(self.messages.items(), reverse=True)
                    if m["channel_id"] == channel and mid > after
                ]
                return _json(found[: int(self.calls[-1].query.get("limit", "50"))])
            nonce = (body or {}).get("nonce")
            if method == "POST" and body.get("enforce_nonce") and nonce in self.nonces:
                return _json(self.messages[self.nonces[nonce]])
            response = await super()._answer(method, path, body)
            if method == "POST" and nonce is not None:
                self.nonces[nonce] = max(self.messages)
            return response
        return await super()._answer(method, path, body)


class HistorySlack(FakeSlack):
    """The Slack fake plus conversations.history returning posted messages with metadata."""

    def __init__(self) -> None:
        super().__init__()
        self.history: list[dict[str, Any]] = []

    def _answer(self, method: str, data: dict[str, Any]) -> dict[str, Any]:
        answer = super()._answer(method, data)
        if method == "chat.postMessage":
            self.history.append(
                {
                    "channel": data.get("channel"),
                    "ts": answer["ts"],
                    "metadata": data.get("metadata"),
                    "text": data.get("text"),
                }
            )
        if method == "conversations.history":
            channel = data.get("channel")
            return {
                "ok": True,
                "messages": [m for m in reversed(self.history) if m["channel"] == channel],
                "has_more": False,
            }
        return answer


# -- shared ------------------------------------------------------------------------------------


@pytest.fixture
async def store(sample_db: Path, tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    path = tmp_path / "pullquote.db"
    shutil.copy(sample_db, path)
    s = await SQLiteStore.open(path)
    try:
        yield s
    finally:
        await s.close()


async def due_clock(store: SQLiteStore, platform: str, channel: str) -> ManualClock:
    row = await store.schedules.schedule_for(platform, channel)
    assert row is not None and row.state == "active"
    return ManualClock(row.next_due)


# -- Discord -----------------------------------------------------------------------------------


@pytest.fixture
async def discord_fake() -> AsyncIterator[HistoryDiscord]:
    async with HistoryDiscord() as f:
        yield f


@pytest.fixture
async def bot(
    store: SQLiteStore, discord_fake: HistoryDiscord, tmp_path: Path
) -> AsyncIterator[PullquoteBot]:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token="fake-token",  # type: ignore[arg-type]
        pullquote_db=tmp_path / "pullquote.db",
        discord_api_base=discord_fake.api_base,
        discord_gateway_url=discord_fake.gateway_url,
    )
    app = App(settings, store, Service(store, today=lambda: TODAY, rng=random.Random(7)))
    client = build_client(app, guild_ready_timeout=0.01)
    try:
        async with running(client, discord_fake):
            yield client
    finally:
        use_endpoints(None, None)


async def test_discord_daily_set_then_tick_posts_once(
    bot: PullquoteBot, discord_fake: HistoryDiscord, store: SQLiteStore
) -> None:
    fake = discord_fake
    # Members without Manage Server are refused when the command runs.
    payload = await fake.slash(
        "daily", {"time": "09:00", "timezone": "Europe/London"}, sub="set", admin=False
    )
    (denied,) = await fake.wait_for("POST", callback_path(payload))
    assert "Manage Server" in denied.body["data"]["content"]

    payload = await fake.slash(
        "daily", {"time": "09:00", "timezone": "London", "kind": "critic"}, sub="set", admin=True
    )
    (typo,) = await fake.wait_for("POST", callback_path(payload))
    assert "Europe/London" in typo.body["data"]["content"]

    payload = await fake.slash(
        "daily",
        {"time": "09:00", "timezone": "Europe/London", "kind": "critic"},
        sub="set",
        admin=True,
    )
    (ok,) = await fake.wait_for("POST", callback_path(payload))
    assert ok.body["data"]["flags"] & EPHEMERAL
    assert ok.body["data"]["embeds"][0]["title"] == "Daily post set"

    clock = await due_clock(store, "discord", str(CHANNEL_ID))
    sched = Scheduler(store.schedules, store, {"discord": discord_poster(bot)}, clock=clock)
    report = await sched.tick()
    assert report.sent == 1
    (post,) = fake.find("POST", rf"^/channels/{CHANNEL_ID}/messages$")
    row = await store.schedules.schedule_for("discord", str(CHANNEL_ID))
    assert row is not None
    key = idempotency_key(row.id, clock.now().date())
    assert post.body["nonce"] == key and post.body["enforce_nonce"] is True
    assert post.body["allowed_mentions"] == {"parse": []}
    assert key in post.body["embeds"][0]["footer"]["text"]
    assert (await sched.tick()).sent == 0

    # After a crash the post is found in the channel history, not sent again. (The fake
    # stamps messages with the real time, so look from a minute before that.)
    found = await discord_poster(bot).find_post(
        str(CHANNEL_ID), key, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    )
    assert found is not None and int(found) in fake.messages

    payload = await fake.slash("daily", sub="status", admin=True)
    (status,) = await fake.wait_for("POST", callback_path(payload))
    fields = {f["name"]: f["value"] for f in status.body["data"]["embeds"][0]["fields"]}
    assert "UTC" in fields["Next post"] and "GMT" in fields["Next post"]
    assert found in fields["Last post"]

    payload = await fake.slash("daily", sub="now", admin=True)
    (now,) = await fake.wait_for("POST", callback_path(payload))
    assert not (now.body["data"].get("flags") or 0) & EPHEMERAL
    assert "Test post" in now.body["data"]["embeds"][0]["footer"]["text"]


async def test_discord_group_is_admin_by_default(bot: PullquoteBot) -> None:
    group = bot.tree.get_command("daily")
    assert group is not None
    data = group.to_dict(bot.tree)
    assert int(data["default_member_permissions"]) == 1 << 5  # Manage Server
    assert [o["name"] for o in data["options"]] == [
        "set",
        "off",
        "pause",
        "resume",
        "status",
        "now",
    ]


async def test_discord_poster_maps_errors(bot: PullquoteBot, discord_fake: HistoryDiscord) -> None:
    from bot.cards import Card
    from bot.schedule.poster import PostError

    poster = discord_poster(bot)
    card = Card(kind="help", title="t", body="b")
    discord_fake.fail_next(
        "POST", r"/channels/\d+/messages$", status=404, code=10003, message="Unknown Channel"
    )
    with pytest.raises(PostError) as gone:
        await poster.post("123", card, idempotency_key="k1")
    assert gone.value.kind == "channel_gone"
    discord_fake.fail_next(
        "POST", r"/channels/\d+/messages$", status=403, code=50013, message="Missing Permissions"
    )
    with pytest.raises(PostError) as perm:
        await poster.post("123", card, idempotency_key="k2")
    assert perm.value.kind == "no_permission"


# -- Slack -------------------------------------------------------------------------------------


@pytest.fixture
async def slack_fake() -> AsyncIterator[HistorySlack]:
    server = await HistorySlack().start()
    server.users["U0ALICE"] = {"is_admin": True}
    server.users["U0BOB"] = {"is_admin": False}
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def slack(
    slack_fake: HistorySlack, store: SQLiteStore, tmp_path: Path
) -> AsyncIterator[Harness]:
    settings = slack_settings(slack_fake, tmp_path / "pullquote.db")
    core = App(settings, store, Service(store, today=lambda: TODAY, rng=random.Random(7)))
    async with aiohttp.ClientSession() as http:
        adapter = build_slack_adapter(core, client=make_client(settings, session=http))
        assert adapter.bolt is not None
        runner = web.AppRunner(web_app(adapter), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            yield Harness(slack_fake, core, f"http://127.0.0.1:{port}/slack/events", http)
        finally:
            await runner.cleanup()
            await adapter.drain()


async def test_slack_daily_set_then_tick_posts_once(slack: Harness, store: SQLiteStore) -> None:
    fake = slack.fake
    assert isinstance(fake, HistorySlack)
    await slack.command("daily set 09:00 Europe/London", user="U0BOB")
    denied = await slack.reply(1)
    assert "admins" in all_text(denied.data)

    await slack.command("daily set 9am new york film:nosferatu kind:critic")
    typo = await slack.reply(2)
    assert "America/New_York" in all_text(typo.data)

    await slack.command("daily set 09:00 America/New_York film:nosferatu kind:critic")
    ok = await slack.reply(3)
    assert ok.data["response_type"] == "ephemeral"
    assert "Daily post set" in all_text(ok.data)
    assert "Nosferatu" in all_text(ok.data)

    clock = await due_clock(store, "slack", "C0GENERAL")
    async with aiohttp.ClientSession() as http:
        poster = slack_poster(make_client(slack.core.settings, session=http))
        sched = Scheduler(store.schedules, store, {"slack": poster}, clock=clock)
        assert (await sched.tick()).sent == 1
        assert (await sched.tick()).sent == 0
        (post,) = fake.posts()
        row = await store.schedules.schedule_for("slack", "C0GENERAL")
        assert row is not None
        key = idempotency_key(row.id, clock.now().astimezone(dt.UTC).date())
        assert post.data["channel"] == "C0GENERAL"
        assert post.data["metadata"]["event_payload"]["key"] == key
        assert "Nosferatu" in all_text(post.data)
        found = await poster.find_post("C0GENERAL", key, clock.now() - dt.timedelta(hours=1))
        assert found == fake.history[0]["ts"]

    await slack.command("daily status")
    status = await slack.reply(4)
    text = all_text(status.data)
    assert "Next post" in text and "UTC" in text and "EST" in text
    assert "Last post" in text and fake.history[0]["ts"] in text


async def test_slack_not_in_channel_is_recorded_and_shown(
    slack: Harness, store: SQLiteStore
) -> None:
    await slack.command("daily set 18:30 Europe/Paris")
    await slack.reply(1)
    clock = await due_clock(store, "slack", "C0GENERAL")
    slack.fake.fail("chat.postMessage", "not_in_channel")
    async with aiohttp.ClientSession() as http:
        poster = slack_poster(make_client(slack.core.settings, session=http))
        report = await Scheduler(store.schedules, store, {"slack": poster}, clock=clock).tick()
    assert report.failed == 1
    await slack.command("daily status")
    text = all_text((await slack.reply(2)).data)
    assert "not in this channel" in text and "not_in_channel" in text
