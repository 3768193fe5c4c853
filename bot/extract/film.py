"""The film a review is about: title and year from the context or the text, director and cast.

Cheap pattern matching over the whole text: a few regex passes, no model.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.extract.patterns import word_alternation
from bot.extract.types import Context, FilmGuess, Sentence

MAX_CAST = 8
# Director and cast are named early (the lead, the standfirst, the opening paragraphs); scanning
# only the head keeps this module's cost flat however long the review runs.
HEAD_CHARS = 2000

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
# "Phoenix", "McGoohan", "DeVito", "Meyers-Shyer", "O'Brien".
_NAME_PART = rf"[{_UP}](?:[{_LOW}]+[{_UP}]|['’][{_UP}])?[{_LOW}]+(?:-[{_UP}]?[{_LOW}]+)?"
# A person's name: two or three capitalised words, optionally with one initial ("Michael L. Piel").
_NAME = rf"{_NAME_PART}(?:\s+[A-Z]\.)?(?:\s+{_NAME_PART}){{1,2}}"
# The same, with "not glued to a word or an apostrophe on the left" checked after the first
# capital: a pattern that opens with a character class lets the engine skip to candidates.
_NAME_UNGLUED = _NAME.replace(f"[{_UP}]", f"[{_UP}](?<![\\w'’][{_UP}])", 1)
_FULL_NAME = re.compile(rf"({_NAME_UNGLUED})(?![\w])")
_FILM_NOUN = (
    r"(?:film|movie|picture|feature|documentary|drama|comedy|thriller|romance|fable|"
    r"project|outing|adaptation)"
)

# Every pattern opens with a keyword or a punctuation mark, never with a name: a name-led regex
# tries every capital letter in the text, a keyword-led one skips along fast. Names before the
# keyword are then matched in a short window that ends where the keyword starts.
_DIRECTED_BY = re.compile(rf"(?:directed|helmed) by\s+({_NAME})")
_DIRECTOR_TITLE = re.compile(
    word_alternation(["director", "filmmaker", "film-maker", "auteur", "writer-director"])
    + rf"\s+({_NAME})"
)
_POSSESSIVE_TAIL = re.compile(rf"['’]s\s+(?:[\w-]+\s+){{0,4}}?{_FILM_NOUN}s?\b")
# Matches from the verb; the whitespace before it is checked behind the first letter.
_PLAYS = re.compile(r"(?:p(?<=\sp)(?:lays|layed)|s(?<=\ss)(?:tars\s+as|tarred\s+as))\b")
_NAME_BEFORE = re.compile(rf"(?<![\w'’])({_NAME}|{_NAME_PART})$")
_FULL_NAME_BEFORE = re.compile(rf"(?<![\w'’])({_NAME})$")
_PAREN_NAME = re.compile(rf"\(({_NAME}|{_NAME_PART})\)")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][a-z]+\s+$")
WINDOW = 48
_CAST_LIST = re.compile(
    word_alternation(
        [
            "starring",
            "stars",
            "starred",
            "co-stars",
            "co-starring",
            "featuring",
            r"with\s+performances\s+by",
        ]
    )
    + r"\s+"
    rf"((?:{_NAME}(?:\s+as\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?"
    rf"(?:,\s*|,?\s+and\s+)?){{1,8}})"
)
_ITALIC_TITLE = re.compile(r"_(?<!\w_)([A-Z0-9][^_\n]{0,80}?)_(?![\w])")
_SINGLE_QUOTED_TITLE = re.compile(r"['‘](?<!\w['‘])([A-Z][^'’\n]{0,60}?)[,.]?['’](?![\w])")
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


class _Names:
    """Resolves bare surnames to the fullest name in the text, scanning for full names lazily."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._full: dict[str, str] | None = None

    def resolve(self, name: str) -> str | None:
        cleaned = _clean(name)
        if cleaned is None or " " in cleaned:
            return cleaned
        if self._full is None:
            self._full = _full_names(self._text)
        return self._full.get(cleaned)


def _before(pattern: re.Pattern[str], text: str, pos: int) -> str | None:
    m = pattern.search(text, max(0, pos - WINDOW), pos)
    return m.group(1) if m else None


def _guess_director(text: str, names: _Names) -> str | None:
    votes: Counter[str] = Counter()

    def vote(raw: str | None, weight: int) -> None:
        name = names.resolve(raw) if raw else None
        if name is not None:
            votes[name] += weight

    for m in _DIRECTED_BY.finditer(text):
        vote(m.group(1), 3)
    for m in _DIRECTOR_TITLE.finditer(text):
        vote(m.group(1), 2)
    for m in _POSSESSIVE_TAIL.finditer(text):
        vote(_before(_NAME_BEFORE, text, m.start()), 1)
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def _guess_cast(text: str, names: _Names, director: str | None) -> tuple[str, ...]:
    found: dict[str, int] = {}

    def note(raw: str | None, pos: int) -> None:
        name = names.resolve(raw) if raw else None
        if name is not None and name != director and name not in found:
            found[name] = pos

    for m in _PLAYS.finditer(text):
        at = m.start() - 1  # the whitespace before the verb
        note(_before(_FULL_NAME_BEFORE, text, at), at)
    for m in _CAST_LIST.finditer(text):
        for n in _FULL_NAME.finditer(m.group(1)):
            # Skip the character names in "Adam West as Batman".
            before = m.group(1)[: n.start()].rstrip()
            if not before.endswith(" as"):
                note(n.group(1), m.start(1) + n.start())
    for m in _PAREN_NAME.finditer(text):
        # "Theodore (Phoenix)": an actor in brackets after a character's name.
        if _CAPITALISED_BEFORE.search(text, max(0, m.start() - 24), m.start()):
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
    head = text[:HEAD_CHARS]
    names = _Names(head)
    director = _guess_director(head, names)
    cast = _guess_cast(head, names, director)
    return FilmGuess(title=title, year=year, director=director, cast=cast)
