"""Sentence splitting tuned for film writing: quotations, abbreviations, initials and titles.

The text is split on lines first (headings, captions and list items are lines of their own),
then each line is cut at sentence-ending punctuation unless the cut would fall inside a
quotation or an italic title, or right after an abbreviation or an initial. Offsets always
index the original text, so `text[s.start:s.end] == s.text`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.extract.types import Sentence

OPEN_QUOTES = frozenset("“„")
CLOSE_QUOTES = frozenset("”")
STRAIGHT = '"'
_ANY_QUOTE = re.compile(r'["“”„]')

# Characters that may sit before an opening straight quote / after a closing one.
_BEFORE_OPEN = frozenset(" \t([{—–-/:;‘'")
_AFTER_CLOSE = frozenset(" \t.,;:!?)]}—–-…'’_*")

# A sentence-ending run, any closing marks glued to it, then the whitespace before the next one.
# (Each pattern opens with a character class, not a look-behind or a repeat, so the regex
# engine can skip ahead to candidate characters instead of trying every position: "[.!?…]+"
# is written "[.!?…][.!?…]*" for that.)
_MAY_END = re.compile(r"[.!?…]")  # a line without any of these is one sentence
_BOUNDARY = re.compile(r"[.!?…][.!?…]*[\"”’')\]_*]*(?=\s)")
# A full stop glued to the next sentence ("here.To get"): lowercase word, stop, capitalised word.
_GLUED = re.compile(r"[.!?](?<=[a-z]{2}[.!?])(?=[A-Z][a-z])")
_ITALIC = re.compile(r"_(?<![\w_]_)(?=\S)[^_\n]+?(?<=\S)_(?![\w_])")
_NEXT_WORD = re.compile(r"[\"“‘'(\[_*]*([\w'’-]+)")
_INITIAL = re.compile(r"[A-Z]")
_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")

# Abbreviations after which a full stop never ends the sentence (lower-cased, no stop).
_NEVER = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "messrs",
        "dr",
        "prof",
        "rev",
        "revd",
        "fr",
        "hon",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cpt",
        "cmdr",
        "adm",
        "maj",
        "gov",
        "sen",
        "rep",
        "pres",
        "supt",
        "insp",
        "det",
        "st",
        "mt",
        "ft",
        "vs",
        "v",
        "viz",
        "cf",
        "ca",
        "approx",
        "fig",
        "figs",
        "vol",
        "vols",
        "ch",
        "chap",
        "pp",
        "op",
        "nr",
        "dept",
        "est",
        "no",
        "nos",
        "al",
        "e.g",
        "i.e",
        "a.k.a",
        "aka",
    ]
)
# Abbreviations that end a sentence only when a typical sentence opener follows.
_AMBIGUOUS = frozenset(
    [
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "bros",
        "jr",
        "sr",
        "esq",
        "ave",
        "blvd",
        "rd",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "intl",
        "assn",
        "univ",
    ]
)
_STARTERS = frozenset(
    [
        "the",
        "a",
        "an",
        "it",
        "its",
        "it's",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "our",
        "this",
        "that",
        "these",
        "those",
        "there",
        "in",
        "on",
        "at",
        "after",
        "before",
        "during",
        "when",
        "while",
        "however",
        "although",
        "though",
        "but",
        "and",
        "as",
        "for",
        "with",
        "by",
        "from",
        "despite",
        "following",
        "upon",
        "critics",
        "reviews",
        "according",
        "its",
        "some",
        "many",
        "most",
        "several",
        "both",
        "one",
        "two",
        "three",
        "if",
        "since",
        "until",
        "unlike",
        "like",
        "overall",
        "meanwhile",
        "later",
        "earlier",
        "then",
        "also",
        "additionally",
        "furthermore",
        "moreover",
        "yet",
        "so",
        "what",
        "how",
        "why",
        "who",
        "on",
        "rotten",
        "metacritic",
        "audiences",
    ]
)


# A paragraph with more quote marks than this is not prose (the corpus's busiest has 44): its
# marks are not read as quotations (issue 16: such a line costs no more than its length).
MAX_MARKS_PER_LINE = 256


def quote_marks(line: str) -> int:
    """How many double quote marks `line` holds (counted at C speed, before any pairing)."""
    return line.count('"') + line.count("“") + line.count("”") + line.count("„")


# The splitter and the quote finder pair the same lines: the second asks the cache.
@lru_cache(maxsize=256)
def quote_pairs(line: str) -> tuple[list[tuple[int, int]], list[int]]:
    """Pair the double quotes of one line: (open, close) index pairs and unclosed openers.

    The result is cached per line and shared: callers must not change it. Straight quotes
    are judged by their neighbours (a quote after a space that precedes a word
    opens; one after a word that precedes a space or punctuation closes), which keeps nested
    straight quotes ("the "Headshot" line") and unclosed quotes apart."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    n = len(line)
    for m in _ANY_QUOTE.finditer(line):
        i = m.start()
        ch = line[i]
        if ch in OPEN_QUOTES:
            opens = True
        elif ch in CLOSE_QUOTES:
            opens = False
        else:
            prev = line[i - 1] if i else " "
            nxt = line[i + 1] if i + 1 < n else " "
            can_open = prev in _BEFORE_OPEN and not nxt.isspace()
            can_close = nxt in _AFTER_CLOSE and not prev.isspace()
            opens = not stack if can_open == can_close else can_open
        if opens:
            stack.append(i)
        elif stack:
            pairs.append((stack.pop(), i))
    pairs.sort()
    return pairs, stack


