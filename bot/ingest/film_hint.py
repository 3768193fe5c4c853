"""The film a review is about when neither its header nor its text's lead says it plainly:
the file's name ("super-deluxe-film.md") checked against the text, and the first release."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.extract.types import ReleaseEvent

_SLUG_TAIL = re.compile(r"(?:[-_](?P<year>(?:18|19|20)\d\d))?(?:[-_](?:film|movie|review))?$")
_FIRST_SHOWINGS = frozenset({"premiere", "festival", "theatrical"})


def title_from_name(stem: str, text: str) -> tuple[str | None, int | None]:
    """A title from a file name, only when the text names the film the same way (its case
    taken from the text): "ismael-s-ghosts" finds "Ismael's Ghosts". The year comes from a
    name like "the-church-2018-film"."""
    m = _SLUG_TAIL.search(stem)
    year = int(m.group("year")) if m and m.group("year") else None
    words = [w for w in re.split(r"[\W_]+", stem[: m.start()] if m else stem) if w]
    if not words:
        return None, year
    pattern = re.compile(
        r"(?<![\w])" + r"[\W_]+".join(re.escape(w) for w in words) + r"(?![\w])", re.I
    )
    found = [m.group(0) for m in pattern.finditer(text)]
    cased = [f for f in found if not f.isupper()]
    if not (cased or found):
        return None, year
    return (cased or found)[0], year


def first_release_year(releases: Iterable[ReleaseEvent]) -> int | None:
    """The year of the earliest premiere, festival or theatrical showing: a film's year."""
    years = [r.year for r in releases if r.event in _FIRST_SHOWINGS and r.year is not None]
    return min(years) if years else None
