"""Liveness: running front ends register a probe; a loop writes heartbeats to the database;
`pullquote healthcheck` (another process) reads them."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.config import Settings
from storage import maintenance
from storage.protocol import Store

log = logging.getLogger(__name__)

BEAT_EVERY = 20.0
STALE_AFTER = dt.timedelta(seconds=90)
"""A heartbeat older than this means the component has stopped showing life."""


@dataclass(slots=True)
class Liveness:
    """Probes registered by the running front ends: name -> "are you connected?"."""

    probes: dict[str, Callable[[], bool]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def register(self, component: str, probe: Callable[[], bool]) -> None:
        """Report `component` alive whenever `probe()` is true (the first beat goes at once)."""
        self.probes[component] = probe
        self.changed.set()

    def unregister(self, component: str) -> None:
        """Stop reporting `component` (it is shutting down)."""
        self.probes.pop(component, None)


async def heartbeat_loop(store: Store, liveness: Liveness, every: float = BEAT_EVERY) -> None:
    """Write a heartbeat for every live component, every `every` seconds, until cancelled."""
    while True:
        liveness.changed.clear()  # before reading probes, so a registration now is not lost
        for component, probe in list(liveness.probes.items()):
            try:
                if probe():
                    await store.beat(component)
            except Exception:  # a failing probe must not stop the other heartbeats
                log.exception("heartbeat of %s failed", component)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(liveness.changed.wait(), timeout=every)


def expected_components(settings: Settings) -> list[str]:
    """The components a healthy running bot keeps beating, from its settings: each
    adapter, and the daily scheduler that runs beside them."""
    adapters = [
        name
        for name, enabled in (
            ("discord", settings.discord_enabled),
            ("slack", settings.slack_enabled),
        )
        if enabled
    ]
    return [*adapters, "scheduler"] if adapters else []


async def check_health(
    db: Path, components: list[str], now: dt.datetime | None = None
) -> tuple[bool, str]:
    """(healthy?, one-line reason): the database opens and passes a quick check, and every
    expected component beat within STALE_AFTER."""
    now = now or dt.datetime.now(dt.UTC)
    try:
        problems = await maintenance.check(db, quick=True)
    except maintenance.DatabaseMissing:
        return False, f"no database at {db} yet"
    except Exception as exc:
        return False, f"database {db} cannot be read: {exc}"
    if problems:
        return False, f"database check failed: {problems[0]}"
    beats = await maintenance.heartbeats(db)
    for component in components:
        last = beats.get(component)
        if last is None:
            return False, f"{component} has not connected yet"
        age = now - last
        if age > STALE_AFTER:
            return False, f"{component} last showed life {int(age.total_seconds())} s ago"
    alive = ", ".join(components) or "no adapters configured"
    return True, f"ok: database sound; {alive}"
