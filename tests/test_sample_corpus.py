"""The bundled sample corpus (bot/sample) stays well-formed, original and clearly marked."""

from __future__ import annotations

import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import pytest
import yaml

from bot.ingest.readers import HEADER_KEYS

REQUIRED_KEYS = {"film", "year", "outlet", "critic", "url", "published", "note"}

# The sample reviews must only cite invented publications.
REAL_OUTLETS = {
    "variety",
    "the new york times",
    "new york times",
    "the guardian",
    "los angeles times",
    "la times",
    "the verge",
    "the hollywood reporter",
    "rolling stone",
    "the new yorker",
    "empire",
    "sight and sound",
    "sight & sound",
    "time",
    "the atlantic",
    "the washington post",
    "chicago sun-times",
    "indiewire",
    "vulture",
    "the a.v. club",
    "slant magazine",
    "roger ebert",
    "rogerebert.com",
    "total film",
    "the telegraph",
    "the independent",
    "the village voice",
    "entertainment weekly",
    "cahiers du cinéma",
}

FRONT_MATTER = re.compile(r"\A---\r?\n(?P<header>.*?)\r?\n---\r?\n(?P<body>.*)\Z", re.DOTALL)
DOUBLE_QUOTED = re.compile(r"\"[^\"\n]{3,}\"|“[^”\n]{3,}”")
YEAR = re.compile(r"\b(18|19|20)\d{2}\b")


def _sample_files() -> list[Traversable]:
    root = files("bot.sample")
    return sorted(
        (f for f in root.iterdir() if f.name.endswith(".md") and f.name != "README.md"),
        key=lambda f: f.name,
    )


def _parse(entry: Traversable) -> tuple[dict[str, Any], str]:
    text = entry.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    assert match, f"{entry.name}: no front matter between '---' lines"
    header = yaml.safe_load(match.group("header"))
    assert isinstance(header, dict), f"{entry.name}: front matter is not a mapping"
    return header, match.group("body")


SAMPLES = _sample_files()


def test_corpus_size_and_readme() -> None:
    assert 12 <= len(SAMPLES) <= 16, [f.name for f in SAMPLES]
    readme = files("bot.sample").joinpath("README.md")
    assert readme.is_file()
    assert "not a real review" in readme.read_text(encoding="utf-8").lower()


def test_at_least_eight_distinct_films() -> None:
    headers = [_parse(f)[0] for f in SAMPLES]
    films = {(h["film"], h["year"]) for h in headers}
    assert len(films) >= 8, films


def test_urls_are_unique() -> None:
    urls = [_parse(f)[0]["url"] for f in SAMPLES]
    assert len(urls) == len(set(urls))


@pytest.mark.parametrize("entry", SAMPLES, ids=lambda f: f.name)
def test_header(entry: Traversable) -> None:
    header, _ = _parse(entry)
    keys = set(header)
    assert keys <= HEADER_KEYS, f"unknown keys: {sorted(keys - HEADER_KEYS)}"
    assert keys >= REQUIRED_KEYS, f"missing keys: {sorted(REQUIRED_KEYS - keys)}"
    assert isinstance(header["film"], str) and header["film"].strip()
    assert isinstance(header["year"], int) and 1880 <= header["year"] <= 2100
    assert isinstance(header["cast"], list) and all(isinstance(c, str) for c in header["cast"])
    assert str(header["url"]).startswith("https://example.org/sample/")
    note = str(header["note"]).lower()
    assert "sample data" in note and "not a real review" in note
    for key in ("outlet", "critic"):
        value = header[key]
        assert isinstance(value, str) and value.strip()
    assert header["outlet"].strip().lower() not in REAL_OUTLETS, header["outlet"]


@pytest.mark.parametrize("entry", SAMPLES, ids=lambda f: f.name)
def test_body(entry: Traversable) -> None:
    _, body = _parse(entry)
    assert body.strip(), "empty body"
    words = len(body.split())
    assert 200 <= words <= 650, f"{words} words"
    assert not re.search(r"^#", body, re.MULTILINE), "no headings in the body"
    assert DOUBLE_QUOTED.search(body), "no double-quoted span"
    assert YEAR.search(body), "no four-digit year in the body"
    # Quotes inside the text are attributed to fictional outlets only.
    lowered = body.lower()
    for real in ("variety", "new york times", "the guardian", "rolling stone", "the new yorker"):
        assert real not in lowered, f"mentions a real outlet: {real}"
