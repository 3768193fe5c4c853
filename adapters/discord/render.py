"""Cards to Discord messages: an embed within every Discord limit, card text escaped.

Text is shortened at a sentence or word boundary (bot.text.shorten) before escaping; since
escaping lengthens text, `fit` shrinks the raw text until the escaped result fits. The
attribution of a quote is budgeted first, so shortening never drops it. Lengths are counted
in UTF-16 units (adapters.wire.units), so every limit holds however Discord counts; links
are made RFC 3986 URIs or dropped (adapters.wire.web_url)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import discord

from adapters import wire
from adapters.wire import one_line, units, web_url
from bot.cards import Card

CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
TOTAL = 6000
URL = 2048
CHOICE = 100
"""An autocomplete choice's name and value."""

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


# Discord's markdown takes a backslash before any non-alphanumeric character as "show this
# character as it is". So: a backslash before every emphasis, code, spoiler and masked-link
# character, and before the marker of a quote, heading, list or subtext line. Web links are
# left whole (a backslash would end up inside the link), as discord.utils does. Unlike
# discord.utils.escape_markdown, whose lookaheads and `\[.+\]\(.+\)` go quadratic and
# worse on text like "[x](" repeated (seconds for 4,000 characters), every pattern here is
# linear in the text.
_LINK = re.compile(r"(?:https?|steam)://[^\s<]+[^<.,:;\"')\]\s]")
_INLINE = re.compile(r"[\\*_~|`\[]")
_LINE_MARK = re.compile(r"^([ \t]*)([>#+-])", re.MULTILINE)
_LIST_NUMBER = re.compile(r"^([ \t]*\d+)([.)])(?=[ \t])", re.MULTILINE)
_MARKDOWN_TRIGGERS = re.compile(r"[\\*_~|`\[>#+-]|\d[.)]")
"""Text with none of these needs no escaping (most titles and names)."""


def _escape_run(text: str) -> str:
    text = _INLINE.sub(r"\\\g<0>", text)
    text = _LINE_MARK.sub(r"\1\\\2", text)
    return _LIST_NUMBER.sub(r"\1\\\2", text)


def escape_markdown(text: str) -> str:
    """`text` with every markdown character Discord would act on backslash-escaped
    (web links left whole); linear in the length of `text`."""
    if _MARKDOWN_TRIGGERS.search(text) is None:
        return text
    out: list[str] = []
    start = 0
    for link in _LINK.finditer(text):
        out += [_escape_run(text[start : link.start()]), link.group(0)]
        start = link.end()
    out.append(_escape_run(text[start:]))
    return "".join(out)


def escape(text: str) -> str:
    """Card text made literal: markdown characters escaped, mentions (@everyone, <@id>)
    broken, and every `<` escaped, so nothing quoted becomes a channel link, command,
    timestamp, custom emoji or role pill (`<#1>`, `</quote:1>`, `<t:1>`, `<:e:1>`, `<@&1>`)."""
    out = escape_markdown(text)
    if "<" in out:
        # Discord's markdown shows a backslash-escaped "<" as itself and parses no entity.
        out = out.replace("<", "\\<")
    # escape_mentions only rewrites "@..." (everyone, here, user and role ids).
    return discord.utils.escape_mentions(out) if "@" in out else out


def fit(raw: str, budget: int, render: Callable[[str], str] = escape) -> str:
    """`render(shorten(raw, n))` for the largest n whose result fits in `budget` UTF-16
    units (adapters.wire.fit), escaped like card text unless `render` says otherwise."""
    return wire.fit(raw, budget, render)


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


def _snippet_text(card: Card, budget: int) -> str:
    """Quote plus attribution in `budget` units, the attribution budgeted first."""
    who = one_line(card.attribution)
    attribution = f"\n— {fit(who, min(ATTRIBUTION, max(budget // 2 - 3, 1)))}" if who else ""
    return _quote(card.body, budget - units(attribution), spoiler=card.spoiler) + attribution


def _description(card: Card, budget: int) -> str:
    if card.kind == "search" and card.results:
        sep = "\n\n"
        share = (budget - len(sep) * (len(card.results) - 1)) // len(card.results)
        return sep.join(_snippet_text(r, share) for r in card.results)
    if card.snippet_id is not None or card.attribution:
        return _snippet_text(card, budget)
    render = (lambda t: f"||{escape(t)}||") if card.spoiler else escape
    return fit(card.body, budget, render)


def _shown(text: str) -> str | None:
    """`text`, or None when it would show nothing (Discord refuses blank strings)."""
    return text if text.strip() else None


def render_card(card: Card, *, content: str | None = None) -> Message:
    """The message for `card`: title 256, description 4096, 25 fields of 256/1024,
    footer 2048 and 6000 in all (UTF-16 units), never without the quote's attribution."""
    title = _shown(fit(card.title, TITLE)) or ""
    footer = _shown(plain(card.footer, FOOTER_ROOM)) if card.footer else None
    room = TOTAL - units(title) - units(footer or "")
    description = _shown(_description(card, min(DESCRIPTION, room)))
    room -= units(description or "")

    embed = discord.Embed(
        title=title or None,
        description=description,
        url=web_url(card.url, limit=URL),
        colour=_COLOURS.get(card.kind),
    )
    for f in card.fields[:FIELDS]:
        name = _shown(fit(f.name, FIELD_NAME)) or "\u200b"
        value_room = min(FIELD_VALUE, room - units(name))
        if value_room < MIN_FIELD_VALUE:
            break
        value = _shown(fit(f.value, value_room)) or "\u200b"
        embed.add_field(name=name, value=value, inline=f.inline)
        room -= units(name) + units(value)
    if footer:
        embed.set_footer(text=footer)
    return Message(embed=embed, content=_shown(plain(content, CONTENT)) if content else None)


def plain(text: str, limit: int) -> str:
    """Text Discord shows without markdown (footers, our own lines), within `limit` units."""
    return fit(text, limit, lambda t: t)


def error_text(text: str) -> str:
    """A message for the one user who acted (an error or a hint), escaped like card text
    and within the 2,000-unit content limit; a long film title in it is shortened."""
    return fit(text, CONTENT) or "…"


def choice(text: str) -> str:
    """An autocomplete choice's name or value: 1 to 100 units."""
    return plain(text, CHOICE).strip() or "…"


def shared_by(card: Card, user: discord.abc.User) -> Message:
    """A posted preview: the card under "shared by @user" (shown as a mention, never
    pinging, since every message goes out with allowed_mentions none)."""
    return render_card(card, content=f"shared by {user.mention}")
