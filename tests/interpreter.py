"""The running bot's interpreter settings, for tests and benchmarks in the test process."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator

from bot.heap import tune_for_serving


@contextlib.contextmanager
def as_when_serving() -> Iterator[None]:
    """Apply `tune_for_serving` (as `run_until_stopped` does once the bot is up) and put the
    interpreter back afterwards, so that later tests run with the defaults."""
    interval, threshold = sys.getswitchinterval(), gc.get_threshold()
    tune_for_serving()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        sys.setswitchinterval(interval)
