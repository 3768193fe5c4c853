"""Read review files into ReviewInputs: front-matter text/Markdown, or JSON Lines.

Every problem raises RejectedFile with a reason a person can act on (and the line number
where there is one); nothing here touches the database. Files are untrusted: whatever is
read is cleaned once here (`bot.text.clean_text`), so nothing stored can act on a terminal."""

from __future__ import annotations

import calendar
import codecs
import dataclasses
import datetime as dt
import difflib
import io
import json
import math
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.ingest.header import load_header
from bot.text import clean_line, clean_text, inert, shorten

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_REVIEW_CHARS = 1_000_000
MAX_HEADER_CHARS = 16 * 1024
"""A header is a dozen short lines; the cap keeps YAML parsing well under a second."""
MAX_NAME_CHARS = 300
"""Titles, names, outlets, ratings: longer is a broken header, and no card could show it."""
MAX_URL_CHARS = 2000
MAX_NAMES = 100
"""Entries in `cast` or `aliases`."""
YEAR_MIN, YEAR_MAX = 1870, 2100
"""Plausible years, for a film and for a review's publication date alike."""

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
_SUGGESTIONS = 4
_FENCE = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*(?:\n|\Z)", re.S | re.M)
_OPENING_FENCE = re.compile(r"\A---[ \t]*\n")
_YEAR = re.compile(r"[0-9]{1,6}")
_DATE = re.compile(  # a time after the date, as YAML timestamps allow, is accepted and unused
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:[Tt ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r" *(?:Z|[+-][0-9]{1,2}(?::?[0-9]{2})?)?)?"
)
_URL = re.compile(r"https?://[^\s/]+\S*", re.I)
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


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


def _clean_name(value: str | None) -> str | None:
    return clean_line(value) or None if value is not None else None


def clean_review(review: ReviewInput) -> ReviewInput:
    """`review` with nothing that could act on a terminal (`bot.text.clean_text`); names
    on one line. Cheap when already clean, as everything read from a file is."""
    return dataclasses.replace(
        review,
        text=clean_text(review.text),
        film=_clean_name(review.film),
        director=_clean_name(review.director),
        cast=tuple(n for n in map(clean_line, review.cast) if n),
        aliases=tuple(n for n in map(clean_line, review.aliases) if n),
        outlet=_clean_name(review.outlet),
        critic=_clean_name(review.critic),
        url=_clean_name(review.url),
        rating=_clean_name(review.rating),
    )


@dataclass(frozen=True, slots=True)
class Defaults:
    """Metadata from command-line flags for files whose header does not give it."""

    film: str | None = None
    year: int | None = None
    outlet: str | None = None
    critic: str | None = None
    url: str | None = None
    published: dt.date | None = None

    @classmethod
    def from_flags(
        cls,
        *,
        film: str | None = None,
        year: str | None = None,
        outlet: str | None = None,
        critic: str | None = None,
        url: str | None = None,
        published: str | None = None,
    ) -> Defaults:
        """Defaults from command-line text, held to the same rules as a header's fields
        (raises RejectedFile naming the flag)."""
        return cls(
            film=_name("--film", film, None),
            year=parse_year(year, key="--year"),
            outlet=_name("--outlet", outlet, None),
            critic=_name("--critic", critic, None),
            url=_url("--url", url, None),
            published=parse_date(published, key="--published"),
        )


# -- bytes to text ---------------------------------------------------------------------------


def _kind_of_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def read_bytes(path: Path) -> bytes:
    """A regular file's bytes, read once through one descriptor: anything else (a FIFO, a
    device) is refused without opening or blocking, and a file that grows while it is read
    stops at the size limit instead of filling memory."""
    mode = os.stat(path).st_mode
    if not stat.S_ISREG(mode):
        raise RejectedFile(f"{_kind_of_file(mode)}, not a file; only files can be ingested")
    # O_NONBLOCK: if a FIFO replaced the file since the check, opening it must not wait.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with open(fd, "rb", closefd=True) as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise RejectedFile(f"{_kind_of_file(st.st_mode)}, not a file")
        if st.st_size > MAX_FILE_BYTES:
            raise _too_big(st.st_size)
        raw = fh.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise RejectedFile("the file grew past the size limit while it was read; try again")
    return raw


def _too_big(size: int) -> RejectedFile:
    return RejectedFile(
        f"the file is {size / 1024 / 1024:.1f} MB; the limit is "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB per file (split it, or use JSON Lines)"
    )


def decode_text(raw: bytes) -> str:
    """Bytes to text with normalised newlines: UTF-8, or UTF-16/32 with a byte-order mark.
    Binary input (a NUL character anywhere) or undecodable bytes are rejected."""
    encoding, start = "utf-8", 0
    for bom, name in _BOMS:
        if raw.startswith(bom):
            encoding, start = name, len(bom)
            break
    if encoding == "utf-8" and b"\x00" in raw:
        raise RejectedFile("this is a binary file, not text (it contains NUL bytes)")
    label = encoding.upper().removesuffix("-LE").removesuffix("-BE")
    try:
        text = str(memoryview(raw)[start:], encoding)
    except UnicodeDecodeError as exc:
        where = start + exc.start
        before = raw[start:where].decode(encoding, errors="replace")
        raise RejectedFile(
            f"not valid {label} text (byte {where}); save it as UTF-8",
            line=before.count("\n") + 1,
        ) from None
    if encoding != "utf-8" and "\x00" in text:
        raise RejectedFile("this is a binary file, not text (it contains NUL characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# -- fields ------------------------------------------------------------------------------


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__


def _shown(text: str, limit: int = 40) -> str:
    """A value quoted in a message: short, and inert in a terminal."""
    return inert(shorten(text, limit))


def _check_unicode(key: str, text: str, line: int | None) -> None:
    try:
        text.encode("utf-8")  # fails only on lone surrogates; far faster than a regex scan
    except UnicodeEncodeError as exc:
        char = text[exc.start]
    else:
        return
    if 0xDC80 <= ord(char) <= 0xDCFF:  # how Python carries undecodable bytes
        what = "a byte that is not UTF-8"
    else:
        what = "half of a UTF-16 surrogate pair, which is not a character (fix that escape)"
    raise RejectedFile(f"`{key}` is not valid text: it holds {inert(char)}, {what}", line=line)


def _text(key: str, value: Any, line: int | None, limit: int) -> str | None:
    if value is None:
        return None
    is_number = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    if is_number and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RejectedFile(f"`{key}` must be text, not {_kind(value)}", line=line)
    _check_unicode(key, value, line)
    text = clean_line(value)
    if len(text) > limit:
        raise RejectedFile(
            f"`{key}` is {len(text):,} characters long; the limit is {limit:,}", line=line
        )
    return text or None


def _name(key: str, value: Any, line: int | None) -> str | None:
    return _text(key, value, line, MAX_NAME_CHARS)


def _url(key: str, value: Any, line: int | None) -> str | None:
    url = _text(key, value, line, MAX_URL_CHARS)
    if url is not None and not _URL.fullmatch(url):
        raise RejectedFile(
            f"`{key}` must be a web address starting with https://, not “{_shown(url)}”",
            line=line,
        )
    return url


def _names(key: str, value: Any, line: int | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RejectedFile(f"`{key}` must be a list of names", line=line)
    if len(value) > MAX_NAMES:
        raise RejectedFile(
            f"`{key}` has {len(value):,} names; the limit is {MAX_NAMES}", line=line
        )
    names = (_name(key, v, line) for v in value)
    return tuple(n for n in names if n)


def parse_year(value: Any, *, key: str = "year", line: int | None = None) -> int | None:
    """A film year between YEAR_MIN and YEAR_MAX, or a clear rejection (headers and flags)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RejectedFile(f"`{key}` must be a year like 2013, not {_kind(value)}", line=line)
    year: int
    if isinstance(value, str):
        text = value.strip()
        if not _YEAR.fullmatch(text):
            raise RejectedFile(
                f"`{key}` must be a year like 2013, not “{_shown(text)}”", line=line
            )
        year = int(text)
    else:
        year = value
    if not YEAR_MIN <= year <= YEAR_MAX:
        shown = str(year) if abs(year) < 10**9 else "that number"
        raise RejectedFile(
            f"`{key}` {shown} is not a plausible film year ({YEAR_MIN} to {YEAR_MAX})",
            line=line,
        )
    return year


def parse_date(value: Any, *, key: str = "published", line: int | None = None) -> dt.date | None:
    """A YYYY-MM-DD date that exists, in a plausible year, or a clear rejection."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        date = value
    elif isinstance(value, str):
        text = value.strip()
        m = _DATE.fullmatch(text)
        if not m:
            raise RejectedFile(
                f"`{key}` must be a date like 2013-12-18, not “{_shown(text)}”", line=line
            )
        try:
            date = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise RejectedFile(
                f"`{key}` {text} is not a date that exists (check the month and day)", line=line
            ) from None
    else:
        raise RejectedFile(
            f"`{key}` must be a date like 2013-12-18, not {_kind(value)}", line=line
        )
    if not YEAR_MIN <= date.year <= YEAR_MAX:
        raise RejectedFile(
            f"`{key}` {date.isoformat()} is not a plausible date ({YEAR_MIN} to {YEAR_MAX})",
            line=line,
        )
    return date


def date_exists(year: int | None, month: int | None, day: int | None) -> bool:
    """Whether a date, perhaps partial, can exist: never 31 February or month 13; 29
    February only in a leap year, or when the year is unknown."""
    if month is None:
        return day is None
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    leap = year is None or calendar.isleap(year)
    last = 29 if month == 2 and leap else _DAYS_IN_MONTH[month - 1]
    return 1 <= day <= last


def _check_keys(meta: Mapping[Any, Any], line: int | None) -> None:
    if not all(isinstance(k, str) for k in meta):
        raise RejectedFile("field names must be words like `film`", line=line)
    unknown = [k for k in meta if k not in HEADER_KEYS]
    if not unknown:
        return
    named = ", ".join(f"`{_shown(k)}`" for k in unknown[:3])
    if len(unknown) > 3:
        named += f" and {len(unknown) - 3:,} more"
    close = difflib.get_close_matches(
        unknown[0][:40], sorted(HEADER_KEYS), n=_SUGGESTIONS, cutoff=0
    )
    raise RejectedFile(
        f"unknown field{'s' if len(unknown) > 1 else ''} {named} "
        f"(closest known: {', '.join(f'`{k}`' for k in close)})",
        line=line,
    )


def _from_mapping(
    meta: Mapping[str, Any],
    text: str,
    defaults: Defaults,
    line: int | None,
    *,
    require_film: bool = True,
) -> ReviewInput:
    """A review from its fields and its already cleaned text."""
    _check_keys(meta, line)
    if not text.strip():
        raise RejectedFile("the review has no text", line=line)
    if len(text) > MAX_REVIEW_CHARS:
        raise RejectedFile(
            f"the review is {len(text):,} characters; the limit is {MAX_REVIEW_CHARS:,}",
            line=line,
        )
    review = ReviewInput(
        text=text,
        film=_name("film", meta.get("film"), line) or defaults.film,
        year=parse_year(meta.get("year"), line=line) if "year" in meta else defaults.year,
        director=_name("director", meta.get("director"), line),
        cast=_names("cast", meta.get("cast"), line),
        aliases=_names("aliases", meta.get("aliases"), line),
        outlet=_name("outlet", meta.get("outlet"), line) or defaults.outlet,
        critic=_name("critic", meta.get("critic"), line) or defaults.critic,
        url=_url("url", meta.get("url"), line) or defaults.url,
        published=parse_date(meta.get("published"), line=line) or defaults.published,
        rating=_name("rating", meta.get("rating"), line),
        line=line,
    )
    if require_film and not review.film:
        raise RejectedFile(
            "no film named: add a `film:` header line, or pass --film (and --year)", line=line
        )
    return review


# -- file formats ------------------------------------------------------------------------


def read_text_review(text: str, defaults: Defaults, *, require_film: bool = True) -> ReviewInput:
    """A plain-text or Markdown review with an optional `---` YAML front-matter header."""
    text = clean_text(text)
    meta: dict[str, Any] = {}
    body = text
    m = _FENCE.match(text)
    if m:
        if len(m.group(1)) > MAX_HEADER_CHARS:
            raise RejectedFile(
                f"the header is {len(m.group(1)):,} characters; the limit is "
                f"{MAX_HEADER_CHARS:,} (is the closing `---` line in the right place?)",
                line=1,
            )
        meta = _header(m.group(1))
        # Keep offsets meaningful: blank out the header rather than cutting it off.
        body = re.sub(r"[^\n]", " ", text[: m.end()]) + text[m.end() :]
    elif _OPENING_FENCE.match(text):
        raise RejectedFile("broken header: the opening `---` has no closing `---` line", line=1)
    return _from_mapping(meta, body, defaults, None, require_film=require_film)


def _header(source: str) -> dict[str, Any]:
    try:
        loaded = load_header(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        if isinstance(exc, yaml.reader.ReaderError):
            problem = f"it holds U+{exc.character:04X}, which YAML does not allow; remove it"
        else:
            problem = getattr(exc, "problem", None) or "it is not valid YAML"
        raise RejectedFile(f"broken header: {problem}", line=line) from None
    if loaded is not None and not isinstance(loaded, dict):
        raise RejectedFile("broken header: expected `key: value` lines", line=2)
    return {k.lower() if isinstance(k, str) else k: v for k, v in (loaded or {}).items()}


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        folded = key.lower()
        if folded in obj:
            raise _DuplicateKey(f"`{_shown(key)}` is given twice")
        obj[folded] = value
    return obj


_JSON = json.JSONDecoder(object_pairs_hook=_unique_keys)


def _json_line(raw: str, number: int) -> dict[str, Any]:
    try:
        obj = _JSON.decode(raw)
    except json.JSONDecodeError as exc:
        raise RejectedFile(f"not valid JSON: {exc.msg} (column {exc.colno})", line=number) from None
    except _DuplicateKey as exc:
        raise RejectedFile(str(exc), line=number) from None
    except RecursionError:
        raise RejectedFile("the JSON is nested far too deeply for a review", line=number) from None
    except ValueError:  # Python's limit on digits in a number
        raise RejectedFile("a number with thousands of digits in it", line=number) from None
    if not isinstance(obj, dict):
        raise RejectedFile("each line must be a JSON object", line=number)
    return obj


def read_jsonl(text: str, defaults: Defaults) -> list[ReviewInput]:
    """One review per line: a JSON object with the header fields plus `text`."""
    reviews: list[ReviewInput] = []
    for number, raw in enumerate(io.StringIO(text, newline="\n"), start=1):
        raw = raw.lstrip("\ufeff")  # files joined with `cat` keep each one's byte-order mark
        if raw.isspace() or not raw:
            continue
        obj = _json_line(raw, number)
        body = obj.pop("text", None)
        if not isinstance(body, str):
            raise RejectedFile("missing `text` (the review itself)", line=number)
        _check_unicode("text", body, number)
        reviews.append(_from_mapping(obj, clean_text(body), defaults, number))
    if not reviews:
        raise RejectedFile("the file holds no reviews")
    return reviews


def read_file(path: Path, defaults: Defaults, *, require_film: bool = True) -> list[ReviewInput]:
    """Read one review file (blocking: call it from a worker thread)."""
    raw = read_bytes(path)
    if not raw:
        raise RejectedFile("the file is empty")
    text = decode_text(raw)
    if path.suffix.lower() in JSONL_SUFFIXES:
        return read_jsonl(text, defaults)  # JSON Lines reviews always name their film
    return [read_text_review(text, defaults, require_film=require_film)]
