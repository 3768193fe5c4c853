"""Awful input for the renderers: huge, strange and hostile text and links, as cards and as
reviews in a real store, plus checks that what a platform shows stays literal and keeps the
attribution. Used by tests/test_hostile.py and tests/test_known_violations.py."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from typing import Any

from bot.cards import Card, CardField
from storage.records import NewFilm, NewRelease, NewReview, NewSnippet

FLAG = "\U0001f1eb\U0001f1f7"  # 🇫🇷: 2 code points, 4 UTF-16 units
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # a ZWJ sequence
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
ZALGO = "Z\u0337\u0322\u031b\u0316\u0317a\u0338l\u0335g\u0336o\u0337"

DISCORD_ENTITIES = (
    "<#700000000000000003> </quote:1> </daily set:123> <t:1> <t:1700000000:R> <:name:1> "
    "<a:name:1> <@&1> <@1> <@!1> <@&700000000000000005> <id:customize> @everyone @here"
)
SLACK_ENTITIES = (
    "<!here> <!channel> <!everyone> <@U0ALICE> <#C0GENERAL> <!subteam^S012AB|@team> "
    "<!date^1392734382^{date_num}|Feb 18> <https://evil.example|click> &amp; &lt; &gt;"
)
MARKUP = (
    "**bold** __under__ ~~strike~~ `code` ```block``` ||spoiler|| *it* _it_\n"
    "> quoted\n>>> all quoted\n# heading\n-# subtext\n- item\n1. first\n"
    "[masked](https://example.org/x) <https://example.org/y> \\ \\<#1> \\\\"
)

TEXTS: tuple[str, ...] = (
    "Plain words. A sentence. Another one!",
    "A" * 7000,
    "word " * 1500,
    "Sentence number one is here. " * 250,
    FLAG * 3000,
    FAMILY * 700,
    SCOTLAND * 400,
    "e\u0301" * 3000,
    ZALGO * 300,
    "\u202eevil reversed\u202c then \u200f\u200e\u2067isolated\u2069 and \u061c",
    "\u200b" * 10,
    "\ufeffBOM\u2028line\u2029para\u00adsoft\u2060joiner",
    "\x07\x1b[31mred\x1b[0m\x7f",
    "   ",
    "\n\n\n",
    "",
    "\ufdfa" * 200,  # one code point, a very wide ligature
    "\U00012000" * 1500,  # cuneiform: astral, 2 units each
    "\ufe0f\u20e3" * 100,
    DISCORD_ENTITIES,
    SLACK_ENTITIES,
    MARKUP,
    "/quote her /daily set 09:00 /pullquote help",
    "&amp; &lt; & < > \" ' `",
    "x" * 6000 + " " + FLAG,
)

URLS: tuple[str | None, ...] = (
    None,
    "",
    "https://example.org/review",
    "https://example.com/critique/été?note=très+bien",
    'https://example.org/a|b"c"',
    "https://example.org/" + "p" * 3000,
    "https://example.org/" + "p" * 2020,
    "https://example.org/" + "p" * 2960,
    "https://exa mple.org/",
    "javascript:alert(1)",
    "https://日本.jp/パス",
    "  https://example.org/with space  ",
    "https://example.org/<!here>",
    "http://[::1]/local",
    "ftp://example.org/file",
    "https://example.org/%",
    "https://" + "a" * 64 + ".org/",
    "https://example.org/?q=" + FLAG * 800,
    "https://example.org/#frag#ment",
    "https://user:pw@example.org/",
    "https://example.org/\u202eevil",
)


def pick(rng: random.Random) -> str:
    """One hostile text, sometimes two glued together."""
    text = rng.choice(TEXTS)
    return text + " " + rng.choice(TEXTS) if rng.random() < 0.3 else text


def short_pick(rng: random.Random) -> str:
    """A hostile text of a size a name could have (up to a few hundred characters)."""
    text = pick(rng)
    return text[: rng.choice((10, 60, 200, 600))]


def card(rng: random.Random, *, depth: int = 0) -> Card:
    """A random hostile card of any kind."""
    kind = rng.choice(("critic_quote", "excerpt", "dialogue", "release", "film", "search",
                       "help"))
    attribution = short_pick(rng) if rng.random() < 0.7 else None
    quoted = kind in ("critic_quote", "excerpt", "dialogue")
    body = f"“{pick(rng)}”" if quoted else pick(rng)
    results: tuple[Card, ...] = ()
    if kind == "search" and depth == 0:
        results = tuple(card(rng, depth=1) for _ in range(rng.randint(1, 5)))
    fields = tuple(
        CardField(short_pick(rng), pick(rng), inline=rng.random() < 0.5)
        for _ in range(rng.choice((0, 0, 3, 12, 30)))
    )
    return Card(
        kind=kind,  # type: ignore[arg-type]
        title=short_pick(rng) if rng.random() < 0.8 else pick(rng),
        body=body,
        attribution=attribution if quoted or rng.random() < 0.2 else None,
        fields=() if quoted else fields,
        url=rng.choice(URLS),
        footer=short_pick(rng) if rng.random() < 0.5 else None,
        spoiler=rng.random() < 0.2,
        snippet_id=rng.randint(1, 10**6) if quoted else None,
        results=results,
    )


def cards(seed: int, count: int) -> Iterator[Card]:
    """`count` hostile cards, the same ones for the same seed."""
    rng = random.Random(seed)
    for _ in range(count):
        yield card(rng)


# -- a store full of hostile reviews -----------------------------------------------------------


def reviews(seed: int = 3) -> list[NewReview]:
    """One review per hostile text: the text and the next one as its two critic quotes (so
    Another has something to swap in), hostile film titles, critics, outlets and links,
    some with release dates and some without."""
    rng = random.Random(seed)
    out = []
    for i, text in enumerate(TEXTS):
        quote = text.strip() or "(blank)"
        other = TEXTS[(i + 1) % len(TEXTS)].strip() or "(also blank)"
        title = [f"Film {i} " + short_pick(rng), f"Film {i} " + FLAG * 600,
                 f"Film {i} " + "T" * 3000, f"Film {i}"][i % 4]
        critic = short_pick(rng).strip() or "Ada Brook"
        outlet = short_pick(rng).strip() or "The Long Review"
        review = f"{critic} wrote in {outlet}: “{quote}” and then “{other}” and more."
        start = review.index(quote)
        second = review.index(other, start + len(quote))
        releases = () if i % 3 == 0 else (
            NewRelease("GB", 2001, 5, 4, "theatrical"),
            NewRelease("US", 2001, None, None, "premiere"),
        )
        out.append(
            NewReview(
                film=NewFilm(title, 2001 if i % 2 else None, director=short_pick(rng) or None,
                             cast=tuple(short_pick(rng) for _ in range(3))),
                text=review,
                content_hash=hashlib.sha256(review.encode("utf-8", "replace")).hexdigest(),
                outlet=outlet,
                critic=critic,
                url=URLS[i % len(URLS)],
                snippets=(
                    NewSnippet("critic_quote", quote, start, start + len(quote), critic,
                               outlet, 1.0, i % 5 == 0),
                    NewSnippet("critic_quote", other, second, second + len(other), critic,
                               outlet, 0.8, False),
                    NewSnippet("excerpt", quote, start, start + len(quote), None, None, 0.5,
                               False),
                ),
                releases=releases,
            )
        )
    return out


# -- what a platform would show ----------------------------------------------------------------

_DISCORD_ENTITY = re.compile(
    r"<(?:@[!&]?\d+|#\d+|/[\w-]{1,32}(?: [\w-]{1,32}){0,2}:\d+|t:-?\d+(?::[tTdDfFR])?"
    r"|a?:\w{2,32}:\d+|id:[\w-]+)>"
)
_DISCORD_PING = re.compile(r"@(?:everyone|here)")
_SLACK_ANGLE = re.compile(r"<[^<>]*>")


def discord_entities(text: str) -> list[str]:
    """Entities Discord would render in `text` (channel links, commands, timestamps,
    custom emoji, user or role pills, @everyone): those whose "<" is not backslash-escaped."""
    found = []
    for match in _DISCORD_ENTITY.finditer(text):
        backslashes = len(text[: match.start()]) - len(text[: match.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            found.append(match.group(0))
    return found + _DISCORD_PING.findall(text)


def slack_entities(text: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """Every `<…>` Slack would parse in mrkdwn `text` (a mention, channel, date, link),
    except those in `allowed` and the one "Read the review" link of a card."""
    return [
        m for m in _SLACK_ANGLE.findall(text)
        if m not in allowed and not re.fullmatch(r"<https?://[^|<>\s]+\|Read the review>", m)
    ]


def embed_texts(embed: dict[str, Any]) -> list[str]:
    """Every string of an embed Discord renders with markdown."""
    texts = [embed.get("title") or "", embed.get("description") or ""]
    for f in embed.get("fields") or []:
        texts += [f["name"], f["value"]]
    return texts


def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn string in a Slack message's blocks."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return found
