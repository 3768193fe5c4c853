"""A loopback Slack: the Web API, response_url hooks, apps.connections.open and a Socket Mode
WebSocket, served by aiohttp on 127.0.0.1 and recording every call.

Also the other half of the wire: requests signed exactly as Slack signs them (form body,
X-Slack-Request-Timestamp, X-Slack-Signature v0=HMAC-SHA256(secret, "v0:{ts}:{body}")).

Every message the app sends (chat.postMessage and friends, response_url posts, replies in
an ack, Socket Mode ack payloads) and every modal view (views.open and friends) is checked
against what Slack accepts (tests/platform_specs: Block Kit and views through slack_sdk's
models plus Slack's documented limits). One Slack would refuse is answered as Slack answers
it (invalid_blocks, invalid_arguments) and noted in `violations`; `close()` then fails the
test. `FakeSlack(validate=False)` turns the checks off (benchmarks)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

from tests.platform_specs import slack_message, slack_view

TEAM_ID = "T0PULLQ"
BOT_USER = "UBOT0001"
MESSAGE_METHODS = frozenset(
    {"chat.postMessage", "chat.postEphemeral", "chat.update", "chat.scheduleMessage"}
)
VIEW_METHODS = frozenset({"views.open", "views.update", "views.push"})
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-1-test-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


@dataclass
class Call:
    """One request the fake received: `kind` is api, response or socket; or `ack`, a reply
    the app put in the HTTP response to a slash command (recorded by the sender)."""

    kind: str
    name: str
    data: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200


@dataclass
class _Fault:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


class FakeSlack:
    """The fake server; `await start()`, then point clients at `api_url` / `response_url()`."""

    def __init__(self, *, validate: bool = True) -> None:
        self.validate = validate
        self.violations: list[str] = []
        """What Slack would have refused: "where: problem", in arrival order."""
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, list[_Fault]] = {}
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._connected = asyncio.Event()
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.record_responses = True
        self.socket_urls: list[str] = []
        """URLs apps.connections.open hands out first (then the fake's own WebSocket)."""

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeSlack:
        """Listen on 127.0.0.1 on `port` (a free one by default)."""
        application = web.Application()
        application.add_routes(
            [
                web.post("/api/{method}", self._api),
                web.get("/api/{method}", self._api),
                web.post("/response/{hook}", self._response),
                web.get("/socket", self._socket),
            ]
        )
        self._runner = web.AppRunner(application, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def close(self) -> None:
        """Close sockets and stop listening; then fail if any message was one Slack would
        refuse (see `violations`)."""
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self.assert_valid()

    def assert_valid(self) -> None:
        """Fail if any message so far was one Slack would refuse."""
        if self.violations:
            shown = "\n  ".join(self.violations[:20])
            raise AssertionError(
                f"{len(self.violations)} message(s) Slack would refuse:\n  {shown}"
            )

    def check(self, where: str, payload: Any, *, view: bool = False) -> list[str]:
        """Check one outgoing message (or modal `view`); problems are noted in `violations`
        and returned."""
        if not self.validate:
            return []
        problems = slack_view(payload) if view else slack_message(payload)
        self.violations += [f"{where}: {p}" for p in problems]
        return problems

    @property
    def base(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """The Web API base URL (SLACK_API_URL)."""
        return f"{self.base}/api/"

    def response_url(self) -> str:
        """A fresh response_url, as Slack puts in each command and interaction."""
        return f"{self.base}/response/{uuid.uuid4().hex}"

    # -- failure injection ------------------------------------------------------------------

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """The next `times` calls of `method` answer ok=false with `error`."""
        self._faults.setdefault(method, []).append(
            _Fault(200, {"ok": False, "error": error}, {}, times)
        )

    def rate_limit(self, method: str, *, retry_after: int = 0, times: int = 1) -> None:
        """The next `times` calls of `method` (or of any response_url, as "response_url")
        answer 429 with Retry-After."""
        self._faults.setdefault(method, []).append(
            _Fault(
                429,
                {"ok": False, "error": "ratelimited"},
                {"Retry-After": str(retry_after)},
                times,
            )
        )

    def _fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    # -- queries --------------------------------------------------------------------------

    def api(self, method: str) -> list[Call]:
        """Web API calls of `method`, in order (including refused ones)."""
        return [c for c in self.calls if c.kind == "api" and c.name == method]

    def posts(self) -> list[Call]:
        """chat.postMessage calls that succeeded."""
        return [c for c in self.api("chat.postMessage") if c.status == 200]

    def responses(self) -> list[Call]:
        """Messages posted to response_url hooks, in order."""
        return [c for c in self.calls if c.kind == "response"]

    def acks(self) -> list[Call]:
        """Replies that came back in the ack (the HTTP response body) of a slash command."""
        return [c for c in self.calls if c.kind == "ack"]

    def replies(self) -> list[Call]:
        """Every reply to a user, in order: in an ack or through a response_url hook."""
        return [c for c in self.calls if c.kind in ("ack", "response")]

    async def record_ack(self, data: dict[str, Any]) -> None:
        """Record (and check) a reply the sender received in an ack (see `acks`)."""
        self.check("ack", data)
        await self._record(Call("ack", "-", data))

    def socket_acks(self) -> list[Call]:
        """Messages the app sent over the Socket Mode WebSocket."""
        return [c for c in self.calls if c.kind == "socket"]

    def effects(self) -> list[Call]:
        """Everything except the one-off auth.test: what an acted-on request leaves behind."""
        return [c for c in self.calls if not (c.kind == "api" and c.name == "auth.test")]

    async def wait_for(self, predicate: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until `predicate()` holds (at most `within` seconds), re-checked on every
        recorded call."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), within)

    async def settle(self, seconds: float = 0.2) -> None:
        """Give background work a moment, for asserting that nothing (more) happens."""
        await asyncio.sleep(seconds)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    # -- handlers -------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        data: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                data.update(await request.json())
            else:
                data.update(dict(await request.post()))
        return data

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        data = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or str(data.get("token", ""))
        if method in MESSAGE_METHODS and self.check(method, data):
            await self._record(Call("api", method, data, dict(request.headers), 400))
            return web.json_response({"ok": False, "error": "invalid_blocks"})
        if method in VIEW_METHODS and self.check(method, data.get("view"), view=True):
            await self._record(Call("api", method, data, dict(request.headers), 400))
            return web.json_response({"ok": False, "error": "invalid_arguments"})
        fault = self._fault(method)
        status = fault.status if fault else 200
        await self._record(Call("api", method, data, dict(request.headers), status))
        if fault is not None:
            return web.json_response(fault.body, status=fault.status, headers=fault.headers)
        expected = "xapp-" if method == "apps.connections.open" else "xoxb-"
        if not token.startswith(expected):
            return web.json_response({"ok": False, "error": "not_authed"})
        return web.json_response(self._answer(method, data))

    def _answer(self, method: str, data: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://pullquote-test.slack.com/",
                "team": "Pullquote Test",
                "user": "pullquote",
                "team_id": TEAM_ID,
                "user_id": BOT_USER,
                "bot_id": "BPULLQ01",
                "is_enterprise_install": False,
            }
        if method == "chat.postMessage":
            ts = f"{int(time.time())}.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": data.get("channel"),
                "ts": ts,
                "message": {"text": data.get("text"), "ts": ts, "bot_id": "BPULLQ01"},
            }
        if method == "users.info":
            user = self.users.get(str(data.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {"ok": True, "user": {"id": data.get("user"), **user}}
        if method == "apps.connections.open":
            url = self.socket_urls.pop(0) if self.socket_urls else None
            return {"ok": True, "url": url or f"ws://127.0.0.1:{self.port}/socket"}
        return {"ok": True}

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.check("response_url", body):
            await self._record(Call("response_refused", "-", body, {}, 400))
            return web.Response(status=400, text="invalid_blocks")
        fault = self._fault("response_url")
        if fault is not None:
            await self._record(Call("response_refused", "-", body, {}, fault.status))
            return web.json_response(fault.body, status=fault.status, headers=fault.headers)
        if self.record_responses:
            await self._record(
                Call("response", request.match_info["hook"], body, dict(request.headers))
            )
        else:
            await self._record(Call("response", "-", {}, {}))
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "APULLQ01"},
            }
        )
        self._connected.set()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    if isinstance(data.get("payload"), dict) and data["payload"]:
                        self.check("socket ack", data["payload"])
                    await self._record(Call("socket", "ack", data))
        finally:
            self._sockets.remove(ws)
        return ws

    # -- Socket Mode ----------------------------------------------------------------------

    async def wait_connected(self, within: float = 5.0) -> None:
        """Wait for the app to open the Socket Mode WebSocket."""
        await asyncio.wait_for(self._connected.wait(), within)

    async def send_envelope(
        self, type_: str, payload: dict[str, Any], *, retry_attempt: int | None = None
    ) -> str:
        """Deliver one envelope over the WebSocket; returns its envelope_id."""
        envelope_id = uuid.uuid4().hex
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": type_,
            "payload": payload,
            "accepts_response_payload": type_ != "events_api",
        }
        if retry_attempt is not None:
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = "timeout"
        await self._sockets[-1].send_json(envelope)
        return envelope_id


# -- the signing side ------------------------------------------------------------------------


def sign(body: str, *, secret: str = SIGNING_SECRET, ts: int | None = None) -> dict[str, str]:
    """Headers Slack sends with a request: timestamp and v0 HMAC-SHA256 signature."""
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
    }


