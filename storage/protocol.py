"""The Store protocol: everything the core asks of persistence, independent of the database."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Protocol

from storage.records import (
    AddOutcome,
    FilmRow,
    FilmStats,
    NewReview,
    ReleaseRow,
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
        across connections and processes). Used for idempotent posts and retried requests."""
        ...

    async def close(self) -> None:
        """Close the connection."""
        ...
