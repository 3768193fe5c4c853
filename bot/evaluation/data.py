"""Where the evaluation data lives, how labels are read, and one run over all of it.

Labels are in the repository (`tests/eval/dev-labels.jsonl`, `tests/eval/test-labels.jsonl`;
see tests/eval/README.md); the articles they label are the public corpus, found with
`--corpus DIR`, else `$PULLQUOTE_CORPUS`, else `shared/corpus/wikipedia-films` beside the
checkout. The test split is scored in aggregate only: its per-file scores and misses are never
kept, so nothing about single test articles can be printed (they are held out from tuning).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.evaluation.classes import (
    Article,
    ClassCounts,
    Miss,
    new_classes,
    quote_misses,
    release_misses,
    score_quote_classes,
    score_release_classes,
)
from bot.evaluation.scoring import (
    Accuracy,
    Counts,
    LabelQuote,
    LabelRelease,
    match_quotes,
    match_releases,
    parse_date,
    quote_counts,
    release_counts,
)
from bot.extract.pipeline import extract
from bot.extract.types import Context, Extraction

Group = Literal["dev", "test", "seeds"]
GROUPS: tuple[Group, ...] = ("dev", "test", "seeds")
SEED_FILM = Context(film="Her", year=2013)
CORPUS_ENV = "PULLQUOTE_CORPUS"
_CHECKOUT = Path(__file__).resolve().parents[2]
LABELS_DIR = _CHECKOUT / "tests" / "eval"


def label_files(labels_dir: Path = LABELS_DIR) -> dict[Group, Path]:
    """The label files of the dev and test splits in `labels_dir` (those that exist)."""
    found: dict[Group, Path] = {}
    for group in ("dev", "test"):
        path = labels_dir / f"{group}-labels.jsonl"
        if path.is_file():
            found[group] = path
    return found


def _shared(*parts: str) -> Path | None:
    for base in (_CHECKOUT, Path.cwd()):
        candidate = base.parent.joinpath("shared", *parts)
        if candidate.is_dir():
            return candidate
    return None


def default_corpus() -> Path | None:
    """`$PULLQUOTE_CORPUS`, else the team's copy beside the checkout, else None."""
    env = os.environ.get(CORPUS_ENV)
    if env:
        return Path(env)
    return _shared("corpus", "wikipedia-films")


def default_seeds() -> Path | None:
    """The seed reviews and their expectations beside the checkout, if there."""
    return _shared("seeds")


class EvalSetupError(Exception):
    """The evaluation data cannot be found; the message says what is missing and what to do."""


def eval_inputs(
    corpus: Path | None = None, seeds: Path | None = None, labels: Path | None = None
) -> tuple[Path, Path | None, dict[Group, Path]]:
    """The corpus folder, the seeds folder (None when absent) and the label files to use:
    the given folders, else the defaults. Raises EvalSetupError when the corpus or the labels
    cannot be found."""
    corpus_dir = corpus or default_corpus()
    if corpus_dir is None or not corpus_dir.is_dir():
        shown = corpus_dir or "shared/corpus/wikipedia-films beside the checkout"
        raise EvalSetupError(
            f"no corpus at {shown}: pass --corpus DIR or set {CORPUS_ENV} "
            "(tests/eval/README.md says how to get it)"
        )
    seeds_dir = seeds or default_seeds()
    if seeds is not None and not seeds.is_dir():
        raise EvalSetupError(f"no seeds folder at {seeds}")
    found = label_files(labels or LABELS_DIR)
    if not found:
        raise EvalSetupError(f"no dev-labels.jsonl or test-labels.jsonl in {labels or LABELS_DIR}")
    return corpus_dir, seeds_dir, found


# ---------------------------------------------------------------------------------------------
# Scores


@dataclass(slots=True)
class Totals:
    """Micro-averaged scores over a set of files, overall and per class of error."""

    files: int = 0
    quotes: Counts = field(default_factory=Counts)
    attribution: Accuracy = field(default_factory=Accuracy)
    releases: Counts = field(default_factory=Counts)
    event_kinds: Accuracy = field(default_factory=Accuracy)
    classes: dict[str, ClassCounts] = field(default_factory=new_classes)

    def add(self, other: Totals) -> None:
        """Accumulate another file's (or set's) scores."""
        self.files += other.files
        self.quotes.add(other.quotes)
        self.attribution.add(other.attribution)
        self.releases.add(other.releases)
        self.event_kinds.add(other.event_kinds)
        for name, counts in other.classes.items():
            self.classes[name].add(counts)


@dataclass(slots=True)
class FileScore:
    """One file's scores and what went wrong in it."""

    name: str
    group: Group
    scores: Totals = field(default_factory=Totals)
    misses: list[Miss] = field(default_factory=list)


