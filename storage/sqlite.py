"""The SQLite Store: one long-lived aiosqlite connection, WAL, numbered migrations, FTS5 search."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import heapq
import json
import logging
import math
import random
import re
import sqlite3
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from storage.migrate import apply_migrations
from storage.records import (
    SNIPPET_KINDS,
    AddOutcome,
    Candidates,
    EventKind,
    FilmRow,
    FilmStats,
    NewFilm,
    NewReview,
    ReleaseRow,
    SnippetFilter,
    SnippetKind,
    SnippetRow,
    StoreCounts,
    score_weight,
)
from storage.schedules import SQLiteSchedules

T = TypeVar("T")

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# Channel history rows kept per channel (trimmed as rows are written, see `_write_behind`).
HISTORY_KEEP = 50
# A filtered pick samples exactly from all candidates when there are at most this many
# (fetching and weighting them in Python costs ~1.3 us each: 1,500 of them took ~2 ms);
# beyond that (a huge outlet, or no filter at all) it samples random rowid probes instead.
EXACT_CAP = 400
MIN_PROBES = 32
MAX_PROBES = 256
# Probed candidates come in windows of consecutive index entries: one seek per window instead
# of one (two, with the score) per candidate. Each random seek lands on a different index
# page: with a million snippets that was ~64 page reads per pick, most of its cost at 100k.
PROBE_WINDOW = 8
# Picks and delivery claims are kept in memory at once and written in one transaction this
# many seconds later (`note_shown`, `note_claim`): one write per burst, not one per command.
FLUSH_SECONDS = 0.5
# Claims (retried deliveries, double-clicked Posts) matter for minutes; they are kept this
# many days and then pruned, PRUNE_BATCH at a time, every PRUNE_SECONDS.
CLAIM_DAYS = 30
PRUNE_BATCH = 5_000
PRUNE_SECONDS = 3_600.0
# The connection's page cache (KiB). SQLite's default is 2 MB; picks touch random pages of
# the pick indexes (~60 MB at 100k reviews, see `warm`), and a page read from the OS is a
# disk read once the OS has dropped it (~65 us, p99 ~180 us on the development VM). 96 MB
# holds those indexes and the recently read rows (the bot's peak RSS target is 200 MB).
CACHE_KIB = 98304
# What `warm` reads into the page cache, in this order (the most used per page first): the
# table expression, its entries' condition, and the columns that order them (a chunk goes
# on after the last key of the one before). At 100k reviews ~60 MB, all of it; past
# WARM_ENTRIES in all, the rest is left to be read as used.
_WARM = (
    ("films", "1", ("id",)),
    ("reviews INDEXED BY reviews_attribution", "1", ("id",)),
    (
        "snippets INDEXED BY snippets_quote_critic",
        "kind = 'critic_quote' AND critic_norm IS NOT NULL",
        ("critic_norm", "kind", "id"),
    ),
    (
        "snippets INDEXED BY snippets_quote_outlet",
        "kind = 'critic_quote' AND outlet_norm IS NOT NULL",
        ("outlet_norm", "kind", "id"),
    ),
    ("snippets INDEXED BY snippets_film_pick", "1", ("film_id", "kind", "id")),
)
WARM_ENTRIES = 2_000_000
# Entries read per step of `warm` (~1-5 ms of work, ~25 ms from a cold disk): a pick waits
# behind one step at most.
WARM_CHUNK = 10_000
# The reader connection's page cache (KiB): searches and pool top-ups, which mostly sweep
# pages once, so less is kept than for picks.
READER_CACHE_KIB = 16384
MAX_SEARCH_TERMS = 12
MAX_TERM_CHARS = 100
# Search ranks at most this many matches (the newest), so a word in every snippet stays cheap:
# bm25 costs ~5-20 us per match (it reads each row's column sizes).
SEARCH_POOL = 500
# BM25 parameters for ranking search hits (typical snippet length in tokens).
_BM25_K1 = 1.2
_BM25_B = 0.75
_AVG_TOKENS = 20.0

_WS = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")

_SNIPPET_COLUMNS = """
    s.id, s.review_id, s.film_id, f.title, f.year, s.kind, s.text, s.span_start, s.span_end,
    s.critic, s.outlet, s.score, s.spoiler, r.url, r.outlet, r.critic
"""
# The review's attribution comes from its covering index (0005_reviews_attribution.sql), not
# the table, whose rows hold whole review texts; without statistics for the index SQLite
# would pick the table's rowid lookup, hence INDEXED BY.
_SNIPPET_JOINS = """
    JOIN films AS f ON f.id = s.film_id
    JOIN reviews AS r INDEXED BY reviews_attribution ON r.id = s.review_id
