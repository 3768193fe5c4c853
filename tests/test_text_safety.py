"""Untrusted text made inert: cleaned once at ingest, escaped again wherever a terminal shows it."""

from __future__ import annotations

import json
import re

import pytest

from bot.text import clean_line, clean_text, inert, inert_json

ACTIVE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

NASTY = [
    "\x1b[31mred\x1b[0m",  # colour
    "\x1b[2J\x1b[H",  # clear the screen
    "\x1b]0;new window title\x07",  # OSC, BEL-terminated
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # hyperlink, ST-terminated
    "\x1bP1$t\x1b\\",  # DCS
    "\x1bc",  # full reset
    "\x9b31m",  # 8-bit CSI
    "bell\x07 backspace\x08 del\x7f nul\x00",
    "\u202eevil\u202c \u2066isolate\u2069",
    "\x1b[" + "9" * 10_000 + "m",  # long parameters
    "lone \ud800 surrogate",
]


@pytest.mark.parametrize("text", NASTY)
def test_clean_text_leaves_nothing_a_terminal_acts_on(text: str) -> None:
    cleaned = clean_text(f"before {text} after")
    assert not ACTIVE.search(cleaned)
    assert cleaned.startswith("before ") and cleaned.endswith(" after")
    assert clean_text(cleaned) == cleaned


def test_clean_text_keeps_text_newlines_and_tabs() -> None:
    assert clean_text("a\tb\r\nc\rd\ne") == "a\tb\nc\nd\ne"
    assert clean_text("page\x0cbreak\x0bv\x85nel") == "page break v nel"
    assert clean_text("Café, 東京, עִבְרִית \u200f, emoji 🎬") == "Café, 東京, עִבְרִית \u200f, emoji 🎬"
    # An unterminated string sequence loses its introducer, not the review after it.
    assert clean_text("x\x1b]0;the rest of the review") == "x0;the rest of the review"
    assert clean_text("x\x1b[12 the rest") == "xhe rest"  # CSI ends at a letter, as on screen
    assert clean_line("  The\n\tGeneral \x1b[1m ") == "The General"


@pytest.mark.parametrize("text", [*NASTY, "two\nlines", "[bold]markup[/bold]"])
def test_inert_shows_every_control_as_a_visible_escape(text: str) -> None:
    shown = inert(text)
    assert not ACTIVE.search(shown) and "\n" not in shown
    assert inert("a\nb\tc", multiline=True) == "a\nb\tc"
    assert inert("\x1b[2J") == "\\x1b[2J" and inert("\u202e") == "\\u202e"
    assert inert("bad\udcffbyte") == "bad\\xffbyte"  # a file name that is not UTF-8
    assert inert("[bold]x[/bold]") == "[bold]x[/bold]"  # markup is the printer's job


def test_inert_json_is_the_same_json_and_inert() -> None:
    data = {"title": "é \x1b[2J \x9b \u202e \ud800 \x7f", "n": 1}
    text = inert_json(data)
    assert not ACTIVE.search(text.replace("\n", " ")) and "é" in text
    assert json.loads(text) == data


def test_clean_text_scales_linearly_on_pathological_input() -> None:
    # Not a timing test: the regex is linear by construction (every alternative stops at the
    # next ESC); this checks the output of the worst shapes is right at a large size.
    n = 200_000
    assert clean_text("\x1b[" * n) == "" and clean_text("\x1b]" * n) == ""
    assert clean_text(("\x1b]" + "x" * 5) * n) == "x" * 5 * n