@dataclass(slots=True)
class EvalReport:
    """Per-file scores for dev and seeds, totals for every group, and the dev misses."""

    files: list[FileScore] = field(default_factory=list)
    groups: dict[Group, Totals] = field(default_factory=dict)
    seconds: float = 0.0

    def totals(self, group: Group) -> Totals:
        """The totals of one group (empty when it was not run)."""
        return self.groups.get(group, Totals())

    def worst(self, n: int = 10) -> list[Miss]:
        """The dev split's `n` worst misses, most severe first."""
        misses = [m for f in self.files if f.group == "dev" for m in f.misses]
        return sorted(misses, key=lambda m: -m.severity)[:n]


def score_file(
    name: str,
    group: Group,
    text: str,
    result: Extraction,
    quotes: list[LabelQuote],
    releases: list[LabelRelease],
) -> FileScore:
    """Score one extraction against its labels: counts, classes and misses."""
    score = FileScore(name=name, group=group)
    t = score.scores
    t.files = 1
    art = Article(text)
    qm = match_quotes(result.quotes, quotes, art.locate_all([q.text for q in quotes]))
    t.quotes, t.attribution = quote_counts(qm)
    rm = match_releases(result.releases, releases)
    t.releases, t.event_kinds = release_counts(rm)
    score_quote_classes(art, quotes, result.quotes, qm, t.classes)
    score_release_classes(art, rm, t.classes)
    score.misses = quote_misses(art, name, qm) + release_misses(art, name, rm)
    return score


# ---------------------------------------------------------------------------------------------
# Labels


def _label_line(line: dict[str, Any]) -> tuple[Context, list[LabelQuote], list[LabelRelease]]:
    film = line.get("film") or {}
    ctx = Context(film=film.get("title"), year=film.get("year"))
    quotes = [
        LabelQuote(
            text=q["text"], critic=q.get("critic"), outlet=q.get("outlet"), kind=q["kind"]
        )
        for q in line.get("quotes", [])
    ]
    releases = [
        LabelRelease(
            r.get("region"), *parse_date(r.get("date")), event=r["event"],
            evidence=r.get("evidence") or "",
        )
        for r in line.get("releases", [])
    ]
    return ctx, quotes, releases


def iter_labels(
    path: Path,
) -> Iterator[tuple[str, Context, list[LabelQuote], list[LabelRelease]]]:
    """Each labelled article of a JSON Lines label file: name, context and labels."""
    with path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                ctx, quotes, releases = _label_line(line)
                name = str(line["file"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{lineno}: bad label line: {exc}") from exc
            yield name, ctx, quotes, releases


def _seed_labels(entry: dict[str, Any]) -> tuple[list[LabelQuote], list[LabelRelease]]:
    quotes = [
        LabelQuote(text=q["text"], critic=q.get("critic"), outlet=q.get("outlet"))
        for q in entry.get("critic_quotes", [])
    ]
    quotes += [LabelQuote(text=q["text"], optional=True) for q in entry.get("optional_quotes", [])]
    quotes += [LabelQuote(text=q["text"], kind="other") for q in entry.get("other_quotes", [])]
    # The seeds give no year (no publication date is known), so the expected year is null.
    releases = [
        LabelRelease(r.get("region"), r.get("year"), r.get("month"), r.get("day"), r["event"])
        for r in entry.get("releases", [])
    ]
    return quotes, releases


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"labelled file {path} is missing") from None


def run_eval(
    corpus_dir: Path, seeds_dir: Path | None, labels: Mapping[Group, Path]
) -> EvalReport:
    """Extract every labelled article (and the seeds) and score it by issue 3's rules."""
    report = EvalReport()
    t0 = time.perf_counter()
    for group, path in labels.items():
        totals = report.groups.setdefault(group, Totals())
        for name, ctx, quotes, releases in iter_labels(path):
            text = _read(corpus_dir / name)
            score = score_file(name, group, text, extract(text, ctx), quotes, releases)
            totals.add(score.scores)
            if group != "test":  # held out: aggregates only
                report.files.append(score)
    if seeds_dir is not None:
        expected = json.loads((seeds_dir / "expected.json").read_text(encoding="utf-8"))
        totals = report.groups.setdefault("seeds", Totals())
        for name, entry in sorted(expected.get("files", {}).items()):
            quotes, releases = _seed_labels(entry)
            text = _read(seeds_dir / name)
            score = score_file(name, "seeds", text, extract(text, SEED_FILM), quotes, releases)
            totals.add(score.scores)
            report.files.append(score)
    report.seconds = time.perf_counter() - t0
    return report
