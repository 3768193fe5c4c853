"""Dates for people: "10 January 2014", and "in 12 days" / "11 years ago" relative to today."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
"""English month names: calendar.month_name follows the process locale (and is slow)."""


def date_text(year: int | None, month: int | None, day: int | None) -> str:
    """A partial date as words: "10 January 2014", "January 2014", "10 January", "2014"."""
    parts: list[str] = []
    if day is not None and month is not None:
        parts.append(str(day))
    if month is not None:
        parts.append(MONTHS[month - 1])
    if year is not None:
        parts.append(str(year))
    return " ".join(parts) or "date unknown"


def iso_partial(year: int | None, month: int | None, day: int | None) -> str | None:
    """"2014-01-10", "2014-01" or "2014"; None without a year."""
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _span(n: int, unit: str, future: bool) -> str:
    return f"in {_plural(n, unit)}" if future else f"{_plural(n, unit)} ago"


def relative(
    year: int | None, month: int | None, day: int | None, today: dt.date
) -> str | None:
    """How far a (possibly partial) date is from `today`, at the date's own precision."""
    if year is None:
        return None
    if month is None:
        diff = year - today.year
        return "this year" if diff == 0 else _span(abs(diff), "year", diff > 0)
    if day is None:
        months = (year - today.year) * 12 + (month - today.month)
        if months == 0:
            return "this month"
        if abs(months) < 12:
            return _span(abs(months), "month", months > 0)
        return _span(abs(months) // 12, "year", months > 0)
    try:
        when = dt.date(year, month, day)
    except ValueError:
        return None
    days = (when - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    n = abs(days)
    if n < 45:
        return _span(n, "day", days > 0)
    if n < 365:
        return _span(round(n / 30.44), "month", days > 0)
    years = today.year - when.year - ((today.month, today.day) < (when.month, when.day))
    if days > 0:
        years = when.year - today.year - ((when.month, when.day) < (today.month, today.day))
    return _span(max(1, abs(years)), "year", days > 0)
