"""Daily-post fan-out: 10,000 channels due in the same minute, against a fake platform that
enforces Discord's 50 requests/s with a token bucket (requests over the limit get a 429).

Figures: the achieved send rate (target >= 90% of the limit), duplicates (0) and misses (0),
merged into bench-results.json. PULLQUOTE_BENCH_QUICK=1 runs 300 channels and asserts
nothing. A full run takes about 200 s (10,000 / 50)."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import time
from collections import Counter
from pathlib import Path

from bot.cards import Card
from bot.ingest.sample import load_sample_if_empty
from bot.schedule.clock import ManualClock
from bot.schedule.poster import PostError
from bot.schedule.scheduler import DEFAULT_LIMITS, Scheduler
from storage.records import NewSchedule
from storage.sqlite import SQLiteStore
from tests.benchmarks import report

LIMIT = 50.0
"""Requests per second the fake platform allows (Discord's global limit)."""
BUCKET = 50.0
"""The fake's bucket size: a second's worth, like Discord's per-second window."""
LATENCY = 0.03
"""Simulated round trip of one send."""
CHANNELS = 300 if report.QUICK else 10_000
RATE_TARGET = 0.9 * LIMIT


class LimitedPlatform:
    """A Discord-like poster: a token bucket per second; over the limit answers 429."""

    platform = "discord"

    def __init__(self) -> None:
        self.tokens = BUCKET
        self.stamp = time.monotonic()
        self.accepted: list[tuple[str, float]] = []
        self.keys: Counter[str] = Counter()
        self.rejected = 0
        self._ids = itertools.count(1)

    async def post(self, channel_id: str, card: Card, *, idempotency_key: str) -> str:
        now = time.monotonic()
        self.tokens = min(BUCKET, self.tokens + (now - self.stamp) * LIMIT)
        self.stamp = now
        if self.tokens < 1:
            self.rejected += 1
            await asyncio.sleep(LATENCY)
            raise PostError("rate_limited", "429", retry_after=(1 - self.tokens) / LIMIT)
        self.tokens -= 1
        await asyncio.sleep(LATENCY)
        self.accepted.append((channel_id, now))
        self.keys[idempotency_key] += 1
        return str(next(self._ids))

    async def find_post(
        self, channel_id: str, idempotency_key: str, since: dt.datetime
    ) -> str | None:
        return None


async def _run(db: Path) -> dict[str, float]:
    store = await SQLiteStore.open(db)
    try:
        await load_sample_if_empty(store)
        start = dt.datetime(2026, 6, 1, 7, 59, tzinfo=dt.UTC)
        due = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)
        for i in range(CHANNELS):
            await store.schedules.save_schedule(
                NewSchedule(
                    "discord", f"{900000000000000000 + i}", dt.time(9, 0), "Europe/London",
                    dt.date(2026, 6, 1), due,
                ),
                start,
            )
        platform = LimitedPlatform()
        clock = ManualClock(due)
        sched = Scheduler(
            store.schedules, store, {"discord": platform}, clock=clock,
            limits=DEFAULT_LIMITS,
        )
        t0 = time.perf_counter()
        tick = await sched.tick()
        wall = time.perf_counter() - t0
        sent = len(platform.accepted)
        first = platform.accepted[0][1] if platform.accepted else 0.0
        last = platform.accepted[-1][1] if platform.accepted else 0.0
        per_channel = Counter(c for c, _ in platform.accepted)
        return {
            "rate": (sent - 1) / (last - first) if sent > 1 and last > first else 0.0,
            "wall": wall,
            "sent": float(tick.sent),
            "duplicates": float(sum(n - 1 for n in per_channel.values() if n > 1)),
            "misses": float(CHANNELS - len(per_channel)),
            "rejected": float(platform.rejected),
        }
    finally:
        await store.close()


def test_daily_fan_out_within_rate_limit(tmp_path: Path) -> None:
    figures = asyncio.run(_run(tmp_path / "fanout.db"))
    rate_ok = figures["rate"] >= RATE_TARGET
    exact = figures["duplicates"] == 0 and figures["misses"] == 0
    common = {"channels": CHANNELS, "limit_rps": LIMIT, "wall_s": round(figures["wall"], 1)}
    report.record(
        "daily_fanout_rate", round(figures["rate"], 2), "posts/s", f">= {RATE_TARGET:.0f}",
        rate_ok, rejected_429=int(figures["rejected"]), **common,
    )
    report.record(
        "daily_fanout_duplicates", figures["duplicates"], "posts", "0",
        figures["duplicates"] == 0, **common,
    )
    report.record(
        "daily_fanout_misses", figures["misses"], "channels", "0", figures["misses"] == 0,
        **common,
    )
    if not report.QUICK:
        assert rate_ok, figures
    assert exact, figures
