"""Review files: headers, JSON Lines and every way a file can be bad."""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
import threading
from pathlib import Path

import pytest

from bot.ingest.readers import (
    MAX_FILE_BYTES,
    Defaults,
    RejectedFile,
    date_exists,
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


# -- hostile input: every bad file is one RejectedFile, never another exception -------------

LAUGHS = "\n".join(
    [
        "---",
        "film: Her",
        "note: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
        "rating: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
        "cast: [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
        "---",
        "Body.",
    ]
)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("---\nfilm: Her\npublished: 2013-13-45\n---\nBody.", "2013-13-45 is not a date that"),
        ("---\nfilm: Her\npublished: 2001-02-29\n---\nBody.", "not a date that exists"),
        ("---\nfilm: Her\npublished: 2011-W01-2\n---\nBody.", "like 2013-12-18"),
        ("---\nfilm: Her\npublished: 0001-01-01\n---\nBody.", "not a plausible date"),
        ("---\nfilm: " + "[" * 5000 + "]" * 5000 + "\n---\nBody.", "nested more than"),
        ("---\nfilm: " + "{a: " * 3000 + "}" * 3000 + "\n---\nBody.", "nested more than"),
        ("---\nfilm: Her\nyear: " + "9" * 5000 + "\n---\nBody.", "must be a year like 2013"),
        ("---\nfilm: Her\nyear: 99999\n---\nBody.", "99999 is not a plausible film year"),
        ("---\nfilm: Her\nyear: ٢٠١٣\n---\nBody.", "must be a year like 2013"),
        ("---\nfilm: !!python/object/apply:os.system ['true']\n---\nBody.", "tags like"),
        ("---\nfilm: !!python/name:os.system\n---\nBody.", "tags like"),
        ("---\nfilm: !custom Her\n---\nBody.", "tags like"),
        (LAUGHS, "aliases"),
        ("---\njust a sentence\n---\nBody.", "key: value"),
        ("---\nfilm: [Her, Him]\n---\nBody.", "`film` must be text, not a list"),
        ("---\nfilm: {title: Her}\n---\nBody.", "`film` must be text, not a set of fields"),
        ("---\nfilm: Her\ncast: [[a]]\n---\nBody.", "list of names"),
        ("---\nfilm: " + "x" * 5000 + "\n---\nBody.", "5,000 characters long; the limit is 300"),
        ("---\nfilm: Her\ncast: [" + "a, " * 500 + "]\n---\nBody.", "the limit is 100"),
        ("---\nfilm: Her\nnote: " + "x " * 20_000 + "\n---\nBody.", "the header is"),
        ("---\nfilm: A\nFilm: B\n---\nBody.", "`film` is given twice"),
        ("---\nfilm: Her\n? [a, b]\n: c\n---\nBody.", "unhashable"),
        ("---\nfilm: Her\nurl: javascript:alert(1)\n---\nBody.", "web address"),
        ("---\nfilm: Her\ufffe\n---\nBody.", "it holds U+FFFE, which YAML does not allow"),
    ],
)
def test_hostile_headers_are_one_clear_rejection(text: str, reason: str) -> None:
    with pytest.raises(RejectedFile, match=re.escape(reason)) as info:
        read_text_review(text, Defaults())
    assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_unknown_field_lists_a_handful_closest_first() -> None:
    many = "".join(f"key{i}: v\n" for i in range(500))
    with pytest.raises(RejectedFile) as info:
        read_text_review(f"---\nfilm: Her\ncritc: Bob\n{many}---\nBody.", Defaults())
    message = str(info.value)
    assert message.startswith("unknown fields `critc`, `key0`, `key1` and 498 more")
    known = re.findall(r"`(\w+)`", message.split("closest known:")[1])
    assert known[0] == "critic" and len(known) <= 5


@pytest.mark.parametrize(
    "value",
    ["2013-12-18", "2013-12-18 10:30:00", "2013-12-18T10:30:00Z", "2013-12-18 10:30 +01:00"],
)
def test_published_may_carry_a_time(value: str) -> None:
    review = read_text_review(f"---\nfilm: Her\npublished: {value}\n---\nBody.", Defaults())
    assert review.published == dt.date(2013, 12, 18)


def test_header_scalars_stay_text() -> None:
    review = read_text_review(
        "---\nfilm: Yes\nyear: 2004\nrating: ~\ndirector: 'null'\noutlet: 1e3\n---\nBody.",
        Defaults(),
    )
    assert (review.film, review.year, review.rating) == ("Yes", 2004, None)
    assert (review.director, review.outlet) == ("null", "1e3")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"film": "Her", "text": "a \\ud800 b"}', "surrogate pair"),
        ('{"film": "Her \\udfff", "text": "ok"}', "surrogate pair"),
        ('{"film": "Her", "text": "ok", "note": ' + "[" * 100_000 + "]" * 100_000 + "}",
         "nested far too deeply"),
        ('{"film": "Her", "text": "ok", "year": ' + "9" * 5000 + "}", "thousands of digits"),
        ('{"film": "Her", "text": "ok", "year": 1e400}', "must be a year"),
        ('{"film": "Her", "text": "ok", "year": NaN}', "must be a year"),
        ('{"film": "Her", "text": "ok", "year": [2013]}', "not a list"),
        ('{"film": "Her", "text": "ok", "published": "2001-02-31"}', "not a date that exists"),
        ('{"film": "Her", "text": "ok", "published": 20010228}', "like 2013-12-18"),
        ('{"film": "Her", "Film": "Him", "text": "ok"}', "`Film` is given twice"),
        ('{"film": "Her", "text": ["a", "b"]}', "missing `text`"),
        ('{"film": "Her", "text": "ok", "cast": "' + "a," * 1000 + '"}', "the limit is 100"),
    ],
)
def test_hostile_jsonl_lines(tmp_path: Path, line: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"film": "Her", "text": "A good first line."}\n' + line + "\n")
    with pytest.raises(RejectedFile, match=re.escape(reason)) as info:
        read_file(path, Defaults())
    assert info.value.line == 2


