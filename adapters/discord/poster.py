"""The scheduler's Discord poster: daily cards over the running client's REST connection.

Sends go through discord.py's HTTP client (so its rate-limit handling and the configured
DISCORD_API_BASE apply) with allowed_mentions none. Each post carries its idempotency key
twice: as the message `nonce` with `enforce_nonce`, so Discord itself drops a repeat sent
within a few minutes, and in the embed footer ("ref pq12d20260322"), which is what
`find_post` looks for in the channel history after a crash (Discord does not return nonces
in message history)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from typing import Any

import aiohttp
import discord
from discord.http import handle_message_parameters

from adapters.discord.render import NO_MENTIONS, render_card
from bot.cards import Card
from bot.schedule.poster import PostError

READY_WAIT = 10.0
HISTORY_PAGES = 5
PAGE = 100

UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013


def _ref(key: str) -> str:
    return f"ref {key}"


class DiscordPoster:
    """`Poster` for Discord over a (started) discord.py client."""

    platform = "discord"

    def __init__(self, client: discord.Client) -> None:
        """Post with `client`'s REST connection (it must be logging in or logged in)."""
        self._client = client

    async def _ready(self) -> None:
        if self._client.http.token is None or self._client.is_closed():
            try:
                await asyncio.wait_for(self._client.wait_until_ready(), READY_WAIT)
            except (TimeoutError, RuntimeError):
                raise PostError("transient", "Discord is not connected yet.") from None

    async def post(self, channel_id: str, card: Card, *, idempotency_key: str) -> str:
        """Send `card` as an embed to the channel; the new message's id."""
        await self._ready()
        footer = f"{card.footer} · {_ref(idempotency_key)}" if card.footer else _ref(
            idempotency_key
        )
        message = render_card(dataclasses.replace(card, footer=footer))
        params = handle_message_parameters(
            content=message.content,
            embed=message.embed,
            allowed_mentions=NO_MENTIONS,
            nonce=idempotency_key,
        )
        assert params.payload is not None
        params.payload["enforce_nonce"] = True
        try:
            data: Any = await self._client.http.send_message(int(channel_id), params=params)
        except Exception as exc:
            raise post_error(exc) from exc
        return str(data["id"])

    async def find_post(
        self, channel_id: str, idempotency_key: str, since: dt.datetime
    ) -> str | None:
        """Our message carrying `idempotency_key` in the channel after `since`, if any."""
        await self._ready()
        me = self._client.user.id if self._client.user else None
        after = discord.utils.time_snowflake(since)
        ref = _ref(idempotency_key)
        for _ in range(HISTORY_PAGES):
            try:
                page: Any = await self._client.http.logs_from(
                    int(channel_id), PAGE, after=after
                )
            except Exception as exc:
                raise post_error(exc) from exc
            for message in page:
                author = message.get("author") or {}
                if me is not None and str(author.get("id")) != str(me):
                    continue
                for embed in message.get("embeds") or []:
                    if ref in str((embed.get("footer") or {}).get("text", "")):
                        return str(message["id"])
            if len(page) < PAGE:
                return None
            after = max(int(m["id"]) for m in page)
        return None


def post_error(exc: BaseException) -> PostError:
    """A discord.py failure as the scheduler's error kind."""
    if isinstance(exc, PostError):
        return exc
    if isinstance(exc, discord.RateLimited):
        return PostError("rate_limited", str(exc), retry_after=exc.retry_after)
    if isinstance(exc, discord.NotFound):
        return PostError("channel_gone", f"Discord: {exc.text or 'unknown channel'}")
    if isinstance(exc, discord.Forbidden):
        if exc.code == MISSING_ACCESS:
            return PostError("not_in_channel", f"Discord: {exc.text or 'missing access'}")
        return PostError("no_permission", f"Discord: {exc.text or 'missing permissions'}")
    if isinstance(exc, discord.DiscordServerError):
        return PostError("transient", f"Discord server error {exc.status}", maybe_sent=True)
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return PostError("rate_limited", "Discord: rate limited", retry_after=1.0)
        return PostError("transient", f"Discord refused the message: {exc.status} {exc.text}")
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return PostError("transient", f"Network error: {exc!r}", maybe_sent=True)
    return PostError("transient", f"Unexpected error: {exc!r}", maybe_sent=True)


def discord_poster(client: discord.Client) -> DiscordPoster:
    """The scheduler's poster for a running Discord client (see `bot.schedule`)."""
    return DiscordPoster(client)
