"""Running the Discord client while discord.com may be out of reach.

Logging in is retried with capped, jittered backoff (adapters/transport.py), one log line
an attempt, each attempt on a fresh client; the health check reports Discord down until the
gateway is READY. Once logged in, discord.py keeps the gateway connected by itself (its own
backoff), and its reconnect lines are made one line each. What retrying cannot fix is a
ConfigError saying which setting to change: a token Discord refuses (401, or gateway close
4004), any other 4xx at login, a close code meaning the set-up is wrong."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import MutableMapping

import aiohttp
import discord

from adapters.discord.bot import PullquoteBot, build_client, token_of
from adapters.discord.poster import discord_poster
from adapters.transport import NETWORK, Backoff, describe, one_line_failures
from bot.app import App
from bot.config import ConfigError
from bot.schedule.poster import Poster

log = logging.getLogger(__name__)

LOGIN_SECONDS = 60.0
"""One login attempt (discord.py itself waits out up to ~25 s of 5xx answers within it)."""
RETRIED = (*NETWORK, discord.GatewayNotFound, discord.DiscordServerError)
NOT_DISCORD = (TypeError, KeyError, ValueError)
"""What discord.py raises reading an answer that is not Discord's (a proxy's page)."""
GATEWAY_CLOSES = {
    4004: "Discord rejected DISCORD_TOKEN; copy it again from the Developer Portal.",
    4010: "Discord refused the gateway connection (invalid shard).",
    4011: "Discord wants this bot sharded: it is in too many servers for one connection.",
    4012: "Discord refused the gateway API version; upgrade Pullquote.",
    4013: "Discord refused the gateway intents (invalid intents).",
}


def _refusal(exc: discord.HTTPException) -> ConfigError | None:
    """A ConfigError for a login answer that retrying cannot change (a 4xx but 408/429)."""
    if isinstance(exc, discord.LoginFailure):
        return ConfigError("Discord rejected DISCORD_TOKEN; copy it again.")
    if 400 <= exc.status < 500 and exc.status not in (408, 429):
        return ConfigError(
            f"Discord refused the login ({exc.status} {exc.text[:100]}): check DISCORD_TOKEN"
            " and DISCORD_API_BASE."
        )
    return None


async def _login(bot: PullquoteBot, token: str) -> str | None:
    """Log `bot` in: None when done, else why it failed this time (worth another try)."""
    try:
        async with asyncio.timeout(LOGIN_SECONDS):
            await bot.login(token)
    except discord.LoginFailure:
        raise ConfigError("Discord rejected DISCORD_TOKEN; copy it again.") from None
    except discord.HTTPException as exc:
        if (refused := _refusal(exc)) is not None:
            raise refused from None
        return describe(exc)
    except TimeoutError:
        return f"no answer within {LOGIN_SECONDS:.0f} s"
    except RETRIED as exc:
        return describe(exc)
    except NOT_DISCORD as exc:
        return f"an answer that is not Discord's, is DISCORD_API_BASE right? ({describe(exc)})"
    return None


async def _connect(bot: PullquoteBot) -> str | None:
    """Run the gateway until the client closes (None), or say why its first connection
    failed. Once connected, discord.py reconnects by itself; before that it does not (2.7
    fails on the missing session after its first retry), so that is our retry."""
    try:
        await bot.connect(reconnect=True)
    except discord.PrivilegedIntentsRequired:
        raise ConfigError("Discord refused the gateway intents.") from None
    except discord.ConnectionClosed as exc:
        message = GATEWAY_CLOSES.get(exc.code, f"Discord closed the gateway ({exc.code}).")
        raise ConfigError(message) from None
    except Exception as exc:
        if getattr(bot, "ws", None) is not None:  # it had connected: not ours to retry
            raise
        cause = exc.__context__ if isinstance(exc.__context__, Exception) else exc
        return f"the gateway: {describe(cause)}"
    return None


async def run_discord(
    app: App,
    *,
    posters: MutableMapping[str, Poster] | None = None,
    backoff: Backoff | None = None,
) -> None:
    """Run the Discord bot until cancelled, logging in again (with backoff) while Discord
    is out of reach, then close the connection cleanly. With `posters`, the scheduler's
    Discord poster is added to it while the bot runs."""
    token = token_of(app.settings)
    backoff = backoff or Backoff()
    one_line_failures(
        logging.getLogger("discord.client"),
        (*RETRIED, discord.HTTPException, discord.ConnectionClosed, aiohttp.ClientError),
    )
    current: list[PullquoteBot] = []

    def live() -> bool:
        return bool(current) and current[0].is_ready() and not current[0].is_closed()

    async def beat_now() -> None:  # the health check hears of it now, not at the next beat
        app.liveness.register("discord", live)

    app.liveness.register("discord", live)
    try:
        for attempt in itertools.count(1):
            bot = build_client(app)
            bot.add_listener(beat_now, "on_ready")
            current[:] = [bot]
            if posters is not None:
                posters["discord"] = discord_poster(bot)
            async with bot:
                failure = await _login(bot, token)
                if failure is None:
                    failure = await _connect(bot)
                    if failure is None:
                        return
            delay = backoff.next()
            log.warning(
                "Discord: cannot connect (%s); attempt %d, next in %.1f s", failure, attempt, delay
            )
            await asyncio.sleep(delay)
    finally:
        app.liveness.unregister("discord")
        if posters is not None:
            posters.pop("discord", None)
