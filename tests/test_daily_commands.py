"""The /daily subcommands' core logic and grammar, over a real SQLite store."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from bot.errors import BadInput, UserError
from bot.ingest.sample import load_sample_if_empty
from bot.invocation import Caller, parse
from bot.schedule.clock import ManualClock
from bot.schedule.commands import DailyCommands
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests.schedule_support import RecordingPoster, scheduler, utc

HERE = Caller("test", "c1", user="U1")


@pytest.fixture
async def daily(store: SQLiteStore) -> DailyCommands:
    await load_sample_if_empty(store)
    service = Service(store, rng=random.Random(3))
    return DailyCommands(store.schedules, service, clock=ManualClock(utc(2026, 6, 1, 7, 0)))


def fields(card: object) -> dict[str, str]:
    return {f.name: f.value for f in card.fields}  # type: ignore[attr-defined]


def test_grammar_of_daily_subcommands() -> None:
    inv = parse('/daily set 09:00 Europe/London film:"the general" kind:critic')
    assert inv.parent is not None and inv.parent.name == "daily"
    assert inv.command.name == "set"
    assert inv.args == {
        "time": "09:00", "timezone": "Europe/London", "film": "the general", "kind": "critic"
    }
    assert parse("/daily set 9am new york").args["timezone"] == "new york"
    assert parse("daily status").command.name == "status"
    with pytest.raises(BadInput, match="set, off, pause"):
        parse("/daily sometimes")
    with pytest.raises(BadInput, match="/daily set needs timezone"):
        parse("/daily set 09:00")


async def test_set_status_pause_resume_off(daily: DailyCommands) -> None:
    card = await daily.set(parse("/daily set 09:00 Europe/London kind:critic"), HERE)
    f = fields(card)
    assert f["State"] == "Active"
    assert f["Next post"] == "Mon 1 Jun 2026, 09:00 BST · Mon 1 Jun 08:00 UTC"
    assert f["Posts"] == "critic quotes"

    paused = await daily.change_state("pause", HERE)
    assert fields(paused)["State"].startswith("Paused")
    assert "Next post" not in fields(paused)
    resumed = await daily.change_state("resume", HERE)
    assert fields(resumed)["State"] == "Active"
    off = await daily.change_state("off", HERE)
    assert off.title == "Daily post off"
    with pytest.raises(BadInput, match="off"):
        await daily.change_state("resume", HERE)


async def test_set_validates_input(daily: DailyCommands) -> None:
    with pytest.raises(BadInput, match="Europe/London"):
        await daily.set(parse("/daily set 09:00 London"), HERE)
    with pytest.raises(BadInput, match="time of day"):
        await daily.set(parse("/daily set 25:00 UTC"), HERE)
    with pytest.raises(BadInput, match="critic, excerpt or any"):
        await daily.set(parse("/daily set 09:00 UTC kind:gossip"), HERE)
    with pytest.raises(UserError, match="No film called"):
        await daily.set(parse("/daily set 09:00 UTC film:zzqxv"), HERE)
    with pytest.raises(UserError, match="no daily post"):
        await daily.status(Caller("test", "other")) and await daily.now(Caller("test", "other"))


async def test_status_without_schedule_explains_how(daily: DailyCommands) -> None:
    card = await daily.status(Caller("test", "nothing"))
    assert "/daily set" in card.body


async def test_now_does_not_consume_the_day_and_changing_time_never_posts_twice(
    daily: DailyCommands, store: SQLiteStore
) -> None:
    clock = daily.clock
    assert isinstance(clock, ManualClock)
    await daily.set(parse("/daily set 09:00 Europe/London"), HERE)
    test_card = await daily.now(HERE)
    assert "Test post" in (test_card.footer or "")
    poster = RecordingPoster()
    await clock.set(utc(2026, 6, 1, 8, 0))
    assert (await scheduler(store, poster, clock).tick()).sent == 1
    # Moving today's time later does not post a second time today.
    card = await daily.set(parse("/daily set 18:00 Europe/London"), HERE)
    assert fields(card)["Next post"].startswith("Tue 2 Jun 2026, 18:00 BST")
    await clock.set(utc(2026, 6, 1, 17, 0))
    assert (await scheduler(store, poster, clock).tick()).sent == 0
    status = fields(await daily.status(HERE))
    assert "m1" in status["Last post"]
    # One way of writing dates on the card (issue 16): "1 Jun", never "01 Jun".
    assert "(for 1 Jun)" in status["Last post"]
    assert not re.search(r"\b0\d [A-Z][a-z]{2}\b", " ".join(status.values()))


async def test_status_shows_the_last_error_and_missed_days(
    daily: DailyCommands, store: SQLiteStore
) -> None:
    clock = daily.clock
    assert isinstance(clock, ManualClock)
    await daily.set(parse("/daily set 09:00 Europe/London"), HERE)
    poster = RecordingPoster(failing={"c1": "channel_gone"})
    await clock.set(utc(2026, 6, 1, 8, 0))
    await scheduler(store, poster, clock).tick()
    f = fields(await daily.status(HERE))
    assert "no longer exists" in f["Last error"] and "BST" in f["Last error"]
    # Down past the grace window the next day: the missed day is shown too.
    await clock.set(utc(2026, 6, 2, 20, 0))
    await scheduler(store, RecordingPoster(), clock).tick()
    f = fields(await daily.status(HERE))
    assert f["Last missed day"].startswith("2 Jun: ")
    assert f["Next post"].startswith("Wed 3 Jun 2026, 09:00 BST")


async def test_pause_after_failures_is_shown(daily: DailyCommands, store: SQLiteStore) -> None:
    clock = daily.clock
    assert isinstance(clock, ManualClock)
    await daily.set(parse("/daily set 09:00 UTC"), HERE)
    poster = RecordingPoster(failing={"c1": "no_permission"})
    sched = scheduler(store, poster, clock, pause_after=1)
    await clock.set(utc(2026, 6, 1, 9, 0))
    await sched.tick()
    state = fields(await daily.status(HERE))["State"]
    assert state.startswith("Paused after 1 failed")
    assert "/daily resume" in state
    resumed = await daily.change_state("resume", HERE)
    assert fields(resumed)["State"] == "Active"
    assert dt.date(2026, 6, 2).strftime("%-d %b") in fields(resumed)["Next post"]
