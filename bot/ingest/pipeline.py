"""Ingest: find review files, read and extract each in a worker thread, store per file.

Each file is one transaction (all of its reviews or none); a bad file is reported and
the batch goes on."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.extract import Context, Extraction, extract
from bot.extract.outlets import canonical_outlet
from bot.ingest.film_hint import first_release_year, title_from_name
from bot.ingest.readers import (
    Defaults,
    RejectedFile,
    ReviewInput,
    clean_review,
    date_exists,
    read_file,
)
from bot.text import clean_line, inert
from storage.protocol import Store
from storage.records import AddOutcome, NewFilm, NewRelease, NewReview, NewSnippet

log = logging.getLogger(__name__)

EXCERPT_MIN_SCORE = 0.35
"""Excerpts scoring below this are not stored: they would never be worth posting."""


@dataclass(slots=True)
class IngestReport:
    """Totals for a batch, and every rejected file with its reason."""

    files: int = 0
    films_added: int = 0
    reviews_added: int = 0
    duplicates: int = 0
    snippets_added: int = 0
    releases_added: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def count(self, outcomes: Iterable[AddOutcome]) -> None:
        """Add what storing one item changed."""
        for o in outcomes:
            self.films_added += o.film_added
            self.reviews_added += o.review_added
            self.duplicates += not o.review_added
            self.snippets_added += o.snippets_added
            self.releases_added += o.releases_added


def _outlet_key(outlet: str | None) -> str | None:
    return canonical_outlet(outlet) if outlet else None


def content_hash(text: str) -> str:
    """Identity of a review's text, insensitive to whitespace differences."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


NO_FILM = "no film named and none recognised in the text: pass --film (and --year)"


def film_for(review: ReviewInput, result: Extraction, *, name: str | None = None) -> NewFilm:
    """The film a review is about: its header, flags or page data first, then what the text
    says (a lead, a headline), then its file `name` if the text agrees; the year also from
    the first release the text dates. RejectedFile when the film cannot be told."""
    title = review.film or result.film.title
    year = review.year if review.year is not None else result.film.year
    if title is None and name:
        title, name_year = title_from_name(name, review.text)
        year = year if year is not None else name_year
    title = clean_line(title) if title else None  # from the text or a file name: one line
    if not title:
        raise RejectedFile(NO_FILM, line=review.line)
    if year is None:
        year = first_release_year(result.releases)
    return NewFilm(
        title=title,
        year=year,
        director=review.director or result.film.director,
        cast=review.cast or result.film.cast,
        aliases=review.aliases,
    )


def to_new_review(
    review: ReviewInput, result: Extraction, source: str, film: NewFilm | None = None
) -> NewReview:
    """Map a read review and its extraction onto what the store keeps."""
    snippets: list[NewSnippet] = []
    for q in result.quotes:
        if q.kind == "critic":
            snippets.append(
                NewSnippet(
                    "critic_quote",
                    q.text,
                    q.start,
                    q.end,
                    q.critic,
                    q.outlet,
                    1.0,
                    outlet_key=_outlet_key(q.outlet),
                )
            )
        elif q.kind == "dialogue":
            snippets.append(NewSnippet("dialogue", q.text, q.start, q.end, score=0.5))
    for e in result.excerpts:
        if e.score >= EXCERPT_MIN_SCORE:
            snippets.append(
                NewSnippet(
                    "excerpt",
                    e.text,
                    e.start,
                    e.end,
                    review.critic,
                    review.outlet,
                    e.score,
                    e.spoiler,
                    outlet_key=_outlet_key(review.outlet),
                )
            )
    releases = tuple(
        NewRelease(r.region, r.year, r.month, r.day, r.event, r.start, r.end)
        for r in result.releases
        if date_exists(r.year, r.month, r.day)  # extraction must not store 31 February
    )
    if film is None:
        film = film_for(review, result)
    return NewReview(
        film=film,
        text=review.text,
        content_hash=content_hash(review.text),
        outlet=review.outlet,
        critic=review.critic,
        url=review.url,
        published=review.published,
        rating=review.rating,
        source=source,
        snippets=tuple(snippets),
        releases=releases,
    )


def prepare_review(review: ReviewInput, source: str, *, name: str | None = None) -> NewReview:
    """Extract one read review and decide its film (CPU bound: call it in a worker thread);
    `name` is its file's stem, a last hint for the film. Every source passes here, so this
    is where what is stored is made inert (files were cleaned when read; pages were not)."""
    review = clean_review(review)
    ctx = Context(
        film=review.film,
        year=review.year,
        published=review.published,
        outlet=review.outlet,
        critic=review.critic,
    )
    result = extract(review.text, ctx)
    return to_new_review(review, result, inert(source), film_for(review, result, name=name))


def prepare_file(path: Path, defaults: Defaults) -> list[NewReview]:
    """Read and extract one file (CPU and disk bound: runs in a worker thread)."""
    name = path.name
    return [
        prepare_review(review, f"{name}:{review.line}" if review.line else name, name=path.stem)
        for review in read_file(path, defaults, require_film=False)
    ]


async def ingest_files(
    files: Sequence[Path],
    store: Store,
    defaults: Defaults,
    *,
    on_file: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest `files` one transaction each; rejected files are listed in the report."""
    report = IngestReport()
    for path in files:
        report.files += 1
        try:
            reviews = await asyncio.to_thread(prepare_file, path, defaults)
            outcomes = await store.add_reviews(reviews)
        except RejectedFile as exc:
            report.rejected.append((str(path), str(exc)))
        except OSError as exc:
            report.rejected.append((str(path), f"cannot read it: {exc.strerror or exc}"))
        except Exception as exc:  # a bug or a store failure must not stop the batch
            log.exception("ingest of %s failed", path)
            report.rejected.append((str(path), f"could not store it ({type(exc).__name__})"))
        else:
            report.count(outcomes)
        if on_file is not None:
            on_file(path)
    return report
