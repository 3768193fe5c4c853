"""Extraction work stays linear in the input's size, and what is not prose is capped (issue 16).

Untimed: work is counted as Python lines run and calls made (`sys.settrace`), which a
quadratic loop multiplies by four when the input doubles, whatever the machine's load. Work
inside one C call (a regex scan, a slice) is not counted: the inputs that once made a regex
backtrack without end are run here too, so such a regression hangs this test instead of
passing, and the quote caps are checked on their outputs.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import pytest

from bot.extract import Context, extract
from bot.extract.quotes import MAX_ATTRIBUTED, MAX_QUOTES
from bot.extract.releases import MAX_DATES
from bot.extract.sentences import MAX_MARKS_PER_LINE
from tests.adversarial import INPUTS


def _work(text: str) -> int:
    steps = 0

    def count(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal steps
        steps += 1
        return count

    sys.settrace(count)
    try:
        extract(text, Context())
    finally:
        sys.settrace(None)
    return steps


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_work_doubles_when_the_input_doubles(name: str) -> None:
    make = INPUTS[name]
    extract(make(4_000), Context())  # first-use tables and caches out of the count
    small, large = _work(make(12_000)), _work(make(24_000))
    assert large <= 2.3 * small, f"{name}: {small} -> {large} steps"


def test_stray_opening_marks_quote_little_of_the_text() -> None:
    text = "“a " * 200
    quotes = extract(text, Context()).quotes
    assert quotes and sum(len(q.text) for q in quotes) <= len(text)
    assert all(q.kind == "other" for q in quotes)


def test_quotes_nested_three_deep_are_skipped() -> None:
    text = "“" * 100 + "a" + "”" * 100
    assert len(extract(text, Context()).quotes) <= 2


def test_a_paragraph_thick_with_quote_marks_is_not_read_for_quotes() -> None:
    unit = "“a fine film,” wrote Ann Lee of The Example Courier. "
    few = extract(unit * 5, Context()).quotes
    assert [q.outlet for q in few] == ["The Example Courier"] * 5
    assert extract(unit * (MAX_MARKS_PER_LINE // 2 + 1), Context()).quotes == []
    # the same quotes a paragraph each are read
    quotes = extract((unit + "\n") * (MAX_MARKS_PER_LINE // 2 + 1), Context()).quotes
    assert len(quotes) == MAX_MARKS_PER_LINE // 2 + 1


def test_quotes_stop_after_their_cap() -> None:
    text = '"a" b.\n' * (MAX_QUOTES + 100)
    assert len(extract(text, Context()).quotes) == MAX_QUOTES


def test_attribution_stops_after_its_budget() -> None:
    line = '"A fine film," said Ann Lee of The Example Courier.\n'
    quotes = extract(line * (MAX_ATTRIBUTED + 50), Context()).quotes
    assert len(quotes) == MAX_ATTRIBUTED + 50
    assert sum(q.kind == "critic" for q in quotes) == MAX_ATTRIBUTED


def test_release_dates_stop_after_their_budget() -> None:
    months = ["January", "March", "May", "July", "September", "November"]
    sentences = [
        f"It was released in Japan on {day} {month} {year}."
        for year in range(1950, 2020)
        for month in months
        for day in range(1, 8)
    ]
    assert len(sentences) > MAX_DATES
    releases = extract(" ".join(sentences), Context()).releases
    assert len(releases) == MAX_DATES
    assert {r.region for r in releases} == {"JP"}


def test_a_long_run_of_commas_between_place_names_ends() -> None:
    # Once an exponential regex: 20 commas and a stray word took minutes, 40 would take years.
    stray = "It was released in Japan " + ", " * 40 + "x and France on 1 May 2000."
    assert extract(stray, Context()).releases is not None
    joined = "It was released in Japan " + ", " * 40 + "and France on 1 May 2000."
    releases = extract(joined, Context()).releases
    assert sorted((r.region, r.day) for r in releases) == [("FR", 1), ("JP", 1)]
