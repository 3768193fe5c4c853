"""Film lookup: exact, "Title (Year)", aliases, remakes and small typos."""

from __future__ import annotations

from bot.films import FilmIndex, normalise_title, split_year
from storage.records import FilmRow


def _film(i: int, title: str, year: int | None, aliases: tuple[str, ...] = ()) -> FilmRow:
    return FilmRow(i, title, year, None, (), aliases)


INDEX = FilmIndex(
    (
        _film(1, "Her", 2013),
        _film(2, "Batman", 1966),
        _film(3, "Batman", 1989),
        _film(4, "Nosferatu", 1922, ("Nosferatu, eine Symphonie des Grauens",)),
        _film(5, "The General", 1926),
        _film(6, "Amélie", 2001),
    )
)


def test_normalise_and_split() -> None:
    assert normalise_title("  Amélie! ") == "amelie"
    assert split_year("Her (2013)") == ("Her", 2013)
    assert split_year("her 2013") == ("her", 2013)
    assert split_year("1917") == ("1917", None)


def test_exact_case_insensitive() -> None:
    assert [f.id for f in INDEX.resolve("her")] == [1]
    assert [f.id for f in INDEX.resolve("general")] == [5]
    assert [f.id for f in INDEX.resolve("amelie")] == [6]


def test_year_disambiguates_remakes_newest_first_otherwise() -> None:
    assert [f.id for f in INDEX.resolve("Batman (1966)")] == [2]
    assert [f.id for f in INDEX.resolve("batman")] == [3, 2]


def test_aliases_and_typos() -> None:
    assert INDEX.resolve("Nosferatu, eine Symphonie des Grauens")[0].id == 4
    assert INDEX.resolve("nosferatoo")[0].id == 4
    assert INDEX.resolve("xyzzy plugh") == []


def test_id_values_from_autocomplete() -> None:
    assert [f.id for f in INDEX.resolve("#3")] == [3]


def test_suggest_prefix_first_and_capped() -> None:
    assert INDEX.suggest("bat")[0].title == "Batman"
    assert len(INDEX.suggest("", limit=3)) == 3
