"""A local terminal chat: type `/quote her`, `/release her`, `/help`; `/quit` leaves.

It is the adapter `pullquote run` falls back to when no Discord or Slack token is set."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TextIO

from rich.console import Console

from adapters.console.render import print_card, print_error
from bot.cards import Card
from bot.errors import UserError
from bot.invocation import Invocation, parse
from bot.schedule.commands import DailyCommands, Where
from bot.service import Service
from bot.text import inert
from storage.protocol import ScheduleHost

log = logging.getLogger(__name__)

CHANNEL = "console"
PROMPT = "pullquote> "


async def handle_line(service: Service, console: Console, line: str) -> bool:
    """Answer one typed line; returns False when the user asked to leave."""
    line = line.strip()
    if not line:
        return True
    if line.lower() in ("/quit", "/exit", "quit", "exit"):
        return False
    if not line.startswith("/"):
        print_error(console, "Commands start with a slash, e.g. /quote her. /help lists them.")
        return True
    try:
        inv = parse(line)
        if inv.parent is not None and inv.parent.name == "daily":
            card = await _daily(service, inv)
        else:
            card = await service.run(inv, channel=CHANNEL)
    except UserError as exc:
        print_error(console, str(exc))
    except Exception:
        log.exception("command failed: %.80s", line)
        print_error(console, "Something went wrong on our side; the error was logged.")
    else:
        print_card(console, card)
    return True


async def _daily(service: Service, inv: Invocation) -> Card:
    """`/daily ...` in the console: the local user is the admin of the "console" channel."""
    store = service.store
    if not isinstance(store, ScheduleHost):
        raise UserError("Daily posts need the SQLite store.")
    daily = DailyCommands(store.schedules, service)
    reply = await daily.run(inv, Where(platform="console", channel_id=CHANNEL))
    return reply.card


async def run_console(
    service: Service, *, stdin: TextIO | None = None, console: Console | None = None
) -> int:
    """Read commands until /quit or end of input; works with a pipe as well as a terminal.
    Returns how many lines were read."""
    source = stdin or sys.stdin
    out = console or Console()
    interactive = source.isatty()
    out.print("[bold]Pullquote console[/bold]: type /help for commands, /quit to leave.")
    lines = 0
    while True:
        if interactive:
            out.print(PROMPT, end="")
        line = await asyncio.to_thread(source.readline)
        if not line:
            break
        lines += 1
        if not interactive:
            out.print(f"[dim]{PROMPT}[/dim]", end="")
            out.print(inert(line.rstrip("\n")), markup=False, highlight=False)
        if not await handle_line(service, out, line):
            break
    return lines
