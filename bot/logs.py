"""Logging to stdout, plain or JSON, with every configured secret redacted and nothing in a
message (a file name, a typed command) able to forge a line or act on a terminal."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, TextIO

from bot.text import inert, inert_json

REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    """Replace any secret value that appears in a log record's message or traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            record.msg = self._scrub(record.getMessage())
            record.args = None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = self._scrub(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = record.exc_text or self.formatException(record.exc_info)
        elif record.exc_text:
            data["exc"] = record.exc_text
        return inert_json(data, indent=None)


class PlainFormatter(logging.Formatter):
    """The plain format, with control characters in messages shown as escapes: a newline
    in a message cannot start a forged log line; tracebacks keep their own lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return inert(super().formatMessage(record))

    def format(self, record: logging.LogRecord) -> str:
        return inert(super().format(record), multiline=True)


def setup_logging(level: str, fmt: str, secrets: Iterable[str], stream: TextIO) -> None:
    """Send logs to `stream` (stdout for the running bot) in the chosen format, redacting
    `secrets` everywhere."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PlainFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
