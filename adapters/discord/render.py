"""Cards to Discord messages: an embed within every Discord limit, card text escaped.

Text is shortened at a sentence or word boundary (bot.text.shorten) before escaping; since
escaping lengthens text, `fit` shrinks the raw text until the escaped result fits. The
attribution of a quote is budgeted first, so shortening never drops it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import discord

from bot.cards import Card
from bot.text import shorten

CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
TOTAL = 6000

ATTRIBUTION = 300
"""Room kept for a quote's attribution line; real ones are far shorter."""
FOOTER_ROOM = 512
"""Footers are hints ("Also: ..."); keeping them short leaves room for the quote."""
MIN_FIELD_VALUE = 16
"""A field with less room than this is dropped rather than shown as a stub."""

NO_MENTIONS = discord.AllowedMentions.none()

_COLOURS = {
    "critic_quote": 0x5865F2,
    "excerpt": 0x57F287,
    "dialogue": 0xEB459E,
    "release": 0xFEE75C,
    "film": 0x3498DB,
    "search": 0x95A5A6,
    "help": 0x99AAB5,
}
_OPEN, _CLOSE = "“", "”"


@dataclass(frozen=True, slots=True)
class Message:
    """What to send: an optional plain content line and one embed."""

    embed: discord.Embed
    content: str | None = None


# discord.utils.escape_markdown leaves text without any of these characters unchanged: each
# alternative of its pattern ([_\\~|*`], ^>, [..](..), ^#, ^\s*-) needs one of them, and
# links are put back as they were. Most card text (titles, names) has none.
_MARKDOWN_TRIGGERS = re.compile(r"[_\\~|*`>\[#-]")


def escape_markdown(text: str) -> str:
    """discord.utils.escape_markdown(text), skipped when nothing in `text` could match."""
    if _MARKDOWN_TRIGGERS.search(text) is None:
        return text
    return discord.utils.escape_markdown(text)


def escape(text: str) -> str:
    """Card text made literal: markdown characters escaped and mentions (@everyone,
    <@id>) broken, so quoted text can neither format nor ping."""
    out = escape_markdown(text)
    # escape_mentions only rewrites "@..." (everyone, here, user and role ids).
    return discord.utils.escape_mentions(out) if "@" in out else out


def fit(raw: str, budget: int, render: Callable[[str], str] = escape) -> str:
    """`render(shorten(raw, n))` for the largest n whose result fits in `budget`."""
    limit = budget
    while True:
        out = render(shorten(raw, max(limit, 0)))
        if len(out) <= budget:
            return out
        if limit <= 0:
            return out[:budget]
        limit -= max(1, len(out) - budget)


def _quote(body: str, budget: int, *, spoiler: bool) -> str:
    """A quoted body in its curly quotes (kept when shortening), as a spoiler if asked."""
    inner, wrap = body, False
    if len(body) >= 2 and body.startswith(_OPEN) and body.endswith(_CLOSE):
        inner, wrap = body[1:-1], True

    def render(text: str) -> str:
        out = escape(text)
        if wrap:
            out = f"{_OPEN}{out}{_CLOSE}"
        return f"||{out}||" if spoiler else out

    return fit(inner, budget, render)


def _attribution_line(attribution: str | None) -> str:
    return f"\n— {fit(attribution, ATTRIBUTION)}" if attribution else ""


def _snippet_text(card: Card, budget: int) -> str:
    """Quote plus attribution in `budget` characters, the attribution budgeted first."""
    attribution = _attribution_line(card.attribution)
    return _quote(card.body, budget - len(attribution), spoiler=card.spoiler) + attribution


def _description(card: Card, budget: int) -> str:
    if card.snippet_id is not None or card.attribution:
        return _snippet_text(card, budget)
    if card.kind == "search" and card.results:
        sep = "\n\n"
        share = (budget - len(sep) * (len(card.results) - 1)) // len(card.results)
        return sep.join(_snippet_text(r, share) for r in card.results)
    render = (lambda t: f"||{escape(t)}||") if card.spoiler else escape
    return fit(card.body, budget, render)


def _url(url: str | None) -> str | None:
    # Discord rejects the whole message over a malformed embed url; drop anything odd.
    if url and url.startswith(("https://", "http://")) and len(url) <= 2048 and " " not in url:
        return url
    return None


def render_card(card: Card, *, content: str | None = None) -> Message:
    """The message for `card`: title 256, description 4096, 25 fields of 256/1024,
    footer 2048 and 6000 characters in all, never without the quote's attribution."""
    title = fit(card.title, TITLE, escape_markdown)
    footer = shorten(card.footer, FOOTER_ROOM) if card.footer else ""
    room = TOTAL - len(title) - len(footer)
    description = _description(card, min(DESCRIPTION, room)) if card.body else ""
    room -= len(description)

    embed = discord.Embed(
        title=title or None,
        description=description or None,
        url=_url(card.url),
        colour=_COLOURS.get(card.kind),
    )
    for f in card.fields[:FIELDS]:
        name = fit(f.name, FIELD_NAME) or "\u200b"
        value_room = min(FIELD_VALUE, room - len(name))
        if value_room < MIN_FIELD_VALUE:
            break
        value = fit(f.value, value_room) or "\u200b"
        embed.add_field(name=name, value=value, inline=f.inline)
        room -= len(name) + len(value)
    if footer:
        embed.set_footer(text=footer)
    return Message(embed=embed, content=shorten(content, CONTENT) if content else None)


def shared_by(card: Card, user: discord.abc.User) -> Message:
    """A posted preview: the card under "shared by @user" (shown as a mention, never
    pinging, since every message goes out with allowed_mentions none)."""
    return render_card(card, content=f"shared by {user.mention}")
