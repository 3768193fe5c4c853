"""Release events: seeds, date formats, regions, event kinds, non-release dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.extract.regions import find_regions, region_code, table_size
from bot.extract.releases import find_releases, scan_dates, split_release_sentences
from bot.extract.types import Context, ReleaseEvent

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"

Key = tuple[str | None, int | None, int | None, int | None]


def rel(text: str, published: dt.date | None = None) -> list[ReleaseEvent]:
    return find_releases(text, [], Context(published=published))


def keys(text: str, published: dt.date | None = None) -> list[Key]:
    return [(r.region, r.year, r.month, r.day) for r in rel(text, published)]


def kinds(text: str) -> list[str]:
    return [r.event for r in rel(text)]


# --- seeds -------------------------------------------------------------------------------


def _seed(name: str) -> str:
    path = SEEDS / name
    if not path.exists():
        pytest.skip(f"shared seeds not found at {SEEDS} (the shared dir sits beside the repo)")
    return path.read_text(encoding="utf-8")


def test_seed_004_without_published_has_no_year() -> None:
    text = _seed("004_1e83a2296a2f0544.txt")
    got = [(r.region, r.year, r.month, r.day, r.event) for r in rel(text)]
    assert got == [("US", None, 1, 10, "theatrical"), ("GB", None, 2, 14, "theatrical")]


def test_seed_004_with_published_takes_next_occurrence() -> None:
    text = _seed("004_1e83a2296a2f0544.txt")
    assert keys(text, dt.date(2013, 12, 18)) == [("US", 2014, 1, 10), ("GB", 2014, 2, 14)]


def test_seed_004_spans_point_at_the_dates() -> None:
    text = _seed("004_1e83a2296a2f0544.txt")
    spans = [text[r.start : r.end] for r in rel(text)]
    assert spans == ["the 10th January", "the 14th February"]


def test_seed_000_has_no_releases() -> None:
    assert rel(_seed("000_bd5e48132bf6cccd.txt")) == []


# --- date formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("The film was released on 10 January 2014.", (None, 2014, 1, 10)),
        ("The film was released on January 10, 2014.", (None, 2014, 1, 10)),
        ("The film was released on the 10th of January, 2014.", (None, 2014, 1, 10)),
        ("The film was released in January 2014.", (None, 2014, 1, None)),
        ("The film was released on Dec. 25, 1990.", (None, 1990, 12, 25)),
        ("The film was released on Dec 25, 1990.", (None, 1990, 12, 25)),
        ("The film was released on Sept. 3, 2001.", (None, 2001, 9, 3)),
        ("The film was released on DVD in 2001.", (None, 2001, None, None)),
        ("It opened on Thursday, March 2, 1933, to rave reviews.", (None, 1933, 3, 2)),
        ("The film premiered at the 2001 Cannes Film Festival in May.", ("FR", 2001, 5, None)),
    ],
)
def test_date_formats(text: str, want: Key) -> None:
    assert keys(text) == [want]


def test_day_list_and_range_give_one_event_per_day() -> None:
    text = "The film was screened twice on 24 & 29 September 2016 in Austin, Texas."
    assert keys(text) == [("US", 2016, 9, 24), ("US", 2016, 9, 29)]
    text = "It was screened at the Leeds International Film Festival on 13–14 November 2016."
    assert keys(text) == [("GB", 2016, 11, 13), ("GB", 2016, 11, 14)]
    text = "The film was re-released on September 20 & 23, 2015."
    assert keys(text) == [(None, 2015, 9, 20), (None, 2015, 9, 23)]


def test_year_list_gives_one_event_per_year() -> None:
    text = "It was re-released in 1938, 1942, 1946, 1952 and 1956."
    assert [k[1] for k in keys(text)] == [1938, 1942, 1946, 1952, 1956]


def test_scan_dates_does_not_read_numbers_as_days() -> None:
    assert scan_dates("It grossed $4.4 million in 1,387 theaters.") == []
    assert scan_dates("We may see it. Mark my words, March on.") == []
    (d,) = scan_dates("opened June 25, 1982.")
    assert (d.year, d.month, d.days) == (1982, 6, (25,))


# --- year resolution ---------------------------------------------------------------------


def test_year_from_same_sentence_and_paragraph() -> None:
    text = (
        "It premiered on 19 November 2016 in Bandung and 20 November in Makassar. "
        "The film was released into theaters on 8 December."
    )
    assert [k[1:] for k in keys(text)] == [(2016, 11, 19), (2016, 11, 20), (2016, 12, 8)]


def test_year_rolls_over_in_a_run_of_dates() -> None:
    text = (
        "It was released on 10 November 2017 in the United Kingdom, 6 December in France, "
        "and 12 January in the United States."
    )
    assert keys(text) == [("GB", 2017, 11, 10), ("FR", 2017, 12, 6), ("US", 2018, 1, 12)]


def test_year_less_date_without_context_stays_unknown() -> None:
    assert keys("It will be released on 3 March in Japan.") == [("JP", None, 3, 3)]


def test_year_less_date_with_published_is_next_occurrence() -> None:
    text = "It will be released on 3 March in Japan."
    assert keys(text, dt.date(2020, 5, 1)) == [("JP", 2021, 3, 3)]
    assert keys(text, dt.date(2020, 2, 1)) == [("JP", 2020, 3, 3)]


def test_paragraph_context_beats_published() -> None:
    text = "The film premiered on 5 May 2011. It was released in France on 3 June."
    assert keys(text, dt.date(2019, 1, 1))[-1] == ("FR", 2011, 6, 3)


def test_title_year_is_not_a_release() -> None:
    assert rel("_Blade Runner 2049_ is a film. _2001: A Space Odyssey_ is another one.") == []


# --- regions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("United States", "US"), ("USA", "US"), ("U.S.", "US"), ("America", "US"),
        ("North America", "US"), ("UK", "GB"), ("Britain", "GB"), ("England", "GB"),
        ("South Korea", "KR"), ("Hong Kong", "HK"), ("United Arab Emirates", "AE"),
        ("Cannes", "FR"), ("Venice Film Festival", "IT"), ("Berlinale", "DE"),
        ("Berlin International Film Festival", "DE"), ("Sundance", "US"), ("SXSW", "US"),
        ("Tribeca", "US"), ("Telluride", "US"), ("TIFF", "CA"), ("Toronto", "CA"),
        ("Sci-Fi-London", "GB"), ("London Film Festival", "GB"), ("Sitges", "ES"),
        ("Karachi", "PK"), ("West Bengal", "IN"), ("Texas", "US"), ("Japanese", "JP"),
        ("British", "GB"), ("American", "US"),
    ],
)
def test_region_names(name: str, code: str) -> None:
    assert region_code(name) == code


def test_region_table_is_large_and_skips_lookalikes() -> None:
    assert table_size() > 400
    assert [m.code for m in find_regions("sold across Latin America and Europe")] == []
    assert [m.code for m in find_regions("in the U.S. and the U.K.")] == ["US", "GB"]


def test_two_countries_one_sentence() -> None:
    text = "It was released on 10 January 2014 in the USA and 14 February 2014 in the UK."
    assert keys(text) == [("US", 2014, 1, 10), ("GB", 2014, 2, 14)]


def test_region_before_date() -> None:
    text = "It was released in Hong Kong on July 6, 2017, and in Canada on July 7, 2017."
    assert keys(text) == [("HK", 2017, 7, 6), ("CA", 2017, 7, 7)]


def test_two_regions_same_date() -> None:
    text = "The film was released in the United States and Canada on May 3, 2019."
    assert keys(text) == [("US", 2019, 5, 3), ("CA", 2019, 5, 3)]


def test_respectively_pairs_regions_and_dates() -> None:
    text = (
        "It was released in Taiwan and Hong Kong on 11 March 2016 and 21 April 2016 "
        "respectively."
    )
    assert keys(text) == [("TW", 2016, 3, 11), ("HK", 2016, 4, 21)]


def test_parenthesised_country_list() -> None:
    text = (
        "The film was released theatrically in Japan (7 December 1990); Portugal "
        "(February 1991); and the United States (February 1995 in New York and September "
        "1995 nationwide)."
    )
    assert keys(text) == [
        ("JP", 1990, 12, 7),
        ("PT", 1991, 2, None),
        ("US", 1995, 2, None),
        ("US", 1995, 9, None),
    ]


def test_demonym_counts_only_before_a_release_word() -> None:
    assert keys("It had a British premiere on 3 September 1999.") == [("GB", 1999, 9, 3)]
    text = "The American actor saw the film, which was released on 3 September 1999."
    assert keys(text) == [(None, 1999, 9, 3)]


def test_city_and_festival_regions() -> None:
    assert keys("It premiered in Austin, Texas, on October 1, 1974.") == [("US", 1974, 10, 1)]
    text = "It screened at the Berlin International Film Festival on February 20, 2018."
    assert keys(text) == [("DE", 2018, 2, 20)]
    text = "It premiered at the Sci-Fi-London festival on 29 April 2016."
    assert keys(text) == [("GB", 2016, 4, 29)]


def test_frame_region_holds_for_the_paragraph() -> None:
    text = "In Indonesia, it premiered on 19 November 2016. It was released on 8 December 2016."
    assert keys(text) == [("ID", 2016, 11, 19), ("ID", 2016, 12, 8)]


def test_worldwide_has_no_region() -> None:
    text = "It had a limited release in Pakistan on 21 December 2017, a day before its worldwide release on 22 December."  # noqa: E501
    assert keys(text) == [("PK", 2017, 12, 21), (None, 2017, 12, 22)]


# --- event kinds -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("It had its world premiere at the Sundance Film Festival on January 19, 2018.",
         "premiere"),
        ("It screened at the Cannes Film Festival on May 9, 2018.", "festival"),
        ("It was released in the United States on October 19, 2018.", "theatrical"),
        ("It was released on DVD and Blu-ray on 12 June 2018.", "home_media"),
        ("It was released on VHS in 1993.", "home_media"),
        ("A 4K Ultra HD Blu-ray was released on December 11, 2018.", "home_media"),
        ("It was released on Netflix on October 28, 2016.", "streaming"),
        ("It was released on digital platforms on 6 February 2018.", "streaming"),
        ("It was first broadcast on television on July 4, 1971.", "tv"),
        ("The film aired on Channel 4 on 2 May 2000.", "tv"),
        ("On July 25, 2017, a special screening was held for diplomats.", "other"),
        ("It made its cinematic debut in Malaysia on 10 March 2016.", "theatrical"),
    ],
)
def test_event_kinds(text: str, kind: str) -> None:
    assert kinds(text) == [kind]


def test_one_sentence_two_kinds() -> None:
    text = (
        "It was released on Digital HD on November 21, 2017, and on DVD and Blu-ray on "
        "December 12, 2017."
    )
    assert kinds(text) == ["streaming", "home_media"]


# --- dates that are not release events ---------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "It grossed $52 million over the weekend of June 16, 1995.",
        "During the first weekend (July 28 to 30) it earned $18 million.",
        "Filming began in March 2016 in Atlanta.",
        "Principal photography commenced in January 2018.",
        "The director was born on 12 May 1970 in Paris.",
        "Roger Ebert reviewed it on February 3, 2002.",
        "The trailer was released on 29 March 2017.",
        "The teaser was released on 14 February 2019 in Tamil.",
        "On 20 October 2017, it was announced that the film would open the festival.",
        "In March 2017, it was confirmed Amazon Studios would distribute the film.",
        "As of 6 December, the film had grossed $3 million.",
        "It won the Audience Award on 15 January 2018.",
        "The soundtrack was released on 3 May 2018.",
        "Its release date was first announced in May 2014.",
    ],
)
def test_non_release_dates_are_ignored(text: str) -> None:
    assert rel(text) == []


def test_postponed_date_keeps_only_the_final_one() -> None:
    text = "It was scheduled to be released on May 11, 2018, then was pushed back to July 13, 2018."
    assert keys(text) == [(None, 2018, 7, 13)]
    text = (
        "It was pushed back from its original release date of January 12, 2018, to January "
        "26, 2018, and was pushed back again from January 26, 2018, to August 17, 2018."
    )
    assert keys(text) == [(None, 2018, 8, 17)]


def test_originally_planned_dates_are_not_events() -> None:
    text = "It was initially slated for release in the UAE on 30 November 2017."
    assert rel(text) == []


def test_bare_festival_year_is_absorbed_by_a_full_date() -> None:
    text = "It was first screened at the 2016 Toronto International Film Festival on 9 September 2016."  # noqa: E501
    assert keys(text) == [("CA", 2016, 9, 9)]
    assert keys("It was screened at Mayhem Film Festival 2016 on October 13.") == [
        ("GB", 2016, 10, 13)
    ]


def test_duplicate_without_region_is_dropped() -> None:
    text = "It was released on 7 July 2017.\n\nIt was released in the United States on 7 July 2017."
    assert keys(text) == [("US", 2017, 7, 7)]


def test_sentence_splitter_keeps_abbreviations() -> None:
    line = "It opened in the U.S. on Dec. 25, 1990. It was a hit."
    spans = split_release_sentences(line)
    assert [line[a:b].strip() for a, b in spans] == [
        "It opened in the U.S. on Dec. 25, 1990.",
        "It was a hit.",
    ]
    assert keys(line) == [("US", 1990, 12, 25)]


def test_spans_index_the_source() -> None:
    text = "Intro line.\n\nIt was released in Japan on 1 July 2017."
    (r,) = rel(text)
    assert text[r.start : r.end] == "1 July 2017"


# --- patterns from reading the unlabelled articles (invented sentences, fictional films) ---


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # thousands separators do not end the date's clause
        (
            "_Copper Tide_ was released on March 3, 2011 in 1,204 theaters in the United States.",
            [("US", 2011, 3, 3, "theatrical")],
        ),
        # a city followed by a venue name is still the city
        (
            "The cut was shown at the Chicago Grandview Theater in May 1994.",
            [("US", 1994, 5, None, "theatrical")],
        ),
        # a year-less date before a later full date reads in order
        (
            "It was released in the UK on October 2, and the U.S. release was set for"
            " 9 March 2016.",
            [("GB", 2015, 10, 2, "theatrical"), ("US", 2016, 3, 9, "theatrical")],
        ),
        # the medium of an earlier date carries to a re-release in the same sentence
        (
            "It came out on DVD on May 2, 2003, and was re-released by Ember on June 8, 2009.",
            [(None, 2003, 5, 2, "home_media"), (None, 2009, 6, 8, "home_media")],
        ),
        # the medium sits outside the date's own clause
        (
            "In 2012, Ember released both cuts and the short on DVD and Blu-Ray.",
            [(None, 2012, None, None, "home_media")],
        ),
        (
            "The first DVD edition of _Lantern Bay_, released in 2004, had two commentaries.",
            [(None, 2004, None, None, "home_media")],
        ),
        # a place naming the release noun itself
        (
            "In 2015, the set saw another UK release on Blu-ray, released by Ember.",
            [("GB", 2015, None, None, "home_media")],
        ),
        # a parenthetical aside does not cut the clause
        (
            "The cast presented the film (retitled _Mare_) at the festival in Turin on 4 May 2012.",
            [("IT", 2012, 5, 4, "festival")],
        ),
        # list bullets
        ("-   On May 2, 2010, a Collector's Edition Blu-ray was released.",
         [(None, 2010, 5, 2, "home_media")]),
        # "commercial success" is not a commercial; a dub is the film
        (
            "The film was released on 3 June 2015 to commercial success.",
            [(None, 2015, 6, 3, "theatrical")],
        ),
        (
            "The channel Sky Cinema aired the English dub of the film on 4 April 2011.",
            [("GB", 2011, 4, 4, "tv")],
        ),
        # "as part of a series" on a disc
        (
            "Ember reissued the VHS on June 2, 1999 as part of its Classics series.",
            [(None, 1999, 6, 2, "home_media")],
        ),
        # a connective before a frame still frames the sentence
        (
            "However, in the UK, Ember released the film on Blu-ray and DVD in early 2014.",
            [("GB", 2014, None, None, "home_media")],
        ),
    ],
)
def test_unlabelled_article_patterns(text: str, want: list[tuple[object, ...]]) -> None:
    assert [(r.region, r.year, r.month, r.day, r.event) for r in rel(text)] == want


def test_screened_again_after_a_festival_stays_at_the_festival() -> None:
    text = (
        "_Salt Road_ had its premiere at the Palm Springs International Film Festival on "
        "8 January 2019. It was named a festival favourite and screened again for the public "
        "on 12 January."
    )
    assert [(r.region, r.year, r.month, r.day, r.event) for r in rel(text)] == [
        ("US", 2019, 1, 8, "premiere"),
        ("US", 2019, 1, 12, "festival"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # organisations named "Television" are not a broadcast
        "In 2011, the Film & Television Guild selected _Copper Tide_ as one of its best films.",
        "After the exit of its head from Ember Television in May 2017, the series stalled.",
        # a company named "Open Road" is not an opening
        "In March 2016, Open Road Films acquired distribution rights to the film.",
        # a bare year needs a release word in its sentence ("online magazine" is not one)
        "In 2013, online magazine _Reel_ named _Copper Tide_ among the decade's best.",
        # withdrawn from cinemas is not a release
        "The board ordered the film withdrawn from cinemas beginning 3 January 2017.",
        # a production year is not a release year
        "In 2008, Ember produced a new English dub of the film to be released later.",
    ],
)
def test_unlabelled_article_non_events(text: str) -> None:
    assert rel(text) == []


# --- issue 18: country carried by context, several dates in one clause (invented) ------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # a later sentence of a paragraph about one country
        (
            "The distributor released it in the United States in April 1994. It came out on "
            "Blu-ray on May 2, 2012.",
            [("US", 1994, 4, None), ("US", 2012, 5, 2)],
        ),
        # a re-release inside a paragraph opened on Japan
        (
            "In Japan, the film opened on 3 May 1960. It was re-released on 12 August 1975.",
            [("JP", 1960, 5, 3), ("JP", 1975, 8, 12)],
        ),
        # "there": the last place named
        (
            "It premiered in Toronto on 1 February 2001 and opened there on 2 March 2001.",
            [("CA", 2001, 2, 1), ("CA", 2001, 3, 2)],
        ),
        # "in the country": the film's country from the lead
        (
            "_Koi_ is a 2010 Japanese film.\n\nIt was released on DVD in the country on "
            "July 1, 2010.",
            [("JP", 2010, 7, 1)],
        ),
        # a home-media section opened on one country
        (
            "Home media\n\nIn the United Kingdom, the film was released on DVD on 4 June 2002.\n\n"
            "A Blu-ray edition followed on 3 June 2010.",
            [("GB", 2002, 6, 4), ("GB", 2010, 6, 3)],
        ),
        # "In several countries, including ..."
        (
            "In several countries, including Brazil, Greece and Israel, the film was released "
            "on November 29, 2018.",
            [("BR", 2018, 11, 29), ("GR", 2018, 11, 29), ("IL", 2018, 11, 29)],
        ),
    ],
)
def test_country_carried_by_context(text: str, want: list[Key]) -> None:
    assert keys(text) == want


def test_a_paragraph_naming_two_countries_lends_neither() -> None:
    text = (
        "The film opened in the United States on June 16, 1995, and in the United Kingdom on "
        "July 14, 1995. It was released on VHS on October 31, 1995."
    )
    assert keys(text)[-1] == (None, 1995, 10, 31)


def test_worldwide_is_no_country_even_in_a_paragraph_about_one() -> None:
    text = "In Japan, the film opened on 3 May 1960. It was released worldwide on 1 June 1961."
    assert keys(text) == [("JP", 1960, 5, 3), (None, 1961, 6, 1)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("The film was shown on March 3 and 4, 1920, in Paris.", [(3, 3), (3, 4)]),
        ("It was screened in May and June 1988 in Paris.", [(5, None), (6, None)]),
        (
            "It opened in Japan on 10 July 2015, in Taiwan on 7 August, and in Hong Kong on "
            "20 August.",
            [(7, 10), (8, 7), (8, 20)],
        ),
        (
            "The film's trailer was released on 1 March 2017, and the film on 24 March.",
            [(3, 24)],
        ),
    ],
)
def test_several_dates_in_one_clause(text: str, want: list[tuple[int, int | None]]) -> None:
    assert [(r.month, r.day) for r in rel(text)] == want


def test_list_items_keep_their_own_places() -> None:
    text = (
        "It opened in Japan on 10 July 2015, in Taiwan on 7 August, and in Hong Kong on "
        "20 August."
    )
    assert [r.region for r in rel(text)] == ["JP", "TW", "HK"]


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # the year of the date's own sentence, written after it
        ("It came out on DVD on 27 February and digitally on 13 February 2018.", [2018, 2018]),
        # a year named relative to an earlier one
        ("It opened on 3 May 2004. A DVD of the film was also released that year.", [2004, 2004]),
        ("It opened on 3 May 2004. The film was released on DVD the following year.", [2004, 2005]),
        # the lead's year when nothing nearer gives one
        ("_Koi_ is a 2017 film.\n\nIt was released on 5 May in Ireland.", [2017]),
        # a date a few days before a full one is the same year, not the next
        (
            "The film was released on 8 December 2016. It premiered on the 4th of December.",
            [2016, 2016],
        ),
    ],
)
def test_years_from_context(text: str, years: list[int]) -> None:
    assert [r.year for r in rel(text)] == years


def test_a_plan_changed_by_but_is_no_event() -> None:
    text = (
        "The film was scheduled to premiere at the Palace Theatre in London on February 14, "
        "but the premiere was cancelled. It opened on 3 March 1941."
    )
    assert keys(text) == [(None, 1941, 3, 3)]


def test_releases_say_where_their_country_and_year_came_from() -> None:
    text = "In Japan, the film opened on 3 May 1960. It was re-released on 12 August."
    second = rel(text)[1]
    assert [w.rule for w in second.why] == [
        "country: the paragraph's frame",
        "year: the last year named before it in the paragraph",
    ]
    assert text[second.why[0].at :].startswith("Japan")
