"""Picks served from memory (bot/picks.py) against a real SQLite store: no repeats, weights,
sampled pools that drain and refill, history written behind and kept across a restart,
another process's ingest noticed, and outlet spellings probed one by one."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from pathlib import Path

import pytest

import bot.service
import storage.sqlite
from bot.picks import Picker
from bot.service import Service
from storage.records import NewFilm, NewReview, NewSnippet, SnippetFilter
from storage.sqlite import SQLiteStore

FILM = NewFilm("The Long Field", 1931)
QUOTES = SnippetFilter(kinds=("critic_quote",))


def _review(n: int, *snippets: NewSnippet, film: NewFilm = FILM) -> NewReview:
    return NewReview(
        film=film,
        text=f"review {n}",
        content_hash=f"hash-{n}",
        outlet="The Lantern Review",
        critic="Mara Ellison",
        url=None,
        snippets=snippets,
    )


def _quotes(n: int, *, score: float = 1.0, outlet: str = "Daily Bugle") -> list[NewSnippet]:
    return [
        NewSnippet("critic_quote", f"quote number {i}.", 0, 10, "Ann Lee", outlet, score)
        for i in range(n)
    ]


async def _db(tmp_path: Path, *reviews: NewReview) -> SQLiteStore:
    store = await SQLiteStore.open(tmp_path / "picks.db")
    await store.add_reviews(list(reviews))
    return store


async def test_no_repeats_until_the_pool_is_used_then_never_the_last_one(
    tmp_path: Path,
) -> None:
    store = await _db(tmp_path, _review(1, *_quotes(5)))
    try:
        picker = Picker(store, random.Random(1))
        first_round = [(await picker.pick(QUOTES, "c1")) for _ in range(5)]
        ids = [r.id for r in first_round if r is not None]
        assert len(set(ids)) == 5
        again = await picker.pick(QUOTES, "c1")
        assert again is not None and again.id != ids[-1]
        # Another channel has its own history.
        other = [(await picker.pick(QUOTES, "c2")) for _ in range(5)]
        assert len({r.id for r in other if r is not None}) == 5
        # `avoid` holds even when everything else was seen.
        avoided = await picker.pick(QUOTES, "c1", avoid=[ids[0]])
        assert avoided is not None and avoided.id != ids[0]
    finally:
        await store.close()


async def test_picks_follow_scores(tmp_path: Path) -> None:
    store = await _db(
        tmp_path,
        _review(1, NewSnippet("critic_quote", "strong.", 0, 7, None, "A", 9.0)),
        _review(2, NewSnippet("critic_quote", "weak.", 0, 5, None, "B", 0.0)),
    )
    try:
        picker = Picker(store, random.Random(2), recent=0)
        counts: Counter[str] = Counter()
        for n in range(400):
            row = await picker.pick(QUOTES, f"c{n}")
            assert row is not None
            counts[row.text] += 1
        # Weights 9.05 and 0.05: the weak one should come up about 2 times in 400.
        assert counts["strong."] > 380
        assert 0 < counts["weak."] < 20
    finally:
        await store.close()


async def test_sampled_pools_drain_refill_and_do_not_repeat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Force sampling (rather than holding every match) with a tiny cap.
    monkeypatch.setattr(storage.sqlite, "EXACT_CAP", 10)
    store = await _db(tmp_path, *[_review(n, *_quotes(10)) for n in range(30)])
    try:
        picker = Picker(store, random.Random(3))
        seen = []
        for _ in range(20):
            row = await picker.pick(QUOTES, "c1")
            assert row is not None
            seen.append(row.id)
        assert len(set(seen)) == 20  # RECENT is 20: none repeated
        pool = picker._pools[QUOTES]
        assert not pool.complete
        assert len(set(pool.ids)) == len(pool.ids)
        # Drawn candidates leave the pool; refills keep it going past its first sample.
        for _ in range(200):
            assert await picker.pick(QUOTES, "c1") is not None
    finally:
        await store.close()


async def test_history_is_written_behind_and_survives_a_restart(tmp_path: Path) -> None:
    store = await _db(tmp_path, _review(1, *_quotes(25)))
    picker = Picker(store, random.Random(4))
    before = [(await picker.pick(QUOTES, "c1")) for _ in range(10)]
    # Seen at once by the store, before anything is written.
    assert await store.recent_snippets("c1", 3) == [r.id for r in before[::-1][:3] if r]
    await store.close()  # writes what is pending

    store = await SQLiteStore.open(tmp_path / "picks.db")
    try:
        assert len(await store.recent_snippets("c1", 50)) == 10
        picker = Picker(store, random.Random(4))
        after = [(await picker.pick(QUOTES, "c1")) for _ in range(10)]
        assert not {r.id for r in before if r} & {r.id for r in after if r}
    finally:
        await store.close()


async def test_another_process_ingest_is_noticed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.service, "VERSION_CHECK_SECONDS", 0.0)
    store = await _db(tmp_path, _review(1, *_quotes(1)))
    other = await SQLiteStore.open(tmp_path / "picks.db")  # stands in for `pullquote ingest`
    try:
        service = Service(store, rng=random.Random(5))
        assert (await service.quote(channel="c1")).body == "“quote number 0.”"
        await other.add_reviews(
            [
                _review(
                    2,
                    NewSnippet("critic_quote", "a new arrival.", 0, 14, None, "X", 5.0),
                    film=NewFilm("Dawn Express", 1929),
                )
            ]
        )
        await service.quote(channel="c1")  # starts the (background) version check
        for _ in range(50):
            await asyncio.sleep(0.01)
            if service._index is None:
                break
        card = await service.quote(film="Dawn Express", channel="c1")
        assert card.body == "“a new arrival.”"
    finally:
        await other.close()
        await store.close()


async def test_aliased_outlets_are_probed_per_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.sqlite, "EXACT_CAP", 5)
    store = await _db(
        tmp_path,
        *[_review(n, *_quotes(10, outlet="Screen Daily")) for n in range(4)],
        *[_review(10 + n, *_quotes(10, outlet="Screen International")) for n in range(4)],
        *[_review(20 + n, *_quotes(10, outlet="Other Paper")) for n in range(4)],
    )
    try:
        flt = SnippetFilter(
            kinds=("critic_quote",), outlet="Screen International", outlet_aliases=("Screen Daily",)
        )
        found = await store.candidates(flt, limit=64, rng=random.Random(6))
        assert not found.complete
        rows = [await store.snippet(i) for i, _ in found.pairs]
        outlets = Counter(r.outlet for r in rows if r is not None)
        assert set(outlets) == {"Screen Daily", "Screen International"}
    finally:
        await store.close()



async def test_a_daily_post_is_not_repeated_by_the_next_quote(tmp_path: Path) -> None:
    # The scheduler writes the daily card's history row itself and tells the service, so a
    # channel whose history is already in memory avoids that card too.
    store = await _db(tmp_path, _review(1, *_quotes(2)))
    try:
        service = Service(store, rng=random.Random(3))
        first = await service.quote(channel="c1")
        rows = await store.pick_snippets(QUOTES, exclude=[], limit=2, rng=random.Random(1))
        other = next(r.id for r in rows if r.id != first.snippet_id)
        await store.remember_shown("c1", other)  # what the scheduler does after posting
        service.shown_elsewhere("c1", other)
        after = await service.quote(channel="c1")
        assert after.snippet_id != other  # both seen: never the last one, the daily card
    finally:
        await store.close()
