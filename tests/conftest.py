"""Shared fixtures: a real SQLite store on a temp file, and the core service over it."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.ingest.sample import load_sample_if_empty
from bot.service import Service
from storage.sqlite import SQLiteStore

TODAY = dt.date(2026, 11, 22)
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """The team's shared folder (seeds and corpus), beside the checkout."""
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    return SHARED


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = await SQLiteStore.open(tmp_path / "pullquote.db")
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def service(store: SQLiteStore) -> Service:
    return Service(store, today=lambda: TODAY, rng=random.Random(7))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database file holding the sample corpus, built once; tests copy it."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"

    async def build() -> None:
        store = await SQLiteStore.open(path)
        try:
            await load_sample_if_empty(store)
            await store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            await store.close()

    asyncio.run(build())
    yield path
