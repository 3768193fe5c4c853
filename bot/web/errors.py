"""The one error a fetch raises: a line a person can act on, and what a poller needs to back off."""

from __future__ import annotations

from bot.errors import UserError


class FetchError(UserError):
    """A refused or failed fetch; nothing was stored. `status` is the HTTP status when the
    server answered, `retry_after` the seconds it asked us to wait (429/503)."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class AddressRefused(FetchError):
    """The URL's host is, or resolves to, an address the bot must not reach."""
