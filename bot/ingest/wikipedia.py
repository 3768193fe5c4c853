"""Film articles from Wikipedia by title, through the MediaWiki Action API (JSON,
formatversion=2) and the one fetcher: `wikipedia:Her (film)` reads that article (following
redirects); a title that is missing or a disambiguation page, or one with a year
(`wikipedia:Her 2013`), is looked up with list=search and the best film match is read."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bot.cards import WIKIPEDIA_OUTLET
from bot.errors import UserError
from bot.ingest.readers import Defaults, ReviewInput
from bot.ingest.wikitext import article_text, infobox, release_sentences
from bot.web.body import JSON_TYPES
from bot.web.fetcher import Fetcher

PREFIX = "wikipedia:"
_TRAILING_YEAR = re.compile(r"^(?P<title>.+?)\s+\(?(?P<year>(?:18|19|20)\d\d)\)?$")
_FILM_TITLE = re.compile(r"\((?:(?P<year>\d{4}) )?(?:[\w -]+ )?film\)$", re.I)
_DISAMBIGUATION = re.compile(r"\{\{\s*(?:disambiguation|dab|disamb|hndis|geodis)\b", re.I)
_TAGS = re.compile(r"<[^>]+>")


class WikipediaError(UserError):
    """A Wikipedia target that cannot be read (missing, not found, API failure)."""


@dataclass(frozen=True, slots=True)
class Article:
    """One article as the API gave it."""

    title: str
    url: str
    wikitext: str


def is_wikipedia_target(target: str) -> bool:
    """Whether a command-line or chat target names a Wikipedia article."""
    return target[: len(PREFIX)].lower() == PREFIX


def _film_title(article_title: str) -> tuple[str, int | None]:
    """"Her (film)" -> ("Her", None); "Widows (2018 film)" -> ("Widows", 2018)."""
    m = _FILM_TITLE.search(article_title)
    if m is None:
        return article_title, None
    year = int(m.group("year")) if m.group("year") else None
    return article_title[: m.start()].strip(), year


class WikipediaClient:
    """Reads film articles through the Action API at `api_url`, fetching with `fetcher`."""

    def __init__(self, fetcher: Fetcher, api_url: str) -> None:
        self._fetcher = fetcher
        self._api_url = api_url

    async def _call(self, **params: str) -> dict[str, Any]:
        query = urlencode({**params, "format": "json", "formatversion": "2"})
        page = await self._fetcher.fetch(f"{self._api_url}?{query}", accept=JSON_TYPES)
        try:
            data = json.loads(page.text)
        except json.JSONDecodeError:
            raise WikipediaError("Wikipedia's API sent something that is not JSON") from None
        if not isinstance(data, dict):
            raise WikipediaError("Wikipedia's API sent an unexpected answer")
        if "error" in data:
            info = data["error"].get("info") if isinstance(data["error"], dict) else None
            raise WikipediaError(f"Wikipedia's API refused the request: {info or 'error'}")
        return data

    async def _page(self, title: str) -> dict[str, Any] | None:
        data = await self._call(
            action="query",
            prop="revisions|pageprops|info",
            rvprop="content",
            rvslots="main",
            inprop="url",
            ppprop="disambiguation",
            redirects="1",
            titles=title,
        )
        pages = data.get("query", {}).get("pages") or []
        page = pages[0] if pages and isinstance(pages[0], dict) else None
        if page is None or page.get("missing") or page.get("invalid") or not page.get("revisions"):
            return None
        return page

    async def search(self, query: str, year: int | None) -> list[dict[str, Any]]:
        """Search results for `query`, film articles (and the asked year) first."""
        data = await self._call(
            action="query", list="search", srsearch=f"{query} film", srlimit="10",
            srprop="snippet",
        )
        results = [r for r in data.get("query", {}).get("search") or [] if isinstance(r, dict)]

        def score(item: tuple[int, dict[str, Any]]) -> tuple[int, int]:
            rank, r = item
            title = str(r.get("title", ""))
            snippet = _TAGS.sub("", str(r.get("snippet", "")))
            points = 0
            m = _FILM_TITLE.search(title)
            if m:
                points += 4
                if year is not None and m.group("year") == str(year):
                    points += 4
            if year is not None and str(year) in snippet:
                points += 2
            if re.search(r"\bfilm\b", snippet, re.I):
                points += 1
            if "disambiguation" in title.lower():
                points -= 10
            return (-points, rank)

        return [r for _, r in sorted(enumerate(results), key=score)]

    async def article(self, target: str) -> Article:
        """The article a `wikipedia:` target names: the title itself unless it is missing or
        a disambiguation page or carries a year, else the best search result."""
        query = target[len(PREFIX) :].strip() if is_wikipedia_target(target) else target.strip()
        if not query:
            raise WikipediaError("name an article: wikipedia:Her (film)")
        m = _TRAILING_YEAR.match(query)
        base, year = (m.group("title"), int(m.group("year"))) if m else (query, None)
        page = None if year is not None else await self._page(query)
        if page is not None and not self._is_disambiguation(page):
            return self._article(page)
        for result in (await self.search(base, year))[:3]:
            found = await self._page(str(result.get("title")))
            if found is not None and not self._is_disambiguation(found):
                return self._article(found)
        raise WikipediaError(f"no Wikipedia article found for “{query}”")

    @staticmethod
    def _is_disambiguation(page: dict[str, Any]) -> bool:
        props = page.get("pageprops")
        if isinstance(props, dict) and "disambiguation" in props:
            return True
        return bool(_DISAMBIGUATION.search(_wikitext(page)))

    @staticmethod
    def _article(page: dict[str, Any]) -> Article:
        title = str(page.get("title", ""))
        url = str(page.get("canonicalurl") or page.get("fullurl") or "")
        return Article(title=title, url=url, wikitext=_wikitext(page))


def _wikitext(page: dict[str, Any]) -> str:
    try:
        return str(page["revisions"][0]["slots"]["main"]["content"])
    except (KeyError, IndexError, TypeError):
        return ""


def read_article(article: Article, flags: Defaults) -> ReviewInput:
    """A Wikipedia film article as a review (CPU bound: call it in a worker thread): the lead,
    release, box-office, home-media and reception sections, the infobox's releases as
    sentences, the film from the infobox or the title; flags override."""
    facts = infobox(article.wikitext)
    title, title_year = _film_title(article.title)
    film = flags.film or facts.title or title
    year = flags.year or title_year
    if year is None and flags.film is None and facts.releases:
        year = min(r.year for r in facts.releases)
    body = article_text(article.wikitext)
    releases = release_sentences(film, facts.releases)
    if releases:
        lead, sep, rest = body.partition("\n\n")
        body = f"{lead}\n\n{releases}{sep}{rest}"
    if not body.strip():
        raise WikipediaError(f"the article “{article.title}” has no text to read")
    return ReviewInput(
        text=body,
        film=film,
        year=year,
        director=facts.director,
        cast=facts.cast,
        outlet=WIKIPEDIA_OUTLET,
        critic=None,
        url=flags.url or article.url or None,
    )
