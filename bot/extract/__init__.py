"""Extraction: turn a review's text into quotes, release events and scored excerpts."""

from bot.extract.pipeline import extract, extraction_to_json
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
