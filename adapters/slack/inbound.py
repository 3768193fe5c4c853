"""What an HTTP request must be before anything acts on it: signed by Slack within its five
minutes, a form, and shaped like Slack's payloads (the fields Bolt and the listeners read
have the types Slack gives them). Anything else is `Refused` with a status and a one-line
reason for the log, before Bolt parses it.

Slack signs `v0:{timestamp}:{raw body}` with HMAC-SHA256 and the app's signing secret:
https://api.slack.com/authentication/verifying-requests-from-slack"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

WINDOW = 5 * 60
"""Slack's replay window: a request signed longer ago than this (or ahead) is refused."""
FORM = "application/x-www-form-urlencoded"
MAX_FIELDS = 100
_STAMP = re.compile(r"[0-9]{1,12}")  # ASCII digits only: str.isdigit() accepts other scripts
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
"""A Slack id (U0ALICE, C0GENERAL, T0PULLQ, ...): letters and digits, never markup or 5,000
characters."""

_OBJECTS = ("user", "team", "channel", "container", "enterprise", "view", "message",
            "previous_message", "event", "item", "assistant_thread", "state", "function_data")
_LISTS = ("authorizations", "response_urls")
_STRINGS = ("type", "trigger_id", "response_url", "api_app_id", "callback_id", "command",
            "text", "user_id", "team_id", "channel_id", "enterprise_id", "thread_ts",
            "function_execution_id", "bot_access_token")
_IDS = (("user", "id"), ("team", "id"), ("channel", "id"), ("enterprise", "id"),
        ("container", "channel_id"), (None, "user_id"), (None, "team_id"),
        (None, "channel_id"), (None, "enterprise_id"))
_VIEW_STRINGS = ("type", "callback_id", "private_metadata", "id", "hash", "team_id",
                 "app_installed_team_id")
_NEEDS_TRIGGER = frozenset({"block_actions", "view_submission"})


class Refused(Exception):
    """A request Slack would not send: answered with `status`; the message says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def verify(
    stamps: Sequence[str], signatures: Sequence[str], body: bytes, secret: str, now: float
) -> None:
    """Refuse (401) unless exactly one timestamp, within WINDOW of `now`, and one signature
    that matches `body` under `secret` came with the request."""
    if len(stamps) != 1 or len(signatures) != 1:
        raise Refused(401, "missing or repeated X-Slack-Request-Timestamp/X-Slack-Signature")
    stamp, signature = stamps[0], signatures[0]
    if not _STAMP.fullmatch(stamp):
        raise Refused(401, "X-Slack-Request-Timestamp is not a number of seconds")
    if abs(now - int(stamp)) > WINDOW:
        raise Refused(401, "X-Slack-Request-Timestamp is outside Slack's five minutes")
    if not _SIGNATURE.fullmatch(signature):
        raise Refused(401, "X-Slack-Signature is not a v0 signature")
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    if not hmac.compare_digest("v0=" + digest.hexdigest(), signature):
        raise Refused(401, "X-Slack-Signature does not match the body")


def read_form(content_type: str, body: bytes) -> dict[str, Any]:
    """The body Bolt will see: the form's fields, or its `payload` JSON object (buttons,
    modals). Refused when it is not a form (415) or not one Slack would send (400)."""
    if content_type != FORM:
        raise Refused(415, f"content type {content_type[:60]!r}: Slack sends {FORM}")
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=bool(body),
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except ValueError:  # UnicodeDecodeError included
        raise Refused(400, "the body is not a UTF-8 form") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise Refused(400, "a form field is repeated")
    if "payload" not in fields:
        return fields
    try:
        payload = json.loads(fields["payload"])
    except (ValueError, RecursionError):
        raise Refused(400, "payload is not JSON") from None
    if not isinstance(payload, dict):
        raise Refused(400, "payload is not a JSON object")
    return payload


def check_shape(body: Mapping[str, Any]) -> None:
    """Refuse (400) a body whose fields do not have Slack's types: objects that are not
    objects, ids that are not ids, buttons without an action id, a view without a state.
    Slack's ssl_check (a signed probe of a slash command's URL) passes: Bolt answers 200."""
    if body.get("ssl_check") == "1" and "command" not in body:
        return
    for key in _OBJECTS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            raise Refused(400, f"{key} is not an object")
    for key in _LISTS:
        value = body.get(key)
        if key in body and not (
            isinstance(value, list) and all(isinstance(item, dict) for item in value)
        ):
            raise Refused(400, f"{key} is not a list of objects")
    for key in _STRINGS:
        if key in body and not isinstance(body[key], str):
            raise Refused(400, f"{key} is not a string")
    for outer, key in _IDS:
        holder = body.get(outer) if outer else body
        value = holder.get(key) if isinstance(holder, dict) else None
        if value not in (None, "") and not (isinstance(value, str) and _ID.fullmatch(value)):
            raise Refused(400, f"{outer + '.' if outer else ''}{key} is not a Slack id")
    url = body.get("response_url")
    if url is not None and not _web_url(url):
        raise Refused(400, "response_url is not an http(s) URL")
    kind = body.get("type")
    if "command" not in body and kind is None:
        raise Refused(400, "neither a slash command nor an interaction")
    if "command" in body or kind in _NEEDS_TRIGGER:
        if not body.get("trigger_id"):
            raise Refused(400, "no trigger_id")
        user = body.get("user")
        if not (body.get("user_id") or (isinstance(user, dict) and user.get("id"))):
            raise Refused(400, "no user id")
    if "actions" in body or kind == "block_actions":
        _check_actions(body.get("actions"))
    if "view" in body or kind in ("view_submission", "view_closed"):
        _check_view(body.get("view"))


def _web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        return parts.scheme in ("https", "http") and bool(parts.hostname)
    except ValueError:
        return False


def _check_actions(actions: object) -> None:
    if not isinstance(actions, list) or not actions or len(actions) > MAX_FIELDS:
        raise Refused(400, "actions is not a list of actions")
    for action in actions:
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            raise Refused(400, "an action has no action_id")
        if not isinstance(action.get("block_id", ""), str):
            raise Refused(400, "an action's block_id is not a string")


def _check_view(view: object) -> None:
    if not isinstance(view, dict):
        raise Refused(400, "view is not an object")
    for key in _VIEW_STRINGS:
        if key in view and not isinstance(view[key], str):
            raise Refused(400, f"view.{key} is not a string")
    if not (isinstance(view.get("callback_id"), str) and isinstance(view.get("type"), str)):
        raise Refused(400, "view has no callback_id or type")
    state = view.get("state")
    if state is None:
        return
    if not isinstance(state, dict):
        raise Refused(400, "view.state is not an object")
    values = state.get("values")
    if values is not None and not (
        isinstance(values, dict)
        and all(
            isinstance(block, dict) and all(isinstance(el, dict) for el in block.values())
            for block in values.values()
        )
    ):
        raise Refused(400, "view.state.values is not Slack's shape")
