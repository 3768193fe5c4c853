"""Scores per class of error (issue 18) and the misses worth reading first.

Each labelled item and each prediction is put in a class by features of the sentence that
holds it (its evidence sentence), never by whether it was right, so that precision and
recall per class mean what they say:

- **country**: a release with a region whose sentence names no place of that region (no
  country, city, demonym, festival or broadcaster that maps to it): the country came from
  the paragraph or section around it ("domestic", "there", a home-media section).
- **multi-date**: a release whose sentence holds more than one date (two days of one month
  count as two; a bare year equal to a full date's year does not), or whose year is not
  written in its sentence (taken from context: "before the April 9 London opening").
- **attribution carried**: a critic quote with a critic or an outlet, neither of which is
  written in its own sentence (a surname, "the critic", "she" or the previous sentence
  carries it). A hit is a matched quote with the right attribution.
- **not a critic's**: a quoted span whose sentence has a verb of saying or writing outside its
  quote marks ("said", "wrote", "called", "according to" ...): someone's words, which may or
  may not be a critic's. The positive class is "not a critic's": recall is the share of
  labelled non-critic spans there that were not extracted as critic quotes; precision is the
  share of spans extracted as non-critic there that are not labelled critic quotes.

For each class: precision = predictions in the class that are hits / predictions in the
class; recall = labels in the class that are hits / labels in the class.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from bot.evaluation.scoring import (
    LabelQuote,
    QuoteMatch,
    ReleaseMatch,
    outlet_key,
    quotes_match,
)
from bot.extract.regions import find_regions
from bot.extract.releases import scan_dates
from bot.extract.sentences import split_sentences
from bot.extract.types import Quote, Sentence

CLASSES = ("country", "multi-date", "attribution carried", "not a critic's")

_YEAR = re.compile(r"(?<!\d)(?:18|19|20)\d\d(?!\d)")
_SAYING = re.compile(
    r"\b(?:said|says|say|saying|wrote|writes|write|writing|told|tells|called|calls|calling|"
    r"described|describes|describing|stated|states|added|adds|explained|explains|noted|notes|"
    r"commented|remarked|praised|praising|declared|according to)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class ClassCounts:
    """Labels and predictions in one class, and how many of each were hits."""

    gold: int = 0
    gold_hit: int = 0
    pred: int = 0
    pred_hit: int = 0

    @property
    def precision(self) -> float | None:
        """Hits among the class's predictions, or None when there were none."""
        return self.pred_hit / self.pred if self.pred else None

    @property
    def recall(self) -> float | None:
        """Hits among the class's labels, or None when there were none."""
        return self.gold_hit / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall (None when either is unknown)."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: ClassCounts) -> None:
        """Accumulate another file's counts."""
        self.gold += other.gold
        self.gold_hit += other.gold_hit
        self.pred += other.pred
        self.pred_hit += other.pred_hit


def new_classes() -> dict[str, ClassCounts]:
    """Empty counts for every class."""
    return {name: ClassCounts() for name in CLASSES}


@dataclass(frozen=True, slots=True)
class Miss:
    """One error, ranked: 5 a wrong outlet, 4 words put in a critic's mouth or a wrong
    country, 3 an outlet left out, 2 a missed quote or a spurious release, 1 a missed release."""

    severity: int
    file: str
    what: str
    context: str


class Article:
    """An article's text with its sentences, for finding what holds a labelled or found item."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = split_sentences(text)
        self._starts = [s.start for s in self.sentences]

    def sentence_at(self, pos: int) -> Sentence | None:
        """The sentence holding offset `pos`, if any."""
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0 or pos > self.sentences[i].end:
            return None
        return self.sentences[i]

    def locate_all(self, snippets: list[str]) -> list[tuple[int, int] | None]:
        """Where each snippet stands, searching in order (labels list quotes in text order)."""
        out: list[tuple[int, int] | None] = []
        at = 0
        for snip in snippets:
            pos = self.text.find(snip, at) if snip else -1
            if pos < 0 and snip:
                pos = self.text.find(snip)
            if pos < 0:
                out.append(None)
                continue
            out.append((pos, pos + len(snip)))
            at = pos + 1
        return out

    def context(self, pos: int | None, limit: int = 240) -> str:
        """The sentence at `pos`, shortened around it to `limit` characters."""
        if pos is None:
            return ""
        s = self.sentence_at(pos)
        if s is None:
            return ""
        text = " ".join(s.text.split())
        if len(text) <= limit:
            return text
        mid = max(0, min(len(text) - limit, pos - s.start - limit // 2))
        return ("…" if mid else "") + text[mid : mid + limit] + "…"


def _outside(s: Sentence, spans: list[tuple[int, int]]) -> str:
    """The sentence's text with the given (absolute) spans blanked out."""
    chars = list(s.text)
    for a, b in spans:
        for i in range(max(a, s.start), min(b, s.end)):
            chars[i - s.start] = " "
    return "".join(chars)


