"""A review page to a ReviewInput: the main text by trafilatura (navigation, captions,
comments, newsletter boxes and related links left out), the facts from the page's markup,
the film from structured data or the headline. Command-line flags override the page."""

from __future__ import annotations

import datetime as dt
import re

import trafilatura
from lxml.html import HtmlElement
from yarl import URL

from bot.extract.film import title_from_headline
from bot.ingest.readers import MAX_REVIEW_CHARS, Defaults, RejectedFile, ReviewInput
from bot.ingest.structured import PageFacts, page_facts, parse_html
from bot.web.fetcher import Page

# Paragraph-sized leftovers a boilerplate filter can let through at the end of an article.
_TAIL_NOISE = re.compile(
    r"^(?:read more\b|related\b|more from\b|sign up\b|subscribe\b|share this\b|"
    r"follow us\b|advertisement$|comments?\b)",
    re.I,
)


def main_text(root: HtmlElement, url: str, headlines: tuple[str, ...]) -> str:
    """The article's own paragraphs, separated by blank lines, without its headline."""
    doc = trafilatura.bare_extraction(
        root,
        url=url,
        with_metadata=False,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,  # its cache spans documents: a page read twice would lose its text
    )
    raw = getattr(doc, "text", None) or ""
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    lines = [line for line in lines if line]
    heads = {" ".join(h.split()).casefold() for h in headlines}
    while lines and lines[0].casefold() in heads:
        lines.pop(0)
    while lines and _TAIL_NOISE.match(lines[-1]):
        lines.pop()
    return "\n\n".join(lines)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _absolute(link: str | None, base: str) -> str:
    if not link:
        return base
    try:
        url = URL(base).join(URL(link))
    except ValueError:
        return base
    return str(url) if url.scheme in ("http", "https") and url.host else base


def film_from_headlines(facts: PageFacts) -> tuple[str | None, int | None]:
    """The film named by the first headline that names one."""
    for headline in facts.headlines:
        title, year = title_from_headline(headline)
        if title:
            return title, year
    return None, None


def read_web_page(page: Page, flags: Defaults) -> ReviewInput:
    """One fetched page as a review (CPU bound: call it in a worker thread). The film may be
    left None here: the text's lead is tried next, then the review is rejected."""
    root = parse_html(page.text)
    if root is None:
        raise RejectedFile("the page is empty")
    facts = page_facts(root)
    meta = trafilatura.extract_metadata(page.text, default_url=page.url)
    text = main_text(root, page.url, facts.headlines) or (facts.body or "")
    if not text.strip():
        raise RejectedFile("no article text found on the page")
    if len(text) > MAX_REVIEW_CHARS:
        raise RejectedFile(f"the article is over {MAX_REVIEW_CHARS:,} characters")
    film, year = facts.film, facts.year
    if film is None:
        film, headline_year = film_from_headlines(facts)
        year = year or headline_year
    return ReviewInput(
        text=text,
        film=flags.film or film,
        year=flags.year if flags.year is not None else (year if flags.film is None else None),
        director=facts.director,
        cast=facts.cast,
        outlet=flags.outlet or facts.outlet or getattr(meta, "sitename", None),
        critic=flags.critic or facts.critic or getattr(meta, "author", None),
        url=flags.url or _absolute(facts.url, page.url),
        published=flags.published or facts.published or _date(getattr(meta, "date", None)),
        rating=facts.rating,
    )
