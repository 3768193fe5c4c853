"""The CLI against hostile input and hostile stored text: one line per problem, the right
exit code, and nothing printed that a terminal would act on."""

from __future__ import annotations

import asyncio
import os
import re
from pathlib import Path

from bot.extract import Extraction, FilmGuess, Quote
from bot.ingest.pipeline import to_new_review
from bot.ingest.readers import ReviewInput
from storage.sqlite import SQLiteStore
from tests.test_cli import pullquote

ACTIVE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NO_SAMPLE = {"PULLQUOTE_SAMPLE": "false"}
TITLE = "\x1b[31mRed\x1b]0;owned\x07 [bold]Loud[/bold] [link=https://evil.example]x[/link]\u202e"


def test_missing_path_fails_without_creating_a_database(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    result = pullquote(db, "ingest", str(tmp_path / "nope"), env=NO_SAMPLE)
    assert result.returncode == 1
    assert f"rejected {tmp_path / 'nope'}: no such file or folder\n" in result.stderr
    assert not db.exists()


def test_bad_flags_are_one_line_and_exit_2(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    review = tmp_path / "r.md"
    review.write_text("A review.")
    for flags, message in [
        (["--year", "99999"], "`--year` 99999 is not a plausible film year (1870 to 2100)"),
        (["--year", "9" * 5000], "`--year` must be a year like 2013"),
        (["--published", "2001-02-31"], "`--published` 2001-02-31 is not a date that exists"),
    ]:
        for command in ("ingest", "extract"):
            result = pullquote(db, command, str(review), "--film", "Her", *flags, env=NO_SAMPLE)
            assert result.returncode == 2, result.stderr
            assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert not db.exists()


def test_report_lines_show_hostile_file_names_inert(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\n\x1b[2J[bold]name.md").write_text("---\nfilm: [x\n---\nText.")
    os.mkfifo(folder / "pipe.md")  # must not block the run
    result = pullquote(db, "ingest", str(folder), env=NO_SAMPLE)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(("rejected", "skip"))]
    assert lines == [
        f"rejected {folder}/bad\\x0a\\x1b[2J[bold]name.md: line 3: broken header: "
        "expected ',' or ']', but got '<stream end>'",
        f"skipped {folder}/pipe.md: a named pipe (FIFO), not a file",
    ]
    assert not ACTIVE.search(result.stdout + result.stderr.replace("\n", ""))


def test_stored_control_characters_and_markup_print_inert(tmp_path: Path) -> None:
    """Rows written before ingest cleaned text (or by another tool) are still shown inert."""
    db = tmp_path / "cli.db"
    text = f'Ada said "{TITLE} is great." and more.'
    start = text.index(TITLE)
    quote = Quote(f"{TITLE} is great.", start, start + len(TITLE) + 10, "critic", TITLE, TITLE)
    review = ReviewInput(text=text, film=TITLE, critic=TITLE, outlet=TITLE)
    new = to_new_review(review, Extraction(FilmGuess(TITLE), quotes=[quote]), "x.md")

    async def add() -> None:
        store = await SQLiteStore.open(db)
        try:
            await store.add_reviews([new])
        finally:
            await store.close()

    asyncio.run(add())
    for args in (["film", TITLE], ["quote"], ["search", "great"], ["quote", "--json"]):
        result = pullquote(db, *args, env=NO_SAMPLE)
        assert result.returncode == 0, result.stderr
        assert not ACTIVE.search(result.stdout.replace("\n", "")), args
        assert "[bold]Loud[/bold]" in result.stdout  # markup printed as text
    # An error that names the stored title (a typo'd film) is inert too.
    result = pullquote(db, "film", "Red", env=NO_SAMPLE)
    assert result.returncode == 1 and "Did you mean" in result.stderr
    assert not ACTIVE.search(result.stderr.replace("\n", ""))
    result = pullquote(db, "console", stdin=f"/film Red\n/film {TITLE}\n/quit\n", env=NO_SAMPLE)
    assert result.returncode == 0 and "Did you mean" in result.stdout
    assert "[bold]Loud[/bold]" in result.stdout
    assert not ACTIVE.search(result.stdout.replace("\n", ""))
    extract_me = tmp_path / "title.md"
    extract_me.write_text(f'---\nfilm: "{TITLE.encode("unicode_escape").decode()}"\n---\nText.')
    result = pullquote(db, "extract", str(extract_me))
    assert result.returncode == 0, result.stderr
    assert "Film: Red [bold]Loud[/bold] [link=https://evil.example]x[/link]" in result.stdout
    assert not ACTIVE.search(result.stdout.replace("\n", ""))