# --- releases ---------------------------------------------------------------------------------


def _dates_in(sentence: str) -> int:
    dates = scan_dates(sentence)
    full_years = {d.year for d in dates if d.year is not None}
    count = sum(len(d.days) for d in dates)
    taken = [(d.start, d.end) for d in dates]
    bare = {
        int(m.group())
        for m in _YEAR.finditer(sentence)
        if not any(a <= m.start() < b for a, b in taken)
    }
    return count + len(bare - full_years)


def release_classes(
    region: str | None, year: int | None, sentence: Sentence | None
) -> list[str]:
    """The classes of a release (labelled or predicted) from its sentence."""
    if sentence is None:
        return []
    out: list[str] = []
    if region is not None and all(m.code != region for m in find_regions(sentence.text)):
        out.append("country")
    if _dates_in(sentence.text) >= 2 or (year is not None and not _YEAR.search(sentence.text)):
        out.append("multi-date")
    return out


def score_release_classes(
    art: Article, m: ReleaseMatch, classes: dict[str, ClassCounts]
) -> None:
    """Add one file's releases to the class counts."""
    places = art.locate_all([lab.evidence for lab in m.labels])
    matched_gold = set(m.pairs.values())
    for g, lab in enumerate(m.labels):
        if lab.optional:
            continue
        at = places[g]
        for name in release_classes(lab.region, lab.year, art.sentence_at(at[0]) if at else None):
            classes[name].gold += 1
            classes[name].gold_hit += g in matched_gold
    for p, r in enumerate(m.preds):
        if p in m.absorbed:
            continue
        for name in release_classes(r.region, r.year, art.sentence_at(r.start)):
            classes[name].pred += 1
            classes[name].pred_hit += p in m.pairs


def release_misses(art: Article, file: str, m: ReleaseMatch) -> list[Miss]:
    """Missed and spurious releases; a pair of the two with one date is a wrong country."""
    matched = set(m.pairs.values())
    missed = [g for g, lab in enumerate(m.labels) if g not in matched and not lab.optional]
    spurious = [p for p in range(len(m.preds)) if p not in m.pairs and p not in m.absorbed]
    places = art.locate_all([lab.evidence for lab in m.labels])
    out: list[Miss] = []
    for p in spurious:
        r = m.preds[p]
        date = _date(r.year, r.month, r.day)
        twin = next((g for g in missed if _date(*m.labels[g].key[1:]) == date), None)
        if twin is not None:
            missed.remove(twin)
            want = m.labels[twin].region or "no country"
            what = f"release {date}: country {r.region or 'none'}, labelled {want}"
            out.append(Miss(4, file, what, art.context(r.start)))
        else:
            what = f"spurious release {r.region or '??'} {date} {r.event}"
            out.append(Miss(2, file, what, art.context(r.start)))
    for g in missed:
        lab = m.labels[g]
        at = places[g]
        what = f"missed release {lab.region or '??'} {_date(*lab.key[1:])} {lab.event}"
        out.append(Miss(1, file, what, art.context(at[0] if at else None)))
    return out


def _date(year: int | None, month: int | None, day: int | None) -> str:
    return "-".join("?" if p is None else f"{p:02d}" for p in (year, month, day))


# --- quotes -----------------------------------------------------------------------------------


def _names_written(critic: str | None, outlet: str | None, text: str) -> bool:
    low = text.lower()
    if critic and re.search(rf"\b{re.escape(critic.split()[-1].lower())}\b", low):
        return True
    if outlet:
        key = outlet_key(outlet)
        words = " ".join(re.sub(r"[^\w\s&]|_", " ", low).split())
        if key and re.search(rf"\b{re.escape(key)}\b", words):
            return True
    return False


