"""The local console adapter, driven through its real input loop."""

from __future__ import annotations

import io

from rich.console import Console

from adapters.console.app import run_console
from bot.ingest.sample import load_sample_if_empty
from bot.service import Service
from storage.sqlite import SQLiteStore


async def _chat(service: Service, lines: str) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=False, color_system=None)
    await run_console(service, stdin=io.StringIO(lines), console=console)
    return buffer.getvalue()


async def test_console_commands_errors_and_quit(store: SQLiteStore, service: Service) -> None:
    await load_sample_if_empty(store)
    text = await _chat(
        service,
        "/help\n/release nosferatu\n/film xyzzy plugh\nhello\n/quit\n/help\n",
    )
    assert "/quote [film] [critic] [outlet] [public]" in text
    assert "Germany" in text and "1922" in text
    assert "No film called “xyzzy plugh”" in text
    assert "Commands start with a slash" in text
    assert text.count("Pullquote console") == 1
    assert text.count("What Pullquote can do") == 1  # nothing after /quit is answered


async def test_console_shows_markup_literally(store: SQLiteStore, service: Service) -> None:
    await load_sample_if_empty(store)
    text = await _chat(service, "/search [bold]nosferatu[/bold]\n")
    assert "Nothing matches “[bold]nosferatu[/bold]”" in text or "Search:" in text
