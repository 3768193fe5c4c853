"""The scheduler's Slack poster: chat.postMessage with the idempotency key in the message
metadata, and conversations.history (with metadata) to find a post after a crash.

`find_post` needs the channels:history (and groups:history for private channels) scope;
without it the lookup fails and the scheduler leaves the day unsent rather than risk a
duplicate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from bot.cards import Card
from bot.schedule.poster import PostError

EVENT_TYPE = "pullquote_daily"
HISTORY_PAGES = 5

_GONE = {"channel_not_found", "is_archived", "channel_is_archived"}
_NOT_IN = {"not_in_channel"}
_FORBIDDEN = {
    "restricted_action", "restricted_action_read_only_channel",
    "restricted_action_thread_only_channel",
    "restricted_action_non_threadable_channel", "missing_scope", "not_allowed_token_type",
    "ekm_access_denied", "team_access_not_granted", "access_denied", "account_inactive",
    "invalid_auth", "not_authed", "token_revoked",
}
_MAYBE_SENT = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}


class SlackPoster:
    """`Poster` for Slack over an AsyncWebClient (bot token)."""

    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        """Post with `client` (its retry handlers wait out 429s first)."""
        self._client = client

    async def post(self, channel_id: str, card: Card, *, idempotency_key: str) -> str:
        """chat.postMessage the card as Block Kit; the message ts."""
        try:
            resp = await self._client.chat_postMessage(
                channel=channel_id,
                **render.message(card),
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": idempotency_key}},
                unfurl_links=False,
                unfurl_media=False,
            )
        except Exception as exc:
            raise post_error(exc) from exc
        return str(resp.get("ts"))

    async def find_post(
        self, channel_id: str, idempotency_key: str, since: dt.datetime
    ) -> str | None:
        """The ts of our message whose metadata carries `idempotency_key`, posted after
        `since`, or None."""
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                resp = await self._client.conversations_history(
                    channel=channel_id,
                    oldest=f"{since.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                )
            except Exception as exc:
                raise post_error(exc) from exc
            messages: list[dict[str, Any]] = list(resp.get("messages") or [])
            for message in messages:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == EVENT_TYPE and payload.get("key") == idempotency_key:
                    return str(message.get("ts"))
            cursor = (resp.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None


def post_error(exc: BaseException) -> PostError:
    """A Slack Web API failure as the scheduler's error kind."""
    if isinstance(exc, PostError):
        return exc
    if isinstance(exc, SlackApiError):
        error = str(exc.response.get("error") or "")
        if exc.response.status_code == 429 or error == "ratelimited":
            retry = exc.response.headers.get("Retry-After", "1")
            try:
                after = float(retry)
            except ValueError:
                after = 1.0
            return PostError("rate_limited", "Slack: rate limited", retry_after=after)
        if error in _GONE:
            return PostError("channel_gone", f"Slack: {error}")
        if error in _NOT_IN:
            return PostError("not_in_channel", f"Slack: {error}")
        if error in _FORBIDDEN:
            return PostError("no_permission", f"Slack: {error}")
        maybe = error in _MAYBE_SENT or exc.response.status_code >= 500
        return PostError("transient", f"Slack: {error or exc.response.status_code}",
                         maybe_sent=maybe)
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return PostError("transient", f"Network error: {exc!r}", maybe_sent=True)
    return PostError("transient", f"Unexpected error: {exc!r}", maybe_sent=True)


def slack_poster(web_client: AsyncWebClient) -> SlackPoster:
    """The scheduler's poster for a Slack Web API client (see `bot.schedule`)."""
    return SlackPoster(web_client)
