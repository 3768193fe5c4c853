"""The eval scoring rules of issue 3, on small hand-made inputs."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from rich.console import Console

from bot.evaluation import (
    Accuracy,
    ClassCounts,
    Counts,
    LabelQuote,
    LabelRelease,
    attribution_right,
    match_quotes,
    match_releases,
    parse_date,
    quote_counts,
    quotes_match,
    release_counts,
    render_report,
    report_to_json,
    run_eval,
    score_file,
)
from bot.evaluation.classes import Article, release_classes
from bot.evaluation.data import (
    LABELS_DIR,
    EvalSetupError,
    Totals,
    default_corpus,
    eval_inputs,
)
from bot.extract import Context, extract
from bot.extract.outlets import normalise_outlet
from bot.extract.types import Quote, ReleaseEvent
from storage.records import EventKind


def critic(text: str, critic: str | None = None, outlet: str | None = None) -> Quote:
    return Quote(text, 0, len(text), "critic", critic, outlet)


def release(
    region: str | None, y: int | None, m: int | None, d: int | None, event: EventKind
) -> ReleaseEvent:
    return ReleaseEvent(y, m, d, region, event, 0, 1)


def score_quotes(preds: list[Quote], labels: list[LabelQuote]) -> tuple[Counts, Accuracy]:
    return quote_counts(match_quotes(preds, labels))


def score_releases(
    preds: list[ReleaseEvent], labels: list[LabelRelease]
) -> tuple[Counts, Accuracy]:
    return release_counts(match_releases(preds, labels))


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
    label = LabelQuote("a haunting and wonderful film", outlet="Variety")
    counts, _ = score_quotes(
        [critic("a haunting and wonderful film"), critic("haunting and wonderful film")],
        [label],
    )
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 0)


def test_matching_is_maximum_not_greedy() -> None:
    # Prediction 0 matches both labels, prediction 1 only the first: a greedy pass could pair
    # 0 with the first label and leave 1 unmatched; the maximum matching finds both.
    labels = [LabelQuote("alpha beta gamma delta"), LabelQuote("alpha beta gamma epsilon")]
    preds = [critic("alpha beta gamma delta epsilon"), critic("alpha beta gamma delta")]
    counts, _ = score_quotes(preds, labels)
    assert (counts.tp, counts.fp, counts.fn) == (2, 0, 0)


def test_non_critic_predictions_are_not_scored() -> None:
    dialogue = Quote("I wish someone would love me like that.", 0, 5, "dialogue")
    counts, _ = score_quotes([dialogue], [])
    assert (counts.tp, counts.fp, counts.fn) == (0, 0, 0)


def test_optional_quote_is_neither_hit_nor_error() -> None:
    labels = [LabelQuote("the epic sweep of a science-fiction opus,", optional=True)]
    counts, _ = score_quotes([critic("the epic sweep of a science-fiction opus")], labels)
    assert (counts.tp, counts.fp, counts.fn) == (0, 0, 0)
    counts, _acc = score_quotes([], labels)
    assert (counts.tp, counts.fp, counts.fn) == (0, 0, 0)


def test_optional_label_never_takes_a_prediction_from_a_required_one() -> None:
    labels = [
        LabelQuote("alpha beta gamma delta", optional=True),
        LabelQuote("alpha beta gamma delta epsilon"),
    ]
    counts, _acc = score_quotes([critic("alpha beta gamma delta")], labels)
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 0)


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
    counts, acc = score_quotes(preds, labels)
    assert (acc.right, acc.total) == (1, 2)
    assert counts.fn == 1


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
    counts, kinds = score_releases(preds, labels)
    assert (counts.tp, counts.fp, counts.fn) == (2, 1, 0)
    assert (kinds.right, kinds.total) == (2, 2)


def test_release_match_is_one_to_one() -> None:
    labels = [LabelRelease("GB", 2016, 10, 13, "festival")]
    preds = [release("GB", 2016, 10, 13, "festival"), release("GB", 2016, 10, 13, "premiere")]
    counts, kinds = score_releases(preds, labels)
    assert (counts.tp, counts.fp, counts.fn) == (1, 1, 0)
    assert (kinds.right, kinds.total) == (1, 1)


def test_other_events_are_optional() -> None:
    labels = [
        LabelRelease("KR", 2017, 7, 25, "other"),
        LabelRelease("KR", 2017, 7, 26, "theatrical"),
    ]
    counts, kinds = score_releases([release("KR", 2017, 7, 25, "premiere")], labels)
    # Matching the optional event scores nothing; missing the theatrical one is a miss.
    assert (counts.tp, counts.fp, counts.fn) == (0, 0, 1)
    assert kinds.total == 0
    counts, kinds = score_releases([release("KR", 2017, 7, 26, "theatrical")], labels)
    assert (counts.tp, counts.fp, counts.fn) == (1, 0, 0)


def test_event_kind_accuracy_among_matched() -> None:
    labels = [LabelRelease("US", 1971, 7, 4, "tv"), LabelRelease("US", 1966, 7, 30, "premiere")]
    preds = [release("US", 1971, 7, 4, "theatrical"), release("US", 1966, 7, 30, "premiere")]
    counts, kinds = score_releases(preds, labels)
    assert counts.tp == 2
    assert (kinds.right, kinds.total) == (1, 2)


def test_same_key_pairs_equal_kinds_first() -> None:
    labels = [
        LabelRelease("AU", 2006, None, None, "home_media"),
        LabelRelease("AU", 2006, None, None, "tv"),
    ]
    preds = [release("AU", 2006, None, None, "tv"), release("AU", 2006, None, None, "home_media")]
    _counts, kinds = score_releases(preds, labels)
    assert (kinds.right, kinds.total) == (2, 2)


# --- classes of error --------------------------------------------------------------------------


def _one_file(text: str, label: dict[str, object]) -> Totals:
    ctx, quotes, releases = _labels(label)
    return score_file("a.md", "dev", text, extract(text, ctx), quotes, releases).scores


def _labels(label: dict[str, object]) -> tuple[Context, list[LabelQuote], list[LabelRelease]]:
    from bot.evaluation.data import _label_line

    return _label_line({"file": "a.md", "film": {"title": "A", "year": 2001}, **label})


def test_release_classes_come_from_the_evidence_sentence() -> None:
    sentence = Article("It opened there on 3 May 2001. Also on 4 and 5 June.").sentences
    assert release_classes("US", 2001, sentence[0]) == ["country"]
    assert release_classes(None, 2001, sentence[1]) == ["multi-date"]
    named = Article("It opened in Japan on 3 May 2001.").sentences[0]
    assert release_classes("JP", 2001, named) == []
    two = Article("It was shown on March 3 and 4, 1920.").sentences[0]
    assert release_classes(None, 1920, two) == ["multi-date"]


def test_country_class_counts_inherited_regions() -> None:
    text = "It was released in Japan in 1999.\n\nIt came out on DVD there on 2 May 2001.\n"
    label = {
        "quotes": [],
        "releases": [
            {"date": "1999", "region": "JP", "event": "theatrical", "evidence": "in Japan in 1999"},
            {"date": "2001-05-02", "region": "JP", "event": "home_media",
             "evidence": "on DVD there on 2 May 2001"},
        ],
    }
    country = _one_file(text, label).classes["country"]
    assert country.gold == 1


def test_carried_attribution_class_and_hits() -> None:
    text = (
        "_A Film_ is a 2001 film.\n\n"
        'Jane Roe of _The Example Courier_ called it "a quiet triumph". '
        'She added that it is "uniformly superb and moving".\n'
    )
    label = {
        "quotes": [
            {"text": "a quiet triumph", "kind": "critic", "critic": "Jane Roe",
             "outlet": "The Example Courier"},
            {"text": "uniformly superb and moving", "kind": "critic", "critic": "Jane Roe",
             "outlet": "The Example Courier"},
        ],
        "releases": [],
    }
    carried = _one_file(text, label).classes["attribution carried"]
    assert (carried.gold, carried.gold_hit) == (1, 1)  # only the second names nobody
    assert (carried.pred, carried.pred_hit) == (1, 1)


def test_not_a_critics_class_scores_the_director() -> None:
    text = 'The director said the film was "about my father and his garden".\n'
    label = {
        "quotes": [
            {"text": "about my father and his garden", "kind": "other", "critic": None,
             "outlet": None},
        ],
        "releases": [],
    }
    others = _one_file(text, label).classes["not a critic's"]
    assert (others.gold, others.gold_hit, others.pred, others.pred_hit) == (1, 1, 1, 1)


def test_class_counts_give_precision_recall_f1() -> None:
    c = ClassCounts(gold=4, gold_hit=3, pred=6, pred_hit=3)
    assert (c.precision, c.recall) == (0.5, 0.75)
    assert c.f1 == pytest.approx(0.6)
    assert ClassCounts().f1 is None


# --- end to end on a tiny corpus ---------------------------------------------------------------


def _tiny(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus, seeds, labels = tmp_path / "corpus", tmp_path / "seeds", tmp_path / "labels"
    for d in (corpus, seeds, labels):
        d.mkdir()
    (corpus / "a.md").write_text(
        'Nothing quotable lives here. Ann Lee of _Variety_ called it "a mess of a film".\n',
        encoding="utf-8",
    )
    (corpus / "secret.md").write_text("Held out words.\n", encoding="utf-8")
    label = {
        "file": "a.md",
        "film": {"title": "A", "year": 2001},
        "quotes": [
            {"text": "gorgeous", "kind": "critic", "critic": None, "outlet": "Variety"},
            {"text": "a mess of a film", "kind": "critic", "critic": "Ann Lee",
             "outlet": "The Guardian"},
        ],
        "releases": [
            {"date": "2001-05", "precision": "month", "region": "FR", "event": "festival"}
        ],
    }
    held_out = {
        "file": "secret.md",
        "film": {"title": "S", "year": 2002},
        "quotes": [{"text": "secretly great", "kind": "critic", "critic": None, "outlet": "X"}],
        "releases": [],
    }
    (labels / "dev-labels.jsonl").write_text(json.dumps(label) + "\n", encoding="utf-8")
    (labels / "test-labels.jsonl").write_text(json.dumps(held_out) + "\n", encoding="utf-8")
    (seeds / "s.txt").write_text("Plain words.", encoding="utf-8")
    (seeds / "expected.json").write_text(
        json.dumps({"files": {"s.txt": {"critic_quotes": [], "releases": []}}}), encoding="utf-8"
    )
    return corpus, seeds, labels


def test_run_eval_on_a_tiny_corpus(tmp_path: Path) -> None:
    corpus, seeds, labels = _tiny(tmp_path)
    report = run_eval(*eval_inputs(corpus, seeds, labels))
    assert [f.name for f in report.files] == ["a.md", "s.txt"]
    dev = report.totals("dev")
    assert (dev.quotes.tp, dev.quotes.fn, dev.releases.fn) == (1, 1, 1)
    assert (dev.attribution.right, dev.attribution.total) == (0, 1)
    data = report_to_json(report)
    assert data["dev"]["critic_quotes"]["recall"] == 0.5
    assert data["test"]["critic_quotes"]["fn"] == 1
    worst = report.worst()
    assert worst[0].severity == 5 and "Variety" in worst[0].what
    assert "Ann Lee of _Variety_" in worst[0].context
    out = StringIO()
    render_report(report, Console(file=out, width=200), per_file=True)
    shown = out.getvalue()
    assert "a.md" in shown and "missed critic quote" in shown and "test (1 files)" in shown


def test_the_test_split_is_shown_in_aggregate_only(tmp_path: Path) -> None:
    corpus, seeds, labels = _tiny(tmp_path)
    report = run_eval(*eval_inputs(corpus, seeds, labels))
    assert report.totals("test").files == 1
    assert all(f.group != "test" for f in report.files)
    out = StringIO()
    render_report(report, Console(file=out, width=200), per_file=True)
    dumped = json.dumps(report_to_json(report))
    for shown in (out.getvalue(), dumped):
        assert "secret" not in shown


def test_missing_corpus_or_labels_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(EvalSetupError, match="--corpus"):
        eval_inputs(tmp_path / "nowhere", None, tmp_path)
    with pytest.raises(EvalSetupError, match=r"dev-labels\.jsonl"):
        eval_inputs(tmp_path, None, tmp_path)


# --- floors on the dev split (the labels are in tests/eval; the corpus is shared data) ---------


@pytest.mark.skipif(default_corpus() is None, reason="corpus not found (tests/eval/README.md)")
def test_dev_floors() -> None:
    corpus = default_corpus()
    assert corpus is not None
    report = run_eval(corpus, None, {"dev": LABELS_DIR / "dev-labels.jsonl"})
    dev = report.totals("dev")
    # a little under the figures in tests/eval/README.md (quotes 0.99, outlets 1.00, releases
    # 0.95, kinds 1.00)
    assert (dev.quotes.f1 or 0) >= 0.97, dev.quotes
    assert (dev.attribution.value or 0) >= 0.98, dev.attribution
    assert (dev.releases.f1 or 0) >= 0.93, dev.releases
    assert (dev.event_kinds.value or 0) >= 0.98, dev.event_kinds
    classes = dev.classes
    assert (classes["attribution carried"].f1 or 0) >= 0.93, classes["attribution carried"]
    assert (classes["not a critic's"].f1 or 0) >= 0.90, classes["not a critic's"]
    assert (classes["multi-date"].f1 or 0) >= 0.95, classes["multi-date"]
