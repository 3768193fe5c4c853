"""The scheduler: finds due daily posts, claims each (schedule, local date) in the database
before sending, sends within each platform's rate limits, and records the outcome.

Exactly once: a claim is an INSERT on the (schedule, date) key, so only one task or process
gets a day. A claim carries a lease; a claim whose lease ran out (the process died, or a send
timed out) has an unknown outcome and is resolved by looking the post up on the platform
(`Poster.find_post`) before anything is sent again. Catch-up: a post missed while the bot was
down goes out if it is at most `grace` late, otherwise the day is recorded as skipped. Every
decision uses the injected clock; only the rate limiter waits in real time."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.cards import Card
from bot.schedule.clock import Clock, SystemClock
from bot.schedule.models import Claim, PendingPost, ScheduleRow, idempotency_key
from bot.schedule.picker import Picker
from bot.schedule.poster import HINTS, Poster, PostError
from bot.schedule.timezones import zone
from bot.schedule.timing import after, first_due
from storage.protocol import ScheduleStore, Store

log = logging.getLogger(__name__)

DEFAULT_GRACE = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=2)
"""How long a claim is trusted to be in flight; after that its outcome counts as unknown."""
SEND_TIMEOUT = 30.0
PAUSE_AFTER = 3
RETRY_BACKOFF = (
    dt.timedelta(minutes=5), dt.timedelta(minutes=15), dt.timedelta(minutes=30)
)
MAX_RATE_RETRIES = 5
MAX_SKIPS_RECORDED = 31
"""Missed days recorded one by one after downtime; a longer outage jumps straight ahead."""
BATCH = 1000
CONCURRENCY = 64


@dataclass(frozen=True, slots=True)
class RateLimit:
    """A platform's posting limits: a global token bucket and a per-channel spacing."""

    per_second: float | None = None
    burst: float = 1.0
    per_channel_seconds: float | None = None


DEFAULT_LIMITS: dict[str, RateLimit] = {
    # Discord: 50 requests/s per bot across every route.
    "discord": RateLimit(per_second=50.0, burst=5.0),
    # Slack: chat.postMessage about 1/s per channel, a few hundred a minute per workspace.
    "slack": RateLimit(per_second=5.0, burst=5.0, per_channel_seconds=1.0),
}


class TokenBucket:
    """An async token bucket in real (monotonic) time; waiters are served in order."""

    def __init__(
        self, rate: float, burst: float, *, time: Callable[[], float] | None = None
    ) -> None:
        """`rate` tokens a second, holding at most `burst`."""
        self.rate = rate
        self.burst = max(burst, 1.0)
        self._time = time
        self._tokens = self.burst
        self._stamp: float | None = None
        self._blocked_until = 0.0
        self._lock = asyncio.Lock()

    def _now(self) -> float:
        return self._time() if self._time is not None else asyncio.get_running_loop().time()

    async def acquire(self) -> None:
        """Take one token, waiting until there is one."""
        async with self._lock:
            while True:
                now = self._now()
                if self._stamp is not None:
                    self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                wait = self._blocked_until - now
                if wait <= 0 and self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep(max(wait, (1 - self._tokens) / self.rate, 0.001))

    def penalize(self, seconds: float) -> None:
        """The server said slow down: nobody goes for `seconds`, and the bucket empties."""
        self._blocked_until = max(self._blocked_until, self._now() + max(seconds, 0.0))
        self._tokens = 0.0


