"""One contract for every front end: each declared command (with the example values its
options declare) and each button click (Another, Post, a double Post, Cancel, an expired
preview) is run through the console, the real discord.py client against the Discord fake,
and the real Bolt app against the Slack fake. Every front end must show the same cards, the
same visibility (private preview with buttons, public, private, error), the same "shared by"
and do the same to the original preview.

Each front end works on its own copy of the sample database with the same seeded random
generator and the same clock, so the core picks the same cards for all three. What each one
showed is read back from what reached the platform (the console's output, the interaction
callbacks and webhooks Discord received, the acks, response_url posts and chat.postMessage
calls Slack received) and compared with the Reply the core gave it; the core's Replies are
compared across the front ends. A new declaration is covered without touching this file."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import random
import re
import shutil
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import aiohttp
import pytest
from aiohttp import web
from rich.console import Console

from adapters.console.app import ConsoleChat
from adapters.discord.bot import build_client, use_endpoints
from adapters.slack import build_slack_adapter, make_client, web_app
from bot.app import App
from bot.cards import Action, Card
from bot.commands import COMMANDS, Command, command
from bot.config import Settings
from bot.core import Core
from bot.reply import Reply
from bot.schedule.clock import ManualClock
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests.discord_fake import FakeDiscord, callback_path, running
from tests.slack_fake import (
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlack,
    action_body,
    command_body,
    sign,
)

START = dt.datetime.now(dt.UTC).replace(microsecond=0)
SETTLE = 0.15
"""Seconds to let a front end finish what a step set off (further posts, deletes)."""


# -- the steps ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    command: Command
    parent: Command | None
    args: dict[str, str | bool]

    @property
    def label(self) -> str:
        words = [self.parent.name] if self.parent else []
        words += [self.command.name, *(f"{k}:{v}" for k, v in self.args.items())]
        return "/" + " ".join(words)


@dataclass(frozen=True)
class Click:
    verb: str
    again: bool = False
    """Click the button of a preview that is already gone (a double click)."""

    @property
    def label(self) -> str:
        return f"click {self.verb}" + (" again" if self.again else "")


@dataclass(frozen=True)
class Later:
    minutes: int

    @property
    def label(self) -> str:
        return f"{self.minutes} minutes later"


Step = Run | Click | Later


def example_args(cmd: Command) -> dict[str, str | bool]:
    """The command's options filled with their declared examples (or first choice)."""
    args: dict[str, str | bool] = {}
    for opt in cmd.options:
        value = opt.example or (opt.choices[0].value if opt.choices else None)
        if opt.type == "boolean" or value is None:
            assert not opt.required, f"/{cmd.name} {opt.name}: declare an example value"
            continue
        args[opt.name] = value
    return args


def steps() -> list[Step]:
    """Every declared command (a preview also with public:yes), then the buttons."""
    out: list[Step] = []
    for cmd in COMMANDS:
        for sub in cmd.subcommands:
            out.append(Run(sub, cmd, example_args(sub)))
        if not cmd.subcommands:
            out.append(Run(cmd, None, example_args(cmd)))
        if cmd.answer == "preview":
            out.append(Run(cmd, None, {**example_args(cmd), "public": True}))
    quote, review = command("quote"), command("review")
    assert quote is not None and review is not None
    out += [Run(quote, None, {}), Click("another"), Click("post"), Click("post", again=True)]
    out += [Run(review, None, {}), Click("cancel")]
    out += [Run(quote, None, {}), Later(20), Click("post")]
    return out


def typed(run: Run) -> str:
    """The step as typed in the console or after /pullquote on Slack."""
    words = [run.parent.name] if run.parent else []
    words.append(run.command.name)
    for name, value in run.args.items():
        words.append(f"{name}:yes" if value is True else f'{name}:"{value}"')
    return " ".join(words)


# -- what a front end showed -------------------------------------------------------------------


