"""Daily-post schedules on SQLite: the `ScheduleStore` over SQLiteStore's connection.

The exactly-once rule is the primary key of `daily_posts` (schedule, local date): a post is
claimed with INSERT OR IGNORE before it is sent, so only one caller (task, process) ever
gets a given day. Instants are stored as UTC text with milliseconds and a Z, so that text
order is time order and `next_due <= ?` uses the index."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar, cast

import aiosqlite

from storage.records import (
    Claim,
    DailyKind,
    DailyPostRow,
    FailureOutcome,
    NewSchedule,
    PendingPost,
    PostStatus,
    ScheduleRow,
    ScheduleState,
)

T = TypeVar("T")

_SCHEDULE_COLUMNS = (
    "s.id, s.platform, s.channel_id, s.workspace_id, s.local_time, s.tz, s.film_id, s.kind,"
    " s.on_this_day, s.state, s.paused_reason, s.next_date, s.next_due, s.failures,"
    " s.last_error, s.last_error_kind, s.last_error_at, s.created_by"
)
_POST_COLUMNS = (
    "p.schedule_id, p.local_date, p.status, p.due_at, p.snippet_id, p.cycle, p.owner,"
    " p.lease_until, p.claimed_at, p.attempts, p.retry_at, p.sent_at, p.message_id, p.error,"
    " p.error_kind"
)
MAX_ERROR = 500


def instant(value: dt.datetime) -> str:
    """An aware datetime as stored: UTC, milliseconds, 'Z' (sortable as text)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the schedule store")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_instant(text: str | None) -> dt.datetime | None:
    """The aware UTC datetime of a stored instant (None stays None)."""
    if text is None:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


def _must(text: str) -> dt.datetime:
    value = parse_instant(text)
    assert value is not None
    return value


def _schedule(row: Any) -> ScheduleRow:
    return ScheduleRow(
        id=int(row[0]),
        platform=str(row[1]),
        channel_id=str(row[2]),
        workspace_id=row[3],
        local_time=dt.time.fromisoformat(str(row[4])),
        tz=str(row[5]),
        film_id=row[6],
        kind=cast(DailyKind, row[7]),
        on_this_day=bool(row[8]),
        state=cast(ScheduleState, row[9]),
        paused_reason=row[10],
        next_date=dt.date.fromisoformat(str(row[11])),
        next_due=_must(str(row[12])),
        failures=int(row[13]),
        last_error=row[14],
        last_error_kind=row[15],
        last_error_at=parse_instant(row[16]),
        created_by=row[17],
    )


def _post(row: Any, offset: int = 0) -> DailyPostRow:
    r = row[offset:]
    return DailyPostRow(
        schedule_id=int(r[0]),
        local_date=dt.date.fromisoformat(str(r[1])),
        status=cast(PostStatus, r[2]),
        due_at=_must(str(r[3])),
        snippet_id=r[4],
        cycle=int(r[5]),
        owner=r[6],
        lease_until=parse_instant(r[7]),
        claimed_at=parse_instant(r[8]),
        attempts=int(r[9]),
        retry_at=parse_instant(r[10]),
        sent_at=parse_instant(r[11]),
        message_id=r[12],
        error=r[13],
        error_kind=r[14],
    )


