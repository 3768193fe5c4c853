"""`pullquote quote|review|release|film|search`: any card command, run through the core as
the chat front ends run it, printed as a card or as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.cli.common import JsonFlag, fail, show, with_app

FilmArg = Annotated[str | None, typer.Argument(help="Film title, e.g. her or 'Her (2013)'.")]


def _card(name: str, args: dict[str, str | None], as_json: bool) -> None:
    """Run the declared command `name` with `args` in the core and print its card."""
    from bot.app import App
    from bot.commands import command
    from bot.invocation import Caller, named
    from bot.reply import Reply

    declared = command(name)
    assert declared is not None, name

    async def go(app: App) -> Reply:
        # Checked as typed or form values are (lengths, required options).
        inv = named(declared, {k: v for k, v in args.items() if v is not None})
        return await app.core.run(inv, Caller("cli", "cli"))

    reply = with_app(go)
    if reply.card is None:
        fail(reply.text or "No answer.")
    show(reply.card, as_json)


def quote(
    film: FilmArg = None,
    critic: Annotated[str | None, typer.Option(help="Only quotes by this critic.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only quotes from this outlet.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """A critic's quote, with its outlet."""
    _card("quote", {"film": film, "critic": critic, "outlet": outlet}, as_json)


def review(film: FilmArg = None, as_json: JsonFlag = False) -> None:
    """A quotable excerpt from a review."""
    _card("review", {"film": film}, as_json)


def release(
    film: Annotated[str, typer.Argument(help="Film title.")],
    region: Annotated[str | None, typer.Option(help="Only this country (UK, US, ...).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Release dates by country, relative to today."""
    _card("release", {"film": film, "region": region}, as_json)


def film(
    title: Annotated[str, typer.Argument(help="Film title.")], as_json: JsonFlag = False
) -> None:
    """An overview of a film."""
    _card("film", {"title": title}, as_json)


def search(
    text: Annotated[list[str], typer.Argument(help="Words to look for.")],
    film: Annotated[str | None, typer.Option(help="Only this film.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Search every quote and excerpt."""
    _card("search", {"text": " ".join(text), "film": film}, as_json)
