"""Database upkeep for the command line: back up, check, show sizes and counts.

Front ends never import storage; this is their way to the store's maintenance functions.
They work on the database file named by the settings and never create one."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.errors import UserError
from storage import maintenance
from storage.maintenance import DbStats

__all__ = ["DatabaseMissing", "DbStats", "backup", "check", "stats"]


class DatabaseMissing(UserError):
    """There is no database at the configured path (nothing to back up or check)."""


async def backup(settings: Settings, dest: Path) -> int:
    """Copy the database to `dest` with SQLite's online backup API; the copy's size."""
    try:
        return await maintenance.backup(settings.db_path(), dest)
    except maintenance.DatabaseMissing as exc:
        raise DatabaseMissing(str(exc)) from None


async def check(settings: Settings, *, quick: bool = False) -> list[str]:
    """The problems an integrity and foreign-key check finds (none: the database is sound)."""
    try:
        return await maintenance.check(settings.db_path(), quick=quick)
    except maintenance.DatabaseMissing as exc:
        raise DatabaseMissing(str(exc)) from None


async def stats(settings: Settings) -> DbStats:
    """Size, schema version and row counts."""
    try:
        return await maintenance.stats(settings.db_path())
    except maintenance.DatabaseMissing as exc:
        raise DatabaseMissing(str(exc)) from None
