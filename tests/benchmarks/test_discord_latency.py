"""INTERACTION_CREATE-to-callback latency through the loopback Discord fake.

Ours: `/quote film:Nosferatu` (a real pick from SQLite, rendered, with preview buttons).
Bare: a plain discord.py client whose one command answers static text. Both are timed from
the moment the fake sends INTERACTION_CREATE to the moment the callback POST arrives.
Targets: our p99 <= 20 ms and within 1.5x of the bare command's p99. The two alternate over
several rounds in one run (the machine is shared: alternating spreads any disturbance over
both), with the running bot's interpreter settings (`tune_for_serving`); each round gives a
p50, a p99 and the p99 ratio, and each figure is the median over the rounds. Figures are
merged into bench-results.json (tests/benchmarks/report.py); targets are asserted unless
PULLQUOTE_BENCH_QUICK is set."""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from adapters.discord.bot import build_client, use_endpoints
from bot.app import App
from bot.config import Settings
from bot.ingest.sample import load_sample_if_empty
from bot.service import Service
from storage.sqlite import SQLiteStore
from tests.benchmarks import report
from tests.discord_fake import FakeDiscord, running
from tests.interpreter import as_when_serving

QUICK = report.QUICK
WARMUP = 20 if QUICK else 50
# A p99 over 400 samples is the 4th-worst of them, and one scheduling hiccup of the shared
# machine moved a round's ratio from 1.2 to 2.2: 1,000 samples and 7 rounds steady it.
SAMPLES = 100 if QUICK else 1000
ROUNDS = 2 if QUICK else 7
P99_TARGET_MS = 20.0
RATIO_TARGET = 1.5

Send = Callable[[FakeDiscord], Awaitable[dict[str, Any]]]


async def _measure(fake: FakeDiscord, send: Send) -> list[float]:
    samples: list[float] = []
    gc.collect()
    for i in range(WARMUP + SAMPLES):
        mark = len(fake.calls)
        payload = await send(fake)
        # Wait for any POST and compare paths after: a path regex would be compiled for
        # every interaction (a new id each time), ~0.4 ms of the harness's own work inside
        # the timed window, on the same event loop as the bot under test.
        expected = f"/interactions/{payload['id']}/{payload['token']}/callback"
        while True:
            calls = await fake.wait_for("POST", since=mark)
            mark += len(calls)
            done = [c for c in calls if c.path == expected]
            if done:
                break
        if i >= WARMUP:
            samples.append(fake.latency(payload, done[0]) * 1000)
    return samples


def _bare_client() -> discord.Client:
    client = discord.Client(intents=discord.Intents(guilds=True))
    tree = app_commands.CommandTree(client)

    @tree.command(name="ping", description="Static text")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    return client


async def _bare() -> list[float]:
    async with FakeDiscord(validate=False) as fake:
        use_endpoints(fake.api_base, fake.gateway_url)
        client = _bare_client()
        client._connection.guild_ready_timeout = 0.01
        async with running(client, fake):
            return await _measure(fake, lambda f: f.slash("ping"))


async def _ours(db: Path) -> list[float]:
    store = await SQLiteStore.open(db)
    try:
        await load_sample_if_empty(store)
        async with FakeDiscord(validate=False) as fake:
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                discord_token="fake-token",  # type: ignore[arg-type]
                discord_api_base=fake.api_base,
                discord_gateway_url=fake.gateway_url,
                pullquote_db=db,
            )
            app = App(settings, store, Service(store, rng=random.Random(3)))
            client = build_client(app, guild_ready_timeout=0.01)
            async with running(client, fake):
                return await _measure(fake, lambda f: f.slash("quote", {"film": "Nosferatu"}))
    finally:
        await store.close()


def test_interaction_to_callback_latency() -> None:
    rounds: list[tuple[list[float], list[float]]] = []
    # Both clients run with the interpreter settings of the running bot (`run_until_stopped`).
    with tempfile.TemporaryDirectory() as tmp, as_when_serving():
        for n in range(ROUNDS):

            async def both(n: int = n) -> tuple[list[float], list[float]]:
                bare = await _bare()
                ours = await _ours(Path(tmp) / f"bench{n}.db")
                return bare, ours

            rounds.append(asyncio.run(both()))
    use_endpoints(None, None)

    def p50s(which: int) -> list[float]:
        return [statistics.median(r[which]) for r in rounds]

    def p99s(which: int) -> list[float]:
        return [report.percentile(r[which], 0.99) for r in rounds]

    bare_p50, bare_p99 = report.median(p50s(0)), report.median(p99s(0))
    ours_p50, ours_p99 = report.median(p50s(1)), report.median(p99s(1))
    ratios = [o / b for o, b in zip(p99s(1), p99s(0), strict=True)]
    p50_ratios = [o / b for o, b in zip(p50s(1), p50s(0), strict=True)]
    ratio = report.median(ratios)
    p99_ok = ours_p99 <= P99_TARGET_MS
    ratio_ok = ratio <= RATIO_TARGET
    common = {"samples": SAMPLES, "rounds": ROUNDS}
    report.record(
        "discord_callback_p99", round(ours_p99, 2), "ms", f"<= {P99_TARGET_MS:g}", p99_ok,
        p50=round(ours_p50, 2), **common,
    )
    report.record(
        "discord_callback_bare_p99", round(bare_p99, 2), "ms", report.REFERENCE, True,
        p50=round(bare_p50, 2), **common,
    )
    report.record(
        "discord_callback_vs_bare", round(ratio, 2), "x (p99 ours / p99 bare)",
        f"<= {RATIO_TARGET:g}", ratio_ok, p50_ratio=round(report.median(p50_ratios), 2),
        per_round=[round(r, 2) for r in ratios], **common,
    )
    print(
        f"\nDiscord callback latency: ours p50 {ours_p50:.2f} ms, p99 {ours_p99:.2f} ms; "
        f"bare p50 {bare_p50:.2f} ms, p99 {bare_p99:.2f} ms; p99 ratio {ratio:.2f}x "
        f"(rounds: {', '.join(f'{r:.2f}' for r in ratios)})"
    )
    if not QUICK:
        assert p99_ok, f"p99 {ours_p99:.2f} ms > {P99_TARGET_MS} ms"
        assert ratio_ok, f"p99 {ratio:.2f}x the bare command's (target {RATIO_TARGET}x)"
