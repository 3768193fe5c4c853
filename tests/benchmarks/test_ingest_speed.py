"""Ingest throughput, reviews/s: the real pipeline (read JSON Lines, extract, store in SQLite).

Generated reviews (corpus.py: real paragraphs recombined, ~3.6 KB each) are written as JSON
Lines files of 100 reviews and ingested with `bot.ingest.ingest_files` into a fresh database,
exactly as `pullquote ingest` does: one transaction per file, extraction in a worker thread.
The figure is the median over repeated runs. Beside it, for reference, the store alone
(`add_reviews` of already-extracted reviews), which is what building the 100k database costs.

Target (issue 8): >= 150 reviews/s. Quick mode ingests fewer reviews and only reports.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import pytest

from bot.ingest.pipeline import ingest_files
from bot.ingest.readers import Defaults
from storage.sqlite import SQLiteStore
from tests.benchmarks import corpus, report

QUICK = report.QUICK
REVIEWS = 300 if QUICK else 1_000
PER_FILE = 100
RUNS = 3
TARGET = 150.0
OFFSET = 5_000_000  # reviews nobody else generates, so no run meets a duplicate


async def _pipeline_rate(folder: Path, files: list[Path]) -> float:
    store = await SQLiteStore.open(folder / "ingest.db")
    try:
        t0 = time.perf_counter()
        result = await ingest_files(files, store, Defaults())
        elapsed = time.perf_counter() - t0
        assert not result.rejected, result.rejected
        assert result.reviews_added == REVIEWS, result
    finally:
        await store.close()
    return REVIEWS / elapsed


async def _store_rate(folder: Path, gen: corpus.Generator) -> float:
    reviews = list(gen.reviews(OFFSET, OFFSET + REVIEWS))
    store = await SQLiteStore.open(folder / "store.db")
    try:
        return await corpus.insert_rate(store, reviews, PER_FILE)
    finally:
        await store.close()


def test_ingest_throughput() -> None:
    if not corpus.shared_available():
        pytest.skip(f"shared corpus not found at {corpus.WIKI}")
    gen = corpus.Generator()
    rates: list[float] = []
    store_rates: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for start in range(0, REVIEWS, PER_FILE):
            path = Path(tmp) / f"batch-{start:05d}.jsonl"
            path.write_text(gen.jsonl(OFFSET + start, OFFSET + start + PER_FILE), "utf-8")
            files.append(path)
        for n in range(RUNS):
            run_dir = Path(tmp) / f"run{n}"
            run_dir.mkdir()
            rates.append(asyncio.run(_pipeline_rate(run_dir, files)))
            store_rates.append(asyncio.run(_store_rate(run_dir, gen)))
    rate = report.median(rates)
    passed = rate >= TARGET
    report.record(
        "ingest_throughput", round(rate, 1), "reviews/s", f">= {TARGET:g}", passed,
        reviews=REVIEWS, runs=RUNS, per_run=[round(r, 1) for r in rates],
        note="read + extract + store, one transaction per 100-review file",
    )
    store_rate = report.median(store_rates)
    report.record(
        "ingest_store_only", round(store_rate, 1), "reviews/s", report.REFERENCE, True,
        reviews=REVIEWS, runs=RUNS, note="add_reviews of pre-extracted reviews",
    )
    print(f"\ningest: {rate:.0f} reviews/s end to end; store alone {store_rate:.0f} reviews/s")
    if not QUICK:
        assert passed, f"ingest {rate:.0f} reviews/s is below {TARGET:g}"