_trigger = itertools.count(1)


def trigger_id() -> str:
    """A fresh trigger_id, unique per delivery like Slack's."""
    return f"{next(_trigger)}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"


def command_payload(
    text: str,
    *,
    response_url: str,
    user: str = "U0ALICE",
    channel: str = "C0GENERAL",
    trigger: str | None = None,
) -> dict[str, str]:
    """The fields of a /pullquote slash command as Slack sends them."""
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "pullquote-test",
        "channel_id": channel,
        "channel_name": "general",
        "user_id": user,
        "user_name": "alice",
        "command": "/pullquote",
        "text": text,
        "api_app_id": "APULLQ01",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger or trigger_id(),
    }


def command_body(text: str, **kwargs: Any) -> str:
    """A slash command as the form-encoded body Slack posts (its text escaped as Slack does)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return urlencode(command_payload(escaped, **kwargs))


def action_payload(
    action_id: str,
    *,
    response_url: str,
    user: str = "U0ALICE",
    channel: str = "C0GENERAL",
    trigger: str | None = None,
    message_ts: str | None = None,
) -> dict[str, Any]:
    """A block_actions payload for a click on a button of an ephemeral preview (posted at
    `message_ts`, by default just now)."""
    return {
        "type": "block_actions",
        "user": {"id": user, "username": "alice", "name": "alice", "team_id": TEAM_ID},
        "api_app_id": "APULLQ01",
        "token": "deprecated-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts or f"{time.time():.6f}",
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "trigger_id": trigger or trigger_id(),
        "team": {"id": TEAM_ID, "domain": "pullquote-test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel, "name": "general"},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "pq-preview",
                "text": {"type": "plain_text", "text": "Post", "emoji": True},
                "value": action_id,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }


def action_body(action_id: str, **kwargs: Any) -> str:
    """A button click as the form-encoded body Slack posts (`payload=<json>`)."""
    return urlencode({"payload": json.dumps(action_payload(action_id, **kwargs))})
