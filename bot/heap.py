"""Garbage-collector settings for the long-running bot process.

CPython's cyclic collector runs a young-generation pass every 700 net allocations of
container objects, and now and then a full pass over every live object. Answering one
Slack command allocates several hundred short-lived objects (Bolt's request and context,
the card, its blocks), so a pass ran about once per command, and each full pass walked
every module, the film index and the caches again. In the Slack benchmark that was about a
tenth of a command's CPU (issues 5 and 8). Reference counting frees almost all of those
objects anyway; the collector only has to find cycles, so it can run far less often.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
"""Container allocations (net) between young-generation passes (CPython's default: 700)."""


def tune_for_serving() -> None:
    """Call once, when start-up is done (modules imported, database open): set aside what
    is alive now, which lives as long as the process, so that later passes skip it
    (`gc.freeze`), and run young-generation passes less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
