"""Weighted, no-repeat picks served from memory, so a warm /quote needs no database trip.

For each recently used filter a `Picker` holds a pool of candidate snippets: every match
when there are at most a few hundred (a complete pool, kept as is), else a uniform sample
that picks drain and a background task refills. Each channel's recent picks are kept here
too; the store writes them behind, batched. Before this every pick was a round trip to the
database thread (0.3-0.5 ms under load, plus its share of the GIL), which was most of a
/quote's cost in the Discord and Slack benchmarks (issue 8).

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

from storage.protocol import Store
from storage.records import SnippetFilter, SnippetRow, score_weight

log = logging.getLogger(__name__)

RECENT = 20
"""How many of a channel's latest picks a pick avoids repeating."""
SAMPLE = 64
"""Candidates fetched per refill of a sampled pool."""
REFILL_BELOW = 24
"""A sampled pool is topped up in the background when it holds fewer candidates than this."""
POOL_ROWS = 20_000
"""Rows held across all pools (about 1 KB each); least recently used pools go first."""
CHANNELS = 10_000
"""Channels whose recent picks are kept in memory (others are reloaded when used)."""
KNOWN_ROWS = 4_096
"""Recently picked rows kept by id, for the Post and Another buttons that follow a pick."""
TRIES = 8
"""Weighted draws tried before filtering a complete pool (a draw may hit a recent pick)."""


@dataclass(slots=True)
class Pool:
    """Candidates for one filter. A complete pool never changes; a sampled one drains."""

    rows: list[SnippetRow]
    complete: bool
    cumulative: list[float] = field(default_factory=list)
    """Running total of the rows' weights (complete pools): one bisect per draw."""
    refill: asyncio.Task[Pool] | None = None
    """The refill under way, if any (sampled pools)."""

    @classmethod
    def of(cls, rows: Sequence[SnippetRow], complete: bool) -> Pool:
        """A pool over `rows`."""
        cumulative = list(itertools.accumulate(score_weight(r.score) for r in rows))
        return cls(list(rows), complete, cumulative if complete else [])


class Picker:
    """Picks snippets for channels from in-memory pools; see the module docstring."""

    def __init__(self, store: Store, rng: random.Random, *, recent: int = RECENT) -> None:
        self._store = store
        self._rng = rng
        self._recent_n = recent
        self._pools: OrderedDict[SnippetFilter, Pool] = OrderedDict()
        self._held = 0
        self._loading: dict[SnippetFilter, asyncio.Task[Pool]] = {}
        self._recent: OrderedDict[str, deque[int]] = OrderedDict()
        self._known: OrderedDict[int, SnippetRow] = OrderedDict()
        self._generation = 0

    def invalidate(self) -> None:
        """Drop every pool (the collection changed); channel histories stay."""
        self._generation += 1
        self._pools.clear()
        self._held = 0

    def known(self, snippet_id: int) -> SnippetRow | None:
        """A recently picked row by id, or None (ask the store)."""
        return self._known.get(snippet_id)

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
        pool = self._pools.get(flt)
        if pool is None:
            pool = await self._pool(flt)
        else:
            self._pools.move_to_end(flt)
        blocked = set(recent)
        blocked.update(avoid)
        row = _draw(pool, blocked, self._rng)
        if row is None and not pool.complete:
            pool = await self._refill(flt, pool)
            row = _draw(pool, blocked, self._rng)
        if row is None and recent:
            # The channel has seen the whole pool: start over, but not with the last one.
            row = _draw(pool, {recent[0], *avoid}, self._rng) or _draw(
                pool, set(avoid), self._rng
            )
        if row is None:
            return None
        recent.appendleft(row.id)
        self._store.note_shown(channel, row.id)
        self._remember(row)
        if not pool.complete:
            pool.rows.remove(row)
            if self._pools.get(flt) is pool:
                self._held -= 1
            if len(pool.rows) < REFILL_BELOW:
                self._start_refill(flt, pool)
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

    def _remember(self, row: SnippetRow) -> None:
        self._known[row.id] = row
        self._known.move_to_end(row.id)
        if len(self._known) > KNOWN_ROWS:
            self._known.popitem(last=False)

    # -- pools ---------------------------------------------------------------------------

    async def _pool(self, flt: SnippetFilter) -> Pool:
        """The pool for `flt`, loading it once however many picks ask at the same time."""
        task = self._loading.get(flt)
        if task is None:
            task = asyncio.get_running_loop().create_task(self._load(flt))
            self._loading[flt] = task
            task.add_done_callback(lambda _: self._loading.pop(flt, None))
            task.add_done_callback(_log_failure)
        # One caller's cancellation must not cancel the load the others are waiting for.
        return await asyncio.shield(task)

    async def _load(self, flt: SnippetFilter) -> Pool:
        generation = self._generation
        found = await self._store.candidates(flt, limit=SAMPLE, rng=self._rng)
        pool = Pool.of(found.rows, found.complete)
        if generation == self._generation:  # not invalidated meanwhile
            self._install(flt, pool)
        return pool

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
            found = await self._store.candidates(flt, limit=SAMPLE, rng=self._rng)
        finally:
            pool.refill = None
        if found.complete:  # the matches turned out few enough to hold whole
            fresh = Pool.of(found.rows, True)
            if generation == self._generation and self._pools.get(flt) is pool:
                self._install(flt, fresh)
            return fresh
        have = {r.id for r in pool.rows}
        added = [r for r in found.rows if r.id not in have]
        pool.rows.extend(added)
        if self._pools.get(flt) is pool:
            self._held += len(added)
        return pool

    def _install(self, flt: SnippetFilter, pool: Pool) -> None:
        old = self._pools.pop(flt, None)
        if old is not None:
            self._held -= len(old.rows)
        self._pools[flt] = pool
        self._held += len(pool.rows)
        while self._held > POOL_ROWS and len(self._pools) > 1:
            _, evicted = self._pools.popitem(last=False)
            self._held -= len(evicted.rows)


def _log_failure(task: asyncio.Task[Pool]) -> None:
    # A background refill that failed (say, the store closing under it) only costs a later
    # pick a refill of its own; retrieving the exception keeps asyncio from complaining.
    if not task.cancelled() and task.exception() is not None:
        log.debug("pool refill failed", exc_info=task.exception())


def _draw(pool: Pool, blocked: set[int], rng: random.Random) -> SnippetRow | None:
    """One row of `pool` not in `blocked`, with probability proportional to its weight."""
    rows = pool.rows
    if not rows:
        return None
    if pool.complete:
        total = pool.cumulative[-1]
        # Rejection sampling: a draw from the whole pool, retried when blocked, is a draw
        # from the unblocked rows with the same relative weights, in O(log n).
        for _ in range(TRIES):
            row = rows[bisect.bisect_right(pool.cumulative, rng.random() * total)]
            if row.id not in blocked:
                return row
    free = [r for r in rows if r.id not in blocked]
    if not free:
        return None
    return rng.choices(free, weights=[score_weight(r.score) for r in free])[0]
