"""The scoring rules of issue 3, and one file's scores under them.

- a predicted critic quote matches a labelled critic quote when their texts, lower-cased with
  punctuation removed, share at least 80% of the shorter one's words (one-to-one matching);
- attribution is right when the normalised outlets match (`normalise_outlet`: case, a leading
  "The", punctuation and known aliases ignored), or when both outlets are null and the critic
  names match;
- a predicted release matches a labelled one when region, year, month and day are all equal
  (null equals null); labelled events of kind `other` are optional: matching one is neither a
  hit nor an error. The seeds' `optional_quotes` are optional in the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.extract.outlets import normalise_outlet
from bot.extract.types import Quote, ReleaseEvent

OVERLAP = 0.8

# `_` counts as punctuation: the corpus writes italics as `_Title_`.
_PUNCT = re.compile(r"[^\w\s]|_")
_APOSTROPHES = re.compile(r"['’‘`]")

ReleaseKey = tuple[str | None, int | None, int | None, int | None]


def _words(text: str) -> list[str]:
    """Lower-cased words with punctuation removed (apostrophes dropped, the rest split words)."""
    text = _APOSTROPHES.sub("", text.lower())
    return _PUNCT.sub(" ", text).split()


def overlap(predicted: str, labelled: str) -> float:
    """The share of the shorter text's words found in the other (as a multiset)."""
    a, b = _words(predicted), _words(labelled)
    shorter = min(len(a), len(b))
    if shorter == 0:
        return 0.0
    return sum((Counter(a) & Counter(b)).values()) / shorter


def quotes_match(predicted: str, labelled: str) -> bool:
    """True when the two texts share at least 80% of the shorter one's words (as a multiset)."""
    return overlap(predicted, labelled) >= OVERLAP


def outlet_key(outlet: str | None) -> str | None:
    """An outlet as compared by the attribution rule (`normalise_outlet`), None for none."""
    return (normalise_outlet(outlet) or None) if outlet is not None else None


def _name_key(name: str | None) -> str | None:
    if name is None:
        return None
    return " ".join(_words(name)) or None


def attribution_right(
    predicted_outlet: str | None,
    predicted_critic: str | None,
    labelled_outlet: str | None,
    labelled_critic: str | None,
) -> bool:
    """Issue 3's attribution rule: outlets match, or both are null and the critics match."""
    p_out, l_out = outlet_key(predicted_outlet), outlet_key(labelled_outlet)
    if p_out is not None or l_out is not None:
        return p_out == l_out
    return _name_key(predicted_critic) == _name_key(labelled_critic)


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
    """A labelled quote: `critic` kind (scored) or `other`; optional ones score neither way."""

    text: str
    critic: str | None = None
    outlet: str | None = None
    optional: bool = False
    kind: str = "critic"


@dataclass(frozen=True, slots=True)
class LabelRelease:
    """A labelled release; kind `other` is optional. `evidence` is a verbatim snippet."""

    region: str | None
    year: int | None
    month: int | None
    day: int | None
    event: str
    evidence: str = ""

    @property
    def key(self) -> ReleaseKey:
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
# Counts


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


# ---------------------------------------------------------------------------------------------
# Matching one file


@dataclass(slots=True)
class QuoteMatch:
    """How one file's predicted critic quotes pair with its labelled ones."""

    preds: list[Quote]
    required: list[LabelQuote]
    pairs: dict[int, int] = field(default_factory=dict)  # pred index -> required index
    optional_hits: set[int] = field(default_factory=set)  # preds matched to optional labels

    def right(self, p: int) -> bool:
        """Whether matched prediction `p` carries the labelled attribution."""
        pred, lab = self.preds[p], self.required[self.pairs[p]]
        return attribution_right(pred.outlet, pred.critic, lab.outlet, lab.critic)


