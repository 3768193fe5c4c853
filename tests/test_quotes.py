"""Quoted spans, their kinds and attribution; the seeds exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.extract.outlets import canonical_outlet, normalise_outlet
from bot.extract.quotes import find_quotes
from bot.extract.sentences import split_sentences
from bot.extract.types import Context, Quote

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
needs_shared = pytest.mark.skipif(
    not (SEEDS / "expected.json").is_file(),
    reason=f"shared data not found at {SHARED} (it sits beside the clone in CI)",
)


def _quotes(text: str, ctx: Context | None = None) -> list[Quote]:
    found = find_quotes(text, split_sentences(text), ctx or Context())
    for q in found:
        assert text[q.start : q.end] == q.text
    return found


def _one(text: str) -> Quote:
    found = _quotes(text)
    assert len(found) == 1, found
    return found[0]


# --- spans ------------------------------------------------------------------------------------


def test_spans_are_in_order_without_marks_straight_and_curly() -> None:
    text = 'He called it "bold" and “quite mad”. Later, "fine".'
    assert [q.text for q in _quotes(text)] == ["bold", "quite mad", "fine"]


def test_unclosed_quote_closes_at_end_of_its_sentence() -> None:
    text = 'The Daily Planet says: "It is odd and a bit wonderful. The rest is plot.'
    q = _one(text)
    assert q.text == "It is odd and a bit wonderful."
    assert (q.kind, q.outlet) == ("critic", None) or q.kind == "critic"


def test_nested_quotes_and_bracketed_insertions_are_kept() -> None:
    text = 'Ann Lee of _Variety_ wrote that "[\'Her\' is] the best of the "Kong" era."'
    found = _quotes(text)
    assert found[0].text == "['Her' is] the best of the \"Kong\" era."
    assert (found[0].kind, found[0].outlet) == ("critic", "Variety")
    assert (found[1].text, found[1].kind) == ("Kong", "other")


def test_single_quoted_titles_are_not_quotes() -> None:
    assert _quotes("Watch The 'Her' Trailer and ‘Gladiator’ too.") == []


# --- attribution patterns ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "critic", "outlet"),
    [
        (
            'Ann Lee of _The Hollywood Reporter_ called it "a small marvel".',
            "Ann Lee",
            "The Hollywood Reporter",
        ),
        ('_Variety_\'s Bo Stone wrote that the film "never stops moving".', "Bo Stone", "Variety"),
        ('"A small marvel," says Ann Lee in the LA Times.', "Ann Lee", "LA Times"),
        ('"A small marvel," writes Ann Lee of _Empire_.', "Ann Lee", "Empire"),
        ('Writing for _Slate_, Cy Moss found it "oddly moving".', "Cy Moss", "Slate"),
        (
            'In a review for the _Chicago Tribune_, Dee Park wrote "it soars".',
            "Dee Park",
            "Chicago Tribune",
        ),
        (
            '_New York Times_ critic Ed Vance called it "a muddle".',
            "Ed Vance",
            "New York Times",
        ),
        ('EW praised its "warm, shaggy charm".', None, "EW"),
        ('Critic Moe Hart called it "a triumph".', "Moe Hart", None),
        ('"A small marvel" - Ann Lee, The Guardian', "Ann Lee", "The Guardian"),
    ],
)
def test_attribution_in_the_same_sentence(
    text: str, critic: str | None, outlet: str | None
) -> None:
    """The outlet keeps the text's own spelling ("LA Times"); aliases are folded only when
    outlets are compared (`normalise_outlet`)."""
    q = _quotes(text)[0]
    assert (q.kind, q.critic, q.outlet) == ("critic", critic, outlet)
    if outlet is not None:
        assert canonical_outlet(outlet) is not None


# Outlets the list does not know are found by where they stand in the sentence; every name
# here is invented.
@pytest.mark.parametrize(
    ("text", "critic", "outlet"),
    [
        (
            'Lena Morrow of Silver Lantern Quarterly called it "a quiet triumph".',
            "Lena Morrow",
            "Silver Lantern Quarterly",
        ),
        (
            '"A gentle, furious film," wrote Hal Dorsey in The Evening Projector.',
            "Hal Dorsey",
            "The Evening Projector",
        ),
        (
            'Harbor Weekly\'s Petra Quill described it as "a slow burn worth every minute".',
            "Petra Quill",
            "Harbor Weekly",
        ),
        (
            'Dana Kessler, writing for The Copper Frame, found it "oddly moving".',
            "Dana Kessler",
            "The Copper Frame",
        ),
        (
            'Ravi Anand of The Moth & Reel called the finale "a gift".',
            "Ravi Anand",
            "The Moth & Reel",
        ),
        (
            'Kit Varley of Dumbbells & Dragons rated it highly, calling it "a bleak marvel".',
            "Kit Varley",
            "Dumbbells & Dragons",
        ),
        (
            '"A dazzling mess," says Nora Fenn in Paper Lantern Review.',
            "Nora Fenn",
            "Paper Lantern Review",
        ),
        ('"Pure delight" - Iris Lowe, The Westbrook Clarion', "Iris Lowe", "The Westbrook Clarion"),
        ('Harbor Weekly called it "a small miracle".', None, "Harbor Weekly"),
        ('The Evening Projector\'s critic called it "a tonic".', None, "The Evening Projector"),
        (
            'The Valley Film Review\'s review by Ana Ruiz called it "a stunner".',
            "Ana Ruiz",
            "The Valley Film Review",
        ),
        (
            'Rosa Imrie of CinemaNook wrote that it is "a tender riddle".',
            "Rosa Imrie",
            "CinemaNook",
        ),
        # a month that is also a given name, where a critic's name is expected
        (
            'June Okafor of Cellar Door Review called it "tender".',
            "June Okafor",
            "Cellar Door Review",
        ),
        # a name that is a place is not an outlet
        ('Tess Arden of Los Angeles called it "a delight".', "Tess Arden", None),
    ],
)
def test_unlisted_outlets_by_their_place_in_the_sentence(
    text: str, critic: str | None, outlet: str | None
) -> None:
    q = _one(text)
    assert (q.kind, q.critic, q.outlet) == ("critic", critic, outlet)


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        # a listed word inside a longer name ("Screen", "Guardian") does not cut it short
        ('Milo Grant of The Southern Screen once called it "a storm".', "The Southern Screen"),
        ('Milo Grant of The Riverside Guardian called it "a storm".', "The Riverside Guardian"),
        # the leading "The" is kept as written
        ('Abel Young of The Third Projector called it "a marvel".', "The Third Projector"),
    ],
)
def test_unlisted_outlet_keeps_its_full_name_and_the_person_is_the_critic(
    text: str, outlet: str
) -> None:
    q = _one(text)
    assert (q.kind, q.outlet) == ("critic", outlet)
    assert q.critic in {"Milo Grant", "Abel Young"}


def test_outlet_name_is_never_the_critic() -> None:
    text = (
        'Wen Ashby of The Second Lamp called it "a hymn". '
        'Orla Pike of Cinder Ledger called it "a dirge". '
        'Brass Weekly\'s Sol Marsh called it "a jolt".'
    )
    assert [(q.critic, q.outlet) for q in _quotes(text)] == [
        ("Wen Ashby", "The Second Lamp"),
        ("Orla Pike", "Cinder Ledger"),
        ("Sol Marsh", "Brass Weekly"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        # a venue is not a critic, and "in New York" after it is the city
        "The picture opened at the Bellmont Music Hall in New York, and a line in which the "
        'heroine speaks of being "erased" was cut.',
        'It premiered at Lakeshore Grand Theatre in Toronto, where the word "sorry" drew a laugh.',
    ],
)
def test_venues_and_scare_quoted_words_are_not_critics(text: str) -> None:
    assert [q.kind for q in _quotes(text)] == ["other"]


def test_award_names_and_places_are_not_people() -> None:
    text = 'Critics praised Lia Park for Best Actress, calling her "luminous".'
    assert [(q.critic, q.outlet) for q in _quotes(text) if q.kind == "critic"] in (
        [],
        [(None, None)],
    )


def test_attribution_carried_from_the_previous_sentence_with_full_name() -> None:
    text = (
        'Jo Anne Reyes of _The Boston Globe_ called it "tender". '
        'She praised its "patient, humane pacing". '
        'Reyes later described it as "the year\'s quiet best".'
    )
    found = _quotes(text)
    assert [(q.kind, q.critic, q.outlet) for q in found] == [
        ("critic", "Jo Anne Reyes", "The Boston Globe")
    ] * 3


def test_two_critics_in_one_paragraph_keep_their_own_outlets() -> None:
    text = (
        'Al Roe of _Time_ called it "a bore". '
        'Bea Sun of _The Atlantic_ thought it "quietly radical", and she added that it '
        '"rewards patience".'
    )
    assert [q.outlet for q in _quotes(text)] == ["Time", "The Atlantic", "The Atlantic"]


def test_aggregator_consensus_and_metacritic_are_critic() -> None:
    text = (
        "On Rotten Tomatoes, the film holds 91%. The site's critical consensus reads, "
        '"A sharp, funny ride." On Metacritic, it has 74 out of 100, indicating '
        '"generally favorable reviews".'
    )
    assert [(q.kind, q.outlet) for q in _quotes(text)] == [
        ("critic", "Rotten Tomatoes"),
        ("critic", "Metacritic"),
    ]


# --- other and dialogue -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'Audiences polled by CinemaScore gave the film an average grade of "A−".',
        'The MPAA gave it an "R" rating.',
        'The soundtrack includes the song "Moon River Blues".',
        'The third episode, titled "The Long Night", aired in May.',
        '"Delicate" is rarely a word used for monster movies.',
        'Director Kai Moreno said the shoot was "a nightmare from start to end".',
        'The studio called the delay "purely logistical".',
        'Fans dubbed the tour "Batmania" that summer.',
    ],
)
def test_titles_grades_words_and_crew_are_other(text: str) -> None:
    assert [q.kind for q in _quotes(text)] == ["other"]


def test_crew_named_in_the_lead_is_not_a_critic() -> None:
    text = (
        "_Moonfall_ is a 2031 film directed by Kai Moreno and starring Lia Park.\n\n"
        'Moreno said, "We wanted it to feel handmade."'
    )
    assert [q.kind for q in _quotes(text)] == ["other"]


@pytest.mark.parametrize(
    "text",
    [
        'As his sister exclaims, "You never listen to me!"',
        'His proposal is met with a flat "Not today."',
        'The famous line "Here\'s looking at you" closes the scene.',
    ],
)
def test_lines_spoken_in_the_film_are_dialogue(text: str) -> None:
    assert [q.kind for q in _quotes(text)] == ["dialogue"]


# --- outlets ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("LA Times", "Los Angeles Times"),
        ("the Los Angeles Times", "Los Angeles Times"),
        ("EW", "Entertainment Weekly"),
        ("NYT", "The New York Times"),
        ("New York Times", "The New York Times"),
        ("THR", "The Hollywood Reporter"),
        ("RottenTomatoes", "Rotten Tomatoes"),
        ("Sight and Sound", "Sight & Sound"),
        ("The A.V. Club", "The A.V. Club"),
        ("AV Club", "The A.V. Club"),
    ],
)
def test_outlet_aliases(alias: str, canonical: str) -> None:
    assert canonical_outlet(alias) == canonical
    assert normalise_outlet(alias) == normalise_outlet(canonical)


def test_normalise_unknown_outlet_ignores_case_the_and_punctuation() -> None:
    assert normalise_outlet("The Dumbbells & Dragons!") == normalise_outlet("dumbbells & dragons")
    assert canonical_outlet("Nowhere Gazette Weekly") is None


# --- seeds and dev labels ---------------------------------------------------------------------


@needs_shared
@pytest.mark.parametrize("ctx", [Context(), Context(film="Her", year=2013)])
def test_seeds_exactly(ctx: Context) -> None:
    expected = json.loads((SEEDS / "expected.json").read_text(encoding="utf-8"))["files"]
    for name, entry in expected.items():
        text = (SEEDS / name).read_text(encoding="utf-8")
        found = _quotes(text, ctx)
        optional = {o["text"] for o in entry.get("optional_quotes", [])}
        critic = [
            (q.text, normalise_outlet(q.outlet or ""))
            for q in found
            if q.kind == "critic" and q.text not in optional
        ]
        assert critic == [
            (c["text"], normalise_outlet(c["outlet"])) for c in entry["critic_quotes"]
        ], name
        others = sorted((q.text, q.kind) for q in found if q.kind != "critic")
        wanted = sorted((o["text"], o["kind"]) for o in entry["other_quotes"])
        assert [o for o in others if o[0] not in optional] == wanted, name


# --- patterns found reading the unlabelled articles (all names invented) ----------------------


@pytest.mark.parametrize(
    ("text", "critic", "outlet"),
    [
        # wiki possessive templates left in the text
        ('_Empire_{{\'s}} Ada Brook called it "a quiet marvel".', "Ada Brook", "Empire"),
        # "X, in his review for Y", "X noted in her review for Y", "X commented in Y"
        (
            'Tom Vance, in his review for _Variety_, found it "a quiet marvel".',
            "Tom Vance",
            "Variety",
        ),
        (
            'Ida Quill noted in her review for _Slate_ that it was "a quiet marvel".',
            "Ida Quill",
            "Slate",
        ),
        (
            'Ida Quill commented in _Sight & Sound_ that it is "a quiet marvel".',
            "Ida Quill",
            "Sight & Sound",
        ),
        (
            'Ida Quill published a mixed review in _Slate_, calling it "a quiet marvel".',
            "Ida Quill",
            "Slate",
        ),
        # "also of", a descriptor before the outlet, "reviewer X" after "Writing for Y,"
        ('Ida Quill, also of _Variety_, said it was "a quiet marvel".', "Ida Quill", "Variety"),
        (
            'Ida Quill, of the British tabloid newspaper _The Sun_, said it was "a quiet marvel".',
            "Ida Quill",
            "The Sun",
        ),
        (
            'Writing for _Slate_, reviewer Ida Quill commented, "A quiet marvel."',
            "Ida Quill",
            "Slate",
        ),
    ],
)
def test_more_critic_outlet_shapes(text: str, critic: str, outlet: str) -> None:
    q = _quotes(text)[-1]
    assert (q.kind, q.critic, q.outlet) == ("critic", critic, outlet)


def test_verbs_of_judging_carry_the_critic() -> None:
    text = (
        'Ida Quill of _Variety_ called it "a quiet marvel". Quill also appreciated "the '
        'patient camera". She recognized that "the ending drags".'
    )
    assert [(q.kind, q.critic) for q in _quotes(text)] == [("critic", "Ida Quill")] * 3


def test_a_name_in_an_objects_slot_does_not_speak() -> None:
    text = (
        "_Lantern Road_ (2011) is a drama starring Bo Ermin. "
        'Ida Quill of _Variety_ echoed praise for Ermin, calling him "a quiet marvel".'
    )
    q = _quotes(text)[-1]
    assert (q.kind, q.critic, q.outlet) == ("critic", "Ida Quill", "Variety")


def test_pronoun_skips_cast_named_as_an_object() -> None:
    text = (
        "_Lantern Road_ (2011) is a drama starring Bo Ermin. "
        'Ida Quill of _Variety_ liked it: "a gem". '
        'Along with considering Ermin "consistently fine", she wrote that it "hums".'
    )
    assert [(q.kind, q.critic) for q in _quotes(text)] == [("critic", "Ida Quill")] * 3


def test_first_person_remarks_by_non_critics_are_other() -> None:
    text = 'Rex Amory called the film "my number one". Dan Kell said, "I walked out of it changed."'
    assert [q.kind for q in _quotes(text)] == ["other", "other"]
    # a known critic keeps the first person
    text2 = 'Roger Ebert wrote that "I left the movie uncertain".'
    assert _one(text2).kind == "critic"


def test_aggregator_summary_after_rotten_tomatoes() -> None:
    text = (
        "Rotten Tomatoes gives the film 91% based on 78 reviews. "
        'The summary states, "Tense, tight and darkly comic."'
    )
    q = _one(text)
    assert (q.kind, q.outlet) == ("critic", "Rotten Tomatoes")


@pytest.mark.parametrize(
    "text",
    [
        'The Australian premiere was cancelled after a petition called it "vile propaganda".',
        'Ida Quill of _Variety_ said the New York setting lacked "enough bustle".',
    ],
)
def test_place_names_used_as_adjectives_are_not_outlets(text: str) -> None:
    assert all(q.outlet in {None, "Variety"} for q in _quotes(text))


def test_credits_stop_at_the_sentence_end_and_bodies_are_not_critics() -> None:
    text = (
        "_Lantern Road_ is a 2016 documentary directed by Cassie Vale. The film follows a march. "
        'Vale said she "would be curious". The Wildrose Party of Alberta wrote "we object".'
    )
    assert [q.kind for q in _quotes(text)] == ["other", "other"]


# --- issue 18: attribution carried, not a critic's, quote marks as text has them (invented) ---

LEAD = "_Foo_ is a 2001 film.\n\n"


def _critics(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(q.kind, q.critic, q.outlet) for q in _quotes(LEAD + text)]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # named once, then a pronoun, then the surname
        (
            'Jane Roe of the _Example Courier_ gave it three stars. She called it "a quiet '
            'triumph". Roe added that "the cast is uniformly superb".',
            [("critic", "Jane Roe", "Example Courier")] * 2,
        ),
        # "the critic", "the paper" after a sentence without quotes
        (
            'Kim Lo of the _Ledger Star_ praised the score. The critic called it "a marvel of '
            'restraint". The paper later named it "the best film of the summer".',
            [("critic", "Kim Lo", "Ledger Star")] * 2,
        ),
        ('_Sight and Sound_ reviewed it in May. The magazine called it "a haunting debut".',
         [("critic", None, "Sight and Sound")]),
        # outlets in no list, in the usual slots
        ('Writing for _The Daily Lantern_, Tom Bell called it "a sly, generous comedy".',
         [("critic", "Tom Bell", "The Daily Lantern")]),
        ('In _The Northern Echo_, Sam Park wrote that it was "as gripping as anything".',
         [("critic", "Sam Park", "The Northern Echo")]),
        ('Ann Lee in _The State_ and _The Record_ described it as "science fiction opera".',
         [("critic", "Ann Lee", "The State")]),
        ('Looking back in his _Evening Lamp_ review, critic Tom Gray wrote, "It has aged well."',
         [("critic", "Tom Gray", "Evening Lamp")]),
        ('The most negative review came from Reel Chatter, "The story is too complicated."',
         [("critic", None, "Reel Chatter")]),
        # initials
        ('A. O. Scott was less kind, calling it "a slog".', [("critic", "A. O. Scott", None)]),
        # a subject and a verb of saying further on in its clause
        ('Ben Ray was impressed by the design, but claimed "it is a triumph of style".',
         [("critic", "Ben Ray", None)]),
        # a quote-only sentence after a critic's goes on with the critic's words
        ('"It is a marvel," said Tom Gray of _The Evening Lamp_. "It will last."',
         [("critic", "Tom Gray", "The Evening Lamp")] * 2),
    ],
)
def test_attribution_carried(text: str, want: list[tuple[str, str | None, str | None]]) -> None:
    assert _critics(text) == want


@pytest.mark.parametrize(
    "text",
    [
        'Director Ann Lee said the film was "about grief and forgiveness".',
        'Festival programmer Tom Ray described it as "the discovery of the year".',
        'Professor Ann Smith described it as "a key text of the movement".',
        'Sam Roe, a lecturer at the Central Academy, criticized it as "worthless".',
        'Sam Roe, co-founder of the Example Society, said it was "a disgrace".',
        'Sam Roe, a professor at Example University, said to _The Example Times_, "It is '
        'a very personal quest."',
        'The distributor called it "a crowd-pleaser".',
        'The film was a box-office "flop".',
        'Its theme song "Rain on Me" reached number one.',
        '_The Daily Lantern_ reported that the film had "made a business of 25 crore".',
        'A _Daily Lantern_ article reported that the makers feared "left-leaning media".',
        'The film was promoted as a "true story".',
        'The front page headline in _The Daily Lantern_ read, "STUDIO BANS PAPER FROM SET".',
        'The station refused the terms "abortionist" and "abortion doctor".',
    ],
)
def test_not_a_critics_words(text: str) -> None:
    assert all(kind == "other" for kind, _, _ in _critics(text)), _critics(text)


def test_a_pronoun_after_someone_named_without_a_critics_role_is_not_a_critic() -> None:
    text = (
        "Julie Lalonde, who runs a shelter, was one of several people who complained. She said "
        'that "no one has the right to have their film shown."'
    )
    assert _critics(text) == [("other", None, None)]


def test_an_object_between_a_critic_and_the_quote_is_not_the_speaker() -> None:
    text = (
        "Tom Gray of _The Evening Lamp_ praised the contributions of cinematographer Ann Lee, "
        'and in terms of performances, opined that "the deck is stacked".'
    )
    assert _critics(text) == [("critic", "Tom Gray", "The Evening Lamp")]


def test_stray_and_unclosed_marks() -> None:
    # an unclosed opener ends at the next mark; the quote after it is a quote of its own
    text = (
        'Sam Park of the _Ledger Star_ praised the "unity and clarity of the film which '
        '"totally fulfills its central metaphor."'
    )
    found = _quotes(LEAD + text)
    assert [q.text for q in found] == [
        "unity and clarity of the film which ",
        "totally fulfills its central metaphor.",
    ]
    assert found[1].outlet == "Ledger Star"


def test_non_breaking_spaces_around_quotes() -> None:
    text = "Tom Gray of _The Evening Lamp_ called it\u00a0\"a marvel of restraint\"\u00a0and left."
    assert _critics(text) == [("critic", "Tom Gray", "The Evening Lamp")]


def test_quotes_say_why_they_were_attributed() -> None:
    text = 'Jane Roe of the _Example Courier_ gave it three stars. She called it "a quiet triumph".'
    (q,) = _quotes(LEAD + text)
    (why,) = q.why
    assert why.rule.startswith("critic and outlet")
    assert "earlier sentence" in why.rule
    assert (LEAD + text)[why.at :].startswith("Jane Roe")


def test_explain_json_carries_each_reason_with_its_sentence() -> None:
    from bot.extract import extract, extraction_to_json

    text = (
        LEAD + "Jane Roe of the _Example Courier_ gave it three stars. "
        'She called it "a quiet triumph".\n\nIn Japan, the film opened on 3 May 2001. '
        "It was re-released on 12 August 2005."
    )
    plain = extraction_to_json(extract(text))
    assert "why" not in plain["quotes"][0]
    data = extraction_to_json(extract(text), explain=True, text=text)
    (quote,) = data["quotes"]
    assert quote["why"][0]["sentence"].startswith("Jane Roe of the _Example Courier_")
    second = data["releases"][1]
    assert [w["sentence"] for w in second["why"]] == [
        "In Japan, the film opened on 3 May 2001.",
        "It was re-released on 12 August 2005.",
    ]
