"""Hostile review texts of any size, for the extraction linearity test and benchmark (issue 16).

Each input is one unit repeated (or built) to a size in bytes, UTF-8. The units aim at one
extraction step each: quote pairing and attribution, sentence cuts, date scanning, region
groups, year resolution; `prose` is ordinary corpus-like text for comparison.
"""

from __future__ import annotations

from collections.abc import Callable

_PROSE = (
    "Reception\n\n"
    "_Example Film_ received positive reviews. On Rotten Tomatoes, the film holds an approval "
    'rating of 91% based on 120 reviews; the critical consensus reads, "A sharp, funny and '
    'humane drama." Jane Roe of _The Example Courier_ called it "a quiet triumph", and Roe '
    'added that the cast is "uniformly superb." Writing for _Variety_, John Smith said the '
    'film "never quite lands" but praised its score. The director said it was "a film about '
    'my father."\n\n'
    "Release\n\n"
    "The film premiered at the Toronto International Film Festival on September 9, 2016, and "
    "was released in the United States on March 3 and 4, 2017. It was released on DVD and "
    "Blu-ray there on July 1, 2017, and in the United Kingdom in May and June 2017.\n\n"
)


def _repeat(unit: str) -> Callable[[int], str]:
    def make(size: int) -> str:
        per = len(unit.encode("utf-8"))
        return unit * max(1, size // per)

    return make


def _nested(size: int) -> str:
    half = max(1, size // 6)  # "“" and "”" are three bytes each
    return "“" * half + "a" + "”" * half


def _comma_regions(size: int) -> str:
    # Two place names joined by a long run of ", " once made one regex take exponential time.
    unit = "It was released in Japan " + ", " * 30 + "x and France on 1 May 2000. "
    return _repeat(unit)(size)


INPUTS: dict[str, Callable[[int], str]] = {
    "prose": _repeat(_PROSE),
    "opening curly quotes": _repeat("“"),
    "opening quotes before words": _repeat("“a "),
    "straight quotes before words": _repeat('"a '),
    "quote, wrote B of C": _repeat("“a,” wrote B of C. "),
    "quote per line, named critic": _repeat('"Great film," said John Smith of The Daily Planet.\n'),
    "nested quotes": _nested,
    "dates in one sentence": _repeat("released on 1 January 2000 in the United States, "),
    "dated sentences": _repeat("It was released on 1 January 2000 in the United States. "),
    "dates in brackets": _repeat("( released 1 May 2000 "),
    "place names and commas": _comma_regions,
    "glued sentences": _repeat("ab.Cd"),
    "abbreviations": _repeat("Dec. "),
    "initials": _repeat("A. "),
    "one-letter lines": _repeat("a\n"),
}
