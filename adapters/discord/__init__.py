"""The Discord adapter (discord.py): slash commands from the core's declaration, Cards
rendered as embeds, preview-then-post buttons, and one error handler.

Entry points: `run_discord(app)` (what `pullquote run` starts), `build_client(app)` and
`sync_commands(app, guild_id)` (`pullquote discord sync`, adapters/cli/discord_setup.py).
They are imported lazily, so importing this package does not import discord.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from adapters.discord.bot import PullquoteBot, build_client, sync_commands
    from adapters.discord.connect import run_discord

__all__ = ["PullquoteBot", "build_client", "run_discord", "sync_commands"]


def __getattr__(name: str) -> Any:
    if name == "run_discord":
        from adapters.discord import connect

        return connect.run_discord
    if name in __all__:
        from adapters.discord import bot

        return getattr(bot, name)
    raise AttributeError(name)
