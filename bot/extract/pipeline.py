"""The extraction pipeline: split once, then run each extractor over the same sentences."""

from __future__ import annotations

from typing import Any

from bot.extract.excerpts import score_excerpts
from bot.extract.film import guess_film
from bot.extract.quotes import find_quotes
from bot.extract.releases import find_releases
from bot.extract.sentences import split_sentences
from bot.extract.types import Context, Extraction


def extract(text: str, context: Context | None = None) -> Extraction:
    """Extract quotes, releases and excerpts from `text`; pure and database-free."""
    ctx = context or Context()
    sentences = split_sentences(text)
    film = guess_film(text, sentences, ctx)
    quotes = find_quotes(text, sentences, ctx)
    releases = find_releases(text, sentences, ctx)
    excerpts = score_excerpts(text, sentences, quotes, film, ctx)
    return Extraction(film=film, quotes=quotes, releases=releases, excerpts=excerpts)


def extraction_to_json(result: Extraction, *, explain: bool = False) -> dict[str, Any]:
    """The `pullquote extract --json` shape (issue 2); `explain` adds each excerpt's reasons."""
    excerpts: list[dict[str, Any]] = []
    for e in result.excerpts:
        item: dict[str, Any] = {"text": e.text, "start": e.start, "end": e.end, "score": e.score}
        if e.spoiler:
            item["spoiler"] = True
        if explain:
            item["reasons"] = list(e.reasons)
        excerpts.append(item)
    return {
        "film": {
            "title": result.film.title,
            "year": result.film.year,
            "director": result.film.director,
            "cast": list(result.film.cast),
        },
        "quotes": [
            {
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "kind": q.kind,
                "critic": q.critic,
                "outlet": q.outlet,
            }
            for q in result.quotes
        ],
        "releases": [
            {
                "year": r.year,
                "month": r.month,
                "day": r.day,
                "region": r.region,
                "event": r.event,
                "start": r.start,
                "end": r.end,
            }
            for r in result.releases
        ],
        "excerpts": excerpts,
    }
