"""Regression tests, one per violation of the platforms' rules found in what the bot sent:
each failed before its fix (the fakes answered 400 / invalid_blocks, or the checks in
tests/platform_specs.py reported it)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import render as discord_render
from adapters.discord.bot import PullquoteBot, build_client, use_endpoints
from adapters.slack import render as slack_render
from adapters.wire import units
from bot.app import App
from bot.cards import Card
from bot.config import Settings
from bot.service import Service
from storage.records import NewFilm, NewReview, NewSnippet
from storage.sqlite import SQLiteStore
from tests.conftest import TODAY
from tests.discord_fake import FakeDiscord, callback_path, running
from tests.hostile import DISCORD_ENTITIES, FLAG, SLACK_ENTITIES, discord_entities, slack_entities
from tests.platform_specs import discord_violations, slack_message

CALLBACK = "/interactions/1/tok/callback"
LONG_TITLE = "The " + "Interminable " * 300 + "Film"


def quote(**changes: Any) -> Card:
    fields: dict[str, Any] = {
        "kind": "critic_quote",
        "title": "Nosferatu (1922)",
        "body": "“A shadow over the harbour.”",
        "attribution": "Ada Brook, Reel Weekly",
        "snippet_id": 1,
        **changes,
    }
    return Card(**fields)


def discord_body(card: Card) -> dict[str, Any]:
    message = discord_render.render_card(card)
    return {"type": 4, "data": {"embeds": [message.embed.to_dict()],
                                "allowed_mentions": {"parse": []}}}


def slack_body(card: Card) -> dict[str, Any]:
    return {"response_type": "ephemeral", **slack_render.message(card)}


# -- 1. a Discord error reply over the 2,000-character content limit ---------------------------


@pytest.fixture
async def long_title_client(tmp_path: Path) -> AsyncIterator[tuple[FakeDiscord, int]]:
    """The real client against the fake, over a store whose one film has a 3,900-character
    title and no release dates."""
    store = await SQLiteStore.open(tmp_path / "long.db")
    text = "A shadow over the harbour."
    review = f"Ada Brook wrote: “{text}”"
    await store.add_reviews([NewReview(
        film=NewFilm(LONG_TITLE, 1999), text=review, content_hash="long-title",
        outlet="Reel Weekly", critic="Ada Brook",
        snippets=(NewSnippet("critic_quote", text, review.index(text),
                             review.index(text) + len(text), "Ada Brook", "Reel Weekly", 1.0),),
    )])
    (film,) = await store.films()
    try:
        async with FakeDiscord() as fake:
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                discord_token="fake-token",  # type: ignore[arg-type]
                pullquote_db=tmp_path / "long.db",
                discord_api_base=fake.api_base,
                discord_gateway_url=fake.gateway_url,
            )
            service = Service(store, today=lambda: TODAY, rng=random.Random(1))
            client: PullquoteBot = build_client(App(settings, store, service),
                                                guild_ready_timeout=0.01)
            try:
                async with running(client, fake):
                    yield fake, film.id
            finally:
                use_endpoints(None, None)
    finally:
        await store.close()


async def test_an_error_naming_a_long_film_fits_discords_content_limit(
    long_title_client: tuple[FakeDiscord, int],
) -> None:
    fake, film_id = long_title_client
    no_dates = await fake.slash("release", {"film": f"#{film_id}"})
    (call,) = await fake.wait_for("POST", callback_path(no_dates))
    assert call.status == 200, fake.violations
    content = call.body["data"]["content"]
    assert content.startswith("No release dates for The Interminable")
    assert units(content) <= 2000
    # "No film called ... Did you mean <the long title>?"
    near = await fake.slash("quote", {"film": "The Interminable Interminable Filn"})
    (call,) = await fake.wait_for("POST", callback_path(near))
    assert call.status == 200, fake.violations
    assert units(call.body["data"]["content"]) <= 2000
    assert fake.violations == []


def test_error_text_fits_in_either_count() -> None:
    for title in (LONG_TITLE, FLAG * 1500, "*_" * 1500):
        content = discord_render.error_text(f"No release dates for {title} yet.")
        assert len(content) <= 2000 and units(content) <= 2000
        assert content.startswith("No release dates for")


# -- 2. an embed url that is not an RFC 3986 URI ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expect"),
    [
        ("https://example.com/critique/été", "https://example.com/critique/%C3%A9t%C3%A9"),
        ('https://example.org/a|b"c"', "https://example.org/a%7Cb%22c%22"),
        ("https://example.org/with space", "https://example.org/with%20space"),
        ("https://bücher.example/rezension", "https://xn--bcher-kva.example/rezension"),
        ("https://example.org/100%", "https://example.org/100%25"),
        ("https://exa mple.org/", None),
        ("https://user@example.org/", None),
        ("javascript:alert(1)", None),
        ("https://example.org/" + "p" * 3100, None),
    ],
)
def test_links_are_encoded_or_dropped(url: str, expect: str | None) -> None:
    card = quote(url=url)
    assert discord_render.render_card(card).embed.url == expect
    assert discord_violations("POST", CALLBACK, discord_body(card)) == []
    blocks = slack_render.card_blocks(card)
    link = f"<{expect}|Read the review>" if expect else "Read the review"
    assert (link in str(blocks)) == (expect is not None)
    assert slack_message(slack_body(card)) == []


def test_a_link_over_discords_2048_is_dropped_there_only() -> None:
    card = quote(url="https://example.org/" + "p" * 2100)
    assert discord_render.render_card(card).embed.url is None
    assert "Read the review" in str(slack_render.card_blocks(card))


# -- 3. a Slack context block over 3,000 characters ---------------------------------------------


def test_a_3000_character_review_url_does_not_overflow_the_context_block() -> None:
    huge = quote(url="https://example.org/" + "p" * 2990)
    assert slack_message(slack_body(huge)) == []
    assert "Read the review" not in str(slack_render.card_blocks(huge))
    fits = quote(url="https://example.org/" + "p" * 2900)
    assert slack_message(slack_body(fits)) == []
    assert "Read the review" in str(slack_render.card_blocks(fits))


# -- 4. lengths counted as the platforms count them ---------------------------------------------


def test_flags_count_twice_and_every_limit_still_holds() -> None:
    card = quote(title=FLAG * 200, body="“" + FLAG * 3000 + "”",
                 attribution="Ada " + FLAG * 20, footer=FLAG * 1000)
    embed = discord_render.render_card(card).embed.to_dict()
    assert units(embed["title"]) <= 256 and units(embed["description"]) <= 4096
    assert units(embed["footer"]["text"]) <= 2048
    assert embed["description"].endswith("\n— Ada " + FLAG * 20)
    assert discord_violations("POST", CALLBACK, discord_body(card)) == []
    blocks = slack_render.card_blocks(card)
    assert units(blocks[0]["text"]["text"]) <= 150
    assert slack_message(slack_body(card)) == []
    assert discord_render.choice(FLAG * 60) and units(discord_render.choice(FLAG * 60)) <= 100


# -- 5. review text that would render as a platform entity --------------------------------------


@pytest.mark.parametrize("entity", DISCORD_ENTITIES.split())
def test_discord_entities_in_review_text_stay_literal(entity: str) -> None:
    card = quote(body=f"“Look: {entity} here.”", title=f"Film {entity}",
                 attribution=f"Ada {entity}")
    embed = discord_render.render_card(card).embed.to_dict()
    for text in (embed["title"], embed["description"]):
        assert discord_entities(text) == [], text
    # What Discord shows: the backslash escapes vanish, the text reads as it was typed.
    shown = embed["description"].replace("\\<", "<").replace("\\_", "_").replace("\u200b", "")
    assert f"Look: {entity} here." in shown


@pytest.mark.parametrize("entity", SLACK_ENTITIES.split())
def test_slack_entities_in_review_text_stay_literal(entity: str) -> None:
    card = quote(body=f"“Look: {entity} here.”", title=f"Film {entity}",
                 attribution=f"Ada {entity}", footer=entity)
    message = slack_body(card)
    for block in message["blocks"]:
        for element in [block.get("text") or {}, *block.get("elements", [])]:
            if element.get("type") == "mrkdwn":
                assert slack_entities(element["text"]) == [], element["text"]
    assert slack_entities(message["text"]) == []
    section = next(b for b in message["blocks"] if b["type"] == "section")
    assert slack_render.unescape(section["text"]["text"]).startswith(f"“Look: {entity} here.”")
