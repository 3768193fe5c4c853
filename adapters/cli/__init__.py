"""The `pullquote` command line, a front end of its own: run the bot, ingest and extract
reviews, ask for cards, look after the database, set up Discord.

`main` builds the typer app from the command modules below. They import only typer at load
and the rest when a command runs, so `pullquote --help` starts in a fraction of a second;
help is plain text (no rich formatting), which also shows flags as flags (`--json`)."""

from __future__ import annotations

import typer

from adapters.cli import cards, db, discord_setup, reviews, serve

HELP = "Pullquote: film review snippets for Discord, Slack and your terminal."


def _version(value: bool) -> None:
    if value:
        from bot import __version__

        print(f"pullquote {__version__}")
        raise typer.Exit()


def _root(
    show_version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show version."
    ),
) -> None:
    """Pullquote: film review snippets for Discord, Slack and your terminal."""


def _group(name: str, help_: str) -> typer.Typer:
    return typer.Typer(name=name, help=help_, no_args_is_help=True, rich_markup_mode=None)


def build() -> typer.Typer:
    """The `pullquote` app with every command registered."""
    cli = typer.Typer(
        name="pullquote",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    cli.callback()(_root)
    cli.command("run")(serve.run_bot)
    cli.command()(serve.console)
    cli.command()(serve.healthcheck)
    cli.command()(reviews.ingest)
    cli.command()(reviews.extract)
    cli.command("eval")(reviews.evaluate)
    for card_command in (cards.quote, cards.review, cards.release, cards.film, cards.search):
        cli.command()(card_command)

    database = _group("db", "Back up, check and inspect the database.")
    database.command("backup")(db.backup)
    database.command("check")(db.check)
    database.command("stats")(db.stats)
    cli.add_typer(database, name="db")

    discord = _group("discord", "Discord: sync slash commands, print the invite URL.")
    discord.command("invite")(discord_setup.invite)
    discord.command("sync")(discord_setup.sync)
    cli.add_typer(discord, name="discord")
    return cli


def main() -> None:
    """Console-script entry point."""
    build()(prog_name="pullquote")
