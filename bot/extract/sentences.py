"""Sentence splitting (placeholder: the extraction helper replaces this)."""

from __future__ import annotations

import re

from bot.extract.types import Sentence

_END = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` on lines, then on sentence-ending punctuation."""
    out: list[Sentence] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        first = True
        for m in _END.finditer(line):
            chunk = m.group(0)
            stripped = chunk.strip()
            if stripped:
                s = pos + m.start() + (len(chunk) - len(chunk.lstrip()))
                out.append(Sentence(stripped, s, s + len(stripped), first, line))
                first = False
        pos += len(raw)
    return out
