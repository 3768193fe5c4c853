"""Claims (exactly once for Slack deliveries and Posts): concurrent claims are written in
batches, each durable before its caller hears back."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from storage.sqlite import SQLiteStore


async def test_concurrent_claims_are_each_won_once(tmp_path: Path) -> None:
    store = await SQLiteStore.open(tmp_path / "claims.db")
    try:
        keys = [f"k{i % 40}" for i in range(100)]  # 40 keys, most claimed more than once
        won = await asyncio.gather(*(store.claim(k) for k in keys))
        assert sum(won) == 40
        assert {k for k, w in zip(keys, won, strict=True) if w} == {f"k{i}" for i in range(40)}
        assert not await store.claim("k0")
    finally:
        await store.close()


async def test_a_claim_is_durable_when_it_returns(tmp_path: Path) -> None:
    path = tmp_path / "claims.db"
    store = await SQLiteStore.open(path)
    try:
        assert await store.claim("slack:trigger_id:1")
        # Another connection (another process, or this one after a restart) sees it now.
        with sqlite3.connect(path) as other:
            rows = other.execute("SELECT key FROM claims").fetchall()
        assert rows == [("slack:trigger_id:1",)]
    finally:
        await store.close()
    reopened = await SQLiteStore.open(path)
    try:
        assert not await reopened.claim("slack:trigger_id:1")
    finally:
        await reopened.close()


async def test_a_failed_batch_fails_its_claims_and_the_next_batch_still_works(
    tmp_path: Path,
) -> None:
    store = await SQLiteStore.open(tmp_path / "claims.db")
    try:
        await store._conn.execute("DROP TABLE claims")
        failed = await asyncio.gather(store.claim("a"), store.claim("b"), return_exceptions=True)
        assert all(isinstance(f, sqlite3.OperationalError) for f in failed)
        await store._conn.execute("CREATE TABLE claims (key TEXT PRIMARY KEY, claimed_at TEXT)")
        assert await store.claim("a")
    finally:
        await store.close()
