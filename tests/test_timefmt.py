"""Human dates: partial dates never gain precision they do not have."""

from __future__ import annotations

import datetime as dt

from bot.timefmt import date_text, iso_partial, relative

TODAY = dt.date(2026, 11, 22)


def test_date_text_keeps_missing_parts_out() -> None:
    assert date_text(2014, 1, 10) == "10 January 2014"
    assert date_text(None, 2, 14) == "14 February"
    assert date_text(2014, 1, None) == "January 2014"
    assert date_text(2014, None, None) == "2014"
    assert date_text(None, None, None) == "date unknown"


def test_iso_partial() -> None:
    assert iso_partial(2014, 1, 10) == "2014-01-10"
    assert iso_partial(2014, 1, None) == "2014-01"
    assert iso_partial(None, 1, 10) is None


def test_relative_days_months_years() -> None:
    assert relative(2026, 12, 4, TODAY) == "in 12 days"
    assert relative(2026, 11, 21, TODAY) == "yesterday"
    assert relative(2026, 11, 22, TODAY) == "today"
    assert relative(2015, 11, 22, TODAY) == "11 years ago"
    assert relative(2015, 11, 23, TODAY) == "10 years ago"
    assert relative(2014, 1, 10, TODAY) == "12 years ago"
    assert relative(2026, 5, None, TODAY) == "6 months ago"
    assert relative(2030, None, None, TODAY) == "in 4 years"
    assert relative(None, 2, 14, TODAY) is None
    assert relative(2026, 2, 30, TODAY) is None
