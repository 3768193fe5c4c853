"""The composition root: open the store, build the service, hand both to whoever runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.config import Settings
from bot.core import Core
from bot.health import Liveness
from bot.ingest.sample import load_sample_if_empty
from bot.schedule.clock import Clock, SystemClock
from bot.service import Service
from storage.sqlite import SQLiteStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class App:
    """What the front ends run on: the settings, the store, the service over it, the core
    entry point over the service (`core`, built here on `clock`), and the liveness
    registry."""

    settings: Settings
    store: SQLiteStore
    service: Service
    liveness: Liveness = field(default_factory=Liveness)
    clock: Clock = field(default_factory=SystemClock)
    core: Core = field(init=False)

    def __post_init__(self) -> None:
        core = Core(self.service, self.store.schedules, clock=self.clock)
        object.__setattr__(self, "core", core)


@asynccontextmanager
async def open_app(
    settings: Settings, *, sample: bool | None = None, warm: bool = False
) -> AsyncIterator[App]:
    """Open the database (creating it on first use), load the sample corpus into an empty
    one when enabled, and close everything on the way out. `warm` (long-running modes: the
    bot, the console): read what picks use into memory in the background (`Store.warm`)."""
    path = settings.db_path()
    store = await SQLiteStore.open(path)
    warming: asyncio.Task[None] | None = None
    try:
        if settings.pullquote_sample if sample is None else sample:
            report = await load_sample_if_empty(store)
            if report is not None:
                log.info(
                    "loaded the sample corpus: %d reviews of %d films into %s",
                    report.reviews_added,
                    report.films_added,
                    path,
                )
        if warm:
            warming = asyncio.create_task(_warm(store), name="warm")
        yield App(settings, store, Service(store))
    finally:
        if warming is not None:
            warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await warming
        await store.close()


async def _warm(store: SQLiteStore) -> None:
    started = time.monotonic()
    try:
        entries = await store.warm()
    except Exception:  # a cold cache is slower, not wrong
        log.warning("could not read the pick indexes into memory", exc_info=True)
        return
    log.debug("pick indexes in memory: %d entries in %.2f s", entries, time.monotonic() - started)
