"""The local console front end, driven through its real input loop."""

from __future__ import annotations

import io
import random

import pytest
from rich.console import Console

from adapters.console.app import run_console
from bot.core import Core
from bot.ingest.sample import load_sample_if_empty
from bot.service import Service
from storage.sqlite import SQLiteStore


@pytest.fixture
async def core(store: SQLiteStore) -> Core:
    await load_sample_if_empty(store)
    return Core(Service(store, rng=random.Random(5)), store.schedules)


async def chat(core: Core, lines: str) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=False, color_system=None)
    await run_console(core, stdin=io.StringIO(lines), console=console)
    return buffer.getvalue()


async def test_console_commands_errors_and_quit(core: Core) -> None:
    text = await chat(
        core,
        "/help\n/release nosferatu\n/film xyzzy plugh\nhello\n/quit\n/help\n",
    )
    assert "/quote [film] [critic] [outlet] [public]" in text
    assert "Germany" in text and "1922" in text
    assert "No film called “xyzzy plugh”" in text
    assert "Commands start with a slash" in text
    assert text.count("Pullquote console") == 1
    assert text.count("What Pullquote can do") == 1  # nothing after /quit is answered


async def test_console_help_lists_daily(core: Core) -> None:
    # Issue 16: /help in the console left out /daily.
    text = await chat(core, "/help\n")
    assert "/daily set|off|pause|resume|status|now" in text


async def test_console_shows_markup_literally(core: Core) -> None:
    text = await chat(core, "/search [bold]nosferatu[/bold]\n")
    assert "Nothing matches “[bold]nosferatu[/bold]”" in text or "Search:" in text


async def test_console_buttons_are_typed_by_label(core: Core) -> None:
    text = await chat(core, "/quote nosferatu\nanother\npost\npost\n")
    assert text.count("[post]  [another]  [cancel]") == 2  # the preview, then Another's
    assert "(preview removed)" in text
    assert "(preview replaced)" in text
    assert "(in the channel, shared by you)" in text
    # The buttons went with the preview: a second "post" is not a click any more.
    assert text.rstrip().endswith("/help lists them.")


async def test_console_daily_runs_as_the_channels_admin(core: Core) -> None:
    text = await chat(core, "/daily set 09:00 Europe/London\n/daily status\n")
    assert "Daily post set" in text and "Europe/London" in text
    assert "Only" not in text
