"""The Slack front end: `/pullquote <subcommand>`, preview buttons, HTTP and Socket Mode.

A slash command starts its work in a task and waits for it up to `ACK_BUDGET` (well inside
Slack's 3 seconds): an answer ready by then goes back in the ack itself (no response_url
round trip); a later one goes to `response_url` after an empty ack at the budget. Button
clicks ack at once and answer via `response_url`. Work is translate-in, call the core,
render out; retried deliveries and double clicks are made harmless with the core's
`claim`."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Iterable, MutableMapping
from typing import Any

import aiohttp
import orjson
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.admin import AdminCheck, admin_ids
from adapters.slack.poster import slack_poster
from adapters.tasks import start_eagerly
from bot.app import App
from bot.cards import Card
from bot.commands import command
from bot.config import ConfigError, Settings
from bot.errors import UserError
from bot.invocation import Invocation, parse
from bot.preview import new_nonce, parse_click, preview_actions
from bot.schedule.commands import DailyCommands, Where
from bot.schedule.poster import Poster

log = logging.getLogger(__name__)

COMMAND = "/pullquote"
EVENTS_PATH = "/slack/events"
SLACK_API = "https://slack.com/api/"
GENERIC_ERROR = "Something went wrong on our side; the error was logged. Please try again."
INVITE_HINT = (
    "I can't post in this channel yet. Invite me first: type `/invite @Pullquote` here "
    "(or open the channel details › Integrations › Add apps), then try again."
)
_ACTION = re.compile(r"^pq:")
WORKERS = 4
"""Commands and clicks worked on at once; the rest wait their turn."""
SEEN_DELIVERIES = 10_000
"""Deliveries remembered in memory, to drop Slack's repeats without a database round trip."""
ACK_BUDGET = 1.5
"""Seconds a slash command's ack waits for the answer to carry it; past that the ack goes
out empty and the answer follows via response_url (Slack wants the ack within 3 s)."""
_JSON = {"Content-Type": "application/json; charset=utf-8"}

Reply = Callable[[dict[str, Any]], Awaitable[None]]


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


async def post_json(
    session: aiohttp.ClientSession, url: str, payload: dict[str, Any], *, attempts: int = 4
) -> None:
    """POST a response_url message, waiting out 429s as Retry-After asks. (Not slack_sdk's
    webhook client: building one per reply costs more than the request itself.)"""
    data = orjson.dumps(payload)
    for attempt in range(1, attempts + 1):
        async with session.post(
            url, data=data, headers=_JSON, timeout=aiohttp.ClientTimeout(total=30)
        ) as resp:
            body = await resp.text()
            if resp.status == 429 and attempt < attempts:
                await asyncio.sleep(_retry_after(resp.headers.get("Retry-After")))
                continue
            if resp.status != 200:
                log.warning("response_url answered %s: %.200s", resp.status, body)
            return


def _retry_after(value: str | None) -> float:
    try:
        return min(max(float(value or 1), 0.0), 60.0)
    except ValueError:
        return 1.0


def _user_id(body: dict[str, Any]) -> str:
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id") or "")
    return str(body.get("user_id") or "")


def _channel_id(body: dict[str, Any]) -> str:
    channel = body.get("channel")
    if isinstance(channel, dict) and channel.get("id"):
        return str(channel["id"])
    container = body.get("container")
    if isinstance(container, dict) and container.get("channel_id"):
        return str(container["channel_id"])
    return str(body.get("channel_id") or "")


def _delivery_key(body: dict[str, Any]) -> str | None:
    """What identifies one delivery from Slack: a retry repeats it, a new click does not."""
    for name in ("trigger_id", "event_id"):
        value = body.get(name)
        if isinstance(value, str) and value:
            return f"slack:{name}:{value}"
    return None


class _Answer:
    """A command's reply: kept for the ack while the ack has not gone yet (the first one
    only), else posted to response_url."""

    __slots__ = ("_adapter", "_url", "acked", "payload", "ready")

    def __init__(self, adapter: SlackAdapter, response_url: object, *, acked: bool) -> None:
        self._adapter = adapter
        self._url = response_url
        self.acked = acked
        self.payload: dict[str, Any] | None = None
        self.ready: asyncio.Future[None] | None = None
        """Set by an ack that has to wait: done when the payload is in (or the work ended)."""

    async def __call__(self, payload: dict[str, Any]) -> None:
        if not self.acked and self.payload is None:
            self.payload = payload
            self.settle()
            return
        await self._adapter.post_response(self._url, payload)

    def settle(self, *_: object) -> None:
        """Let a waiting ack go: with the payload if one came, else empty."""
        if self.ready is not None and not self.ready.done():
            self.ready.set_result(None)


