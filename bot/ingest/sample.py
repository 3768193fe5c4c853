"""The bundled sample corpus: original sample reviews loaded into an empty database."""

from __future__ import annotations

from importlib.resources import as_file, files
from typing import TYPE_CHECKING

from storage.protocol import Store

if TYPE_CHECKING:
    from bot.ingest.pipeline import IngestReport


async def load_sample_if_empty(store: Store) -> IngestReport | None:
    """Load the sample reviews when the store holds no review yet; None when it had some.
    (Extraction is imported only when there is something to load: a command on a filled
    database does not pay for it.)"""
    if (await store.counts()).reviews:
        return None
    from bot.ingest.files import find_files
    from bot.ingest.pipeline import ingest_files
    from bot.ingest.readers import Defaults

    with as_file(files("bot.sample")) as folder:
        return await ingest_files(find_files([folder]).files, store, Defaults())