"""


def normalise_title(title: str) -> str:
    """A film title as matched: casefolded, stripped, inner whitespace collapsed."""
    return _WS.sub(" ", title.casefold()).strip()


def normalise_critic(critic: str | None) -> str | None:
    """A critic name as filtered: like a title; None when empty."""
    if critic is None:
        return None
    return normalise_title(critic) or None


def normalise_outlet(outlet: str | None) -> str | None:
    """An outlet as filtered: like a critic, ignoring a leading "The " ("The Verge" = "verge")."""
    norm = normalise_critic(outlet)
    if norm is not None and norm.startswith("the "):
        norm = norm[4:].strip()
    return norm or None


def fts_query(text: str) -> str | None:
    """Turn any user text into a safe FTS5 query: quoted word terms joined by AND.

    Only `\\w+` runs survive, each written as an FTS5 string literal, so no user input is ever
    parsed as FTS syntax. Returns None when the text has no word characters.
    """
    terms = search_terms(text)
    if not terms:
        return None
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def search_terms(text: str) -> list[str]:
    """The distinct word tokens of `text` a search uses (at most MAX_SEARCH_TERMS)."""
    terms: list[str] = []
    for match in _WORD.finditer(unicodedata.normalize("NFKC", text)):
        term = match.group(0)[:MAX_TERM_CHARS]
        if term and term not in terms:
            terms.append(term)
            if len(terms) >= MAX_SEARCH_TERMS:
                break
    return terms


def weighted_sample(
    candidates: Sequence[tuple[int, float]], k: int, rng: random.Random
) -> list[int]:
    """Pick k distinct ids from (id, score) pairs, each draw weighted by `score_weight`.

    Efraimidis-Spirakis: key = u ** (1 / w), keep the k largest (computed in log space).
    """
    if k <= 0 or not candidates:
        return []
    rand, log, isfinite = rng.random, math.log, math.isfinite
    # score_weight inlined for finite scores (this runs for every candidate of every pick).
    keyed = [
        (
            log(1.0 - rand())
            / ((0.05 + score if score > 0.0 else 0.05) if isfinite(score) else score_weight(score)),
            snippet_id,
        )
        for snippet_id, score in candidates
    ]
    if k == 1:
        return [max(keyed)[1]]
    return [snippet_id for _, snippet_id in heapq.nlargest(k, keyed)]


class SQLiteStore:
    """`Store` on SQLite via long-lived aiosqlite connections (see `SQLiteStore.open`): one
    for writes and picks, and for a database file a second, read-only one for searches and
    pool top-ups."""

    def __init__(
        self, conn: aiosqlite.Connection, reader: aiosqlite.Connection | None = None
    ) -> None:
        """Wrap an open, migrated connection in autocommit mode (and optionally a second,
        read-only one for background reads and searches); use `open` instead."""
        self._conn = conn
        # Background reads (refilling pick pools) and searches run here, on their own
        # thread and page cache: a pick never queues behind them, and a search's sweep over
        # full-text pages does not evict the pick indexes' pages from the main cache.
        self._reader = reader or conn
        # One connection is shared by every task: writes that span several statements must not
        # interleave, or one task's statements would land in another's transaction.
        self._write_lock = asyncio.Lock()
        self._closed = False
        self._claim_queue: list[tuple[str, asyncio.Future[bool]]] = []
        self._claimer: asyncio.Task[None] | None = None
        self._checkpointer: asyncio.Task[None] | None = None
        self._checkpointing = False
        # (channel, snippet id, unix time) and (key, unix time), formatted when written.
        # (channel, snippet id) and claim keys, stamped with the time they are written.
        self._shown: list[tuple[str, int]] = []
        self._claims: list[str] = []
        self._flusher: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path | str) -> SQLiteStore:
        """Open (creating on first use) the database at `path`, or ":memory:", and migrate it."""
        target = await asyncio.to_thread(_prepare_path, path)
        conn = await aiosqlite.connect(target, isolation_level=None)
        try:
            # busy_timeout first, so the journal-mode switch and migrations wait for a
            # concurrent starter instead of failing with "database is locked".
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await _enable_wal(conn)
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            await apply_migrations(conn)
        except BaseException:
            await conn.close()
            raise
        if target == ":memory:":  # a second connection would open another, empty database
            return cls(conn)
        try:
            reader = await _open_reader(target)
        except BaseException:
            await conn.close()
            raise
        return cls(conn, reader)

    async def __aenter__(self) -> SQLiteStore:
        """Use the store as an async context manager that closes it on exit."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the store."""
        await self.close()

    async def pragma(self, name: str) -> Any:
        """The value of a PRAGMA (for diagnostics and tests), e.g. "journal_mode"."""
        if not name.isidentifier():
            raise ValueError(f"not a pragma name: {name!r}")
        rows = list(await self._conn.execute_fetchall(f"PRAGMA {name}"))
        return rows[0][0] if rows else None

    # -- writes ---------------------------------------------------------------------------

    async def add_reviews(self, reviews: Sequence[NewReview]) -> list[AddOutcome]:
        """Add reviews in one transaction: all are stored or none; known content adds nothing."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                outcomes = [await self._add_review(review, now) for review in reviews]
                await self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise
        return outcomes

    async def _add_review(self, review: NewReview, now: str) -> AddOutcome:
        conn = self._conn
        known = await conn.execute_fetchall(
            "SELECT 1 FROM reviews WHERE content_hash = ?", (review.content_hash,)
        )
        if list(known):
            return AddOutcome(False, False, 0, 0)
        film_id, film_added = await self._match_film(review.film)
        cursor = await conn.execute(
            "INSERT INTO reviews (film_id, outlet, critic, url, published, rating, text,"
            " content_hash, source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                film_id,
                review.outlet,
                review.critic,
                review.url,
                review.published.isoformat() if review.published else None,
                review.rating,
                review.text,
                review.content_hash,
                review.source,
                now,
            ),
        )
        review_id = cursor.lastrowid
        snippet_rows = []
        for snip in review.snippets:
            critic, outlet = snip.critic, snip.outlet
            if snip.kind == "excerpt":
                # An excerpt is the review's own words: attribute it to the review's author.
                critic = critic or review.critic
                outlet = outlet or review.outlet
            snippet_rows.append(
                (
                    review_id,
                    film_id,
                    snip.kind,
                    snip.text,
                    snip.start,
                    snip.end,
                    critic,
                    outlet,
                    normalise_critic(critic),
                    normalise_outlet(snip.outlet_key or outlet),
                    float(snip.score),
                    int(bool(snip.spoiler)),
                )
            )
        if snippet_rows:
            await conn.executemany(
                "INSERT INTO snippets (review_id, film_id, kind, text, span_start, span_end,"
                " critic, outlet, critic_norm, outlet_norm, score, spoiler)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                snippet_rows,
            )
        releases_added = 0
        for rel in review.releases:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO releases (film_id, review_id, region, year, month, day,"
                " event, span_start, span_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    film_id,
                    review_id,
                    rel.region,
                    rel.year,
                    rel.month,
                    rel.day,
                    rel.event,
                    rel.start,
                    rel.end,
                ),
            )
            releases_added += max(cursor.rowcount, 0)
        return AddOutcome(True, film_added, len(snippet_rows), releases_added)

    async def _match_film(self, film: NewFilm) -> tuple[int, bool]:
        """Find the film by (normalised title, year), filling in missing details; or add it."""
        norm = normalise_title(film.title)
        if not norm:
            raise ValueError("a review's film has an empty title")
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT id, director, cast_json, aliases_json FROM films"
                " WHERE norm_title = ? AND COALESCE(year, -1) = COALESCE(?, -1)",
                (norm, film.year),
            )
        )
        if not rows:
            cursor = await self._conn.execute(
                "INSERT INTO films (title, year, director, cast_json, aliases_json, norm_title)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    film.title.strip(),
                    film.year,
                    film.director,
                    _json_list(film.cast),
                    _json_list(film.aliases),
                    norm,
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid, True
        film_id, director, cast_json, aliases_json = rows[0]
        new_director = director or film.director
        new_cast = _load_list(cast_json) or tuple(film.cast)
        old_aliases = _load_list(aliases_json)
        new_aliases = old_aliases + tuple(a for a in film.aliases if a not in old_aliases)
        if (new_director, new_cast, new_aliases) != (
            director,
            _load_list(cast_json),
            old_aliases,
        ):
            await self._conn.execute(
                "UPDATE films SET director = ?, cast_json = ?, aliases_json = ? WHERE id = ?",
                (new_director, _json_list(new_cast), _json_list(new_aliases), film_id),
            )
        return int(film_id), False

    async def remember_shown(self, channel: str, snippet_id: int) -> None:
        """Record that a channel was shown a snippet (the newest HISTORY_KEEP are kept)."""
        async with self._write_lock:
            await self._in_db_thread(lambda conn: _write_behind(conn, [(channel, snippet_id)], []))

    def note_shown(self, channel: str, snippet_id: int) -> None:
        """Record that a channel was shown a snippet, without waiting for the database:
        `recent_snippets` sees it at once, and it is written (batched with other picks, one
        transaction) within FLUSH_SECONDS, or by `close`. Needs a running event loop."""
        self._shown.append((channel, snippet_id))
        self._flush_soon()

    def note_claim(self, key: str) -> None:
        """`claim` without waiting for the answer: written (batched) within FLUSH_SECONDS
        or by `close`; for keys the caller already knows to be new in this process."""
        self._claims.append(key)
        self._flush_soon()

    def _flush_soon(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_later())

    async def _flush_later(self) -> None:
        await asyncio.sleep(FLUSH_SECONDS)
        try:
            await self.flush()
        except sqlite3.Error:
            log.exception("could not write pending channel picks and claims")

    async def flush(self) -> None:
        """Write what `note_shown` and `note_claim` are holding, in one transaction."""
        if not (self._shown or self._claims) or self._closed:
            return
        shown, self._shown = self._shown, []
        claims, self._claims = self._claims, []
        if not self._checkpointing:
            await self._start_checkpointer()
        async with self._write_lock:  # must not join an open ingest transaction
            await self._in_db_thread(lambda conn: _write_behind(conn, shown, claims))

    async def claim(self, key: str) -> bool:
        """Claim `key`: True for the first caller, False afterwards (for CLAIM_DAYS, after
        which claims are pruned); written (durably) before this returns. The primary key
        makes this atomic across connections and processes. Claims made while a batch is
        being written go in the next one: one transaction and one trip to the database
        thread per batch, so a burst of Slack deliveries costs a few writes, not one each
        (without it, the durable claim cost Slack's throughput ~0.33 ms of CPU a command)."""
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._claim_queue.append((key, waiter))
        if self._claimer is None or self._claimer.done():
            self._claimer = asyncio.create_task(self._write_claims())
        return await waiter

    async def _write_claims(self) -> None:
        while self._claim_queue:
            batch, self._claim_queue = self._claim_queue, []
            keys = [key for key, _ in batch]
            try:
                async with self._write_lock:
                    won = await self._in_db_thread(functools.partial(_insert_claims, keys=keys))
            except Exception as exc:
                for _, waiter in batch:
                    if not waiter.done():
                        waiter.set_exception(exc)
                continue
            for (_, waiter), first in zip(batch, won, strict=True):
                if not waiter.done():
                    waiter.set_result(first)

    async def prune_claims(self, older_than: dt.timedelta = dt.timedelta(days=CLAIM_DAYS)) -> int:
        """Delete claims made more than `older_than` ago; how many went. Runs in batches,
        so no write waits long behind it (the checkpointer calls it every PRUNE_SECONDS)."""
        cutoff = (dt.datetime.now(dt.UTC) - older_than).isoformat(timespec="milliseconds")
        removed = 0
        while True:
            async with self._write_lock:
                cursor = await self._conn.execute(
                    "DELETE FROM claims WHERE key IN"
                    " (SELECT key FROM claims WHERE claimed_at < ? LIMIT ?)",
                    (cutoff, PRUNE_BATCH),
                )
            removed += max(cursor.rowcount, 0)
            if cursor.rowcount < PRUNE_BATCH:
                return removed

    async def beat(self, component: str, detail: str | None = None) -> None:
        """Record that `component` (discord, slack, scheduler) is alive right now."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        async with self._write_lock:
            await self._conn.execute(
                "INSERT INTO heartbeats (component, beat_at, detail) VALUES (?, ?, ?)"
                " ON CONFLICT (component) DO UPDATE SET beat_at = excluded.beat_at,"
                " detail = excluded.detail",
                (component, now, detail),
            )

    # -- reads ----------------------------------------------------------------------------

    async def counts(self) -> StoreCounts:
        """How many films, reviews, snippets and releases are stored."""
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT (SELECT count(*) FROM films), (SELECT count(*) FROM reviews),"
                " (SELECT count(*) FROM snippets), (SELECT count(*) FROM releases)"
            )
        )
        films, reviews, snippets, releases = rows[0]
        return StoreCounts(int(films), int(reviews), int(snippets), int(releases))

    async def films(self) -> list[FilmRow]:
        """Every film, ordered by title then year, for fuzzy matching and autocomplete."""
        rows = await self._conn.execute_fetchall(
            "SELECT id, title, year, director, cast_json, aliases_json FROM films"
            " ORDER BY norm_title, year IS NULL, year, id"
        )
        return [_film_row(row) for row in rows]

    async def film(self, film_id: int) -> FilmRow | None:
        """One film by id, or None."""
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT id, title, year, director, cast_json, aliases_json FROM films"
                " WHERE id = ?",
                (film_id,),
            )
        )
        return _film_row(rows[0]) if rows else None

    async def film_stats(self, film_id: int) -> FilmStats:
        """Review, critic-quote and excerpt counts of a film, and the outlets seen for it."""
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT (SELECT count(*) FROM reviews WHERE film_id = :f),"
                " (SELECT count(*) FROM snippets WHERE film_id = :f AND kind = 'critic_quote'),"
                " (SELECT count(*) FROM snippets WHERE film_id = :f AND kind = 'excerpt')",
                {"f": film_id},
            )
        )
        reviews, quotes, excerpts = rows[0]
        outlet_rows = await self._conn.execute_fetchall(
            "SELECT outlet FROM reviews WHERE film_id = :f AND outlet IS NOT NULL"
            " UNION ALL SELECT outlet FROM snippets"
            " WHERE film_id = :f AND kind = 'critic_quote' AND outlet IS NOT NULL",
            {"f": film_id},
        )
        outlets: dict[str, str] = {}
        for (outlet,) in outlet_rows:
            key = normalise_outlet(outlet)
            if key is not None:
                outlets.setdefault(key, str(outlet).strip())
        return FilmStats(
            reviews=int(reviews),
            critic_quotes=int(quotes),
            excerpts=int(excerpts),
            outlets=tuple(sorted(outlets.values(), key=str.casefold)),
        )

    async def snippet(self, snippet_id: int) -> SnippetRow | None:
        """One snippet by id, with its film and review url, or None."""
        rows = await self._snippets_by_ids([snippet_id])
        return rows[0] if rows else None

    async def releases(self, film_id: int) -> list[ReleaseRow]:
        """A film's release events, de-duplicated, by year, month, day (unknown parts last)."""
        rows = await self._conn.execute_fetchall(
            "SELECT id, film_id, region, year, month, day, event FROM releases"
            " WHERE film_id = ?"
            " ORDER BY year IS NULL, year, month IS NULL, month, day IS NULL, day,"
            " region IS NULL, region, event, id",
            (film_id,),
        )
        return [
            ReleaseRow(
                id=int(r[0]),
                film_id=int(r[1]),
                region=r[2],
                year=r[3],
                month=r[4],
                day=r[5],
                event=cast(EventKind, r[6]),
            )
            for r in rows
        ]

    async def recent_snippets(self, channel: str, limit: int) -> list[int]:
        """Ids of the snippets most recently shown in a channel, newest first (at most 50)."""
        if limit <= 0:
            return []
        rows = await self._conn.execute_fetchall(
            "SELECT snippet_id FROM channel_history WHERE channel = ? ORDER BY id DESC LIMIT ?",
            (channel, limit),
        )
        # Picks noted but not written yet are newer than anything in the table.
        pending = [sid for ch, sid in reversed(self._shown) if ch == channel]
        return (pending + [int(row[0]) for row in rows])[:limit]

    # -- picking --------------------------------------------------------------------------
    #
    # A pick is several small queries (the channel's recent ids, candidates, the chosen row,
    # the history insert). Each aiosqlite call is a round trip to its worker thread (~50-100
    # us of queueing and wake-ups, more under load), so the whole pick runs as ONE function
    # on that thread: see `_in_db_thread` and the `_pick_*` helpers at module level.

    async def pick_snippets(
        self, flt: SnippetFilter, *, exclude: Sequence[int], limit: int, rng: random.Random
    ) -> list[SnippetRow]:
        """Up to `limit` snippets matching `flt` and not in `exclude`, weighted by score.

        A film, critic or outlet filter selects a small set through an index, sampled exactly.
        Otherwise (or when the filtered set is huge) random rowid probes, drawn with `rng`,
        yield a uniform-ish sample that is then weighted by score: O(probes * log n).
        One round trip to the database thread.
        """
        excluded = frozenset(exclude)
        return await self._in_db_thread(
            lambda conn: _pick_rows(conn, flt, excluded, limit, rng)
        )

    async def candidates(
        self,
        flt: SnippetFilter,
        *,
        limit: int,
        rng: random.Random,
        draw_excluding: Iterable[int] | None = None,
        sampled: bool = False,
    ) -> Candidates:
        """What picks for `flt` may draw from, for a caller that picks in memory: (id,
        score) of every match when there are at most EXACT_CAP (complete), else of a
        uniform-ish sample of about `limit` drawn with `rng` (as `pick_snippets` draws it).
        With `draw_excluding`, one candidate not in it is also drawn by weight and its
        full row returned. `sampled`: the caller knows the matches are too many to hold
        (it is topping up a sample), so they are not counted again. One round trip, mostly
        from covering indexes."""
        excluded = None if draw_excluding is None else frozenset(draw_excluding)
        # A top-up is background work: the reader's thread, so picks never wait behind it.
        return await self._in_db_thread(
            lambda conn: _candidates(conn, flt, limit, rng, excluded, sampled),
            reader=sampled,
        )

    async def collection_version(self) -> int:
        """A number that changes whenever reviews are added, by this process or another
        (reviews are never removed or rewritten): lets caches notice an ingest."""
        rows = list(await self._conn.execute_fetchall("SELECT max(id) FROM reviews"))
        return int(rows[0][0] or 0) if rows else 0

    async def warm(self) -> int:
        """Read the films, the reviews' attributions and the pick indexes into the main
        connection's page cache (see `_WARM`), WARM_CHUNK entries per step so that picks
        interleave; returns how many entries were read."""
        total = 0
        for source, where, keys in _WARM:
            after: tuple[object, ...] | None = None
            while total < WARM_ENTRIES and not self._closed:
                count, after = await self._in_db_thread(
                    functools.partial(
                        _warm_step, source=source, where=where, keys=keys, after=after
                    )
                )
                total += count
                if after is None:
                    break
        return total

    async def _start_checkpointer(self) -> None:
        """Move WAL checkpoints off the request path (started by the first pick).

        Every pick writes a history row, and SQLite's automatic checkpoint runs inside the
        commit that crosses 1,000 WAL pages: every few hundred picks one of them paid ~5-10
        ms (copying pages back and syncing), which was most of the pick's p99. Instead a
        second connection checkpoints (PASSIVE: never blocks readers or writers) every
        CHECKPOINT_SECONDS in a worker thread; the automatic one stays as a backstop at
        WAL_BACKSTOP_PAGES."""
        self._checkpointing = True
        rows = list(await self._conn.execute_fetchall("PRAGMA database_list"))
        path = rows[0][2] if rows else None
        if path and not self._closed:  # not ":memory:" (no WAL there)
            self._checkpointer = asyncio.create_task(
                _checkpoint_loop(self._conn, str(path), self.prune_claims)
            )

    async def _in_db_thread(
        self, fn: Callable[[sqlite3.Connection], T], *, reader: bool = False
    ) -> T:
        """Run `fn` with the raw sqlite3 connection on aiosqlite's worker thread (the only
        thread that ever touches it), as one queued call; `reader`: the read-only one."""
        conn = self._reader if reader else self._conn
        result = await conn._execute(lambda: fn(conn._conn))  # type: ignore[no-untyped-call]
        return cast(T, result)

    async def _snippets_by_ids(self, ids: Sequence[int]) -> list[SnippetRow]:
        """Full rows for `ids`, in the order given (missing ids are skipped)."""
        if not ids:
            return []
        wanted = tuple(ids)
        return await self._in_db_thread(lambda conn: _rows_by_ids(conn, wanted))

    # -- search ---------------------------------------------------------------------------

    async def search(
        self, text: str, *, film_id: int | None = None, limit: int = 10
    ) -> list[SnippetRow]:
        """Full-text search over snippet text, critic, outlet and film title, best first.

        User text only ever becomes quoted literal terms (see `fts_query`). FTS5 finds the
        matches (all terms, in any column); the newest SEARCH_POOL of them are ranked here by
        a BM25-style term weight over the snippet text, times (1 + score). FTS5's own bm25()
        is not used: it scans every occurrence of each term to compute IDF, ~30 ms for a word
        found in a million snippets, whereas this stays bounded however common the words are.
        """
        terms = fts_query(text)
        if terms is None or limit <= 0:
            return []
        query = terms
        if film_id is not None:
            query = f'film_key : "f{int(film_id)}" AND ' + query
        pool = max(SEARCH_POOL, limit)
        words = frozenset(_fold(word) for word in search_terms(text))
        # Match, rank and fetch the winners in one round trip to the database thread.
        return await self._in_db_thread(
            lambda conn: _search(conn, query, pool, words, limit), reader=True
        )

    @property
    def schedules(self) -> SQLiteSchedules:
        """Daily-post schedules and claims over this connection (storage/schedules.py)."""
        return SQLiteSchedules(self._conn, self._write_lock)

    async def close(self) -> None:
        """Close the connection (safe to call twice)."""
        if not self._closed:
            if self._claimer is not None:
                await asyncio.gather(self._claimer, return_exceptions=True)
            if self._flusher is not None:
                self._flusher.cancel()
                await asyncio.gather(self._flusher, return_exceptions=True)
            try:
                await self.flush()
            except sqlite3.Error:
                log.exception("could not write pending channel picks and claims")
            self._closed = True
            if self._checkpointer is not None:
                self._checkpointer.cancel()
                await asyncio.gather(self._checkpointer, return_exceptions=True)
            if self._reader is not self._conn:
                await self._reader.close()
            await self._conn.close()


# -- picking, on the database thread ----------------------------------------------------------


def _probe_variants(flt: SnippetFilter) -> list[tuple[list[str], list[object]]]:
    """The filter as conjunctions of equalities, for probing: an outlet with other spellings
    becomes one variant per spelling. With `outlet_norm IN (...)` SQLite cannot seek to a
    random id within each outlet's index range and scanned instead: 25-35 ms for a big
    outlet at 100k reviews, against ~0.5 ms for two equality probes."""
    spellings = {normalise_outlet(o) for o in (flt.outlet, *flt.outlet_aliases)}
    outlets = sorted(o for o in spellings if o is not None)
    if len(outlets) <= 1:
        return [_filter_conds(flt)]
    base = SnippetFilter(flt.kinds, film_id=flt.film_id, critic=flt.critic)
    conds, params = _filter_conds(base)
    return [([*conds, "outlet_norm = ?"], [*params, outlet]) for outlet in outlets]


def _filter_conds(flt: SnippetFilter) -> tuple[list[str], list[object]]:
    conds: list[str] = []
    params: list[object] = []
    if flt.film_id is not None:
        conds.append("film_id = ?")
        params.append(flt.film_id)
    critic = normalise_critic(flt.critic)
    if critic is not None:
        conds.append("critic_norm = ?")
        params.append(critic)
    outlets = {normalise_outlet(o) for o in (flt.outlet, *flt.outlet_aliases)} - {None}
    if len(outlets) == 1:
        conds.append("outlet_norm = ?")
        params.extend(outlets)
    elif outlets:
        conds.append(f"outlet_norm IN ({_marks(len(outlets))})")
        params.extend(sorted(o for o in outlets if o is not None))
    return conds, params


def _kind_cond(kinds: Sequence[str]) -> str:
    """`kind = '…'` or `kind IN (…)` with the kinds written as literals: with a bound
    parameter SQLite cannot tell that the critic-quote indexes (0007), whose WHERE names
    the kind, hold every match."""
    unknown = set(kinds) - set(SNIPPET_KINDS)
    if unknown or not kinds:
        raise ValueError(f"not snippet kinds: {sorted(unknown) or 'none'}")
    if len(kinds) == 1:
        return f"kind = '{kinds[0]}'"
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _source(flt: SnippetFilter, kinds: Sequence[str]) -> str:
    """Where a filter's candidates are read from: a critic or outlet filter on critic
    quotes (with no film, whose own index is narrower) names its index from 0007, which
    SQLite, lacking statistics for it, would otherwise pass over for the kind index."""
    if tuple(kinds) == ("critic_quote",) and flt.film_id is None:
        if normalise_critic(flt.critic) is not None:
            return "snippets INDEXED BY snippets_quote_critic"
        if any(normalise_outlet(o) for o in (flt.outlet, *flt.outlet_aliases)):
            return "snippets INDEXED BY snippets_quote_outlet"
    return "snippets"


def _pick_rows(
    conn: sqlite3.Connection,
    flt: SnippetFilter,
    excluded: frozenset[int],
    limit: int,
    rng: random.Random,
) -> list[SnippetRow]:
    return _rows_by_ids(conn, _pick_ids(conn, flt, excluded, limit, rng))


def _pick_ids(
    conn: sqlite3.Connection,
    flt: SnippetFilter,
    excluded: frozenset[int],
    limit: int,
    rng: random.Random,
) -> list[int]:
    """Ids of up to `limit` snippets matching `flt`, not excluded, weighted by score."""
    kinds = tuple(dict.fromkeys(flt.kinds))
    if limit <= 0 or not kinds:
        return []
    conds, params = _filter_conds(flt)
    candidates = _all_if_few(conn, flt, kinds, conds, params) if conds else None
    if candidates is None:
        n_probes = min(max(8 * limit, MIN_PROBES), MAX_PROBES)
        candidates, _ = _probe_candidates(conn, kinds, flt, n_probes, rng)
    pool = [c for c in candidates if c[0] not in excluded] if excluded else candidates
    return weighted_sample(pool, limit, rng)


def _candidates(
    conn: sqlite3.Connection,
    flt: SnippetFilter,
    limit: int,
    rng: random.Random,
    excluded: frozenset[int] | None,
    sampled: bool,
) -> Candidates:
    kinds = tuple(dict.fromkeys(flt.kinds))
    if not kinds:
        return Candidates((), True)
    conds, params = _filter_conds(flt)
    few = _all_if_few(conn, flt, kinds, conds, params) if conds and not sampled else None
    if few is not None:
        found, complete = few, True
    else:
        found, complete = _probe_candidates(conn, kinds, flt, max(limit, 1), rng)
    pairs = tuple((int(i), float(score)) for i, score in found)
    drawn = None
    if excluded is not None:
        ids = weighted_sample([p for p in pairs if p[0] not in excluded], 1, rng)
        rows = _rows_by_ids(conn, ids)
        drawn = rows[0] if rows else None
    return Candidates(pairs, complete, drawn)


_TRIM_HISTORY = """
    DELETE FROM channel_history
    WHERE channel = ? AND id <= (SELECT id FROM channel_history WHERE channel = ?
                                 ORDER BY id DESC LIMIT 1 OFFSET ?)
"""


def _insert_claims(conn: sqlite3.Connection, *, keys: list[str]) -> list[bool]:
    """Claim `keys` in one transaction; for each, whether this was its first claim."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    conn.execute("BEGIN IMMEDIATE")
    try:
        won = [
            conn.execute(
                "INSERT OR IGNORE INTO claims (key, claimed_at) VALUES (?, ?)", (key, now)
            ).rowcount
            == 1
            for key in keys
        ]
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return won


def _write_behind(
    conn: sqlite3.Connection, shown: list[tuple[str, int]], claims: list[str]
) -> None:
    # One time for the batch, taken as it is written (within FLUSH_SECONDS of the picks):
    # formatting a time per row cost ~1.5 us a row, and nothing reads these to the second.
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "INSERT INTO channel_history (channel, snippet_id, shown_at) VALUES (?, ?, ?)",
            [(channel, snippet_id, now) for channel, snippet_id in shown],
        )
        # Trimmed once per channel and batch (a trigger did it per row: ~3 us each).
        for channel in {channel for channel, _ in shown}:
            conn.execute(_TRIM_HISTORY, (channel, channel, HISTORY_KEEP))
        conn.executemany(
            "INSERT OR IGNORE INTO claims (key, claimed_at) VALUES (?, ?)",
            [(key, now) for key in claims],
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _all_if_few(
    conn: sqlite3.Connection,
    flt: SnippetFilter,
    kinds: tuple[str, ...],
    conds: list[str],
    params: list[object],
) -> list[tuple[int, float]] | None:
    """(id, score) of every match of `flt` (as `conds`, `params`) when there are at most
    EXACT_CAP, else None.

    A film's filter (tens of matches) is fetched at once, one statement over one index
    leaf. Any other (a critic or an outlet: usually thousands at 100k reviews) is counted
    first, in C, stopping past the cap: fetching EXACT_CAP + 1 entries into Python only to
    drop them cost ~180 us per cold filter against ~35 us to count."""
    source = _source(flt, kinds)
    where = " AND ".join([*conds, _kind_cond(kinds)])
    likely_few = flt.film_id is not None
    if not likely_few and _count_upto(conn, source, where, params, EXACT_CAP + 1) > EXACT_CAP:
        return None
    found = _exact_candidates(conn, source, where, params, EXACT_CAP + 1)
    return found if len(found) <= EXACT_CAP else None


def _count_upto(
    conn: sqlite3.Connection, source: str, where: str, params: list[object], cap: int
) -> int:
    """How many snippets match `where`, counting no further than `cap`."""
    row = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT ?)", (*params, cap)
    ).fetchone()
    return int(row[0])


def _exact_candidates(
    conn: sqlite3.Connection, source: str, where: str, params: list[object], cap: int
) -> list[tuple[int, float]]:
    """(id, score) of every snippet matching `where`, up to `cap` (covering indexes)."""
    return conn.execute(
        f"SELECT id, score FROM {source} WHERE {where} LIMIT ?", (*params, cap)
    ).fetchall()


def _probe_candidates(
    conn: sqlite3.Connection,
    kinds: tuple[str, ...],
    flt: SnippetFilter,
    n_probes: int,
    rng: random.Random,
) -> tuple[list[tuple[int, float]], bool]:
    """A uniform-ish sample of about `n_probes` (id, score) matching the filter, and
    whether it is in fact every match.

    With one kind (or a filter), each kind is probed through its (filter, kind, id, score)
    index. Several kinds without a filter walk the rowid order instead, which keeps the
    kinds in proportion. When the matching id range turns out small, every matching row is
    fetched instead (exact).
    """
    variants = _probe_variants(flt)
    conds = variants[0][0]
    if conds or len(kinds) == 1:
        sets = [
            ([*v_conds, _kind_cond((kind,))], v_params, _source(flt, (kind,)))
            for v_conds, v_params in variants
            for kind in kinds
        ]
        # Each (spelling, kind) range gets an equal share: a rarely used spelling is
        # over-represented in the sample, which the score weighting then works from.
        share = max(n_probes // len(sets), PROBE_WINDOW)
    else:
        sets = [(["+" + _kind_cond(kinds)], [], "snippets")]
        share = n_probes
    found: dict[int, float] = {}
    small = True
    for set_conds, set_params, source in sets:
        rows, lo, hi = _probe(conn, source, " AND ".join(set_conds), set_params, share, rng)
        small = small and hi - lo + 1 <= EXACT_CAP
        found.update(rows)
    if small and not conds:
        return _exact_candidates(conn, "snippets", _kind_cond(kinds), [], EXACT_CAP + 1), True
    return sorted(found.items()), False


def _probe(
    conn: sqlite3.Connection,
    source: str,
    where: str,
    params: list[object],
    n_probes: int,
    rng: random.Random,
) -> tuple[dict[int, float], int, int]:
    """Probe one index range: {id: score} of about `n_probes` matches, and the range's
    (min id, max id).

    The matches come in windows of PROBE_WINDOW consecutive entries, each starting at the
    first match at or after a random id (fractions from `rng`), wrapping around past the
    last match. A row is in a window when one of the PROBE_WINDOW matches up to it is a
    window's start: its chance is the id span of those PROBE_WINDOW gaps, so it is spread
    over several gaps rather than set by the single gap before it, as one-row probes were.
    One statement: the bounds are two seeks, each window one seek and a short scan."""
    windows = max(1, -(-n_probes // PROBE_WINDOW))
    fractions = [rng.random() for _ in range(windows)]
    sql = (
        "WITH b(lo, hi) AS MATERIALIZED ("
        f"  SELECT (SELECT min(id) FROM {source} WHERE {where}),"
        f"         (SELECT max(id) FROM {source} WHERE {where}))"
        " SELECT -1, lo, hi FROM b"
        + "".join(
            f" UNION ALL SELECT {n}, * FROM (SELECT id, score FROM {source} WHERE {where}"
            "  AND id >= (SELECT lo + CAST(? * (b.hi - b.lo + 1) AS INTEGER) FROM b)"
            f"  ORDER BY id LIMIT {PROBE_WINDOW})"
            for n in range(windows)
        )
    )
    args: list[object] = [*params, *params]
    for fraction in fractions:
        args += [*params, fraction]
    rows = conn.execute(sql, args).fetchall()
    bounds = [r for r in rows if r[0] < 0]
    if not bounds or bounds[0][1] is None:
        return {}, 0, -1
    lo, hi = int(bounds[0][1]), int(bounds[0][2])
    found: dict[int, float] = {}
    per_window = [0] * windows
    for n, id_, score in rows:
        if n >= 0:
            found[int(id_)] = float(score)
            per_window[n] += 1
    short = PROBE_WINDOW - min(per_window)
    if short:
        # Wrap around: a window cut short by the last match continues at the first one.
        for id_, score in conn.execute(
            f"SELECT id, score FROM {source} WHERE {where} ORDER BY id LIMIT ?",
            (*params, short),
        ):
            found[int(id_)] = float(score)
    return found, lo, hi


def _warm_step(
    conn: sqlite3.Connection,
    source: str,
    where: str,
    keys: tuple[str, ...],
    after: tuple[object, ...] | None,
) -> tuple[int, tuple[object, ...] | None]:
    """Walk up to WARM_CHUNK entries of `source` past the key `after`, which reads their
    pages into the cache (in C: OFFSET skips entries without making rows). How many there
    were, and the key reached (None at the end)."""
    columns = ", ".join(keys)
    cond = where
    params: tuple[object, ...] = ()
    if after is not None:
        cond = f"{where} AND ({columns}) > ({_marks(len(keys))})"
        params = after
    row = conn.execute(
        f"SELECT {columns} FROM {source} WHERE {cond}"
        f" ORDER BY {columns} LIMIT 1 OFFSET {WARM_CHUNK - 1}",
        params,
    ).fetchone()
    if row is not None:
        return WARM_CHUNK, tuple(row)
    # Fewer than a chunk left, their pages now cached: count them.
    left = conn.execute(f"SELECT count(*) FROM {source} WHERE {cond}", params).fetchone()
    return int(left[0]), None


def _rows_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> list[SnippetRow]:
    """Full rows for `ids`, in the order given (missing ids are skipped)."""
    if not ids:
        return []
    rows = conn.execute(
        f"SELECT {_SNIPPET_COLUMNS} FROM snippets AS s {_SNIPPET_JOINS}"
        f" WHERE s.id IN ({_marks(len(ids))})",
        tuple(ids),
    ).fetchall()
    by_id = {int(row[0]): _snippet_row(row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


CHECKPOINT_SECONDS = 1.0
WAL_BACKSTOP_PAGES = 20_000


async def _checkpoint_loop(
    main: aiosqlite.Connection, path: str, prune: Callable[[], Awaitable[int]]
) -> None:
    """Checkpoint the WAL from a second connection, off the event loop, until cancelled;
    and `prune` old claims at start and every PRUNE_SECONDS."""
    await main.execute(f"PRAGMA wal_autocheckpoint = {WAL_BACKSTOP_PAGES}")
    loop = asyncio.get_running_loop()
    prune_at = loop.time()
    conn = await asyncio.to_thread(
        sqlite3.connect, path, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            if loop.time() >= prune_at:
                prune_at = loop.time() + PRUNE_SECONDS
                try:
                    if removed := await prune():
                        log.info("pruned %d claims older than %d days", removed, CLAIM_DAYS)
                except sqlite3.Error:
                    log.warning("could not prune old claims", exc_info=True)
            try:
                await asyncio.to_thread(_checkpoint, conn)
            except sqlite3.Error:
                continue  # e.g. locked by a backup; the next round (or the backstop) catches up
    finally:
        conn.close()


def _checkpoint(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


async def _enable_wal(conn: aiosqlite.Connection) -> None:
    """Switch to WAL, retrying while another connection holds a lock: unlike other
    statements, the journal-mode change can fail with "database is locked" without waiting
    on busy_timeout (seen when several processes open a new database at once)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if loop.time() >= deadline:
                raise
            await asyncio.sleep(0.01)


async def _open_reader(target: str) -> aiosqlite.Connection:
    """A second connection to the database at `target` that may only read."""
    reader = await aiosqlite.connect(target, isolation_level=None)
    try:
        await reader.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await reader.execute("PRAGMA query_only = ON")
        await reader.execute(f"PRAGMA cache_size = -{READER_CACHE_KIB}")
    except BaseException:
        await reader.close()
        raise
    return reader


def _prepare_path(path: Path | str) -> str:
    """The path to connect to, with its parent directory created (":memory:" as is)."""
    if str(path) == ":memory:":
        return ":memory:"
    file = Path(path).expanduser()
    file.parent.mkdir(parents=True, exist_ok=True)
    return str(file)


def _fold(word: str) -> str:
    """Case- and accent-fold a word the way the FTS tokenizer does (approximately)."""
    folded = word.casefold()
    if folded.isascii():
        return folded
    return _COMBINING.sub("", unicodedata.normalize("NFKD", folded))


def _search(
    conn: sqlite3.Connection, query: str, pool: int, words: frozenset[str], limit: int
) -> list[SnippetRow]:
    """The best `limit` of the newest `pool` FTS matches of `query` (see SQLiteStore.search)."""
    rows = conn.execute(
        # rowid order lets FTS5 stop after `pool` matches.
        "WITH hits(id) AS MATERIALIZED ("
        "  SELECT rowid FROM snippets_fts WHERE snippets_fts MATCH ?"
        "  ORDER BY rowid DESC LIMIT ?)"
        " SELECT s.id, s.text, s.score FROM hits JOIN snippets AS s ON s.id = hits.id",
        (query, pool),
    ).fetchall()
    relevance = _relevance_of(words)
    ranked = sorted(
        ((relevance(body) * (1.0 + max(sc, 0.0)), sc, sid) for sid, body, sc in rows),
        reverse=True,
    )
    return _rows_by_ids(conn, [i for _, _, i in ranked[:limit]])


def _relevance_of(words: frozenset[str]) -> Callable[[str], float]:
    """BM25 term-frequency part (no IDF: every hit holds every term) of `words` in a text.

    Ranking scores up to SEARCH_POOL texts per search, so this avoids tokenising each one
    into a list (~4 us a text): one regex finds just the search words (as whole tokens), and
    the text's length in tokens is taken as its whitespace-separated word count."""
    if not words:
        return lambda text: 0.0
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    if all(_WORD.fullmatch(w) for w in words):
        # Words of word characters only: \b there means the same as the lookarounds and
        # matches ~1.5x faster (this runs on up to SEARCH_POOL texts per search).
        pattern = re.compile(rf"\b(?:{alternatives})\b")
    else:
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

    def relevance(text: str) -> float:
        folded = _fold(text)
        length = len(folded.split())
        if not length:
            return 0.0
        hits = pattern.findall(folded)
        if not hits:
            return 0.0
        norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * length / _AVG_TOKENS)
        if len(hits) == 1:
            return (_BM25_K1 + 1) / (1 + norm)
        total = 0.0
        for word in set(hits):
            tf = hits.count(word)
            total += tf * (_BM25_K1 + 1) / (tf + norm)
        return total

    return relevance


def _marks(n: int) -> str:
    return ", ".join("?" for _ in range(n))


def _json_list(items: Iterable[str]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _load_list(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    value = json.loads(text)
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _film_row(row: Any) -> FilmRow:
    return FilmRow(
        id=int(row[0]),
        title=str(row[1]),
        year=row[2],
        director=row[3],
        cast=_load_list(row[4]),
        aliases=_load_list(row[5]),
    )


def _snippet_row(row: Any) -> SnippetRow:
    return SnippetRow(
        id=int(row[0]),
        review_id=int(row[1]),
        film_id=int(row[2]),
        film_title=str(row[3]),
        film_year=row[4],
        kind=cast(SnippetKind, row[5]),
        text=str(row[6]),
        start=int(row[7]),
        end=int(row[8]),
        critic=row[9],
        outlet=row[10],
        score=float(row[11]),
        spoiler=bool(row[12]),
        url=row[13],
        review_outlet=row[14],
        review_critic=row[15],
    )
