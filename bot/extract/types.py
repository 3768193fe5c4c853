"""What extraction produces: sentences, quotes, release events, excerpts, each with its span."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from storage.records import EventKind

QuoteKind = Literal["critic", "dialogue", "other"]


@dataclass(frozen=True, slots=True)
class Context:
    """What is known about a review before reading it (from its header or CLI flags)."""

    film: str | None = None
    year: int | None = None
    published: dt.date | None = None
    outlet: str | None = None
    critic: str | None = None


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or a whole noise line) with its character span in the source text.

    `line_start` is True when the sentence opens its line; `line` is the full line it sits
    on, which the noise rules need (captions are judged by line, not by sentence)."""

    text: str
    start: int
    end: int
    line_start: bool = True
    line: str = ""


class Reason(NamedTuple):
    """Why an extracted item reads as it does: the rule that decided, and where the words
    that decided it stand (`at` is an offset in the source text, -1 when nothing there
    gave it). `pullquote extract --explain` shows the rule with the sentence around `at`."""

    rule: str
    at: int = -1


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted span without its quote marks; `start`/`end` index the source text.

    `why` records how its kind and attribution were decided."""

    text: str
    start: int
    end: int
    kind: QuoteKind
    critic: str | None = None
    outlet: str | None = None
    why: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class ReleaseEvent:
    """A release event; any date part the text does not give is None (never guessed).

    `why` records where its region and its year came from."""

    year: int | None
    month: int | None
    day: int | None
    region: str | None
    event: EventKind
    start: int
    end: int
    why: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A quotable sentence with its score in [0, 1] and the reasons behind the score."""

    text: str
    start: int
    end: int
    score: float
    spoiler: bool = False
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FilmGuess:
    """The film a review is about, from the context or the text."""

    title: str | None = None
    year: int | None = None
    director: str | None = None
    cast: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    film: FilmGuess
    quotes: list[Quote] = field(default_factory=list)
    releases: list[ReleaseEvent] = field(default_factory=list)
    excerpts: list[Excerpt] = field(default_factory=list)
