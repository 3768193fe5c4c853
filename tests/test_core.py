"""The core's one entry point (bot/core.py) over a real SQLite store with the sample corpus:
access, visibility, clicks, errors and forms, decided once for every front end."""

from __future__ import annotations

import datetime as dt
import logging
import random

import pytest

from bot import commands
from bot.cards import Card
from bot.commands import COMMANDS, Command, Option
from bot.core import ALREADY_POSTED, EXPIRED, GENERIC_ERROR, Core, form_for
from bot.ingest.sample import load_sample_if_empty
from bot.invocation import Caller, parse
from bot.preview import action_id
from bot.reply import Reply
from bot.schedule.clock import ManualClock
from bot.service import Service
from storage.sqlite import SQLiteStore

NOW = dt.datetime(2026, 6, 1, 7, 0, tzinfo=dt.UTC)
ALICE = Caller("test", "c1", user="U1", workspace="W1")
ADMIN = Caller("test", "c1", user="U2", admin=True)


@pytest.fixture
async def core(store: SQLiteStore) -> Core:
    await load_sample_if_empty(store)
    return Core(Service(store, rng=random.Random(5)), store.schedules, clock=ManualClock(NOW))


def verbs(reply: Reply) -> list[str]:
    return [a.id.split(":")[1] for a in reply.actions]


async def test_every_declared_command_has_a_handler(core: Core) -> None:
    assert set(core.handlers) == {c.name for c in COMMANDS}


async def test_quote_is_a_private_preview_with_post_another_cancel(core: Core) -> None:
    reply = await core.line("/quote nosferatu", ALICE)
    assert reply.visibility == "preview" and reply.private
    assert reply.card is not None and reply.card.title == "Nosferatu (1922)"
    assert verbs(reply) == ["post", "another", "cancel"]
    assert reply.shared_by is None and reply.original == "keep"


async def test_public_option_posts_at_once_shared_by_the_user(core: Core) -> None:
    reply = await core.line("/review metropolis public:yes", ALICE)
    assert reply.visibility == "public" and reply.shared_by == "U1"
    assert reply.actions == ()


@pytest.mark.parametrize("line", ["/release nosferatu", "/film charade", "/search vampire"])
async def test_release_film_and_search_answer_in_the_channel(core: Core, line: str) -> None:
    reply = await core.line(line, ALICE)
    assert reply.visibility == "public" and reply.shared_by is None and reply.actions == ()


async def test_help_is_private_and_lists_every_command_with_daily(core: Core) -> None:
    for line in ("", "/help", "help me please"):
        reply = await core.line(line, ALICE)
        assert reply.visibility == "private"
        assert reply.card is not None
        names = [f.name for f in reply.card.fields]
        assert any(n.startswith("/quote") for n in names)
        assert any(n.startswith("/daily set|off") for n in names)


async def test_unknown_command_gets_the_help_with_a_note(core: Core) -> None:
    reply = await core.line("/frobnicate now", ALICE)
    assert reply.visibility == "private" and reply.card is not None
    assert reply.text == "There is no “frobnicate” command. Here is what I can do:"


async def test_user_errors_are_private_error_replies(core: Core) -> None:
    reply = await core.line("/quote the godfather", ALICE)
    assert reply.visibility == "error" and reply.cards == ()
    assert reply.text is not None and reply.text.startswith("No film called “the godfather”")
    bad = await core.line("/release", ALICE)
    assert bad.visibility == "error" and "/release needs film" in (bad.text or "")


