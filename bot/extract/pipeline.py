"""The extraction pipeline: split once, then run each extractor over the same sentences."""

from __future__ import annotations

from typing import Any

from bot.extract.excerpts import score_excerpts
from bot.extract.film import guess_film
from bot.extract.quotes import find_quotes
from bot.extract.releases import find_releases
from bot.extract.sentences import split_sentences
from bot.extract.types import Context, Extraction, Reason


def extract(text: str, context: Context | None = None) -> Extraction:
    """Extract quotes, releases and excerpts from `text`; pure and database-free."""
    ctx = context or Context()
    sentences = split_sentences(text)
    film = guess_film(text, sentences, ctx)
    quotes = find_quotes(text, sentences, ctx)
    releases = find_releases(text, sentences, ctx)
    excerpts = score_excerpts(text, sentences, quotes, film, ctx)
    return Extraction(film=film, quotes=quotes, releases=releases, excerpts=excerpts)


def sentence_at(text: str, at: int) -> str:
    """The sentence of `text` holding offset `at` ("" for -1), to show beside a reason."""
    if not 0 <= at < len(text):
        return ""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start : end if end >= 0 else len(text)]
    for s in split_sentences(line):
        if s.start <= at - start < s.end + 1:
            return s.text
    return line.strip()


def _why(reasons: tuple[Reason, ...], text: str | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for r in reasons:
        item: dict[str, Any] = {"rule": r.rule, "at": r.at}
        if text is not None:
            item["sentence"] = sentence_at(text, r.at)
        out.append(item)
    return out


def extraction_to_json(
    result: Extraction, *, explain: bool = False, text: str | None = None
) -> dict[str, Any]:
    """The `pullquote extract --json` shape (issue 2). `explain` adds why each quote, date
    and excerpt reads as it does (with `text`, the sentence each reason points at)."""
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
                **({"why": _why(q.why, text)} if explain else {}),
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
                **({"why": _why(r.why, text)} if explain else {}),
            }
            for r in result.releases
        ],
        "excerpts": excerpts,
    }
