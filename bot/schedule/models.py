"""The daily-post records as the core uses them (defined in storage.records, since they cross
the storage boundary), plus the content kinds and the idempotency key of a post."""

from __future__ import annotations

import datetime as dt

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
    SnippetKind,
)

__all__ = [
    "DAILY_KINDS",
    "KIND_LABELS",
    "Claim",
    "DailyKind",
    "DailyPostRow",
    "FailureOutcome",
    "NewSchedule",
    "PendingPost",
    "PostStatus",
    "ScheduleRow",
    "ScheduleState",
    "idempotency_key",
    "snippet_kinds",
]

DAILY_KINDS: tuple[DailyKind, ...] = ("critic", "excerpt", "any")
KIND_LABELS: dict[DailyKind, str] = {
    "critic": "critic quotes",
    "excerpt": "review excerpts",
    "any": "critic quotes and excerpts",
}


def snippet_kinds(kind: DailyKind) -> tuple[SnippetKind, ...]:
    """The snippet kinds a schedule of `kind` draws from."""
    if kind == "critic":
        return ("critic_quote",)
    if kind == "excerpt":
        return ("excerpt",)
    return ("critic_quote", "excerpt")


def idempotency_key(schedule_id: int, day: dt.date) -> str:
    """The key one day's post carries to the platform (at most 25 characters, Discord's
    nonce limit), so a re-send can be recognised or de-duplicated."""
    return f"pq{schedule_id}d{day:%Y%m%d}"
