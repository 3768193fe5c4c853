"""The bundled sample corpus: original sample reviews loaded into an empty database."""

from __future__ import annotations

from importlib.resources import as_file, files

from bot.ingest.files import find_files
from bot.ingest.pipeline import IngestReport, ingest_files
from bot.ingest.readers import Defaults
from storage.protocol import Store


async def load_sample_if_empty(store: Store) -> IngestReport | None:
    """Load the sample reviews when the store holds no review yet; None when it had some."""
    if (await store.counts()).reviews:
        return None
    with as_file(files("bot.sample")) as folder:
        return await ingest_files(find_files([folder]).files, store, Defaults())
