"""Text helpers: shortening for platform limits, and making untrusted text inert.

Review files are untrusted. `clean_text` runs once at ingest so that nothing stored can act
on a terminal; `inert` runs again where the CLI and console print, for rows stored before
that rule and for names (file names, typed titles) that never went through ingest."""

from __future__ import annotations

import json
import re
from typing import Any

ELLIPSIS = "…"
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*(?=\s)")


def shorten(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """`text` cut to at most `limit` characters: at the last sentence end that keeps at
    least half the room, else at the last word boundary, with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return ellipsis[:limit]
    room = limit - len(ellipsis)
    head = text[: room + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head) if m.end() <= room]
    if ends and ends[-1] >= room // 2:
        return text[: ends[-1]].rstrip()
    cut = head.rfind(" ", 0, room + 1)
    if cut < room // 2:
        cut = room  # one enormous word: cutting it is the only way to fit
    return text[:cut].rstrip(" ,;:-—–") + ellipsis


# What a terminal may act on: ESC sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-character
# escapes), the other C0 controls, DEL and the C1 controls, and the bidi embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069) that can make a line read as
# something it is not. Newline and tab are text. The bidi *marks* (U+200E, U+200F, U+061C)
# stay: they are needed in right-to-left text and cannot reorder a line on their own.
# Every alternative stops at the next ESC, so the scan is linear in the text's length; an
# unterminated string loses only its ESC and introducer, never the text after it.
_ESCAPE_SEQUENCE = (
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]?"  # CSI: ESC [ params intermediates final
    r"|\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: ESC ] ... BEL or ST
    r"|[PX^_][^\x1b]*\x1b\\"  # DCS, SOS, PM, APC: ESC P ... ST
    r"|[ -/]*[0-~]?)"  # nF / Fp / Fe / Fs: ESC (intermediates) final
)
_CONTROL = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_UNSAFE = re.compile(f"{_ESCAPE_SEQUENCE}|{_CONTROL}")
_LINE_BREAKS = re.compile(r"\r\n?")
_SPACE_LIKE = re.compile(r"[\x0b\x0c\x85]")  # vertical tab, form feed, NEL: whitespace
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_WHITESPACE_RUN = re.compile(r"\s+")
_NEEDS_CLEANING = re.compile(f"[\\r\\ud800-\\udfff]|{_CONTROL}")


def clean_text(text: str) -> str:
    """`text` with nothing a terminal could act on: escape sequences and control characters
    other than newline and tab removed (vertical tab, form feed and NEL become spaces),
    CR and CRLF made newlines, and any lone surrogate replaced by U+FFFD."""
    if not _NEEDS_CLEANING.search(text):  # the usual case: one scan instead of four
        return text
    # Plain-string replacements only: no Python call per match, however many there are.
    text = _LINE_BREAKS.sub("\n", text)
    text = _SPACE_LIKE.sub(" ", text)
    text = _UNSAFE.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


def clean_line(text: str) -> str:
    """`clean_text` for one-line values (titles, names): all whitespace runs, newlines
    included, become one space, and the ends are trimmed."""
    return _WHITESPACE_RUN.sub(" ", clean_text(text)).strip()


# For display: everything `clean_text` would drop, plus surrogates (undecodable bytes in
# file names) and, on one-line output, newline and tab. Shown as visible escapes, not dropped,
# so that a person sees that something was there.
_SHOWN_ESCAPED = r"\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_SHOW_ONE_LINE = re.compile(f"[\\x00-\\x1f{_SHOWN_ESCAPED}]")
_SHOW_MULTILINE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f{_SHOWN_ESCAPED}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def inert(text: str, *, multiline: bool = False) -> str:
    """`text` safe to print in a terminal: every control character, bidi override and
    undecodable byte shown as a visible escape (`\\x1b`), newlines too unless `multiline`.
    Print the result literally (rich `Text`, or `markup=False`) so that `[bold]` stays text."""
    return (_SHOW_MULTILINE if multiline else _SHOW_ONE_LINE).sub(_escape, text)


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def inert_json(data: Any, *, indent: int | None = 2) -> str:
    """JSON that is safe in a terminal yet keeps accents readable: json.dumps escapes C0
    controls itself; DEL, C1, bidi controls and lone surrogates become \\u escapes too (they
    can only occur inside strings, so the JSON means the same)."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
