"""Preview-then-post (the /giphy pattern): the buttons under a private preview.

Button ids carry everything needed to act on a click, so a click works after a restart:
`pq:<verb>:<snippet id>:<preview nonce>`, at most 100 characters (Discord's limit)."""

from __future__ import annotations

import base64
import os
import re
from dataclasses import dataclass
from typing import Literal

from bot.cards import Action, Card

Verb = Literal["post", "another", "cancel"]
PREFIX = "pq"
_ID = re.compile(r"^pq:(post|another|cancel):(\d{1,18}):([A-Za-z0-9_-]{1,40})$")


@dataclass(frozen=True, slots=True)
class Click:
    """A parsed button click."""

    verb: Verb
    snippet_id: int
    nonce: str

    @property
    def claim_key(self) -> str:
        """The key a Post claims so that a double click posts once."""
        return f"post:{self.nonce}"


NONCE_BYTES = 9
"""Random bytes per nonce: 72 bits, 12 URL-safe characters."""
_RANDOM_BATCH = 4096
_random = bytearray()


def new_nonce() -> str:
    """A fresh preview identity (unguessable, URL-safe, short). The bytes come from the
    OS's random source like `secrets.token_urlsafe`, read a few KiB at a time: one system
    call per ~450 previews rather than one each (this runs on every previewed command)."""
    if len(_random) < NONCE_BYTES:
        _random[:] = os.urandom(_RANDOM_BATCH)
    chunk = bytes(_random[-NONCE_BYTES:])
    del _random[-NONCE_BYTES:]
    return base64.urlsafe_b64encode(chunk).decode()


def action_id(verb: Verb, snippet_id: int, nonce: str) -> str:
    """The id of one preview button."""
    return f"{PREFIX}:{verb}:{snippet_id}:{nonce}"


def preview_actions(card: Card, nonce: str) -> tuple[Action, ...]:
    """Post / Another / Cancel for a card that shows a snippet; none for other cards."""
    if card.snippet_id is None:
        return ()
    sid = card.snippet_id
    return (
        Action(action_id("post", sid, nonce), "Post", "primary"),
        Action(action_id("another", sid, nonce), "Another", "secondary"),
        Action(action_id("cancel", sid, nonce), "Cancel", "danger"),
    )


def parse_click(custom_id: str) -> Click | None:
    """The click a button id stands for, or None when it is not one of ours."""
    m = _ID.match(custom_id)
    if m is None:
        return None
    verb: Verb = m.group(1)  # type: ignore[assignment]
    return Click(verb, int(m.group(2)), m.group(3))
