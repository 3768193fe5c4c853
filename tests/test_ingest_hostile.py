"""A hostile batch through the real ingest path into a real store: every bad file is one
line in the report, nothing of it is stored, and the good files around it still are."""

from __future__ import annotations

import codecs
import os
import sqlite3
from pathlib import Path

from bot.extract import Extraction, FilmGuess
from bot.extract.types import ReleaseEvent
from bot.ingest.files import find_files
from bot.ingest.pipeline import ingest_files, prepare_review, to_new_review
from bot.ingest.readers import Defaults, ReviewInput
from storage.sqlite import SQLiteStore

BODY = "A gripping film, the finest chase ever filmed. It opened in the UK on 3 March 2001.\n"

HOSTILE: dict[str, bytes | str] = {
    "baddate.md": "---\nfilm: A\npublished: 2013-13-45\n---\n" + BODY,
    "deep.md": "---\nfilm: " + "[" * 5000 + "]" * 5000 + "\n---\n" + BODY,
    "bigyear.md": "---\nfilm: A\nyear: " + "9" * 5000 + "\n---\n" + BODY,
    "surrogate.jsonl": '{"film": "A", "text": "ok"}\n{"film": "A", "text": "\\ud800"}\n',
    "pyobj.md": "---\nfilm: !!python/object/apply:os.system ['true']\n---\n" + BODY,
    "laughs.md": "---\nfilm: A\nnote: &a [x, x]\nrating: [*a, *a]\n---\n" + BODY,
    "listfilm.md": "---\nfilm: [a, b]\n---\n" + BODY,
    "hugefilm.md": "---\nfilm: " + "x" * 50_000 + "\n---\n" + BODY,
    "deepjson.jsonl": '{"film": "A", "text": "x", "note": ' + "[" * 10**5 + "]" * 10**5 + "}\n",
    "bigint.jsonl": '{"film": "A", "text": "x", "year": ' + "9" * 5000 + "}\n",
    "feb31.jsonl": '{"film": "A", "text": "ok", "published": "2001-02-31"}\n',
    "latenul.txt": b"---\nfilm: A\n---\n" + b"a" * 70_000 + b"\x00",
    "empty.md": b"",
    "onlyheader.md": "---\nfilm: A\n---\n",
    "noclose.md": "---\nfilm: A\n" + BODY,
}


async def _rows(store: SQLiteStore) -> tuple[int, int, int, int]:
    c = await store.counts()
    return (c.films, c.reviews, c.snippets, c.releases)


