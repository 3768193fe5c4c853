"""Plain records that cross the storage boundary: what goes in, and the rows that come out."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

SnippetKind = Literal["excerpt", "critic_quote", "dialogue"]
EventKind = Literal["premiere", "festival", "theatrical", "home_media", "streaming", "tv", "other"]

SNIPPET_KINDS: tuple[SnippetKind, ...] = ("excerpt", "critic_quote", "dialogue")
EVENT_KINDS: tuple[EventKind, ...] = (
    "premiere",
    "festival",
    "theatrical",
    "home_media",
    "streaming",
    "tv",
    "other",
)


@dataclass(frozen=True, slots=True)
class NewFilm:
    """A film as a review names it; matched to an existing film by (title, year)."""

    title: str
    year: int | None = None
    director: str | None = None
    cast: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewSnippet:
    """A snippet extracted from a review, with its character span in the review text."""

    kind: SnippetKind
    text: str
    start: int
    end: int
    critic: str | None = None
    outlet: str | None = None
    score: float = 0.0
    spoiler: bool = False
    outlet_key: str | None = None
    """The outlet's canonical name when it is an alias ("LA Times" -> "Los Angeles Times"),
    so that filters match every spelling; the display keeps `outlet` as written."""


@dataclass(frozen=True, slots=True)
class NewRelease:
    """A dated release event; date parts the text did not give are None."""

    region: str | None
    year: int | None
    month: int | None
    day: int | None
    event: EventKind
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class NewReview:
    """Everything one review adds: its film, metadata, full text and what was extracted."""

    film: NewFilm
    text: str
    content_hash: str
    outlet: str | None = None
    critic: str | None = None
    url: str | None = None
    published: dt.date | None = None
    rating: str | None = None
    source: str | None = None
    snippets: tuple[NewSnippet, ...] = ()
    releases: tuple[NewRelease, ...] = ()


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """What adding one review changed; all zeros when its content was already stored."""

    review_added: bool
    film_added: bool
    snippets_added: int
    releases_added: int


@dataclass(frozen=True, slots=True)
class FilmRow:
    id: int
    title: str
    year: int | None
    director: str | None
    cast: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SnippetRow:
    id: int
    review_id: int
    film_id: int
    film_title: str
    film_year: int | None
    kind: SnippetKind
    text: str
    start: int
    end: int
    critic: str | None
    outlet: str | None
    score: float
    spoiler: bool
    url: str | None
    review_outlet: str | None = None
    """Outlet and critic of the review the snippet comes from (a critic quote is often
    quoted in someone else's review)."""
    review_critic: str | None = None


def score_weight(score: float) -> float:
    """Sampling weight of a snippet: grows with score; low scores keep a small chance."""
    if not math.isfinite(score):
        return 1.0 if math.isnan(score) else (1e6 if score > 0 else 0.05)
    return 0.05 + max(0.0, score)


@dataclass(frozen=True, slots=True)
class Candidates:
    """What a pick may draw from (`Store.candidates`)."""

    pairs: tuple[tuple[int, float], ...]
    """(snippet id, score) of each candidate."""
    complete: bool
    """True when `pairs` covers every snippet matching the filter; False when the matches
    were too many to hold and `pairs` is a uniform-ish sample of them."""
    drawn: SnippetRow | None = None
    """One candidate drawn by weight (when asked for), so a cold pick takes one trip."""


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    id: int
    film_id: int
    region: str | None
    year: int | None
    month: int | None
    day: int | None
    event: EventKind


@dataclass(frozen=True, slots=True)
class FilmStats:
    """Counts shown on a film's overview card."""

    reviews: int
    critic_quotes: int
    excerpts: int
    outlets: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class StoreCounts:
    films: int
    reviews: int
    snippets: int
    releases: int


@dataclass(frozen=True, slots=True)
class SnippetFilter:
    """Which snippets a pick may draw from; None means any."""

    kinds: tuple[SnippetKind, ...]
    film_id: int | None = None
    critic: str | None = None
    outlet: str | None = None
    outlet_aliases: tuple[str, ...] = ()
    """Other spellings of `outlet` that count as the same outlet."""


# -- daily posts (issue 6) ---------------------------------------------------------------------

DailyKind = Literal["critic", "excerpt", "any"]
ScheduleState = Literal["active", "paused", "off"]
PostStatus = Literal["claimed", "sent", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class NewSchedule:
    """A channel's daily post as `/daily set` asks for it (one per platform channel)."""

    platform: str
    channel_id: str
    local_time: dt.time
    tz: str
    next_date: dt.date
    next_due: dt.datetime
    workspace_id: str | None = None
    film_id: int | None = None
    kind: DailyKind = "any"
    on_this_day: bool = False
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class ScheduleRow:
    """A stored schedule; `next_due` is the aware UTC instant of the post for `next_date`."""

    id: int
    platform: str
    channel_id: str
    workspace_id: str | None
    local_time: dt.time
    tz: str
    film_id: int | None
    kind: DailyKind
    on_this_day: bool
    state: ScheduleState
    paused_reason: str | None
    next_date: dt.date
    next_due: dt.datetime
    failures: int
    last_error: str | None
    last_error_kind: str | None
    last_error_at: dt.datetime | None
    created_by: str | None


@dataclass(frozen=True, slots=True)
class DailyPostRow:
    """One (schedule, local date): claimed before sending, then sent, failed or skipped."""

    schedule_id: int
    local_date: dt.date
    status: PostStatus
    due_at: dt.datetime
    snippet_id: int | None
    cycle: int
    owner: str | None
    lease_until: dt.datetime | None
    claimed_at: dt.datetime | None
    attempts: int
    retry_at: dt.datetime | None
    sent_at: dt.datetime | None
    message_id: str | None
    error: str | None
    error_kind: str | None


@dataclass(frozen=True, slots=True)
class PendingPost:
    """A post needing attention (an expired claim, a failed post due for a retry)."""

    post: DailyPostRow
    schedule: ScheduleRow


@dataclass(frozen=True, slots=True)
class Claim:
    """What a claim writes: the post row and where the schedule moves on to."""

    schedule_id: int
    local_date: dt.date
    due_at: dt.datetime
    snippet_id: int | None
    cycle: int
    owner: str
    now: dt.datetime
    lease_until: dt.datetime
    next_date: dt.date
    next_due: dt.datetime


@dataclass(frozen=True, slots=True)
class FailureOutcome:
    """After recording a failed attempt: consecutive failures and whether it paused."""

    failures: int
    paused: bool
