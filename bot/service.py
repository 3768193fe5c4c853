"""The core's commands: resolve films, pick snippets and build Cards. No platform code here."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Callable

from bot.cards import SOURCE_CREDITS, Card, CardField, FilmRef, ReleaseInfo
from bot.commands import COMMANDS
from bot.errors import BadInput, NotFound, NothingMatches
from bot.extract.outlets import canonical_outlet, normalise_outlet
from bot.extract.regions import lookup_region, region_name
from bot.films import FilmIndex
from bot.invocation import Invocation, usage
from bot.picks import Picker
from bot.timefmt import date_text, relative
from storage.protocol import Store
from storage.records import FilmRow, ReleaseRow, SnippetFilter, SnippetKind, SnippetRow

log = logging.getLogger(__name__)

VERSION_CHECK_SECONDS = 5.0
"""How often the collection version is checked, so another process's ingest shows up."""
RELEASE_FILMS = 2_048
"""Films whose release rows, and release cards (per film and region, for the day), are kept
in memory (a few rows each)."""


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def flag(region: str | None) -> str:
    """The flag emoji for an ISO 3166-1 alpha-2 code (🌐 when unknown)."""
    if not region or len(region) != 2 or not region.isalpha():
        return "🌐"
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in region.upper())


def _arg(inv: Invocation, name: str) -> str | None:
    value = inv.args.get(name)
    return value if isinstance(value, str) and value else None


