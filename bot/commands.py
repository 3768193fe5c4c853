"""The one declaration of every chat command; adapters register theirs from this table."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

OptionType = Literal["text", "film", "region", "integer", "boolean", "timezone"]
Access = Literal["everyone", "admin"]
Answer = Literal["preview", "public", "private"]
"""How a command's answer is shown: a private preview with Post / Another / Cancel (the
`public` option posts it at once instead), in the channel, or only to the user."""

MAX_TEXT = 200
"""Longest option value accepted; longer input gets a clear error, not a slow query."""


@dataclass(frozen=True, slots=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Option:
    """A typed command option; `film` options autocomplete from the collection."""

    name: str
    description: str
    type: OptionType = "text"
    required: bool = False
    max_length: int = MAX_TEXT
    choices: tuple[Choice, ...] = ()
    long: bool = False
    """Pasted over several lines (a form shows a paragraph box for it)."""
    example: str | None = None
    """A value that works on the sample corpus: the placeholder of a form field, and what
    the contract test (tests/test_contract.py) runs the command with."""

    @property
    def autocomplete(self) -> bool:
        """Whether adapters should offer live suggestions for this option."""
        return self.type == "film"


@dataclass(frozen=True, slots=True)
class Command:
    """A command as users see it on every platform: who may run it (`access`) and how its
    answer is shown (`answer`) are decided here and nowhere else."""

    name: str
    description: str
    options: tuple[Option, ...] = ()
    access: Access = "everyone"
    answer: Answer = "private"
    subcommands: tuple[Command, ...] = ()
    """A group: `/daily set ...`; each platform shows the subcommands under the group."""
    word_per_option: bool = False
    """Typed grammar: loose words fill the required options one word each, the last one
    taking the rest (`/daily set 09:00 new york`), instead of all going to the first."""

    def option(self, name: str) -> Option | None:
        """The option called `name`, if this command has one."""
        return next((o for o in self.options if o.name == name), None)

    def subcommand(self, name: str) -> Command | None:
        """The subcommand called `name`, if this command is a group."""
        return next((c for c in self.subcommands if c.name == name), None)


_FILM = Option("film", "Film title, e.g. “Her” or “Her (2013)”", "film", example="Nosferatu")
_PUBLIC = Option("public", "Post to the channel at once instead of previewing", "boolean")

COMMANDS: tuple[Command, ...] = (
    Command(
        "quote",
        "A critic's quote about a film, with its outlet",
        (
            _FILM,
            Option("critic", "Only quotes by this critic"),
            Option("outlet", "Only quotes from this outlet, e.g. “LA Times”"),
            _PUBLIC,
        ),
        answer="preview",
    ),
    Command(
        "review",
        "A quotable excerpt from a review",
        (_FILM, _PUBLIC),
        answer="preview",
    ),
    Command(
        "release",
        "Release dates of a film by country",
        (
            Option("film", _FILM.description, "film", required=True, example="Nosferatu"),
            Option("region", "Only this country, e.g. “UK”, “US”, “France”", "region",
                   example="Germany"),
        ),
        answer="public",
    ),
    Command(
        "film",
        "An overview of a film: reviews, critics, releases",
        (Option("title", "Film title", "film", required=True, example="Charade"),),
        answer="public",
    ),
    Command(
        "search",
        "Search every quote and excerpt",
        (Option("text", "Words to look for", required=True, example="vampire"), _FILM),
        answer="public",
    ),
    Command("help", "What Pullquote can do"),
    Command(
        "daily",
        "A daily quote in this channel at a set time (admins)",
        access="admin",
        subcommands=(
            Command(
                "set",
                "Post a daily quote here at a time of day in a time zone",
                (
                    Option("time", "Time of day, e.g. 09:00 or 6:30pm", required=True,
                           max_length=20, example="09:00"),
                    Option("timezone", "IANA time zone, e.g. Europe/London", "timezone",
                           required=True, max_length=64, example="Europe/London"),
                    Option("film", "Only quotes about this film", "film"),
                    Option(
                        "kind",
                        "What to post (default: any)",
                        choices=(
                            Choice("Critic quote", "critic"),
                            Choice("Review excerpt", "excerpt"),
                            Choice("Any", "any"),
                        ),
                    ),
                    Option("anniversary", "Prefer a film released on this day", "boolean"),
                ),
                access="admin",
                word_per_option=True,
            ),
            Command("off", "Stop the daily post in this channel", access="admin"),
            Command("pause", "Pause the daily post (keeps its settings)", access="admin"),
            Command("resume", "Resume a paused daily post", access="admin"),
            Command(
                "status", "Next daily post (local and UTC), last post, last error",
                access="admin",
            ),
            Command(
                "now", "Post a test card now (today's daily post still goes out)",
                access="admin", answer="public",
            ),
        ),
    ),
)


def command(name: str) -> Command | None:
    """The declared command called `name`, if any."""
    return BY_NAME.get(name)


def shown(cmd: Command, args: Mapping[str, object]) -> Answer:
    """How the answer to `cmd` run with `args` is shown: as declared, except that a preview
    run with `public` set is posted at once. Front ends that must acknowledge before the
    answer exists (Discord's defer) ask this; the core shapes every answer with it."""
    if cmd.answer == "preview" and args.get("public") is True:
        return "public"
    return cmd.answer


BY_NAME = {c.name: c for c in COMMANDS}
"""COMMANDS by name (looked up on every command)."""
