"""Extraction throughput on ~5 KB Wikipedia film articles, one core, median of repeated runs.

Writes its figure into `bench-results.json` at the repo root (merged with the other benchmarks')
and asserts the issue-8 target, >= 200 articles/s, except in quick mode
(PULLQUOTE_BENCH_QUICK=1), which runs fewer repeats and only reports.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

from bot.extract import Context, extract
from tests.benchmarks import report
from tests.benchmarks.report import record

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "wikipedia-films"
NAME = "extraction_throughput"
TARGET = 200.0
QUICK = report.QUICK


def _articles() -> list[str]:
    if not CORPUS.is_dir():
        pytest.skip(f"wikipedia corpus not found at {CORPUS} (shared data sits beside the clone)")
    return [
        p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md")) if p.name != "README.md"
    ]


def test_extraction_throughput() -> None:
    articles = _articles()
    ctx = Context()
    for text in articles:  # warm-up: regex compilation, import-time caches
        extract(text, ctx)
    repeats = 3 if QUICK else 9
    rates: list[float] = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for text in articles:
            extract(text, ctx)
        rates.append(len(articles) / (time.perf_counter() - t0))
    rate = statistics.median(rates)
    mean_kb = sum(len(t.encode()) for t in articles) / len(articles) / 1024
    passed = rate >= TARGET
    record(
        NAME,
        round(rate, 1),
        "articles/s",
        f">= {TARGET:.0f}",
        passed,
        articles=len(articles),
        mean_kb=round(mean_kb, 2),
        repeats=repeats,
        quick=QUICK,
    )
    print(f"\nextraction: {rate:.0f} articles/s (median of {repeats}, {mean_kb:.1f} KB mean)")
    if not QUICK:
        assert passed, f"extraction {rate:.0f} articles/s is below the target {TARGET:.0f}"
