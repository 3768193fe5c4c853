"""`pullquote discord invite|sync`: print the invite URL, sync the slash commands.

discord.py is imported only when a command runs."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.cli.common import fail, settings, with_app

if TYPE_CHECKING:
    from bot.app import App

SCOPES = ("bot", "applications.commands")


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


def invite(
    client_id: Annotated[
        int | None,
        typer.Option("--client-id", help="Application id; default: read from DISCORD_TOKEN."),
    ] = None,
) -> None:
    """Print the URL that adds Pullquote to a server (scopes bot + applications.commands)."""
    if client_id is None:
        loaded = settings()
        if loaded.discord_token is None:
            fail("Set DISCORD_TOKEN or pass --client-id (the application id).", 2)
        client_id = client_id_from_token(loaded.discord_token.get_secret_value())
        if client_id is None:
            fail(
                "DISCORD_TOKEN does not look like a bot token (its first part should encode "
                "the application id): copy it again, or pass --client-id.",
                2,
            )
    typer.echo(invite_url(client_id))


def sync(
    guild: Annotated[
        int | None,
        typer.Option("--guild", help="Sync to one server only (appears at once; for testing)."),
    ] = None,
) -> None:
    """Push the slash commands to Discord: an explicit step, never done on start."""
    import discord

    from adapters.discord.bot import sync_commands

    async def go(app: App) -> list[str]:
        return await sync_commands(app, guild)

    try:
        names = with_app(go, settings(), sample=False)
    except discord.HTTPException as exc:
        fail(f"Discord refused the sync: {exc}")
    where = f"server {guild}" if guild is not None else "all servers (may take a while to show)"
    typer.echo(f"Synced {len(names)} commands to {where}: " + ", ".join(f"/{n}" for n in names))
