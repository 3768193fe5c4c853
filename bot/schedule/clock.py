"""The injected clock: the scheduler asks it for the time and sleeps through it, so tests can
move time (DST days, downtime) without waiting."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Where the scheduler gets "now" (aware, UTC) and how it waits."""

    def now(self) -> dt.datetime:
        """The current instant, timezone-aware."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of this clock's time."""
        ...


class SystemClock:
    """The real clock: UTC wall time and asyncio.sleep."""

    def now(self) -> dt.datetime:
        """The current UTC instant."""
        return dt.datetime.now(dt.UTC)

    async def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        await asyncio.sleep(max(seconds, 0.0))


class ManualClock:
    """A clock that moves only when told (`set`, `advance`); sleepers wake when it passes
    their deadline. For tests and simulations."""

    def __init__(self, start: dt.datetime) -> None:
        """Start at `start` (must be timezone-aware)."""
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)
        self._moved = asyncio.Condition()

    def now(self) -> dt.datetime:
        """The clock's current instant."""
        return self._now

    async def set(self, when: dt.datetime) -> None:
        """Jump to `when` (forwards or backwards) and wake sleepers whose time has come."""
        self._now = when.astimezone(dt.UTC)
        async with self._moved:
            self._moved.notify_all()
        await asyncio.sleep(0)

    async def advance(self, delta: dt.timedelta) -> None:
        """Move forwards by `delta`."""
        await self.set(self._now + delta)

    async def sleep(self, seconds: float) -> None:
        """Wait until the clock has been moved `seconds` past now."""
        deadline = self._now + dt.timedelta(seconds=max(seconds, 0.0))
        async with self._moved:
            await self._moved.wait_for(lambda: self._now >= deadline)
