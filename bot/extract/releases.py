"""Release events (placeholder: the extraction helper replaces this)."""

from __future__ import annotations

from bot.extract.types import Context, ReleaseEvent, Sentence


def find_releases(text: str, sentences: list[Sentence], ctx: Context) -> list[ReleaseEvent]:
    """Dated release events with region and event kind."""
    return []
