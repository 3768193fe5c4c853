"""Tests for the SQLite store: migrations, transactions, film matching, picking, search."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import aiosqlite
import pytest

import storage.sqlite
from storage.migrate import apply_migrations, load_migrations, split_statements
from storage.paths import default_db_path
from storage.protocol import Store
from storage.records import (
    NewFilm,
    NewRelease,
    NewReview,
    NewSnippet,
    SnippetFilter,
    SnippetKind,
    StoreCounts,
)
from storage.sqlite import (
    EXACT_CAP,
    HISTORY_KEEP,
    SQLiteStore,
    fts_query,
    normalise_outlet,
    normalise_title,
)

ALL_KINDS: tuple[SnippetKind, ...] = ("excerpt", "critic_quote", "dialogue")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = await SQLiteStore.open(tmp_path / "db" / "test.db")
    try:
        yield s
    finally:
        await s.close()


_hash_counter = 0


def review(
    title: str = "Her",
    year: int | None = 2013,
    *,
    snippets: tuple[NewSnippet, ...] = (),
    releases: tuple[NewRelease, ...] = (),
    content_hash: str | None = None,
    outlet: str | None = "The Verge",
    critic: str | None = "Bryan Bishop",
    director: str | None = None,
    cast: tuple[str, ...] = (),
    url: str | None = "https://example.org/review",
) -> NewReview:
    global _hash_counter
    _hash_counter += 1
    return NewReview(
        film=NewFilm(title=title, year=year, director=director, cast=cast),
        text="Full review text.",
        content_hash=content_hash or f"hash-{_hash_counter}",
        outlet=outlet,
        critic=critic,
        url=url,
        snippets=snippets,
        releases=releases,
    )


def snip(
    text: str,
    kind: SnippetKind = "excerpt",
    *,
    score: float = 0.5,
    critic: str | None = None,
    outlet: str | None = None,
) -> NewSnippet:
    return NewSnippet(
        kind=kind, text=text, start=0, end=len(text), critic=critic, outlet=outlet, score=score
    )


# -- opening and migrations ------------------------------------------------------------------


def test_store_satisfies_protocol() -> None:
    # A static check really (mypy), but also fails at runtime if a method goes missing.
    for name in Store.__dict__:
        if not name.startswith("_"):
            assert callable(getattr(SQLiteStore, name)), name


async def test_open_creates_parent_dir_and_records_migrations(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "pullquote.db"
    store = await SQLiteStore.open(path)
    await store.close()
    assert path.is_file()
    files = load_migrations()
    assert files[0].version == 1
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT version, name, applied_at FROM schema_migrations").fetchall()
    assert [(v, n) for v, n, _ in rows] == [(m.version, m.name) for m in files]
    assert all(applied_at for _, _, applied_at in rows)

    # Reopening applies nothing twice and keeps the original records.
    store = await SQLiteStore.open(path)
    await store.close()
    with closing(sqlite3.connect(path)) as conn:
        again = conn.execute("SELECT version, name, applied_at FROM schema_migrations").fetchall()
    assert again == rows


async def test_pragmas(store: SQLiteStore) -> None:
    assert str(await store.pragma("journal_mode")).lower() == "wal"
    assert await store.pragma("foreign_keys") == 1
    assert await store.pragma("busy_timeout") == 5000
    assert await store.pragma("synchronous") == 1  # NORMAL
    with pytest.raises(ValueError):
        await store.pragma("journal_mode; DROP TABLE films")


async def test_memory_database_works() -> None:
    async with await SQLiteStore.open(":memory:") as store:
        await store.add_reviews([review(snippets=(snip("In memory."),))])
        assert (await store.counts()).snippets == 1


async def test_concurrent_opens_apply_each_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "race.db"
    stores = await asyncio.gather(*(SQLiteStore.open(path) for _ in range(6)))
    try:
        await stores[0].add_reviews([review(snippets=(snip("Seen by all."),))])
        for s in stores:
            assert (await s.counts()).snippets == 1
    finally:
        for s in stores:
            await s.close()
    with closing(sqlite3.connect(path)) as conn:
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations")]
    assert versions == [m.version for m in load_migrations()]


async def test_concurrent_migrators_report_each_version_once(tmp_path: Path) -> None:
    path = tmp_path / "race2.db"
    conns = [await aiosqlite.connect(path, isolation_level=None) for _ in range(4)]
    try:
        for conn in conns:
            await conn.execute("PRAGMA busy_timeout = 5000")
        applied = await asyncio.gather(*(apply_migrations(c) for c in conns))
    finally:
        for conn in conns:
            await conn.close()
    flat = [v for versions in applied for v in versions]
    assert sorted(flat) == [m.version for m in load_migrations()]


def test_split_statements_keeps_trigger_bodies_and_quoted_semicolons() -> None:
    sql = """
    -- a comment; with a semicolon
    CREATE TABLE t (x TEXT DEFAULT 'a;b');
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        INSERT INTO t VALUES ('c'); DELETE FROM t WHERE x = 'd';
    END;
    """
    parts = split_statements(sql)
    assert len(parts) == 2
    assert "'a;b'" in parts[0]
    assert parts[1].rstrip().endswith("END;")
    with pytest.raises(ValueError):
        split_statements("CREATE TABLE u (x")


def test_default_db_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PULLQUOTE_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("PULLQUOTE_DB")
    path = default_db_path()
    assert path.name == "pullquote.db"
    assert path.parent.name == "pullquote"


# -- adding ----------------------------------------------------------------------------------


async def test_add_twice_adds_nothing(store: SQLiteStore) -> None:
    r = review(
        snippets=(snip("One."), snip("Two.", "critic_quote")),
        releases=(NewRelease("US", 2013, 12, 18, "theatrical"),),
    )
    first = await store.add_reviews([r])
    assert first[0].review_added and first[0].film_added
    assert (first[0].snippets_added, first[0].releases_added) == (2, 1)
    second = await store.add_reviews([r])
    assert not second[0].review_added and not second[0].film_added
    assert (second[0].snippets_added, second[0].releases_added) == (0, 0)
    assert await store.counts() == StoreCounts(films=1, reviews=1, snippets=2, releases=1)


async def test_duplicate_inside_one_batch_adds_once(store: SQLiteStore) -> None:
    r = review(snippets=(snip("Once."),))
    outcomes = await store.add_reviews([r, r])
    assert [o.review_added for o in outcomes] == [True, False]
    assert (await store.counts()).snippets == 1


async def test_failing_review_rolls_back_whole_batch(store: SQLiteStore) -> None:
    await store.add_reviews([review("Before", snippets=(snip("Kept."),))])
    before = await store.counts()
    bad = NewSnippet(kind="monologue", text="x", start=0, end=1)  # type: ignore[arg-type]
    batch = [
        review("Good film", snippets=(snip("Good."),)),
        review("Bad film", snippets=(bad,)),
    ]
    with pytest.raises(sqlite3.IntegrityError):
        await store.add_reviews(batch)
    assert await store.counts() == before
    assert [f.title for f in await store.films()] == ["Before"]
    # The connection is usable afterwards (no transaction left open).
    outcomes = await store.add_reviews([batch[0]])
    assert outcomes[0].review_added
    assert (await store.counts()).films == 2


async def test_film_matching_and_fill_in(store: SQLiteStore) -> None:
    (a,) = await store.add_reviews([review("Her", 2013)])
    (b,) = await store.add_reviews(
        [review("  HER  ", 2013, director="Spike Jonze", cast=("Joaquin Phoenix",))]
    )
    (c,) = await store.add_reviews([review("Her", None)])
    (d,) = await store.add_reviews([review("her", 2013, director="Someone Else", cast=("X",))])
    assert (a.film_added, b.film_added, c.film_added, d.film_added) == (True, False, True, False)
    films = await store.films()
    assert len(films) == 2
    her2013 = next(f for f in films if f.year == 2013)
    assert her2013.title == "Her"
    # Filled in from the second review, never overwritten by the fourth.
    assert her2013.director == "Spike Jonze"
    assert her2013.cast == ("Joaquin Phoenix",)
    assert await store.film(her2013.id) == her2013
    assert await store.film(9999) is None


def test_normalisers() -> None:
    assert normalise_title("  The   Third\tMan ") == "the third man"
    assert normalise_title("STRASSE") == normalise_title("straße")
    assert normalise_outlet("The Verge") == normalise_outlet("verge") == "verge"
    assert normalise_outlet("Theatre Weekly") == "theatre weekly"
    assert normalise_outlet("   ") is None


async def test_film_stats(store: SQLiteStore) -> None:
    await store.add_reviews(
        [
            review(
                outlet="The Verge",
                snippets=(
                    snip("E1."),
                    snip("E2."),
                    snip("Q1.", "critic_quote", outlet="LA Times"),
                    snip("D1.", "dialogue"),
                ),
            ),
            review(outlet="the verge", snippets=(snip("Q2.", "critic_quote", outlet="Variety"),)),
        ]
    )
    (film,) = await store.films()
    stats = await store.film_stats(film.id)
    assert (stats.reviews, stats.critic_quotes, stats.excerpts) == (2, 2, 2)
    assert stats.outlets == ("LA Times", "The Verge", "Variety")
    empty = await store.film_stats(12345)
    assert (empty.reviews, empty.outlets) == (0, ())


# -- picking ---------------------------------------------------------------------------------


async def test_pick_respects_filters_and_exclude(store: SQLiteStore) -> None:
    await store.add_reviews(
        [
            review(
                "Her",
                2013,
                outlet="The Verge",
                critic="Bryan Bishop",
                snippets=(
                    snip("her excerpt"),
                    snip("her quote la", "critic_quote", critic="Kenneth Turan", outlet="LA Times"),
                    snip("her quote nyt", "critic_quote", critic="A. O. Scott", outlet="NYT"),
                    snip("her dialogue", "dialogue"),
                ),
            ),
            review(
                "Vertigo",
                1958,
                outlet="Variety",
                critic="Someone",
                snippets=(snip("vertigo excerpt"), snip("vertigo q", "critic_quote")),
            ),
        ]
    )
    her = next(f for f in await store.films() if f.title == "Her")
    rng = random.Random(7)

    quotes = await store.pick_snippets(
        SnippetFilter(("critic_quote",), film_id=her.id), exclude=[], limit=10, rng=rng
    )
    assert {r.text for r in quotes} == {"her quote la", "her quote nyt"}
    assert all(r.film_title == "Her" and r.film_year == 2013 for r in quotes)
    assert all(r.url == "https://example.org/review" for r in quotes)

    la = await store.pick_snippets(
        SnippetFilter(("critic_quote",), outlet="the la times"), exclude=[], limit=10, rng=rng
    )
    assert [r.text for r in la] == ["her quote la"]
    turan = await store.pick_snippets(
        SnippetFilter(ALL_KINDS, critic="KENNETH  turan"), exclude=[], limit=10, rng=rng
    )
    assert [r.text for r in turan] == ["her quote la"]
    # Excerpts are attributed to their review's critic and outlet.
    verge = await store.pick_snippets(
        SnippetFilter(("excerpt",), outlet="Verge"), exclude=[], limit=10, rng=rng
    )
    assert [(r.text, r.critic) for r in verge] == [("her excerpt", "Bryan Bishop")]

    every = await store.pick_snippets(SnippetFilter(ALL_KINDS), exclude=[], limit=10, rng=rng)
    assert len(every) == 6 and len({r.id for r in every}) == 6
    excluded = {r.id for r in every if r.kind == "excerpt"}
    rest = await store.pick_snippets(
        SnippetFilter(ALL_KINDS), exclude=list(excluded), limit=10, rng=rng
    )
    assert {r.id for r in rest} == {r.id for r in every} - excluded
    assert await store.pick_snippets(
        SnippetFilter(("dialogue",), film_id=her.id + 100), exclude=[], limit=5, rng=rng
    ) == []
    assert await store.pick_snippets(SnippetFilter(()), exclude=[], limit=5, rng=rng) == []
    limited = await store.pick_snippets(SnippetFilter(ALL_KINDS), exclude=[], limit=2, rng=rng)
    assert len(limited) == 2


async def test_pick_prefers_high_scores_and_is_deterministic(store: SQLiteStore) -> None:
    await store.add_reviews(
        [
            review(
                snippets=(
                    snip("high", "critic_quote", score=0.9),
                    snip("low", "critic_quote", score=0.1),
                )
            )
        ]
    )
    (film,) = await store.films()
    flt = SnippetFilter(("critic_quote",), film_id=film.id)
    rng = random.Random(2024)
    wins: Counter[str] = Counter()
    for _ in range(2000):
        (row,) = await store.pick_snippets(flt, exclude=[], limit=1, rng=rng)
        wins[row.text] += 1
    # Weights 0.95 vs 0.15: expected share of "high" is ~86%.
    assert wins["high"] > 3 * wins["low"] > 0

    first = await store.pick_snippets(flt, exclude=[], limit=2, rng=random.Random(5))
    second = await store.pick_snippets(flt, exclude=[], limit=2, rng=random.Random(5))
    assert [r.id for r in first] == [r.id for r in second]


async def test_pick_over_large_table_uses_probes_fairly(store: SQLiteStore) -> None:
    # More rows than EXACT_CAP, so unfiltered picks take the random-probe path.
    n = EXACT_CAP + 2000
    snippets = tuple(
        snip(f"s{i}", "excerpt" if i % 2 else "critic_quote", score=0.9 if i % 4 < 2 else 0.1)
        for i in range(n)
    )
    await store.add_reviews([review(snippets=snippets)])
    rng = random.Random(11)
    seen: set[int] = set()
    high = 0
    picks = 400
    for _ in range(picks):
        rows = await store.pick_snippets(
            SnippetFilter(("excerpt",)), exclude=[], limit=3, rng=rng
        )
        assert len(rows) == 3 and len({r.id for r in rows}) == 3
        assert all(r.kind == "excerpt" for r in rows)
        seen.update(r.id for r in rows)
        high += rows[0].score == 0.9
    assert len(seen) > 500  # spread over the table, not stuck on a few rows
    assert high / picks > 0.7  # expected ~0.86 with weights 0.95 vs 0.15

    # Several kinds at once walk the rowid order instead; exclude still applies.
    first = await store.pick_snippets(SnippetFilter(ALL_KINDS), exclude=[], limit=5, rng=rng)
    assert len(first) == 5
    again = await store.pick_snippets(
        SnippetFilter(ALL_KINDS), exclude=[r.id for r in first], limit=50, rng=random.Random(1)
    )
    assert len(again) == 50
    assert not {r.id for r in again} & {r.id for r in first}


# -- search ----------------------------------------------------------------------------------


async def test_search_ranks_and_filters(store: SQLiteStore) -> None:
    await store.add_reviews(
        [
            review(
                "Her",
                2013,
                snippets=(
                    snip("A tender story of love and loneliness.", score=0.2),
                    snip("Love, love, love: a film about love.", score=0.2),
                    snip("Nothing relevant here.", score=0.9),
                    snip("Same words about the operating system.", score=0.1),
                    snip("Same words about the operating system.", score=0.9),
                ),
            ),
            review("Vertigo", 1958, snippets=(snip("Obsession and love in San Francisco."),)),
        ]
    )
    hits = await store.search("love")
    assert len(hits) == 3
    assert hits[0].text == "Love, love, love: a film about love."
    # Terms are ANDed, case-insensitively.
    assert [h.text for h in await store.search("LOVE tender")] == [
        "A tender story of love and loneliness."
    ]
    # Equal relevance: the better-scored snippet comes first.
    os_hits = await store.search("operating system")
    assert [h.score for h in os_hits] == [0.9, 0.1]
    # Film title is searchable; a film filter restricts results.
    assert {h.film_title for h in await store.search("vertigo")} == {"Vertigo"}
    her = next(f for f in await store.films() if f.title == "Her")
    assert {h.film_title for h in await store.search("love", film_id=her.id)} == {"Her"}
    assert await store.search("love", film_id=her.id + 50) == []
    assert len(await store.search("love", limit=1)) == 1


async def test_search_folds_diacritics(store: SQLiteStore) -> None:
    await store.add_reviews([review(snippets=(snip("A café of the heart."),))])
    assert len(await store.search("cafe")) == 1
    assert len(await store.search("CAFÉ")) == 1


@pytest.mark.parametrize(
    "text",
    [
        '"',
        "'",
        "AND OR NOT",
        "*",
        "col:foo",
        "text:love",
        "NEAR(",
        "NEAR(love film, 3)",
        "love*",
        "^love",
        "{text}: love",
        "a" * 10_000,
        "love " * 5_000,
        "🎬🍿",
        "",
        "   ",
        '"love" AND "',
        "-love",
        "love + film",
        "\x00",
    ],
)
async def test_search_never_raises(store: SQLiteStore, text: str) -> None:
    await store.add_reviews([review(snippets=(snip("NEAR love and film, a col of foo text 3."),))])
    hits = await store.search(text)
    assert isinstance(hits, list)
    # Operators become plain words: every word here is in the snippet, so it still matches.
    if "love" in text.lower():
        assert hits, text


def test_fts_query() -> None:
    assert fts_query("🎬 !!") is None
    assert fts_query('say "hi" NEAR(x)') == '"say" "hi" "NEAR" "x"'
    many = fts_query(" ".join(f"w{i}" for i in range(40)))
    assert many is not None and many.count('"') == 24  # capped at 12 terms
    assert fts_query("love LOVE love") == '"love" "LOVE"'


async def test_search_index_follows_title_changes(store: SQLiteStore) -> None:
    await store.add_reviews([review("Old Title", snippets=(snip("Some words."),))])
    assert len(await store.search("old")) == 1
    await store._conn.execute("UPDATE films SET title = 'New Name'")
    assert await store.search("old") == []
    assert len(await store.search("new name")) == 1
    await store._conn.execute("DELETE FROM snippets")
    assert await store.search("words") == []
    check = await store._conn.execute_fetchall(
        "INSERT INTO snippets_fts (snippets_fts, rank) VALUES ('integrity-check', 1)"
    )
    assert list(check) == []


# -- releases and history --------------------------------------------------------------------


async def test_releases_dedup_and_order(store: SQLiteStore) -> None:
    uk = NewRelease("GB", 2014, 2, 14, "theatrical")
    us = NewRelease("US", 2014, 1, 10, "theatrical")
    fest = NewRelease(None, 2013, 10, 12, "festival")
    vague = NewRelease("US", 2014, None, None, "home_media")
    unknown = NewRelease(None, None, None, None, "other")
    (first,) = await store.add_reviews([review(releases=(uk, unknown, us, uk))])
    assert first.releases_added == 3
    (second,) = await store.add_reviews([review(releases=(vague, fest, us, unknown))])
    assert second.releases_added == 2
    (film,) = await store.films()
    rows = await store.releases(film.id)
    assert [(r.region, r.year, r.month, r.day, r.event) for r in rows] == [
        (None, 2013, 10, 12, "festival"),
        ("US", 2014, 1, 10, "theatrical"),
        ("GB", 2014, 2, 14, "theatrical"),
        ("US", 2014, None, None, "home_media"),
        (None, None, None, None, "other"),
    ]
    assert await store.releases(film.id + 1) == []


async def test_channel_history_is_bounded(store: SQLiteStore) -> None:
    for i in range(HISTORY_KEEP + 15):
        await store.remember_shown("chan-a", i)
    await store.remember_shown("chan-b", 999)
    recent = await store.recent_snippets("chan-a", 100)
    assert recent == list(range(HISTORY_KEEP + 14, 14, -1))
    assert await store.recent_snippets("chan-a", 3) == [64, 63, 62]
    assert await store.recent_snippets("chan-b", 10) == [999]
    assert await store.recent_snippets("nobody", 10) == []
    rows = await store._conn.execute_fetchall("SELECT count(*) FROM channel_history")
    assert next(iter(rows))[0] == HISTORY_KEEP + 1
    # Picks written behind in one batch are trimmed the same way.
    for i in range(100, 100 + HISTORY_KEEP + 30):
        store.note_shown("chan-c", i)
    await store.flush()
    assert await store.recent_snippets("chan-c", 100) == list(
        range(100 + HISTORY_KEEP + 29, 129, -1)
    )
    rows = await store._conn.execute_fetchall("SELECT count(*) FROM channel_history")
    assert next(iter(rows))[0] == 2 * HISTORY_KEEP + 1


async def test_snippet_by_id(store: SQLiteStore) -> None:
    await store.add_reviews([review(snippets=(snip("Find me.", score=0.7),))])
    (row,) = await store.search("find")
    assert await store.snippet(row.id) == row
    assert row.score == 0.7 and row.start == 0 and row.end == len("Find me.")
    assert await store.snippet(row.id + 1000) is None


async def test_old_claims_are_pruned(tmp_path: Path) -> None:
    # One claim is written per Slack delivery: they are kept for CLAIM_DAYS, then pruned.
    path = tmp_path / "prune.db"
    s = await SQLiteStore.open(path)
    try:
        for key in ("old-1", "old-2", "recent"):
            assert await s.claim(key) is True
        with closing(sqlite3.connect(path)) as raw:
            raw.execute(
                "UPDATE claims SET claimed_at = '2020-01-01T00:00:00.000+00:00'"
                " WHERE key LIKE 'old-%'"
            )
            raw.commit()
        assert await s.prune_claims() == 2
        assert await s.prune_claims() == 0
        assert await s.claim("old-1") is True  # pruned, so it can be claimed afresh
        assert await s.claim("recent") is False
    finally:
        await s.close()


async def test_search_and_top_ups_read_on_their_own_connection(tmp_path: Path) -> None:
    # Searches and pool top-ups run on a second, read-only connection (its own thread):
    # it must see each write the moment it is committed, and close with the store.
    await asyncio.to_thread(int)  # the loop's default executor thread, which open() uses
    before = threading.active_count()
    s = await SQLiteStore.open(tmp_path / "r.db")
    try:
        assert threading.active_count() == before + 2  # the writer's thread and the reader's
        assert await s.search("lighthouse") == []
        await s.add_reviews([review(snippets=(snip("A lighthouse keeper's long night."),))])
        assert [h.text for h in await s.search("lighthouse")] == [
            "A lighthouse keeper's long night."
        ]
        flt = SnippetFilter(("excerpt",), critic="Bryan Bishop")
        found = await s.candidates(flt, limit=8, rng=random.Random(1), sampled=True)
        assert [i for i, _ in found.pairs] == [h.id for h in await s.search("lighthouse")]
    finally:
        await s.close()
    for _ in range(100):  # aiosqlite's threads end just after close returns
        if threading.active_count() == before:
            break
        await asyncio.sleep(0.01)
    assert threading.active_count() == before


async def test_warm_reads_every_pick_entry_once_in_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `warm` walks the films, the attributions and the pick indexes a few entries a step,
    # each step going on after the last key of the one before: with steps of 3 and keys
    # shared across step boundaries (one critic, one outlet), nothing may be skipped or
    # read twice, and picks still work afterwards.
    monkeypatch.setattr(storage.sqlite, "WARM_CHUNK", 3)
    path = tmp_path / "w.db"
    s = await SQLiteStore.open(path)
    try:
        await s.add_reviews(
            [
                review(
                    f"Film {n}",
                    2000 + n,
                    snippets=(
                        snip(f"excerpt {n}"),
                        snip(f"quote {n}", "critic_quote", critic="Ann Lee", outlet="NYT"),
                        snip(f"line {n}", "critic_quote", critic="Ann Lee"),
                    ),
                )
                for n in range(7)
            ]
        )
        with closing(sqlite3.connect(path)) as conn:
            expected = sum(
                conn.execute(sql).fetchone()[0]
                for sql in (
                    "SELECT count(*) FROM films",
                    "SELECT count(*) FROM reviews",
                    "SELECT count(*) FROM snippets"
                    " WHERE kind = 'critic_quote' AND critic_norm IS NOT NULL",
                    "SELECT count(*) FROM snippets"
                    " WHERE kind = 'critic_quote' AND outlet_norm IS NOT NULL",
                    "SELECT count(*) FROM snippets",
                )
            )
        assert expected == 7 + 7 + 14 + 7 + 21
        assert await s.warm() == expected
        monkeypatch.setattr(storage.sqlite, "WARM_ENTRIES", 10)
        assert await s.warm() == 10  # the 7 films, then one step of reviews: the budget is met
        picked = await s.pick_snippets(
            SnippetFilter(("critic_quote",), critic="ann lee", outlet="NYT"),
            exclude=[], limit=10, rng=random.Random(3),
        )
        assert sorted(r.text for r in picked) == [f"quote {n}" for n in range(7)]
    finally:
        await s.close()


async def test_close_twice(tmp_path: Path) -> None:
    s = await SQLiteStore.open(tmp_path / "c.db")
    await s.close()
    await s.close()


async def test_claim_once_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "claims.db"
    a = await SQLiteStore.open(path)
    b = await SQLiteStore.open(path)
    try:
        assert await a.claim("daily:chan-1:2024-05-01") is True
        assert await b.claim("daily:chan-1:2024-05-01") is False
        assert await a.claim("daily:chan-1:2024-05-01") is False
        results = await asyncio.gather(*(s.claim("race") for s in (a, b) for _ in range(5)))
        assert results.count(True) == 1
    finally:
        await a.close()
        await b.close()


async def test_search_ranks_a_bounded_pool_of_newest_matches(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.sqlite as sqlite_module

    await store.add_reviews(
        [review(snippets=tuple(snip(f"common word {i}", score=i / 10) for i in range(10)))]
    )
    assert len(await store.search("common", limit=20)) == 10
    monkeypatch.setattr(sqlite_module, "SEARCH_POOL", 3)
    hits = await store.search("common", limit=2)
    # Only the 3 newest matches are ranked; the best scored of them come first.
    assert [h.text for h in hits] == ["common word 9", "common word 8"]
    # The pool never holds fewer rows than asked for.
    assert len(await store.search("common", limit=20)) == 10
