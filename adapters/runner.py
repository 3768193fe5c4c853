"""Wiring the front ends together at start-up: which adapters run (from the settings), the
daily scheduler and the heartbeats beside them, until a signal; then a clean stop.

This is the one place that knows every adapter (`pullquote run` calls it); the core in
bot/ knows none of them."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import signal
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from bot.app import App
from bot.health import heartbeat_loop
from bot.heap import tune_for_serving
from bot.schedule.poster import Poster
from bot.schedule.scheduler import Scheduler

log = logging.getLogger(__name__)

Frontend = Callable[[App], Coroutine[Any, Any, None]]
SHUTDOWN_SECONDS = 8.0
"""How long front ends get to finish in-flight work after SIGTERM (containers allow 10 s)."""


def configured_frontends(app: App, posters: dict[str, Poster]) -> dict[str, Frontend]:
    """The adapters the settings enable, imported only when enabled; each adds its poster
    to `posters` once connected, for the daily scheduler."""
    frontends: dict[str, Frontend] = {}
    if app.settings.discord_enabled:
        from adapters.discord import run_discord

        frontends["discord"] = functools.partial(run_discord, posters=posters)
    if app.settings.slack_enabled:
        from adapters.slack import run_slack

        frontends["slack"] = functools.partial(run_slack, posters=posters)
    return frontends


async def run_scheduler(
    app: App, posters: Mapping[str, Poster], *, stop: asyncio.Event | None = None
) -> None:
    """Run the daily-post scheduler for `app` until `stop` is set or the task is cancelled.

    `posters` maps platform names to posters and is read at every tick, so the adapters can
    add theirs once their clients are connected (see `discord_poster` / `slack_poster`)."""
    settings = app.settings
    scheduler = Scheduler(
        app.store.schedules,
        app.store,
        posters,
        clock=app.clock,
        grace=dt.timedelta(hours=settings.daily_grace_hours),
        concurrency=settings.daily_concurrency,
        on_shown=app.service.shown_elsewhere,
    )
    app.liveness.register("scheduler", lambda: True)
    try:
        await scheduler.run_forever(stop or asyncio.Event())
    finally:
        app.liveness.unregister("scheduler")


async def run_until_stopped(
    app: App, frontends: dict[str, Frontend], posters: dict[str, Poster]
) -> None:
    """Run every front end and the daily scheduler until SIGTERM/SIGINT or until a front end
    fails. Shutting down, the scheduler finishes the posts it has started (while the front
    ends can still send them), then the front ends get to close their connections; all
    within SHUTDOWN_SECONDS."""
    tune_for_serving()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    tasks: dict[asyncio.Task[None], str] = {
        asyncio.create_task(run(app), name=name): name for name, run in frontends.items()
    }
    stopper = asyncio.create_task(stop.wait(), name="signal")
    beats = asyncio.create_task(heartbeat_loop(app.store, app.liveness), name="heartbeats")
    scheduler = asyncio.create_task(run_scheduler(app, posters, stop=stop), name="scheduler")
    stopper_fired = False
    try:
        done, _ = await asyncio.wait(
            [*tasks, stopper, scheduler], return_when=asyncio.FIRST_COMPLETED
        )
        if scheduler in done and not scheduler.cancelled() and scheduler.exception():
            log.error("the daily scheduler stopped: %r", scheduler.exception())
        for task, name in tasks.items():
            if task in done and not task.cancelled() and task.exception() is not None:
                log.error("%s stopped: %r", name, task.exception())
        stopper_fired = stopper in done
        if stopper_fired:
            log.info("signal received: shutting down")
    finally:
        stop.set()
        stopper.cancel()
        beats.cancel()
        deadline = loop.time() + SHUTDOWN_SECONDS
        try:
            await asyncio.wait_for(scheduler, timeout=SHUTDOWN_SECONDS / 2)
        except (TimeoutError, asyncio.CancelledError):
            log.warning("daily posts still in flight at shutdown; they resume on restart")
        except Exception:
            log.exception("the scheduler failed while stopping")
        for task in tasks:
            task.cancel()
        remaining = max(0.5, deadline - loop.time())
        _, pending = await asyncio.wait(tasks, timeout=remaining) if tasks else ((), ())
        for task in pending:
            log.warning("%s did not stop in time", tasks[task])
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
    failed = [t for t in tasks if t.done() and not t.cancelled() and t.exception() is not None]
    if failed and not stopper_fired:
        exc = failed[0].exception()
        assert exc is not None
        raise exc
    if scheduler.done() and not scheduler.cancelled() and not stopper_fired:
        exc = scheduler.exception()
        if exc is not None:
            raise exc
