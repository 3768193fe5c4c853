"""Render Cards in a terminal with rich; card text is shown literally, never as markup,
and inert (`bot.text.inert`): stored text cannot send escape sequences to the terminal."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from bot.cards import Card
from bot.text import inert

_STYLE = {
    "critic_quote": "cyan",
    "excerpt": "green",
    "dialogue": "magenta",
    "release": "yellow",
    "film": "blue",
    "search": "white",
    "help": "white",
}


def card_renderable(card: Card) -> RenderableType:
    """A rich Panel for `card`: body, attribution, fields, link and footer."""
    parts: list[RenderableType] = []
    body = Text(inert(card.body, multiline=True))
    if card.spoiler:
        parts.append(Text("Spoiler warning", style="bold red"))
    parts.append(body)
    if card.attribution:
        parts.append(Text(f"— {inert(card.attribution)}", style="italic", justify="right"))
    if card.fields:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for f in card.fields:
            table.add_row(Text(inert(f.name)), Text(inert(f.value, multiline=True)))
        parts.append(table)
    if card.url:
        parts.append(Text(inert(card.url), style="underline dim"))
    subtitle = Text(inert(card.footer), style="dim") if card.footer else None
    return Panel(
        Group(*parts),
        title=Text(inert(card.title), style="bold"),
        subtitle=subtitle,
        border_style=_STYLE.get(card.kind, "white"),
        expand=False,
    )


def print_card(console: Console, card: Card) -> None:
    """Print `card` to `console`."""
    console.print(card_renderable(card))


def print_error(console: Console, message: str) -> None:
    """Print a user-facing error (literally, so brackets in it are not markup)."""
    console.print(Text(inert(message, multiline=True), style="bold red"))
