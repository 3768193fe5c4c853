"""The film a review is about: title and year from the context or the text, director and cast.

Cheap pattern matching over the whole text: a few regex passes, no model.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.extract.types import Context, FilmGuess, Sentence

MAX_CAST = 8

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
# "Phoenix", "McGoohan", "DeVito", "Meyers-Shyer", "O'Brien".
_NAME_PART = rf"[{_UP}](?:[{_LOW}]+[{_UP}]|['’][{_UP}])?[{_LOW}]+(?:-[{_UP}]?[{_LOW}]+)?"
# A person's name: two or three capitalised words, optionally with one initial ("Michael L. Piel").
_NAME = rf"{_NAME_PART}(?:\s+[A-Z]\.)?(?:\s+{_NAME_PART}){{1,2}}"
_FULL_NAME = re.compile(rf"(?<![\w'’])({_NAME})(?![\w])")
_FILM_NOUN = (
    r"(?:film|movie|picture|feature|documentary|drama|comedy|thriller|romance|fable|"
    r"project|outing|adaptation)"
)

_DIRECTED_BY = re.compile(rf"\b(?:directed|helmed)\s+by\s+({_NAME})")
_DIRECTOR_TITLE = re.compile(
    rf"\b(?:director|filmmaker|film-maker|auteur|writer-director)\s+({_NAME})"
)
_POSSESSIVE = re.compile(
    rf"(?<![\w])({_NAME}|{_NAME_PART})['’]s\s+(?:[\w-]+\s+){{0,4}}?(?:new\s+)?{_FILM_NOUN}s?\b"
)
_CAST_PLAYS = re.compile(rf"(?<![\w])({_NAME})\s+(?:plays|played|stars\s+as|starred\s+as)\b")
_CAST_LIST = re.compile(
    rf"\b(?:starring|stars|starred|co-stars|co-starring|featuring|with\s+performances\s+by)\s+"
    rf"((?:{_NAME}(?:\s+as\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?"
    rf"(?:,\s*|,?\s+and\s+)?){{1,8}})"
)
_CHARACTER_ACTOR = re.compile(rf"\b[A-Z][a-z]+\s+\(({_NAME}|{_NAME_PART})\)")
_ITALIC_TITLE = re.compile(r"(?<![\w])_([A-Z0-9][^_\n]{0,80}?)_(?![\w])")
_SINGLE_QUOTED_TITLE = re.compile(r"(?<![\w])['‘]([A-Z][^'’\n]{0,60}?)[,.]?['’](?![\w])")
_LEAD_YEAR = re.compile(r"\bis an?\s+(?:\w+\s+){0,3}?(\d{4})\b")
_TITLE_YEAR = re.compile(r"\((\d{4})\)")
# Sentence openers that a name pattern can swallow ("As Phoenix's ..."): dropped from the front.
_OPENERS = frozenset(
    """The This That These Those His Her Their Its And But For With From As In On At When While
    After Before Although Though However If Like Unlike Any Both Then Starring Stars Director
    Directed Actor Actress Writer Producer Critic""".split()  # noqa: SIM905 (word lists read better as text)
)
# Words that mean a capitalised run is not a person.
_NOT_NAMES = frozenset(
    """Critics Audiences Rotten Tomatoes Metacritic Netflix Amazon Warner Universal Paramount
    Disney Sony Fox Academy Award Awards Oscar Oscars Golden Globe Globes Festival Film Films
    Movie Times Post Guardian Variety Reporter Chronicle Magazine News Review Worst Best
    Director Screenplay Actor Actress Couple Picture Score Song Editing Original Supporting
    Los Las San Santa New North South East West United Kingdom States City Street""".split()  # noqa: SIM905 (word lists read better as text)
)


def _clean(name: str) -> str | None:
    words = name.split()
    while words and words[0] in _OPENERS:
        words.pop(0)
    if not words or any(w in _NOT_NAMES for w in words):
        return None
    return " ".join(words)


def _full_names(text: str) -> dict[str, str]:
    """Surname -> the first full name ending with it ("Phoenix" -> "Joaquin Phoenix")."""
    out: dict[str, str] = {}
    for m in _FULL_NAME.finditer(text):
        name = _clean(m.group(1))
        if name is not None:
            out.setdefault(name.split()[-1], name)
    return out


def _resolve(name: str, full: dict[str, str]) -> str | None:
    cleaned = _clean(name)
    if cleaned is None:
        return None
    if " " not in cleaned:
        return full.get(cleaned)
    return cleaned


def _guess_director(text: str, full: dict[str, str]) -> str | None:
    votes: Counter[str] = Counter()
    for pattern, weight in ((_DIRECTED_BY, 3), (_DIRECTOR_TITLE, 2), (_POSSESSIVE, 1)):
        for m in pattern.finditer(text):
            name = _resolve(m.group(1), full)
            if name is not None:
                votes[name] += weight
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def _guess_cast(text: str, full: dict[str, str], director: str | None) -> tuple[str, ...]:
    found: dict[str, int] = {}

    def note(raw: str, pos: int) -> None:
        name = _resolve(raw, full)
        if name is not None and name != director and name not in found:
            found[name] = pos

    for m in _CAST_PLAYS.finditer(text):
        note(m.group(1), m.start())
    for m in _CAST_LIST.finditer(text):
        for n in _FULL_NAME.finditer(m.group(1)):
            # Skip the character names in "Adam West as Batman".
            before = m.group(1)[: n.start()].rstrip()
            if not before.endswith(" as"):
                note(n.group(1), m.start(1) + n.start())
    for m in _CHARACTER_ACTOR.finditer(text):
        note(m.group(1), m.start())
    return tuple(sorted(found, key=found.__getitem__)[:MAX_CAST])


def _guess_title(text: str) -> str | None:
    first = _ITALIC_TITLE.search(text, 0, 200)
    if first is not None:
        # Encyclopaedic leads and review standfirsts open with the film's title.
        return first.group(1).strip()
    italic: Counter[str] = Counter(m.group(1).strip() for m in _ITALIC_TITLE.finditer(text))
    if italic:
        return italic.most_common(1)[0][0]
    # Single quotes also mark words and short phrases, so one mention is not enough.
    quoted = Counter(m.group(1).strip() for m in _SINGLE_QUOTED_TITLE.finditer(text))
    if quoted:
        title, count = quoted.most_common(1)[0]
        if count >= 2:
            return title
    return None


def _guess_year(text: str) -> int | None:
    m = _LEAD_YEAR.search(text, 0, 600) or _TITLE_YEAR.search(text, 0, 600)
    if m is None:
        return None
    year = int(m.group(1))
    return year if 1880 <= year <= 2100 else None


def guess_film(text: str, sentences: list[Sentence], ctx: Context) -> FilmGuess:
    """Title and year from the context, else guessed from the text; director and cast from
    patterns such as "directed by X", "X's new film", "X plays", "starring X" and
    "Character (Actor)"."""
    title = ctx.film or _guess_title(text)
    year = ctx.year if ctx.year is not None else _guess_year(text)
    full = _full_names(text)
    director = _guess_director(text, full)
    cast = _guess_cast(text, full, director)
    return FilmGuess(title=title, year=year, director=director, cast=cast)
