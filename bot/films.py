"""Find the film a user means: exact title or alias, "Title (Year)", or a small typo."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process, utils

from storage.records import FilmRow

_YEAR = re.compile(r"^(?P<title>.*?)[\s,]*\(?(?P<year>(?:18|19|20)\d\d)\)?$")
_ID = re.compile(r"^#(\d{1,12})$")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+")
_MIN_SCORE = 80.0
# Resolved queries remembered per index (a chat asks for the same few films over and over).
_RESOLVED_CACHE = 1024


def normalise_title(title: str) -> str:
    """Case-, accent- and punctuation-insensitive key for comparing titles."""
    folded = unicodedata.normalize("NFKD", title.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"[^\w\s]", " ", folded)
    return " ".join(folded.split())


def split_year(query: str) -> tuple[str, int | None]:
    """Split "Her (2013)" or "her 2013" into ("Her", 2013); a bare year stays a title."""
    m = _YEAR.match(query.strip())
    if m and m.group("title").strip():
        return m.group("title").strip(), int(m.group("year"))
    return query.strip(), None


@dataclass(frozen=True, slots=True)
class FilmIndex:
    """An in-memory index of film titles and aliases, rebuilt when the collection changes.

    The normalised keys are computed once, when the index is built (a lookup used to redo
    them for every film: ~25 ms per /quote film:... at 10,000 films)."""

    films: tuple[FilmRow, ...]
    _pairs: tuple[tuple[str, FilmRow], ...] = field(init=False, repr=False, compare=False)
    _names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _exact: dict[str, list[FilmRow]] = field(init=False, repr=False, compare=False)
    _by_id: dict[int, FilmRow] = field(init=False, repr=False, compare=False)
    _order: dict[int, int] = field(init=False, repr=False, compare=False)
    _resolved: dict[str, tuple[FilmRow, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs: list[tuple[str, FilmRow]] = []
        for f in self.films:
            for name in (f.title, *f.aliases):
                key = normalise_title(name)
                pairs.append((key, f))
                bare = _ARTICLE.sub("", key)
                if bare != key:
                    pairs.append((bare, f))
        exact: dict[str, list[FilmRow]] = {}
        for key, f in pairs:
            exact.setdefault(key, []).append(f)
        by_id: dict[int, FilmRow] = {}
        for f in self.films:
            by_id.setdefault(f.id, f)
        object.__setattr__(self, "_pairs", tuple(pairs))
        object.__setattr__(self, "_names", tuple(k for k, _ in pairs))
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_by_id", by_id)
        object.__setattr__(self, "_order", {id(f): n for n, f in enumerate(self.films)})
        object.__setattr__(self, "_resolved", {})

    def _keys(self) -> tuple[tuple[str, FilmRow], ...]:
        return self._pairs

    def resolve(self, query: str) -> list[FilmRow]:
        """Films matching `query`, best first: exact matches, else fuzzy ones (>= 80/100).

        Answers are remembered (up to _RESOLVED_CACHE queries; the index never changes)."""
        cached = self._resolved.get(query)
        if cached is None:
            if len(self._resolved) >= _RESOLVED_CACHE:
                self._resolved.clear()
            cached = self._resolved[query] = tuple(self._resolve(query))
        return list(cached)

    def _resolve(self, query: str) -> list[FilmRow]:
        m = _ID.match(query.strip())
        if m:
            found_id = self._by_id.get(int(m.group(1)))
            return [found_id] if found_id is not None else []
        title, year = split_year(query)
        key = normalise_title(title)
        if not key:
            return []
        keys = self._pairs
        bare_key = _ARTICLE.sub("", key)
        exact = _dedupe(self._exact.get(key, []))
        if bare_key != key and bare_key in self._exact:
            # In collection order, as if both keys had been looked for in one pass.
            both = _dedupe(exact + self._exact[bare_key])
            exact = sorted(both, key=lambda f: self._order[id(f)])
        if year is not None:
            dated = [f for f in exact if f.year == year]
            if dated:
                return dated
        if exact:
            # Remakes share a title: newest first unless a year was given.
            return sorted(exact, key=lambda f: -(f.year or 0))
        # Whole-title similarity, not WRatio's partial matching: "Batman Returns" must not
        # resolve to "Batman" just because one contains the other.
        found = process.extract(
            key,
            self._names,
            scorer=fuzz.token_sort_ratio,
            processor=utils.default_process,
            score_cutoff=_MIN_SCORE,
            limit=10,
        )
        fuzzy = _dedupe([keys[i][1] for _, _, i in found])
        if year is not None:
            fuzzy = [f for f in fuzzy if f.year == year] or fuzzy
        return fuzzy

    def suggest(self, query: str, limit: int = 25) -> list[FilmRow]:
        """Films for autocomplete: prefix and fuzzy matches, or the first films when empty."""
        key = normalise_title(split_year(query)[0])
        if not key:
            return sorted(self.films, key=lambda f: normalise_title(f.title))[:limit]
        keys = self._pairs
        prefix = _dedupe([f for k, f in keys if k.startswith(key)])
        found = process.extract(
            key, self._names, scorer=fuzz.WRatio, score_cutoff=60, limit=limit * 2
        )
        fuzzy = [keys[i][1] for _, _, i in found]
        return _dedupe(prefix + fuzzy)[:limit]


def _dedupe(films: list[FilmRow]) -> list[FilmRow]:
    seen: set[int] = set()
    out: list[FilmRow] = []
    for f in films:
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out
