"""`pullquote eval`: score extraction against the labelled corpus and the seed expectations.

The scoring rules are issue 3's, and every number quoted anywhere comes from here:

- a predicted critic quote matches a labelled critic quote when their texts, lower-cased with
  punctuation removed, share at least 80% of the shorter one's words (one-to-one matching);
- attribution is right when the normalised outlets match (case, a leading "The", punctuation and
  known aliases ignored), or when both outlets are null and the critic names match;
- a predicted release matches a labelled one when region, year, month and day are all equal
  (null equals null); labelled events of kind `other` are optional: matching one is neither a
  hit nor an error. The seeds' `optional_quotes` are optional in the same way.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

from bot.extract import outlets
from bot.extract.pipeline import extract
from bot.extract.types import Context, Extraction, Quote, ReleaseEvent

Group = Literal["dev", "seeds"]

OVERLAP = 0.8
SEED_FILM = Context(film="Her", year=2013)

# `_` counts as punctuation: the corpus writes italics as `_Title_`.
_PUNCT = re.compile(r"[^\w\s]|_")
_APOSTROPHES = re.compile(r"['’‘`]")


def _words(text: str) -> list[str]:
    """Lower-cased words with punctuation removed (apostrophes dropped, the rest split words)."""
    text = _APOSTROPHES.sub("", text.lower())
    return _PUNCT.sub(" ", text).split()


def quotes_match(predicted: str, labelled: str) -> bool:
    """True when the two texts share at least 80% of the shorter one's words (as a multiset)."""
    a, b = _words(predicted), _words(labelled)
    shorter = min(len(a), len(b))
    if shorter == 0:
        return False
    shared = sum((Counter(a) & Counter(b)).values())
    return shared >= OVERLAP * shorter


def _overlap(predicted: str, labelled: str) -> float:
    a, b = _words(predicted), _words(labelled)
    shorter = min(len(a), len(b))
    if shorter == 0:
        return 0.0
    return sum((Counter(a) & Counter(b)).values()) / shorter


def normalise_outlet(outlet: str | None) -> str | None:
    """An outlet's comparable form: case, a leading "The", punctuation and aliases ignored."""
    if outlet is None:
        return None
    # Markdown emphasis around a name (`_Variety_`) is not part of it.
    key = outlets.normalise_outlet(outlet.replace("_", " ").replace("*", " "))
    return key or None


def _normalise_name(name: str | None) -> str | None:
    if name is None:
        return None
    key = " ".join(_words(name))
    return key or None


def attribution_right(
    predicted_outlet: str | None,
    predicted_critic: str | None,
    labelled_outlet: str | None,
    labelled_critic: str | None,
) -> bool:
    """Issue 3's attribution rule: outlets match, or both are null and the critics match."""
    p_out, l_out = normalise_outlet(predicted_outlet), normalise_outlet(labelled_outlet)
    if p_out is not None or l_out is not None:
        return p_out == l_out
    return _normalise_name(predicted_critic) == _normalise_name(labelled_critic)


def max_matching(n_pred: int, edges: Callable[[int], Sequence[int]]) -> dict[int, int]:
    """A maximum one-to-one matching (Kuhn's algorithm) as {pred index: gold index}.

    `edges(p)` lists the gold items prediction `p` may pair with, best first; the search tries
    them in that order, so ties between maximum matchings go to the better pairs."""
    gold_of: dict[int, int] = {}
    pred_of: dict[int, int] = {}

    def augment(p: int, seen: set[int]) -> bool:
        for g in edges(p):
            if g in seen:
                continue
            seen.add(g)
            if g not in pred_of or augment(pred_of[g], seen):
                pred_of[g] = p
                gold_of[p] = g
                return True
        return False

    for p in range(n_pred):
        augment(p, set())
    return gold_of


# ---------------------------------------------------------------------------------------------
# Labels


@dataclass(frozen=True, slots=True)
class LabelQuote:
    """A labelled critic quote (or an optional one, which scores neither way)."""

    text: str
    critic: str | None = None
    outlet: str | None = None
    optional: bool = False


@dataclass(frozen=True, slots=True)
class LabelRelease:
    """A labelled release; kind `other` is optional."""

    region: str | None
    year: int | None
    month: int | None
    day: int | None
    event: str

    @property
    def key(self) -> tuple[str | None, int | None, int | None, int | None]:
        """What a prediction must equal to match."""
        return (self.region, self.year, self.month, self.day)

    @property
    def optional(self) -> bool:
        """Labelled `other` events (trailers, private screenings) are optional."""
        return self.event == "other"


