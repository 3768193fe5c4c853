"""Forms end to end on every front end: a command whose handler answers with a form (as
`/addreview` without a URL will) opens a Slack modal, a Discord modal or console prompts,
and the submission runs the same command with the values through `Core.submit`. The
command here is declared for the test only: no front end knows it."""

from __future__ import annotations

import io
import json
import random
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from rich.console import Console
from slack_sdk.models.views import View

from adapters.console.app import run_console
from adapters.discord.bot import build_client, use_endpoints
from adapters.discord.commands import build_command
from adapters.slack import build_slack_adapter, make_client, web_app
from bot import commands
from bot.app import App
from bot.cards import Card
from bot.commands import Command, Option
from bot.config import Settings
from bot.core import form_for
from bot.invocation import Caller, Invocation
from bot.reply import Reply
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests.discord_fake import EPHEMERAL, USER_ID, FakeDiscord, callback_path, running
from tests.slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack, command_body, sign

NOTE = Command(
    "note",
    "Save a note for the channel",
    (
        Option("title", "Title", max_length=80, example="Seen tonight"),
        Option("body", "The text", long=True, max_length=2000),
    ),
)


async def note(inv: Invocation, caller: Caller) -> Card | Reply:
    """Without options, ask for them; with them, show the note."""
    if not inv.args:
        return Reply("private", form=form_for(NOTE, required=("title",)))
    return Card(kind="help", title=f"Note: {inv.args['title']}", body=str(inv.args.get("body")))


@pytest.fixture
async def app(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[App]:
    path = Path(shutil.copy(sample_db, tmp_path / "pullquote.db"))
    store = await SQLiteStore.open(path)
    settings = Settings(_env_file=None, pullquote_db=path)  # type: ignore[call-arg]
    built = App(settings, store, Service(store, rng=random.Random(3)))
    built.core.handlers["note"] = note
    monkeypatch.setattr(commands, "COMMANDS", (*commands.COMMANDS, NOTE))
    monkeypatch.setitem(commands.BY_NAME, "note", NOTE)
    try:
        yield built
    finally:
        await store.close()


def test_a_form_asks_for_the_commands_options() -> None:
    form = form_for(NOTE, required=("title",))
    assert form.id == "pq:form:note"
    assert [(f.name, f.required, f.long, f.placeholder) for f in form.fields] == [
        ("title", True, False, "Seen tonight"),
        ("body", False, True, None),
    ]


async def test_console_prompts_for_each_field(app: App) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, force_terminal=False, color_system=None)
    lines = "/note\nSeen tonight\nA long night.\nA good one.\n\n"
    await run_console(app.core, stdin=io.StringIO(lines), console=console)
    text = buffer.getvalue()
    assert "Save a note for the channel" in text and "Title: " in text
    assert "Note: Seen tonight" in text and "A long night.\nA good one." in text.replace("│", "")
    assert text.count("Note: Seen tonight") == 1


