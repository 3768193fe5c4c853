"""Shortening text for platform limits: at a sentence or word boundary, never mid-word."""

from __future__ import annotations

import re

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*(?=\s)")


def shorten(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """`text` cut to at most `limit` characters: at the last sentence end that keeps at
    least half the room, else at the last word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return ellipsis[:limit]
    room = limit - len(ellipsis)
    head = text[: room + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() <= room]
    if ends and ends[-1] >= room // 2:
        return text[: ends[-1]].rstrip()
    cut = head.rfind(" ", 0, room + 1)
    if cut < room // 2:
        cut = room  # one enormous word: cutting it is the only way to fit
    return text[:cut].rstrip(" ,;:-—–") + ellipsis