class SlackAdapter:
    """The listeners' state: the core, the Web API client and the admin check."""

    def __init__(self, core: App, client: AsyncWebClient, admins: AdminCheck) -> None:
        self.core = core
        self.client = client
        self.admins = admins
        self.daily = DailyCommands(core.store.schedules, core.service)
        self._tasks: set[asyncio.Future[None]] = set()
        # Few jobs at a time: the database sees bounded concurrency, and a burst queues
        # here; a command still queued at its ack budget is acked empty and answered via
        # response_url when its turn comes.
        self._slots = asyncio.Semaphore(WORKERS)
        self.ack_budget = ACK_BUDGET
        self._help_message: dict[str, Any] | None = None
        self.bolt: AsyncApp | None = None
        self._seen: OrderedDict[str, None] = OrderedDict()

    # -- ack first, work after --------------------------------------------------------------

    def _spawn(
        self, reply: Reply, what: str, work: Coroutine[Any, Any, None]
    ) -> asyncio.Future[None]:
        # Not Bolt's lazy listeners: they deep-copy each request, which cannot copy a client
        # holding a shared aiohttp session, and cost more than the work they start.
        task = start_eagerly(self._in_slot(reply, what, work))
        if not task.done():
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return task

    async def _in_slot(self, reply: Reply, what: str, work: Coroutine[Any, Any, None]) -> None:
        # One coroutine takes the slot and turns errors into replies: each layer of
        # coroutines is paid on every command.
        async with self._slots:
            try:
                await work
            except UserError as exc:
                await self._safe_reply(
                    reply, {"response_type": "ephemeral", **render.error_message(str(exc))}
                )
            except Exception:
                log.exception("slack %s failed", what)
                await self._safe_reply(
                    reply, {"response_type": "ephemeral", **render.error_message(GENERIC_ERROR)}
                )

    async def ack_command(
        self, ack: AsyncAck, body: dict[str, Any], request: AsyncBoltRequest
    ) -> None:
        """Run `/pullquote` and ack with its answer if it is ready within `ack_budget`;
        otherwise ack empty at the budget and let the answer go via response_url. A budget
        of 0 always answers via response_url."""
        answer = _Answer(self, body.get("response_url"), acked=self.ack_budget <= 0)
        # Started eagerly: a command answered from memory is done before this returns, with
        # no task, no future, no timer and no extra turn of the event loop.
        task = self._spawn(answer, "command", self._command(body, request, answer))
        if not task.done() and not answer.acked and answer.payload is None:
            loop = asyncio.get_running_loop()
            answer.ready = loop.create_future()
            task.add_done_callback(answer.settle)
            timer = loop.call_later(self.ack_budget, answer.settle)
            try:
                await answer.ready
            finally:
                timer.cancel()
        answer.acked = True  # from now on the answer goes to response_url
        payload = answer.payload
        if payload is None:
            await ack()
        else:
            # Serialised here (orjson): Bolt's json.dumps of a card, escaping every curly
            # quote, was a tenth of a command's CPU. A str starting with "{" goes out as
            # application/json, over HTTP and Socket Mode alike.
            await ack(orjson.dumps(payload).decode())

    async def ack_action(
        self, ack: AsyncAck, body: dict[str, Any], request: AsyncBoltRequest
    ) -> None:
        """Ack a preview button at once and act on it after (block_actions answers can
        only replace or delete the preview through response_url)."""
        await ack()
        reply = self.responder(body.get("response_url"))
        self._spawn(reply, "button", self._action(body, request, reply))

    async def drain(self, grace: float = 5.0) -> None:
        """Let work already acked finish (up to `grace` seconds), then cancel the rest."""
        pending = set(self._tasks)
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=grace)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    # -- replies --------------------------------------------------------------------------

    def responder(self, response_url: object) -> Reply:
        """A function posting one message to `response_url` over the client's session."""

        async def reply(payload: dict[str, Any]) -> None:
            await self.post_response(response_url, payload)

        return reply

    async def post_response(self, response_url: object, payload: dict[str, Any]) -> None:
        """Post one message to `response_url` over the client's session."""
        if not isinstance(response_url, str) or not response_url:
            log.warning("no response_url to reply to")
            return
        if self.client.session is not None and not self.client.session.closed:
            await post_json(self.client.session, response_url, payload)
        else:
            async with aiohttp.ClientSession() as session:
                await post_json(session, response_url, payload)

    async def publish(self, card: Card, *, channel: str, user: str | None = None) -> None:
        """Post `card` to the channel as the app, saying who shared it (if someone did);
        a channel the app is not in becomes `NotInChannel` with the invite hint."""
        try:
            await self.client.chat_postMessage(
                channel=channel,
                **render.message(card, shared_by=user),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            if exc.response.get("error") in ("not_in_channel", "channel_not_found"):
                raise NotInChannel(INVITE_HINT) from None
            raise

    async def _safe_reply(self, reply: Reply, payload: dict[str, Any]) -> None:
        try:
            await reply(payload)
        except Exception:
            log.exception("could not send an error reply to Slack")

    async def _first_delivery(self, body: dict[str, Any], request: AsyncBoltRequest) -> bool:
        # Deliveries are remembered in this process at once and claimed in the database
        # (for other processes and restarts). A first delivery does not wait for that write:
        # Slack retries only after its 3 s timeout, by which time the claim has landed; a
        # delivery marked as a retry waits for the database's answer.
        key = _delivery_key(body)
        if key is None:
            return True
        retry = request.headers.get("x-slack-retry-num", [None])[0]
        if key in self._seen:
            log.info("ignoring a repeated delivery (%s, retry %s)", key, retry)
            return False
        self._seen[key] = None
        if len(self._seen) > SEEN_DELIVERIES:
            self._seen.popitem(last=False)
        if retry is None:
            self.core.service.note_claim(key)
            return True
        if await self.core.service.claim(key):
            return True
        log.info("ignoring a repeated delivery (%s, retry %s)", key, retry)
        return False

    def _help(self) -> dict[str, Any]:
        # The usage card is the same every time: render it once (callers copy the dict).
        if self._help_message is None:
            self._help_message = render.message(self.core.service.help())
        return self._help_message

    # -- listeners ------------------------------------------------------------------------

    async def _command(self, body: dict[str, Any], request: AsyncBoltRequest, reply: Reply) -> None:
        """The work half of `/pullquote` (started by `ack_command`): run the subcommand and
        answer through `reply`; errors become replies in `_in_slot`."""
        if not await self._first_delivery(body, request):
            return
        text = render.unescape(str(body.get("text") or "")).strip()
        channel, user = str(body.get("channel_id") or ""), _user_id(body)
        words = text.split()
        name = words[0].lower().lstrip("/") if words else "help"
        if name == "help":
            await reply({"response_type": "ephemeral", **self._help()})
            return
        if command(name) is None:
            note = f"There is no “{name[:40]}” subcommand. Here is what I can do:"
            await reply(
                {
                    "response_type": "ephemeral",
                    **render.message(self.core.service.help(), note=note),
                }
            )
            return
        inv = parse(text)
        if inv.command.access == "admin" and not await self.admins.is_admin(user):
            raise UserError(
                f"Only workspace admins and owners can use {COMMAND} {inv.command.name}."
            )
        if inv.parent is not None and inv.parent.name == "daily":
            await self._daily(inv, body, reply)
            return
        card = await self.core.service.run(inv, channel=channel)
        if inv.command.previewable and card.snippet_id is not None:
            if inv.args.get("public") is True:
                await self.publish(card, channel=channel, user=user)
                return
            actions = preview_actions(card, new_nonce())
            await reply({"response_type": "ephemeral", **render.message(card, actions=actions)})
            return
        await reply({"response_type": "ephemeral", **render.message(card)})

    async def _daily(self, inv: Invocation, body: dict[str, Any], reply: Reply) -> None:
        """`/pullquote daily <sub>` (admins only, checked by the caller): answers privately;
        `now` posts its test card to the channel as the app."""
        where = Where(
            platform="slack",
            channel_id=str(body.get("channel_id") or ""),
            workspace_id=str(body.get("team_id") or "") or None,
            user_id=_user_id(body),
        )
        result = await self.daily.run(inv, where)
        if result.public:
            await self.publish(result.card, channel=where.channel_id)
            return
        await reply({"response_type": "ephemeral", **render.message(result.card)})

    async def _action(self, body: dict[str, Any], request: AsyncBoltRequest, reply: Reply) -> None:
        """The work half of a preview button (after its ack): Post, Another or Cancel."""
        actions = body.get("actions") or []
        click = parse_click(str(actions[0].get("action_id", ""))) if actions else None
        if click is None or not await self._first_delivery(body, request):
            return
        channel, user = _channel_id(body), _user_id(body)
        if click.verb == "cancel":
            await reply({"delete_original": True})
            return
        if click.verb == "another":
            card = await self.core.service.another(click.snippet_id, channel=channel)
            actions_ = preview_actions(card, new_nonce())
            await reply(
                {
                    "replace_original": True,
                    "response_type": "ephemeral",
                    **render.message(card, actions=actions_),
                }
            )
            return
        if not await self.core.service.claim(click.claim_key):
            log.info("preview %s was already posted", click.nonce)
            return
        card = await self.core.service.card_for(click.snippet_id)
        try:
            await self.publish(card, channel=channel, user=user)
        except NotInChannel as exc:
            # The claim is spent, so offer fresh buttons for the try after the invite.
            await reply(
                {
                    "replace_original": True,
                    "response_type": "ephemeral",
                    **render.message(
                        card, actions=preview_actions(card, new_nonce()), note=exc.message
                    ),
                }
            )
            return
        await reply({"delete_original": True})


def build_slack_adapter(
    app: App,
    *,
    client: AsyncWebClient | None = None,
    admins: Iterable[str] | None = None,
) -> SlackAdapter:
    """The adapter with its Bolt app (`.bolt`) built and the listeners registered."""
    if os.environ.get("SLACK_CLIENT_ID") and os.environ.get("SLACK_CLIENT_SECRET"):
        # Bolt would switch to its OAuth flow and drop the bot token.
        raise ConfigError(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set, but Pullquote runs as a "
            "single-workspace app with SLACK_BOT_TOKEN: unset them."
        )
    settings = app.settings
    web_client = client or make_client(settings)
    secret = settings.slack_signing_secret
    bolt_log = logging.getLogger("adapters.slack.bolt")
    if bolt_log.level == logging.NOTSET:
        # Bolt formats a debug line per middleware per request whenever its logger's own
        # level is unset (NOTSET passes its `level <= DEBUG` check): pin it to the level the
        # process logs at.
        bolt_log.setLevel(bolt_log.getEffectiveLevel())
    bolt = AsyncApp(
        name="pullquote",
        logger=bolt_log,
        client=web_client,
        # Without a secret (Socket Mode) no HTTP request can verify, rather than all of them.
        signing_secret=secret.get_secret_value() if secret else secrets.token_hex(32),
        # The ack functions only ack and start a task: answering right after them saves
        # the 10 ms polling Bolt does otherwise while it waits for ack().
        process_before_response=True,
        # Middleware for what this app does not use, skipped on every request: it
        # subscribes to no events (no URL challenge, no self-events to drop) and defines no
        # workflow functions.
        url_verification_enabled=False,
        ignoring_self_events_enabled=False,
        attaching_function_token_enabled=False,
    )
    extra = admin_ids(settings) | frozenset(admins or ())
    adapter = SlackAdapter(app, web_client, AdminCheck(web_client, extra))
    bolt.command(COMMAND)(adapter.ack_command)
    bolt.action(_ACTION)(adapter.ack_action)
    adapter.bolt = bolt
    return adapter


def build_slack_app(
    app: App,
    *,
    client: AsyncWebClient | None = None,
    admins: Iterable[str] | None = None,
) -> AsyncApp:
    """The Bolt app with `/pullquote` and the preview buttons registered. `client` defaults
    to `make_client(app.settings)`; `admins` adds user ids to the workspace admins."""
    bolt = build_slack_adapter(app, client=client, admins=admins).bolt
    assert bolt is not None
    return bolt


def web_app(bolt: AsyncApp, *, path: str = EVENTS_PATH) -> web.Application:
    """The aiohttp application for HTTP mode: Slack posts to `path`; GET /healthz is 'ok'."""

    async def events(request: web.Request) -> web.Response:
        bolt_resp = await bolt.async_dispatch(await to_bolt_request(request))
        headers = bolt_resp.headers
        if "set-cookie" in headers:  # not ours (no OAuth flow), but keep Bolt's handling
            return await to_aiohttp_response(bolt_resp)
        # Bolt's converter re-parses the content type with a regex on every response.
        body = bolt_resp.body
        return web.Response(
            status=bolt_resp.status,
            text=body,
            headers={k: v[0] for k, v in headers.items() if k != "content-type"} or None,
            content_type="application/json" if body.startswith("{") else "text/plain",
        )

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
        if settings.slack_app_token is not None:
            handler = AsyncSocketModeHandler(
                bolt, app_token=settings.slack_app_token.get_secret_value(), web_client=client
            )
            try:
                await handler.connect_async()  # type: ignore[no-untyped-call]
                log.info("Slack: connected in Socket Mode")
                app.liveness.register("slack", lambda: _socket_open(handler))
                await asyncio.Event().wait()
            finally:
                app.liveness.unregister("slack")
                if posters is not None:
                    posters.pop("slack", None)
                await handler.close_async()  # type: ignore[no-untyped-call]
                await adapter.drain()
        else:
            runner = web.AppRunner(web_app(bolt))
            await runner.setup()
            try:
                await web.TCPSite(runner, host, settings.port).start()
                log.info("Slack: listening on %s:%d%s", host, settings.port, EVENTS_PATH)
                app.liveness.register("slack", lambda: bool(runner.sites))
                await asyncio.Event().wait()
            finally:
                app.liveness.unregister("slack")
                if posters is not None:
                    posters.pop("slack", None)
                await runner.cleanup()
                await adapter.drain()
