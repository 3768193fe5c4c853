"""The one place Discord errors are handled: command, button and autocomplete failures.

Ordered like python-discord's handler: unwrap, then user-facing errors (an ephemeral reply),
then permission checks, then Discord's own HTTP trouble (429, 5xx, 10062 unknown
interaction: logged, never raised), then anything else (logged with a generic reply)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.render import NO_MENTIONS, error_text
from bot.errors import UserError

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
GENERIC = "Something went wrong on our side; it has been logged. Please try again."


def unwrap(error: BaseException) -> BaseException:
    """The exception that actually happened, under discord.py's wrappers."""
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ if isinstance(error, app_commands.TransformerError) else (
            error.original
        )
        if inner is None:
            break
        error = inner
    return error


def _where(interaction: discord.Interaction[Any]) -> str:
    name = interaction.command.qualified_name if interaction.command else None
    if name is None and isinstance(interaction.data, dict):
        name = str(interaction.data.get("custom_id") or interaction.data.get("name") or "?")
    return f"{name} (guild {interaction.guild_id}, channel {interaction.channel_id})"


async def tell(interaction: discord.Interaction[Any], text: str) -> None:
    """Show `text` to the one user who acted, whether or not we answered already; a
    failure to deliver it is logged, never raised."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException as exc:
        log.warning("could not deliver an error message for %s: %s", _where(interaction), exc)


def _http_trouble(error: BaseException) -> str | None:
    """How to describe Discord-side HTTP trouble in the log, or None if it is not that."""
    if isinstance(error, discord.RateLimited):
        return f"rate limited for {error.retry_after:.1f}s (429)"
    if isinstance(error, discord.HTTPException):
        if error.code == UNKNOWN_INTERACTION:
            return "the interaction expired before we answered (10062)"
        if error.code == ALREADY_ACKNOWLEDGED:
            return "the interaction was already answered (40060)"
        if error.status == 429:
            return "rate limited (429)"
        if error.status >= 500:
            return f"Discord server error {error.status}"
    return None


async def handle_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Turn any failure while answering `interaction` into the right reply and log line;
    never raises, so nothing a user does can take the bot down."""
    try:
        await _handle(interaction, unwrap(error))
    except Exception:
        log.exception("the error handler itself failed for %s", _where(interaction))


async def _handle(interaction: discord.Interaction[Any], error: BaseException) -> None:
    if isinstance(error, UserError):
        await tell(interaction, error_text(str(error)))
    elif isinstance(error, app_commands.MissingPermissions):
        await tell(interaction, "You need the Manage Server permission to use this command.")
    elif isinstance(error, app_commands.NoPrivateMessage):
        await tell(interaction, "This command works only in a server.")
    elif isinstance(error, app_commands.CheckFailure):
        await tell(interaction, "You cannot use this command here.")
    elif isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        log.warning("unknown or outdated command %s: run `pullquote discord sync`", error)
        await tell(interaction, "This command is out of date; an admin should re-sync commands.")
    elif (trouble := _http_trouble(error)) is not None:
        # Discord-side trouble: the interaction token may be dead, so only log it, plus a
        # best-effort note when a server error left the user without an answer.
        log.warning("Discord trouble answering %s: %s", _where(interaction), trouble)
        status = getattr(error, "status", 0)
        if isinstance(status, int) and status >= 500:
            await tell(interaction, GENERIC)
    else:
        log.error("failed answering %s", _where(interaction), exc_info=error)
        await tell(interaction, GENERIC)
