"""Cards to Block Kit, within Slack's limits, with every piece of card text escaped.

Card text is plain text from reviews and users. In mrkdwn, `&`, `<` and `>` are escaped so
that nothing in a quote can become a mention (`<!channel>`, `<!here>`, `<@U…>`) or a link;
text objects are also marked `verbatim` so Slack does not auto-link bare names either.
Lengths are counted in UTF-16 units (adapters.wire.units), so every limit holds however
Slack counts; links are made RFC 3986 URIs or dropped (adapters.wire.web_url)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from adapters import wire
from adapters.wire import one_line, units, web_url
from bot.cards import Action, Card
from bot.commands import COMMANDS

Block = dict[str, Any]

MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
CONTEXT_TEXT = 3000
FALLBACK_TEXT = 300
"""The notification text (`text` beside `blocks`); Slack allows far more, nobody reads it."""

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,30}$")
_READ = "Read the review"
BLANK = "…"
"""Shown instead of text that would be empty or blank, which Slack refuses."""
_COMMAND_REF = re.compile(
    r"(?<![\w/])/(" + "|".join(re.escape(c.name) for c in COMMANDS) + r"|daily)\b"
)


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Undo Slack's escaping of `&`, `<`, `>` in text it sends us (slash command text)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_commands(text: str) -> str:
    """Rewrite the core's `/quote …` command references as `/pullquote quote …`."""
    return _COMMAND_REF.sub(r"/pullquote \1", text) if "/" in text else text


def fit(text: str, limit: int, *, reserve: int = 0) -> str:
    """`text` shortened (at a sentence or word boundary) so that, once escaped, it fits in
    `limit - reserve` UTF-16 units; escaping can lengthen text, so the cut is re-checked."""
    return wire.fit(text, max(limit - reserve, 1), escape)


def _shown(text: str) -> str:
    return escape(slack_commands(text))


def fit_text(text: str, limit: int, *, reserve: int = 0) -> str:
    """`fit` for core text that may name commands: shortened first, then its `/quote`
    references rewritten (`slack_commands`) and escaped, so the work is on what is shown."""
    return wire.fit(text, max(limit - reserve, 1), _shown)


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object for already-escaped text; `verbatim` stops auto-linking."""
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object (never parsed for mentions), shortened to `limit`."""
    shown = wire.fit(text, limit)
    return {"type": "plain_text", "text": shown if shown.strip() else BLANK, "emoji": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def _link(url: str | None) -> str | None:
    """The "Read the review" link in mrkdwn, or None. Only web links, percent-encoded (so
    no `|`, `<` or `>` can end the link early or make it a mention), within the limit."""
    link = web_url(url, limit=CONTEXT_TEXT)
    if link is None:
        return None
    text = f"<{link.replace('&', '&amp;')}|{_READ}>"
    return text if units(text) <= CONTEXT_TEXT else None


def snippet_text(card: Card, limit: int = SECTION_TEXT) -> str:
    """The quote and its attribution as one mrkdwn string within `limit`: the body is
    shortened, the attribution never (it is cut only if it alone would take over half)."""
    who = one_line(card.attribution)
    attribution = f"— _{fit(who, limit // 2, reserve=4)}_" if who else ""
    reserve = units(attribution) + 1 if attribution else 0
    body = fit_text(card.body, limit, reserve=reserve)
    return f"{body}\n{attribution}" if attribution else body


def _split_lines(text: str, limit: int) -> list[str]:
    """Escaped chunks of `text`, each within `limit`, split at line ends where possible."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        piece = _shown(line)
        if units(piece) > limit:
            piece = fit_text(line, limit)
        candidate = f"{current}\n{piece}" if current else piece
        if units(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = piece
    if current:
        chunks.append(current)
    return [c for c in chunks if c.strip()]


def _field_sections(card: Card) -> list[Block]:
    fields = [
        mrkdwn(
            fit_text(f.name, FIELD_TEXT // 4, reserve=2).join(("*", "*"))
            + "\n"
            + fit_text(f.value, FIELD_TEXT, reserve=FIELD_TEXT // 4 + 1)
        )
        for f in card.fields
    ]
    return [
        {"type": "section", "fields": fields[i : i + FIELDS_PER_SECTION]}
        for i in range(0, len(fields), FIELDS_PER_SECTION)
    ]


def action_blocks(actions: Sequence[Action]) -> list[Block]:
    """One actions block of buttons (Slack has no 'secondary' style: it is the default)."""
    if not actions:
        return []
    buttons = []
    for a in actions[:25]:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": a.id,
            "text": plain(a.label, BUTTON_TEXT),
            "value": a.id,
        }
        if a.style != "secondary":
            button["style"] = a.style
        buttons.append(button)
    return [{"type": "actions", "block_id": "pq-preview", "elements": buttons}]


def card_blocks(
    card: Card,
    *,
    actions: Sequence[Action] = (),
    shared_by: str | None = None,
    note: str | None = None,
) -> list[Block]:
    """Block Kit for `card`: header, body (with attribution), fields, link, footer, an
    optional 'shared by' line, a note (plain text, e.g. a hint) and buttons; at most 50."""
    head: list[Block] = [{"type": "header", "text": plain(card.title, HEADER_TEXT)}]
    if note and note.strip():
        head.append(_context(fit(note, CONTEXT_TEXT)))
    if card.spoiler:
        head.append(_context(":warning: *Spoiler*"))

    texts: list[str]
    if card.results:
        texts = [snippet_text(r) for r in card.results]
    elif card.attribution:
        texts = [snippet_text(card)]
    else:
        texts = _split_lines(card.body, SECTION_TEXT)
    body = [_section(t) for t in texts if t.strip()] + _field_sections(card)

    tail: list[Block] = []
    link = _link(card.url)
    if link:
        tail.append(_context(link))
    if card.footer and card.footer.strip():
        tail.append(_context(fit_text(card.footer, CONTEXT_TEXT)))
    if shared_by and _USER_ID.match(shared_by):
        tail.append(_context(f"shared by <@{shared_by}>"))
    tail += action_blocks(actions)

    room = MAX_BLOCKS - len(head) - len(tail)
    if len(body) > room:
        body = [*body[: room - 1], _context("… more than fits in one message.")]
    return head + body + tail


def fallback_text(card: Card) -> str:
    """The escaped notification text shown where blocks are not (push, screen readers)."""
    first = card.body.split("\n", 1)[0]
    attribution = one_line(card.attribution)
    who = f" — {fit(attribution, 100)}" if attribution else ""
    return fit(f"{card.title}: {first}", FALLBACK_TEXT, reserve=units(who)) + who


def message(
    card: Card,
    *,
    actions: Sequence[Action] = (),
    shared_by: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """`text` + `blocks` for chat.postMessage or a response_url reply."""
    return {
        "text": fallback_text(card),
        "blocks": card_blocks(card, actions=actions, shared_by=shared_by, note=note),
    }


def error_message(text: str) -> dict[str, Any]:
    """An ephemeral reply for a user-facing error or hint (escaped, within limits)."""
    body = fit_text(text, SECTION_TEXT)
    body = body if body.strip() else BLANK
    return {"text": body, "blocks": [_section(body)]}
