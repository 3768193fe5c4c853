"""Attack the renderers: awful reviews (huge titles, 6,000-character quotes, every Unicode
oddity, links with spaces, quotes, pipes and non-ASCII, Discord and Slack markup and
entities) rendered directly and run through the real adapters against the loopback fakes,
with the platform checks on. Nothing may break a platform's rules, render as a platform
entity, or lose the attribution when the body is cut."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from adapters.discord import render as discord_render
from adapters.discord import replies as discord_replies
from adapters.discord.bot import build_client, use_endpoints
from adapters.discord.forms import FormModal
from adapters.discord.poster import discord_poster
from adapters.discord.views import buttons_view
from adapters.slack import build_slack_adapter, make_client, web_app
from adapters.slack import render as slack_render
from adapters.slack import replies as slack_replies
from adapters.slack.poster import slack_poster
from adapters.wire import units
from bot.app import App
from bot.cards import Card
from bot.config import Settings
from bot.preview import preview_actions
from bot.reply import Form, FormField, Reply
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests import hostile
from tests.conftest import TODAY
from tests.discord_fake import (
    APP_ID,
    CHANNEL_ID,
    USER_ID,
    FakeDiscord,
    buttons,
    callback_path,
    running,
    webhook_path,
)
from tests.platform_specs import discord_violations, slack_message, slack_view
from tests.slack_fake import FakeSlack
from tests.test_slack import Harness, slack_settings
from tests.test_slack import buttons as slack_buttons

CARDS = 250
CALLBACK = "/interactions/1/tok/callback"
SHARED_BY = f"shared by <@{USER_ID}>"


# -- rendering, directly ------------------------------------------------------------------------


def snippets(card: Card) -> list[Card]:
    """The cards whose attribution must show: the card itself, or a search's results."""
    if card.kind == "search" and card.results:
        return [r for r in card.results if who(r)]
    return [card] if who(card) else []


def who(card: Card) -> str:
    """The attribution as shown: on one line (the renderers' `one_line`)."""
    return " ".join((card.attribution or "").split())


def discord_problems(card: Card) -> list[str]:
    """Everything wrong with `card` as a preview (callback) and as a post (followup)."""
    preview = discord_render.render_card(card)
    view = buttons_view(preview_actions(card, "n0nce"))
    components = view.to_components() if view is not None else []
    embed = preview.embed.to_dict()
    bodies = [
        ("POST", CALLBACK, {"type": 4, "data": {"embeds": [embed], "components": components,
                                                "allowed_mentions": {"parse": []}, "flags": 64}}),
    ]
    posted = discord_render.render_card(card, content=SHARED_BY)
    bodies.append(("POST", f"/webhooks/{APP_ID}/tok", {
        "content": posted.content, "embeds": [posted.embed.to_dict()],
        "allowed_mentions": {"parse": []}}))
    problems = [p for m, path, body in bodies for p in discord_violations(m, path, body)]
    problems += [f"entity {e!r}" for t in hostile.embed_texts(embed)
                 for e in hostile.discord_entities(t)]
    description = embed.get("description") or ""
    for s in snippets(card):
        if not card.results:
            line = description.rsplit("\n— ", 1)
            expected = discord_render.escape(who(s))
            if len(line) != 2 or not line[1].strip():
                problems.append(f"attribution lost: {description[-80:]!r}")
            elif units(expected) <= 200 and line[1] != expected:
                problems.append(f"attribution cut: {line[1][:80]!r}")
    if card.results and description.count("\n— ") < len(snippets(card)):
        problems.append("a search result lost its attribution")
    return problems


def slack_problems(card: Card) -> list[str]:
    """Everything wrong with `card` as a Slack preview (with a note and buttons) and post."""
    actions = preview_actions(card, "n0nce")
    preview = {"response_type": "ephemeral",
               **slack_render.message(card, actions=actions, note=card.footer)}
    posted = slack_render.message(card, shared_by="U0BOB")
    problems = slack_message(preview) + slack_message(posted)
    for message in (preview, posted):
        for text in hostile.mrkdwn_texts(message):
            problems += [f"entity {e!r}" for e in
                         hostile.slack_entities(text, allowed=("<@U0BOB>",))]
    sections = [b["text"]["text"] for b in posted["blocks"]
                if b["type"] == "section" and "text" in b]
    for s in snippets(card):
        line = f"— _{slack_render.escape(who(s))}_"
        if units(line) <= 1000 and not any(t.endswith("\n" + line) for t in sections):
            problems.append(f"attribution lost: {line[:80]!r}")
        elif not any("\n— _" in t for t in sections):
            problems.append("attribution lost")
    return problems


