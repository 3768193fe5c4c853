"""The day's pick: deterministic per (channel, local date), a shuffle bag per channel.

The random generator is seeded from the platform, channel, date and bag round, so two
processes (or a retry) pick the same card; the snippet chosen is stored with the claim, so a
retry sends the same card even if the collection changed. A channel sees no snippet twice
until every snippet its schedule can draw from has been posted (then a new round starts,
never with yesterday's). With "on this day", films released on today's month and day come
first."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass

from bot.cards import Card
from bot.schedule.models import ScheduleRow, snippet_kinds
from bot.service import snippet_card
from storage.protocol import ScheduleStore, Store
from storage.records import SnippetFilter, SnippetRow

CANDIDATES = 1


@dataclass(frozen=True, slots=True)
class Pick:
    """The snippet for one (schedule, date), the bag round it belongs to, and the release
    year when it was chosen as an "on this day" anniversary."""

    snippet: SnippetRow
    cycle: int
    anniversary_year: int | None = None


def seed(schedule: ScheduleRow, day: dt.date, cycle: int) -> int:
    """A stable seed for (platform, channel, date, round)."""
    text = f"{schedule.platform}:{schedule.channel_id}:{day.isoformat()}:{cycle}"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


class Picker:
    """Chooses and renders the daily card."""

    def __init__(self, content: Store, schedules: ScheduleStore) -> None:
        """Pick from `content`, with each channel's bag kept in `schedules`."""
        self._content = content
        self._schedules = schedules
        self._anniversaries: dict[tuple[int, int], list[tuple[int, int | None]]] = {}

    async def _released_on(self, day: dt.date) -> list[tuple[int, int | None]]:
        key = (day.month, day.day)
        if key not in self._anniversaries:
            if len(self._anniversaries) > 4:
                self._anniversaries.clear()
            self._anniversaries[key] = await self._schedules.films_released_on(*key)
        return self._anniversaries[key]

    async def pick(self, schedule: ScheduleRow, day: dt.date) -> Pick | None:
        """The snippet for `schedule` on local date `day`, or None when nothing matches."""
        cycle, used, last = await self._schedules.bag(schedule.id)
        kinds = snippet_kinds(schedule.kind)
        rng = random.Random(seed(schedule, day, cycle))
        if schedule.on_this_day and schedule.film_id is None:
            films = list(await self._released_on(day))
            rng.shuffle(films)
            for film_id, year in films:
                rows = await self._content.pick_snippets(
                    SnippetFilter(kinds, film_id=film_id), exclude=used, limit=CANDIDATES,
                    rng=rng,
                )
                if rows:
                    return Pick(rows[0], cycle, year)
        flt = SnippetFilter(kinds, film_id=schedule.film_id)
        rows = await self._content.pick_snippets(flt, exclude=used, limit=CANDIDATES, rng=rng)
        if rows:
            return Pick(rows[0], cycle)
        if not used:
            return None
        # The bag is empty: a new round, avoiding the last card if there is another one.
        rng = random.Random(seed(schedule, day, cycle + 1))
        for exclude in ([last] if last is not None else [], []):
            rows = await self._content.pick_snippets(
                flt, exclude=exclude, limit=CANDIDATES, rng=rng
            )
            if rows:
                return Pick(rows[0], cycle + 1)
        return None

    async def card(
        self, schedule: ScheduleRow, day: dt.date, snippet_id: int | None
    ) -> Card | None:
        """The daily card for a stored pick (None if the snippet is gone)."""
        if snippet_id is None:
            return None
        row = await self._content.snippet(snippet_id)
        if row is None:
            return None
        return daily_card(row, day, await self._anniversary_year(schedule, day, row))

    async def _anniversary_year(
        self, schedule: ScheduleRow, day: dt.date, row: SnippetRow
    ) -> int | None:
        if not schedule.on_this_day:
            return None
        for film_id, year in await self._released_on(day):
            if film_id == row.film_id:
                return year
        return None


def daily_card(row: SnippetRow, day: dt.date, anniversary_year: int | None = None) -> Card:
    """The card of a daily post: the snippet, with the date (and anniversary) as footer."""
    footer = f"Daily pick · {day:%A} {day.day} {day:%B %Y}"
    if anniversary_year is not None and anniversary_year < day.year:
        years = day.year - anniversary_year
        footer += f" · released on this day {years} year{'s' if years != 1 else ''} ago"
    return snippet_card(row, footer=footer)
