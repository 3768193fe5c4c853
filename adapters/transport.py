"""What the front ends share about reaching a platform that may be down: the delay before
the next attempt (exponential, capped, jittered), and library log records about network
failures shown as one line instead of a traceback."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field

import aiohttp

NETWORK = (aiohttp.ClientError, OSError, TimeoutError)
"""A platform out of reach: refused, reset, unresolvable, or too slow to answer."""
FIRST_DELAY = 1.0
MAX_DELAY = 60.0


@dataclass(slots=True)
class Backoff:
    """Delays between attempts: doubling from `first` up to `cap`, each a random 50-100 %
    of that (many bots restarting after one outage do not all retry in step)."""

    first: float = FIRST_DELAY
    cap: float = MAX_DELAY
    rng: random.Random = field(default_factory=random.Random)
    attempts: int = 0

    def next(self) -> float:
        """The delay before the next attempt (and count this one)."""
        ceiling = min(self.cap, self.first * 2.0 ** min(self.attempts, 30))
        self.attempts += 1
        return ceiling * (0.5 + self.rng.random() / 2)

    def reset(self) -> None:
        """Start again from `first` (after a success)."""
        self.attempts = 0


def describe(exc: BaseException) -> str:
    """One line naming a failure: its type and message, without the traceback."""
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    return f"{name}: {text[:300]}" if text else name


class OneLineFailures(logging.Filter):
    """On a library's logger: a record whose exception is one of `kinds` (a network failure
    the library retries by itself) becomes one warning naming it, without the traceback.
    Any other exception keeps its traceback: that is a bug worth reading."""

    def __init__(self, kinds: tuple[type[BaseException], ...]) -> None:
        super().__init__()
        self.kinds = kinds

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and isinstance(exc, self.kinds):
            record.msg = f"{record.getMessage()} ({describe(exc)})"
            record.args = None
            record.exc_info = None
            record.exc_text = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def one_line_failures(logger: logging.Logger, kinds: tuple[type[BaseException], ...]) -> None:
    """Attach a `OneLineFailures` filter for `kinds` to `logger` (once)."""
    if not any(isinstance(f, OneLineFailures) for f in logger.filters):
        logger.addFilter(OneLineFailures(kinds))
