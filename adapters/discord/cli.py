"""`pullquote discord ...`: sync the slash commands, print the invite URL.

Mounted by the main CLI (bot.cli) as a typer sub-app; discord.py is imported only when a
command runs."""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import Annotated

import typer

from bot.config import Settings, load_settings
from bot.errors import UserError

discord_app = typer.Typer(
    name="discord",
    help="Discord: sync slash commands, print the invite URL.",
    no_args_is_help=True,
    add_completion=False,
)

SCOPES = ("bot", "applications.commands")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def _settings() -> Settings:
    try:
        return load_settings()
    except UserError as exc:
        raise _fail(str(exc), 2) from None


def permissions_value() -> int:
    """The permissions the bot asks for: see channels, post, embed, post in threads."""
    import discord

    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        embed_links=True,
    ).value


def client_id_from_token(token: str) -> int | None:
    """The application id encoded in a bot token's first segment (no network needed)."""
    head = token.split(".", 1)[0]
    try:
        raw = base64.b64decode(head + "=" * (-len(head) % 4), validate=False)
        return int(raw.decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def invite_url(client_id: int) -> str:
    """The OAuth2 URL a server owner opens to add the bot with its commands."""
    import discord

    return discord.utils.oauth_url(
        client_id,
        permissions=discord.Permissions(permissions_value()),
        scopes=SCOPES,
    )


@discord_app.command("invite")
def invite(
    client_id: Annotated[
        int | None,
        typer.Option("--client-id", help="Application id; default: read from DISCORD_TOKEN."),
    ] = None,
) -> None:
    """Print the URL that adds Pullquote to a server (scopes bot + applications.commands)."""
    if client_id is None:
        settings = _settings()
        token = settings.discord_token.get_secret_value() if settings.discord_token else ""
        client_id = client_id_from_token(token) if token else None
        if client_id is None:
            raise _fail("Set DISCORD_TOKEN or pass --client-id (the application id).", 2)
    typer.echo(invite_url(client_id))


@discord_app.command("sync")
def sync(
    guild: Annotated[
        int | None,
        typer.Option("--guild", help="Sync to one server only (appears at once; for testing)."),
    ] = None,
) -> None:
    """Push the slash commands to Discord: an explicit step, never done on start."""
    import discord

    from adapters.discord.bot import sync_commands
    from bot.app import open_app

    settings = _settings()

    async def go() -> list[str]:
        async with open_app(settings, sample=False) as app:
            return await sync_commands(app, guild)

    try:
        names = asyncio.run(go())
    except UserError as exc:
        raise _fail(str(exc)) from None
    except discord.HTTPException as exc:
        raise _fail(f"Discord refused the sync: {exc}") from None
    where = f"server {guild}" if guild is not None else "all servers (may take a while to show)"
    typer.echo(f"Synced {len(names)} commands to {where}: " + ", ".join(f"/{n}" for n in names))