def test_jsonl_byte_order_marks_and_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "joined.jsonl"
    path.write_bytes(
        codecs.BOM_UTF8
        + b'{"film": "Her", "text": "One.\\r\\nTwo."}\r\n'
        + codecs.BOM_UTF8
        + b'{"film": "Her", "text": "Three."}\r\n'
    )
    reviews = read_file(path, Defaults())
    assert [r.text for r in reviews] == ["One.\nTwo.", "Three."]
    assert [r.line for r in reviews] == [1, 2]


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_files_with_a_byte_order_mark_are_read(tmp_path: Path, bom: bytes, encoding: str) -> None:
    path = tmp_path / "review.md"
    path.write_bytes(bom + HEADER.replace("\n", "\r\n").encode(encoding))
    [review] = read_file(path, Defaults())
    assert review.film == "Nosferatu" and review.cast == ("Max Schreck", "Greta Schröder")
    assert review.text.endswith("never been bettered.\n") and "\r" not in review.text


def test_nul_anywhere_means_binary_and_bad_utf16_has_its_line(tmp_path: Path) -> None:
    late = tmp_path / "late.txt"
    late.write_bytes(b"plain text\n" * 20_000 + b"\x00")  # well past the first 64 KiB
    with pytest.raises(RejectedFile, match="binary"):
        read_file(late, Defaults(film="Her"))
    nul16 = tmp_path / "nul16.txt"
    nul16.write_bytes(codecs.BOM_UTF16_LE + "text\x00more".encode("utf-16-le"))
    with pytest.raises(RejectedFile, match="binary"):
        read_file(nul16, Defaults(film="Her"))
    bad16 = tmp_path / "bad16.txt"
    bad16.write_bytes(codecs.BOM_UTF16_LE + "one\ntwo\n".encode("utf-16-le") + b"\x00\xd8x\x00")
    with pytest.raises(RejectedFile, match="not valid UTF-16") as info:
        read_file(bad16, Defaults(film="Her"))
    assert info.value.line == 3


def test_control_characters_are_cleaned_from_text_and_fields() -> None:
    text = (
        "---\nfilm: \"\\e[31mRed\\e[0m\\u202e Film\"\ncritic: Ev\x1b]0;owned\x07e\n---\n"
        "Clear \x1b[2J screen, \x9b31m C1, \x00 NUL, tab\there,\x0cform feed.\r\nNext line."
    )
    review = read_text_review(text, Defaults())
    assert review.film == "Red Film" and review.critic == "Eve"
    body = review.text.strip()
    assert body == "Clear  screen, 31m C1,  NUL, tab\there, form feed.\nNext line."


def test_a_fifo_or_device_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_file(fifo, Defaults(film="Her"))
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so that the test run can end
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert isinstance(outcome[0], RejectedFile) and "named pipe" in str(outcome[0])
    with pytest.raises(RejectedFile, match="a device"):
        read_file(Path(os.devnull), Defaults(film="Her"))


def test_flags_follow_the_header_rules() -> None:
    flags = Defaults.from_flags(film=" Her\x1b[2J ", year="2013", published="2013-12-18")
    assert (flags.film, flags.year, flags.published) == ("Her", 2013, dt.date(2013, 12, 18))
    for bad, reason in [
        ({"year": "99999"}, "`--year` 99999 is not a plausible"),
        ({"year": "9" * 5000}, "`--year` must be a year"),
        ({"published": "2001-02-31"}, "`--published` 2001-02-31 is not a date that exists"),
        ({"film": "caf\udce9"}, "`--film` is not valid text: it holds \\xe9, a byte"),
        ({"url": "file:///etc/passwd"}, "`--url` must be a web address"),
    ]:
        with pytest.raises(RejectedFile, match=re.escape(reason)):
            Defaults.from_flags(**bad)


def test_date_exists() -> None:
    assert date_exists(2000, 2, 29) and date_exists(None, 2, 29) and date_exists(2001, 2, None)
    assert not date_exists(2001, 2, 29) and not date_exists(2001, 2, 31)
    assert not date_exists(2001, 13, None) and not date_exists(2001, 4, 31)
    assert not date_exists(2001, None, 3) and date_exists(2001, None, None)


def test_a_file_growing_while_read_stops_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "growing.md"
    with path.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 4096)
    real_fstat = os.fstat

    def fstat_before_it_grew(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, *st[1:6], 100, *st[7:10]))

    monkeypatch.setattr(os, "fstat", fstat_before_it_grew)
    with pytest.raises(RejectedFile, match="grew past the size limit"):
        read_file(path, Defaults(film="Her"))
