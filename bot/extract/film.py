"""The film a review is about (placeholder: the extraction helper replaces this)."""

from __future__ import annotations

from bot.extract.types import Context, FilmGuess, Sentence


def guess_film(text: str, sentences: list[Sentence], ctx: Context) -> FilmGuess:
    """Title and year from the context; director and cast from the text."""
    return FilmGuess(title=ctx.film, year=ctx.year)
