"""Run the configured front ends side by side until a signal, then stop them cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import Any

from bot.app import App
from bot.health import heartbeat_loop

log = logging.getLogger(__name__)

Frontend = Callable[[App], Coroutine[Any, Any, None]]
SHUTDOWN_SECONDS = 8.0
"""How long front ends get to finish in-flight work after SIGTERM (containers allow 10 s)."""


def configured_frontends(app: App) -> dict[str, Frontend]:
    """The adapters the settings enable, imported only when enabled."""
    frontends: dict[str, Frontend] = {}
    if app.settings.discord_enabled:
        from adapters.discord import run_discord

        frontends["discord"] = run_discord
    if app.settings.slack_enabled:
        from adapters.slack import run_slack

        frontends["slack"] = run_slack
    return frontends


async def run_until_stopped(app: App, frontends: dict[str, Frontend]) -> None:
    """Run every front end until SIGTERM/SIGINT or until one of them fails; then cancel
    the rest and give them SHUTDOWN_SECONDS to close their connections."""
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
    try:
        done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
        for task, name in tasks.items():
            if task in done and not task.cancelled() and task.exception() is not None:
                log.error("%s stopped: %r", name, task.exception())
        if stopper in done:
            log.info("signal received: shutting down")
    finally:
        stopper.cancel()
        beats.cancel()
        for task in tasks:
            task.cancel()
        _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_SECONDS) if tasks else ((), ())
        for task in pending:
            log.warning("%s did not stop within %.0f s", tasks[task], SHUTDOWN_SECONDS)
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
    failed = [t for t in tasks if t.done() and not t.cancelled() and t.exception() is not None]
    if failed and not stop.is_set():
        exc = failed[0].exception()
        assert exc is not None
        raise exc
