"""A loopback fake of Discord: the REST API and the gateway WebSocket, on 127.0.0.1.

It speaks just enough of the real wire protocol for discord.py to log in, connect, receive
INTERACTION_CREATE and answer through interaction callbacks and webhook followups. Every REST
call is recorded (method, path, query, JSON body, arrival time) for assertions, and faults can
be queued: a 429 with Discord's headers, a 5xx, or 10062 unknown interaction for the next
matching call; `drop()` closes the socket so the client RESUMEs.

Every request body is checked against what Discord itself accepts (tests/platform_specs:
its OpenAPI description and documented limits). A body Discord would refuse is answered
as Discord answers it (400, code 50035 Invalid Form Body) and noted in `violations`;
leaving the `async with` block with violations fails the test. `FakeDiscord(validate=False)`
turns the checks off (benchmarks)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import re
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import discord
from aiohttp import WSMsgType, web

from tests.platform_specs import discord_violations

APP_ID = 700000000000000001
GUILD_ID = 700000000000000002
CHANNEL_ID = 700000000000000003
USER_ID = 700000000000000004
ADMIN_PERMISSIONS = str(discord.Permissions.all().value)
MEMBER_PERMISSIONS = str(discord.Permissions(view_channel=True, send_messages=True).value)
EPHEMERAL = 64

JSONDict = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Call:
    """One recorded REST request."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    at: float
    status: int = 200

    @property
    def body(self) -> JSONDict:
        """The JSON body as a dict ({} when there was none)."""
        return self.json if isinstance(self.json, dict) else {}


@dataclass(slots=True)
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: JSONDict
    headers: dict[str, str]
    times: int


