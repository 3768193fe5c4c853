"""IANA time zones: validate what an admin typed, and suggest zones on a typo.

Zone data comes from zoneinfo with the `tzdata` package as a fallback (slim containers have
no /usr/share/zoneinfo). The list of names is read on first use, not at import."""

from __future__ import annotations

import functools
import zoneinfo
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process

from bot.errors import BadInput

_REGIONS = (
    "Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/",
    "Indian/", "Pacific/",
)
_ALIASES = {"utc": "UTC", "gmt": "UTC", "z": "UTC", "zulu": "UTC"}
MIN_SCORE = 70.0


@functools.cache
def _names() -> dict[str, str]:
    """casefolded zone name -> canonical spelling, every zone zoneinfo knows."""
    return {name.casefold(): name for name in zoneinfo.available_timezones()}


@functools.cache
def _choices() -> dict[str, str]:
    """Search keys -> zone: full names of the geographic zones, and their city part with
    spaces ("new york" -> America/New_York)."""
    keys: dict[str, str] = {}
    for name in sorted(_names().values()):
        if not name.startswith(_REGIONS):
            continue
        keys[name.casefold()] = name
        city = name.rsplit("/", 1)[-1].replace("_", " ").casefold()
        keys.setdefault(city, name)
    keys["utc"] = "UTC"
    return keys


def _key(text: str) -> str:
    return " ".join(text.strip().replace("_", " ").split()).casefold()


def suggest_zones(text: str, limit: int = 3) -> list[str]:
    """Up to `limit` zone names close to `text`, best first ("London" -> Europe/London)."""
    key = _key(text)
    if not key:
        return []
    choices = _choices()
    found: list[str] = []
    exact_city = choices.get(key)
    if exact_city is not None:
        found.append(exact_city)
    for zone_key, score, _ in process.extract(
        key, list(choices), scorer=fuzz.WRatio, limit=limit * 4
    ):
        zone = choices[zone_key]
        if score >= MIN_SCORE and zone not in found:
            found.append(zone)
        if len(found) >= limit:
            break
    return found


def resolve_zone(text: str) -> str:
    """The canonical IANA name for `text` (any case, `_` or space), else BadInput with the
    closest zones as a hint."""
    raw = text.strip()
    names = _names()
    canonical = names.get(raw.casefold()) or names.get(raw.replace(" ", "_").casefold())
    if canonical is None:
        canonical = _ALIASES.get(raw.casefold())
    if canonical is not None:
        try:
            ZoneInfo(canonical)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            canonical = None
    if canonical is not None:
        return canonical
    near = suggest_zones(raw)
    hint = (
        "Did you mean " + " or ".join(near) + "?"
        if near
        else "Use an IANA name like Europe/London, America/New_York or Asia/Tokyo."
    )
    raise BadInput(f"“{raw[:60]}” is not a time zone I know.", hint=hint)


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo of a stored (already validated) zone name."""
    return ZoneInfo(name)
