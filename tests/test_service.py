"""The core commands against a real SQLite store, with hand-made reviews."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from bot.errors import BadInput, NotFound, NothingMatches
from bot.service import Service
from storage.records import NewFilm, NewRelease, NewReview, NewSnippet
from storage.sqlite import SQLiteStore


def _review(
    n: int, film: NewFilm, *snippets: NewSnippet, releases: tuple[NewRelease, ...] = ()
) -> NewReview:
    return NewReview(
        film=film,
        text=f"review {n}",
        content_hash=f"hash-{n}",
        outlet="The Lantern Review",
        critic="Mara Ellison",
        url=f"https://example.org/{n}",
        snippets=snippets,
        releases=releases,
    )


HER = NewFilm("Her", 2013, "Spike Jonze", ("Joaquin Phoenix",))
BATMAN_66 = NewFilm("Batman", 1966)
BATMAN_89 = NewFilm("Batman", 1989)


@pytest.fixture
async def filled(store: SQLiteStore) -> SQLiteStore:
    await store.add_reviews(
        [
            _review(
                1,
                HER,
                NewSnippet("critic_quote", "a bit wonderful.", 0, 16, None, "LA Times", 1.0),
                NewSnippet("critic_quote", "eschews the weirdness", 20, 41, None, "The Verge", 1.0),
                NewSnippet(
                    "excerpt",
                    "Her is a tender, haunting film.",
                    50,
                    80,
                    "Mara Ellison",
                    "The Lantern Review",
                    0.9,
                ),
                releases=(
                    NewRelease("US", 2014, 1, 10, "theatrical"),
                    NewRelease("GB", 2014, 2, 14, "theatrical"),
                    NewRelease("US", 2013, 10, 12, "festival"),
                ),
            ),
            _review(
                2,
                BATMAN_66,
                NewSnippet(
                    "critic_quote", "camp raised to an art.", 0, 20, "Ann Lee", "Variety", 1
                ),
            ),
            _review(
                3,
                BATMAN_89,
                NewSnippet("critic_quote", "dark and operatic.", 0, 18, "Bo Ray", "Empire", 1),
            ),
        ]
    )
    return store


async def test_quote_by_film_and_outlet(filled: SQLiteStore, service: Service) -> None:
    card = await service.quote(film="her", outlet="la times")
    assert card.kind == "critic_quote"
    assert card.body == "“a bit wonderful.”"
    assert card.attribution == "LA Times"
    assert card.film is not None and card.film.label == "Her (2013)"


async def test_quote_does_not_repeat_in_a_channel_until_pool_used(
    filled: SQLiteStore, service: Service
) -> None:
    first = await service.quote(film="her", channel="c1")
    second = await service.quote(film="her", channel="c1")
    assert {first.body, second.body} == {"“a bit wonderful.”", "“eschews the weirdness”"}
    third = await service.quote(film="her", channel="c1")
    assert third.body != second.body  # the pool restarts, never with the last one


async def test_remakes_newest_first_and_year_disambiguates(
    filled: SQLiteStore, service: Service
) -> None:
    newest = await service.quote(film="batman")
    assert newest.body == "“dark and operatic.”"
    assert newest.footer is not None and "Batman (1966)" in newest.footer
    old = await service.quote(film="Batman (1966)")
    assert old.attribution == "Ann Lee, Variety"


async def test_unknown_film_suggests(filled: SQLiteStore, service: Service) -> None:
    with pytest.raises(NotFound) as info:
        await service.quote(film="Batmn Returns Again")
    assert info.value.hint is not None and "Batman" in info.value.hint


async def test_nothing_matches_filters(filled: SQLiteStore, service: Service) -> None:
    with pytest.raises(NothingMatches, match="by “Nobody”"):
        await service.quote(film="her", critic="Nobody")


async def test_release_card_relative_and_region(filled: SQLiteStore, service: Service) -> None:
    card = await service.release(film="her")
    assert [(r.region, r.month, r.day) for r in card.releases] == [
        ("US", 10, 12),
        ("US", 1, 10),
        ("GB", 2, 14),
    ]
    us = card.releases[1]
    assert us.date_text == "10 January 2014" and us.relative == "12 years ago"
    uk = await service.release(film="her", region="UK")
    assert [r.region for r in uk.releases] == ["GB"]
    assert "United Kingdom" in uk.body
    with pytest.raises(BadInput, match="not a country"):
        await service.release(film="her", region="Atlantis")
    with pytest.raises(NothingMatches, match="France"):
        await service.release(film="her", region="France")


async def test_release_cards_follow_the_day_and_the_collection(filled: SQLiteStore) -> None:
    # Release cards are kept per film, region and day: a new day or an ingest redoes them.
    day = [dt.date(2014, 1, 9)]
    service = Service(filled, today=lambda: day[0], rng=random.Random(7))
    before = await service.release(film="her", region="US")
    assert await service.release(film="her", region="US") is before
    assert [r.relative for r in before.releases][-1] == "tomorrow"
    day[0] = dt.date(2014, 1, 10)
    assert [r.relative for r in (await service.release(film="her", region="US")).releases][
        -1
    ] == "today"
    await filled.add_reviews(
        [_review(9, HER, releases=(NewRelease("US", 2014, 5, 6, "home_media"),))]
    )
    service.invalidate()
    after = await service.release(film="her", region="US")
    assert len(after.releases) == len(before.releases) + 1


async def test_film_card(filled: SQLiteStore, service: Service) -> None:
    card = await service.film(title="her")
    fields = {f.name: f.value for f in card.fields}
    assert card.body.startswith("Directed by Spike Jonze.")
    assert fields["Reviews"] == "1" and fields["Critic quotes"] == "2"
    assert "First release" in fields


async def test_search_ranked_and_safe(filled: SQLiteStore, service: Service) -> None:
    card = await service.search(text="haunting")
    assert card.results and card.results[0].body == "“Her is a tender, haunting film.”"
    for nasty in ('"', "AND OR", "NEAR(", "x" * 10_000, "@everyone"):
        with pytest.raises(NothingMatches):
            await service.search(text=nasty)


async def test_another_never_repeats_the_current_pick(
    filled: SQLiteStore, service: Service
) -> None:
    card = await service.quote(film="her", channel="c2")
    assert card.snippet_id is not None
    for _ in range(5):
        other = await service.another(card.snippet_id, channel="c2")
        assert other.snippet_id != card.snippet_id
        card = other