@dataclass(slots=True)
class _Gateway:
    ws: web.WebSocketResponse | None = None
    seq: int = 0
    session_id: str = ""
    identifies: int = 0
    resumes: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    resumed: asyncio.Event = field(default_factory=asyncio.Event)


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _user(uid: int, name: str, *, bot: bool = False) -> JSONDict:
    return {
        "id": str(uid),
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


async def _body(request: web.Request) -> Any:
    """The JSON body, or a multipart body's payload_json (as discord.py sends with files)."""
    if request.content_type == "multipart/form-data":
        form = await request.post()
        payload = form.get("payload_json")
        return json.loads(payload) if isinstance(payload, str) else None
    raw = await request.read()
    if raw and request.content_type == "application/json":
        return json.loads(raw)
    return None


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly application/json (no charset).
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class FakeDiscord:
    """The fake server; `async with FakeDiscord() as fake:` starts it on a free port."""

    def __init__(self, *, validate: bool = True, port: int = 0) -> None:
        self.validate = validate
        self.gateway_refusals = 0
        """The next this many gateway connections are refused with a 503 (no WebSocket)."""
        self.close_on_identify: int | None = None
        """A close code to answer IDENTIFY with (4004: authentication failed)."""
        self.violations: list[str] = []
        """What Discord would have refused: "METHOD path: problem", in arrival order."""
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.messages: dict[int, JSONDict] = {}
        self.commands: dict[str, list[JSONDict]] = {}
        self.sent_at: dict[int, float] = {}
        self.bot_user = _user(APP_ID, "Pullquote", bot=True)
        self._gw = _Gateway()
        self._ids = itertools.count()
        self._originals: dict[str, int] = {}
        self._placeholders: set[int] = set()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = port

    # -- lifecycle ---------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, exc_type: object, *exc: object) -> None:
        if self._gw.ws is not None and not self._gw.ws.closed:
            await self._gw.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        if exc_type is None:
            self.assert_valid()

    def assert_valid(self) -> None:
        """Fail if any request so far was one Discord would refuse."""
        if self.violations:
            shown = "\n  ".join(self.violations[:20])
            raise AssertionError(
                f"{len(self.violations)} request(s) Discord would refuse:\n  {shown}"
            )

    @property
    def api_base(self) -> str:
        """The REST base to point discord.py at (DISCORD_API_BASE)."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """The gateway URL to point discord.py at (DISCORD_GATEWAY_URL)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def snowflake(self, when: dt.datetime | None = None) -> int:
        """A unique snowflake whose timestamp is `when` (default now)."""
        base = discord.utils.time_snowflake(when or dt.datetime.now(dt.UTC))
        return base + next(self._ids) % 4096

    # -- faults ------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path: str,
        *,
        status: int,
        code: int = 0,
        message: str = "",
        retry_after: float = 0.05,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls matching `method` and the `path` regex with an error:
        429 (Discord's body and headers, incl. Via so discord.py retries), 5xx, or any
        status with a JSON error code, e.g. 404 + 10062 unknown interaction."""
        headers: dict[str, str] = {}
        body: JSONDict = {"message": message or f"fake error {status}", "code": code}
        if status == 429:
            body = {"message": "You are being rate limited.", "retry_after": retry_after,
                    "global": False}
            headers = {
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(retry_after))),
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Bucket": "fakebucket",
                "X-RateLimit-Scope": "user",
            }
        self.faults.append(Fault(method, re.compile(path), status, body, headers, times))

    def _fault_for(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.pattern.search(path):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    # -- recorded calls ----------------------------------------------------------------------

    def find(
        self, method: str | None = None, path: str | None = None, *, since: int = 0
    ) -> list[Call]:
        """Recorded calls (from index `since`) matching a method and a path regex."""
        pattern = re.compile(path) if path is not None else None
        return [
            c
            for c in self.calls[since:]
            if (method is None or c.method == method)
            and (pattern is None or pattern.search(c.path))
        ]

    async def wait_for(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        since: int = 0,
        count: int = 1,
        within: float = 5.0,
    ) -> list[Call]:
        """Wait until `count` matching calls have been recorded; returns them."""
        pattern = re.compile(path) if path is not None else None
        found: list[Call] = []
        checked = since

        def enough() -> bool:
            nonlocal checked
            for c in self.calls[checked:]:
                if (method is None or c.method == method) and (
                    pattern is None or pattern.search(c.path)
                ):
                    found.append(c)
            checked = len(self.calls)
            return len(found) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(enough), within)
        return found[:count]

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # -- REST --------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        at = time.perf_counter()
        path = "/" + request.match_info["tail"]
        body = await _body(request)
        if self.validate:
            problems = discord_violations(request.method, path, body)
            if problems:
                self.violations += [f"{request.method} {path}: {p}" for p in problems]
                await self._record(Call(request.method, path, dict(request.query), body, at, 400))
                return _json(
                    {"code": 50035, "message": "Invalid Form Body", "errors": problems}, 400
                )
        fault = self._fault_for(request.method, path)
        status = fault.status if fault else 200
        await self._record(Call(request.method, path, dict(request.query), body, at, status))
        if fault is not None:
            return _json(fault.body, fault.status, fault.headers)
        return await self._answer(request.method, path, body)

    async def _answer(self, method: str, path: str, body: Any) -> web.StreamResponse:
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return _json(self.bot_user)
        if path in ("/applications/@me", "/oauth2/applications/@me"):
            return _json(
                {
                    "id": str(APP_ID),
                    "name": "Pullquote",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": _user(USER_ID, "owner"),
                    "verify_key": "0" * 64,
                    "flags": 0,
                }
            )
        if path in ("/gateway", "/gateway/bot"):
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1
                    },
                }
            )
        if parts[0] == "applications" and parts[-1] == "commands":
            scope = parts[3] if len(parts) == 5 else "global"
            if method == "PUT":
                self.commands[scope] = [
                    {**c, "id": str(self.snowflake()), "application_id": str(APP_ID),
                     "version": "1", **({"guild_id": scope} if scope != "global" else {})}
                    for c in body or []
                ]
            return _json(self.commands.get(scope, []))
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(int(parts[1]), parts[2], body or {})
        if parts[0] == "webhooks" and len(parts) >= 3:
            return self._webhook(method, parts[2], parts[3:], body or {})
        if parts[0] == "channels" and parts[-1] == "messages" and method == "POST":
            return _json(self._new_message(int(parts[1]), body or {}, webhook=False))
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _new_message(
        self, channel_id: int, body: JSONDict, *, webhook: bool, ephemeral: bool = False
    ) -> JSONDict:
        flags = int(body.get("flags") or 0) | (EPHEMERAL if ephemeral else 0)
        mid = self.snowflake()
        message: JSONDict = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "type": 0,
            "content": body.get("content") or "",
            "author": self.bot_user,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "flags": flags,
            "application_id": str(APP_ID),
        }
        if webhook:
            message["webhook_id"] = str(APP_ID)
        self.messages[mid] = message
        return message

    def _edit(self, mid: int, body: JSONDict) -> JSONDict:
        message = self.messages[mid]
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] if body[key] is not None else (
                    "" if key == "content" else []
                )
        message["edited_timestamp"] = _now_iso()
        return message

    def _callback(self, iid: int, token: str, body: JSONDict) -> web.Response:
        kind = int(body.get("type", 0))
        data: JSONDict = body.get("data") or {}
        ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
        interaction: JSONDict = {"id": str(iid), "type": 2}
        out: JSONDict = {"interaction": interaction}
        if kind in (4, 5):  # a new message (5: the "thinking" placeholder)
            message = self._new_message(CHANNEL_ID, data, webhook=True, ephemeral=ephemeral)
            self._originals[token] = int(message["id"])
            if kind == 5:
                self._placeholders.add(int(message["id"]))
            interaction.update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=ephemeral,
            )
            out["resource"] = {"type": kind, "message": message}
        elif kind in (6, 7):  # update the message the clicked component sits on
            mid = self._originals.get(token)
            if kind == 7 and mid is not None and mid in self.messages:
                out["resource"] = {"type": kind, "message": self._edit(mid, data)}
        return _json(out)

    def _webhook(self, method: str, token: str, rest: list[str], body: JSONDict) -> web.Response:
        if not rest and method == "POST":
            ephemeral = bool(int(body.get("flags") or 0) & EPHEMERAL)
            original = self._originals.get(token)
            if original in self._placeholders and original in self.messages:
                # The first followup after a "thinking" defer replaces the placeholder.
                self._placeholders.discard(original)
                return _json(self._edit(original, body))
            return _json(self._new_message(CHANNEL_ID, body, webhook=True, ephemeral=ephemeral))
        if len(rest) == 2 and rest[0] == "messages":
            key = rest[1]
            mid = self._originals.get(token) if key == "@original" else int(key)
            if mid is None or mid not in self.messages:
                return _json({"message": "Unknown Message", "code": 10008}, 404)
            if method == "DELETE":
                del self.messages[mid]
                return web.Response(status=204)
            if method == "PATCH":
                return _json(self._edit(mid, body))
            return _json(self.messages[mid])
        return _json({"message": "404: Not Found", "code": 0}, 404)

    # -- gateway -----------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if self.gateway_refusals > 0:
            self.gateway_refusals -= 1
            return web.Response(status=503, text="upstream connect error")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._gw.ws = ws
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 45000}, "s": None, "t": None})
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                break
            payload = json.loads(msg.data)
            op = payload.get("op")
            if op == 1:
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif op == 2 and self.close_on_identify is not None:
                await ws.close(code=self.close_on_identify, message=b"Authentication failed.")
                break
            elif op == 2:
                self._gw.identifies += 1
                self._gw.session_id = secrets.token_hex(8)
                self._gw.seq = 0
                await self._send("READY", {
                    "v": 10,
                    "user": self.bot_user,
                    "guilds": [],
                    "session_id": self._gw.session_id,
                    "resume_gateway_url": self.gateway_url,
                    "application": {"id": str(APP_ID), "flags": 0},
                    "shard": [0, 1],
                })
                self._gw.ready.set()
            elif op == 6:
                self._gw.resumes += 1
                await self._send("RESUMED", {})
                self._gw.resumed.set()
        return ws

    async def _send(self, event: str, data: JSONDict) -> None:
        ws = self._gw.ws
        if ws is None or ws.closed:
            raise RuntimeError("the client is not connected to the fake gateway")
        self._gw.seq += 1
        await ws.send_json({"op": 0, "t": event, "s": self._gw.seq, "d": data})

    @property
    def identifies(self) -> int:
        """How many IDENTIFYs the gateway has seen."""
        return self._gw.identifies

    @property
    def resumes(self) -> int:
        """How many RESUMEs the gateway has seen."""
        return self._gw.resumes

    async def wait_ready(self, within: float = 5.0) -> None:
        """Wait until a client has identified and been sent READY."""
        await asyncio.wait_for(self._gw.ready.wait(), within)

    async def drop(self, code: int = 4000) -> None:
        """Close the client's socket with a resumable code; it reconnects and RESUMEs."""
        self._gw.resumed.clear()
        ws = self._gw.ws
        if ws is not None:
            await ws.close(code=code)

    async def wait_resumed(self, within: float = 5.0) -> None:
        """Wait until the client has RESUMEd after `drop`."""
        await asyncio.wait_for(self._gw.resumed.wait(), within)

    async def dispatch(self, event: str, data: JSONDict) -> None:
        """Send one DISPATCH event to the connected client."""
        await self._send(event, data)

    # -- interactions ------------------------------------------------------------------------

    def _interaction(
        self,
        kind: int,
        data: JSONDict,
        *,
        user_id: int,
        admin: bool,
        message: JSONDict | None = None,
        guild: bool = True,
    ) -> JSONDict:
        iid = self.snowflake()
        payload: JSONDict = {
            "id": str(iid),
            "application_id": str(APP_ID),
            "type": kind,
            "token": f"tok-{iid}-{secrets.token_hex(4)}",
            "version": 1,
            "channel_id": str(CHANNEL_ID),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10485760,
            "app_permissions": ADMIN_PERMISSIONS,
            "data": data,
        }
        if guild:
            payload.update(
                guild_id=str(GUILD_ID),
                guild_locale="en-US",
                context=0,
                authorizing_integration_owners={"0": str(GUILD_ID)},
                channel={
                    "id": str(CHANNEL_ID), "type": 0, "guild_id": str(GUILD_ID),
                    "name": "general", "position": 0, "permission_overwrites": [],
                    "nsfw": False, "parent_id": None,
                },
                member={
                    "user": _user(user_id, f"user{user_id % 1000}"),
                    "roles": [],
                    "joined_at": _now_iso(),
                    "deaf": False,
                    "mute": False,
                    "flags": 0,
                    "permissions": ADMIN_PERMISSIONS if admin else MEMBER_PERMISSIONS,
                },
            )
        else:
            payload.update(
                context=1,
                channel={"id": str(CHANNEL_ID), "type": 1, "recipients": []},
                user=_user(user_id, f"user{user_id % 1000}"),
            )
        if message is not None:
            payload["message"] = message
        return payload

    async def send(self, payload: JSONDict) -> JSONDict:
        """Dispatch an INTERACTION_CREATE, noting when it left (for latency)."""
        self.sent_at[int(payload["id"])] = time.perf_counter()
        await self._send("INTERACTION_CREATE", payload)
        return payload

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        sub: str | None = None,
        user_id: int = USER_ID,
        admin: bool = False,
        guild: bool = True,
    ) -> JSONDict:
        """Run a slash command as a user: `/name opt:value`, or `/name sub ...`."""
        opts = [
            {"name": k, "type": _option_type(v), "value": v} for k, v in (options or {}).items()
        ]
        if sub is not None:
            opts = [{"name": sub, "type": 1, "options": opts}]
        data = {"id": str(self.snowflake()), "name": name, "type": 1, "options": opts}
        return await self.send(
            self._interaction(2, data, user_id=user_id, admin=admin, guild=guild)
        )

    async def autocomplete(
        self, name: str, focused: str, value: str, others: dict[str, Any] | None = None
    ) -> JSONDict:
        """Type into an autocompleted option: an APPLICATION_COMMAND_AUTOCOMPLETE."""
        opts = [
            {"name": k, "type": _option_type(v), "value": v} for k, v in (others or {}).items()
        ]
        opts.append({"name": focused, "type": 3, "value": value, "focused": True})
        data = {"id": str(self.snowflake()), "name": name, "type": 1, "options": opts}
        return await self.send(self._interaction(4, data, user_id=USER_ID, admin=False))

    async def click(
        self, message: JSONDict, custom_id: str, *, user_id: int = USER_ID
    ) -> JSONDict:
        """Click the button `custom_id` on `message` (a MESSAGE_COMPONENT interaction)."""
        data = {"custom_id": custom_id, "component_type": 2}
        payload = self._interaction(3, data, user_id=user_id, admin=False, message=message)
        # The component interaction's @original is the message the button sits on.
        self._originals[payload["token"]] = int(message["id"])
        return await self.send(payload)

    def latency(self, payload: JSONDict, call: Call) -> float:
        """Seconds from dispatching `payload` to the fake receiving `call`."""
        return call.at - self.sent_at[int(payload["id"])]


def _option_type(value: Any) -> int:
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    return 3


def callback_path(payload: JSONDict) -> str:
    """The path regex of the interaction callback for `payload`."""
    return rf"^/interactions/{payload['id']}/{re.escape(payload['token'])}/callback$"


def webhook_path(payload: JSONDict, tail: str = "") -> str:
    """The path regex of the followup webhook (plus `tail`, e.g. /messages/@original)."""
    return rf"^/webhooks/{APP_ID}/{re.escape(payload['token'])}{re.escape(tail)}$"


def buttons(message: JSONDict) -> dict[str, str]:
    """The buttons on a message: label -> custom_id."""
    return {
        c["label"]: c["custom_id"]
        for row in message.get("components", [])
        for c in row.get("components", [])
        if c.get("type") == 2
    }



@contextlib.asynccontextmanager
async def running(client: discord.Client, fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """Start `client` against `fake` (it must already point there), wait until it is ready,
    and close it on the way out."""
    task = asyncio.create_task(client.start("fake-token"))
    try:
        await fake.wait_ready()
        await asyncio.wait_for(client.wait_until_ready(), 5)
        yield client
    finally:
        # Cancel first, as `pullquote run` does on shutdown: closing under a live connect
        # loop makes discord.py dispatch a late 'disconnect' into a closed client.
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await client.close()
