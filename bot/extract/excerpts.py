"""Excerpt scoring (placeholder: the extraction helper replaces this)."""

from __future__ import annotations

from bot.extract.types import Context, Excerpt, FilmGuess, Quote, Sentence


def score_excerpts(
    text: str, sentences: list[Sentence], quotes: list[Quote], film: FilmGuess, ctx: Context
) -> list[Excerpt]:
    """Every sentence worth considering as an excerpt, with a score in [0, 1]."""
    return [
        Excerpt(s.text, s.start, s.end, 0.5)
        for s in sentences
        if 8 <= len(s.text.split()) <= 35
    ]
