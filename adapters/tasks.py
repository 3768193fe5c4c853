"""Starting work eagerly: run a coroutine at once, in the caller's step, and hand it to the
event loop only if it has to wait.

A Slack command is acked with its answer when the answer is ready in time, so the work runs
beside the ack rather than inside it. As a plain task that cost every command a task and
two event-loop turns (about a third of the CPU a warm /pullquote quote took), although most
commands never wait for anything: the picks come from memory. Eagerly started, such a
command finishes before `start_eagerly` returns. Python 3.12 does this itself
(`eager_start`); on 3.11 the coroutine is stepped by hand up to its first suspension.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def start_eagerly(work: Coroutine[Any, Any, T]) -> asyncio.Future[T]:
    """Run `work` now up to its first suspension; the rest, if any, runs as a task. The
    returned future (a Task when it suspended) is already done when `work` never waited."""
    loop = asyncio.get_running_loop()
    if sys.version_info >= (3, 12):
        return asyncio.Task(work, loop=loop, eager_start=True)
    try:
        waiting_for = work.send(None)
    except StopIteration as finished:
        done: asyncio.Future[T] = loop.create_future()
        done.set_result(finished.value)
        return done
    except BaseException as exc:  # handed to whoever awaits the future
        failed: asyncio.Future[T] = loop.create_future()
        failed.set_exception(exc)
        return failed
    return loop.create_task(_resume(work, waiting_for))


async def _resume(work: Coroutine[Any, Any, T], waiting_for: Any) -> T:
    """Go on with `work`, suspended on `waiting_for` (what its last step yielded: an
    asyncio future, or None for a bare yield such as `asyncio.sleep(0)`)."""
    while True:
        error: BaseException | None = None
        try:
            if waiting_for is None:
                await asyncio.sleep(0)
            else:
                # The very future `work` yielded: once it is done, resuming `work` lets its
                # own await of it return the result (or raise) as usual. Clearing the flag
                # is what a Task does with a future its coroutine yields.
                waiting_for._asyncio_future_blocking = False
                await waiting_for
        except BaseException as exc:  # a cancellation, or the error of the future
            error = exc
        try:
            waiting_for = work.send(None) if error is None else work.throw(error)
        except StopIteration as finished:
            result: T = finished.value
            return result
