"""The eval scoring rules of issue 3, on small hand-made inputs."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from bot.evaluation import (
    FileScore,
    LabelQuote,
    LabelRelease,
    attribution_right,
    normalise_outlet,
    parse_date,
    quotes_match,
    render_report,
    report_to_json,
    run_eval,
    score_quotes,
    score_releases,
)
from bot.extract.types import Quote, ReleaseEvent
from storage.records import EventKind


def critic(text: str, critic: str | None = None, outlet: str | None = None) -> Quote:
    return Quote(text, 0, len(text), "critic", critic, outlet)


def release(
    region: str | None, y: int | None, m: int | None, d: int | None, event: EventKind
) -> ReleaseEvent:
    return ReleaseEvent(y, m, d, region, event, 0, 1)


def fresh() -> FileScore:
    return FileScore("f.md", "dev")


# --- quote text matching -----------------------------------------------------------------------


def test_match_ignores_case_and_punctuation() -> None:
    assert quotes_match("A Bit WONDERFUL!", "a bit wonderful.")
    assert quotes_match(
        "_Batman_ elevates camp—to an art form", "Batman elevates camp to an art form"
    )


def test_match_needs_eighty_percent_of_the_shorter_text() -> None:
    label = "one two three four five"
    assert quotes_match("one two three four", label)  # 4 of 4 shorter words
    assert quotes_match("one two three four five six seven eight nine ten", label)
    assert quotes_match("one two three four nope", label)  # 4/5 = 0.8 exactly
    assert not quotes_match("one two three nope nah", label)  # 3/5
    assert not quotes_match("", label)


def test_repeated_words_count_once_each() -> None:
    # Multiset overlap: "very very very good" shares one "very" and "good" with "very good film".
    assert not quotes_match("very very very good", "very good film thing")


# --- one-to-one quote matching -----------------------------------------------------------------


def test_each_label_matches_at_most_one_prediction() -> None:
    score = fresh()
    label = LabelQuote("a haunting and wonderful film", outlet="Variety")
    score_quotes(
        [critic("a haunting and wonderful film"), critic("haunting and wonderful film")],
        [label],
        score,
    )
    assert (score.quotes.tp, score.quotes.fp, score.quotes.fn) == (1, 1, 0)


def test_matching_is_maximum_not_greedy() -> None:
    # Prediction 0 matches both labels, prediction 1 only the first: a greedy pass could pair
    # 0 with the first label and leave 1 unmatched; the maximum matching finds both.
    labels = [LabelQuote("alpha beta gamma delta"), LabelQuote("alpha beta gamma epsilon")]
    preds = [critic("alpha beta gamma delta epsilon"), critic("alpha beta gamma delta")]
    score = fresh()
    score_quotes(preds, labels, score)
    assert (score.quotes.tp, score.quotes.fp, score.quotes.fn) == (2, 0, 0)


def test_non_critic_predictions_are_not_scored() -> None:
    score = fresh()
    dialogue = Quote("I wish someone would love me like that.", 0, 5, "dialogue")
    score_quotes([dialogue], [], score)
    assert (score.quotes.tp, score.quotes.fp, score.quotes.fn) == (0, 0, 0)


def test_optional_quote_is_neither_hit_nor_error() -> None:
    labels = [LabelQuote("the epic sweep of a science-fiction opus,", optional=True)]
    score = fresh()
    score_quotes([critic("the epic sweep of a science-fiction opus")], labels, score)
    assert (score.quotes.tp, score.quotes.fp, score.quotes.fn) == (0, 0, 0)
    score = fresh()
    score_quotes([], labels, score)
    assert (score.quotes.tp, score.quotes.fp, score.quotes.fn) == (0, 0, 0)


def test_optional_label_never_takes_a_prediction_from_a_required_one() -> None:
    labels = [
        LabelQuote("alpha beta gamma delta", optional=True),
        LabelQuote("alpha beta gamma delta epsilon"),
    ]
    score = fresh()
    score_quotes([critic("alpha beta gamma delta")], labels, score)
    assert (score.quotes.tp, score.quotes.fp, score.quotes.fn) == (1, 0, 0)


# --- attribution -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "labelled"),
    [
        ("The New York Times", "New York Times"),
        ("the new york times", "_The New York Times_"),
        ("LA Times", "Los Angeles Times"),
        ("L.A. Times", "Los Angeles Times"),
        ("EW", "Entertainment Weekly"),
        ("The Verge", "Verge"),
        ("RogerEbert.com", "rogerebert.com"),
    ],
)
def test_outlets_match_through_case_the_punctuation_and_aliases(
    predicted: str, labelled: str
) -> None:
    assert normalise_outlet(predicted) == normalise_outlet(labelled)
    assert attribution_right(predicted, None, labelled, "Someone Else")


def test_different_outlets_are_wrong_even_with_the_same_critic() -> None:
    assert not attribution_right("Variety", "Jane Doe", "The Guardian", "Jane Doe")
    assert not attribution_right(None, "Jane Doe", "Variety", "Jane Doe")
    assert not attribution_right("Variety", None, None, None)


def test_both_outlets_null_falls_back_to_the_critic_name() -> None:
    assert attribution_right(None, "roger ebert", None, "Roger Ebert")
    assert not attribution_right(None, "Gene Siskel", None, "Roger Ebert")
    assert attribution_right(None, None, None, None)


def test_attribution_counted_among_matched_quotes_only() -> None:
    labels = [
        LabelQuote("a bit wonderful and odd", outlet="Los Angeles Times"),
        LabelQuote("an incredible job", outlet="The Verge"),
        LabelQuote("never predicted at all", outlet="Variety"),
    ]
    preds = [
        critic("a bit wonderful and odd", outlet="LA Times"),
        critic("an incredible job", outlet="Variety"),
    ]
    score = fresh()
    score_quotes(preds, labels, score)
    assert (score.attribution.right, score.attribution.total) == (1, 2)
    assert score.quotes.fn == 1


# --- releases ----------------------------------------------------------------------------------


def test_parse_date_precisions() -> None:
    assert parse_date("1985") == (1985, None, None)
    assert parse_date("2018-08") == (2018, 8, None)
    assert parse_date("2016-04-29") == (2016, 4, 29)
    assert parse_date(None) == (None, None, None)


def test_release_matches_on_all_four_parts_with_null_equal_null() -> None:
    labels = [
        LabelRelease("US", None, 1, 10, "theatrical"),
        LabelRelease(None, 1985, None, None, "home_media"),
    ]
    preds = [
        release("US", None, 1, 10, "theatrical"),
        release(None, 1985, None, None, "home_media"),
        release("US", 2014, 1, 10, "theatrical"),  # a guessed year is a different event
    ]
    score = fresh()
    score_releases(preds, labels, score)
    assert (score.releases.tp, score.releases.fp, score.releases.fn) == (2, 1, 0)
    assert (score.event_kinds.right, score.event_kinds.total) == (2, 2)


def test_release_match_is_one_to_one() -> None:
    labels = [LabelRelease("GB", 2016, 10, 13, "festival")]
    preds = [release("GB", 2016, 10, 13, "festival"), release("GB", 2016, 10, 13, "premiere")]
    score = fresh()
    score_releases(preds, labels, score)
    assert (score.releases.tp, score.releases.fp, score.releases.fn) == (1, 1, 0)
    assert (score.event_kinds.right, score.event_kinds.total) == (1, 1)


def test_other_events_are_optional() -> None:
    labels = [
        LabelRelease("KR", 2017, 7, 25, "other"),
        LabelRelease("KR", 2017, 7, 26, "theatrical"),
    ]
    score = fresh()
    score_releases([release("KR", 2017, 7, 25, "premiere")], labels, score)
    # Matching the optional event scores nothing; missing the theatrical one is a miss.
    assert (score.releases.tp, score.releases.fp, score.releases.fn) == (0, 0, 1)
    assert score.event_kinds.total == 0
    score = fresh()
    score_releases([release("KR", 2017, 7, 26, "theatrical")], labels, score)
    assert (score.releases.tp, score.releases.fp, score.releases.fn) == (1, 0, 0)


def test_event_kind_accuracy_among_matched() -> None:
    labels = [LabelRelease("US", 1971, 7, 4, "tv"), LabelRelease("US", 1966, 7, 30, "premiere")]
    preds = [release("US", 1971, 7, 4, "theatrical"), release("US", 1966, 7, 30, "premiere")]
    score = fresh()
    score_releases(preds, labels, score)
    assert score.releases.tp == 2
    assert (score.event_kinds.right, score.event_kinds.total) == (1, 2)
    assert any("event kind" in p for p in score.problems)


def test_same_key_pairs_equal_kinds_first() -> None:
    labels = [
        LabelRelease("AU", 2006, None, None, "home_media"),
        LabelRelease("AU", 2006, None, None, "tv"),
    ]
    preds = [release("AU", 2006, None, None, "tv"), release("AU", 2006, None, None, "home_media")]
    score = fresh()
    score_releases(preds, labels, score)
    assert (score.event_kinds.right, score.event_kinds.total) == (2, 2)


# --- end to end on a tiny corpus ---------------------------------------------------------------


def test_run_eval_on_a_tiny_corpus(tmp_path: Path) -> None:
    corpus, seeds = tmp_path / "corpus", tmp_path / "seeds"
    corpus.mkdir()
    seeds.mkdir()
    (corpus / "a.md").write_text("Nothing quotable lives here.\n", encoding="utf-8")
    label = {
        "file": "a.md",
        "film": {"title": "A", "year": 2001},
        "quotes": [{"text": "gorgeous", "kind": "critic", "critic": None, "outlet": "Variety"}],
        "releases": [
            {"date": "2001-05", "precision": "month", "region": "FR", "event": "festival"}
        ],
    }
    (corpus / "dev-labels.jsonl").write_text(json.dumps(label) + "\n", encoding="utf-8")
    (seeds / "s.txt").write_text("Plain words.", encoding="utf-8")
    (seeds / "expected.json").write_text(
        json.dumps({"files": {"s.txt": {"critic_quotes": [], "releases": []}}}), encoding="utf-8"
    )
    report = run_eval(corpus, seeds)
    assert [f.name for f in report.files] == ["a.md", "s.txt"]
    dev = report.totals("dev")
    assert (dev.quotes.fn, dev.releases.fn) == (1, 1)
    data = report_to_json(report)
    assert data["dev"]["critic_quotes"]["recall"] == 0.0
    assert data["files"][0]["problems"]
    out = StringIO()
    render_report(report, Console(file=out, width=160), per_file=True, details=True)
    assert "a.md" in out.getvalue() and "missed quote" in out.getvalue()
