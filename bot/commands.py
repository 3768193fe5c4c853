"""The one declaration of every chat command; adapters register theirs from this table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OptionType = Literal["text", "film", "region", "integer", "boolean"]
Access = Literal["everyone", "admin"]

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

    @property
    def autocomplete(self) -> bool:
        """Whether adapters should offer live suggestions for this option."""
        return self.type == "film"


@dataclass(frozen=True, slots=True)
class Command:
    """A command as users see it on every platform."""

    name: str
    description: str
    options: tuple[Option, ...] = ()
    access: Access = "everyone"
    previewable: bool = False
    """Answers with a private preview and Post / Another / Cancel buttons."""

    def option(self, name: str) -> Option | None:
        """The option called `name`, if this command has one."""
        return next((o for o in self.options if o.name == name), None)


_FILM = Option("film", "Film title, e.g. “Her” or “Her (2013)”", "film")
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
        previewable=True,
    ),
    Command(
        "review",
        "A quotable excerpt from a review",
        (_FILM, _PUBLIC),
        previewable=True,
    ),
    Command(
        "release",
        "Release dates of a film by country",
        (
            Option("film", _FILM.description, "film", required=True),
            Option("region", "Only this country, e.g. “UK”, “US”, “France”", "region"),
        ),
    ),
    Command(
        "film",
        "An overview of a film: reviews, critics, releases",
        (Option("title", "Film title", "film", required=True),),
    ),
    Command(
        "search",
        "Search every quote and excerpt",
        (Option("text", "Words to look for", required=True), _FILM),
    ),
    Command("help", "What Pullquote can do"),
)


def command(name: str) -> Command | None:
    """The declared command called `name`, if any."""
    return next((c for c in COMMANDS if c.name == name), None)
