"""The Store protocol: everything the core asks of persistence, independent of the database."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from storage.records import (
    AddOutcome,
    Candidates,
    Claim,
    DailyPostRow,
    FailureOutcome,
    FilmRow,
    FilmStats,
    NewReview,
    NewSchedule,
    PendingPost,
    PostStatus,
    ReleaseRow,
    ScheduleRow,
    ScheduleState,
    SnippetFilter,
    SnippetRow,
    StoreCounts,
)


class Store(Protocol):
    """Async persistence for films, reviews, snippets, releases and channel history."""

    async def add_reviews(self, reviews: Sequence[NewReview]) -> list[AddOutcome]:
        """Add reviews in one transaction: all are stored or none (ingest is all-or-nothing
        per file). A review whose content hash is already stored adds nothing."""
        ...

    async def counts(self) -> StoreCounts:
        """How many films, reviews, snippets and releases are stored."""
        ...

    async def films(self) -> list[FilmRow]:
        """Every film, for fuzzy matching and autocomplete."""
        ...

    async def film(self, film_id: int) -> FilmRow | None:
        """One film by id."""
        ...

    async def film_stats(self, film_id: int) -> FilmStats:
        """Counts and outlets for a film's overview card."""
        ...

    async def pick_snippets(
        self, flt: SnippetFilter, *, exclude: Sequence[int], limit: int, rng: random.Random
    ) -> list[SnippetRow]:
        """Up to `limit` candidate snippets matching `flt`, not in `exclude`, drawn at random
        with probability growing with score, cheaply even over millions of snippets."""
        ...

    async def snippet(self, snippet_id: int) -> SnippetRow | None:
        """One snippet by id."""
        ...

    async def search(
        self, text: str, *, film_id: int | None = None, limit: int = 10
    ) -> list[SnippetRow]:
        """Full-text search over snippets, best first. Any user text is safe: it is
        turned into literal FTS terms, never parsed as FTS syntax."""
        ...

    async def releases(self, film_id: int) -> list[ReleaseRow]:
        """Release events of a film, de-duplicated, in date order (unknown parts last)."""
        ...

    async def recent_snippets(self, channel: str, limit: int) -> list[int]:
        """Ids of the snippets most recently shown in a channel, newest first."""
        ...

    async def remember_shown(self, channel: str, snippet_id: int) -> None:
        """Record that a channel was shown a snippet (keeps a bounded history)."""
        ...

    async def claim(self, key: str) -> bool:
        """Record `key` once: True for the first caller, False for every later one (atomic
        across connections and processes; claims are kept for weeks, then pruned). Used for
        idempotent posts and retried requests."""
        ...

    async def beat(self, component: str, detail: str | None = None) -> None:
        """Record that a running component is alive (read by `pullquote healthcheck`)."""
        ...

    async def close(self) -> None:
        """Close the connection."""
        ...

    async def candidates(
        self,
        flt: SnippetFilter,
        *,
        limit: int,
        rng: random.Random,
        draw_excluding: Iterable[int] | None = None,
        sampled: bool = False,
    ) -> Candidates:
        """What picks for `flt` may draw from: every match when there are at most a few
        hundred (complete), else a uniform-ish sample of about `limit` of them; with
        `draw_excluding`, also one candidate not in it, drawn by weight, as a full row.
        `sampled` says the caller already knows the matches are too many to hold."""
        ...

    def note_shown(self, channel: str, snippet_id: int) -> None:
        """`remember_shown` without waiting: seen by `recent_snippets` at once, written in
        the background (batched) and at the latest by `close`."""
        ...

    def note_claim(self, key: str) -> None:
        """`claim` without waiting, for a key the caller knows to be new: written in the
        background (batched) and at the latest by `close`."""
        ...

    async def collection_version(self) -> int:
        """A number that changes whenever the collection does (any process's ingest)."""
        ...

    async def warm(self) -> int:
        """Read what picks look up (films, attributions, the pick indexes) into memory, in
        small steps, so that early picks after a start do not each wait on the disk; for a
        long-running bot, in the background. Returns how many entries were read."""
        ...


