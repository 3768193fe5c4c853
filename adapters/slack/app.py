"""The Slack front end: `/pullquote <subcommand>`, the preview buttons and form modals, on
slack-bolt's AsyncApp.

Each listener translates Slack's payload into a `Caller` and one call of the core, then
delivers the Reply. What is left here is transport:
- Slack wants an ack within 3 s. A command's answer goes in the ack itself when it is ready
  within `ack_budget` (no response_url round trip); past the budget the ack goes out empty
  and the answer follows via response_url. Clicks and form submissions ack at once.
- Slack retries a delivery it thinks was lost, and anyone can replay a signed request for
  five minutes: each delivery's trigger_id is claimed in the database (durably) before the
  work has any effect, so a repeat, even after a restart, does nothing.
- A public card someone shared (a preview's Post, `public:yes`) is posted as the app
  (chat.postMessage), "shared by" them; if the app is not in the channel, the user gets the
  card back privately with the invite hint (`Core.undeliverable`). Other public answers
  (/release, /daily now) are `in_channel` responses.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import json
import logging
import os
import re
import secrets
from collections.abc import Coroutine, Iterable
from typing import Any

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render, replies
from adapters.slack.admin import AdminCheck, admin_ids
from adapters.slack.client import NotInChannel, make_client, publish, respond
from adapters.transport import NETWORK, describe
from bot.app import App
from bot.config import ConfigError
from bot.core import GENERIC_ERROR
from bot.invocation import Caller
from bot.reply import Form, Reply

log = logging.getLogger(__name__)

COMMAND = "/pullquote"
ADMINS = "workspace admins and owners"
ACK_BUDGET = 1.5
"""Seconds a slash command's ack waits for the answer to carry it; past that the ack goes
out empty and the answer follows via response_url (Slack wants the ack within 3 s)."""
_OURS = re.compile(r"^pq:")
_FORMS = re.compile(r"^pq:form:")

Body = dict[str, Any]


def _user_id(body: Body) -> str:
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id") or "")
    return str(body.get("user_id") or "")


def _channel_id(body: Body) -> str:
    channel = body.get("channel")
    if isinstance(channel, dict) and channel.get("id"):
        return str(channel["id"])
    container = body.get("container")
    if isinstance(container, dict) and container.get("channel_id"):
        return str(container["channel_id"])
    return str(body.get("channel_id") or "")


def _team_id(body: Body) -> str | None:
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    return str(body.get("team_id") or "") or None


def _shown_at(body: Body) -> dt.datetime | None:
    """When the message a button sits on was posted (Slack's `message_ts`), if known."""
    container = body.get("container")
    stamp = container.get("message_ts") if isinstance(container, dict) else None
    try:
        return dt.datetime.fromtimestamp(float(stamp), dt.UTC) if stamp else None
    except (TypeError, ValueError, OverflowError):
        return None


def _delivery_key(body: Body) -> str | None:
    """What identifies one delivery from Slack: a retry repeats it, a new click does not."""
    for name in ("trigger_id", "event_id"):
        value = body.get(name)
        if isinstance(value, str) and value:
            return f"slack:{name}:{value}"
    return None


class SlackAdapter:
    """The listeners and what they share: the core, the Web API client, the admin check."""

    def __init__(self, app: App, client: AsyncWebClient, admins: AdminCheck) -> None:
        self.core = app.core
        secret = app.settings.slack_signing_secret
        self.signing_secret = secret.get_secret_value() if secret else None
        self.client = client
        self.admins = admins
        self.ack_budget = ACK_BUDGET
        self.bolt: AsyncApp | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def caller(self, body: Body, channel: str | None = None) -> Caller:
        """Who acted and where; whether they are an admin is asked only if it matters."""
        user = _user_id(body)
        return Caller(
            "slack",
            channel or _channel_id(body),
            user=user,
            workspace=_team_id(body),
            admin=functools.partial(self.admins.is_admin, user),
            admins=ADMINS,
        )

    # -- listeners: ack, then work ----------------------------------------------------------

    async def on_command(self, ack: AsyncAck, body: Body) -> None:
        """Ack `/pullquote` with its answer if that is ready within `ack_budget`, else empty
        (the answer then goes to response_url)."""
        slot: asyncio.Future[Body | None] = asyncio.get_running_loop().create_future()
        self._start(self._command(body, slot), "command", body)
        if not slot.done() and self.ack_budget > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(slot), self.ack_budget)
        payload = slot.result() if slot.done() and not slot.cancelled() else None
        slot.cancel()  # if still pending: the ack has gone, the answer takes response_url
        await (ack(**payload) if payload else ack())

    async def on_action(self, ack: AsyncAck, body: Body) -> None:
        """Ack a button at once and act on it after (block_actions answers can only replace
        or delete the preview through response_url)."""
        await ack()
        self._start(self._click(body), "button", body)

    async def on_submission(self, ack: AsyncAck, body: Body) -> None:
        """Close a submitted form's modal at once and run its command after."""
        await ack()
        self._start(self._submission(body), "form", body)

    def _start(self, work: Coroutine[Any, Any, None], what: str, body: Body) -> None:
        task = asyncio.get_running_loop().create_task(self._logged(work, what, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _logged(self, work: Coroutine[Any, Any, None], what: str, body: Body) -> None:
        # The core answers every error of its own; what fails here is the transport (the
        # delivery claim, Slack's API): logged once, and the user told if we still can.
        try:
            await work
        except (SlackApiError, *NETWORK) as exc:  # Slack refused or out of reach: one line
            log.warning("slack %s failed: %s", what, describe(exc))
            await self._tell_failed(body)
        except Exception:
            log.exception("slack %s failed", what)
            await self._tell_failed(body)

    async def _tell_failed(self, body: Body) -> None:
        try:
            failed = replies.message(Reply.error(GENERIC_ERROR))
            await respond(self.client, body.get("response_url"), failed or {})
        except Exception as exc:
            log.warning("could not tell the user either: %s", describe(exc))

    async def drain(self, grace: float = 5.0) -> None:
        """Let work already acked finish (up to `grace` seconds), then cancel the rest."""
        pending = set(self._tasks)
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=grace)
        for task in late:
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)

    # -- work -------------------------------------------------------------------------------

    async def _first_delivery(self, body: Body) -> bool:
        key = _delivery_key(body)
        if key is None:
            # Slack gives every command, click and submission one; without it a replay
            # could not be told from a first delivery.
            log.info("ignoring a delivery without a trigger_id")
            return False
        if await self.core.claim(key):
            return True
        log.info("ignoring a repeated delivery (%s)", key)
        return False

    async def _command(self, body: Body, slot: asyncio.Future[Body | None]) -> None:
        try:
            if not await self._first_delivery(body):
                return
            text = render.unescape(str(body.get("text") or ""))
            reply = await self.core.line(text, self.caller(body))
            payload = await self._effects(reply, body)
            if payload is not None and not slot.done():
                slot.set_result(payload)
            elif payload is not None:
                await respond(self.client, body.get("response_url"), payload)
        finally:
            if not slot.done():
                slot.set_result(None)  # nothing for the ack: let it go now

    async def _click(self, body: Body) -> None:
        actions = body.get("actions") or [{}]
        action_id = str(actions[0].get("action_id") or "")
        if not await self._first_delivery(body):
            return
        reply = await self.core.click(action_id, self.caller(body), shown_at=_shown_at(body))
        payload = await self._effects(reply, body, click=True)
        if payload is not None:
            await respond(self.client, body.get("response_url"), payload)

    async def _submission(self, body: Body) -> None:
        view = body.get("view") or {}
        try:
            origin = json.loads(view.get("private_metadata") or "{}")
        except json.JSONDecodeError:
            origin = {}
        if not isinstance(origin, dict) or not await self._first_delivery(body):
            return
        channel = str(origin.get("channel") or "")
        caller = self.caller(body, channel)
        reply = await self.core.submit(
            str(view.get("callback_id") or ""), replies.form_values(view), caller
        )
        where = {**body, "channel_id": channel, "response_url": origin.get("response_url")}
        payload = await self._effects(reply, where)
        if payload is not None:
            await respond(self.client, origin.get("response_url"), payload)

    async def _effects(self, reply: Reply, body: Body, *, click: bool = False) -> Body | None:
        """Do what `reply` does besides answering (post a shared card as the app, open a
        form), and return the answer for the user, if there is one."""
        if reply.form is not None:
            await self._open(reply.form, body)
            return None
        card = reply.card
        if reply.visibility == "public" and reply.shared_by and card is not None:
            try:
                await publish(self.client, card, channel=_channel_id(body),
                              shared_by=reply.shared_by)
            except NotInChannel as exc:
                reply = self.core.undeliverable(reply, exc.message)
            else:
                return {"delete_original": True} if reply.original == "delete" else None
        return replies.message(reply, click=click)

    async def _open(self, form: Form, body: Body) -> None:
        origin = {"channel": _channel_id(body), "response_url": str(body.get("response_url"))}
        await self.client.views_open(
            trigger_id=str(body.get("trigger_id") or ""), view=replies.form_view(form, origin)
        )


