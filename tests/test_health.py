"""Health check, heartbeats and database upkeep, on real database files."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.health import STALE_AFTER, Liveness, check_health, heartbeat_loop
from bot.ingest.sample import load_sample_if_empty
from storage import maintenance
from storage.sqlite import SQLiteStore


async def test_health_needs_a_sound_database_and_fresh_beats(tmp_path: Path) -> None:
    db = tmp_path / "pq.db"
    ok, reason = await check_health(db, [])
    assert not ok and "no database" in reason

    store = await SQLiteStore.open(db)
    try:
        ok, reason = await check_health(db, [])
        assert ok, reason
        ok, reason = await check_health(db, ["discord"])
        assert not ok and reason == "discord has not connected yet"

        liveness = Liveness()
        liveness.register("discord", lambda: True)
        liveness.register("slack", lambda: False)  # registered but not connected: no beat
        task = asyncio.create_task(heartbeat_loop(store, liveness, every=0.01))
        await asyncio.sleep(0.05)
        task.cancel()
        ok, reason = await check_health(db, ["discord"])
        assert ok, reason
        ok, reason = await check_health(db, ["discord", "slack"])
        assert not ok and "slack" in reason

        later = dt.datetime.now(dt.UTC) + STALE_AFTER + dt.timedelta(seconds=5)
        ok, reason = await check_health(db, ["discord"], now=later)
        assert not ok and "last showed life" in reason
    finally:
        await store.close()


async def test_corrupt_database_is_unhealthy(tmp_path: Path) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    ok, reason = await check_health(db, [])
    assert not ok and "database" in reason


async def test_online_backup_while_writing(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    store = await SQLiteStore.open(db)
    try:
        await load_sample_if_empty(store)
        writes = asyncio.create_task(_keep_writing(store))
        size = await maintenance.backup(db, tmp_path / "copies" / "backup.db")
        writes.cancel()
        assert size > 0
        with sqlite3.connect(tmp_path / "copies" / "backup.db") as copy:
            reviews = copy.execute("SELECT count(*) FROM reviews").fetchone()[0]
        assert reviews == (await store.counts()).reviews
        assert await maintenance.check(tmp_path / "copies" / "backup.db") == []
        stats = await maintenance.stats(db)
        assert stats.rows["reviews"] == reviews and stats.schema_version >= 4
    finally:
        await store.close()


async def _keep_writing(store: SQLiteStore) -> None:
    n = 0
    while True:
        await store.remember_shown(f"chan-{n % 7}", 1)
        n += 1
        await asyncio.sleep(0)


async def test_missing_database_is_reported(tmp_path: Path) -> None:
    with pytest.raises(maintenance.DatabaseMissing):
        await maintenance.backup(tmp_path / "none.db", tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