@dataclass
class Seen:
    """One step as it reached the platform, in neutral terms."""

    visibility: str = "none"
    shared: bool = False
    original: str = "keep"
    buttons: tuple[str, ...] = ()
    text: str = ""

    def signature(self) -> tuple[str, bool, str, tuple[str, ...]]:
        return self.visibility, self.shared, self.original, self.buttons


def signature(reply: Reply) -> tuple[str, bool, str, tuple[str, ...]]:
    """What a Reply asks the front end to show, in the same terms as `Seen`."""
    verbs = tuple(a.id.split(":")[1] for a in reply.actions)
    return reply.visibility, reply.shared_by is not None, reply.original, verbs


def squash(text: str) -> str:
    return " ".join(text.split())


def pieces(card: Card) -> list[str]:
    """What must be visible of a card wherever it is shown."""
    found = [card.title, card.attribution, card.footer]
    if card.results:
        for result in card.results:
            found += [result.body, result.attribution]
    else:
        found += card.body.splitlines()
    for f in card.fields:
        found += [f.name, *f.value.splitlines()]
    return [squash(p) for p in found if p and p.strip()]


class FrontEnd(Protocol):
    name: str
    replies: list[Reply]

    async def run(self, run: Run) -> Seen: ...

    async def click(self, click: Click) -> Seen: ...

    async def later(self, minutes: int) -> None: ...


def recording(core: Core, replies: list[Reply]) -> None:
    """Keep every Reply the core gives this front end."""
    for name in ("run", "line", "click", "submit"):
        method = getattr(core, name)

        def wrap(method: Callable[..., Awaitable[Reply]]) -> Callable[..., Awaitable[Reply]]:
            async def recorded(*args: Any, **kwargs: Any) -> Reply:
                reply = await method(*args, **kwargs)
                replies.append(reply)
                return reply

            return recorded

        setattr(core, name, wrap(method))


def copy_db(sample_db: Path, folder: Path) -> Path:
    folder.mkdir()
    return Path(shutil.copy(sample_db, folder / "pullquote.db"))


async def make_app(sample_db: Path, folder: Path, **settings: Any) -> tuple[App, SQLiteStore]:
    path = await asyncio.to_thread(copy_db, sample_db, folder)
    store = await SQLiteStore.open(path)
    config = Settings(_env_file=None, pullquote_db=path, **settings)  # type: ignore[call-arg]
    service = Service(store, rng=random.Random(7))
    return App(config, store, service, clock=ManualClock(START)), store


# -- the console ------------------------------------------------------------------------------


class ConsoleFront:
    name = "console"

    def __init__(self, app: App) -> None:
        self.core = app.core
        self.replies: list[Reply] = []
        recording(app.core, self.replies)
        self.buffer = io.StringIO()
        out = Console(file=self.buffer, width=2000, force_terminal=False, color_system=None)
        self.chat = ConsoleChat(app.core, io.StringIO(), out)
        self.last: dict[str, Action] = {}

    def _seen(self) -> Seen:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        seen = Seen(text=squash(text))
        if "(preview removed)" in text:
            seen.original = "delete"
        elif "(preview replaced)" in text:
            seen.original = "replace"
        if "(in the channel" in text:
            seen.visibility = "public"
            seen.shared = "shared by" in text
        elif self.chat.buttons and "[post]" in text:
            seen.visibility = "preview"
            seen.buttons = tuple(a.id.split(":")[1] for a in self.chat.buttons.values())
        elif "╭" in text:
            seen.visibility = "private"
        elif text.strip() and seen.original == "keep":
            seen.visibility = "error"
        if self.chat.buttons:
            self.last = dict(self.chat.buttons)
        return seen

    async def run(self, run: Run) -> Seen:
        await self.chat.handle("/" + typed(run))
        return self._seen()

    async def click(self, click: Click) -> Seen:
        if click.again:
            # The preview is gone from this screen; a second console still showing it
            # clicks the same button.
            await self.chat.click(self.last[click.verb])
        else:
            await self.chat.handle(click.verb)
        return self._seen()

    async def later(self, minutes: int) -> None:
        clock = self.core.clock
        assert isinstance(clock, ManualClock)
        await clock.advance(dt.timedelta(minutes=minutes))


