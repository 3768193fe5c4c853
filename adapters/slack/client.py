"""Talking to Slack: the Web API client, response_url posts, and posting a card as the app."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack import render
from bot.cards import Card
from bot.config import Settings
from bot.errors import UserError

log = logging.getLogger(__name__)

SLACK_API = "https://slack.com/api/"
INVITE_HINT = (
    "I can't post in this channel yet. Invite me first: type `/invite @Pullquote` here "
    "(or open the channel details › Integrations › Add apps), then try again."
)


class NotInChannel(UserError):
    """chat.postMessage refused: the app is not a member of the channel (or cannot see it)."""


def retry_handlers() -> list[AsyncRetryHandler]:
    """Retries for the Web API and response_url clients: connection resets, and 429s after
    the Retry-After the server asks for. 5xx is not retried: a post might have gone out."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=2),
        AsyncRateLimitErrorRetryHandler(max_retry_count=3),
    ]


def make_client(
    settings: Settings, *, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """The Web API client: bot token, SLACK_API_URL as base (GovSlack, tests), 429-aware."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url or SLACK_API,
        session=session,
        retry_handlers=retry_handlers(),
        logger=logging.getLogger("adapters.slack.web"),
    )


async def respond(client: AsyncWebClient, response_url: object, payload: dict[str, Any]) -> None:
    """Post one message to a command's or click's `response_url` (over the client's
    session), waiting out 429s; a refusal is logged."""
    if not isinstance(response_url, str) or not response_url:
        log.warning("no response_url to reply to")
        return
    session = client.session if client.session is not None and not client.session.closed else None
    hook = AsyncWebhookClient(
        response_url,
        session=session,
        retry_handlers=retry_handlers(),
        logger=logging.getLogger("adapters.slack.web"),
    )
    resp = await hook.send_dict(payload)
    if resp.status_code != 200:
        log.warning("response_url answered %s: %.200s", resp.status_code, resp.body)


async def publish(
    client: AsyncWebClient, card: Card, *, channel: str, shared_by: str | None = None
) -> None:
    """Post `card` to the channel as the app, saying who shared it; a channel the app is
    not in becomes `NotInChannel` with the invite hint."""
    try:
        await client.chat_postMessage(
            channel=channel,
            **render.message(card, shared_by=shared_by),
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as exc:
        if exc.response.get("error") in ("not_in_channel", "channel_not_found"):
            raise NotInChannel(INVITE_HINT) from None
        raise
