"""User-facing errors: raised by the core with a message meant for the person who typed."""

from __future__ import annotations


class UserError(Exception):
    """An error whose message is shown to the user as is (adapters reply ephemerally)."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class NotFound(UserError):
    """A film, critic or outlet the user named is not in the collection."""


class NothingMatches(UserError):
    """The filters are valid but no snippet matches them."""


class BadInput(UserError):
    """The command's input cannot be used (unknown option, malformed value, too long)."""