async def test_slack_opens_a_modal_and_answers_the_submission(app: App) -> None:
    fake = await FakeSlack().start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        pullquote_db=app.settings.pullquote_db,
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=fake.api_url,
    )
    slack_app = App(settings, app.store, app.service)
    slack_app.core.handlers["note"] = note
    try:
        async with aiohttp.ClientSession() as http:
            adapter = build_slack_adapter(slack_app, client=make_client(settings, session=http))
            assert adapter.bolt is not None
            runner = web.AppRunner(web_app(adapter), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/slack/events"  # type: ignore[union-attr]
            try:
                response_url = fake.response_url()
                body = command_body("note", response_url=response_url)
                async with http.post(url, data=body, headers=sign(body)) as resp:
                    assert resp.status == 200 and await resp.text() == ""
                await fake.wait_for(lambda: bool(fake.api("views.open")))
                (opened,) = fake.api("views.open")
                view = opened.data["view"]
                view = json.loads(view) if isinstance(view, str) else view
                View(**view).validate_json()  # slack_sdk's own model of a modal
                assert view["callback_id"] == "pq:form:note"
                assert [b["block_id"] for b in view["blocks"]] == ["title", "body"]
                assert view["blocks"][1]["element"]["multiline"] is True

                submission = submit_payload(view, {"title": "Seen tonight", "body": "Good."})
                body = urlencode({"payload": json.dumps(submission)})
                async with http.post(url, data=body, headers=sign(body)) as resp:
                    assert resp.status == 200
                await fake.wait_for(lambda: bool(fake.responses()))
                (answer,) = fake.responses()
                assert answer.name == response_url.rsplit("/", 1)[1]
                assert answer.data["response_type"] == "ephemeral"
                assert answer.data["blocks"][0]["text"]["text"] == "Note: Seen tonight"
            finally:
                await runner.cleanup()
                await adapter.drain()
    finally:
        await fake.close()


def submit_payload(view: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A view_submission as Slack sends it for the modal `view` filled with `values`."""
    state = {
        block["block_id"]: {
            block["element"]["action_id"]: {
                "type": "plain_text_input",
                "value": values.get(block["block_id"]),
            }
        }
        for block in view["blocks"]
    }
    return {
        "type": "view_submission",
        "team": {"id": "T0PULLQ", "domain": "pullquote-test"},
        "user": {"id": "U0ALICE", "username": "alice", "team_id": "T0PULLQ"},
        "api_app_id": "APULLQ01",
        "token": "deprecated-verification-token",
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        "view": {**view, "id": "V0NOTE", "state": {"values": state}},
    }


async def test_discord_opens_a_modal_and_answers_the_submission(
    app: App, tmp_path: Path
) -> None:
    async with FakeDiscord() as fake:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            pullquote_db=app.settings.pullquote_db,
            discord_token="fake-token",  # type: ignore[arg-type]
            discord_api_base=fake.api_base,
            discord_gateway_url=fake.gateway_url,
        )
        discord_app = App(settings, app.store, app.service)
        discord_app.core.handlers["note"] = note
        client = build_client(discord_app, guild_ready_timeout=0.01)
        try:
            async with running(client, fake):
                client.tree.add_command(build_command(NOTE))
                payload = await fake.slash("note")
                (modal,) = await fake.wait_for("POST", callback_path(payload))
                assert modal.body["type"] == 9  # MODAL
                data = modal.body["data"]
                assert data["custom_id"] == "pq:form:note"
                inputs = [c for row in data["components"] for c in row["components"]]
                assert [(i["label"], i["style"], i["required"]) for i in inputs] == [
                    ("Title", 1, True),
                    ("The text", 2, False),
                ]
                values = ["Seen tonight", "Good."]
                rows = [
                    {"type": 1, "components": [
                        {"type": 4, "custom_id": i["custom_id"], "value": v}
                    ]}
                    for i, v in zip(inputs, values, strict=True)
                ]
                submit = fake._interaction(
                    5, {"custom_id": data["custom_id"], "components": rows},
                    user_id=USER_ID, admin=False,
                )
                await fake.send(submit)
                (answer,) = await fake.wait_for("POST", callback_path(submit))
                assert answer.body["type"] == 4
                assert answer.body["data"]["flags"] & EPHEMERAL
                assert answer.body["data"]["embeds"][0]["title"] == "Note: Seen tonight"
        finally:
            use_endpoints(None, None)


async def test_a_preview_with_buttons_of_its_own(app: App) -> None:
    """Save / Cancel under a draft (as /addreview will show): the buttons are the core's
    Actions and a click on "save" goes to the click handler registered for that verb."""
    from bot.preview import Click, button, new_nonce

    async def draft(inv: Invocation, caller: Caller) -> Card | Reply:
        card = Card(kind="help", title="Draft: Seen tonight", body="Good.")
        nonce = new_nonce()
        actions = (button("save", "Save", "primary", 7, nonce),
                   button("cancel", "Cancel", "danger", 7, nonce))
        return Reply("preview", (card,), actions=actions)

    saved: list[int] = []

    async def save(click: Click, caller: Caller) -> Reply:
        saved.append(click.target)
        card = Card(kind="help", title="Saved", body="Draft 7 is in the collection.")
        return Reply("private", (card,), original="replace")

    app.core.handlers["note"] = draft
    app.core.clicks["save"] = save
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, force_terminal=False, color_system=None)
    await run_console(app.core, stdin=io.StringIO("/note\nsave\n"), console=console)
    text = buffer.getvalue()
    assert "[save]  [cancel]" in text and "(preview replaced)" in text
    assert "Draft 7 is in the collection." in text and saved == [7]