def parse_date(value: str | None) -> tuple[int | None, int | None, int | None]:
    """ "YYYY", "YYYY-MM" or "YYYY-MM-DD" (or null) as (year, month, day)."""
    if not value:
        return (None, None, None)
    parts = [int(p) for p in value.split("-")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"bad label date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    padded = parts + [None] * (3 - len(parts))
    return (padded[0], padded[1], padded[2])


# ---------------------------------------------------------------------------------------------
# Scores


@dataclass(slots=True)
class Counts:
    """True positives, false positives and false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp), or None when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn), or None when nothing was labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall, or None when there was nothing at all."""
        if self.tp + self.fp + self.fn == 0:
            return None
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def add(self, other: Counts) -> None:
        """Accumulate another file's counts."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


@dataclass(slots=True)
class Accuracy:
    """Right out of total, among matched items."""

    right: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        """right / total, or None when nothing was matched."""
        return self.right / self.total if self.total else None

    def add(self, other: Accuracy) -> None:
        """Accumulate another file's accuracy."""
        self.right += other.right
        self.total += other.total


@dataclass(slots=True)
class FileScore:
    """One file's scores, plus what went wrong in words (for debugging extraction)."""

    name: str
    group: Group
    quotes: Counts = field(default_factory=Counts)
    attribution: Accuracy = field(default_factory=Accuracy)
    releases: Counts = field(default_factory=Counts)
    event_kinds: Accuracy = field(default_factory=Accuracy)
    problems: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Totals:
    """Micro-averaged scores over a set of files."""

    files: int = 0
    quotes: Counts = field(default_factory=Counts)
    attribution: Accuracy = field(default_factory=Accuracy)
    releases: Counts = field(default_factory=Counts)
    event_kinds: Accuracy = field(default_factory=Accuracy)


@dataclass(slots=True)
class EvalReport:
    """Every file's scores; totals are computed on demand per group."""

    files: list[FileScore] = field(default_factory=list)
    seconds: float = 0.0

    def totals(self, group: Group | None = None) -> Totals:
        """Micro-averaged totals over the `dev` files, the `seeds`, or all files (None)."""
        out = Totals()
        for f in self.files:
            if group is not None and f.group != group:
                continue
            out.files += 1
            out.quotes.add(f.quotes)
            out.attribution.add(f.attribution)
            out.releases.add(f.releases)
            out.event_kinds.add(f.event_kinds)
        return out


# ---------------------------------------------------------------------------------------------
# Scoring one file


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fmt_release(key: tuple[str | None, int | None, int | None, int | None], event: str) -> str:
    region, year, month, day = key
    date = "-".join("?" if p is None else f"{p:02d}" for p in (year, month, day))
    return f"{region or '??'} {date} {event}"


def score_quotes(
    predicted: Sequence[Quote], labels: Sequence[LabelQuote], score: FileScore
) -> None:
    """Match predicted critic quotes to labelled ones and add the counts to `score`."""
    preds = [q for q in predicted if q.kind == "critic"]
    required = [lab for lab in labels if not lab.optional]
    optional = [lab for lab in labels if lab.optional]

    def candidates(pool: Sequence[LabelQuote]) -> Callable[[int], list[int]]:
        def edges(p: int) -> list[int]:
            scored = [
                (_overlap(preds[p].text, lab.text), g)
                for g, lab in enumerate(pool)
                if quotes_match(preds[p].text, lab.text)
            ]
            return [g for _, g in sorted(scored, key=lambda t: -t[0])]

        return edges

    # Required labels first, so an optional label can never take a prediction from one.
    matched = max_matching(len(preds), candidates(required))
    rest = [p for p in range(len(preds)) if p not in matched]
    rest_preds = [preds[p] for p in rest]
    optional_edges = candidates(optional)
    spare = max_matching(len(rest), lambda i: optional_edges(rest[i]))

    score.quotes.tp += len(matched)
    score.quotes.fn += len(required) - len(matched)
    score.quotes.fp += len(rest) - len(spare)

    for p, g in matched.items():
        pred, lab = preds[p], required[g]
        right = attribution_right(pred.outlet, pred.critic, lab.outlet, lab.critic)
        score.attribution.total += 1
        score.attribution.right += right
        if not right:
            score.problems.append(
                f"attribution: {_short(lab.text, 40)!r} got {pred.critic!r}/{pred.outlet!r},"
                f" want {lab.critic!r}/{lab.outlet!r}"
            )
    taken = set(matched.values())
    for g, lab in enumerate(required):
        if g not in taken:
            score.problems.append(f"missed quote: {_short(lab.text)!r}")
    for i, pred in enumerate(rest_preds):
        if i not in spare:
            score.problems.append(f"spurious quote: {_short(pred.text)!r}")


def score_releases(
    predicted: Sequence[ReleaseEvent], labels: Sequence[LabelRelease], score: FileScore
) -> None:
    """Match predicted releases to labelled ones by (region, year, month, day)."""
    by_key: dict[tuple[str | None, int | None, int | None, int | None], list[str]] = defaultdict(
        list
    )
    for r in predicted:
        by_key[(r.region, r.year, r.month, r.day)].append(r.event)
    gold: dict[tuple[str | None, int | None, int | None, int | None], list[LabelRelease]] = (
        defaultdict(list)
    )
    for lab in labels:
        gold[lab.key].append(lab)

    for key in by_key.keys() | gold.keys():
        events = list(by_key.get(key, []))
        required = [lab for lab in gold.get(key, []) if not lab.optional]
        optional = [lab for lab in gold.get(key, []) if lab.optional]
        # Within one key, pair equal event kinds first: which pairing is chosen is otherwise
        # arbitrary, and this one is the fairest to the kind accuracy.
        kinds_left = Counter(events)
        pairs: list[tuple[str, str]] = []
        unpaired_gold: list[LabelRelease] = []
        for lab in required:
            if kinds_left[lab.event] > 0:
                kinds_left[lab.event] -= 1
                pairs.append((lab.event, lab.event))
            else:
                unpaired_gold.append(lab)
        leftover = list(kinds_left.elements())
        while unpaired_gold and leftover:
            lab = unpaired_gold.pop(0)
            pairs.append((leftover.pop(0), lab.event))
        absorbed = min(len(leftover), len(optional))
        leftover = leftover[absorbed:]

        score.releases.tp += len(pairs)
        score.releases.fn += len(unpaired_gold)
        score.releases.fp += len(leftover)
        for got, want in pairs:
            score.event_kinds.total += 1
            score.event_kinds.right += got == want
            if got != want:
                score.problems.append(f"event kind: {_fmt_release(key, want)} predicted {got}")
        for lab in unpaired_gold:
            score.problems.append(f"missed release: {_fmt_release(key, lab.event)}")
        for got in leftover:
            score.problems.append(f"spurious release: {_fmt_release(key, got)}")


def score_file(
    name: str,
    group: Group,
    result: Extraction,
    quotes: Sequence[LabelQuote],
    releases: Sequence[LabelRelease],
) -> FileScore:
    """Score one extraction against its labels."""
    score = FileScore(name=name, group=group)
    score_quotes(result.quotes, quotes, score)
    score_releases(result.releases, releases, score)
    return score


# ---------------------------------------------------------------------------------------------
# Running


def _dev_labels(
    line: dict[str, Any],
) -> tuple[Context, list[LabelQuote], list[LabelRelease]]:
    film = line.get("film") or {}
    ctx = Context(film=film.get("title"), year=film.get("year"))
    quotes = [
        LabelQuote(text=q["text"], critic=q.get("critic"), outlet=q.get("outlet"))
        for q in line.get("quotes", [])
        if q.get("kind") == "critic"
    ]
    releases = [
        LabelRelease(r.get("region"), *parse_date(r.get("date")), event=r["event"])
        for r in line.get("releases", [])
    ]
    return ctx, quotes, releases


def _seed_labels(entry: dict[str, Any]) -> tuple[list[LabelQuote], list[LabelRelease]]:
    quotes = [
        LabelQuote(text=q["text"], critic=q.get("critic"), outlet=q.get("outlet"))
        for q in entry.get("critic_quotes", [])
    ]
    quotes += [LabelQuote(text=q["text"], optional=True) for q in entry.get("optional_quotes", [])]
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


def iter_dev(
    corpus_dir: Path,
) -> Iterable[tuple[str, Context, list[LabelQuote], list[LabelRelease]]]:
    """Each labelled article in `corpus_dir/dev-labels.jsonl`: name, context and labels."""
    labels_path = corpus_dir / "dev-labels.jsonl"
    with labels_path.open(encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                ctx, quotes, releases = _dev_labels(line)
                name = str(line["file"])
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{labels_path}:{lineno}: bad label line: {exc}") from exc
            yield name, ctx, quotes, releases


def run_eval(corpus_dir: Path, seeds_dir: Path) -> EvalReport:
    """Run extraction over the labelled articles and the seeds and score it (issue 3's rules)."""
    report = EvalReport()
    t0 = time.perf_counter()
    for name, ctx, quotes, releases in iter_dev(corpus_dir):
        result = extract(_read(corpus_dir / name), ctx)
        report.files.append(score_file(name, "dev", result, quotes, releases))

    expected = json.loads((seeds_dir / "expected.json").read_text(encoding="utf-8"))
    for name, entry in sorted(expected.get("files", {}).items()):
        quotes, releases = _seed_labels(entry)
        result = extract(_read(seeds_dir / name), SEED_FILM)
        report.files.append(score_file(name, "seeds", result, quotes, releases))
    report.seconds = time.perf_counter() - t0
    return report


# ---------------------------------------------------------------------------------------------
# Output


def _counts_json(c: Counts) -> dict[str, Any]:
    return {
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
    }


def _acc_json(a: Accuracy) -> dict[str, Any]:
    return {"right": a.right, "total": a.total, "accuracy": a.value}


def _totals_json(t: Totals) -> dict[str, Any]:
    return {
        "files": t.files,
        "critic_quotes": _counts_json(t.quotes),
        "attribution": _acc_json(t.attribution),
        "releases": _counts_json(t.releases),
        "event_kinds": _acc_json(t.event_kinds),
    }


def report_to_json(report: EvalReport) -> dict[str, Any]:
    """The report as plain JSON: per-file scores and problems, dev/seeds/overall totals."""
    return {
        "files": [
            {
                "file": f.name,
                "group": f.group,
                "critic_quotes": _counts_json(f.quotes),
                "attribution": _acc_json(f.attribution),
                "releases": _counts_json(f.releases),
                "event_kinds": _acc_json(f.event_kinds),
                "problems": list(f.problems),
            }
            for f in report.files
        ],
        "dev": _totals_json(report.totals("dev")),
        "seeds": _totals_json(report.totals("seeds")),
        "overall": _totals_json(report.totals()),
        "seconds": round(report.seconds, 3),
    }


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _acc_cell(a: Accuracy) -> str:
    return "–" if not a.total else f"{a.value:.2f} ({a.right}/{a.total})"


def _row(label: str, quotes: Counts, attr: Accuracy, rel: Counts, kinds: Accuracy) -> list[str]:
    return [
        label,
        _pct(quotes.precision),
        _pct(quotes.recall),
        _pct(quotes.f1),
        _acc_cell(attr),
        _pct(rel.precision),
        _pct(rel.recall),
        _pct(rel.f1),
        _acc_cell(kinds),
    ]


def _table(title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("file")
    for col in ("quote P", "quote R", "quote F1", "outlet acc", "rel P", "rel R", "rel F1"):
        table.add_column(col, justify="right")
    table.add_column("kind acc", justify="right")
    return table


def render_report(
    report: EvalReport, console: Console, *, per_file: bool = True, details: bool = False
) -> None:
    """Print the report as rich tables: per file (optional), then dev/seeds/overall totals.

    `details` also lists each file's missed, spurious and misattributed items."""
    if per_file:
        table = _table("Per file")
        for f in report.files:
            table.add_row(*_row(f.name, f.quotes, f.attribution, f.releases, f.event_kinds))
        console.print(table)
    if details:
        for f in report.files:
            if f.problems:
                console.print(f"[bold]{f.name}[/bold]")
                for problem in f.problems:
                    console.print(f"  {problem}", markup=False, highlight=False)
    totals = _table("Overall (micro-averaged)")
    groups: tuple[tuple[str, Group | None], ...] = (
        ("dev labels", "dev"),
        ("seeds", "seeds"),
        ("all", None),
    )
    for label, group in groups:
        t = report.totals(group)
        totals.add_row(
            *_row(f"{label} ({t.files})", t.quotes, t.attribution, t.releases, t.event_kinds)
        )
    console.print(totals)
    console.print(
        "Targets on the dev labels: critic-quote F1 >= 0.90, outlet accuracy >= 0.90, "
        f"release F1 >= 0.85. ({report.seconds:.2f} s)",
        highlight=False,
    )