def _platforms(platforms: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
    if platforms is None:
        return "", ()
    names = tuple(platforms) or ("",)
    return f" AND s.platform IN ({', '.join('?' for _ in names)})", names


class SQLiteSchedules:
    """`ScheduleStore` on the store's aiosqlite connection, sharing its write lock so that a
    multi-statement transaction never interleaves with another task's writes."""

    def __init__(self, conn: aiosqlite.Connection, write_lock: asyncio.Lock) -> None:
        """Use the connection and write lock of an open SQLiteStore."""
        self._conn = conn
        self._lock = write_lock

    async def _tx(self, work: Callable[[], Awaitable[T]]) -> T:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                result = await work()
                await self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise
        return result

    async def _one_schedule(self, where: str, params: Sequence[object]) -> ScheduleRow | None:
        rows = list(
            await self._conn.execute_fetchall(
                f"SELECT {_SCHEDULE_COLUMNS} FROM schedules AS s WHERE {where}", tuple(params)
            )
        )
        return _schedule(rows[0]) if rows else None

    # -- schedules ------------------------------------------------------------------------

    async def save_schedule(self, new: NewSchedule, now: dt.datetime) -> ScheduleRow:
        """Create or replace the channel's schedule: active, failures and errors cleared."""
        stamp = instant(now)
        async with self._lock:
            await self._conn.execute(
                "INSERT INTO schedules (platform, channel_id, workspace_id, local_time, tz,"
                " film_id, kind, on_this_day, state, paused_reason, next_date, next_due,"
                " failures, last_error, last_error_kind, last_error_at, created_by, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?, ?, 0, NULL,"
                " NULL, NULL, ?, ?, ?)"
                " ON CONFLICT (platform, channel_id) DO UPDATE SET"
                " workspace_id = excluded.workspace_id, local_time = excluded.local_time,"
                " tz = excluded.tz, film_id = excluded.film_id, kind = excluded.kind,"
                " on_this_day = excluded.on_this_day, state = 'active', paused_reason = NULL,"
                " next_date = excluded.next_date, next_due = excluded.next_due, failures = 0,"
                " last_error = NULL, last_error_kind = NULL, last_error_at = NULL,"
                " created_by = excluded.created_by, updated_at = excluded.updated_at",
                (
                    new.platform,
                    new.channel_id,
                    new.workspace_id,
                    new.local_time.strftime("%H:%M"),
                    new.tz,
                    new.film_id,
                    new.kind,
                    int(new.on_this_day),
                    new.next_date.isoformat(),
                    instant(new.next_due),
                    new.created_by,
                    stamp,
                    stamp,
                ),
            )
        row = await self.schedule_for(new.platform, new.channel_id)
        assert row is not None
        return row

    async def schedule(self, schedule_id: int) -> ScheduleRow | None:
        """One schedule by id."""
        return await self._one_schedule("s.id = ?", (schedule_id,))

    async def schedule_for(self, platform: str, channel_id: str) -> ScheduleRow | None:
        """The channel's schedule, whatever its state."""
        return await self._one_schedule(
            "s.platform = ? AND s.channel_id = ?", (platform, channel_id)
        )

    async def set_schedule_state(
        self,
        schedule_id: int,
        state: ScheduleState,
        now: dt.datetime,
        *,
        reason: str | None = None,
        next_date: dt.date | None = None,
        next_due: dt.datetime | None = None,
    ) -> ScheduleRow | None:
        """Pause, resume or turn off; `next_*` (when given) move the next post, and resuming
        clears the failure count."""
        sets = ["state = ?", "paused_reason = ?", "updated_at = ?"]
        params: list[object] = [state, reason if state == "paused" else None, instant(now)]
        if state == "active":
            sets.append("failures = 0")
        if next_date is not None and next_due is not None:
            sets += ["next_date = ?", "next_due = ?"]
            params += [next_date.isoformat(), instant(next_due)]
        async with self._lock:
            await self._conn.execute(
                f"UPDATE schedules SET {', '.join(sets)} WHERE id = ?", (*params, schedule_id)
            )
        return await self.schedule(schedule_id)

    async def due_schedules(
        self, now: dt.datetime, limit: int, platforms: Sequence[str] | None = None
    ) -> list[ScheduleRow]:
        """Active schedules (of `platforms`, if given) due at or before `now`, the longest
        overdue first."""
        where, params = _platforms(platforms)
        rows = await self._conn.execute_fetchall(
            f"SELECT {_SCHEDULE_COLUMNS} FROM schedules AS s"
            f" WHERE s.state = 'active' AND s.next_due <= ?{where}"
            " ORDER BY s.next_due, s.id LIMIT ?",
            (instant(now), *params, limit),
        )
        return [_schedule(r) for r in rows]

    async def advance_schedule(
        self, schedule_id: int, from_date: dt.date, next_date: dt.date, next_due: dt.datetime
    ) -> None:
        """Move the next post on, only if the schedule still points at `from_date` (so a
        concurrent `set` or another process's move is never undone)."""
        async with self._lock:
            await self._advance(schedule_id, from_date, next_date, next_due)

    async def _advance(
        self, schedule_id: int, from_date: dt.date, next_date: dt.date, next_due: dt.datetime
    ) -> None:
        await self._conn.execute(
            "UPDATE schedules SET next_date = ?, next_due = ? WHERE id = ? AND next_date = ?",
            (next_date.isoformat(), instant(next_due), schedule_id, from_date.isoformat()),
        )

    # -- posts ----------------------------------------------------------------------------

    async def daily_post(self, schedule_id: int, local_date: dt.date) -> DailyPostRow | None:
        """The post row of one (schedule, local date)."""
        rows = list(
            await self._conn.execute_fetchall(
                f"SELECT {_POST_COLUMNS} FROM daily_posts AS p"
                " WHERE p.schedule_id = ? AND p.local_date = ?",
                (schedule_id, local_date.isoformat()),
            )
        )
        return _post(rows[0]) if rows else None

    async def last_post(
        self, schedule_id: int, statuses: Sequence[PostStatus] = ("sent",)
    ) -> DailyPostRow | None:
        """The latest post row (by local date) with one of `statuses`."""
        if not statuses:
            return None
        marks = ", ".join("?" for _ in statuses)
        rows = list(
            await self._conn.execute_fetchall(
                f"SELECT {_POST_COLUMNS} FROM daily_posts AS p WHERE p.schedule_id = ?"
                f" AND p.status IN ({marks}) ORDER BY p.local_date DESC LIMIT 1",
                (schedule_id, *statuses),
            )
        )
        return _post(rows[0]) if rows else None

    async def bag(self, schedule_id: int) -> tuple[int, list[int], int | None]:
        """(current cycle, snippets picked in it, the latest picked snippet)."""
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT cycle, snippet_id FROM daily_posts"
                " WHERE schedule_id = ? AND snippet_id IS NOT NULL AND status != 'skipped'"
                " ORDER BY local_date DESC",
                (schedule_id,),
            )
        )
        if not rows:
            return 0, [], None
        cycle = max(int(r[0]) for r in rows)
        used = [int(r[1]) for r in rows if int(r[0]) == cycle]
        return cycle, used, int(rows[0][1])

    async def claim_post(self, claim: Claim) -> bool:
        """INSERT OR IGNORE the (schedule, date) row as claimed and move the schedule on,
        in one transaction; True only for the caller whose insert took."""

        async def work() -> bool:
            cursor = await self._conn.execute(
                "INSERT OR IGNORE INTO daily_posts (schedule_id, local_date, status, due_at,"
                " snippet_id, cycle, owner, lease_until, claimed_at, attempts)"
                " VALUES (?, ?, 'claimed', ?, ?, ?, ?, ?, ?, 1)",
                (
                    claim.schedule_id,
                    claim.local_date.isoformat(),
                    instant(claim.due_at),
                    claim.snippet_id,
                    claim.cycle,
                    claim.owner,
                    instant(claim.lease_until),
                    instant(claim.now),
                ),
            )
            # Move on whether or not the insert took: a day already claimed elsewhere (or
            # posted before the time was changed) must not stay due.
            await self._advance(
                claim.schedule_id, claim.local_date, claim.next_date, claim.next_due
            )
            return cursor.rowcount == 1

        return await self._tx(work)

    async def skip_post(
        self,
        schedule_id: int,
        local_date: dt.date,
        due_at: dt.datetime,
        reason: str,
        now: dt.datetime,
        next_date: dt.date,
        next_due: dt.datetime,
    ) -> bool:
        """Record a day that will not be posted (and why), and move the schedule on."""

        async def work() -> bool:
            cursor = await self._conn.execute(
                "INSERT OR IGNORE INTO daily_posts (schedule_id, local_date, status, due_at,"
                " claimed_at, error, error_kind) VALUES (?, ?, 'skipped', ?, ?, ?, 'missed')",
                (
                    schedule_id,
                    local_date.isoformat(),
                    instant(due_at),
                    instant(now),
                    reason[:MAX_ERROR],
                ),
            )
            await self._advance(schedule_id, local_date, next_date, next_due)
            return cursor.rowcount == 1

        return await self._tx(work)

    async def mark_sent(
        self, schedule_id: int, local_date: dt.date, message_id: str, now: dt.datetime
    ) -> None:
        """Record the message id of a sent post and reset the schedule's failure count."""

        async def work() -> None:
            await self._conn.execute(
                "UPDATE daily_posts SET status = 'sent', message_id = ?, sent_at = ?,"
                " lease_until = NULL, retry_at = NULL WHERE schedule_id = ? AND local_date = ?",
                (message_id, instant(now), schedule_id, local_date.isoformat()),
            )
            await self._conn.execute(
                "UPDATE schedules SET failures = 0 WHERE id = ?", (schedule_id,)
            )

        await self._tx(work)

    async def mark_failed(
        self,
        schedule_id: int,
        local_date: dt.date,
        *,
        kind: str,
        error: str,
        now: dt.datetime,
        retry_at: dt.datetime | None,
        pause_after: int,
        in_doubt: bool = False,
    ) -> FailureOutcome:
        """Record a failed attempt on the post and the schedule; pause the schedule when
        this makes `pause_after` failures in a row. An `in_doubt` post (it may have gone
        out) stays claimed with its lease ending at `retry_at`, to be looked up first."""
        stamp = instant(now)
        text = error[:MAX_ERROR]

        async def work() -> FailureOutcome:
            if in_doubt:
                await self._conn.execute(
                    "UPDATE daily_posts SET error = ?, error_kind = ?, lease_until = ?"
                    " WHERE schedule_id = ? AND local_date = ? AND status = 'claimed'",
                    (
                        text,
                        kind,
                        instant(retry_at or now),
                        schedule_id,
                        local_date.isoformat(),
                    ),
                )
            else:
                await self._conn.execute(
                    "UPDATE daily_posts SET status = 'failed', error = ?, error_kind = ?,"
                    " retry_at = ?, lease_until = NULL, owner = NULL"
                    " WHERE schedule_id = ? AND local_date = ?",
                    (
                        text,
                        kind,
                        instant(retry_at) if retry_at else None,
                        schedule_id,
                        local_date.isoformat(),
                    ),
                )
            await self._conn.execute(
                "UPDATE schedules SET failures = failures + 1, last_error = ?,"
                " last_error_kind = ?, last_error_at = ? WHERE id = ?",
                (text, kind, stamp, schedule_id),
            )
            rows = list(
                await self._conn.execute_fetchall(
                    "SELECT failures, state FROM schedules WHERE id = ?", (schedule_id,)
                )
            )
            failures = int(rows[0][0]) if rows else 0
            paused = False
            if rows and failures >= pause_after and rows[0][1] == "active":
                await self._conn.execute(
                    "UPDATE schedules SET state = 'paused', paused_reason = 'failures',"
                    " updated_at = ? WHERE id = ?",
                    (stamp, schedule_id),
                )
                await self._conn.execute(
                    "UPDATE daily_posts SET retry_at = NULL"
                    " WHERE schedule_id = ? AND local_date = ?",
                    (schedule_id, local_date.isoformat()),
                )
                paused = True
            return FailureOutcome(failures, paused)

        return await self._tx(work)

    async def release_claim(
        self, schedule_id: int, local_date: dt.date, lease_until: dt.datetime, note: str
    ) -> None:
        """Leave an in-doubt claim claimed, to be looked at again after `lease_until`."""
        async with self._lock:
            await self._conn.execute(
                "UPDATE daily_posts SET lease_until = ?, error = ?"
                " WHERE schedule_id = ? AND local_date = ? AND status = 'claimed'",
                (instant(lease_until), note[:MAX_ERROR], schedule_id, local_date.isoformat()),
            )

    async def settle_post(
        self, schedule_id: int, local_date: dt.date, status: PostStatus, note: str
    ) -> None:
        """Close a post row for good: no lease, no retry."""
        async with self._lock:
            await self._conn.execute(
                "UPDATE daily_posts SET status = ?, error = ?, lease_until = NULL,"
                " retry_at = NULL WHERE schedule_id = ? AND local_date = ?",
                (status, note[:MAX_ERROR], schedule_id, local_date.isoformat()),
            )

    async def _pending(self, where: str, params: Sequence[object]) -> list[PendingPost]:
        rows = await self._conn.execute_fetchall(
            f"SELECT {_POST_COLUMNS}, {_SCHEDULE_COLUMNS} FROM daily_posts AS p"
            f" JOIN schedules AS s ON s.id = p.schedule_id WHERE {where}",
            tuple(params),
        )
        width = _POST_COLUMNS.count(",") + 1
        return [PendingPost(_post(r), _schedule(r[width:])) for r in rows]

    async def expired_claims(
        self, now: dt.datetime, limit: int, platforms: Sequence[str] | None = None
    ) -> list[PendingPost]:
        """Claims whose lease has run out: the process holding them stopped mid-send."""
        where, params = _platforms(platforms)
        return await self._pending(
            f"p.status = 'claimed' AND p.lease_until <= ?{where}"
            " ORDER BY p.lease_until LIMIT ?",
            (instant(now), *params, limit),
        )

    async def retryable_posts(
        self, now: dt.datetime, limit: int, platforms: Sequence[str] | None = None
    ) -> list[PendingPost]:
        """Failed posts of active schedules whose retry time has come."""
        where, params = _platforms(platforms)
        return await self._pending(
            "p.status = 'failed' AND p.retry_at IS NOT NULL AND p.retry_at <= ?"
            f" AND s.state = 'active'{where} ORDER BY p.retry_at LIMIT ?",
            (instant(now), *params, limit),
        )

    async def retake_post(
        self,
        schedule_id: int,
        local_date: dt.date,
        *,
        expect: PostStatus,
        owner: str,
        now: dt.datetime,
        lease_until: dt.datetime,
    ) -> bool:
        """Compare-and-set an expired claim (expect 'claimed') or a due failed post (expect
        'failed') into a fresh claim held by `owner`."""
        guard = (
            "status = 'claimed' AND lease_until <= ?"
            if expect == "claimed"
            else "status = 'failed' AND retry_at IS NOT NULL AND retry_at <= ?"
        )
        stamp = instant(now)
        async with self._lock:
            cursor = await self._conn.execute(
                "UPDATE daily_posts SET status = 'claimed', owner = ?, lease_until = ?,"
                " claimed_at = COALESCE(claimed_at, ?), retry_at = NULL,"
                f" attempts = attempts + ? WHERE schedule_id = ? AND local_date = ? AND {guard}",
                (
                    owner,
                    instant(lease_until),
                    stamp,
                    1 if expect == "failed" else 0,
                    schedule_id,
                    local_date.isoformat(),
                    stamp,
                ),
            )
        return cursor.rowcount == 1

    async def films_released_on(self, month: int, day: int) -> list[tuple[int, int | None]]:
        """(film id, earliest year) of films with a release event on this month and day."""
        rows = await self._conn.execute_fetchall(
            "SELECT film_id, min(year) FROM releases WHERE month = ? AND day = ?"
            " GROUP BY film_id ORDER BY film_id",
            (month, day),
        )
        return [(int(r[0]), r[1]) for r in rows]