class ScheduleStore(Protocol):
    """Persistence of daily-post schedules and of the (schedule, local date) claims that make
    each day's post go out exactly once, across restarts and processes (issue 6)."""

    async def save_schedule(self, new: NewSchedule, now: dt.datetime) -> ScheduleRow:
        """Create or replace the channel's schedule (state active, failures reset)."""
        ...

    async def schedule(self, schedule_id: int) -> ScheduleRow | None:
        """One schedule by id."""
        ...

    async def schedule_for(self, platform: str, channel_id: str) -> ScheduleRow | None:
        """The channel's schedule, if it has one (whatever its state)."""
        ...

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
        """Pause, resume or turn off; resuming resets failures and moves the next post."""
        ...

    async def due_schedules(
        self, now: dt.datetime, limit: int, platforms: Sequence[str] | None = None
    ) -> list[ScheduleRow]:
        """Active schedules (of `platforms`, if given) due at or before `now`, oldest first."""
        ...

    async def daily_post(self, schedule_id: int, local_date: dt.date) -> DailyPostRow | None:
        """The post row of one (schedule, local date)."""
        ...

    async def last_post(
        self, schedule_id: int, statuses: Sequence[PostStatus] = ("sent",)
    ) -> DailyPostRow | None:
        """The schedule's latest post row with one of `statuses`."""
        ...

    async def bag(self, schedule_id: int) -> tuple[int, list[int], int | None]:
        """The shuffle bag: the current cycle, snippets used in it, and the last snippet."""
        ...

    async def claim_post(self, claim: Claim) -> bool:
        """Claim (schedule, local date) and move the schedule on, in one transaction; True
        only for the one caller that inserted the row."""
        ...

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
        """Record a post that will not go out (missed beyond the grace window) and move on."""
        ...

    async def advance_schedule(
        self, schedule_id: int, from_date: dt.date, next_date: dt.date, next_due: dt.datetime
    ) -> None:
        """Move the schedule's next post on, if it still points at `from_date`."""
        ...

    async def mark_sent(
        self, schedule_id: int, local_date: dt.date, message_id: str, now: dt.datetime
    ) -> None:
        """The claimed post went out as `message_id`: record it and reset failures."""
        ...

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
        """Record a failed attempt (retried at `retry_at` if given); pauses the schedule after
        `pause_after` consecutive failures. `in_doubt`: the send may have gone out, so the
        row stays claimed and is looked up (not resent) once `retry_at` passes."""
        ...

    async def release_claim(
        self, schedule_id: int, local_date: dt.date, lease_until: dt.datetime, note: str
    ) -> None:
        """Keep an in-doubt claim claimed but look at it again after `lease_until`."""
        ...

    async def settle_post(
        self, schedule_id: int, local_date: dt.date, status: PostStatus, note: str
    ) -> None:
        """Close a post row for good (failed or skipped, no more retries)."""
        ...

    async def expired_claims(
        self, now: dt.datetime, limit: int, platforms: Sequence[str] | None = None
    ) -> list[PendingPost]:
        """Claims whose lease ran out: their send outcome is unknown."""
        ...

    async def retryable_posts(
        self, now: dt.datetime, limit: int, platforms: Sequence[str] | None = None
    ) -> list[PendingPost]:
        """Failed posts of active schedules whose retry time has come."""
        ...

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
        """Take over an expired claim or a failed post (compare-and-set on its status and
        lease); True for the one caller that got it."""
        ...

    async def films_released_on(self, month: int, day: int) -> list[tuple[int, int | None]]:
        """(film id, release year) of films with a release event on this month and day."""
        ...


@runtime_checkable
class ScheduleHost(Protocol):
    """A store that also keeps schedules (SQLiteStore.schedules)."""

    @property
    def schedules(self) -> ScheduleStore:
        """The schedule store over the same database."""
        ...
