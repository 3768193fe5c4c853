"""Running the Slack app: HTTP mode (adapters/slack/http.py, on HOST:PORT) or Socket Mode.

Slack may be unreachable when the bot starts, or for a while after: opening Socket Mode is
retried with capped, jittered backoff, one log line an attempt, the health check reporting
Slack down meanwhile. A token Slack refuses is a configuration error: one line, no retry."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable, MutableMapping

import aiohttp
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackAdapter, build_slack_adapter
from adapters.slack.client import make_client
from adapters.slack.http import EVENTS_PATH, listen, web_app
from adapters.slack.poster import slack_poster
from adapters.transport import NETWORK, Backoff, describe, one_line_failures
from bot.app import App
from bot.config import ConfigError
from bot.health import Liveness
from bot.schedule.poster import Poster

log = logging.getLogger(__name__)
socket_log = logging.getLogger("adapters.slack.socket")

CONNECT_SECONDS = 30.0
"""One attempt at opening Socket Mode (apps.connections.open, then the WebSocket)."""
CHECK_SECONDS = 10.0
REFUSED = frozenset(
    {
        "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
        "not_allowed_token_type", "no_permission", "missing_scope", "team_access_not_granted",
        "ekm_access_denied",
    }
)
"""Slack's answers meaning the token itself will not do (anything else may pass)."""

__all__ = ["EVENTS_PATH", "run_slack", "web_app"]


def _refused(exc: SlackApiError, setting: str) -> ConfigError | None:
    """A ConfigError when Slack refused the token in `setting`, else None (worth a retry)."""
    data = getattr(exc.response, "data", None)
    error = data.get("error") if isinstance(data, dict) else None
    if error not in REFUSED:
        return None
    return ConfigError(
        f"Slack refused {setting} ({error}): copy it again from the app's settings at "
        "https://api.slack.com/apps (and reinstall the app if it was revoked)."
    )


async def check_bot_token(client: AsyncWebClient) -> None:
    """auth.test with SLACK_BOT_TOKEN: a refused token stops the start (ConfigError); Slack
    out of reach is one warning (Bolt asks again with the first request)."""
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await client.auth_test()
    except SlackApiError as exc:
        if (refused := _refused(exc, "SLACK_BOT_TOKEN")) is not None:
            raise refused from None
        log.warning("Slack: could not check SLACK_BOT_TOKEN now (%s)", describe(exc))
    except NETWORK as exc:
        log.warning("Slack: could not check SLACK_BOT_TOKEN now (%s)", describe(exc))


def _socket_open(handler: AsyncSocketModeHandler | None) -> bool:
    """Whether the Socket Mode WebSocket is up (a cheap, synchronous liveness probe)."""
    if handler is None:
        return False
    socket = handler.client
    session = getattr(socket, "current_session", None)
    return not socket.closed and session is not None and not session.closed


async def serve_socket_mode(
    bolt: AsyncApp,
    client: AsyncWebClient,
    app_token: str,
    liveness: Liveness,
    *,
    backoff: Backoff | None = None,
) -> None:
    """Open Socket Mode (retrying while Slack is out of reach) and serve until cancelled;
    once connected, slack_sdk reconnects by itself. A refused app token is a ConfigError."""
    one_line_failures(socket_log, NETWORK)
    backoff = backoff or Backoff()
    current: list[AsyncSocketModeHandler] = []

    def connected() -> None:  # (again) so that the health check hears of it now
        liveness.register("slack", lambda: _socket_open(current[0] if current else None))

    connected()
    try:
        await _connect_and_serve(bolt, client, app_token, backoff, current, connected)
    finally:
        liveness.unregister("slack")


async def _connect_and_serve(
    bolt: AsyncApp,
    client: AsyncWebClient,
    app_token: str,
    backoff: Backoff,
    current: list[AsyncSocketModeHandler],
    connected: Callable[[], None],
) -> None:
    for attempt in itertools.count(1):
        handler = AsyncSocketModeHandler(
            bolt, app_token=app_token, web_client=client, logger=socket_log
        )
        current[:] = [handler]
        try:
            async with asyncio.timeout(CONNECT_SECONDS):
                opened = await client.apps_connections_open(app_token=app_token)
                handler.client.wss_uri = str(opened["url"])
                await handler.connect_async()  # type: ignore[no-untyped-call]
        except SlackApiError as exc:
            await handler.close_async()  # type: ignore[no-untyped-call]
            if (refused := _refused(exc, "SLACK_APP_TOKEN")) is not None:
                raise refused from None
            failure = describe(exc)
        except (*NETWORK, KeyError) as exc:
            await handler.close_async()  # type: ignore[no-untyped-call]
            failure = describe(exc)
        except BaseException:
            await handler.close_async()  # type: ignore[no-untyped-call]
            raise
        else:
            log.info("Slack: connected in Socket Mode")
            connected()
            try:
                await asyncio.Event().wait()
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]
        delay = backoff.next()
        log.warning(
            "Slack: cannot open Socket Mode (%s); attempt %d, next in %.1f s",
            failure, attempt, delay,
        )
        await asyncio.sleep(delay)


async def run_slack(
    app: App, *, host: str | None = None, posters: MutableMapping[str, Poster] | None = None
) -> None:
    """Run the Slack app until cancelled: Socket Mode when SLACK_APP_TOKEN is set, else
    HTTP on HOST:PORT at /slack/events (`host` overrides HOST). Connections and sessions
    are closed on the way out. With `posters`, the scheduler's Slack poster is added to it
    while the app runs."""
    settings = app.settings
    if settings.slack_bot_token is None:
        raise ConfigError("Set SLACK_BOT_TOKEN to run the Slack app.")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise ConfigError("Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP).")
    async with aiohttp.ClientSession() as session:
        client = make_client(settings, session=session)
        adapter = build_slack_adapter(app, client=client)
        try:
            await check_bot_token(client)
            if posters is not None:
                posters["slack"] = slack_poster(client)
            if settings.slack_app_token is not None:
                assert adapter.bolt is not None
                token = settings.slack_app_token.get_secret_value()
                await serve_socket_mode(adapter.bolt, client, token, app.liveness)
            else:
                await _serve_http(app, adapter, host or settings.host)
        finally:
            app.liveness.unregister("slack")
            if posters is not None:
                posters.pop("slack", None)
            await adapter.drain()


async def _serve_http(app: App, adapter: SlackAdapter, host: str) -> None:
    listening = await listen(web_app(adapter), host, app.settings.port)
    try:
        log.info("Slack: listening on %s:%d%s", host, listening.port, EVENTS_PATH)
        app.liveness.register("slack", listening.serving)
        await asyncio.Event().wait()
    finally:
        await listening.close()
