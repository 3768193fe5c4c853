"""What each declared command does: one handler per top-level command in bot/commands.py.

A handler turns an Invocation into a Card (or, for answers that are not a card, such as a
form, a whole Reply). Who may run the command and how its answer is shown are not decided
here: the declaration says, and `Core` applies it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.cards import Card, CardField
from bot.commands import COMMANDS
from bot.invocation import Caller, Invocation, usage
from bot.reply import Reply
from bot.schedule.commands import DailyCommands
from bot.service import Service

Handler = Callable[[Invocation, Caller], Awaitable[Card | Reply]]


def help_card() -> Card:
    """Every command with its usage, from the single declaration."""
    return Card(
        kind="help",
        title="Pullquote",
        body="Film review snippets: critic quotes, excerpts and release dates.",
        fields=tuple(CardField(usage(c), c.description) for c in COMMANDS),
    )


class Handlers:
    """The command handlers over one Service and the /daily commands."""

    def __init__(self, service: Service, daily: DailyCommands) -> None:
        self.service = service
        self.daily = daily

    def table(self) -> dict[str, Handler]:
        """Command name -> handler, for every top-level declared command."""
        return {
            "quote": self.quote,
            "review": self.review,
            "release": self.release,
            "film": self.film,
            "search": self.search,
            "help": self.help,
            "daily": self.daily_command,
        }

    async def quote(self, inv: Invocation, caller: Caller) -> Card:
        """A critic's quote, not one the channel saw recently."""
        return await self.service.quote(
            film=inv.text("film"),
            critic=inv.text("critic"),
            outlet=inv.text("outlet"),
            channel=caller.channel,
        )

    async def review(self, inv: Invocation, caller: Caller) -> Card:
        """An excerpt from a review, not one the channel saw recently."""
        return await self.service.review(film=inv.text("film"), channel=caller.channel)

    async def release(self, inv: Invocation, caller: Caller) -> Card:
        """Release dates by country."""
        return await self.service.release(film=inv.text("film") or "", region=inv.text("region"))

    async def film(self, inv: Invocation, caller: Caller) -> Card:
        """An overview of one film."""
        return await self.service.film(title=inv.text("title") or "")

    async def search(self, inv: Invocation, caller: Caller) -> Card:
        """Quotes and excerpts containing the words."""
        return await self.service.search(text=inv.text("text") or "", film=inv.text("film"))

    async def help(self, inv: Invocation, caller: Caller) -> Card:
        """The list of commands."""
        return help_card()

    async def daily_command(self, inv: Invocation, caller: Caller) -> Card:
        """`/daily set|off|pause|resume|status|now` for the caller's channel."""
        return await self.daily.run(inv, caller)
