"""Cards: the platform-neutral reply every command returns and every adapter renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

WIKIPEDIA_OUTLET = "Wikipedia"
"""The outlet of reviews read from Wikipedia articles."""
SOURCE_CREDITS = {WIKIPEDIA_OUTLET: "from Wikipedia (CC BY-SA)"}
"""A credit line for cards whose review comes from a source with its own licence."""

CardKind = Literal["critic_quote", "excerpt", "dialogue", "release", "film", "search", "help"]
ActionStyle = Literal["primary", "secondary", "danger"]


@dataclass(frozen=True, slots=True)
class FilmRef:
    title: str
    year: int | None = None

    @property
    def label(self) -> str:
        """'Title (Year)', or the bare title when the year is unknown."""
        return f"{self.title} ({self.year})" if self.year else self.title


@dataclass(frozen=True, slots=True)
class CardField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Action:
    """A button under a card; `id` is what the adapter sends back to the core."""

    id: str
    label: str
    style: ActionStyle = "secondary"


@dataclass(frozen=True, slots=True)
class ReleaseInfo:
    """One release event as shown on a card, with its date phrased relative to today."""

    region: str | None
    region_name: str
    year: int | None
    month: int | None
    day: int | None
    event: str
    date_text: str
    relative: str | None


@dataclass(frozen=True, slots=True)
class Card:
    """A reply: adapters must keep `attribution` whenever they shorten `body`."""

    kind: CardKind
    title: str
    body: str
    attribution: str | None = None
    fields: tuple[CardField, ...] = ()
    url: str | None = None
    footer: str | None = None
    spoiler: bool = False
    actions: tuple[Action, ...] = ()
    film: FilmRef | None = None
    critic: str | None = None
    outlet: str | None = None
    snippet_id: int | None = None
    releases: tuple[ReleaseInfo, ...] = ()
    results: tuple[Card, ...] = field(default=())


def card_to_json(card: Card) -> dict[str, Any]:
    """The CLI's `--json` shape: fields that do not apply are null or empty."""
    out: dict[str, Any] = {
        "kind": card.kind,
        "text": card.body,
        "film": {"title": card.film.title, "year": card.film.year} if card.film else None,
        "critic": card.critic,
        "outlet": card.outlet,
        "url": card.url,
        "spoiler": card.spoiler,
        "releases": [
            {
                "region": r.region,
                "region_name": r.region_name,
                "year": r.year,
                "month": r.month,
                "day": r.day,
                "event": r.event,
                "date": r.date_text,
                "relative": r.relative,
            }
            for r in card.releases
        ],
    }
    if card.kind in ("search", "help", "film"):
        out["title"] = card.title
    if card.kind == "search":
        out["results"] = [card_to_json(r) for r in card.results]
    if card.kind == "film":
        out["fields"] = {f.name: f.value for f in card.fields}
    return out
