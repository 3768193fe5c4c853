"""The daily-post scheduler on real SQLite files with an injected clock: DST, exactly once
through a crash mid fan-out, catch-up, two schedulers on one database, self-pausing."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.errors import BadInput
from bot.schedule.clock import ManualClock
from bot.schedule.models import idempotency_key
from bot.schedule.timezones import resolve_zone, suggest_zones
from bot.schedule.timing import first_due, occurrence, parse_time_of_day
from storage.sqlite import SQLiteStore
from tests.schedule_support import (
    Killed,
    RecordingPoster,
    add_schedules,
    scheduler,
    utc,
)

NINE = dt.time(9, 0)


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "pullquote.db"
    path.write_bytes(sample_db.read_bytes())
    return path


@pytest.fixture
async def store(db: Path) -> AsyncIterator[SQLiteStore]:
    s = await SQLiteStore.open(db)
    try:
        yield s
    finally:
        await s.close()


# -- time of day and DST ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "day", "at", "expected_utc", "expected_local"),
    [
        # Spring forward: a time in the gap goes out when the gap ends.
        ("Europe/London", dt.date(2026, 3, 29), dt.time(1, 30), utc(2026, 3, 29, 1, 0), "02:00"),
        ("America/New_York", dt.date(2026, 3, 8), dt.time(2, 30), utc(2026, 3, 8, 7, 0), "03:00"),
        (
            "Australia/Sydney",
            dt.date(2026, 10, 4),
            dt.time(2, 30),
            utc(2026, 10, 3, 16, 0),
            "03:00",
        ),
        # Fall back: a time that happens twice goes out at the first one.
        ("Europe/London", dt.date(2026, 10, 25), dt.time(1, 30), utc(2026, 10, 25, 0, 30), "01:30"),
        (
            "America/New_York",
            dt.date(2026, 11, 1),
            dt.time(1, 30),
            utc(2026, 11, 1, 5, 30),
            "01:30",
        ),
        ("Australia/Sydney", dt.date(2026, 4, 5), dt.time(2, 30), utc(2026, 4, 4, 15, 30), "02:30"),
        # An ordinary day.
        ("Europe/London", dt.date(2026, 7, 1), NINE, utc(2026, 7, 1, 8, 0), "09:00"),
    ],
)
def test_occurrence_is_dst_correct(
    tz: str, day: dt.date, at: dt.time, expected_utc: dt.datetime, expected_local: str
) -> None:
    when = occurrence(day, at, ZoneInfo(tz))
    assert when == expected_utc
    local = when.astimezone(ZoneInfo(tz))
    assert f"{local:%H:%M}" == expected_local and local.date() == day


@pytest.mark.parametrize(
    ("tz", "at", "start"),
    [
        ("Europe/London", dt.time(1, 30), utc(2026, 3, 27, 12)),  # spring forward 29 Mar
        ("Europe/London", dt.time(1, 30), utc(2026, 10, 23, 12)),  # fall back 25 Oct
        ("America/New_York", dt.time(2, 30), utc(2026, 3, 6, 12)),  # spring forward 8 Mar
        ("America/New_York", dt.time(1, 30), utc(2026, 10, 30, 12)),  # fall back 1 Nov
        ("Australia/Sydney", dt.time(2, 30), utc(2026, 10, 2, 0)),  # spring forward 4 Oct
        ("Australia/Sydney", dt.time(2, 30), utc(2026, 4, 3, 0)),  # fall back 5 Apr
    ],
)
async def test_one_post_a_day_across_dst(
    store: SQLiteStore, tz: str, at: dt.time, start: dt.datetime
) -> None:
    """Ticking every 10 minutes through four days around a DST change posts once a day,
    each at the expected local time."""
    clock = ManualClock(start)
    poster = RecordingPoster()
    await add_schedules(store, ["c1"], at=at, tz=tz, now=start)
    sched = scheduler(store, poster, clock)
    times: list[dt.datetime] = []
    for _ in range(4 * 24 * 6):
        before = len(poster.sent)
        await sched.tick()
        if len(poster.sent) > before:
            times.append(clock.now())
        await clock.advance(dt.timedelta(minutes=10))
    zone = ZoneInfo(tz)
    days = [t.astimezone(zone).date() for t in times]
    assert len(times) == 4 and len(set(days)) == 4
    for t, day in zip(times, days, strict=True):
        assert occurrence(day, at, zone) <= t < occurrence(day, at, zone) + dt.timedelta(minutes=10)


def test_time_of_day_parsing() -> None:
    assert parse_time_of_day("09:00") == NINE
    assert parse_time_of_day("9am") == NINE
    assert parse_time_of_day("6:30 pm") == dt.time(18, 30)
    assert parse_time_of_day("12am") == dt.time(0, 0)
    assert parse_time_of_day("21.15") == dt.time(21, 15)
    for bad in ("25:00", "9", "noonish", "13pm", ""):
        with pytest.raises(BadInput, match="time of day"):
            parse_time_of_day(bad)


def test_time_zone_typos_get_suggestions() -> None:
    assert resolve_zone("europe/london") == "Europe/London"
    assert resolve_zone("America/New York") == "America/New_York"
    assert resolve_zone("utc") == "UTC"
    with pytest.raises(BadInput) as err:
        resolve_zone("London")
    assert "Europe/London" in str(err.value)
    assert suggest_zones("new york")[0] == "America/New_York"
    assert suggest_zones("Europe/Londn")[0] == "Europe/London"
    assert suggest_zones("Sydny")[0] == "Australia/Sydney"
    with pytest.raises(BadInput, match="IANA"):
        resolve_zone("qqqqqqqqqqqq")


# -- exactly once ----------------------------------------------------------------------------


async def test_killed_mid_fan_out_posts_every_channel_exactly_once(db: Path) -> None:
    """1,000 channels due at once; the process dies right after the 400th send (before it
    could record it); a new process on the same file finishes the job, finding the in-doubt
    post instead of sending it again."""
    now = utc(2026, 6, 1, 7, 59)
    channels = [f"ch{i:04d}" for i in range(1000)]
    first = await SQLiteStore.open(db)
    poster = RecordingPoster(kill_after=400)
    clock = ManualClock(now)
    try:
        await add_schedules(first, channels, at=NINE, tz="Europe/London", now=now)
        await clock.set(utc(2026, 6, 1, 8, 0))
        with pytest.raises(Killed):
            await scheduler(first, poster, clock, concurrency=16).tick()
    finally:
        await first.close()
    assert 400 <= len(poster.daily()) < 1000

    # The restart, a few minutes later (past the dead process's leases).
    await clock.advance(dt.timedelta(minutes=3))
    second = await SQLiteStore.open(db)
    try:
        sched = scheduler(second, poster, clock, concurrency=16)
        report = await sched.tick()
        assert report.recovered >= 1
        assert (await sched.tick()).sent == 0
        counts = poster.per_channel()
        assert set(counts) == set(channels)
        assert max(counts.values()) == 1
        statuses = await second._conn.execute_fetchall(
            "SELECT status, count(*), count(message_id) FROM daily_posts GROUP BY status"
        )
        assert list(statuses) == [("sent", 1000, 1000)]
    finally:
        await second.close()


async def test_cancelled_tick_then_restart_posts_each_channel_once(db: Path) -> None:
    now = utc(2026, 6, 1, 8, 0)
    channels = [f"c{i}" for i in range(300)]
    clock = ManualClock(now - dt.timedelta(minutes=1))
    poster = RecordingPoster(delay=0.0005, notify_at=100)
    first = await SQLiteStore.open(db)
    try:
        await add_schedules(first, channels, at=NINE, tz="Europe/London", now=clock.now())
        await clock.set(now)
        task = asyncio.create_task(scheduler(first, poster, clock, concurrency=8).tick())
        await asyncio.wait_for(poster.reached.wait(), 10)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        await first.close()
    assert len(poster.sent) < 300
    await clock.advance(dt.timedelta(minutes=5))
    second = await SQLiteStore.open(db)
    try:
        await scheduler(second, poster, clock).tick()
    finally:
        await second.close()
    counts = poster.per_channel()
    assert set(counts) == set(channels) and max(counts.values()) == 1


async def test_two_schedulers_on_one_database_post_once(db: Path) -> None:
    now = utc(2026, 6, 1, 8, 0)
    channels = [f"c{i}" for i in range(200)]
    clock = ManualClock(now - dt.timedelta(minutes=1))
    poster = RecordingPoster(delay=0.0002)
    a, b = await SQLiteStore.open(db), await SQLiteStore.open(db)
    try:
        await add_schedules(a, channels, at=NINE, tz="Europe/London", now=clock.now())
        await clock.set(now)
        ra, rb = await asyncio.gather(
            scheduler(a, poster, clock, concurrency=8).tick(),
            scheduler(b, poster, clock, concurrency=8).tick(),
        )
    finally:
        await a.close()
        await b.close()
    counts = poster.per_channel()
    assert set(counts) == set(channels) and max(counts.values()) == 1
    assert ra.sent + rb.sent == 200


async def test_in_doubt_post_is_never_blindly_resent(store: SQLiteStore) -> None:
    """When the platform cannot say whether an interrupted post went out, it is not sent
    again: after the grace window it is recorded as failed with the reason."""
    now = utc(2026, 6, 1, 7, 59)
    clock = ManualClock(now)
    await add_schedules(store, ["c1"], at=NINE, tz="Europe/London", now=now)
    poster = RecordingPoster(kill_after=1)
    await clock.set(utc(2026, 6, 1, 8, 0))
    with pytest.raises(Killed):
        await scheduler(store, poster, clock).tick()
    poster.find_fails = True
    sched = scheduler(store, poster, clock)
    for _ in range(8 * 6):
        await clock.advance(dt.timedelta(minutes=10))
        await sched.tick()
    assert len(poster.sent) == 1
    sid = (await store.schedules.schedule_for("test", "c1")).id  # type: ignore[union-attr]
    post = await store.schedules.daily_post(sid, dt.date(2026, 6, 1))
    assert post is not None and post.status == "failed"
    assert "Not resent" in (post.error or "")


# -- catch-up --------------------------------------------------------------------------------


async def test_catch_up_inside_the_grace_window(store: SQLiteStore) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7, 0))
    await add_schedules(store, ["c1"], at=NINE, tz="Europe/London", now=clock.now())
    poster = RecordingPoster()
    # Down from before 09:00 BST (08:00 UTC) until 13:30 UTC: 5.5 h late, inside 6 h.
    await clock.set(utc(2026, 6, 1, 13, 30))
    report = await scheduler(store, poster, clock).tick()
    assert report.sent == 1 and len(poster.sent) == 1
    assert "1 June 2026" in (poster.sent[0].card.footer or "")


async def test_catch_up_outside_the_window_is_skipped_and_recorded(store: SQLiteStore) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7, 0))
    await add_schedules(store, ["c1"], at=NINE, tz="Europe/London", now=clock.now())
    poster = RecordingPoster()
    # Down for three days: no flood of old posts, each missed day recorded.
    await clock.set(utc(2026, 6, 4, 7, 30))
    report = await scheduler(store, poster, clock).tick()
    assert report.skipped == 3 and not poster.sent
    row = await store.schedules.schedule_for("test", "c1")
    assert row is not None and row.next_date == dt.date(2026, 6, 4)
    missed = await store.schedules.daily_post(row.id, dt.date(2026, 6, 3))
    assert missed is not None and missed.status == "skipped"
    assert "grace window" in (missed.error or "")
    # The day itself still goes out on time.
    await clock.set(utc(2026, 6, 4, 8, 0))
    assert (await scheduler(store, poster, clock).tick()).sent == 1


async def test_grace_window_is_a_setting(store: SQLiteStore) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7, 0))
    await add_schedules(store, ["c1"], at=NINE, tz="Europe/London", now=clock.now())
    await clock.set(utc(2026, 6, 1, 9, 30))  # 1.5 h late
    poster = RecordingPoster()
    report = await scheduler(store, poster, clock, grace=dt.timedelta(hours=1)).tick()
    assert report.skipped == 1 and not poster.sent


# -- failures ----------------------------------------------------------------------------------


async def test_three_failures_in_a_row_pause_the_schedule(store: SQLiteStore) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7, 0))
    await add_schedules(store, ["gone", "fine"], at=NINE, tz="Europe/London", now=clock.now())
    poster = RecordingPoster(failing={"gone": "not_in_channel"})
    sched = scheduler(store, poster, clock)
    await clock.set(utc(2026, 6, 1, 8, 0))
    reports = []
    for _ in range(12):  # an hour, a tick every 5 minutes: retries at +5, +15 min
        reports.append(await sched.tick())
        await clock.advance(dt.timedelta(minutes=5))
    row = await store.schedules.schedule_for("test", "gone")
    assert row is not None
    assert row.state == "paused" and row.paused_reason == "failures" and row.failures == 3
    assert row.last_error_kind == "not_in_channel"
    assert sum(r.failed for r in reports) == 3
    assert [p for r in reports for p in r.paused] == [row.id]
    assert poster.per_channel() == {"fine": 1}
    # Paused: nothing more is attempted, even on the next day.
    await clock.set(utc(2026, 6, 2, 8, 0))
    assert (await sched.tick()).failed == 0


async def test_a_success_resets_the_failure_count(store: SQLiteStore) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7, 0))
    await add_schedules(store, ["c1"], at=NINE, tz="Europe/London", now=clock.now())
    poster = RecordingPoster(failing={"c1": "transient"})
    sched = scheduler(store, poster, clock)
    await clock.set(utc(2026, 6, 1, 8, 0))
    await sched.tick()
    del poster.failing["c1"]
    # A transient failure may have gone out: it is looked up first, then sent.
    await clock.advance(dt.timedelta(minutes=6))
    await sched.tick()
    row = await store.schedules.schedule_for("test", "c1")
    assert row is not None and row.failures == 0 and row.state == "active"
    assert poster.per_channel() == {"c1": 1}


# -- content ---------------------------------------------------------------------------------


async def test_pick_is_deterministic_and_a_shuffle_bag(store: SQLiteStore) -> None:
    """Same (channel, date) gives the same card; a film's pool is used up before any
    snippet repeats."""
    films = {f.title: f.id for f in await store.films()}
    film_id = films["Nosferatu"]
    clock = ManualClock(utc(2026, 6, 1, 7, 0))
    pool = await store._conn.execute_fetchall(
        "SELECT count(*) FROM snippets WHERE film_id = ? AND kind IN ('critic_quote', 'excerpt')",
        (film_id,),
    )
    size = int(next(iter(pool))[0])
    await add_schedules(
        store, ["c1"], at=NINE, tz="Europe/London", now=clock.now(), film_id=film_id
    )
    poster = RecordingPoster()
    sched = scheduler(store, poster, clock)
    row = await store.schedules.schedule_for("test", "c1")
    assert row is not None
    first = await sched.picker.pick(row, dt.date(2026, 6, 1))
    again = await sched.picker.pick(row, dt.date(2026, 6, 1))
    assert first is not None and again is not None and first.snippet.id == again.snippet.id
    await clock.set(utc(2026, 6, 1, 8, 0))
    for _ in range(size + 2):
        await sched.tick()
        await clock.advance(dt.timedelta(days=1))
    ids = [s.card.snippet_id for s in poster.sent]
    assert len(ids) == size + 2
    assert len(set(ids[:size])) == size
    assert ids[size] != ids[size - 1]


async def test_on_this_day_prefers_an_anniversary(store: SQLiteStore) -> None:
    # Nosferatu was released on 4 March 1922 in the sample corpus.
    clock = ManualClock(utc(2026, 3, 3, 12, 0))
    await add_schedules(store, ["c1"], at=NINE, tz="UTC", now=clock.now())
    row = await store.schedules.schedule_for("test", "c1")
    assert row is not None
    await store._conn.execute("UPDATE schedules SET on_this_day = 1 WHERE id = ?", (row.id,))
    poster = RecordingPoster()
    await clock.set(utc(2026, 3, 4, 9, 0))
    await scheduler(store, poster, clock).tick()
    (sent,) = poster.sent
    assert sent.card.film is not None and sent.card.film.title == "Nosferatu"
    assert "released on this day 104 years ago" in (sent.card.footer or "")


async def test_run_forever_wakes_on_the_minute_and_stops(store: SQLiteStore) -> None:
    clock = ManualClock(utc(2026, 6, 1, 7, 58, 30))
    await add_schedules(store, ["c1"], at=NINE, tz="Europe/London", now=clock.now())
    poster = RecordingPoster()
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler(store, poster, clock).run_forever(stop))
    for _ in range(3):
        await clock.advance(dt.timedelta(seconds=30))
        for _ in range(50):
            await asyncio.sleep(0.001)
    assert len(poster.sent) == 1
    stop.set()
    await asyncio.wait_for(task, 2)


def test_idempotency_key_fits_a_discord_nonce() -> None:
    assert len(idempotency_key(10**12, dt.date(2026, 12, 31))) <= 25
    assert first_due(NINE, ZoneInfo("UTC"), utc(2026, 6, 1, 9, 0))[0] == dt.date(2026, 6, 2)
