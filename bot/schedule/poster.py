"""What the scheduler needs from a platform: post a card to a channel, and find an earlier
post by its idempotency key when a crash left the outcome of a send unknown."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Protocol

from bot.cards import Card

ErrorKind = Literal[
    "channel_gone", "no_permission", "not_in_channel", "rate_limited", "transient"
]

HINTS: dict[str, str] = {
    "channel_gone": "The channel no longer exists (or the bot was removed from the server).",
    "no_permission": "Pullquote lacks permission to post here (Send Messages, Embed Links).",
    "not_in_channel": "Pullquote is not in this channel: invite it (/invite @Pullquote).",
    "rate_limited": "The platform asked us to slow down.",
    "transient": "The platform had a temporary problem.",
    "empty": "No quotes match this schedule's film and kind.",
    "missed": "The bot was down when the post was due.",
    "unknown": "Posting was interrupted and could not be checked.",
}


class PostError(Exception):
    """A send or lookup that failed, by kind. `maybe_sent` is True when the request may have
    reached the platform (a timeout, a 5xx): then the post must be looked up, not resent."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        retry_after: float | None = None,
        maybe_sent: bool = False,
    ) -> None:
        super().__init__(message)
        self.kind: ErrorKind = kind
        self.message = message
        self.retry_after = retry_after
        self.maybe_sent = maybe_sent

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class Poster(Protocol):
    """One platform's way to post scheduled cards (adapters implement it)."""

    @property
    def platform(self) -> str:
        """The platform name schedules are stored under: "discord", "slack", ..."""
        ...

    async def post(self, channel_id: str, card: Card, *, idempotency_key: str) -> str:
        """Post `card` to the channel; the platform's message id. Raises PostError."""
        ...

    async def find_post(
        self, channel_id: str, idempotency_key: str, since: dt.datetime
    ) -> str | None:
        """The id of our message carrying `idempotency_key` posted after `since`, or None
        if there is none. Raises PostError when the channel cannot be read."""
        ...
