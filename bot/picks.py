"""Weighted, no-repeat picks served from memory, so a warm /quote needs no database trip.

For each recently used filter a `Picker` holds a pool of candidates (ids and scores): every
match when there are at most a few hundred (a complete pool, kept as is), else a uniform
sample that picks drain and a background task refills. Picked rows are kept in a shared
cache, so a warm pick usually needs no round trip at all, and a cold one two cheap ones
(the candidates, from a covering index, then the chosen row). Each channel's recent picks
are kept here too; the store writes them behind, batched. Before this every pick was a
round trip to the database thread (0.3-0.5 ms under load, plus its share of the GIL),
which was most of a /quote's cost in the Discord and Slack benchmarks (issue 8).

Trade-offs: two processes picking in one channel see each other's picks only when a channel
is loaded afresh, not at once; a sampled pool draws from about SAMPLE candidates at a time
rather than a fresh sample per pick; another process's ingest shows up once `invalidate`
is called (Service checks the collection version every few seconds)."""

from __future__ import annotations

import asyncio
import bisect
import itertools
import logging
import random
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.protocol import Store
from storage.records import SnippetFilter, SnippetRow, score_weight

log = logging.getLogger(__name__)

RECENT = 20
"""How many of a channel's latest picks a pick avoids repeating."""
SAMPLE = 64
"""Candidates fetched per refill of a sampled pool."""
FIRST_SAMPLE = 16
"""Candidates fetched with a cold pool's first pick: few, so that pick reads few index
pages (each window of candidates is a page read when the index is not cached); a refill of
SAMPLE follows in the background."""
REFILL_BELOW = 24
"""A sampled pool is topped up in the background when it holds fewer candidates than this."""
POOL_IDS = 200_000
"""Candidate ids held across all pools (about 50 bytes each); least recently used go first."""
ROWS = 10_000
"""Snippet rows kept (about 1 KB each): recently picked ones, for picks and button clicks."""
CHANNELS = 10_000
"""Channels whose recent picks are kept in memory (others are reloaded when used)."""
TRIES = 8
"""Weighted draws tried before filtering a complete pool (a draw may hit a recent pick)."""


@dataclass(slots=True)
class Pool:
    """Candidates for one filter. A complete pool never changes; a sampled one drains."""

    ids: list[int]
    weights: list[float]
    complete: bool
    cumulative: list[float] = field(default_factory=list)
    """Running total of the weights (complete pools): one bisect per draw."""
    refill: asyncio.Task[Pool] | None = None
    """The refill under way, if any (sampled pools)."""

    @classmethod
    def of(cls, pairs: Sequence[tuple[int, float]], complete: bool) -> Pool:
        """A pool over (id, score) pairs."""
        weights = [score_weight(score) for _, score in pairs]
        cumulative = list(itertools.accumulate(weights)) if complete else []
        return cls([i for i, _ in pairs], weights, complete, cumulative)

    def take(self, index: int) -> None:
        """Drop a drawn candidate from a sampled pool."""
        del self.ids[index]
        del self.weights[index]


