"""What a page says about itself in markup: schema.org Review in JSON-LD or microdata,
OpenGraph and <meta> tags, the canonical link. Parsed with lxml (already a dependency of
trafilatura); extruct would add rdflib and three more parsers for formats we do not read."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import html as lxml_html
from lxml.etree import ParserError
from lxml.html import HtmlElement

_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
REVIEW_TYPES = frozenset({"Review", "CriticReview", "UserReview"})
FILM_TYPES = frozenset({"Movie", "Film", "CreativeWork", "TVSeries", "TVEpisode"})


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What the markup says: the review's film, critic, outlet, date, link and rating."""

    film: str | None = None
    year: int | None = None
    director: str | None = None
    cast: tuple[str, ...] = ()
    critic: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    url: str | None = None
    rating: str | None = None
    headlines: tuple[str, ...] = ()
    """Review headline, og:title, <h1> and <title>, best first: where a film may be named."""
    body: str | None = None
    """The review text when the markup carries it (reviewBody)."""


def parse_html(text: str) -> HtmlElement | None:
    """An lxml tree of the page, or None when there is nothing to parse."""
    try:
        return lxml_html.document_fromstring(text)
    except (ParserError, ValueError):
        return None


def _types(item: dict[str, Any]) -> set[str]:
    raw = item.get("@type") or item.get("type") or ()
    names = [raw] if isinstance(raw, str) else [t for t in raw if isinstance(t, str)]
    return {n.rsplit("/", 1)[-1].rsplit("#", 1)[-1] for n in names}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document: top level, lists, @graph and nested values."""
    if isinstance(node, list):
        for x in node:
            yield from _walk(x)
    elif isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key != "@context" and isinstance(value, dict | list):
                yield from _walk(value)


def json_ld(root: HtmlElement) -> list[dict[str, Any]]:
    """All JSON-LD objects on the page; broken blocks are skipped."""
    items: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?:-->|//\s*\]\]>)\s*$", "", raw)
        try:
            items.extend(_walk(json.loads(raw)))
        except (json.JSONDecodeError, RecursionError):
            continue
    return items


def _prop_value(el: HtmlElement) -> Any:
    if el.get("itemscope") is not None:
        return microdata_item(el)
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "meta":
        return el.get("content")
    if tag in ("a", "link", "area"):
        return el.get("href")
    if tag in ("img", "audio", "video", "source", "iframe", "embed"):
        return el.get("src")
    if tag == "time":
        return el.get("datetime") or el.text_content().strip()
    if tag in ("data", "meter"):
        return el.get("value")
    return " ".join(el.text_content().split())


def _props(el: HtmlElement, out: dict[str, Any]) -> None:
    for child in el:
        if not isinstance(child.tag, str):
            continue
        names = (child.get("itemprop") or "").split()
        for name in names:
            out.setdefault(name, []).append(_prop_value(child))
        if child.get("itemscope") is None:
            _props(child, out)


def microdata_item(el: HtmlElement) -> dict[str, Any]:
    """One microdata item as a JSON-LD-like dict (single values unwrapped)."""
    props: dict[str, Any] = {}
    _props(el, props)
    item: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in props.items()}
    item["@type"] = (el.get("itemtype") or "").split()
    return item


def microdata(root: HtmlElement) -> list[dict[str, Any]]:
    """All top-level microdata items and the items nested in them."""
    tops = [
        microdata_item(el)
        for el in root.iter()
        if isinstance(el.tag, str) and el.get("itemscope") is not None and not el.get("itemprop")
    ]
    return list(_walk(tops))


def _name(value: Any, ids: dict[str, dict[str, Any]]) -> str | None:
    """A person's or organisation's name from a string, an object, an @id or a list."""
    if isinstance(value, list):
        names = [n for v in value if (n := _name(v, ids))]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = ids.get(value["@id"], value)
        name = value.get("name")
        return _name(name, ids) if name is not None else None
    if isinstance(value, str):
        text = " ".join(value.split())
        return text if text and not text.startswith(("http://", "https://")) else None
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, str):
        return None
    m = _DATE.search(value)
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        return None


def _year(value: Any) -> int | None:
    if isinstance(value, list) and value:
        value = value[0]
    m = _YEAR.search(value) if isinstance(value, str) else None
    if m is None and isinstance(value, int) and 1880 <= value <= 2100:
        return value
    return int(m.group(1)) if m else None


def _rating(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    got, best = value.get("ratingValue"), value.get("bestRating")
    if got is None:
        return None
    return f"{got}/{best}" if best is not None else str(got)


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _meta(root: HtmlElement) -> dict[str, str]:
    out: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content:
            out.setdefault(key, content)
    return out


def _canonical(root: HtmlElement) -> str | None:
    for el in root.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            return str(el.get("href")).strip()
    return None


def _first_text(root: HtmlElement, tag: str) -> str | None:
    for el in root.iter(tag):
        text = " ".join(el.text_content().split())
        if text:
            return text
    return None


def page_facts(root: HtmlElement) -> PageFacts:
    """Everything the page's markup says about the review, best source first: a schema.org
    Review (JSON-LD, then microdata), then OpenGraph and <meta> tags."""
    items = json_ld(root) + microdata(root)
    ids = {i["@id"]: i for i in items if isinstance(i.get("@id"), str)}
    review = next((i for i in items if _types(i) & REVIEW_TYPES), {})
    film_item = review.get("itemReviewed")
    if isinstance(film_item, list):
        film_item = film_item[0] if film_item else None
    if isinstance(film_item, dict) and "name" not in film_item:
        film_item = ids.get(str(film_item.get("@id")), film_item)
    if not isinstance(film_item, dict):
        film_item = next((i for i in items if _types(i) & {"Movie", "Film"}), {})
    site = next((i for i in items if _types(i) & {"WebSite"}), {})
    meta = _meta(root)
    actors = film_item.get("actor") or film_item.get("actors") or []
    cast = tuple(
        n for a in (actors if isinstance(actors, list) else [actors]) if (n := _name(a, ids))
    )
    headlines = [
        _text(review.get("headline")),
        meta.get("og:title"),
        meta.get("twitter:title"),
        _first_text(root, "h1"),
        _first_text(root, "title"),
    ]
    released = film_item.get("releasedEvent")
    year = _year(film_item.get("dateCreated") or film_item.get("datePublished"))
    if year is None and isinstance(released, dict):
        year = _year(released.get("startDate"))
    return PageFacts(
        film=_text(film_item.get("name")),
        year=year,
        director=_name(film_item.get("director"), ids),
        cast=cast,
        critic=_name(review.get("author"), ids)
        or _name(meta.get("author"), ids)
        or _name(meta.get("article:author"), ids),
        outlet=_name(review.get("publisher"), ids)
        or meta.get("og:site_name")
        or _name(site.get("name"), ids),
        published=_date(review.get("datePublished"))
        or _date(meta.get("article:published_time"))
        or _date(meta.get("date")),
        url=_canonical(root) or meta.get("og:url") or _text(review.get("url")),
        rating=_rating(review.get("reviewRating")),
        headlines=tuple(dict.fromkeys(h for h in headlines if h)),
        body=_text(review.get("reviewBody")),
    )