# -- Discord ----------------------------------------------------------------------------------


def discord_text(message: dict[str, Any]) -> str:
    parts = [str(message.get("content") or "")]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        for f in embed.get("fields") or []:
            parts += [f["name"], f["value"]]
        parts.append((embed.get("footer") or {}).get("text", ""))
    text = "\n".join(parts).replace("\u200b", "").replace("||", "")
    # Discord shows a backslash-escaped punctuation character as the character itself.
    return squash(re.sub(r"\\([^\w\s])", r"\1", text))


def discord_buttons(message: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        c["custom_id"].split(":")[1]
        for row in message.get("components") or []
        for c in row.get("components", [])
    )


class DiscordFront:
    name = "discord"

    def __init__(self, app: App, fake: FakeDiscord) -> None:
        self.app = app
        self.fake = fake
        self.replies: list[Reply] = []
        recording(app.core, self.replies)
        self.preview: dict[str, Any] | None = None

    async def _after(self, mark: int, payload: dict[str, Any]) -> Seen:
        (callback,) = await self.fake.wait_for("POST", callback_path(payload), since=mark)
        await asyncio.sleep(SETTLE)
        seen = Seen()
        kind = callback.body["type"]
        data = callback.body.get("data") or {}
        later = self.fake.calls[mark:]
        if kind == 4:
            ephemeral = bool((data.get("flags") or 0) & 64)
            seen.text = discord_text(data)
            if not data.get("embeds"):
                seen.visibility = "error"
            elif not ephemeral:
                seen.visibility = "public"
                seen.shared = str(data.get("content") or "").startswith("shared by")
            elif data.get("components"):
                seen.visibility = "preview"
                seen.buttons = discord_buttons(data)
                self.preview = max(self.fake.messages.values(), key=lambda m: int(m["id"]))
            else:
                seen.visibility = "private"
        elif kind == 7:
            seen.original = "replace"
            seen.text = discord_text(data)
            seen.visibility = "preview" if data.get("components") else "private"
            seen.buttons = discord_buttons(data)
            assert self.preview is not None
            self.preview = self.fake.messages[int(self.preview["id"])]
        elif kind == 6:
            for call in later:
                if call.method == "POST" and call.path.startswith("/webhooks/"):
                    seen.visibility = "public"
                    seen.shared = str(call.body.get("content") or "").startswith("shared by")
                    seen.text = discord_text(call.body)
                if call.method == "DELETE":
                    seen.original = "delete"
        return seen

    async def run(self, run: Run) -> Seen:
        mark = len(self.fake.calls)
        name, sub = (run.parent.name, run.command.name) if run.parent else (run.command.name, None)
        if name == "help":
            name, sub = "pullquote", "help"
        payload = await self.fake.slash(name, dict(run.args), sub=sub, admin=True)
        return await self._after(mark, payload)

    async def click(self, click: Click) -> Seen:
        assert self.preview is not None
        ids = {c.split(":")[1]: c for c in _custom_ids(self.preview)}
        mark = len(self.fake.calls)
        payload = await self.fake.click(self.preview, ids[click.verb])
        return await self._after(mark, payload)

    async def later(self, minutes: int) -> None:
        clock = self.app.core.clock
        assert isinstance(clock, ManualClock)
        await clock.advance(dt.timedelta(minutes=minutes))


def _custom_ids(message: dict[str, Any]) -> list[str]:
    return [
        c["custom_id"]
        for row in message.get("components") or []
        for c in row.get("components", [])
    ]


# -- Slack ------------------------------------------------------------------------------------