class Picker:
    """Picks snippets for channels from in-memory pools; see the module docstring."""

    def __init__(self, store: Store, rng: random.Random, *, recent: int = RECENT) -> None:
        self._store = store
        self._rng = rng
        self._recent_n = recent
        self._pools: OrderedDict[SnippetFilter, Pool] = OrderedDict()
        self._held = 0
        self._loading: dict[SnippetFilter, asyncio.Task[tuple[Pool, SnippetRow | None]]] = {}
        self._recent: OrderedDict[str, deque[int]] = OrderedDict()
        self._rows: OrderedDict[int, SnippetRow] = OrderedDict()
        self._generation = 0

    def invalidate(self) -> None:
        """Drop every pool (the collection changed); channel histories and rows stay (rows
        are never rewritten)."""
        self._generation += 1
        self._pools.clear()
        self._held = 0

    async def pick(
        self, flt: SnippetFilter, channel: str, *, avoid: Sequence[int] = ()
    ) -> SnippetRow | None:
        """One snippet matching `flt`, weighted by score, remembered for `channel`.

        Not one of the channel's RECENT latest nor in `avoid`; when the channel has seen
        the whole pool, not the very last one, then anything but `avoid`. None when
        nothing matches."""
        recent = self._recent.get(channel)
        if recent is None:
            recent = await self._load_recent(channel)
        else:
            self._recent.move_to_end(channel)
        blocked = set(recent)
        blocked.update(avoid)
        pool = self._pools.get(flt)
        drawn: SnippetRow | None = None
        if pool is None:
            # A cold pool comes with a row already drawn from it (same trip, same weights).
            pool, drawn = await self._pool(flt, blocked)
        else:
            self._pools.move_to_end(flt)
        if drawn is not None and drawn.id not in blocked:
            self._cache(drawn)
            snippet_id = drawn.id
            if not pool.complete and snippet_id in pool.ids:
                self._take(flt, pool, pool.ids.index(snippet_id))
        else:
            index = _draw(pool, blocked, self._rng)
            if index is None and not pool.complete:
                pool = await self._refill(flt, pool)
                index = _draw(pool, blocked, self._rng)
            if index is None and recent:
                # The channel has seen the whole pool: start over, but not with the last one.
                index = _draw(pool, {recent[0], *avoid}, self._rng)
                if index is None:
                    index = _draw(pool, set(avoid), self._rng)
            if index is None:
                return None
            snippet_id = pool.ids[index]
            if not pool.complete:
                self._take(flt, pool, index)
        # Remembered before the row is fetched, so a pick for the same channel meanwhile
        # does not draw the same one.
        recent.appendleft(snippet_id)
        self._store.note_shown(channel, snippet_id)
        return await self.row(snippet_id)

    def remember(self, channel: str, snippet_id: int) -> None:
        """`channel` was shown `snippet_id` by something other than a pick (the daily post,
        which writes its own history row): later picks there avoid it. A channel whose
        history is not in memory reads it, this row included, when first picked for."""
        recent = self._recent.get(channel)
        if recent is not None:
            recent.appendleft(snippet_id)

    def _take(self, flt: SnippetFilter, pool: Pool, index: int) -> None:
        pool.take(index)
        if self._pools.get(flt) is pool:
            self._held -= 1
        if len(pool.ids) < REFILL_BELOW:
            self._start_refill(flt, pool)

    def _cache(self, row: SnippetRow) -> None:
        self._rows[row.id] = row
        if len(self._rows) > ROWS:
            self._rows.popitem(last=False)

    async def row(self, snippet_id: int) -> SnippetRow | None:
        """One snippet by id: from the rows kept in memory (a button click follows a pick,
        so its row is usually here), else from the store, then kept."""
        row = self._rows.get(snippet_id)
        if row is not None:
            self._rows.move_to_end(snippet_id)
            return row
        row = await self._store.snippet(snippet_id)
        if row is not None:
            self._cache(row)
        return row

    # -- channels ------------------------------------------------------------------------

    async def _load_recent(self, channel: str) -> deque[int]:
        ids = await self._store.recent_snippets(channel, self._recent_n)
        recent = self._recent.get(channel)  # another task may have loaded it meanwhile
        if recent is None:
            recent = self._recent[channel] = deque(ids, maxlen=self._recent_n)
            while len(self._recent) > CHANNELS:
                self._recent.popitem(last=False)
        return recent

    # -- pools ---------------------------------------------------------------------------

    async def _pool(
        self, flt: SnippetFilter, blocked: set[int]
    ) -> tuple[Pool, SnippetRow | None]:
        """The pool for `flt`, loaded once however many picks ask at the same time, and a
        row drawn from it (not in `blocked`) in the same round trip."""
        task = self._loading.get(flt)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(flt, blocked))
            self._loading[flt] = task
            task.add_done_callback(lambda _: self._loading.pop(flt, None))
            task.add_done_callback(_log_failure)
        # One caller's cancellation must not cancel the load the others are waiting for.
        return await asyncio.shield(task)

    async def _load(
        self, flt: SnippetFilter, blocked: set[int]
    ) -> tuple[Pool, SnippetRow | None]:
        generation = self._generation
        found = await self._store.candidates(
            flt, limit=FIRST_SAMPLE, rng=self._rng, draw_excluding=blocked
        )
        pool = Pool.of(found.pairs, found.complete)
        if generation == self._generation:  # not invalidated meanwhile
            self._install(flt, pool)
        return pool, found.drawn

    def _start_refill(self, flt: SnippetFilter, pool: Pool) -> asyncio.Task[Pool]:
        """Top a sampled pool up in the background (once at a time)."""
        if pool.refill is None:
            pool.refill = asyncio.get_running_loop().create_task(self._refill_now(flt, pool))
            pool.refill.add_done_callback(_log_failure)
        return pool.refill

    async def _refill(self, flt: SnippetFilter, pool: Pool) -> Pool:
        """Wait for a sampled pool's refill (starting one if none is under way)."""
        return await asyncio.shield(self._start_refill(flt, pool))

    async def _refill_now(self, flt: SnippetFilter, pool: Pool) -> Pool:
        generation = self._generation
        try:
            found = await self._store.candidates(
                flt, limit=SAMPLE, rng=self._rng, sampled=True
            )
        finally:
            pool.refill = None
        if found.complete:  # the matches turned out few enough to hold whole
            fresh = Pool.of(found.pairs, True)
            if generation == self._generation and self._pools.get(flt) is pool:
                self._install(flt, fresh)
            return fresh
        have = set(pool.ids)
        added = [(i, score) for i, score in found.pairs if i not in have]
        pool.ids.extend(i for i, _ in added)
        pool.weights.extend(score_weight(score) for _, score in added)
        if self._pools.get(flt) is pool:
            self._held += len(added)
        return pool

    def _install(self, flt: SnippetFilter, pool: Pool) -> None:
        old = self._pools.pop(flt, None)
        if old is not None:
            self._held -= len(old.ids)
        self._pools[flt] = pool
        self._held += len(pool.ids)
        while self._held > POOL_IDS and len(self._pools) > 1:
            _, evicted = self._pools.popitem(last=False)
            self._held -= len(evicted.ids)


def _log_failure(task: asyncio.Task[Any]) -> None:
    # A background refill that failed (say, the store closing under it) only costs a later
    # pick a refill of its own; retrieving the exception keeps asyncio from complaining.
    if not task.cancelled() and task.exception() is not None:
        log.debug("pool refill failed", exc_info=task.exception())


def _draw(pool: Pool, blocked: set[int], rng: random.Random) -> int | None:
    """The index of a candidate not in `blocked`, drawn with probability proportional to
    its weight; None when every candidate is blocked."""
    ids = pool.ids
    if not ids:
        return None
    if pool.complete:
        total = pool.cumulative[-1]
        # Rejection sampling: a draw from the whole pool, retried when blocked, is a draw
        # from the unblocked candidates with the same relative weights, in O(log n).
        for _ in range(TRIES):
            index = bisect.bisect_right(pool.cumulative, rng.random() * total)
            if ids[index] not in blocked:
                return index
    free = [n for n, snippet_id in enumerate(ids) if snippet_id not in blocked]
    if not free:
        return None
    return rng.choices(free, weights=[pool.weights[n] for n in free])[0]
