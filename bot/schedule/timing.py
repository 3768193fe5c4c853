"""When a daily post is due: a wall-clock time in an IANA zone, DST-correct.

A time that does not exist on a spring-forward day (02:30 in New York) goes out at the end of
the gap (03:00); a time that happens twice on a fall-back day goes out at its first
occurrence, and since posts are keyed by local date it goes out once."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.errors import BadInput

_TIME = re.compile(
    r"^\s*(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?\s*$", re.IGNORECASE
)


def parse_time_of_day(text: str) -> dt.time:
    """`09:00`, `9:30`, `21.15`, `9am`, `9:30 pm`, `noon` or `midnight` as a time of day,
    else BadInput saying what is accepted."""
    low = text.strip().lower()
    if low == "noon":
        return dt.time(12, 0)
    if low == "midnight":
        return dt.time(0, 0)
    m = _TIME.match(low)
    if m is not None:
        hour, minute = int(m.group("h")), int(m.group("m") or 0)
        ampm = m.group("ampm")
        if ampm:
            if not 1 <= hour <= 12:
                hour = 99
            elif ampm.startswith("a"):
                hour = 0 if hour == 12 else hour
            else:
                hour = 12 if hour == 12 else hour + 12
        elif m.group("m") is None:
            hour = 99  # a bare "9" is ambiguous; ask for 09:00
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return dt.time(hour, minute)
    raise BadInput(
        f"“{text.strip()[:40]}” is not a time of day I can use.",
        hint="Use 24-hour HH:MM like 09:00 or 18:30, or 9am / 6:30pm.",
    )


def local_date(instant: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The calendar date in `zone` at `instant`."""
    return instant.astimezone(zone).date()


def occurrence(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of wall time `at` on `day` in `zone`: the first one when the time
    happens twice, the end of the gap when it does not happen at all."""
    naive = dt.datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = naive.replace(tzinfo=zone).astimezone(dt.UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        later = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
        return min(first, later)
    return _gap_end(naive, zone)


def _gap_end(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The instant a DST gap containing the nonexistent wall time `naive` closes."""
    a = naive.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)
    b = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    lo, hi = min(a, b), max(a, b)
    before = lo.astimezone(zone).utcoffset()
    # Bisect down to the second on which the offset changes.
    while hi - lo > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if mid.astimezone(zone).utcoffset() == before:
            lo = mid
        else:
            hi = mid
    return hi.replace(microsecond=0)


def first_due(at: dt.time, zone: ZoneInfo, now: dt.datetime) -> tuple[dt.date, dt.datetime]:
    """The first (local date, instant) strictly after `now`: today if the time is still
    ahead, else tomorrow."""
    day = local_date(now, zone)
    for offset in range(3):
        candidate = day + dt.timedelta(days=offset)
        when = occurrence(candidate, at, zone)
        if when > now:
            return candidate, when
    raise AssertionError("no occurrence within three days")  # pragma: no cover


def after(day: dt.date, at: dt.time, zone: ZoneInfo) -> tuple[dt.date, dt.datetime]:
    """The post after the one for `day`: the next local date and its instant."""
    nxt = day + dt.timedelta(days=1)
    return nxt, occurrence(nxt, at, zone)