def slack_text(message: dict[str, Any]) -> str:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str) and node.get("type") != "button":
                found.append(node["text"])
            for key, value in node.items():
                if key != "text" or not isinstance(value, str):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    if not message.get("blocks"):
        found.append(str(message.get("text") or ""))
    text = "\n".join(found).replace("/pullquote ", "/")
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return squash(text)


def slack_buttons(message: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        el["action_id"].split(":")[1]
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for el in block["elements"]
    )


class SlackFront:
    name = "slack"

    def __init__(self, app: App, fake: FakeSlack, url: str, http: aiohttp.ClientSession) -> None:
        self.app = app
        self.fake = fake
        self.url = url
        self.http = http
        self.replies: list[Reply] = []
        recording(app.core, self.replies)
        self.preview: dict[str, Any] | None = None
        self.response_url = ""
        self.shown_at = time.time()

    def _read(self, mark: int, ack: str) -> Seen:
        seen = Seen()
        messages = [json.loads(ack)] if ack else []
        for call in self.fake.calls[mark:]:
            if call.kind == "response":
                messages.append(call.data)
            elif call.kind == "api" and call.name == "chat.postMessage" and call.status == 200:
                seen.visibility = "public"
                seen.shared = "shared by <@" in json.dumps(call.data)
                seen.text = slack_text(call.data)
        for message in messages:
            if message.get("delete_original"):
                seen.original = "delete"
                continue
            if message.get("replace_original"):
                seen.original = "replace"
            seen.text = slack_text(message)
            blocks = message.get("blocks") or []
            if message.get("response_type") == "in_channel":
                seen.visibility = "public"
            elif not any(b["type"] == "header" for b in blocks):
                seen.visibility = "error"
            elif slack_buttons(message):
                seen.visibility = "preview"
                seen.buttons = slack_buttons(message)
                self.preview = message
                self.shown_at = time.time()
            else:
                seen.visibility = "private"
        return seen

    async def run(self, run: Run) -> Seen:
        mark = len(self.fake.calls)
        url = self.fake.response_url()
        body = command_body(typed(run), response_url=url)
        async with self.http.post(self.url, data=body.encode(), headers=sign(body)) as resp:
            assert resp.status == 200
            ack = await resp.text()
        if ack:
            self.fake.check("ack", json.loads(ack))  # an answer in the ack is a message too
        await asyncio.sleep(SETTLE)
        seen = self._read(mark, ack)
        if seen.visibility == "preview":
            self.response_url = url
        return seen

    async def click(self, click: Click) -> Seen:
        assert self.preview is not None
        ids = {a.split(":")[1]: a for a in _slack_ids(self.preview)}
        mark = len(self.fake.calls)
        body = action_body(
            ids[click.verb], response_url=self.response_url, message_ts=f"{self.shown_at:.6f}"
        )
        async with self.http.post(self.url, data=body.encode(), headers=sign(body)) as resp:
            assert resp.status == 200
        await asyncio.sleep(SETTLE)
        return self._read(mark, "")

    async def later(self, minutes: int) -> None:
        clock = self.app.core.clock
        assert isinstance(clock, ManualClock)
        await clock.advance(dt.timedelta(minutes=minutes))


def _slack_ids(message: dict[str, Any]) -> list[str]:
    return [
        el["action_id"]
        for block in message.get("blocks") or []
        if block["type"] == "actions"
        for el in block["elements"]
    ]


# -- the contract -----------------------------------------------------------------------------


@dataclass
class Outcome:
    seen: list[Seen] = field(default_factory=list)
    replies: list[Reply | None] = field(default_factory=list)


class SeededRandom:
    """Stands in for the `random` module where /daily now draws its test card: every new
    generator starts from the same seed, so all three front ends get the same card."""

    @staticmethod
    def Random(seed: int | None = None) -> random.Random:
        return random.Random(0 if seed is None else seed)