def outermost(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pairs no other pair contains, in order (`pairs` sorted, as `quote_pairs` gives
    them, and laminar: two pairs are nested or apart, never crossing)."""
    out: list[tuple[int, int]] = []
    for o, c in pairs:
        if not out or o > out[-1][1]:
            out.append((o, c))
    return out


def _next_word(line: str, pos: int) -> str:
    m = _NEXT_WORD.match(line, pos)
    return m.group(1) if m else ""


def _starts_sentence(line: str, pos: int) -> bool:
    """True when the text at `pos` can open a sentence (capital, digit, or a mark before one)."""
    i = pos
    n = len(line)
    while i < n and line[i] in "\"“‘'([_*":
        i += 1
    return i < n and (line[i].isupper() or line[i].isdigit())


_LONGEST_TOKEN = 64


def _abbreviation_blocks(line: str, stop: int, nxt: int) -> bool:
    """True when the stop at `stop` ends an abbreviation or an initial, not a sentence."""
    # A token longer than this is no abbreviation; not looking further back keeps a line of
    # glued sentences ("ab.Cd" many times over) linear.
    space = line.rfind(" ", max(0, stop - _LONGEST_TOKEN), stop)
    if space < 0 and stop > _LONGEST_TOKEN:
        return False
    token = line[space + 1 : stop].lstrip("\"“‘'([_*")
    if not token:
        return False
    low = token.lower()
    if low in _NEVER:
        return not (low == "no" and not line[nxt : nxt + 1].isdigit())
    if _INITIAL.fullmatch(token) or _ACRONYM.fullmatch(token) or low in _AMBIGUOUS:
        if line[nxt : nxt + 1].isdigit() and low not in _AMBIGUOUS:
            return True
        return _next_word(line, nxt).lower() not in _STARTERS
    return False


def _cuts(line: str) -> list[int]:
    """Positions in `line` after which a new sentence starts (before its whitespace)."""
    candidates = [m.span() for m in _BOUNDARY.finditer(line)]
    glued = [m.span() for m in _GLUED.finditer(line)]
    if glued:  # rare; without it the boundaries come in order already
        candidates = sorted(candidates + glued)
    if not candidates:
        return []
    marks = quote_marks(line)
    pairs, _ = quote_pairs(line) if 0 < marks <= MAX_MARKS_PER_LINE else ([], [])
    quoted = outermost(pairs)
    italics = [(m.start(), m.end()) for m in _ITALIC.finditer(line)] if "_" in line else []
    cuts: list[int] = []
    n = len(line)
    qi = ii = 0  # candidates come in order: one pointer into each list of disjoint spans
    for t, b in candidates:
        nxt = b
        while nxt < n and line[nxt].isspace():
            nxt += 1
        if nxt >= n or not _starts_sentence(line, nxt):
            continue
        if t and line[t - 1] in "[(":
            continue  # "[...]" or "(...)" inside a sentence
        while qi < len(quoted) and quoted[qi][1] < b:
            qi += 1
        if qi < len(quoted) and quoted[qi][0] < b:
            continue  # inside a quotation
        while ii < len(italics) and italics[ii][1] - 1 <= t:
            ii += 1
        if ii < len(italics) and italics[ii][0] < t:
            continue  # inside an italic title
        if line[t] == "." and line[t : t + 3] != "..." and _abbreviation_blocks(line, t, nxt):
            continue
        cuts.append(b)
    return cuts


def split_sentences(text: str) -> list[Sentence]:
    """Split `text` into sentences with exact offsets, lines first, never inside a quotation."""
    out: list[Sentence] = []
    base = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        if line.strip():
            first = True
            prev = 0
            cuts = _cuts(line) if _MAY_END.search(line) else []
            for cut in [*cuts, len(line)]:
                chunk = line[prev:cut]
                stripped = chunk.strip()
                if stripped:
                    s = base + prev + (len(chunk) - len(chunk.lstrip()))
                    out.append(Sentence(stripped, s, s + len(stripped), first, line))
                    first = False
                prev = cut
        base += len(raw)
    return out