def match_quotes(
    predicted: Sequence[Quote],
    labels: Sequence[LabelQuote],
    label_at: Sequence[tuple[int, int] | None] | None = None,
) -> QuoteMatch:
    """Pair predicted critic quotes with labelled critic quotes (required labels first).

    `label_at` gives where each label stands in the text, when known: between labels that
    match a prediction equally well, the nearer one is tried first ("superb" and "superb film"
    in two sentences pair with their own sentences' labels)."""
    preds = [q for q in predicted if q.kind == "critic"]
    where = list(label_at) if label_at is not None else [None] * len(labels)
    required = [i for i, lab in enumerate(labels) if lab.kind == "critic" and not lab.optional]
    optional = [i for i, lab in enumerate(labels) if lab.kind == "critic" and lab.optional]

    def candidates(pool: Sequence[int]) -> Callable[[int], list[int]]:
        def edges(p: int) -> list[int]:
            scored = []
            for g, i in enumerate(pool):
                share = overlap(preds[p].text, labels[i].text)
                if share >= OVERLAP:
                    at = where[i]
                    distance = abs(at[0] - preds[p].start) if at is not None else 0
                    scored.append((-share, distance, g))
            return [g for _, _, g in sorted(scored)]

        return edges

    # Required labels first, so an optional label can never take a prediction from one.
    pairs = max_matching(len(preds), candidates(required))
    rest = [p for p in range(len(preds)) if p not in pairs]
    optional_edges = candidates(optional)
    spare = max_matching(len(rest), lambda i: optional_edges(rest[i]))
    return QuoteMatch(preds, [labels[i] for i in required], pairs, {rest[i] for i in spare})


@dataclass(slots=True)
class ReleaseMatch:
    """How one file's predicted releases pair with its labelled ones, item by item."""

    preds: list[ReleaseEvent]
    labels: list[LabelRelease]
    pairs: dict[int, int] = field(default_factory=dict)  # pred index -> label index
    absorbed: set[int] = field(default_factory=set)  # preds matched to optional labels


def match_releases(
    predicted: Sequence[ReleaseEvent], labels: Sequence[LabelRelease]
) -> ReleaseMatch:
    """Pair predicted and labelled releases with equal (region, year, month, day), equal
    event kinds first (which pair is chosen within one key is otherwise arbitrary, and this
    choice is the fairest to the kind accuracy); optional labels take what is left."""
    out = ReleaseMatch(list(predicted), list(labels))
    by_key: dict[ReleaseKey, list[int]] = {}
    for i, r in enumerate(out.preds):
        by_key.setdefault((r.region, r.year, r.month, r.day), []).append(i)
    gold: dict[ReleaseKey, list[int]] = {}
    for g, lab in enumerate(out.labels):
        gold.setdefault(lab.key, []).append(g)
    for key, golds in gold.items():
        free = list(by_key.get(key, []))
        required = [g for g in golds if not out.labels[g].optional]
        waiting: list[int] = []
        for g in required:
            same = next((p for p in free if out.preds[p].event == out.labels[g].event), None)
            if same is None:
                waiting.append(g)
            else:
                free.remove(same)
                out.pairs[same] = g
        for g in waiting:
            if free:
                out.pairs[free.pop(0)] = g
        optional = [g for g in golds if out.labels[g].optional]
        for _ in optional:
            if free:
                out.absorbed.add(free.pop(0))
    return out


def quote_counts(m: QuoteMatch) -> tuple[Counts, Accuracy]:
    """Critic-quote counts and attribution accuracy of one file's matching."""
    counts = Counts(
        tp=len(m.pairs),
        fp=len(m.preds) - len(m.pairs) - len(m.optional_hits),
        fn=len(m.required) - len(m.pairs),
    )
    acc = Accuracy(right=sum(m.right(p) for p in m.pairs), total=len(m.pairs))
    return counts, acc


def release_counts(m: ReleaseMatch) -> tuple[Counts, Accuracy]:
    """Release counts and event-kind accuracy of one file's matching."""
    required = sum(1 for lab in m.labels if not lab.optional)
    counts = Counts(
        tp=len(m.pairs),
        fp=len(m.preds) - len(m.pairs) - len(m.absorbed),
        fn=required - len(m.pairs),
    )
    kinds = Accuracy(
        right=sum(m.preds[p].event == m.labels[g].event for p, g in m.pairs.items()),
        total=len(m.pairs),
    )
    return counts, kinds