@pytest.fixture
async def front_ends(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[list[FrontEnd]]:
    import bot.schedule.commands

    monkeypatch.setattr(bot.schedule.commands, "random", SeededRandom)
    async with AsyncExitStack() as stack:
        console_app, store = await make_app(sample_db, tmp_path / "console")
        stack.push_async_callback(store.close)

        discord_fake = await stack.enter_async_context(FakeDiscord())
        discord_app, store = await make_app(
            sample_db,
            tmp_path / "discord",
            discord_token="fake-token",
            discord_api_base=discord_fake.api_base,
            discord_gateway_url=discord_fake.gateway_url,
        )
        stack.push_async_callback(store.close)
        discord_client = build_client(discord_app, defer_after=10.0, guild_ready_timeout=0.01)
        stack.callback(use_endpoints, None, None)
        await stack.enter_async_context(running(discord_client, discord_fake))

        slack_fake = await FakeSlack().start()
        stack.push_async_callback(slack_fake.close)
        slack_fake.users["U0ALICE"] = {"is_admin": True}
        slack_app, store = await make_app(
            sample_db,
            tmp_path / "slack",
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack_fake.api_url,
        )
        stack.push_async_callback(store.close)
        http = await stack.enter_async_context(aiohttp.ClientSession())
        client = make_client(slack_app.settings, session=http)
        adapter = build_slack_adapter(slack_app, client=client)
        adapter.ack_budget = 2.5
        assert adapter.bolt is not None
        runner = web.AppRunner(web_app(adapter), access_log=None)
        await runner.setup()
        stack.push_async_callback(adapter.drain)
        stack.push_async_callback(runner.cleanup)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        url = f"http://127.0.0.1:{port}/slack/events"

        yield [
            ConsoleFront(console_app),
            DiscordFront(discord_app, discord_fake),
            SlackFront(slack_app, slack_fake, url, http),
        ]


async def play(front: FrontEnd, step: Step, outcome: Outcome) -> None:
    before = len(front.replies)
    if isinstance(step, Later):
        await front.later(step.minutes)
        return
    seen = await (front.run(step) if isinstance(step, Run) else front.click(step))
    outcome.seen.append(seen)
    outcome.replies.append(front.replies[-1] if len(front.replies) > before else None)


def test_every_required_option_declares_an_example() -> None:
    for cmd in COMMANDS:
        for declared in (cmd, *cmd.subcommands):
            example_args(declared)


async def test_every_command_and_click_looks_the_same_on_every_front_end(
    front_ends: list[FrontEnd],
) -> None:
    plan = steps()
    outcomes = {front.name: Outcome() for front in front_ends}
    for step in plan:
        for front in front_ends:
            await play(front, step, outcomes[front.name])
    labels = [s.label for s in plan if not isinstance(s, Later)]
    console = outcomes["console"]
    kinds = set()
    for n, label in enumerate(labels):
        reference = console.replies[n]
        assert reference is not None, label
        kinds.add(signature(reference)[:3])
        for name, outcome in outcomes.items():
            reply, seen = outcome.replies[n], outcome.seen[n]
            assert reply is not None, f"{name}: {label}: the core was not asked"
            # The same answer from the core ...
            assert reply.cards == reference.cards, f"{name}: {label}: other cards"
            assert reply.text == reference.text, f"{name}: {label}: other text"
            assert signature(reply) == signature(reference), f"{name}: {label}"
            # ... shown as the core said, with every piece of its cards.
            assert seen.signature() == signature(reply), f"{name}: {label}: {seen}"
            for card in reply.cards:
                for piece in pieces(card):
                    assert piece in seen.text, f"{name}: {label}: {piece!r} not shown"
            if reply.visibility == "error":
                assert squash(reply.text or "") in seen.text, f"{name}: {label}"
    # The run went through every kind of answer the contract is about.
    assert {k[0] for k in kinds} == {"preview", "public", "private", "error", "none"}
    assert ("public", True, "delete") in kinds and ("preview", False, "replace") in kinds
