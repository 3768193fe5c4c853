"""The one entry point for every front end: a command, a button click or a form submission
goes in with its `Caller`; a `Reply` comes out.

Here, and nowhere else: the admin check (from the command's declared `access` and what the
platform said about the caller), how an answer is shown (the declared `answer`: preview,
public or private), what each button does (Post claims the preview once, Another, Cancel,
expiry), and errors: a `UserError` becomes a private error reply, anything else is logged
once and answered with a generic message. Front ends translate platform input into these
calls and render what comes back."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping

from bot.cards import Card
from bot.commands import COMMANDS, Command, command, shown
from bot.errors import BadInput, UserError
from bot.handlers import Handler, Handlers, help_card
from bot.invocation import Caller, Invocation, named, parse
from bot.preview import Click, new_nonce, parse_click, preview_actions
from bot.reply import Form, FormField, Original, Reply
from bot.schedule.clock import Clock, SystemClock
from bot.schedule.commands import DailyCommands
from bot.schedule.timezones import suggest_zones
from bot.service import Service
from storage.protocol import ScheduleStore

log = logging.getLogger(__name__)

GENERIC_ERROR = "Something went wrong on our side; it has been logged. Please try again."
EXPIRED = "This preview has expired. Run the command again for a fresh one."
ALREADY_POSTED = "That one has already been posted."
PREVIEW_TTL = dt.timedelta(minutes=15)
"""How long a preview's buttons act (Discord's interaction tokens live as long)."""
FORM_PREFIX = "pq:form:"
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "America/New_York",
    "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Sao_Paulo",
    "Asia/Kolkata", "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney", "Pacific/Auckland",
)
"""Time zones offered before anything is typed."""

ClickHandler = Callable[[Click, Caller], Awaitable[Reply]]


class Core:
    """Runs declared commands, clicks and forms for every front end."""

    def __init__(
        self, service: Service, schedules: ScheduleStore, *, clock: Clock | None = None
    ) -> None:
        """`clock` decides when a preview has expired and what "today" is for /daily."""
        self.service = service
        self.clock: Clock = clock or SystemClock()
        self.daily = DailyCommands(schedules, service, clock=self.clock)
        self.handlers: dict[str, Handler] = Handlers(service, self.daily).table()
        missing = {c.name for c in COMMANDS} - set(self.handlers)
        if missing:
            raise RuntimeError(f"declared commands without a handler: {sorted(missing)}")
        self.clicks: dict[str, ClickHandler] = {
            "post": self._post,
            "another": self._another,
            "cancel": self._cancel,
        }

    # -- commands ------------------------------------------------------------------------

    async def run(self, inv: Invocation, caller: Caller) -> Reply:
        """Run one command for `caller`: checked against its declared access, answered as
        its declaration says."""
        try:
            return await self._run(inv, caller)
        except Exception as exc:
            return self._failed(exc, f"/{inv.name}")

    async def line(self, text: str, caller: Caller) -> Reply:
        """Run a typed command line (`/quote her outlet:"LA Times"`, slash optional): an
        empty line or `help ...` is the help; an unknown command gets the help with a note."""
        words = text.split()
        name = words[0].removeprefix("/").lower() if words else "help"
        if name == "help":
            return Reply("private", (help_card(),))
        if command(name) is None:
            note = f"There is no “{name[:40]}” command. Here is what I can do:"
            return Reply("private", (help_card(),), text=note)
        try:
            inv = parse(text)
        except UserError as exc:
            return Reply.error(str(exc))
        return await self.run(inv, caller)

    async def _run(self, inv: Invocation, caller: Caller) -> Reply:
        admin_only = inv.root.access == "admin" or inv.command.access == "admin"
        if admin_only and not await caller.is_admin():
            raise UserError(f"Only {caller.admins} can use /{inv.name}.")
        result = await self.handlers[inv.root.name](inv, caller)
        if isinstance(result, Reply):
            return result
        return self._shape(inv, result, caller)

    def _shape(self, inv: Invocation, card: Card, caller: Caller) -> Reply:
        how = shown(inv.command, inv.args)
        if how == "preview":
            actions = preview_actions(card, new_nonce())
            return Reply("preview", (card,), actions=actions) if actions else Reply(
                "private", (card,)
            )
        if how == "public":
            # A preview posted at once (`public:yes`) is shared by its user, as a Post is.
            shared_by = caller.user if inv.command.answer == "preview" else None
            return Reply("public", (card,), shared_by=shared_by)
        return Reply("private", (card,))

    def _failed(self, exc: Exception, what: str) -> Reply:
        if isinstance(exc, UserError):
            return Reply.error(str(exc))
        log.error("%s failed", what, exc_info=exc)
        return Reply.error(GENERIC_ERROR)

    # -- buttons -------------------------------------------------------------------------

    async def click(
        self, action_id: str, caller: Caller, *, shown_at: dt.datetime | None = None
    ) -> Reply:
        """Act on a button click. `shown_at` is when the preview was last shown, if the
        platform says; past PREVIEW_TTL only Cancel still acts."""
        found = parse_click(action_id)
        handler = self.clicks.get(found.verb) if found is not None else None
        if found is None or handler is None:
            return Reply.error(EXPIRED)
        if found.verb != "cancel" and shown_at is not None and (
            self.clock.now() - shown_at > PREVIEW_TTL
        ):
            return Reply.error(EXPIRED)
        try:
            return await handler(found, caller)
        except Exception as exc:
            return self._failed(exc, f"the {found.verb} button")

    async def _post(self, click: Click, caller: Caller) -> Reply:
        # Claimed before anything is sent: a double click, or a second process, posts once.
        if not await self.service.claim(click.claim_key):
            return Reply.error(ALREADY_POSTED)
        card = await self.service.card_for(click.target)
        return Reply("public", (card,), shared_by=caller.user, original="delete")

    async def _another(self, click: Click, caller: Caller) -> Reply:
        card = await self.service.another(click.target, channel=caller.channel)
        actions = preview_actions(card, click.nonce)  # the same preview: still one Post
        return Reply("preview", (card,), actions=actions, original="replace")

    async def _cancel(self, click: Click, caller: Caller) -> Reply:
        return Reply("none", original="delete")

    def undeliverable(self, reply: Reply, note: str) -> Reply:
        """The platform refused a public reply (e.g. the bot is not in the channel): show
        its card to the user privately with `note`, with fresh buttons to try again (the
        failed Post spent its claim), in place of the preview it came from."""
        card = reply.card
        if card is None:
            return Reply.error(note)
        actions = preview_actions(card, new_nonce())
        original: Original = "replace" if reply.original == "delete" else "keep"
        return Reply("preview", (card,), text=note, actions=actions, original=original)

    # -- forms ---------------------------------------------------------------------------

    async def submit(self, form_id: str, values: Mapping[str, str], caller: Caller) -> Reply:
        """A submitted form (`Reply.form`): run its command with the values as options."""
        cmd, parent = _form_command(form_id)
        if cmd is None:
            return Reply.error(EXPIRED)
        try:
            inv = named(cmd, values, parent=parent)
        except BadInput as exc:
            return Reply.error(str(exc))
        return await self.run(inv, caller)

    # -- transport help and suggestions ---------------------------------------------------

    async def claim(self, key: str) -> bool:
        """True the first time `key` is claimed (durably, before this returns), False after:
        front ends claim a platform's delivery id so that a retried delivery acts once."""
        return await self.service.claim(key)

    async def film_choices(self, query: str, limit: int = 25) -> list[tuple[str, str]]:
        """Film suggestions for what was typed: ("Title (Year)", value naming the film)."""
        return await self.service.film_choices(query, limit)

    def zone_choices(self, query: str, limit: int = 25) -> list[str]:
        """IANA time zones close to what was typed (common ones before anything is)."""
        if not query.strip():
            return list(COMMON_ZONES[:limit])
        return suggest_zones(query, limit)


def form_for(
    cmd: Command, parent: Command | None = None, *, required: Collection[str] = ()
) -> Form:
    """A form asking for `cmd`'s options (all but yes/no ones), for handlers that answer a
    command run without its input with a dialog (e.g. pasting a review). Such a command
    declares those options optional (typed, one of them is enough); `required` names the
    fields the form insists on."""
    path = f"{parent.name}:{cmd.name}" if parent else cmd.name
    fields = tuple(
        FormField(
            o.name, o.description, o.required or o.name in required, o.long, o.max_length,
            o.example,
        )
        for o in cmd.options
        if o.type != "boolean"
    )
    return Form(FORM_PREFIX + path, cmd.description, fields)


def _form_command(form_id: str) -> tuple[Command | None, Command | None]:
    """The command (and its group) a form id names."""
    if not form_id.startswith(FORM_PREFIX):
        return None, None
    names = form_id.removeprefix(FORM_PREFIX).split(":")
    top = command(names[0])
    if top is None or len(names) > 2:
        return None, None
    if len(names) == 2:
        return top.subcommand(names[1]), top
    return top, None
