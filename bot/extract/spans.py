"""Which of many (start, end) spans hold a position or meet a range, without a scan per question.

The extractors ask "is this word inside a quotation?", "which outlets overlap this name?" once
per word or name; asking each span in turn makes a sentence with many of both quadratic. The
spans are sorted once, and each question is a binary search (issue 16: extraction linear in
the size of its input, whatever the input).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class SpanIndex(Generic[T]):
    """Half-open spans [start, end), each with an item, that may overlap one another."""

    __slots__ = ("_ends", "_items", "_reach", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int, T]]) -> None:
        ordered = sorted(spans, key=lambda t: (t[0], t[1]))
        self._starts = [a for a, _, _ in ordered]
        self._ends = [b for _, b, _ in ordered]
        self._items = [x for _, _, x in ordered]
        # reach[i]: the furthest end among the first i + 1 spans (a running maximum).
        self._reach = list(accumulate(self._ends, max))

    def __bool__(self) -> bool:
        return bool(self._starts)

    def covers(self, pos: int, slack: int = 0) -> bool:
        """True when some span has start <= pos < end + slack."""
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and self._reach[i] + slack > pos

    def overlapping(self, a: int, b: int) -> list[T]:
        """The items of the spans that meet [a, b) (start < b and end > a), in start order."""
        i = bisect_left(self._starts, b) - 1
        found: list[T] = []
        while i >= 0 and self._reach[i] > a:
            if self._ends[i] > a:
                found.append(self._items[i])
            i -= 1
        found.reverse()
        return found


class FewSpans(Generic[T]):
    """The same questions over a handful of spans, asked of each in turn: for the few spans
    of an ordinary sentence this is cheaper than sorting and searching."""

    __slots__ = ("_spans",)

    def __init__(self, spans: list[tuple[int, int, T]]) -> None:
        self._spans = spans

    def __bool__(self) -> bool:
        return bool(self._spans)

    def covers(self, pos: int, slack: int = 0) -> bool:
        """True when some span has start <= pos < end + slack."""
        for a, b, _ in self._spans:  # noqa: SIM110 (a plain loop: no generator per question)
            if a <= pos < b + slack:
                return True
        return False

    def overlapping(self, a: int, b: int) -> list[T]:
        """The items of the spans that meet [a, b), in the order given."""
        return [x for s, e, x in self._spans if s < b and e > a]


# Up to this many spans are asked in turn (FewSpans), more through a SpanIndex: the bound
# keeps the cost per question constant, so the work stays linear in the text.
_FEW = 8

Spans = SpanIndex[None] | FewSpans[None]
_NONE: FewSpans[None] = FewSpans([])


def index_of(spans: Iterable[tuple[int, int, T]]) -> SpanIndex[T] | FewSpans[T]:
    """Spans with items, indexed for `covers` and `overlapping` (pass them in start order
    for `overlapping` to answer in start order)."""
    listed = list(spans)
    if len(listed) <= _FEW:
        return FewSpans(listed)
    return SpanIndex(listed)


def spans_of(pairs: Iterable[tuple[int, int]]) -> Spans:
    """An index of bare (start, end) pairs."""
    spans = [(a, b, None) for a, b in pairs]
    if not spans:
        return _NONE
    return index_of(spans)
