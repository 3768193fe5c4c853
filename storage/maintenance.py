"""Database upkeep that works on a file while the bot runs: online backup, integrity
check, statistics and heartbeat reads for the health check.

These use the standard library's sqlite3 in a worker thread: each is a short, separate
connection, never the bot's long-lived one."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

TABLES = ("films", "reviews", "snippets", "releases", "channel_history", "claims")


class DatabaseMissing(Exception):
    """The database file does not exist (nothing to back up or check)."""


@dataclass(frozen=True, slots=True)
class DbStats:
    path: str
    size_bytes: int
    wal_bytes: int
    page_size: int
    pages: int
    free_pages: int
    schema_version: int
    rows: dict[str, int]


def _connect_ro(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise DatabaseMissing(f"no database at {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def _backup(src: Path, dest: Path) -> int:
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    source = _connect_ro(src)
    try:
        target = sqlite3.connect(partial)
        try:
            # Copy in steps so the running bot is never blocked for long.
            source.backup(target, pages=1024, sleep=0.005)
            result = target.execute("PRAGMA integrity_check").fetchone()
        finally:
            target.close()
    finally:
        source.close()
    if result is None or result[0] != "ok":
        partial.unlink(missing_ok=True)
        raise sqlite3.DatabaseError(f"the backup failed its integrity check: {result}")
    partial.replace(dest)
    return dest.stat().st_size


async def backup(src: Path, dest: Path) -> int:
    """Copy the live database at `src` to `dest` with SQLite's online backup API (safe while
    the bot writes), verify the copy, and return its size in bytes."""
    return await asyncio.to_thread(_backup, src, dest)


def _check(path: Path, quick: bool) -> list[str]:
    conn = _connect_ro(path)
    try:
        pragma = "quick_check" if quick else "integrity_check"
        problems = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}").fetchall()]
        problems += [
            f"foreign key: {r[0]} row {r[1]} -> {r[2]}"
            for r in conn.execute("PRAGMA foreign_key_check").fetchall()
        ]
    finally:
        conn.close()
    return [p for p in problems if p != "ok"]


async def check(path: Path, *, quick: bool = False) -> list[str]:
    """Problems SQLite finds in the file (empty when it is sound)."""
    return await asyncio.to_thread(_check, path, quick)


def _stats(path: Path) -> DbStats:
    conn = _connect_ro(path)
    try:
        rows: dict[str, int] = {}
        existing = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        for table in TABLES:
            if table in existing:
                rows[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        version = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
        return DbStats(
            path=str(path),
            size_bytes=path.stat().st_size,
            wal_bytes=(
                path.with_name(path.name + "-wal").stat().st_size
                if path.with_name(path.name + "-wal").exists()
                else 0
            ),
            page_size=int(conn.execute("PRAGMA page_size").fetchone()[0]),
            pages=int(conn.execute("PRAGMA page_count").fetchone()[0]),
            free_pages=int(conn.execute("PRAGMA freelist_count").fetchone()[0]),
            schema_version=int(version.fetchone()[0]),
            rows=rows,
        )
    finally:
        conn.close()


async def stats(path: Path) -> DbStats:
    """Size, pages, schema version and row counts of the database at `path`."""
    return await asyncio.to_thread(_stats, path)


def _heartbeats(path: Path) -> dict[str, dt.datetime]:
    conn = _connect_ro(path)
    try:
        found = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'heartbeats'"
        ).fetchone()
        if found is None:
            return {}
        return {
            str(component): dt.datetime.fromisoformat(str(at))
            for component, at in conn.execute("SELECT component, beat_at FROM heartbeats")
        }
    finally:
        conn.close()


async def heartbeats(path: Path) -> dict[str, dt.datetime]:
    """When each component last beat (UTC), read without migrating or writing anything."""
    return await asyncio.to_thread(_heartbeats, path)
