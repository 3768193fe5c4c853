"""Interpreter settings for the long-running bot process, applied once it has started.

- Thread switching. The store does its work on a worker thread, which gives up the GIL
  and takes it back for every row it reads. While the event loop is busy (a burst of
  commands), taking it back waited for CPython's switch interval, 5 ms by default: a
  one-row read took ~13 ms and ~0.2 ms of CPU, measured with a busy main thread (issue 5).
  At 0.5 ms the same read takes ~0.2 ms and ~30 us of CPU; the busy thread is asked to
  yield more often only while another thread is waiting.
- Garbage collection. CPython's cyclic collector runs a young-generation pass every 700 net
  allocations of container objects, and now and then a full pass over every live object.
  A command allocates several hundred short-lived objects (Bolt's request and context, the
  card, its blocks), and each full pass walked every module and cache again. Reference
  counting frees almost all of them anyway, so the collector can run far less often.
"""

from __future__ import annotations

import gc
import sys

SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another waits for it (CPython's default: 0.005)."""
YOUNG_THRESHOLD = 10_000
"""Container allocations (net) between young-generation passes (CPython's default: 700)."""


def tune_for_serving() -> None:
    """Call once, when start-up is done (modules imported, database open): let the database
    thread take the GIL back sooner, set aside what is alive now (it lives as long as the
    process) so that later collections skip it, and collect young objects less often."""
    sys.setswitchinterval(SWITCH_INTERVAL)
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