class Service:
    """Runs declared commands against a Store; one instance serves every adapter."""

    def __init__(
        self,
        store: Store,
        *,
        today: Callable[[], dt.date] = _today,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self._today = today
        self._rng = rng or random.Random()
        self._index: FilmIndex | None = None
        self._picker = Picker(store, self._rng)
        self._releases: OrderedDict[int, list[ReleaseRow]] = OrderedDict()
        self._release_cards: OrderedDict[tuple[int, str | None, dt.date], Card] = OrderedDict()
        self._version: int | None = None
        self._checked_at = -VERSION_CHECK_SECONDS
        self._checking: asyncio.Task[None] | None = None

    def invalidate(self) -> None:
        """Forget cached films and pick pools; call after the collection changes (ingest).
        Another process's ingest is noticed within VERSION_CHECK_SECONDS."""
        self._index = None
        self._picker.invalidate()
        self._releases.clear()
        self._release_cards.clear()

    async def film_index(self) -> FilmIndex:
        """The film title index, loaded once and kept until the collection changes."""
        self._check_version()
        if self._index is None:
            self._index = FilmIndex(tuple(await self.store.films()))
        return self._index

    def _check_version(self) -> None:
        """Every VERSION_CHECK_SECONDS, compare the collection version in the background
        (never on a command's path) and invalidate the caches when it moved."""
        now = time.monotonic()
        if now - self._checked_at < VERSION_CHECK_SECONDS:
            return
        self._checked_at = now
        if self._checking is None or self._checking.done():
            self._checking = asyncio.get_running_loop().create_task(self._compare_version())

    async def _compare_version(self) -> None:
        try:
            version = await self.store.collection_version()
        except Exception:
            log.debug("collection version check failed", exc_info=True)
            return
        if self._version is not None and version != self._version:
            log.info("the collection changed; reloading films and pick pools")
            self.invalidate()
        self._version = version

    async def run(self, inv: Invocation, *, channel: str) -> Card:
        """Run one parsed command for `channel` (used to avoid repeating recent picks)."""
        name = inv.command.name
        if name == "quote":
            return await self.quote(
                film=_arg(inv, "film"),
                critic=_arg(inv, "critic"),
                outlet=_arg(inv, "outlet"),
                channel=channel,
            )
        if name == "review":
            return await self.review(film=_arg(inv, "film"), channel=channel)
        if name == "release":
            return await self.release(film=_arg(inv, "film") or "", region=_arg(inv, "region"))
        if name == "film":
            return await self.film(title=_arg(inv, "title") or "")
        if name == "search":
            return await self.search(text=_arg(inv, "text") or "", film=_arg(inv, "film"))
        return self.help()

    # -- films ---------------------------------------------------------------------------

    async def resolve_film(self, query: str) -> tuple[FilmRow, list[FilmRow]]:
        """The film `query` names, plus other films it could also mean (remakes)."""
        index = await self.film_index()
        found = index.resolve(query)
        if not found:
            near = index.suggest(query, limit=3)
            hint = "Did you mean " + ", ".join(_label(f) for f in near) + "?" if near else None
            raise NotFound(f"No film called “{_clip(query)}” in the collection.", hint=hint)
        return found[0], found[1:]

    async def film_choices(self, query: str, limit: int = 25) -> list[tuple[str, str]]:
        """Autocomplete choices: ("Title (Year)", value that identifies the film)."""
        index = await self.film_index()
        return [(_label(f), f"#{f.id}") for f in index.suggest(query, limit)]

    # -- snippets ------------------------------------------------------------------------

    async def _pick(self, flt: SnippetFilter, channel: str) -> SnippetRow | None:
        self._check_version()
        return await self._picker.pick(flt, channel)

    async def _snippet_card(
        self,
        kinds: tuple[SnippetKind, ...],
        *,
        film: str | None,
        critic: str | None,
        outlet: str | None,
        channel: str,
    ) -> Card:
        film_row, others = (await self.resolve_film(film)) if film else (None, [])
        flt = SnippetFilter(
            kinds=kinds,
            film_id=film_row.id if film_row else None,
            critic=critic,
            # Ingest files an aliased outlet under its canonical name, so "LA Times" also
            # finds quotes written as "Los Angeles Times" and the other way round.
            outlet=outlet,
            outlet_aliases=tuple(filter(None, [canonical_outlet(outlet) if outlet else None])),
        )
        row = await self._pick(flt, channel)
        if row is None:
            what = "critic quotes" if "critic_quote" in kinds else "excerpts"
            scope = [f"for {_label(film_row)}" if film_row else ""]
            if critic:
                scope.append(f"by “{_clip(critic)}”")
            if outlet:
                scope.append(f"from “{_clip(outlet)}”")
            raise NothingMatches(
                f"No {what} {' '.join(s for s in scope if s)}".rstrip() + ".",
                hint="Try without a filter, or /search for words in a quote.",
            )
        footer = None
        if others:
            footer = "Also: " + ", ".join(_label(f) for f in others[:3]) + " (add the year)"
        return snippet_card(row, footer=footer)

    async def quote(
        self,
        *,
        film: str | None = None,
        critic: str | None = None,
        outlet: str | None = None,
        channel: str = "cli",
    ) -> Card:
        """A critic's quote, weighted by score, not one the channel saw recently."""
        return await self._snippet_card(
            ("critic_quote",), film=film, critic=critic, outlet=outlet, channel=channel
        )

    async def review(self, *, film: str | None = None, channel: str = "cli") -> Card:
        """A quotable excerpt from a review, weighted by score."""
        return await self._snippet_card(
            ("excerpt",), film=film, critic=None, outlet=None, channel=channel
        )

    async def another(self, snippet_id: int, *, channel: str) -> Card:
        """A different pick like `snippet_id` (same kind and film), for the Another button."""
        row = await self._picker.row(snippet_id)
        if row is None:
            raise NotFound("That preview has expired.", hint="Run the command again.")
        flt = SnippetFilter(kinds=(row.kind,), film_id=row.film_id)
        pick = await self._picker.pick(flt, channel, avoid=(snippet_id,))
        if pick is None:
            raise NothingMatches(f"There is only one to pick from for {row.film_title}.")
        return snippet_card(pick)

    async def card_for(self, snippet_id: int) -> Card:
        """The card of one snippet, e.g. to publish a preview the user chose to Post."""
        row = await self._picker.row(snippet_id)
        if row is None:
            raise NotFound("That quote is no longer in the collection.")
        return snippet_card(row)

    async def claim(self, key: str) -> bool:
        """True the first time `key` is claimed, False after: makes a double-clicked Post
        or a retried delivery act once, across restarts and processes."""
        return await self.store.claim(key)

    def shown_elsewhere(self, channel: str, snippet_id: int) -> None:
        """A snippet was shown in `channel` outside a pick (the daily post, whose history row
        the scheduler writes): /quote there will not repeat it soon."""
        self._picker.remember(channel, snippet_id)

    def note_claim(self, key: str) -> None:
        """Claim `key` without waiting for the answer (written within a second): for
        callers that already know it is new, e.g. a delivery not seen before in this
        process, so that a retry arriving after a restart is still recognised."""
        self.store.note_claim(key)

    # -- releases, films, search, help -----------------------------------------------------

    async def release(self, *, film: str, region: str | None = None) -> Card:
        """Release dates by country, each with how long ago or how soon it is."""
        if not film.strip():
            raise BadInput("Which film?", hint=usage(COMMANDS[2]))
        row, _ = await self.resolve_film(film)
        code = None
        if region:
            code = lookup_region(region)
            if code is None:
                raise BadInput(
                    f"“{_clip(region)}” is not a country I know.",
                    hint="Use a name or a two-letter code, e.g. UK, US, France, JP.",
                )
        today = self._today()
        # A release card changes only with the day (its "3 years ago") or the collection.
        key = (row.id, code, today)
        card = self._release_cards.get(key)
        if card is not None:
            self._release_cards.move_to_end(key)
            return card
        card = self._release_card(row, code, today, await self._releases_of(row.id))
        self._release_cards[key] = card
        if len(self._release_cards) > RELEASE_FILMS:
            self._release_cards.popitem(last=False)
        return card

    def _release_card(
        self, row: FilmRow, code: str | None, today: dt.date, releases: list[ReleaseRow]
    ) -> Card:
        rows = [r for r in releases if code is None or r.region == code]
        if not rows:
            where = f" in {region_name(code)}" if code else ""
            raise NothingMatches(f"No release dates{where} for {_label(row)} yet.")
        infos = tuple(
            ReleaseInfo(
                region=r.region,
                region_name=region_name(r.region) if r.region else "Worldwide / unknown",
                year=r.year,
                month=r.month,
                day=r.day,
                event=r.event,
                date_text=date_text(r.year, r.month, r.day),
                relative=relative(r.year, r.month, r.day, today),
            )
            for r in rows
        )
        lines = [
            f"{flag(i.region)} {i.region_name}: {i.date_text}"
            + (f" ({i.event.replace('_', ' ')})" if i.event != "theatrical" else "")
            + (f" · {i.relative}" if i.relative else "")
            for i in infos
        ]
        return Card(
            kind="release",
            title=f"Release dates: {_label(row)}",
            body="\n".join(lines),
            film=FilmRef(row.title, row.year),
            releases=infos,
        )

    async def _releases_of(self, film_id: int) -> list[ReleaseRow]:
        # Release rows change only with the collection: kept until `invalidate`.
        cached = self._releases.get(film_id)
        if cached is not None:
            self._releases.move_to_end(film_id)
            return cached
        rows = self._releases[film_id] = await self.store.releases(film_id)
        if len(self._releases) > RELEASE_FILMS:
            self._releases.popitem(last=False)
        return rows

    async def film(self, *, title: str) -> Card:
        """An overview card: director, cast, review counts, outlets and first release."""
        row, others = await self.resolve_film(title)
        stats = await self.store.film_stats(row.id)
        releases = await self._releases_of(row.id)
        lines = []
        if row.director:
            lines.append(f"Directed by {row.director}.")
        if row.cast:
            lines.append("Starring " + ", ".join(row.cast[:6]) + ".")
        fields = [
            CardField("Reviews", str(stats.reviews), inline=True),
            CardField("Critic quotes", str(stats.critic_quotes), inline=True),
            CardField("Excerpts", str(stats.excerpts), inline=True),
        ]
        if stats.outlets:
            fields.append(CardField("Outlets", ", ".join(stats.outlets[:10])))
        dated = [r for r in releases if r.year is not None]
        if dated:
            first = dated[0]
            fields.append(
                CardField(
                    "First release",
                    f"{flag(first.region)} {date_text(first.year, first.month, first.day)}",
                    inline=True,
                )
            )
        footer = "Also: " + ", ".join(_label(f) for f in others[:3]) if others else None
        return Card(
            kind="film",
            title=_label(row),
            body=" ".join(lines) or "No details yet.",
            fields=tuple(fields),
            footer=footer,
            film=FilmRef(row.title, row.year),
        )

    async def search(self, *, text: str, film: str | None = None, limit: int = 5) -> Card:
        """Quotes and excerpts containing the words, best match first."""
        if not text.strip():
            raise BadInput("Search for what?", hint="e.g. /search haunting")
        film_row = (await self.resolve_film(film))[0] if film else None
        rows = await self.store.search(
            text, film_id=film_row.id if film_row else None, limit=limit
        )
        if not rows:
            raise NothingMatches(f"Nothing matches “{_clip(text)}”.")
        results = tuple(snippet_card(r) for r in rows)
        body = "\n\n".join(
            f"“{r.body.strip('“”')}”" + (f" — {r.attribution}" if r.attribution else "")
            for r in results
        )
        return Card(
            kind="search",
            title=f"Search: {_clip(text, 80)}",
            body=body,
            results=results,
            footer=f"{len(rows)} best match{'es' if len(rows) != 1 else ''}",
        )

    def help(self) -> Card:
        """Every command with its usage, from the single declaration."""
        return Card(
            kind="help",
            title="Pullquote",
            body="Film review snippets: critic quotes, excerpts and release dates.",
            fields=tuple(
                CardField(usage(c), c.description) for c in COMMANDS if c.access == "everyone"
            ),
        )


def snippet_card(row: SnippetRow, *, footer: str | None = None) -> Card:
    """The card for one quote or excerpt; the attribution is never left out."""
    who = ", ".join(p for p in (row.critic, row.outlet) if p)
    attribution = who or None
    if row.kind == "dialogue":
        attribution = f"dialogue from {row.film_title}"
    credit = SOURCE_CREDITS.get(row.review_outlet or "") if not row.review_critic else None
    source = None if credit else _quoted_in(row)
    if source and attribution is None:
        attribution = source
    elif source or credit:
        # The link points at the review that quotes the critic, not at the critic's own.
        footer = "; ".join(p for p in (source or credit, footer) if p)
    return Card(
        kind=row.kind,
        title=_film_label(row.film_title, row.film_year),
        body=f"“{row.text.strip().rstrip(',;:').rstrip()}”",
        attribution=attribution,
        url=row.url,
        footer=footer,
        spoiler=row.spoiler,
        film=FilmRef(row.film_title, row.film_year),
        critic=row.critic,
        outlet=row.outlet,
        snippet_id=row.id,
    )


def _quoted_in(row: SnippetRow) -> str | None:
    """"Quoted in …" for a critic quote taken from someone else's review, else None."""
    if row.kind != "critic_quote" or not (row.review_outlet or row.review_critic):
        return None
    same_outlet = bool(row.outlet and row.review_outlet) and normalise_outlet(
        row.outlet or ""
    ) == normalise_outlet(row.review_outlet or "")
    same_critic = bool(row.critic and row.review_critic) and (
        (row.critic or "").casefold() == (row.review_critic or "").casefold()
    )
    if same_outlet or same_critic:
        return None
    if row.review_critic and row.review_outlet:
        return f"quoted in {row.review_critic}'s review in {row.review_outlet}"
    return f"quoted in a review by {row.review_critic or row.review_outlet}"


def _film_label(title: str, year: int | None) -> str:
    return f"{title} ({year})" if year else title


def _label(film: FilmRow) -> str:
    return _film_label(film.title, film.year)


def _clip(text: str, limit: int = 60) -> str:
    """User text echoed back in a message, cut short so a huge input stays readable."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"

