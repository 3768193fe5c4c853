"""The core's Replies as Slack payloads, and Slack payloads as the core's Callers.

A reply to show goes in the command's ack or to its `response_url` (`message`): private
replies as `ephemeral`, public ones as `in_channel`; a click's reply can replace or delete
the preview it came from. A form becomes a modal view (`form_view`)."""

from __future__ import annotations

import json
from typing import Any

from adapters.slack import render
from bot.reply import Form, Reply

MAX_BLOCKS = 50
MODAL_TITLE = 24
MODAL_LABEL = 2000
INPUT_TEXT = 3000


def message(reply: Reply, *, click: bool = False) -> dict[str, Any] | None:
    """The body for an ack or a response_url post; None when there is nothing to send.
    Answering a `click`, the preview it came from is replaced only when the reply says so."""
    if reply.visibility == "none" or (not reply.cards and reply.visibility != "error"):
        return {"delete_original": True} if reply.original == "delete" else None
    error = reply.visibility == "error"
    body = render.error_message(reply.text or "") if error else _cards(reply)
    out: dict[str, Any] = {
        "response_type": "in_channel" if reply.visibility == "public" else "ephemeral",
        **body,
    }
    if click:
        out["replace_original"] = reply.original == "replace"
    return out


def _cards(reply: Reply) -> dict[str, Any]:
    """`text` and `blocks` for every card of a reply; the note over the first card, the
    buttons under the last, at most MAX_BLOCKS blocks in all."""
    last = len(reply.cards) - 1
    blocks: list[dict[str, Any]] = []
    for n, card in enumerate(reply.cards):
        note = reply.text if n == 0 else None
        actions = reply.actions if n == last else ()
        blocks += render.card_blocks(card, actions=actions, note=note)
    if len(blocks) > MAX_BLOCKS:
        actions_block = [b for b in blocks[-1:] if b["type"] == "actions"]
        blocks = blocks[: MAX_BLOCKS - len(actions_block)] + actions_block
    return {"text": render.fallback_text(reply.cards[0]), "blocks": blocks}


def form_view(form: Form, metadata: dict[str, str]) -> dict[str, Any]:
    """A modal asking for the fields of `form`; `metadata` (channel, response_url) comes
    back with the submission."""
    blocks = [
        {
            "type": "input",
            "block_id": field.name,
            "optional": not field.required,
            "label": render.plain(field.label, MODAL_LABEL),
            "element": {
                "type": "plain_text_input",
                "action_id": field.name,
                "multiline": field.long,
                "max_length": min(field.max_length, INPUT_TEXT),
                **(
                    {"placeholder": render.plain(field.placeholder, 150)}
                    if field.placeholder
                    else {}
                ),
            },
        }
        for field in form.fields
    ]
    return {
        "type": "modal",
        "callback_id": form.id,
        "title": render.plain(form.title, MODAL_TITLE),
        "submit": render.plain(form.submit, MODAL_TITLE),
        "close": render.plain("Cancel", MODAL_TITLE),
        "private_metadata": json.dumps(metadata),
        "blocks": blocks,
    }


def form_values(view: dict[str, Any]) -> dict[str, str]:
    """The submitted value of each field of a form's modal, by field name."""
    values: dict[str, str] = {}
    state = (view.get("state") or {}).get("values") or {}
    for block_id, actions in state.items():
        for element in (actions or {}).values():
            values[str(block_id)] = str((element or {}).get("value") or "")
    return values
