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


class FewSpans:
    """The same questions over a handful of spans, asked of each in turn: for the few spans
    of an ordinary sentence this is cheaper than sorting and searching."""

    __slots__ = ("_spans",)

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self._spans = spans

    def __bool__(self) -> bool:
        return bool(self._spans)

    def covers(self, pos: int, slack: int = 0) -> bool:
        """True when some span has start <= pos < end + slack."""
        return any(a <= pos < b + slack for a, b in self._spans)

    def overlapping(self, a: int, b: int) -> list[None]:
        """One None per span that meets [a, b)."""
        return [None for s, e in self._spans if s < b and e > a]


# Up to this many spans are asked in turn (FewSpans), more through a SpanIndex: the bound
# keeps the cost per question constant, so the work stays linear in the text.
_FEW = 8


Spans = SpanIndex[None] | FewSpans


def spans_of(pairs: Iterable[tuple[int, int]]) -> Spans:
    """An index of bare (start, end) pairs: `covers` and `overlapping` as on a SpanIndex."""
    spans = list(pairs)
    if len(spans) <= _FEW:
        return FewSpans(spans)
    return SpanIndex((a, b, None) for a, b in spans)
