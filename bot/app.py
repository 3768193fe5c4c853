"""The composition root: open the store, build the service, hand both to whoever runs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.config import Settings
from bot.health import Liveness
from bot.ingest.sample import load_sample_if_empty
from bot.service import Service
from storage.sqlite import SQLiteStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class App:
    settings: Settings
    store: SQLiteStore
    service: Service
    liveness: Liveness = field(default_factory=Liveness)


@asynccontextmanager
async def open_app(settings: Settings, *, sample: bool | None = None) -> AsyncIterator[App]:
    """Open the database (creating it on first use), load the sample corpus into an empty
    one when enabled, and close everything on the way out."""
    path = settings.db_path()
    store = await SQLiteStore.open(path)
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
        yield App(settings, store, Service(store))
    finally:
        await store.close()