class RateLimiter:
    """Per-platform limits: a bucket per platform and spacing per channel."""

    def __init__(self, limits: Mapping[str, RateLimit]) -> None:
        """Limits by platform name; platforms not listed are not limited."""
        self._limits = dict(limits)
        self._buckets: dict[str, TokenBucket] = {}
        self._last: dict[tuple[str, str], float] = {}

    def _bucket(self, platform: str) -> TokenBucket | None:
        limit = self._limits.get(platform)
        if limit is None or limit.per_second is None:
            return None
        bucket = self._buckets.get(platform)
        if bucket is None:
            bucket = self._buckets[platform] = TokenBucket(limit.per_second, limit.burst)
        return bucket

    async def acquire(self, platform: str, channel: str) -> None:
        """Wait until one more message may go to `channel` on `platform`."""
        limit = self._limits.get(platform)
        if limit is not None and limit.per_channel_seconds:
            loop = asyncio.get_running_loop()
            key = (platform, channel)
            last = self._last.get(key)
            if last is not None:
                wait = last + limit.per_channel_seconds - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
            self._last[key] = loop.time()
            if len(self._last) > 50_000:
                self._last.clear()
        bucket = self._bucket(platform)
        if bucket is not None:
            await bucket.acquire()

    def penalize(self, platform: str, seconds: float) -> None:
        """Hold every send to `platform` for `seconds` (a 429's retry-after)."""
        bucket = self._bucket(platform)
        if bucket is None:
            bucket = self._buckets[platform] = TokenBucket(1_000_000.0, 1.0)
        bucket.penalize(seconds)


