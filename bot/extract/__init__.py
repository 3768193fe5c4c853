"""Extraction: turn a review's text into quotes, release events and scored excerpts.

`extract` and `extraction_to_json` load the pipeline (its pattern modules) on first use, so
importing a small part such as `bot.extract.outlets` stays cheap (the CLI starts faster)."""

from typing import TYPE_CHECKING, Any

from bot.extract.types import (
    Context,
    Excerpt,
    Extraction,
    FilmGuess,
    Quote,
    Reason,
    ReleaseEvent,
    Sentence,
)

if TYPE_CHECKING:
    from bot.extract.pipeline import extract, extraction_to_json

__all__ = [
    "Context",
    "Excerpt",
    "Extraction",
    "FilmGuess",
    "Quote",
    "Reason",
    "ReleaseEvent",
    "Sentence",
    "extract",
    "extraction_to_json",
]


def __getattr__(name: str) -> Any:
    if name in ("extract", "extraction_to_json"):
        from bot.extract import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
