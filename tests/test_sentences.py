"""Sentence splitting: quotations, abbreviations, initials, titles and exact offsets."""

from __future__ import annotations

import pytest

from bot.extract.sentences import quote_pairs, split_sentences


def _texts(text: str) -> list[str]:
    sentences = split_sentences(text)
    for s in sentences:
        assert text[s.start : s.end] == s.text
    return [s.text for s in sentences]


def test_splits_plain_sentences() -> None:
    assert _texts("The film opened. Critics loved it! Did audiences?") == [
        "The film opened.",
        "Critics loved it!",
        "Did audiences?",
    ]


def test_lines_split_first_and_carry_their_line() -> None:
    text = "Reception\n\nThe film was praised. It made money.\nCaption Line Here"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Reception",
        "The film was praised.",
        "It made money.",
        "Caption Line Here",
    ]
    assert [s.line_start for s in sentences] == [True, True, False, True]
    assert sentences[2].line == "The film was praised. It made money."


def test_never_splits_inside_a_straight_quotation() -> None:
    text = 'She wrote, "It works. It really does." Then she left.'
    assert _texts(text) == ['She wrote, "It works. It really does."', "Then she left."]


def test_never_splits_inside_a_curly_quotation() -> None:
    text = "He called it “a mess. A glorious one.” The studio disagreed."
    assert _texts(text) == ["He called it “a mess. A glorious one.”", "The studio disagreed."]


def test_unclosed_quote_ends_with_its_sentence() -> None:
    text = 'The paper says: "It is odd and a bit wonderful. Her sees him grow as a writer.'
    assert _texts(text) == [
        'The paper says: "It is odd and a bit wonderful.',
        "Her sees him grow as a writer.",
    ]


def test_nested_straight_quotes_stay_in_one_sentence() -> None:
    text = 'A critic wrote "The sequel "Kong" is loud. Too loud." Fans agreed.'
    assert _texts(text) == ['A critic wrote "The sequel "Kong" is loud. Too loud."', "Fans agreed."]


@pytest.mark.parametrize(
    "text",
    [
        "It opened on Dec. 25 in most cities.",
        "Mr. Smith and Dr. Jones met in St. Louis.",
        "The cast included Sammy Davis Jr. and others.",
        "It was made by Warner Bros. Pictures in Burbank.",
        "Hanks vs. Murray was the pitch.",
        "It ranked no. 3 that week.",
        "It was rated 3.5 out of 4 stars.",
        "Director J. J. Abrams and critic A. O. Scott spoke.",
        "The crew of the B.D. Fox agency built it.",
        "Voters picked _Who Framed Roger Rabbit?_ as the best film.",
        "Voters picked _Dr. Strangelove_ again.",
        "He praised it [...] Then he left the theatre.",
    ],
)
def test_abbreviations_initials_and_titles_do_not_split(text: str) -> None:
    assert _texts(text) == [text]


def test_acronym_at_sentence_end_splits_before_a_sentence_opener() -> None:
    assert _texts("It opened in the U.S. The reviews were warm.") == [
        "It opened in the U.S.",
        "The reviews were warm.",
    ]


def test_ellipsis_then_capital_splits_but_mid_sentence_does_not() -> None:
    assert _texts("It drifts... slowly. Then it ends... Nobody cares.") == [
        "It drifts... slowly.",
        "Then it ends...",
        "Nobody cares.",
    ]


def test_markdown_italic_outlet_at_sentence_end() -> None:
    text = "The review ran in _The New York Times_. It was kind."
    assert _texts(text) == ["The review ran in _The New York Times_.", "It was kind."]


def test_glued_sentences_are_split() -> None:
    assert _texts("It is a small thing here.To get it, watch.") == [
        "It is a small thing here.",
        "To get it, watch.",
    ]


def test_offsets_survive_crlf_and_blank_lines() -> None:
    text = "First line.\r\n\r\n  Second one. Third one.\r\n"
    sentences = split_sentences(text)
    assert [text[s.start : s.end] for s in sentences] == [s.text for s in sentences]
    assert [s.text for s in sentences] == ["First line.", "Second one.", "Third one."]


def test_quote_pairs_handles_nesting_and_unclosed_openers() -> None:
    line = 'He said "a "big" hit" and "then'
    pairs, unclosed = quote_pairs(line)
    assert [(line[a + 1 : b]) for a, b in pairs] == ['a "big" hit', "big"]
    assert [line[i:] for i in unclosed] == ['"then']
