"""Preview-then-post (the /giphy pattern): the buttons under a private preview.

Button ids carry everything needed to act on a click, so a click works after a restart:
`pq:<verb>:<target id>:<preview nonce>`, at most 100 characters (Discord's limit). The verb
names what the click does (`Core.click` looks it up); the target is what it acts on (a
snippet, later a draft review); the nonce names the preview, so a Post is claimed once per
preview however often it is clicked."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from bot.cards import Action, ActionStyle, Card

PREFIX = "pq"
_ID = re.compile(r"^pq:([a-z]{1,16}):(\d{1,18}):([A-Za-z0-9_-]{1,40})$")

NONCE_BYTES = 9
"""Random bytes per nonce: 72 bits, 12 URL-safe characters."""


@dataclass(frozen=True, slots=True)
class Click:
    """A parsed button click."""

    verb: str
    target: int
    nonce: str

    @property
    def claim_key(self) -> str:
        """The key a Post claims so that a double click posts once."""
        return f"{self.verb}:{self.nonce}"


def new_nonce() -> str:
    """A fresh preview identity (unguessable, URL-safe, short)."""
    return secrets.token_urlsafe(NONCE_BYTES)


def action_id(verb: str, target: int, nonce: str) -> str:
    """The id of one preview button."""
    return f"{PREFIX}:{verb}:{target}:{nonce}"


def button(verb: str, label: str, style: ActionStyle, target: int, nonce: str) -> Action:
    """A button whose click comes back to the core as `verb` on `target`."""
    return Action(action_id(verb, target, nonce), label, style)


def preview_actions(card: Card, nonce: str) -> tuple[Action, ...]:
    """Post / Another / Cancel for a card that shows a snippet; none for other cards."""
    if card.snippet_id is None:
        return ()
    sid = card.snippet_id
    return (
        button("post", "Post", "primary", sid, nonce),
        button("another", "Another", "secondary", sid, nonce),
        button("cancel", "Cancel", "danger", sid, nonce),
    )


def parse_click(custom_id: str) -> Click | None:
    """The click a button id stands for, or None when it is not one of ours."""
    m = _ID.match(custom_id)
    if m is None:
        return None
    return Click(m.group(1), int(m.group(2)), m.group(3))
