"""Review files: headers, JSON Lines and every way a file can be bad."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.ingest.readers import (
    MAX_FILE_BYTES,
    Defaults,
    RejectedFile,
    read_file,
    read_text_review,
)

HEADER = """---
film: Nosferatu
year: 1922
outlet: The Lantern Review
critic: Mara Ellison
published: 2024-10-30
cast: [Max Schreck, Greta Schröder]
---
A shadow climbs the stair, and the film has never been bettered.
"""


def test_front_matter_fields_and_offsets_kept() -> None:
    review = read_text_review(HEADER, Defaults())
    assert review.film == "Nosferatu" and review.year == 1922
    assert review.outlet == "The Lantern Review" and review.critic == "Mara Ellison"
    assert review.published == dt.date(2024, 10, 30)
    assert review.cast == ("Max Schreck", "Greta Schröder")
    # The header is blanked, not cut, so spans index the file as it is on disk.
    assert len(review.text) == len(HEADER)
    start = HEADER.index("A shadow")
    assert review.text[start : start + 8] == "A shadow"


def test_flags_fill_headerless_files_and_header_wins() -> None:
    review = read_text_review("Plain text review.", Defaults(film="Her", year=2013))
    assert (review.film, review.year) == ("Her", 2013)
    review = read_text_review(HEADER, Defaults(film="Other", outlet="X"))
    assert review.film == "Nosferatu" and review.outlet == "The Lantern Review"


def test_no_film_is_rejected_with_what_to_do() -> None:
    with pytest.raises(RejectedFile, match="--film"):
        read_text_review("A review with no header.", Defaults())


@pytest.mark.parametrize(
    ("text", "reason", "line"),
    [
        ("---\nfilm: [unclosed\n---\nBody text.", "broken header", 3),
        ("---\nfilm: Her\nbody with no closing fence", "no closing", 1),
        ("---\nfilm: Her\ncritc: Typo\n---\nBody.", "unknown field `critc`", None),
        ("---\nfilm: Her\nyear: soon\n---\nBody.", "must be a year", None),
        ("---\nfilm: Her\npublished: 18/12/2013\n---\nBody.", "like 2013-12-18", None),
        ("---\nfilm: Her\n---\n   \n", "no text", None),
        ("---\n- a\n- b\n---\nBody.", "key: value", 2),
    ],
)
def test_bad_headers(text: str, reason: str, line: int | None) -> None:
    with pytest.raises(RejectedFile, match=reason) as info:
        read_text_review(text, Defaults())
    assert info.value.line == line


def test_jsonl_reviews_and_bad_line_number(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        '{"film": "Her", "year": 2013, "outlet": "X", "text": "Lovely."}\n\n'
        '{"film": "Her", "year": 2013, "text": "Lovely again."}\n'
    )
    reviews = read_file(good, Defaults())
    assert [r.line for r in reviews] == [1, 3]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"film": "Her", "text": "ok"}\n{"film": "Her", "text": oops}\n')
    with pytest.raises(RejectedFile, match="not valid JSON") as info:
        read_file(bad, Defaults())
    assert info.value.line == 2
    missing = tmp_path / "missing.jsonl"
    missing.write_text('{"film": "Her"}\n')
    with pytest.raises(RejectedFile, match="missing `text`"):
        read_file(missing, Defaults())


def test_binary_big_empty_and_latin1_files(tmp_path: Path) -> None:
    binary = tmp_path / "poster.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    with pytest.raises(RejectedFile, match="binary"):
        read_file(binary, Defaults(film="Her"))
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(RejectedFile, match="limit is 10 MB"):
        read_file(big, Defaults(film="Her"))
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    with pytest.raises(RejectedFile, match="empty"):
        read_file(empty, Defaults(film="Her"))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("line one\ncaf\xe9".encode("latin-1"))
    with pytest.raises(RejectedFile, match="UTF-8") as info:
        read_file(latin, Defaults(film="Her"))
    assert info.value.line == 2
