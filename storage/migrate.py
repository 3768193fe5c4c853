"""Numbered SQL migrations, applied in order and recorded in `schema_migrations`.

Migration files live in `storage/migrations/` and are named `NNNN_name.sql`. Each is applied in
its own `BEGIN IMMEDIATE` transaction together with its `schema_migrations` row, and the
"already applied?" check is repeated after taking the write lock, so two processes starting at
once cannot both apply the same migration.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

import aiosqlite

MIGRATIONS_PACKAGE = "storage.migrations"
_FILE_RE = re.compile(r"^(\d{4})_([A-Za-z0-9_]+)\.sql$")

_CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration file: its number, its name and its SQL."""

    version: int
    name: str
    sql: str


def load_migrations(package: str = MIGRATIONS_PACKAGE) -> list[Migration]:
    """Read the migration files of `package`, in version order (read at call time)."""
    found: list[Migration] = []
    for entry in resources.files(package).iterdir():
        match = _FILE_RE.match(entry.name)
        if match is None or not entry.is_file():
            continue
        found.append(
            Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8"))
        )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions in {package}: {versions}")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies and quoted ';' stay intact).

    `executescript` would commit any open transaction first, so statements are run one by one
    inside the migration's own transaction instead.
    """
    statements: list[str] = []
    buffer = ""
    pieces = sql.split(";")
    for index, piece in enumerate(pieces):
        buffer += piece if index == len(pieces) - 1 else piece + ";"
        if sqlite3.complete_statement(buffer):
            if _strip_comments(buffer).strip(" \t\r\n;"):
                statements.append(buffer.strip())
            buffer = ""
    if _strip_comments(buffer).strip(" \t\r\n;"):
        raise ValueError(f"incomplete SQL statement at end of migration: {buffer.strip()[:80]!r}")
    return statements


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


async def applied_versions(conn: aiosqlite.Connection) -> set[int]:
    """Versions already recorded in `schema_migrations` (empty if the table is missing)."""
    rows = await conn.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    )
    if not list(rows):
        return set()
    return {int(row[0]) for row in await conn.execute_fetchall(
        "SELECT version FROM schema_migrations"
    )}


async def apply_migrations(
    conn: aiosqlite.Connection, migrations: list[Migration] | None = None
) -> list[int]:
    """Apply every pending migration in order; return the versions this call applied.

    The connection must be in autocommit mode (`isolation_level=None`), so that the explicit
    BEGIN IMMEDIATE / COMMIT here are the only transaction boundaries.
    """
    todo = load_migrations() if migrations is None else migrations
    await conn.execute(_CREATE_TABLE)
    done = await applied_versions(conn)
    applied: list[int] = []
    for migration in todo:
        if migration.version in done:
            continue
        await conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = await conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
            )
            # Another process may have applied it while we waited for the write lock.
            if await cursor.fetchone() is None:
                for statement in split_statements(migration.sql):
                    await conn.execute(statement)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, _now()),
                )
                applied.append(migration.version)
            await conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
    return applied


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
