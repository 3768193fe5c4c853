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


# Template debris a Markdown conversion can leave before an article's first line ("}}",
# "|gross = ", a lone "-"): skipped so that the lead is found where the prose starts.
_DEBRIS_LINE = re.compile(r"[ \t]*(?:[|\-–—][^\n]*|[^\n]*\}\}[ \t]*|[ \t]*)(?:\n|\Z)")
_DEBRIS_PREFIX = re.compile(r"[^\n]{0,300}?\}\}[ \t]*")
# A section heading where the lead should be ("Release" on a line of its own): no lead.
_HEADING = re.compile(r"[^\n.!?]{1,40}\n[ \t]*\n")
_LEAD_ITALIC = re.compile(r"_([^_\n]{1,150}?)_(?![\w])")
_FILM_KIND = (
    r"(?:film|movie|documentary|animated|anime|short|feature|comedy|drama|thriller|musical|"
    r"western|horror|picture|biopic|romance)"
)
# "Her is a 2013 American science-fiction romantic drama film written and directed by ...":
# a plain lead naming the film before "is a", with the year or a film word soon after.
_PLAIN_LEAD = re.compile(
    r"([A-Z0-9“\"‘'][^\n.!?]{0,100}?)\s+(?:\([^)\n]{0,80}\)\s+)?(?:is|was)\s+an?\s+"
    rf"(?=(?:[\w'’-]+\s+){{0,8}}?(?:\d{{4}}\b|{_FILM_KIND}))"
)
_SMALL_WORDS = frozenset(
    """a an and as at but by for from in into nor of on or over the to upon vs with""".split()  # noqa: SIM905 (word lists read better as text)
)
# Headline forms: "‘Her’ review: …", "Review: Her", "Her review – …", "Her (2013)".
_Q_OPEN, _Q_CLOSE = "‘'“\"", "’'”\""
_HEADLINE_PATTERNS = (
    re.compile(
        rf"^[{_Q_OPEN}](?P<title>[^{_Q_CLOSE}]{{1,120}})[{_Q_CLOSE}]\s*"
        r"(?:\((?P<year>\d{4})\)\s*)?(?:film\s+|movie\s+)?review\b",
        re.I,
    ),
    re.compile(
        r"^(?:film\s+|movie\s+)?review\s*[:|–—-]\s*"
        rf"(?:[{_Q_OPEN}](?P<qtitle>[^{_Q_CLOSE}]{{1,120}})[{_Q_CLOSE}]|"
        r"(?P<title>.{1,120}?))\s*(?:\((?P<year>\d{4})\))?\s*(?:\s[|–—-]\s.*|[:,]\s.*)?$",
        re.I,
    ),
    re.compile(
        r"^(?P<title>[^|–—:]{1,120}?)\s*(?:\((?P<year>\d{4})\)\s*)?"
        r"(?:film\s+|movie\s+)?review\b\s*(?:[:|–—,-].*)?$",
        re.I,
    ),
    re.compile(r"^(?P<title>[^|–—:(]{1,120}?)\s*\((?P<year>\d{4})\)", re.I),
)


def title_from_headline(headline: str) -> tuple[str | None, int | None]:
    """The film a review's headline names, and the year when it gives one:
    "‘Her’ review: …", "Review: Her", "Her review – …", "Her (2013)"."""
    line = " ".join(headline.replace("_", " ").split()).strip("#* ")
    for pattern in _HEADLINE_PATTERNS:
        m = pattern.match(line)
        if m is None:
            continue
        groups = m.groupdict()
        title = (groups.get("qtitle") or groups.get("title") or "").strip(" ,:;–—-")
        title = title.strip(_Q_OPEN + _Q_CLOSE).strip()
        if not title or title.lower() in ("film", "movie", "the film") or len(title) < 1:
            continue
        year = int(groups["year"]) if groups.get("year") else None
        return title, year if year is None or 1880 <= year <= 2100 else None
    return None, None


def _lead_start(text: str) -> int:
    """Where the prose starts, past template debris on the first lines."""
    pos = 0
    for _ in range(5):
        m = _DEBRIS_LINE.match(text, pos)
        if m is None or m.end() == pos:
            break
        if "}}" not in m.group(0) and m.group(0).strip() and m.group(0).lstrip()[:1] not in "|-–—":
            break
        pos = m.end()
    m = _DEBRIS_PREFIX.match(text, pos)
    return m.end() if m else pos


def smart_title_case(title: str) -> str:
    """"THE KID FROM THE BIG APPLE" -> "The Kid from the Big Apple" (for titles only ever
    written in capitals)."""
    words = title.split(" ")
    out: list[str] = []
    for i, w in enumerate(words):
        low = w.lower()
        if 0 < i < len(words) - 1 and low in _SMALL_WORDS and not out[-1].endswith(":"):
            out.append(low)
        else:
            # Capitalise after a space or hyphen, not after an apostrophe ("Python's").
            out.append(re.sub(r"(?<![\w'’])[^\W\d_]", lambda m: m.group(0).upper(), low))
    return " ".join(out)


def _recase(title: str, text: str) -> str:
    """An all-capitals lead title (how a bold title converts) in the case the text uses for
    it elsewhere, preferring italic mentions; title case when it never appears otherwise."""
    if not title.isupper() or len(title) < 2:
        return title
    folded = title.casefold()
    plain: str | None = None
    for m in _ITALIC_TITLE.finditer(text):
        if m.group(1).strip().casefold() == folded and not m.group(1).isupper():
            return m.group(1).strip()
    for m in re.finditer(re.escape(title), text, re.I):
        found = m.group(0)
        if not found.isupper():
            plain = plain or found
    if plain is not None:
        return plain
    if " " not in title and len(title) <= 4:
        return title  # an acronym like NGK
    return smart_title_case(title)


def _guess_title(text: str) -> str | None:
    start = _lead_start(text)
    first_line = text[start : text.find("\n", start) if "\n" in text[start:] else len(text)]
    if first_line.lstrip().startswith("#") or (
        len(first_line) < 160 and not first_line.rstrip().endswith((".", "!", "?", "”", '"'))
    ):
        headline, _ = title_from_headline(first_line)
        if headline:
            return headline
    first = _LEAD_ITALIC.match(text, start)
    if first is None and not _HEADING.match(text, start):
        first = _ITALIC_TITLE.search(text, start, start + 200)
    if first is not None:
        # Encyclopaedic leads and review standfirsts open with the film's title.
        return _recase(first.group(1).strip(), text)
    lead = _PLAIN_LEAD.match(text, start)
    if lead is not None:
        return lead.group(1).strip(_Q_OPEN + _Q_CLOSE + " ")
    italic: Counter[str] = Counter(m.group(1).strip() for m in _ITALIC_TITLE.finditer(text))
    if italic:
        title, count = italic.most_common(1)[0]
        if count >= 2:
            return title
    # Single quotes also mark words and short phrases, so one mention is not enough.
    quoted = Counter(m.group(1).strip() for m in _SINGLE_QUOTED_TITLE.finditer(text))
    if quoted:
        title, count = quoted.most_common(1)[0]
        if count >= 2:
            return title
    return None


def _guess_year(text: str) -> int | None:
    start = _lead_start(text)
    m = _LEAD_YEAR.search(text, start, start + 600) or _TITLE_YEAR.search(text, start, start + 600)
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