def _carried(critic: str | None, outlet: str | None, s: Sentence | None, outside: str) -> bool:
    return s is not None and (critic or outlet) is not None and not (
        _names_written(critic, outlet, outside)
    )


def score_quote_classes(
    art: Article,
    labels: list[LabelQuote],
    predicted: list[Quote],
    m: QuoteMatch,
    classes: dict[str, ClassCounts],
) -> None:
    """Add one file's quotes to the "attribution carried" and "not a critic's" counts."""
    label_at = art.locate_all([lab.text for lab in labels])
    spans = [at for at in label_at if at] + [(q.start, q.end) for q in predicted]
    spans = [(a - 1, b + 1) for a, b in spans]  # with their quote marks

    def outside(s: Sentence | None) -> str:
        return _outside(s, spans) if s is not None else ""

    carried = classes["attribution carried"]
    index = {id(lab): g for g, lab in enumerate(m.required)}
    hit_gold = {g for p, g in m.pairs.items() if m.right(p)}
    for lab, at in zip(labels, label_at, strict=True):
        if lab.kind != "critic" or lab.optional or at is None:
            continue
        s = art.sentence_at(at[0])
        if _carried(lab.critic, lab.outlet, s, outside(s)):
            carried.gold += 1
            carried.gold_hit += index.get(id(lab), -1) in hit_gold
    for p, q in enumerate(m.preds):
        s = art.sentence_at(q.start)
        if _carried(q.critic, q.outlet, s, outside(s)):
            carried.pred += 1
            carried.pred_hit += p in m.pairs and m.right(p)

    others = classes["not a critic's"]
    critic_preds = [(q.start, q.end, q.text) for q in predicted if q.kind == "critic"]
    critic_labels = [
        (at[0], at[1], lab.text)
        for lab, at in zip(labels, label_at, strict=True)
        if at is not None and lab.kind == "critic"
    ]
    for lab, at in zip(labels, label_at, strict=True):
        if lab.kind == "critic" or at is None:
            continue
        s = art.sentence_at(at[0])
        if s is not None and _SAYING.search(outside(s)):
            others.gold += 1
            others.gold_hit += not _meets(at, lab.text, critic_preds)
    for q in predicted:
        if q.kind == "critic":
            continue
        s = art.sentence_at(q.start)
        if s is not None and _SAYING.search(outside(s)):
            others.pred += 1
            others.pred_hit += not _meets((q.start, q.end), q.text, critic_labels)


def _meets(at: tuple[int, int], text: str, spans: list[tuple[int, int, str]]) -> bool:
    """Whether a span is one of `spans`: they share most of their characters (a quote nested
    in another is not the other) and match by the quote rule."""
    return any(
        2 * (min(b, at[1]) - max(a, at[0])) >= max(b - a, at[1] - at[0]) and quotes_match(text, t)
        for a, b, t in spans
    )


def quote_misses(art: Article, file: str, m: QuoteMatch) -> list[Miss]:
    """Misattributed, spurious and missed critic quotes."""
    out: list[Miss] = []
    for p, g in m.pairs.items():
        if m.right(p):
            continue
        pred, lab = m.preds[p], m.required[g]
        got = f"{pred.critic or '-'} / {pred.outlet or 'no outlet'}"
        want = f"{lab.critic or '-'} / {lab.outlet or 'no outlet'}"
        severity = 5 if pred.outlet else 3
        what = f"attribution {_short(lab.text)!r}: {got}, labelled {want}"
        out.append(Miss(severity, file, what, art.context(pred.start)))
    for p, pred in enumerate(m.preds):
        if p in m.pairs or p in m.optional_hits:
            continue
        who = f"{pred.critic or '-'} / {pred.outlet or 'no outlet'}"
        what = f"spurious critic quote {_short(pred.text)!r} ({who})"
        severity = 4 if pred.outlet or pred.critic else 2
        out.append(Miss(severity, file, what, art.context(pred.start)))
    taken = set(m.pairs.values())
    required_at = art.locate_all([lab.text for lab in m.required])
    for g, lab in enumerate(m.required):
        if g in taken:
            continue
        at = required_at[g]
        what = f"missed critic quote {_short(lab.text)!r} ({lab.critic or '-'} / {lab.outlet})"
        out.append(Miss(2, file, what, art.context(at[0] if at else None)))
    return out


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
