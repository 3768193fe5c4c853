"""The `/daily` subcommands' core logic: set, off, pause, resume, status, now.

`Core` runs them as the handler of the declared `daily` group (it checks who may, and shows
the answers as declared); this module validates the input, updates the schedule of the
caller's channel and answers with a Card. `now` returns a test card for the channel; it
does not touch the day's claim or the shuffle bag."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from bot.cards import Card, CardField
from bot.errors import BadInput, NothingMatches, UserError
from bot.invocation import Caller, Invocation
from bot.schedule.clock import Clock, SystemClock
from bot.schedule.models import (
    DAILY_KINDS,
    KIND_LABELS,
    DailyKind,
    NewSchedule,
    ScheduleRow,
    snippet_kinds,
)
from bot.schedule.picker import daily_card
from bot.schedule.poster import HINTS
from bot.schedule.timezones import resolve_zone, zone
from bot.schedule.timing import first_due, occurrence, parse_time_of_day
from bot.service import Service
from storage.protocol import ScheduleStore
from storage.records import SnippetFilter


class DailyCommands:
    """Runs the /daily subcommands against the schedule store."""

    def __init__(
        self,
        schedules: ScheduleStore,
        service: Service,
        *,
        clock: Clock | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """`on_change` is called after a schedule changes (e.g. to wake the scheduler)."""
        self.schedules = schedules
        self.service = service
        self.clock: Clock = clock or SystemClock()
        self.on_change = on_change

    async def run(self, inv: Invocation, where: Caller) -> Card:
        """Run one parsed `/daily <sub>` invocation in the caller's channel."""
        name = inv.command.name
        if name == "set":
            return await self.set(inv, where)
        if name == "now":
            return await self.now(where)
        if name in ("off", "pause", "resume"):
            return await self.change_state(name, where)
        return await self.status(where)

    # -- set ------------------------------------------------------------------------------

    async def set(self, inv: Invocation, where: Caller) -> Card:
        """Create or replace this channel's daily post."""
        at = parse_time_of_day(str(inv.args.get("time") or ""))
        tz_name = resolve_zone(str(inv.args.get("timezone") or ""))
        kind_text = str(inv.args.get("kind") or "any").strip().lower()
        kind_text = {"critic_quote": "critic", "quote": "critic", "quotes": "critic"}.get(
            kind_text, kind_text
        )
        if kind_text not in DAILY_KINDS:
            raise BadInput(
                f"“{kind_text[:30]}” is not a kind I post.", hint="Use critic, excerpt or any."
            )
        kind: DailyKind = kind_text
        film_id = None
        film_text = inv.args.get("film")
        if isinstance(film_text, str) and film_text.strip():
            film, _ = await self.service.resolve_film(film_text)
            film_id = film.id
        rows = await self.service.store.pick_snippets(
            SnippetFilter(snippet_kinds(kind), film_id=film_id), exclude=(), limit=1,
            rng=random.Random(0),
        )
        if not rows:
            raise NothingMatches(
                f"There are no {KIND_LABELS[kind]} to post" + (" for that film." if film_id
                                                               else ".")
            )
        now = self.clock.now()
        tz = zone(tz_name)
        day, due = first_due(at, tz, now)
        existing = await self.schedules.schedule_for(where.platform, where.channel)
        if existing is not None and day == _today(now, tz_name):
            post = await self.schedules.daily_post(existing.id, day)
            if post is not None:
                # Today's post is done (or claimed): a new time never posts twice a day.
                day = day + dt.timedelta(days=1)
                due = occurrence(day, at, tz)
        row = await self.schedules.save_schedule(
            NewSchedule(
                platform=where.platform,
                channel_id=where.channel,
                workspace_id=where.workspace,
                local_time=at,
                tz=tz_name,
                next_date=day,
                next_due=due,
                film_id=film_id,
                kind=kind,
                on_this_day=bool(inv.args.get("anniversary")),
                created_by=where.user,
            ),
            now,
        )
        self._changed()
        return await self._status_card(row, title="Daily post set")

    # -- off / pause / resume -------------------------------------------------------------

    async def change_state(self, verb: str, where: Caller) -> Card:
        """`off`, `pause` or `resume` this channel's schedule."""
        row = await self._require(where)
        now = self.clock.now()
        if verb == "off":
            await self.schedules.set_schedule_state(row.id, "off", now)
            self._changed()
            return Card(
                kind="help",
                title="Daily post off",
                body="This channel gets no more daily posts. /daily set starts them again.",
            )
        if verb == "pause":
            if row.state != "active":
                raise BadInput("The daily post here is not running.",
                               hint="/daily status shows why.")
            updated = await self.schedules.set_schedule_state(
                row.id, "paused", now, reason="admin"
            )
            self._changed()
            assert updated is not None
            return await self._status_card(updated, title="Daily post paused")
        if row.state == "off":
            raise BadInput("The daily post here is off.", hint="Use /daily set to start it.")
        tz = zone(row.tz)
        day, due = first_due(row.local_time, tz, now)
        if await self.schedules.daily_post(row.id, day) is not None:
            day = day + dt.timedelta(days=1)
            due = occurrence(day, row.local_time, tz)
        updated = await self.schedules.set_schedule_state(
            row.id, "active", now, next_date=day, next_due=due
        )
        self._changed()
        assert updated is not None
        return await self._status_card(updated, title="Daily post resumed")

    # -- status ---------------------------------------------------------------------------

    async def status(self, where: Caller) -> Card:
        """Next post (local and UTC), last post and last error of this channel."""
        row = await self.schedules.schedule_for(where.platform, where.channel)
        if row is None:
            return Card(
                kind="help",
                title="No daily post here",
                body="Set one with /daily set 09:00 Europe/London (time, then time zone).",
            )
        return await self._status_card(row, title="Daily post")

    async def _status_card(self, row: ScheduleRow, *, title: str) -> Card:
        tz = zone(row.tz)
        fields = [
            CardField("State", _state(row), inline=True),
            CardField("Time", f"{row.local_time:%H:%M} {row.tz}", inline=True),
            CardField("Posts", await self._content(row), inline=True),
        ]
        if row.state == "active":
            local = row.next_due.astimezone(tz)
            fields.append(
                CardField(
                    "Next post",
                    f"{_when(local)} {local.tzname()} · {_when(row.next_due, year=False)} UTC",
                )
            )
        last = await self.schedules.last_post(row.id)
        if last is not None and last.sent_at is not None:
            sent = last.sent_at.astimezone(tz)
            fields.append(
                CardField(
                    "Last post",
                    f"{_when(sent)} {sent.tzname()} (for {_day(last.local_date)})"
                    + (f" · message {last.message_id}" if last.message_id else ""),
                )
            )
        else:
            fields.append(CardField("Last post", "none yet"))
        if row.last_error:
            at = row.last_error_at.astimezone(tz) if row.last_error_at else None
            when = f"{_when(at)} {at.tzname()}: " if at else ""
            hint = HINTS.get(row.last_error_kind or "", "")
            fields.append(
                CardField(
                    "Last error",
                    f"{when}{hint} ({row.last_error})" if hint else f"{when}{row.last_error}",
                )
            )
        missed = await self.schedules.last_post(row.id, ("skipped",))
        if missed is not None and missed.error:
            fields.append(
                CardField("Last missed day", f"{_day(missed.local_date)}: {missed.error}")
            )
        return Card(
            kind="help",
            title=title,
            body=_summary(row),
            fields=tuple(fields),
        )

    async def _content(self, row: ScheduleRow) -> str:
        what = KIND_LABELS[row.kind]
        if row.film_id is not None:
            film = await self.service.store.film(row.film_id)
            if film is not None:
                what += f" about {film.title}" + (f" ({film.year})" if film.year else "")
        if row.on_this_day:
            what += ", preferring films released on the day"
        return what

    # -- now ------------------------------------------------------------------------------

    async def now(self, where: Caller) -> Card:
        """A test card for this channel's settings; today's post and the bag are untouched."""
        row = await self._require(where)
        day = _today(self.clock.now(), row.tz)
        rows = await self.service.store.pick_snippets(
            SnippetFilter(snippet_kinds(row.kind), film_id=row.film_id), exclude=(), limit=1,
            rng=random.Random(),
        )
        if not rows:
            raise NothingMatches("Nothing matches this channel's daily post settings.")
        card = daily_card(rows[0], day)
        return Card(
            kind=card.kind,
            title=card.title,
            body=card.body,
            attribution=card.attribution,
            url=card.url,
            footer=f"Test post · the daily post at {row.local_time:%H:%M} {row.tz} still "
            "goes out as usual",
            spoiler=card.spoiler,
            film=card.film,
            critic=card.critic,
            outlet=card.outlet,
            snippet_id=card.snippet_id,
        )

    # -- helpers --------------------------------------------------------------------------

    async def _require(self, where: Caller) -> ScheduleRow:
        row = await self.schedules.schedule_for(where.platform, where.channel)
        if row is None:
            raise UserError(
                "There is no daily post in this channel.",
                hint="Set one with /daily set 09:00 Europe/London.",
            )
        return row

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()


def _today(now: dt.datetime, tz_name: str) -> dt.date:
    return now.astimezone(zone(tz_name)).date()


def _day(day: dt.date) -> str:
    """`4 Dec`: every date on a status card is written this one way."""
    return f"{day.day} {day:%b}"


def _when(moment: dt.datetime, *, year: bool = True) -> str:
    """`Fri 4 Dec 2026, 09:00` (or `Fri 4 Dec 09:00` without the year)."""
    if year:
        return f"{moment:%a} {_day(moment)} {moment:%Y, %H:%M}"
    return f"{moment:%a} {_day(moment)} {moment:%H:%M}"


def _state(row: ScheduleRow) -> str:
    if row.state == "active":
        return "Active"
    if row.state == "off":
        return "Off"
    if row.paused_reason == "failures":
        return f"Paused after {row.failures} failed attempts in a row (/daily resume)"
    return "Paused (/daily resume)"


def _summary(row: ScheduleRow) -> str:
    if row.state == "off":
        return "Daily posts are off in this channel."
    if row.state == "paused":
        return f"Daily posts at {row.local_time:%H:%M} ({row.tz}) are paused."
    return f"A daily post goes out here every day at {row.local_time:%H:%M} ({row.tz})."
