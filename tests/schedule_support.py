"""Test support for the daily-post scheduler: a recording poster and store helpers."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field

from bot.cards import Card
from bot.schedule.clock import ManualClock
from bot.schedule.poster import ErrorKind, PostError
from bot.schedule.scheduler import Scheduler
from bot.schedule.timezones import zone
from bot.schedule.timing import first_due
from storage.records import NewSchedule
from storage.sqlite import SQLiteStore


class Killed(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


@dataclass
class Sent:
    channel_id: str
    key: str
    card: Card
    message_id: str


@dataclass
class RecordingPoster:
    """A Poster that keeps every message per channel (shared across "processes")."""

    platform: str = "test"
    sent: list[Sent] = field(default_factory=list)
    failing: dict[str, ErrorKind] = field(default_factory=dict)
    kill_after: int | None = None
    """Die (raise Killed) right after the n-th successful send, before returning."""
    find_fails: bool = False
    delay: float = 0.0
    notify_at: int | None = None
    """Set `reached` once this many posts have been sent."""
    reached: asyncio.Event = field(default_factory=asyncio.Event)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def post(self, channel_id: str, card: Card, *, idempotency_key: str) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        kind = self.failing.get(channel_id)
        if kind is not None:
            raise PostError(kind, f"fake {kind}")
        message_id = f"m{next(self._ids)}"
        self.sent.append(Sent(channel_id, idempotency_key, card, message_id))
        if self.notify_at is not None and len(self.sent) >= self.notify_at:
            self.reached.set()
        if self.kill_after is not None and len(self.daily()) >= self.kill_after:
            self.kill_after = None
            raise Killed()
        return message_id

    async def find_post(
        self, channel_id: str, idempotency_key: str, since: dt.datetime
    ) -> str | None:
        if self.find_fails:
            raise PostError("no_permission", "cannot read history")
        for s in self.sent:
            if s.channel_id == channel_id and s.key == idempotency_key:
                return s.message_id
        return None

    def daily(self) -> list[Sent]:
        """The daily posts (not pause notices)."""
        return [s for s in self.sent if not s.key.endswith("p")]

    def per_channel(self) -> Counter[str]:
        return Counter(s.channel_id for s in self.daily())


async def add_schedules(
    store: SQLiteStore,
    channels: list[str],
    *,
    at: dt.time,
    tz: str,
    now: dt.datetime,
    platform: str = "test",
    film_id: int | None = None,
) -> None:
    """Schedules for `channels`, first due at the next `at` after `now`."""
    day, due = first_due(at, zone(tz), now)
    for channel in channels:
        await store.schedules.save_schedule(
            NewSchedule(platform, channel, at, tz, day, due, film_id=film_id), now
        )


def scheduler(
    store: SQLiteStore, poster: RecordingPoster, clock: ManualClock, **kwargs: object
) -> Scheduler:
    """A scheduler over `store` posting with `poster`, unlimited rate, on `clock`."""
    return Scheduler(
        store.schedules, store, {poster.platform: poster}, clock=clock, limits={},
        **kwargs,  # type: ignore[arg-type]
    )


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)  # type: ignore[misc]
