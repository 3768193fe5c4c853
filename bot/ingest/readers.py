"""Read review files into ReviewInputs: front-matter text/Markdown, or JSON Lines.

Every problem raises RejectedFile with a reason a person can act on (and the line number
where there is one); nothing here touches the database."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_REVIEW_CHARS = 1_000_000
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
REVIEW_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES

HEADER_KEYS = frozenset(
    {
        "film",
        "year",
        "director",
        "cast",
        "aliases",
        "outlet",
        "critic",
        "url",
        "published",
        "rating",
        "note",
    }
)
_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)


class RejectedFile(Exception):
    """A file that cannot be ingested; nothing from it is stored."""

    def __init__(self, reason: str, *, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


@dataclass(frozen=True, slots=True)
class ReviewInput:
    """One review as read from a file, before extraction."""

    text: str
    film: str | None = None
    year: int | None = None
    director: str | None = None
    cast: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    outlet: str | None = None
    critic: str | None = None
    url: str | None = None
    published: dt.date | None = None
    rating: str | None = None
    line: int | None = None
    """Where the review starts in its file (JSON Lines), for messages."""


@dataclass(frozen=True, slots=True)
class Defaults:
    """Metadata from command-line flags for files whose header does not give it."""

    film: str | None = None
    year: int | None = None
    outlet: str | None = None
    critic: str | None = None
    url: str | None = None
    published: dt.date | None = None


def decode_text(raw: bytes) -> str:
    """Bytes to text with normalised newlines; binary or non-UTF-8 input is rejected."""
    if b"\x00" in raw[:65536]:
        raise RejectedFile("this is a binary file, not text (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RejectedFile(
            f"not valid UTF-8 text (byte {exc.start}); save it as UTF-8", line=line
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _str(key: str, value: Any, line: int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    raise RejectedFile(f"`{key}` must be text, not {type(value).__name__}", line=line)


def _names(key: str, value: Any, line: int | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RejectedFile(f"`{key}` must be a list of names", line=line)
    return tuple(v.strip() for v in value if v.strip())


def _year(value: Any, line: int | None) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        raise RejectedFile(f"`year` must be a year like 2013, not “{value}”", line=line) from None
    if not 1870 <= year <= 2100:
        raise RejectedFile(f"`year` {year} is not a plausible film year", line=line)
    return year


def parse_date(value: Any, *, key: str = "published", line: int | None = None) -> dt.date | None:
    """A YYYY-MM-DD date (YAML may already have made it a date), or a clear rejection."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise RejectedFile(
            f"`{key}` must be a date like 2013-12-18, not “{value}”", line=line
        ) from None


def _from_mapping(
    meta: Mapping[str, Any],
    text: str,
    defaults: Defaults,
    line: int | None,
    *,
    require_film: bool = True,
) -> ReviewInput:
    unknown = sorted(set(meta) - HEADER_KEYS)
    if unknown:
        raise RejectedFile(
            f"unknown field {', '.join(f'`{k}`' for k in unknown)} "
            f"(known: {', '.join(sorted(HEADER_KEYS))})",
            line=line,
        )
    if not text.strip():
        raise RejectedFile("the review has no text", line=line)
    if len(text) > MAX_REVIEW_CHARS:
        raise RejectedFile(
            f"the review is {len(text):,} characters; the limit is {MAX_REVIEW_CHARS:,}",
            line=line,
        )
    review = ReviewInput(
        text=text,
        film=_str("film", meta.get("film"), line) or defaults.film,
        year=_year(meta.get("year"), line) if "year" in meta else defaults.year,
        director=_str("director", meta.get("director"), line),
        cast=_names("cast", meta.get("cast"), line),
        aliases=_names("aliases", meta.get("aliases"), line),
        outlet=_str("outlet", meta.get("outlet"), line) or defaults.outlet,
        critic=_str("critic", meta.get("critic"), line) or defaults.critic,
        url=_str("url", meta.get("url"), line) or defaults.url,
        published=parse_date(meta.get("published"), line=line) or defaults.published,
        rating=_str("rating", meta.get("rating"), line),
        line=line,
    )
    if require_film and not review.film:
        raise RejectedFile(
            "no film named: add a `film:` header line, or pass --film (and --year)", line=line
        )
    return review


def read_text_review(text: str, defaults: Defaults, *, require_film: bool = True) -> ReviewInput:
    """A plain-text or Markdown review with an optional `---` YAML front-matter header."""
    meta: dict[str, Any] = {}
    body = text
    m = _FENCE.match(text)
    if m:
        try:
            loaded = yaml.safe_load(m.group(1))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark is not None else None
            problem = getattr(exc, "problem", None) or "it is not valid YAML"
            raise RejectedFile(f"broken header: {problem}", line=line) from None
        if loaded is not None and not isinstance(loaded, dict):
            raise RejectedFile("broken header: expected `key: value` lines", line=2)
        meta = {str(k).lower(): v for k, v in (loaded or {}).items()}
        # Keep offsets meaningful: blank out the header rather than cutting it off.
        body = re.sub(r"[^\n]", " ", text[: m.end()]) + text[m.end() :]
    elif text.startswith("---\n"):
        raise RejectedFile("broken header: the opening `---` has no closing `---` line", line=1)
    return _from_mapping(meta, body, defaults, None, require_film=require_film)


def read_jsonl(text: str, defaults: Defaults) -> list[ReviewInput]:
    """One review per line: a JSON object with the header fields plus `text`."""
    reviews: list[ReviewInput] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RejectedFile(f"not valid JSON: {exc.msg}", line=number) from None
        if not isinstance(obj, dict):
            raise RejectedFile("each line must be a JSON object", line=number)
        body = obj.pop("text", None)
        if not isinstance(body, str):
            raise RejectedFile("missing `text` (the review itself)", line=number)
        reviews.append(
            _from_mapping(
                {str(k).lower(): v for k, v in obj.items()}, body, defaults, number
            )
        )
    if not reviews:
        raise RejectedFile("the file holds no reviews")
    return reviews


def read_file(path: Path, defaults: Defaults, *, require_film: bool = True) -> list[ReviewInput]:
    """Read one review file (blocking: call it from a worker thread)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RejectedFile(
            f"the file is {size / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB per file (split it, or use JSON Lines)"
        )
    if size == 0:
        raise RejectedFile("the file is empty")
    text = decode_text(path.read_bytes())
    if path.suffix.lower() in JSONL_SUFFIXES:
        return read_jsonl(text, defaults)  # JSON Lines reviews always name their film
    return [read_text_review(text, defaults, require_film=require_film)]

