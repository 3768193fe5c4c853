"""Serving the Slack app: HTTP (aiohttp on PORT at /slack/events) or Socket Mode."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp

from adapters.slack.app import build_slack_adapter
from adapters.slack.client import make_client
from adapters.slack.poster import slack_poster
from bot.app import App
from bot.config import ConfigError
from bot.schedule.poster import Poster

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def web_app(bolt: AsyncApp, *, path: str = EVENTS_PATH) -> web.Application:
    """The aiohttp application for HTTP mode: Slack posts to `path`; GET /healthz is 'ok'.
    (Bolt's own aiohttp adapter, translate in, dispatch, translate out.)"""

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def health(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    application = web.Application()
    application.add_routes([web.post(path, events), web.get("/healthz", health)])
    return application


def _socket_open(handler: AsyncSocketModeHandler) -> bool:
    """Whether the Socket Mode WebSocket is up (a cheap, synchronous liveness probe)."""
    socket = handler.client
    session = getattr(socket, "current_session", None)
    return not socket.closed and session is not None and not session.closed


async def run_slack(
    app: App, *, host: str = "0.0.0.0", posters: MutableMapping[str, Poster] | None = None
) -> None:
    """Run the Slack app until cancelled: Socket Mode when SLACK_APP_TOKEN is set, else
    HTTP on PORT at /slack/events. Connections and sessions are closed on the way out.
    With `posters`, the scheduler's Slack poster is added to it while the app runs."""
    settings = app.settings
    if settings.slack_bot_token is None:
        raise ConfigError("Set SLACK_BOT_TOKEN to run the Slack app.")
    if settings.slack_app_token is None and settings.slack_signing_secret is None:
        raise ConfigError("Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP).")
    async with aiohttp.ClientSession() as session:
        client = make_client(settings, session=session)
        adapter = build_slack_adapter(app, client=client)
        bolt = adapter.bolt
        assert bolt is not None
        if posters is not None:
            posters["slack"] = slack_poster(client)
        try:
            if settings.slack_app_token is not None:
                handler = AsyncSocketModeHandler(
                    bolt, app_token=settings.slack_app_token.get_secret_value(),
                    web_client=client,
                )
                try:
                    await handler.connect_async()  # type: ignore[no-untyped-call]
                    log.info("Slack: connected in Socket Mode")
                    app.liveness.register("slack", lambda: _socket_open(handler))
                    await asyncio.Event().wait()
                finally:
                    await handler.close_async()  # type: ignore[no-untyped-call]
            else:
                runner = web.AppRunner(web_app(bolt))
                await runner.setup()
                try:
                    await web.TCPSite(runner, host, settings.port).start()
                    log.info("Slack: listening on %s:%d%s", host, settings.port, EVENTS_PATH)
                    app.liveness.register("slack", lambda: bool(runner.sites))
                    await asyncio.Event().wait()
                finally:
                    await runner.cleanup()
        finally:
            app.liveness.unregister("slack")
            if posters is not None:
                posters.pop("slack", None)
            await adapter.drain()