def build_slack_adapter(
    app: App,
    *,
    client: AsyncWebClient | None = None,
    admins: Iterable[str] | None = None,
) -> SlackAdapter:
    """The adapter with its Bolt app (`.bolt`) built and the listeners registered. `client`
    defaults to `make_client(app.settings)`; `admins` adds user ids to the workspace
    admins."""
    if os.environ.get("SLACK_CLIENT_ID") and os.environ.get("SLACK_CLIENT_SECRET"):
        # Bolt would switch to its OAuth flow and drop the bot token.
        raise ConfigError(
            "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set, but Pullquote runs as a "
            "single-workspace app with SLACK_BOT_TOKEN: unset them."
        )
    settings = app.settings
    web_client = client or make_client(settings)
    bolt = AsyncApp(
        name="pullquote",
        logger=logging.getLogger("adapters.slack.bolt"),
        client=web_client,
        # HTTP requests are verified before Bolt sees them (adapters/slack/inbound.py, more
        # strictly than Bolt would: its check fails with a 500 on a non-numeric timestamp),
        # Socket Mode's need none. Bolt wants a secret all the same: one nothing can match.
        signing_secret=secrets.token_hex(32),
        request_verification_enabled=False,
        # The listeners only ack and start a task: answering right after them saves the
        # polling Bolt does otherwise while it waits for ack().
        process_before_response=True,
        # This app subscribes to no events (no URL challenge, no self-events to drop) and
        # defines no workflow functions: skip that middleware.
        url_verification_enabled=False,
        ignoring_self_events_enabled=False,
        attaching_function_token_enabled=False,
    )
    extra = admin_ids(settings) | frozenset(admins or ())
    adapter = SlackAdapter(app, web_client, AdminCheck(web_client, extra))
    bolt.command(COMMAND)(adapter.on_command)
    bolt.action(_OURS)(adapter.on_action)
    bolt.view(_FORMS)(adapter.on_submission)
    adapter.bolt = bolt
    return adapter


def build_slack_app(
    app: App,
    *,
    client: AsyncWebClient | None = None,
    admins: Iterable[str] | None = None,
) -> AsyncApp:
    """The Bolt app with `/pullquote`, the buttons and the form modals registered."""
    bolt = build_slack_adapter(app, client=client, admins=admins).bolt
    assert bolt is not None
    return bolt
