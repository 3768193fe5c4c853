"""The Discord adapter end to end: the real discord.py client against the loopback fake.

Each test sends INTERACTION_CREATE through the fake gateway and asserts on the REST calls
the client makes back (interaction callbacks, webhook followups, edits, deletes)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from adapters.discord.bot import PullquoteBot, build_client, use_endpoints
from adapters.discord.views import PreviewButton, buttons_view
from bot.app import App
from bot.cards import Card
from bot.config import Settings
from bot.preview import preview_actions
from bot.service import Service
from storage.records import NewFilm, NewReview, NewSnippet
from storage.sqlite import SQLiteStore
from tests.discord_fake import (
    APP_ID,
    EPHEMERAL,
    USER_ID,
    Call,
    FakeDiscord,
    buttons,
    callback_path,
    running,
    webhook_path,
)

TODAY = dt.date(2026, 11, 22)


@pytest.fixture
async def dstore(sample_db: Path, tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    path = tmp_path / "pullquote.db"
    shutil.copy(sample_db, path)
    store = await SQLiteStore.open(path)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
def app(dstore: SQLiteStore, tmp_path: Path) -> App:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        discord_token="fake-token",  # type: ignore[arg-type]
        pullquote_db=tmp_path / "pullquote.db",
    )
    return App(settings, dstore, Service(dstore, today=lambda: TODAY, rng=random.Random(7)))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as f:
        yield f


@pytest.fixture
async def client(app: App, fake: FakeDiscord) -> AsyncIterator[PullquoteBot]:
    settings = app.settings.model_copy(
        update={"discord_api_base": fake.api_base, "discord_gateway_url": fake.gateway_url}
    )
    bot = build_client(App(settings, app.store, app.service), guild_ready_timeout=0.01)
    try:
        async with running(bot, fake):
            yield bot
    finally:
        use_endpoints(None, None)  # process-wide in discord.py: leave Discord's own


async def answer(fake: FakeDiscord, payload: dict[str, Any]) -> Call:
    """The interaction callback the client sent for `payload`."""
    (call,) = await fake.wait_for("POST", callback_path(payload))
    return call


def embed_of(call: Call) -> dict[str, Any]:
    embeds = call.body["data"]["embeds"] if "data" in call.body else call.body["embeds"]
    assert len(embeds) == 1
    embed: dict[str, Any] = embeds[0]
    return embed


# -- commands ---------------------------------------------------------------------------------


async def test_quote_answers_with_a_private_preview(
    client: PullquoteBot, fake: FakeDiscord
) -> None:
    payload = await fake.slash("quote", {"film": "Nosferatu"})
    call = await answer(fake, payload)
    assert call.body["type"] == 4
    data = call.body["data"]
    assert data["flags"] & EPHEMERAL
    embed = embed_of(call)
    assert embed["title"] == "Nosferatu (1922)"
    assert "\n— " in embed["description"]
    assert set(buttons(fake.messages[max(fake.messages)])) == {"Post", "Another", "Cancel"}
    assert data["allowed_mentions"] == {"parse": []}


async def test_public_option_posts_at_once(client: PullquoteBot, fake: FakeDiscord) -> None:
    payload = await fake.slash("review", {"film": "Metropolis", "public": True})
    call = await answer(fake, payload)
    data = call.body["data"]
    assert call.body["type"] == 4
    assert not (data.get("flags") or 0) & EPHEMERAL
    assert not data.get("components")
    assert embed_of(call)["title"] == "Metropolis (1927)"


async def test_release_film_and_search(client: PullquoteBot, fake: FakeDiscord) -> None:
    release = await answer(fake, await fake.slash("release", {"film": "Nosferatu"}))
    embed = embed_of(release)
    assert embed["title"].startswith("Release dates: Nosferatu")
    assert "Germany" in embed["description"] or "\n" in embed["description"]
    assert not (release.body["data"].get("flags") or 0) & EPHEMERAL

    film = embed_of(await answer(fake, await fake.slash("film", {"title": "Charade"})))
    assert film["title"] == "Charade (1963)"
    assert {f["name"] for f in film["fields"]} >= {"Reviews", "Critic quotes", "Excerpts"}

    search = embed_of(await answer(fake, await fake.slash("search", {"text": "vampire"})))
    assert search["title"] == "Search: vampire"
    assert search["description"].count("\n— ") >= 1


async def test_pullquote_help_is_a_subcommand(client: PullquoteBot, fake: FakeDiscord) -> None:
    call = await answer(fake, await fake.slash("pullquote", sub="help"))
    embed = embed_of(call)
    assert embed["title"] == "Pullquote"
    names = [f["name"] for f in embed["fields"]]
    assert any(n.startswith("/quote") for n in names)
    assert any(n.startswith("/release") for n in names)


async def test_user_errors_are_ephemeral(client: PullquoteBot, fake: FakeDiscord) -> None:
    call = await answer(fake, await fake.slash("quote", {"film": "Zzqxv Nonexistent"}))
    data = call.body["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("No film called")
    assert data["allowed_mentions"] == {"parse": []}

    bad_region = await answer(
        fake, await fake.slash("release", {"film": "Nosferatu", "region": "Atlantis"})
    )
    assert bad_region.body["data"]["flags"] & EPHEMERAL
    assert "not a country I know" in bad_region.body["data"]["content"]


async def test_unexpected_errors_get_a_generic_reply_and_are_logged(
    client: PullquoteBot,
    fake: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(client.core.service, "quote", boom)
    with caplog.at_level(logging.ERROR):
        call = await answer(fake, await fake.slash("quote"))
    assert call.body["data"]["flags"] & EPHEMERAL
    assert "Something went wrong" in call.body["data"]["content"]
    assert "database on fire" not in call.body["data"]["content"]
    assert any("database on fire" in (r.exc_text or str(r.exc_info)) for r in caplog.records)


async def test_slow_work_is_deferred_then_followed_up(
    client: PullquoteBot, fake: FakeDiscord
) -> None:
    client.defer_after = 0.0
    payload = await fake.slash("quote", {"film": "Nosferatu"})
    call = await answer(fake, payload)
    assert call.body["type"] == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE ("thinking")
    assert call.body["data"]["flags"] & EPHEMERAL
    (followup,) = await fake.wait_for("POST", webhook_path(payload))
    assert followup.body["flags"] & EPHEMERAL
    assert embed_of(followup)["title"] == "Nosferatu (1922)"
    assert set(buttons(followup.body)) == {"Post", "Another", "Cancel"}


async def test_film_autocomplete(client: PullquoteBot, fake: FakeDiscord) -> None:
    payload = await fake.autocomplete("quote", "film", "nosferatu")
    call = await answer(fake, payload)
    assert call.body["type"] == 8
    choices = call.body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert choices[0]["name"] == "Nosferatu (1922)"
    assert choices[0]["value"].startswith("#")

    everything = await answer(fake, await fake.autocomplete("release", "film", ""))
    assert len(everything.body["data"]["choices"]) <= 25

    # The chosen value identifies the film when the command runs.
    chosen = await answer(fake, await fake.slash("quote", {"film": choices[0]["value"]}))
    assert embed_of(chosen)["title"] == "Nosferatu (1922)"


# -- preview buttons --------------------------------------------------------------------------


async def preview(fake: FakeDiscord, film: str = "Nosferatu") -> dict[str, Any]:
    """Run /quote as a preview; returns the preview message as the fake stored it."""
    call = await answer(fake, await fake.slash("quote", {"film": film}))
    assert call.body["data"]["flags"] & EPHEMERAL
    return max(fake.messages.values(), key=lambda m: int(m["id"]))


async def test_post_publishes_with_shared_by_and_removes_the_preview(
    client: PullquoteBot, fake: FakeDiscord
) -> None:
    message = await preview(fake)
    shown = message["embeds"][0]["description"]
    click = await fake.click(message, buttons(message)["Post"])
    call = await answer(fake, click)
    assert call.body["type"] == 6  # DEFERRED_UPDATE_MESSAGE
    (post,) = await fake.wait_for("POST", webhook_path(click))
    assert post.body["content"] == f"shared by <@{USER_ID}>"
    assert post.body["allowed_mentions"] == {"parse": []}
    assert not (post.body.get("flags") or 0) & EPHEMERAL
    assert not post.body.get("components")
    assert embed_of(post)["description"] == shown
    await fake.wait_for("DELETE", webhook_path(click, "/messages/@original"))
    assert int(message["id"]) not in fake.messages


async def test_double_post_posts_once(client: PullquoteBot, fake: FakeDiscord) -> None:
    message = await preview(fake)
    post_id = buttons(message)["Post"]
    mark = len(fake.calls)
    first, second = await fake.click(message, post_id), await fake.click(message, post_id)
    await answer(fake, first)
    again = await answer(fake, second)
    await fake.wait_for("DELETE", since=mark)
    posts = [c for c in fake.find("POST", r"^/webhooks/", since=mark) if c.body.get("content")]
    assert len(posts) == 1
    assert again.body["data"]["flags"] & EPHEMERAL
    assert "already been posted" in again.body["data"]["content"]


async def test_another_never_repeats_the_same_pick_twice_in_a_row(
    client: PullquoteBot, fake: FakeDiscord
) -> None:
    message = await preview(fake)
    seen = [buttons(message)["Post"]]
    for _ in range(6):
        click = await fake.click(message, buttons(message)["Another"])
        call = await answer(fake, click)
        assert call.body["type"] == 7  # UPDATE_MESSAGE
        assert call.body["data"]["allowed_mentions"] == {"parse": []}
        message = fake.messages[int(message["id"])]
        post_id = buttons(message)["Post"]
        assert post_id.split(":")[2] != seen[-1].split(":")[2]  # a different snippet
        assert post_id.split(":")[3] == seen[-1].split(":")[3]  # the same preview
        seen.append(post_id)


async def test_cancel_removes_the_preview(client: PullquoteBot, fake: FakeDiscord) -> None:
    message = await preview(fake)
    click = await fake.click(message, buttons(message)["Cancel"])
    assert (await answer(fake, click)).body["type"] == 6
    await fake.wait_for("DELETE", webhook_path(click, "/messages/@original"))
    assert int(message["id"]) not in fake.messages


async def test_previews_are_not_kept_in_memory(client: PullquoteBot, fake: FakeDiscord) -> None:
    """A preview's buttons are dispatched by PreviewButton from their custom_id: discord.py
    keeps no View, nor a 15-minute timeout task, per preview."""
    store = client._connection._view_store
    for _ in range(3):
        await preview(fake)
    assert not store._views and not store._synced_message_views
    assert PreviewButton in store._dynamic_items.values()
    assert not [t for t in asyncio.all_tasks() if "timeout_task_impl" in repr(t.get_coro())]


async def test_preview_buttons_are_stopped_views_of_dynamic_buttons() -> None:
    card = Card(kind="critic_quote", title="T", body="b", snippet_id=42)
    actions = preview_actions(card, "n0nce")
    view = buttons_view(actions)
    assert view is not None
    (row,) = view.to_components()
    assert [(b["label"], b["custom_id"], b["style"]) for b in row["components"]] == [
        ("Post", actions[0].id, 1),
        ("Another", actions[1].id, 2),
        ("Cancel", actions[2].id, 4),
    ]
    assert all(isinstance(item, PreviewButton) for item in view.children)
    assert view.is_finished()  # so discord.py never stores it
    assert buttons_view(()) is None


async def test_an_expired_preview_answers_politely(client: PullquoteBot, fake: FakeDiscord) -> None:
    message = await preview(fake)
    old = dict(message, id=str(fake.snowflake(discord.utils.utcnow() - dt.timedelta(minutes=20))))
    call = await answer(fake, await fake.click(old, buttons(old)["Post"]))
    assert call.body["data"]["flags"] & EPHEMERAL
    assert "expired" in call.body["data"]["content"]
    assert not fake.find("POST", r"^/webhooks/")


async def test_buttons_work_after_a_restart(
    app: App, fake: FakeDiscord, client: PullquoteBot
) -> None:
    message = await preview(fake)
    await client.close()
    settings = app.settings.model_copy(
        update={"discord_api_base": fake.api_base, "discord_gateway_url": fake.gateway_url}
    )
    fake._gw.ready.clear()
    fresh = build_client(App(settings, app.store, app.service), guild_ready_timeout=0.01)
    async with running(fresh, fake):
        click = await fake.click(message, buttons(message)["Post"])
        await answer(fake, click)
        (post,) = await fake.wait_for("POST", webhook_path(click))
        assert post.body["content"].startswith("shared by")


# -- Discord trouble --------------------------------------------------------------------------


async def test_a_429_on_the_followup_is_retried(
    client: PullquoteBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    message = await preview(fake)
    fake.fail_next("POST", r"^/webhooks/", status=429, retry_after=0.05)
    click = await fake.click(message, buttons(message)["Post"])
    with caplog.at_level(logging.WARNING):
        posts = await fake.wait_for("POST", webhook_path(click), count=2)
    assert [p.status for p in posts] == [429, 200]
    assert posts[1].body["content"].startswith("shared by")
    await fake.wait_for("DELETE", webhook_path(click, "/messages/@original"))
    assert any("rate limited" in r.getMessage() for r in caplog.records)


async def test_unknown_interaction_10062_is_logged_and_the_bot_carries_on(
    client: PullquoteBot, fake: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake.fail_next("POST", r"/callback$", status=404, code=10062, message="Unknown interaction")
    with caplog.at_level(logging.WARNING, logger="adapters.discord"):
        payload = await fake.slash("quote", {"film": "Nosferatu"})
        (failed,) = await fake.wait_for("POST", callback_path(payload))
        assert failed.status == 404
        for _ in range(50):
            if any("10062" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.01)
    assert any("10062" in r.getMessage() for r in caplog.records)
    ok = await answer(fake, await fake.slash("quote", {"film": "Nosferatu"}))
    assert ok.status == 200 and ok.body["type"] == 4


async def test_a_server_error_is_retried(client: PullquoteBot, fake: FakeDiscord) -> None:
    fake.fail_next("POST", r"/callback$", status=502)
    payload = await fake.slash("film", {"title": "Charade"})
    calls = await fake.wait_for("POST", callback_path(payload), count=2, within=6)
    assert [c.status for c in calls] == [502, 200]


async def test_commands_keep_working_after_a_resume(
    client: PullquoteBot, fake: FakeDiscord
) -> None:
    await fake.drop()
    await fake.wait_resumed()
    assert fake.resumes == 1 and fake.identifies == 1
    call = await answer(fake, await fake.slash("film", {"title": "Metropolis"}))
    assert embed_of(call)["title"] == "Metropolis (1927)"


# -- content safety and limits ----------------------------------------------------------------


async def add_quote(store: SQLiteStore, title: str, text: str, *, spoiler: bool = False) -> None:
    review = f"A review of {title}. {text}"
    start = review.index(text)
    await store.add_reviews(
        [
            NewReview(
                film=NewFilm(title, 2001),
                text=review,
                content_hash=f"hash-{title}",
                outlet="The Long Review",
                critic="Ada Brook",
                snippets=(
                    NewSnippet(
                        "critic_quote",
                        text,
                        start,
                        start + len(text),
                        "Ada Brook",
                        "The Long Review",
                        1.0,
                        spoiler,
                    ),
                ),
            )
        ]
    )


def assert_within_limits(embed: dict[str, Any]) -> None:
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    assert len(embed.get("title", "")) <= 256
    assert len(embed.get("description", "")) <= 4096
    assert len(embed.get("fields", [])) <= 25
    for f in embed.get("fields", []):
        assert len(f["name"]) <= 256 and len(f["value"]) <= 1024
        total += len(f["name"]) + len(f["value"])
    assert total <= 6000


async def test_a_10000_character_quote_fits_and_keeps_its_attribution(
    client: PullquoteBot, fake: FakeDiscord, app: App
) -> None:
    words = " ".join(f"word{i}" for i in range(2000))
    text = (words + ". ")[:10_000]
    await add_quote(app.store, "Longest Take", text)
    app.service.invalidate()
    call = await answer(fake, await fake.slash("quote", {"film": "Longest Take", "public": True}))
    embed = embed_of(call)
    assert_within_limits(embed)
    description = embed["description"]
    assert description.endswith("\n— Ada Brook, The Long Review")
    body = description.rsplit("\n— ", 1)[0]
    assert body.startswith("“word0 word1") and body.endswith("…”")
    assert body[-3] != " " and body[1:-2].split()[-1].startswith("word")  # a whole word
    assert 3500 < len(description) <= 4096


async def test_mentions_and_markdown_in_a_quote_are_escaped(
    client: PullquoteBot, fake: FakeDiscord, app: App
) -> None:
    text = "**Loud** @everyone and @here and <@123456789012345678> ~~gone~~ `code` _x_ ||no||."
    await add_quote(app.store, "Noisy Film", text)
    app.service.invalidate()
    message = await preview(fake, "Noisy Film")
    description = message["embeds"][0]["description"]
    assert "@\u200beveryone" in description and "@\u200bhere" in description
    assert "<@\u200b123456789012345678>" in description
    assert "\\*\\*Loud\\*\\*" in description and "\\~\\~gone\\~\\~" in description
    assert "\\`code\\`" in description and "\\|\\|no\\|\\|" in description
    click = await fake.click(message, buttons(message)["Post"])
    (post,) = await fake.wait_for("POST", webhook_path(click))
    assert embed_of(post)["description"] == description
    # allowed_mentions none on every message the bot sent, whatever the route.
    sent = [c for c in fake.calls if c.method in ("POST", "PATCH") and c.body]
    bodies = [c.body.get("data", c.body) for c in sent]
    messages = [b for b in bodies if "embeds" in b or "content" in b]
    assert messages and all(b["allowed_mentions"] == {"parse": []} for b in messages)


async def test_spoilers_are_hidden(client: PullquoteBot, fake: FakeDiscord, app: App) -> None:
    await add_quote(app.store, "Twist Ending", "The butler was the ghost all along.", spoiler=True)
    app.service.invalidate()
    message = await preview(fake, "Twist Ending")
    description = message["embeds"][0]["description"]
    assert description.startswith("||“The butler") and "”||\n— Ada Brook" in description


# -- sync ----------------------------------------------------------------------------------


async def test_sync_pushes_every_declared_command(app: App, fake: FakeDiscord) -> None:
    from adapters.discord.bot import sync_commands
    from bot.commands import COMMANDS

    settings = app.settings.model_copy(
        update={"discord_api_base": fake.api_base, "discord_gateway_url": fake.gateway_url}
    )
    names = await sync_commands(App(settings, app.store, app.service))
    (put,) = fake.find("PUT", rf"^/applications/{APP_ID}/commands$")
    synced = {c["name"]: c for c in put.json}
    expected = {c.name for c in COMMANDS if c.name != "help"} | {"pullquote"}
    assert set(names) == set(synced) == expected
    film = next(o for o in synced["quote"]["options"] if o["name"] == "film")
    assert film["autocomplete"] is True and film["max_length"] == 200
    assert film["type"] == 3 and film["required"] is False
    release_film = next(o for o in synced["release"]["options"] if o["name"] == "film")
    assert release_film["required"] is True
    public = next(o for o in synced["quote"]["options"] if o["name"] == "public")
    assert public["type"] == 5
    assert synced["pullquote"]["options"][0]["name"] == "help"
    assert not fake.identifies  # sync never opens the gateway

    await sync_commands(App(settings, app.store, app.service), guild_id=42)
    (guild_put,) = fake.find("PUT", rf"^/applications/{APP_ID}/guilds/42/commands$")
    assert {c["name"] for c in guild_put.json} == expected


async def test_admin_commands_are_checked_when_run(client: PullquoteBot, fake: FakeDiscord) -> None:
    denied = await answer(fake, await fake.slash("daily", sub="status", admin=False))
    assert denied.body["data"]["flags"] & EPHEMERAL
    assert denied.body["data"]["content"] == (
        "Only members with the Manage Server permission can use /daily status."
    )
    allowed = await answer(fake, await fake.slash("daily", sub="status", admin=True))
    assert "Manage Server" not in str(allowed.body)
    assert embed_of(allowed)["title"] == "No daily post here"
