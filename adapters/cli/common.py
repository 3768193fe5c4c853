"""What the CLI's commands share: settings and logging, running a coroutine with the app
open, printing cards, failing with one clear line.

Only the standard library and typer are imported at load: `pullquote --help` must not pay
for pydantic, the database or rich. Everything else is imported inside the functions."""

from __future__ import annotations

import functools
import sys
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TextIO, TypeVar

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from bot.app import App
    from bot.cards import Card
    from bot.config import Settings

T = TypeVar("T")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a card.")]


@functools.cache
def out() -> Console:
    """The console for results (stdout)."""
    from rich.console import Console

    return Console()


@functools.cache
def err() -> Console:
    """The console for problems (stderr)."""
    from rich.console import Console

    return Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `message` as one red line on stderr (inert: nothing in it can act on the
    terminal, even when it quotes a file name or stored text) and exit with `code`."""
    from bot.text import inert

    err().print(inert(message), style="bold red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def settings(log_stream: TextIO = sys.stderr) -> Settings:
    """Validated settings, with logging set up; one-shot commands log to stderr so that
    their --json output stays clean, the running bot logs to stdout."""
    from bot.config import load_settings
    from bot.errors import UserError
    from bot.logs import setup_logging

    try:
        loaded = load_settings()
    except UserError as exc:
        fail(str(exc), 2)
    secrets = [
        s.get_secret_value()
        for s in (
            loaded.discord_token,
            loaded.slack_bot_token,
            loaded.slack_app_token,
            loaded.slack_signing_secret,
        )
        if s is not None
    ]
    setup_logging(loaded.log_level, loaded.log_format, secrets, log_stream)
    return loaded


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro`; a user-facing error becomes one line and exit 1, Ctrl-C exit 130."""
    import asyncio

    from bot.errors import UserError

    try:
        return asyncio.run(coro)
    except UserError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def with_app(
    action: Callable[[App], Awaitable[T]],
    loaded: Settings | None = None,
    *,
    warm: bool = False,
    sample: bool | None = None,
) -> T:
    """Open the app (store, service, core), run `action` with it, close it."""
    from bot.app import open_app

    config = loaded or settings()

    async def go() -> T:
        async with open_app(config, warm=warm, sample=sample) as app:
            return await action(app)

    return run(go())


def show(card: Card, as_json: bool) -> None:
    """Print `card` as a panel, or as JSON (the card's `card_to_json` shape); either way
    inert, since stored text is shown."""
    if as_json:
        from bot.cards import card_to_json
        from bot.text import inert_json

        print(inert_json(card_to_json(card)))
        return
    from adapters.console.render import print_card

    print_card(out(), card)
