"""Quoted spans and their attribution (placeholder: the extraction helper replaces this)."""

from __future__ import annotations

import re

from bot.extract.types import Context, Quote, Sentence

_QUOTED = re.compile(r"[\"“]([^\"”]+)[\"”]")


def find_quotes(text: str, sentences: list[Sentence], ctx: Context) -> list[Quote]:
    """Every double-quoted span, classified critic / dialogue / other."""
    return [
        Quote(m.group(1), m.start(1), m.end(1), "other") for m in _QUOTED.finditer(text)
    ]
