"""Ingest targets of every kind in one call: files and folders, http(s) URLs, and
`wikipedia:` titles. Each target is one transaction (all of its reviews or none) and one
report line when rejected; URLs and articles are fetched through the one safe fetcher."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.errors import UserError
from bot.ingest.files import FoundFiles, find_files
from bot.ingest.pipeline import IngestReport, prepare_file, prepare_review
from bot.ingest.readers import Defaults, RejectedFile
from bot.ingest.webpage import read_web_page
from bot.ingest.wikipedia import WikipediaClient, is_wikipedia_target, read_article
from bot.web.addresses import AddressPolicy
from bot.web.body import PAGE_TYPES
from bot.web.fetcher import Fetcher
from storage.protocol import Store
from storage.records import NewReview

log = logging.getLogger(__name__)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,15}://")


@dataclass(frozen=True, slots=True)
class WebSettings:
    """What fetching needs from the settings."""

    allow_private: bool = False
    wikipedia_api_url: str = "https://en.wikipedia.org/w/api.php"


def web_settings(settings: Settings) -> WebSettings:
    """The fetching part of the settings."""
    return WebSettings(
        allow_private=settings.pullquote_allow_private_urls,
        wikipedia_api_url=settings.wikipedia_api_url,
    )


def is_url(target: str) -> bool:
    """Whether a target is a URL rather than a file (any scheme: the fetcher refuses all
    but http and https with a clear line)."""
    return _SCHEME.match(target) is not None


def expand_targets(
    targets: Sequence[str], *, follow_links: bool = False
) -> tuple[list[str | Path], FoundFiles]:
    """Targets in order, folders expanded to their review files; and what finding the files
    passed over or could not read (see `find_files`)."""
    out: list[str | Path] = []
    found = FoundFiles()
    for target in targets:
        if is_url(target) or is_wikipedia_target(target):
            out.append(target)
        else:
            part = find_files([Path(target)], follow_links=follow_links)
            out.extend(part.files)
            found.files.extend(part.files)
            found.skipped.extend(part.skipped)
            found.rejected.extend(part.rejected)
    return out, found


async def prepare_url(url: str, fetcher: Fetcher, flags: Defaults) -> list[NewReview]:
    """Fetch a review page and read it into a review ready to store."""
    page = await fetcher.fetch(url, accept=PAGE_TYPES)
    review = await asyncio.to_thread(read_web_page, page, flags)
    return [await asyncio.to_thread(prepare_review, review, page.url)]


async def prepare_wikipedia(
    target: str, client: WikipediaClient, flags: Defaults
) -> list[NewReview]:
    """Read a `wikipedia:` target's article into a review ready to store."""
    article = await client.article(target)
    review = await asyncio.to_thread(read_article, article, flags)
    return [await asyncio.to_thread(prepare_review, review, f"wikipedia:{article.title}")]


async def ingest_targets(
    targets: Sequence[str | Path],
    store: Store,
    flags: Defaults,
    *,
    web: WebSettings | None = None,
    fetcher: Fetcher | None = None,
    on_item: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest files, URLs and `wikipedia:` targets, one transaction each; rejected targets
    are listed in the report with one line each. A fetcher is opened only when needed."""
    web = web or WebSettings()
    report = IngestReport()
    async with AsyncExitStack() as stack:
        for target in targets:
            report.files += 1
            name = str(target)
            try:
                if isinstance(target, Path):
                    reviews = await asyncio.to_thread(prepare_file, target, flags)
                else:
                    if fetcher is None:
                        policy = AddressPolicy(allow_private=web.allow_private)
                        fetcher = await stack.enter_async_context(Fetcher(policy=policy))
                    if is_wikipedia_target(target):
                        client = WikipediaClient(fetcher, web.wikipedia_api_url)
                        reviews = await prepare_wikipedia(target, client, flags)
                    else:
                        reviews = await prepare_url(target, fetcher, flags)
                outcomes = await store.add_reviews(reviews)
            except (RejectedFile, UserError) as exc:
                report.rejected.append((name, str(exc)))
            except OSError as exc:
                report.rejected.append((name, f"cannot read it: {exc.strerror or exc}"))
            except Exception as exc:  # a bug or a store failure must not stop the batch
                log.exception("ingest of %s failed", name)
                report.rejected.append((name, f"could not store it ({type(exc).__name__})"))
            else:
                report.count(outcomes)
            if on_item is not None:
                on_item(name)
    return report