@dataclass
class TickReport:
    """What one tick did (for logs and tests)."""

    sent: int = 0
    skipped: int = 0
    failed: int = 0
    lost: int = 0
    """Claims another task or process had already made (so we did not post)."""
    recovered: int = 0
    """In-doubt claims found already posted on the platform."""
    unknown: int = 0
    paused: list[int] = field(default_factory=list)


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class Scheduler:
    """Posts every due schedule once; see the module docstring for the rules."""

    def __init__(
        self,
        schedules: ScheduleStore,
        content: Store,
        posters: Mapping[str, Poster],
        *,
        clock: Clock | None = None,
        grace: dt.timedelta = DEFAULT_GRACE,
        lease: dt.timedelta = LEASE,
        concurrency: int = CONCURRENCY,
        limits: Mapping[str, RateLimit] | None = None,
        pause_after: int = PAUSE_AFTER,
        send_timeout: float = SEND_TIMEOUT,
        owner: str | None = None,
        on_shown: Callable[[str, int], None] | None = None,
    ) -> None:
        """`posters` is read at every tick, so adapters may add theirs once connected;
        `on_shown(channel, snippet_id)` hears of each card sent (the service's in-memory
        channel history, beside the history row written here)."""
        self.store = schedules
        self.content = content
        self.posters = posters
        self.clock: Clock = clock or SystemClock()
        self.grace = grace
        self.lease = lease
        self.concurrency = max(1, concurrency)
        self.pause_after = pause_after
        self.send_timeout = send_timeout
        self.owner = owner or _owner()
        self.picker = Picker(content, schedules)
        self.on_shown = on_shown
        self.limiter = RateLimiter(DEFAULT_LIMITS if limits is None else limits)
        self._wake: asyncio.Event | None = None

    # -- the loop -------------------------------------------------------------------------

    def wake(self) -> None:
        """Tick again now (e.g. a schedule was just set for the current minute)."""
        if self._wake is not None:
            self._wake.set()

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Tick at every minute boundary (or when woken) until `stop` is set. Unknown claims
        left by an earlier process are resolved by the first tick."""
        self._wake = asyncio.Event()
        while not stop.is_set():
            try:
                report = await self.tick()
                if report.sent or report.skipped or report.failed or report.recovered:
                    log.info("daily posts: %s", report)
            except Exception:
                log.exception("scheduler tick failed; trying again at the next minute")
            now = self.clock.now()
            delay = 60.0 - (now.second + now.microsecond / 1e6)
            await self._pause(max(delay, 0.01), stop)

    async def _pause(self, seconds: float, stop: asyncio.Event) -> None:
        assert self._wake is not None
        waits = [
            asyncio.ensure_future(self.clock.sleep(seconds)),
            asyncio.ensure_future(stop.wait()),
            asyncio.ensure_future(self._wake.wait()),
        ]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
            self._wake.clear()

    # -- one tick -------------------------------------------------------------------------

    async def tick(self, now: dt.datetime | None = None) -> TickReport:
        """Resolve in-doubt claims, retry failed posts, then post everything due at `now`."""
        now = now or self.clock.now()
        report = TickReport()
        platforms = list(self.posters)
        if not platforms:
            return report
        await self._fan_out(
            [
                self._bind(self._resolve, p, now, report)
                for p in await self.store.expired_claims(now, BATCH, platforms)
            ]
        )
        await self._fan_out(
            [
                self._bind(self._retry, p, now, report)
                for p in await self.store.retryable_posts(now, BATCH, platforms)
            ]
        )
        seen: set[int] = set()
        while True:
            due = [
                s
                for s in await self.store.due_schedules(now, BATCH, platforms)
                if s.id not in seen
            ]
            if not due:
                break
            seen.update(s.id for s in due)
            await self._fan_out([self._bind(self._due, s, now, report) for s in due])
        return report

    async def recover(self, now: dt.datetime | None = None) -> TickReport:
        """Only resolve claims whose outcome is unknown (what a start-up does first)."""
        now = now or self.clock.now()
        report = TickReport()
        pending = await self.store.expired_claims(now, BATCH, list(self.posters))
        await self._fan_out([self._bind(self._resolve, p, now, report) for p in pending])
        return report

    @staticmethod
    def _bind(
        fn: Callable[[Any, dt.datetime, TickReport], Awaitable[None]],
        item: Any,
        now: dt.datetime,
        report: TickReport,
    ) -> Callable[[], Awaitable[None]]:
        return lambda: fn(item, now, report)

    async def _fan_out(self, jobs: Sequence[Callable[[], Awaitable[None]]]) -> None:
        """Run `jobs` with at most `concurrency` at once; one job's failure is logged and
        does not stop the others (cancellation does)."""
        if not jobs:
            return
        queue: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()
        for job in jobs:
            queue.put_nowait(job)

        async def worker() -> None:
            while True:
                try:
                    job = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                try:
                    await job()
                except Exception:
                    log.exception("a daily post job failed")

        workers = [
            asyncio.ensure_future(worker()) for _ in range(min(self.concurrency, len(jobs)))
        ]
        try:
            await asyncio.gather(*workers)
        finally:
            for w in workers:
                w.cancel()

    # -- due posts ------------------------------------------------------------------------

    async def _due(self, schedule: ScheduleRow, now: dt.datetime, report: TickReport) -> None:
        tz = zone(schedule.tz)
        day, due = schedule.next_date, schedule.next_due
        skips = 0
        while due <= now:
            next_day, next_due = after(day, schedule.local_time, tz)
            late = now - due
            if late > self.grace or next_due <= now:
                if skips >= MAX_SKIPS_RECORDED:
                    jump_day, jump_due = first_due(schedule.local_time, tz, now)
                    await self.store.advance_schedule(schedule.id, day, jump_day, jump_due)
                    return
                reason = (
                    f"Missed: the bot was not running at {schedule.local_time:%H:%M} "
                    f"{schedule.tz} on {day:%d %b %Y} and came back {_span(late)} late "
                    f"(the grace window is {_span(self.grace)})."
                )
                if await self.store.skip_post(
                    schedule.id, day, due, reason, self.clock.now(), next_day, next_due
                ):
                    report.skipped += 1
                skips += 1
                day, due = next_day, next_due
                continue
            await self._claim_and_send(schedule, day, due, next_day, next_due, report)
            return

    async def _claim_and_send(
        self,
        schedule: ScheduleRow,
        day: dt.date,
        due: dt.datetime,
        next_day: dt.date,
        next_due: dt.datetime,
        report: TickReport,
    ) -> None:
        pick = await self.picker.pick(schedule, day)
        stamp = self.clock.now()
        claim = Claim(
            schedule_id=schedule.id,
            local_date=day,
            due_at=due,
            snippet_id=pick.snippet.id if pick else None,
            cycle=pick.cycle if pick else 0,
            owner=self.owner,
            now=stamp,
            lease_until=stamp + self.lease,
            next_date=next_day,
            next_due=next_due,
        )
        if not await self.store.claim_post(claim):
            report.lost += 1
            return
        await self._send(schedule, day, due, claim.snippet_id, report)

    # -- sending --------------------------------------------------------------------------

    async def _send(
        self,
        schedule: ScheduleRow,
        day: dt.date,
        due: dt.datetime,
        snippet_id: int | None,
        report: TickReport,
    ) -> None:
        """Send a claimed post and record the outcome."""
        poster = self.posters.get(schedule.platform)
        card = await self.picker.card(schedule, day, snippet_id)
        if poster is None or card is None:
            kind, text = ("empty", HINTS["empty"]) if card is None else (
                "transient", f"No {schedule.platform} connection in this process."
            )
            await self._failed(schedule, day, due, kind, text, report, in_doubt=False)
            return
        key = idempotency_key(schedule.id, day)
        rate_retries = 0
        loop = asyncio.get_running_loop()
        # Stop retrying 429s well inside the claim's lease, so that no other process takes
        # the claim over (and looks for the post) while this one may still send it.
        give_up_at = loop.time() + self.lease.total_seconds() / 2
        while True:
            await self.limiter.acquire(schedule.platform, schedule.channel_id)
            try:
                message_id = await asyncio.wait_for(
                    poster.post(schedule.channel_id, card, idempotency_key=key),
                    min(self.send_timeout, max(give_up_at - loop.time(), 1.0)),
                )
            except PostError as exc:
                if (
                    exc.kind == "rate_limited"
                    and rate_retries < MAX_RATE_RETRIES
                    and loop.time() + (exc.retry_after or 1.0) < give_up_at
                ):
                    rate_retries += 1
                    self.limiter.penalize(schedule.platform, exc.retry_after or 1.0)
                    continue
                await self._failed(
                    schedule, day, due, exc.kind, exc.message, report, in_doubt=exc.maybe_sent
                )
                return
            except TimeoutError:
                await self._failed(
                    schedule, day, due, "transient",
                    f"No answer within {self.send_timeout:.0f} s.", report, in_doubt=True,
                )
                return
            except Exception as exc:
                log.exception("posting to %s %s failed", schedule.platform, schedule.channel_id)
                await self._failed(
                    schedule, day, due, "transient", f"Unexpected error: {exc!r}"[:200],
                    report, in_doubt=True,
                )
                return
            await self._sent(schedule, day, message_id, snippet_id, report)
            return

    async def _sent(
        self,
        schedule: ScheduleRow,
        day: dt.date,
        message_id: str,
        snippet_id: int | None,
        report: TickReport,
    ) -> None:
        await self.store.mark_sent(schedule.id, day, str(message_id), self.clock.now())
        report.sent += 1
        if snippet_id is not None:
            # So that /quote in the channel does not repeat today's daily card.
            with contextlib.suppress(Exception):
                await self.content.remember_shown(schedule.channel_id, snippet_id)
            if self.on_shown is not None:
                self.on_shown(schedule.channel_id, snippet_id)

    async def _failed(
        self,
        schedule: ScheduleRow,
        day: dt.date,
        due: dt.datetime,
        kind: str,
        text: str,
        report: TickReport,
        *,
        in_doubt: bool,
    ) -> None:
        now = self.clock.now()
        post = await self.store.daily_post(schedule.id, day)
        attempt = post.attempts if post is not None else 1
        retry_at: dt.datetime | None = now + RETRY_BACKOFF[
            min(max(attempt - 1, 0), len(RETRY_BACKOFF) - 1)
        ]
        if not in_doubt and retry_at is not None and retry_at - due > self.grace:
            retry_at = None
        outcome = await self.store.mark_failed(
            schedule.id, day, kind=kind, error=text, now=now, retry_at=retry_at,
            pause_after=self.pause_after, in_doubt=in_doubt,
        )
        report.failed += 1
        log.warning(
            "daily post for %s %s on %s failed (%s): %s",
            schedule.platform, schedule.channel_id, day, kind, text,
        )
        if outcome.paused:
            report.paused.append(schedule.id)
            await self._say_paused(schedule, day, kind, text, outcome.failures)

    async def _say_paused(
        self, schedule: ScheduleRow, day: dt.date, kind: str, text: str, failures: int
    ) -> None:
        """Tell the channel the schedule paused itself, where the platform still lets us."""
        log.warning(
            "daily posts paused for %s %s after %d failures",
            schedule.platform, schedule.channel_id, failures,
        )
        poster = self.posters.get(schedule.platform)
        if poster is None:
            return
        card = Card(
            kind="help",
            title="Daily posts paused",
            body=(
                f"Pullquote paused this channel's daily post after {failures} failed attempts "
                f"in a row. Last error: {HINTS.get(kind, kind)} ({text}) "
                "Once it is fixed, an admin can run /daily resume."
            ),
        )
        try:
            await asyncio.wait_for(
                poster.post(
                    schedule.channel_id, card,
                    idempotency_key=idempotency_key(schedule.id, day) + "p",
                ),
                self.send_timeout,
            )
        except Exception as exc:
            log.info("could not announce the pause in %s: %s", schedule.channel_id, exc)

    # -- in-doubt claims and retries ------------------------------------------------------

    async def _resolve(self, pending: PendingPost, now: dt.datetime, report: TickReport) -> None:
        """An expired claim: find the post on the platform; send only if it is not there."""
        schedule, post = pending.schedule, pending.post
        stamp = self.clock.now()
        if not await self.store.retake_post(
            schedule.id, post.local_date, expect="claimed", owner=self.owner, now=now,
            lease_until=stamp + self.lease,
        ):
            return
        poster = self.posters.get(schedule.platform)
        if poster is None:  # pragma: no cover - filtered by platform in the query
            return
        key = idempotency_key(schedule.id, post.local_date)
        since = (post.claimed_at or post.due_at) - dt.timedelta(minutes=1)
        late = now - post.due_at
        try:
            found = await asyncio.wait_for(
                poster.find_post(schedule.channel_id, key, since), self.send_timeout
            )
        except Exception as exc:
            note = f"Could not check whether the post went out: {exc}"[:300]
            if late > self.grace:
                await self.store.settle_post(
                    schedule.id, post.local_date, "failed",
                    note + " Not resent, to avoid a duplicate.",
                )
                report.unknown += 1
            else:
                await self.store.release_claim(
                    schedule.id, post.local_date, stamp + RETRY_BACKOFF[0], note
                )
            return
        if found is not None:
            await self._sent(schedule, post.local_date, found, None, report)
            report.sent -= 1
            report.recovered += 1
            return
        if schedule.state != "active" or late > self.grace:
            await self.store.settle_post(
                schedule.id, post.local_date, "skipped",
                "Sending was interrupted and the grace window has passed.",
            )
            report.skipped += 1
            return
        await self._send(schedule, post.local_date, post.due_at, post.snippet_id, report)

    async def _retry(self, pending: PendingPost, now: dt.datetime, report: TickReport) -> None:
        """A failed post whose retry time has come (only within the grace window)."""
        schedule, post = pending.schedule, pending.post
        if now - post.due_at > self.grace:
            await self.store.settle_post(
                schedule.id, post.local_date, "failed", post.error or "Gave up."
            )
            return
        if not await self.store.retake_post(
            schedule.id, post.local_date, expect="failed", owner=self.owner, now=now,
            lease_until=self.clock.now() + self.lease,
        ):
            return
        await self._send(schedule, post.local_date, post.due_at, post.snippet_id, report)


def _span(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h" + (f" {rest} min" if rest else "")
    return f"{hours // 24} days"
