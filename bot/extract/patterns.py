"""Small helpers that keep the extractors' regex scans fast.

Python's regex engine can only skip ahead to likely match starts when a pattern opens with
literal characters (or a character class) and is case-sensitive. A pattern that opens with
`\\b` or a look-behind, or that carries `re.IGNORECASE`, is tried at every position of the
text instead, which costs several times as much. These helpers write such patterns the fast
way without changing what they match.
"""

from __future__ import annotations

from collections.abc import Iterable


def word_alternation(alternatives: Iterable[str]) -> str:
    """`\\b(?:alt1|alt2|...)` rewritten to open with literal letters.

    Each alternative is a regex that starts with one plain character (a letter, not a class,
    group or escape, and not quantified). Alternatives are grouped by that character, and the
    word-boundary check moves behind it: "t(?<!\\wt)(?:he story|ries to)|f(?<!\\wf)(?:...)".
    Alternatives sharing a first character keep their order, so the leftmost-first choice
    between them is unchanged."""
    by_initial: dict[str, list[str]] = {}
    for alt in alternatives:
        first = alt[:1]
        if not first.isalnum() or alt[1:2] in ("?", "*", "+", "{"):
            raise ValueError(f"alternative must open with a plain character: {alt!r}")
        by_initial.setdefault(first, []).append(alt[1:])
    branches = "|".join(
        rf"{c}(?<!\w{c})(?:{'|'.join(rests)})" for c, rests in by_initial.items()
    )
    return f"(?:{branches})"


def lower_keep_offsets(text: str) -> str:
    """`text` lower-cased with every offset kept, for running lower-case patterns in place of
    case-insensitive ones (the few letters whose lower case is longer, such as "İ", stay)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)

