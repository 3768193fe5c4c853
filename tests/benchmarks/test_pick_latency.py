"""Pick and search latency of the core + store (no network), at growing corpus sizes.

`Service.quote` and `Service.review` run against the cached benchmark databases (see
corpus.py) with a realistic mix of filters; `Service.search` with common and rare words.
Each figure is the median, over repeated runs, of that run's p50 or p99; the 100k/1k ratio
compares p99s measured in the same run of this test.

Targets (issue 8): pick p99 <= 2 ms at 100k and the 100k/1k p99 ratio <= 2; search p99 <=
20 ms at 100k. Quick mode (PULLQUOTE_BENCH_QUICK=1) uses 1k and 10k reviews, fewer samples,
and only reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest

from bot.errors import UserError
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests.benchmarks import corpus, report
from tests.interpreter import as_when_serving

QUICK = report.QUICK
SMALL = 1_000
LARGE = 10_000 if QUICK else 100_000
SIZES = (SMALL, LARGE) if QUICK else (SMALL, 10_000, LARGE)
RUNS = 3 if QUICK else 5
PICKS = 300 if QUICK else 1_000
SEARCHES = 100 if QUICK else 300
WARMUP = 100
PICK_P99_MS = 2.0
RATIO = 2.0
SEARCH_P99_MS = 20.0
CHANNELS = 200


@dataclass
class Workload:
    """The commands one run sends, drawn once per size from what the database holds."""

    quotes: list[dict[str, str | None]]
    reviews: list[str | None]
    searches: list[str]


async def _workload(store: SQLiteStore, rng: random.Random) -> Workload:
    films = await store.films()
    titles = [f"{f.title} ({f.year})" if f.year else f.title for f in films]
    # Outlets and critics of critic quotes, with their frequencies: popular ones are asked
    # for more often (and are the expensive ones: they match the most snippets).
    conn = store._conn  # a benchmark may peek: it only reads what the workload should ask
    outlets = Counter(
        {
            str(o): int(n)
            for o, n in await conn.execute_fetchall(
                "SELECT outlet, count(*) FROM snippets WHERE kind = 'critic_quote'"
                " AND outlet IS NOT NULL GROUP BY outlet_norm"
            )
        }
    )
    critics = Counter(
        {
            str(c): int(n)
            for c, n in await conn.execute_fetchall(
                "SELECT critic, count(*) FROM snippets WHERE kind = 'critic_quote'"
                " AND critic IS NOT NULL GROUP BY critic_norm"
            )
        }
    )
    outlet_names, outlet_weights = zip(*outlets.items(), strict=True)
    critic_names, critic_weights = zip(*critics.items(), strict=True)
    quotes: list[dict[str, str | None]] = []
    for _ in range(PICKS):
        r = rng.random()
        if r < 0.4:
            quotes.append({})
        elif r < 0.7:
            quotes.append({"film": rng.choice(titles)})
        elif r < 0.85:
            quotes.append({"outlet": rng.choices(outlet_names, outlet_weights)[0]})
        else:
            quotes.append({"critic": rng.choices(critic_names, critic_weights)[0]})
    reviews = [rng.choice(titles) if rng.random() < 0.4 else None for _ in range(PICKS)]
    common = ["film", "the film", "performance", "story", "best", "director", "horror"]
    rare = ["haunting", "shot beautifully", "sequel", "box office", "unsettling", "Murnau",
            "zzzzunknown", "score music", "critics praised", "vampire"]
    searches = [rng.choice(common if rng.random() < 0.5 else rare) for _ in range(SEARCHES)]
    return Workload(quotes, reviews, searches)


async def _time(calls: list[Callable[[], Awaitable[object]]]) -> list[float]:
    """Milliseconds per call; a user error (nothing matches) counts like an answer."""
    out: list[float] = []
    for call in calls:
        t0 = time.perf_counter()
        with contextlib.suppress(UserError):
            await call()
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def _measure_size(size: int) -> dict[str, list[tuple[float, float]]]:
    """{command: [(p50, p99) per run]} for one database size."""
    info = corpus.database(size)
    store = await SQLiteStore.open(info.path)
    try:
        service = Service(store, rng=random.Random(11))
        # A fresh workload (films, critics, outlets) for every run: the service
        # keeps candidate pools in memory, and repeating one workload would mostly measure
        # its warm pools. Long-tail filters here meet cold pools, as they would in use.
        loads = [await _workload(store, random.Random(size * 10 + run)) for run in range(RUNS + 1)]
        await service.film_index()
        # What the running bot reads into memory in the background at start (`open_app`
        # with warm=True): this measures a bot that has been up for a few seconds.
        await store.warm()

        def quote_calls(load: Workload, run: int) -> list[Callable[[], Awaitable[object]]]:
            return [
                lambda q=q, i=i: service.quote(channel=f"c{i % CHANNELS}", **q)  # type: ignore[misc]
                for i, q in enumerate(load.quotes)
            ]

        def review_calls(load: Workload, run: int) -> list[Callable[[], Awaitable[object]]]:
            return [
                lambda f=f, i=i: service.review(film=f, channel=f"c{i % CHANNELS}")
                for i, f in enumerate(load.reviews)
            ]

        def search_calls(load: Workload, run: int) -> list[Callable[[], Awaitable[object]]]:
            return [lambda t=t: service.search(text=t) for t in load.searches]

        warm = loads[0]
        await _time(
            quote_calls(warm, 0)[:WARMUP] + review_calls(warm, 0)[:WARMUP]
            + search_calls(warm, 0)[:20]
        )
        runs: dict[str, list[tuple[float, float]]] = {"quote": [], "review": [], "search": []}
        for run, load in enumerate(loads[1:], start=1):
            gc.collect()
            for name, make in (
                ("quote", quote_calls),
                ("review", review_calls),
                ("search", search_calls),
            ):
                ms = await _time(make(load, run))
                runs[name].append((report.median(ms), report.percentile(ms, 0.99)))
        return runs
    finally:
        await store.close()


def _label(size: int) -> str:
    return f"{size // 1000}k"


def test_pick_and_search_latency() -> None:
    if not corpus.shared_available():
        pytest.skip(f"shared corpus not found at {corpus.WIKI}")
    # The interpreter settings of the running bot: background reads (pool top-ups, rows
    # fetched ahead) hand the GIL back within 0.5 ms, not 5 ms.
    with as_when_serving():
        results = {size: asyncio.run(_measure_size(size)) for size in SIZES}
    failures: list[str] = []
    common = {"runs": RUNS, "samples_per_run": PICKS}
    for name in ("quote", "review"):
        for size in SIZES:
            p50 = report.median(p for p, _ in results[size][name])
            p99 = report.median(p for _, p in results[size][name])
            is_large = size == LARGE
            target = f"<= {PICK_P99_MS:g}" if is_large else report.REFERENCE
            passed = p99 <= PICK_P99_MS if is_large else True
            report.record(
                f"pick_{name}_p99_{_label(size)}", round(p99, 3), "ms", target, passed,
                p50=round(p50, 3), size=size, **common,
            )
            if not passed:
                failures.append(f"{name} p99 {p99:.2f} ms at {_label(size)}")
        # The ratio is taken run by run (same run, same process), then the median.
        ratios = [
            big[1] / small[1]
            for big, small in zip(results[LARGE][name], results[SMALL][name], strict=True)
        ]
        ratio = report.median(ratios)
        report.record(
            f"pick_{name}_p99_ratio_{_label(LARGE)}_vs_{_label(SMALL)}", round(ratio, 2), "x",
            f"<= {RATIO:g}", ratio <= RATIO, per_run=[round(r, 2) for r in ratios], **common,
        )
        if ratio > RATIO:
            failures.append(f"{name} p99 ratio {ratio:.2f}x")
    for size in SIZES:
        p50 = report.median(p for p, _ in results[size]["search"])
        p99 = report.median(p for _, p in results[size]["search"])
        is_large = size == LARGE
        passed = p99 <= SEARCH_P99_MS if is_large else True
        report.record(
            f"search_p99_{_label(size)}", round(p99, 3), "ms",
            f"<= {SEARCH_P99_MS:g}" if is_large else report.REFERENCE, passed,
            p50=round(p50, 3), size=size, runs=RUNS, samples_per_run=SEARCHES,
        )
        if not passed:
            failures.append(f"search p99 {p99:.2f} ms at {_label(size)}")
    for size in SIZES:
        line = ", ".join(
            f"{name} p50 {report.median(p for p, _ in results[size][name]):.2f}"
            f"/p99 {report.median(p for _, p in results[size][name]):.2f} ms"
            for name in ("quote", "review", "search")
        )
        print(f"\n{_label(size)}: {line}")
    if not QUICK:
        assert not failures, "; ".join(failures)