@pytest.mark.parametrize("seed", range(4))
def test_hostile_cards_render_within_every_platform_rule(seed: int) -> None:
    found: dict[str, list[str]] = {}
    for i, card in enumerate(hostile.cards(seed, CARDS // 4)):
        problems = discord_problems(card) + slack_problems(card)
        if problems:
            found[f"card {i} ({card.kind}, title {card.title[:30]!r})"] = problems[:5]
    assert found == {}


def test_hostile_text_in_error_replies() -> None:
    for text in hostile.TEXTS:
        for message in (f"No release dates for {text} yet.", text):
            content = discord_render.error_text(message)
            body = {"type": 4, "data": {"content": content, "flags": 64,
                                        "allowed_mentions": {"parse": []}}}
            assert discord_violations("POST", CALLBACK, body) == []
            assert hostile.discord_entities(content) == []
            slack = {"response_type": "ephemeral", **slack_render.error_message(message)}
            assert slack_message(slack) == []
            assert all(hostile.slack_entities(t) == [] for t in hostile.mrkdwn_texts(slack))


def hostile_form(rng: random.Random) -> Form:
    fields = tuple(
        FormField(f"f{i}", hostile.pick(rng), required=rng.random() < 0.5,
                  long=rng.random() < 0.5, max_length=rng.choice([1, 200, 4000, 10_000]),
                  placeholder=hostile.pick(rng) if rng.random() < 0.7 else None)
        for i in range(rng.randint(1, 5))
    )
    return Form("pq:form:note", hostile.pick(rng), fields, submit=hostile.pick(rng))


@pytest.mark.parametrize("seed", range(2))
def test_hostile_forms_open_as_modals_within_every_platform_rule(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        form = hostile_form(rng)
        modal = {"type": 9, "data": FormModal(form).to_dict()}
        assert discord_violations("POST", CALLBACK, modal) == [], form
        origin = {"channel": "C0GENERAL", "response_url": "https://hooks.slack.com/x"}
        assert slack_view(slack_replies.form_view(form, origin)) == [], form


def test_hostile_notes_and_errors_in_discord_replies() -> None:
    rng = random.Random(7)
    for text in hostile.TEXTS:
        card = hostile.card(rng)
        for reply in (Reply("public", (card,), text=text, shared_by=str(USER_ID)),
                      Reply("preview", (card,), text=text * 40)):
            content = discord_replies.message(reply).get("content")
            if content is None:
                continue
            assert units(content) <= 2000 and content.strip()
            entities = hostile.discord_entities(content.replace(SHARED_BY, ""))
            assert entities == [], content[:200]


# -- through the real adapters ----------------------------------------------------------------


@pytest.fixture
async def hostile_store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    store = await SQLiteStore.open(tmp_path / "hostile.db")
    await store.add_reviews(hostile.reviews())
    try:
        yield store
    finally:
        await store.close()


def film_ids(films: list[Any]) -> list[str]:
    return [f"#{f.id}" for f in films]


@pytest.mark.parametrize("defer_after", [1.5, 0.0], ids=["answer", "defer-then-followup"])
async def test_hostile_reviews_through_discord(
    hostile_store: SQLiteStore, tmp_path: Path, defer_after: float
) -> None:
    async with FakeDiscord() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            discord_token="fake-token",  # type: ignore[arg-type]
            pullquote_db=tmp_path / "hostile.db",
            discord_api_base=fake.api_base,
            discord_gateway_url=fake.gateway_url,
        )
        service = Service(hostile_store, today=lambda: TODAY, rng=random.Random(5))
        if defer_after == 0.0:
            # Another answers from memory at once; a little latency makes it defer and
            # then edit the preview through the webhook (PATCH @original).
            another = service.another

            async def slow_another(*args: Any, **kwargs: Any) -> Card:
                await asyncio.sleep(0.01)
                return await another(*args, **kwargs)

            service.another = slow_another  # type: ignore[method-assign]
        client = build_client(
            App(settings, hostile_store, service), defer_after=defer_after,
            guild_ready_timeout=0.01,
        )
        try:
            async with running(client, fake):
                await drive_discord(fake, film_ids(await hostile_store.films()))
                poster = discord_poster(client)
                for i, card in enumerate(hostile.cards(11, 12)):
                    await poster.post(str(CHANNEL_ID), card, idempotency_key=f"pq{i}")
        finally:
            use_endpoints(None, None)
        assert fake.violations == []
        check_discord_calls(fake)


async def answered(fake: FakeDiscord, payload: dict[str, Any]) -> None:
    """Wait for the answer to `payload`: its callback, and after a defer its followup."""
    (callback,) = await fake.wait_for("POST", callback_path(payload))
    if callback.body.get("type") == 5:
        await fake.wait_for("POST", webhook_path(payload))
    elif callback.body.get("type") == 6:
        await fake.wait_for(None, webhook_path(payload, "/messages/@original"))


async def drive_discord(fake: FakeDiscord, films: list[str]) -> None:
    """Every command and click on every hostile film, plus hostile queries."""
    for value in films:
        for name, options in (
            ("quote", {"film": value, "public": True}),
            ("review", {"film": value, "public": True}),
            ("release", {"film": value}),
            ("film", {"title": value}),
        ):
            await answered(fake, await fake.slash(name, options))
        preview = await fake.slash("quote", {"film": value})
        await answered(fake, preview)
        message = fake.messages[max(fake.messages)]
        assert set(buttons(message)) == {"Post", "Another", "Cancel"}
        await answered(fake, await fake.click(message, buttons(message)["Another"]))
        message = fake.messages[int(message["id"])]
        click = await fake.click(message, buttons(message)["Post"])
        await fake.wait_for("DELETE", webhook_path(click, "/messages/@original"))
    for value in films[:8]:
        for sub, options in (
            ("set", {"time": "09:00", "timezone": "Europe/London", "film": value}),
            ("status", {}), ("now", {}), ("off", {}),
        ):
            await answered(fake, await fake.slash("daily", options, sub=sub, admin=True))
    for text in hostile.TEXTS:
        query = text.strip()[:200] or "x"
        await answered(fake, await fake.slash(
            "daily", {"time": query[:20], "timezone": query}, sub="set", admin=True))
        for name, options in (("search", {"text": query}), ("quote", {"film": query}),
                              ("release", {"film": "Film 2 " + query[:150]})):
            await answered(fake, await fake.slash(name, options))
        await answered(fake, await fake.autocomplete("quote", "film", query))


def check_discord_calls(fake: FakeDiscord) -> None:
    """No entity in anything shown; every critic quote keeps its attribution line."""
    quotes = 0
    for call in fake.calls:
        data = call.body.get("data", call.body) if isinstance(call.body, dict) else {}
        if not isinstance(data, dict):
            continue
        content = data.get("content") or ""
        if content != SHARED_BY:
            assert hostile.discord_entities(content) == [], content[:200]
        for embed in data.get("embeds") or []:
            for text in hostile.embed_texts(embed):
                assert hostile.discord_entities(text) == [], text[:200]
            if embed.get("color") == 0x5865F2:  # a critic quote
                quotes += 1
                assert "\n— " in embed["description"], embed["description"][-200:]
    assert quotes >= 25


async def test_hostile_reviews_through_slack(hostile_store: SQLiteStore, tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    fake.users["U0ALICE"] = {"is_admin": True}
    try:
        settings = slack_settings(fake, tmp_path / "hostile.db")
        service = Service(hostile_store, today=lambda: TODAY, rng=random.Random(5))
        core = App(settings, hostile_store, service)
        async with aiohttp.ClientSession() as http:
            adapter = build_slack_adapter(core, client=make_client(settings, session=http))
            assert adapter.bolt is not None
            runner = web.AppRunner(web_app(adapter), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            slack = Harness(fake, core, f"http://127.0.0.1:{port}/slack/events", http, adapter)
            try:
                await drive_slack(slack, film_ids(await hostile_store.films()))
                poster = slack_poster(make_client(settings, session=http))
                for i, card in enumerate(hostile.cards(13, 12)):
                    await poster.post("C0GENERAL", card, idempotency_key=f"pq{i}")
            finally:
                await runner.cleanup()
                await adapter.drain()
        assert fake.violations == []
        check_slack_calls(fake)
    finally:
        await fake.close()


async def drive_slack(slack: Harness, films: list[str]) -> None:
    """Every subcommand and click on every hostile film, plus hostile queries."""
    fake = slack.fake
    for value in films:
        for line in (f"quote {value} public:yes", f"review {value} public:yes",
                     f"release {value}", f"film {value}"):
            await reply_to(slack, line)
        preview = await reply_to(slack, f"quote {value}")
        verbs = slack_buttons(preview)
        if "another" in verbs:
            before = len(fake.replies())
            await slack.click(verbs["another"])
            await slack.reply(before + 1)
            before = len(fake.posts())
            await slack.click(verbs["post"])
            await fake.wait_for(lambda n=before: len(fake.posts()) > n)
    for value in films[:8]:
        for line in (f"daily set 09:00 Europe/London film:{value}", "daily status",
                     "daily now", "daily off"):
            await reply_to(slack, line)
    for text in hostile.TEXTS:
        query = " ".join(text.split())[:150] or "x"
        for line in (f"search {query}", f"quote {query}", f"release Film 2 {query}", query,
                     f"daily set {query[:20]} {query}", "help"):
            await reply_to(slack, line)


async def reply_to(slack: Harness, line: str) -> dict[str, Any]:
    """Run `/pullquote line`; the reply, or the channel post (`public:yes`)."""
    fake = slack.fake

    def answers() -> list[Any]:
        return [c for c in fake.calls if c.kind in ("ack", "response")
                or (c.kind, c.name) == ("api", "chat.postMessage")]

    before = len(answers())
    status, _ = await slack.command(line)
    assert status == 200
    await fake.wait_for(lambda: len(answers()) > before)
    return dict(answers()[-1].data)


def check_slack_calls(fake: FakeSlack) -> None:
    """No entity in any mrkdwn shown but our own mention; quotes keep their attribution."""
    quotes = 0
    for call in fake.calls:
        if call.kind not in ("ack", "response", "api") or "blocks" not in call.data:
            continue
        for text in hostile.mrkdwn_texts(call.data):
            assert hostile.slack_entities(text, allowed=("<@U0ALICE>",)) == [], text[:200]
            quotes += "\n— _" in text
    assert quotes >= 25
