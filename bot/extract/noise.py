"""Lines that are page furniture, not prose: headings, captions, prompts, bylines, credits, links.

Judged a whole line at a time: a caption is a caption because of the line it stands on, not
because of one sentence inside it. Every rule here is a cheap regex or a word count, since this
runs on every line of every article.
"""

from __future__ import annotations

import re

# Words that stay lower-case in ordinary title case, so they do not spoil a headline's look.
_MINOR = frozenset(
    {
        "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "of", "in", "on", "at",
        "to", "by", "up", "as", "from", "with", "into", "onto", "over", "per", "via", "vs",
        "than", "off", "out", "is",
    }
)  # fmt: skip

LONG_LINE = 300

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_MD_RULE = re.compile(r"^\s*([-*_=]\s*){3,}$")
_TABLE = re.compile(r"^\s*(\||\+[-=+]{2,})")
# Matched at the line's start; a line ending in "}}" is debris too (checked with endswith).
_WIKI_DEBRIS = re.compile(r"[\s\[\]{}|=<>]*$|\s*(\||\{\{|\}\}|\]\])")
_BOILERPLATE = re.compile(
    r"^\W*(advertisement|advertising|sponsored( content)?|story continues below|"
    r"continue reading|read more|read next|related( articles?| stories| coverage)?|"
    r"more from|see also|share this|share on|follow us|sign up|subscribe|"
    r"click here|skip to|jump to|back to top|loading|comments?)\b",
    re.IGNORECASE,
)
_PROMPT = re.compile(
    r"^\W*(watch|see|view|check out|play|listen to|stream)\b.{0,60}?"
    r"\b(trailers?|teasers?|clips?|videos?|featurettes?|promos?|scenes?|here|below|above)\b",
    re.IGNORECASE,
)
_TRAILER = re.compile(r"\b(trailers?|teasers?|featurettes?)\b", re.IGNORECASE)
_BYLINE = re.compile(
    r"^\W*(?i:by|words by|written by|reviewed by|review by|posted by|reporting by)\s+"
    r"[A-Z][\w.'’-]*(\s+(and\s+)?[A-Z][\w.'’-]*){0,4}\s*([,|/–—-].{0,60})?$"
)
_CREDIT = re.compile(
    r"^\W*(photo|photos|photograph|image|images|picture|pictures|credit|credits|"
    r"photo credit|illustration|source|via|courtesy)\s*(:|by\b|of\b|courtesy\b|©)",
    re.IGNORECASE,
)
_CREDIT_TAIL = re.compile(
    r"\(\s*(getty( images)?|ap|afp|reuters|rex|shutterstock|alamy|pa|epa|"
    r"(photo|image|credit|courtesy)\b[^)]*|[^)]*\b(pictures|studios|films|entertainment|"
    r"productions|bros\.?|releasing|images|photo|press)\)?)\s*\)\s*$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"©|\(c\)\s*\d{4}|all rights reserved", re.IGNORECASE)
_URL = re.compile(r"https?://\S+|www\.\S+|\[[^\]]*\]\([^)]*\)")
_BULLET = re.compile(r"^\s*([-*+•·]|\d{1,3}[.)])\s+")
_WORD = re.compile(r"[^\W_][\w'’.-]*")
_END_PUNCT = re.compile(r"[.!?…][\"'”’)\]_*]*\s*$")
# Closing quotes and parens that a headline may wrap its last word in ('Her.').
_LEADING_JUNK = re.compile(r"^[\W_]+")


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def looks_like_headline(text: str) -> bool:
    """True for headline-style Title Case text ("Joaquin Phoenix Plays A Man Seeking Love").

    Every word that ordinary title case would capitalise is capitalised, at least three words
    are, and most words are; a real sentence almost always has a lower-case content word."""
    return _headline_words(_words(text))


def _headline_words(words: list[str]) -> bool:
    """`looks_like_headline` on the text's words (`_words`), for callers that have them."""
    if len(words) < 3:
        return False
    capitalised = 0
    for raw in words:
        w = _LEADING_JUNK.sub("", raw)
        if not w:
            continue
        first = w[0]
        if first.isupper() or first.isdigit():
            capitalised += 1
        elif w.lower() not in _MINOR:
            return False
    return capitalised >= 3 and capitalised >= 0.6 * len(words)


def noise_reason(line: str) -> str | None:
    """Why `line` is page furniture rather than prose ("heading", "caption", ...), else None."""
    stripped = line.strip()
    if not stripped:
        return "blank"
    if _MD_HEADING.match(stripped):
        return "heading"
    if (
        _MD_RULE.match(stripped)
        or _TABLE.match(stripped)
        or _WIKI_DEBRIS.match(stripped)
        or stripped.endswith("}}")
    ):
        return "markup"
    if _BOILERPLATE.match(stripped) and len(stripped) < 80:
        return "boilerplate"
    if len(stripped) > LONG_LINE:
        # Furniture is short; a long line is a paragraph, and the rules below would only
        # spend time on it.
        return None
    words = _words(stripped)
    n = len(words)
    if n == 0:
        return "markup"
    if _BYLINE.match(stripped):
        return "byline"
    if _CREDIT.match(stripped) or (n <= 20 and _COPYRIGHT.search(stripped)):
        return "credit"
    # _CREDIT_TAIL ends with ")" and every _URL form holds "://", "www." or "](": cheap
    # substring checks spare most lines these scans.
    if n <= 20 and stripped.endswith(")") and _CREDIT_TAIL.search(stripped):
        return "caption"
    if n <= 14 and (
        _PROMPT.match(stripped)
        or (_TRAILER.search(stripped) and (stripped.endswith(":") or _headline_words(words)))
    ):
        return "prompt"
    if ("://" in stripped or "www." in stripped or "](" in stripped) and _URL.search(stripped):
        rest = _URL.sub(" ", stripped)
        if len(_words(rest)) <= 6 or _BULLET.match(stripped):
            return "link"
    ends_like_prose = bool(_END_PUNCT.search(stripped))
    # Headings and captions are short lines on their own without a full stop.
    if n <= 12 and not ends_like_prose and not stripped.endswith(('"', "”")):
        return "heading"
    if n <= 14 and stripped.endswith(":"):
        return "prompt"
    if _headline_words(words):
        return "headline"
    return None


def is_noise_line(line: str) -> bool:
    """True when `line` is a heading, caption, headline, prompt, byline, credit or link line."""
    return noise_reason(line) is not None
