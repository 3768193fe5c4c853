"""What every platform accepts of outgoing text: lengths and links.

Discord and Slack state limits in "characters" without always saying which: JavaScript
counts UTF-16 code units (a flag emoji is four), JSON Schema counts code points (two). A
length that is within a limit in UTF-16 units is within it in code points too, so the
adapters measure with `units` and stay inside both counts."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from string import ascii_letters, digits
from urllib.parse import quote, urlsplit

from bot.text import shorten

_UNRESERVED = ascii_letters + digits + "-._~"
_SUB_DELIMS = "!$&'()*+,;="
_PATH_SAFE = _UNRESERVED + _SUB_DELIMS + ":@/%"
"""RFC 3986 pchar plus "/" (and "%" of escapes already checked by _BAD_ESCAPE)."""
_QUERY_SAFE = _PATH_SAFE + "?"
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
"""One DNS label: at most 63 characters, no hyphen at either end."""
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*\.?$")


def units(text: str) -> int:
    """The length of `text` in UTF-16 code units: never less than its code points."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` UTF-16 units (a hard cut, no ellipsis)."""
    limit = max(limit, 0)
    if units(text) <= limit:
        return text
    out = text[:limit]
    while units(out) > limit:
        out = out[: len(out) - max(1, (units(out) - limit) // 2)]
    return out


def one_line(text: str | None) -> str:
    """`text` with every run of whitespace (line breaks included) made one space: an
    attribution is one line under its quote, blank when there is nothing to show."""
    return " ".join(text.split()) if text else ""


def fit(raw: str, budget: int, render: Callable[[str], str] = str) -> str:
    """`render(shorten(raw, n))` for the largest n whose result fits in `budget` units: the
    cut falls at a sentence or word boundary of the raw text, and escaping (which `render`
    may do, lengthening the text) is applied after it. A hard cut of the rendered text only
    when not even an ellipsis fits."""
    limit = budget
    while True:
        short = shorten(raw, max(limit, 0))
        out = render(short)
        over = units(out) - budget
        if over <= 0:
            return out
        if limit <= 0:
            return cut(out, budget)
        # A code point is one or two units: dropping half the excess never undershoots by
        # much, and going below the last cut's length forces a new, shorter cut.
        limit = min(limit - max(1, over // 2), len(short) - 1)


def web_url(url: str | None, *, limit: int = 2048) -> str | None:
    """`url` as an absolute http(s) URI that RFC 3986 accepts, at most `limit` characters:
    non-ASCII, spaces, quotes, pipes, brackets and stray `%` are percent-encoded and an
    international host name is IDNA-encoded; None when no such URI can be made (another
    scheme, no host, credentials, a malformed host or port, or too long)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # malformed brackets or port
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or "@" in parts.netloc:
        return None
    host = _host(parts.hostname or "", bracketed=parts.netloc.startswith("["))
    if host is None:
        return None
    try:
        path = _encode(parts.path, _PATH_SAFE)
        query = _encode(parts.query, _QUERY_SAFE)
        fragment = _encode(parts.fragment, _QUERY_SAFE)
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form
        return None
    out = f"{scheme}://{host}{f':{port}' if port is not None else ''}{path or '/'}"
    if query:
        out += f"?{query}"
    if fragment:
        out += f"#{fragment}"
    return out if len(out) <= limit else None


def _host(host: str, *, bracketed: bool) -> str | None:
    if bracketed:
        try:
            return f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return None
    return host if _HOST.match(host) else None


def _encode(part: str, safe: str) -> str:
    return quote(_BAD_ESCAPE.sub("%25", part), safe=safe)
