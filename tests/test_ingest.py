"""Ingest end to end into a real store: all-or-nothing per file, the batch goes on."""

from __future__ import annotations

from pathlib import Path

from bot.ingest.files import find_files
from bot.ingest.pipeline import ingest_files
from bot.ingest.readers import MAX_FILE_BYTES, Defaults
from bot.ingest.sample import load_sample_if_empty
from storage.sqlite import SQLiteStore

GOOD = """---
film: The General
year: 1926
outlet: Reel Weekly
critic: Ada Brook
published: 2024-05-01
---
The General is a masterpiece of comic timing, a locomotive chase that never loses its nerve.
Ada Brook of Reel Weekly called it "the finest chase ever put on film."
It opened in American theatres on February 5, 1927.
"""


async def _snapshot(store: SQLiteStore) -> tuple[int, int, int, int]:
    c = await store.counts()
    return (c.films, c.reviews, c.snippets, c.releases)


async def test_good_bad_and_duplicate_files(tmp_path: Path, store: SQLiteStore) -> None:
    folder = tmp_path / "reviews"
    folder.mkdir()
    (folder / "a-good.md").write_text(GOOD)
    (folder / "b-broken.md").write_text("---\nfilm: [oops\n---\nText.")
    (folder / "c-binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (folder / "d-copy.md").write_text(GOOD.replace("\n", "\n\n", 1))  # same words, new spacing
    (folder / "poster.jpg").write_bytes(b"\xff\xd8")
    found = find_files([folder])
    files = found.files
    assert [f.name for f in files] == ["a-good.md", "b-broken.md", "c-binary.txt", "d-copy.md"]
    assert found.skipped == [(str(folder / "poster.jpg"), "not a review file")]

    report = await ingest_files(files, store, Defaults())
    assert report.files == 4
    assert report.reviews_added == 1 and report.duplicates == 1 and report.films_added == 1
    assert report.snippets_added >= 1
    rejected = dict(report.rejected)
    assert "broken header" in rejected[str(folder / "b-broken.md")]
    assert rejected[str(folder / "b-broken.md")].startswith("line 3: ")
    assert "binary" in rejected[str(folder / "c-binary.txt")]
    assert await _snapshot(store) == (1, 1, report.snippets_added, report.releases_added)


async def test_jsonl_file_is_all_or_nothing(tmp_path: Path, store: SQLiteStore) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        '{"film": "Her", "year": 2013, "text": "A tender, haunting film about love."}\n'
        '{"film": "Her", "year": "soon", "text": "Second review."}\n'
    )
    before = await _snapshot(store)
    report = await ingest_files([path], store, Defaults())
    assert report.rejected and "line 2" in report.rejected[0][1]
    assert await _snapshot(store) == before


async def test_huge_file_rejected_database_unchanged(tmp_path: Path, store: SQLiteStore) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    assert big.stat().st_size > MAX_FILE_BYTES
    report = await ingest_files([big], store, Defaults(film="Her"))
    assert "50.0 MB" in report.rejected[0][1]
    assert await _snapshot(store) == (0, 0, 0, 0)


async def test_sample_corpus_loads_once(store: SQLiteStore) -> None:
    report = await load_sample_if_empty(store)
    assert report is not None and not report.rejected
    assert report.films_added >= 8 and report.reviews_added >= 12
    counts = await store.counts()
    assert counts.snippets > 0 and counts.releases > 0
    assert await load_sample_if_empty(store) is None


async def test_outlet_filter_matches_every_spelling(store: SQLiteStore) -> None:
    from bot.extract import Extraction, FilmGuess, Quote
    from bot.ingest.pipeline import to_new_review
    from bot.ingest.readers import ReviewInput
    from bot.service import Service

    text = 'The LA Times called it "odd and a bit wonderful."'
    start = text.index("odd")
    quote = Quote("odd and a bit wonderful.", start, len(text) - 1, "critic", None, "LA Times")
    review = ReviewInput(text=text, film="Her", year=2013, outlet="Reel Weekly", critic="Ada")
    new = to_new_review(review, Extraction(FilmGuess("Her", 2013), quotes=[quote]), "x.md")
    await store.add_reviews([new])
    service = Service(store)
    for spelling in ("LA Times", "Los Angeles Times", "the los angeles times"):
        card = await service.quote(film="her", outlet=spelling, channel=spelling)
        assert card.outlet == "LA Times"  # shown as the review wrote it
        assert card.footer == "quoted in Ada's review in Reel Weekly"
