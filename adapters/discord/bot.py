"""The Discord client: a commands.Bot whose Cog registers the declared slash commands, and
which hands button clicks and form submissions to the core.

`build_client(app)` builds it (`run_discord` in adapters/discord/connect.py runs it for
`pullquote run`, tests start it directly). Commands are synced only by `pullquote discord
sync` (`sync_commands`), never on start. DISCORD_API_BASE and DISCORD_GATEWAY_URL point
discord.py at proxies (or the test fake)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from adapters.discord.commands import build_commands, caller
from adapters.discord.errors import handle_error
from adapters.discord.render import NO_MENTIONS
from adapters.discord.replies import DEFER_AFTER, answer_click, answer_command, in_time
from adapters.discord.views import PreviewButton
from adapters.transport import NETWORK, describe
from bot.app import App
from bot.config import ConfigError, Settings
from bot.core import Core
from bot.errors import UserError

log = logging.getLogger(__name__)

DISCORD_API = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def use_endpoints(api_base: str | None, gateway_url: str | None) -> None:
    """Point discord.py's REST client and gateway at `api_base` / `gateway_url` (Discord's
    own when None). discord.py keeps both as class attributes, so this is process-wide."""
    base = (api_base or DISCORD_API).rstrip("/")
    if not re.search(r"/api/v\d+$", base):
        base += "/api/v10"
    discord.http.Route.BASE = base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url or DISCORD_GATEWAY)


class PullquoteTree(app_commands.CommandTree[Any]):
    """The command tree; its on_error is the adapter's one error handler."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """Every slash command failure lands here."""
        await handle_error(interaction, error)


class PullquoteCog(commands.Cog):
    """Pullquote's slash commands, registered from the core's declaration on load."""

    def __init__(self, bot: PullquoteBot) -> None:
        self.bot = bot
        self._names: list[str] = []

    async def cog_load(self) -> None:
        """Add the declared commands to the tree (they reach Discord only on sync)."""
        for command in build_commands():
            self.bot.tree.add_command(command)
            self._names.append(command.name)

    async def cog_unload(self) -> None:
        """Remove what cog_load added."""
        for name in self._names:
            self.bot.tree.remove_command(name)
        self._names.clear()


class PullquoteBot(commands.Bot):
    """The Discord client for one core: no privileged intents, no pings, ever."""

    def __init__(
        self,
        core: Core,
        *,
        defer_after: float = DEFER_AFTER,
        guild_ready_timeout: float = 2.0,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents(guilds=True),
            allowed_mentions=NO_MENTIONS,
            tree_cls=PullquoteTree,
            guild_ready_timeout=guild_ready_timeout,
        )
        self.core = core
        self.defer_after = defer_after

    async def setup_hook(self) -> None:
        """Register commands and the preview buttons (before the gateway connects)."""
        await self.add_cog(PullquoteCog(self))
        self.add_dynamic_items(PreviewButton)

    async def on_ready(self) -> None:
        """Log who we are once connected."""
        log.info("Discord: connected as %s (%s)", self.user, self.user.id if self.user else "?")

    async def on_resumed(self) -> None:
        """Log a gateway RESUME (commands keep working across it)."""
        log.info("Discord: gateway session resumed")

    async def on_click(self, interaction: discord.Interaction[Any], custom_id: str) -> None:
        """A button of ours was clicked: the core decides, the reply replaces, deletes or
        posts (`PreviewButton` calls this)."""
        try:
            message = interaction.message
            shown_at = (message.edited_at or message.created_at) if message else None
            work = self.core.click(custom_id, caller(interaction), shown_at=shown_at)
            reply = await in_time(self.defer_after, work, interaction.response.defer)
            await answer_click(interaction, reply)
        except Exception as exc:
            await handle_error(interaction, exc)

    async def on_submit(
        self, interaction: discord.Interaction[Any], form_id: str, values: Mapping[str, str]
    ) -> None:
        """A form (modal) was submitted: its command runs in the core (`FormModal` calls
        this)."""
        try:
            work = self.core.submit(form_id, values, caller(interaction))

            async def defer() -> None:
                await interaction.response.defer(ephemeral=True, thinking=True)

            reply = await in_time(self.defer_after, work, defer)
            await answer_command(interaction, reply, deferred_public=False)
        except Exception as exc:
            await handle_error(interaction, exc)


def build_client(
    app: App, *, defer_after: float = DEFER_AFTER, guild_ready_timeout: float = 2.0
) -> PullquoteBot:
    """A ready-to-start client for `app`, pointed at the configured endpoints."""
    use_endpoints(app.settings.discord_api_base, app.settings.discord_gateway_url)
    return PullquoteBot(
        app.core, defer_after=defer_after, guild_ready_timeout=guild_ready_timeout
    )


def token_of(settings: Settings) -> str:
    """DISCORD_TOKEN, or a ConfigError saying to set it."""
    if settings.discord_token is None:
        raise ConfigError("DISCORD_TOKEN is not set: add the bot token from the Developer Portal.")
    return settings.discord_token.get_secret_value()


async def sync_commands(app: App, guild_id: int | None = None) -> list[str]:
    """Push the command tree to Discord, globally or to one guild (instant, for testing);
    returns the synced top-level command names."""
    token = token_of(app.settings)
    bot = build_client(app)
    async with bot:
        try:
            await bot.login(token)
            guild = discord.Object(id=guild_id) if guild_id is not None else None
            if guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
        except discord.LoginFailure:
            raise ConfigError("Discord rejected DISCORD_TOKEN; copy it again.") from None
        except (*NETWORK, discord.HTTPException) as exc:
            raise UserError(f"Discord could not be reached or refused ({describe(exc)}).") from None
    return [c.name for c in synced]