async def test_unexpected_errors_are_logged_once_and_answered_generically(
    core: Core, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def boom(**_: object) -> Card:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(core.service, "quote", boom)
    with caplog.at_level(logging.ERROR):
        reply = await core.line("/quote", ALICE)
    assert reply == Reply.error(GENERIC_ERROR)
    failures = [r for r in caplog.records if r.exc_info]
    assert len(failures) == 1 and "database on fire" in str(failures[0].exc_info[1])


async def test_admin_commands_are_refused_naming_the_platforms_admins(core: Core) -> None:
    member = Caller("slack", "c1", user="U9", admins="workspace admins and owners")
    reply = await core.line("/daily status", member)
    assert reply == Reply.error("Only workspace admins and owners can use /daily status.")
    ok = await core.line("/daily status", ADMIN)
    assert ok.visibility == "private" and ok.card is not None


async def test_the_admin_check_is_asked_only_for_admin_commands(core: Core) -> None:
    asked: list[str] = []

    async def check() -> bool:
        asked.append("asked")
        return True

    caller = Caller("slack", "c1", user="U1", admin=check)
    await core.line("/quote", caller)
    await core.line("/release nosferatu", caller)
    assert asked == []
    assert (await core.line("/daily status", caller)).visibility == "private"
    assert asked == ["asked"]


async def test_daily_now_is_public_and_the_rest_private(core: Core) -> None:
    set_ = await core.line("/daily set 09:00 Europe/London", ADMIN)
    assert set_.visibility == "private" and set_.card is not None
    now = await core.line("/daily now", ADMIN)
    assert now.visibility == "public" and now.card is not None
    assert "Test post" in (now.card.footer or "")


# -- clicks -----------------------------------------------------------------------------------


async def preview(core: Core) -> Reply:
    reply = await core.line("/quote nosferatu", ALICE)
    assert reply.visibility == "preview"
    return reply


async def test_post_claims_once_and_shares_publicly(core: Core) -> None:
    shown = await preview(core)
    post = shown.actions[0].id
    reply = await core.click(post, Caller("test", "c1", user="U7"), shown_at=NOW)
    assert reply.visibility == "public" and reply.shared_by == "U7"
    assert reply.original == "delete" and reply.card == shown.card
    again = await core.click(post, ALICE, shown_at=NOW)
    assert again == Reply.error(ALREADY_POSTED)


async def test_another_replaces_the_preview_keeping_its_identity(core: Core) -> None:
    shown = await preview(core)
    reply = await core.click(shown.actions[1].id, ALICE)
    assert reply.visibility == "preview" and reply.original == "replace"
    assert reply.card is not None and shown.card is not None
    assert reply.card.snippet_id != shown.card.snippet_id
    assert reply.actions[0].id.split(":")[3] == shown.actions[0].id.split(":")[3]


async def test_cancel_deletes_the_preview_even_when_expired(core: Core) -> None:
    shown = await preview(core)
    old = NOW - dt.timedelta(hours=1)
    reply = await core.click(shown.actions[2].id, ALICE, shown_at=old)
    assert reply == Reply("none", original="delete")


async def test_expired_and_unknown_buttons_answer_politely(core: Core) -> None:
    shown = await preview(core)
    old = NOW - dt.timedelta(minutes=16)
    assert await core.click(shown.actions[0].id, ALICE, shown_at=old) == Reply.error(EXPIRED)
    assert await core.click("pq:post:abc:nonce", ALICE) == Reply.error(EXPIRED)
    assert await core.click(action_id("launch", 1, "n0nce"), ALICE) == Reply.error(EXPIRED)
    # The expired Post claimed nothing: the preview can still be posted while fresh.
    fresh = await core.click(shown.actions[0].id, ALICE, shown_at=NOW)
    assert fresh.visibility == "public"


async def test_a_refused_public_post_comes_back_as_a_fresh_preview(core: Core) -> None:
    shown = await preview(core)
    posted = await core.click(shown.actions[0].id, ALICE)
    back = core.undeliverable(posted, "Invite me first.")
    assert back.visibility == "preview" and back.text == "Invite me first."
    assert back.original == "replace" and back.card == posted.card
    assert back.actions[0].id != shown.actions[0].id  # a new preview: its Post is unspent
    assert core.undeliverable(Reply("public"), "Nope.") == Reply.error("Nope.")


# -- forms ------------------------------------------------------------------------------------


async def test_a_form_runs_its_command_with_the_submitted_values(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = Command(
        "note",
        "Save a note",
        (Option("title", "Title", required=True), Option("body", "Text", long=True)),
        answer="public",
    )
    monkeypatch.setattr(commands, "BY_NAME", {**commands.BY_NAME, "note": note})
    form = form_for(note)

    async def handler(inv: object, caller: Caller) -> Card | Reply:
        args = inv.args  # type: ignore[attr-defined]
        if not args:
            return Reply("private", form=form)
        return Card(kind="help", title=str(args["title"]), body=str(args.get("body")))

    core.handlers["note"] = handler
    assert [(f.name, f.required, f.long) for f in form.fields] == [
        ("title", True, False),
        ("body", False, True),
    ]
    reply = await core.submit(form.id, {"title": "Hi", "body": "two\nlines", "x": "y"}, ALICE)
    assert reply.visibility == "public" and reply.card is not None
    assert (reply.card.title, reply.card.body) == ("Hi", "two\nlines")
    missing = await core.submit(form.id, {"title": "  "}, ALICE)
    assert missing.visibility == "error" and "needs title" in (missing.text or "")
    assert await core.submit("pq:form:nothing", {}, ALICE) == Reply.error(EXPIRED)


def test_typed_lines_parse_to_the_same_invocation_a_form_gives() -> None:
    from bot.invocation import named

    quote = commands.command("quote")
    assert quote is not None
    typed = parse('/quote her outlet:"LA Times"')
    assert named(quote, {"film": "her", "outlet": "LA Times"}) == typed
