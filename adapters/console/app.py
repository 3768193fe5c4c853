"""A local terminal chat: type `/quote her`, `/release her`, `/help`; `/quit` leaves.

The buttons under a preview are clicked by typing their label (`post`, `another`,
`cancel`); a form asks for its fields one by one. It is the front end `pullquote run` falls
back to when no Discord or Slack token is set, and it runs everything through the core, as
the chat platforms do: the console user is the admin of the one channel, "console"."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from typing import TextIO

from rich.console import Console
from rich.text import Text

from adapters.console.render import print_card, print_error
from bot.cards import Action
from bot.core import Core
from bot.invocation import Caller
from bot.reply import Form, Reply
from bot.text import inert

CALLER = Caller("console", "console", user="you", admin=True, admins="admins")
PROMPT = "pullquote> "
QUIT = ("/quit", "/exit", "quit", "exit")
ORIGINAL = {"replace": "replaced", "delete": "removed"}


class ConsoleChat:
    """One console session: reads lines, shows replies, remembers the buttons on screen."""

    def __init__(self, core: Core, source: TextIO, out: Console) -> None:
        self.core = core
        self.source = source
        self.out = out
        self.interactive = source.isatty()
        self.buttons: dict[str, Action] = {}
        self.shown_at: dt.datetime | None = None

    async def read(self, prompt: str) -> str | None:
        """One line of input (None at its end), echoed when it comes from a pipe."""
        if self.interactive:
            self.out.print(prompt, end="", markup=False)
        line = await asyncio.to_thread(self.source.readline)
        if not line:
            return None
        if not self.interactive:
            self.out.print(Text(prompt, style="dim"), end="")
            self.out.print(inert(line.rstrip("\n")), markup=False, highlight=False)
        return line

    async def handle(self, line: str) -> bool:
        """Answer one typed line; returns False when the user asked to leave."""
        line = line.strip()
        if not line:
            return True
        if line.lower() in QUIT:
            return False
        if line.startswith("/"):
            reply = await self.core.line(line, CALLER)
        elif (action := self.buttons.get(line.lower())) is not None:
            await self.click(action)
            return True
        else:
            hint = "Commands start with a slash, e.g. /quote her. /help lists them."
            if self.buttons:
                hint += " Or type " + " / ".join(self.buttons) + " for the buttons above."
            print_error(self.out, hint)
            return True
        await self.show(reply)
        return True

    async def click(self, action: Action) -> None:
        """Click one of the buttons shown and show what it does."""
        await self.show(await self.core.click(action.id, CALLER, shown_at=self.shown_at))

    async def show(self, reply: Reply) -> None:
        """Print a reply: error, note, cards, where it went, and its buttons."""
        if reply.form is not None:
            await self.show(await self.fill(reply.form))
            return
        if reply.original != "keep":
            self.buttons = {}
            self.out.print(Text(f"(preview {ORIGINAL[reply.original]})", style="dim"))
        if reply.visibility == "error":
            print_error(self.out, reply.text or "")
            return
        if reply.text:
            self.out.print(Text(inert(reply.text, multiline=True), style="italic"))
        for card in reply.cards:
            print_card(self.out, card)
        if reply.visibility == "public":
            shared = f", shared by {inert(reply.shared_by)}" if reply.shared_by else ""
            self.out.print(Text(f"(in the channel{shared})", style="dim"))
        if reply.actions:
            self.buttons = {a.label.lower(): a for a in reply.actions}
            self.shown_at = self.core.clock.now()
            self.out.print(Text("  ".join(f"[{a.label.lower()}]" for a in reply.actions),
                                style="bold"))

    async def fill(self, form: Form) -> Reply:
        """Ask for each field of `form` (a long one ends at an empty line), then submit."""
        self.out.print(Text(inert(form.title), style="bold"))
        values: dict[str, str] = {}
        for field in form.fields:
            label = field.label + ("" if field.required else " (optional)")
            if not field.long:
                values[field.name] = (await self.read(f"{label}: ") or "").strip()
                continue
            self.out.print(Text(f"{label} (end with an empty line):", style="dim"))
            lines: list[str] = []
            while (line := await self.read("")) is not None and line.strip():
                lines.append(line.rstrip("\n"))
            values[field.name] = "\n".join(lines)
        return await self.core.submit(form.id, values, CALLER)


async def run_console(
    core: Core, *, stdin: TextIO | None = None, console: Console | None = None
) -> int:
    """Read commands until /quit or end of input; works with a pipe as well as a terminal.
    Returns how many lines were read."""
    chat = ConsoleChat(core, stdin or sys.stdin, console or Console())
    chat.out.print("[bold]Pullquote console[/bold]: type /help for commands, /quit to leave.")
    lines = 0
    while (line := await chat.read(PROMPT)) is not None:
        lines += 1
        if not await chat.handle(line):
            break
    return lines