async def test_hostile_files_are_rejected_and_store_nothing(
    tmp_path: Path, store: SQLiteStore
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in HOSTILE.items():
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    report = await ingest_files(find_files([folder]).files, store, Defaults())
    assert report.files == len(HOSTILE)
    assert sorted(Path(p).name for p, _ in report.rejected) == sorted(HOSTILE)
    for _, reason in report.rejected:
        assert "\n" not in reason and "Error" not in reason and len(reason) < 300
    assert await _rows(store) == (0, 0, 0, 0)


async def test_odd_but_valid_files_are_all_stored(tmp_path: Path, store: SQLiteStore) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    files = {
        "utf16.md": codecs.BOM_UTF16_LE + f"---\nfilm: Sixteen\n---\n{BODY}".encode("utf-16-le"),
        "utf8bom.md": codecs.BOM_UTF8 + f"---\nfilm: Bom\n---\n{BODY}".encode(),
        "crlf.md": f"---\r\nfilm: Crlf\r\n---\r\n{BODY}".replace("\n", "\r\n").encode(),
        "cr.md": f"---\rfilm: Cr\r---\r{BODY}".replace("\n", "\r").encode(),
        "ansi.md": f"---\nfilm: \"\\e[31mAnsi\\e[0m\"\n---\n\x1b[2J{BODY}".encode(),
    }
    for n, (name, data) in enumerate(files.items()):
        (folder / name).write_bytes(data + f"Review number {n}.".encode(_encoding(data)))
    (folder / "name\nwith \x1b[31mescapes.md").write_text(f"---\nfilm: Named\n---\n{BODY}x")
    os.mkfifo(folder / "pipe.md")  # skipped, and must not block the batch
    found = find_files([folder])
    report = await ingest_files(found.files, store, Defaults())
    assert not report.rejected and report.reviews_added == 6
    titles = sorted(f.title for f in await store.films())
    assert titles == ["Ansi", "Bom", "Cr", "Crlf", "Named", "Sixteen"]
    with sqlite3.connect(tmp_path / "pullquote.db") as conn:
        texts = [t for (t,) in conn.execute("SELECT text FROM reviews")]
        sources = [s for (s,) in conn.execute("SELECT source FROM reviews")]
    assert len(texts) == 6 and all(BODY.strip() in t for t in texts)
    assert not any("\x1b" in t or "\r" in t for t in texts)
    assert "name\\x0awith \\x1b[31mescapes.md" in sources  # shown, not acted on


def _encoding(data: bytes) -> str:
    return "utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else "utf-8"


async def test_a_file_that_vanishes_before_it_is_read(tmp_path: Path, store: SQLiteStore) -> None:
    gone = tmp_path / "gone.md"
    gone.write_text(f"---\nfilm: Gone\n---\n{BODY}")
    kept = tmp_path / "kept.md"
    kept.write_text(f"---\nfilm: Kept\n---\n{BODY}")
    files = [gone, kept]
    gone.unlink()
    report = await ingest_files(files, store, Defaults())
    assert report.rejected == [(str(gone), "cannot read it: No such file or directory")]
    assert [f.title for f in await store.films()] == ["Kept"]


async def test_a_file_name_that_is_not_utf8_is_stored_readably(
    tmp_path: Path, store: SQLiteStore
) -> None:
    name = os.fsdecode(b"caf\xe9.md")  # Latin-1 bytes in a file name
    (tmp_path / name).write_text(f"---\nfilm: Cafe\n---\n{BODY}")
    files = [p for p in find_files([tmp_path]).files if p.name == name]
    report = await ingest_files(files, store, Defaults())
    assert not report.rejected and report.reviews_added == 1
    with sqlite3.connect(tmp_path / "pullquote.db") as conn:
        assert conn.execute("SELECT source FROM reviews").fetchall() == [("caf\\xe9.md",)]


def test_impossible_release_dates_from_extraction_are_not_stored() -> None:
    events = [
        ReleaseEvent(2001, 2, 31, "US", "theatrical", 0, 5),
        ReleaseEvent(2001, 2, 29, "GB", "theatrical", 0, 5),
        ReleaseEvent(2000, 2, 29, "FR", "theatrical", 0, 5),
        ReleaseEvent(2001, 13, None, "DE", "theatrical", 0, 5),
    ]
    review = ReviewInput(text="Text.", film="Her")
    new = to_new_review(review, Extraction(FilmGuess("Her"), releases=events), "x.md")
    assert [(r.region, r.year, r.month, r.day) for r in new.releases] == [("FR", 2000, 2, 29)]


def test_reviews_from_any_source_are_stored_inert() -> None:
    """Web pages and articles build ReviewInputs themselves: prepare_review cleans them."""
    dirty = ReviewInput(
        text="\x1b]0;owned\x07Gripping \x1b[2Jand \u202eclever.\r\nIt opened on 3 March 2001.",
        film="\x1b[31mRed\nFilm\x1b[0m",
        critic="Eve\u2066",
        outlet="The \x9bDaily",
        cast=("A\x00", "\x1b[1m"),
        url="https://example.org/\x1b[2J",
    )
    new = prepare_review(dirty, "page\x1b[2J.html")
    assert new.film.title == "Red Film" and new.film.cast == ("A",)
    assert (new.critic, new.outlet, new.url) == ("Eve", "The Daily", "https://example.org/")
    assert new.text == "Gripping and clever.\nIt opened on 3 March 2001."
    assert new.source == "page\\x1b[2J.html"
    for s in new.snippets:
        assert new.text[s.start : s.end] == s.text  # offsets index the cleaned text
