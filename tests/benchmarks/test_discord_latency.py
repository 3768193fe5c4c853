"""INTERACTION_CREATE-to-callback latency through the loopback Discord fake.

Ours: `/quote film:Nosferatu` (a real pick from SQLite, rendered, with preview buttons).
Bare: a plain discord.py client whose one command answers static text. Both are timed from
the moment the fake sends INTERACTION_CREATE to the moment the callback POST arrives.
Targets: our p99 <= 20 ms and within 1.5x of the bare command's p99. Figures are merged into
bench-results.json; targets are asserted unless PULLQUOTE_BENCH_QUICK is set."""

from __future__ import annotations

import asyncio
import json
import os
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
from tests.discord_fake import FakeDiscord, callback_path, running

QUICK = bool(os.environ.get("PULLQUOTE_BENCH_QUICK"))
WARMUP = 20 if QUICK else 50
SAMPLES = 60 if QUICK else 400
P99_TARGET_MS = 20.0
RATIO_TARGET = 1.5
RESULTS = Path(__file__).resolve().parents[2] / "bench-results.json"

Send = Callable[[FakeDiscord], Awaitable[dict[str, Any]]]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def _measure(fake: FakeDiscord, send: Send) -> list[float]:
    samples: list[float] = []
    for i in range(WARMUP + SAMPLES):
        mark = len(fake.calls)
        payload = await send(fake)
        (call,) = await fake.wait_for("POST", callback_path(payload), since=mark)
        if i >= WARMUP:
            samples.append(fake.latency(payload, call) * 1000)
    return samples


def _bare_client() -> discord.Client:
    client = discord.Client(intents=discord.Intents(guilds=True))
    tree = app_commands.CommandTree(client)

    @tree.command(name="ping", description="Static text")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    return client


async def _bare() -> list[float]:
    async with FakeDiscord() as fake:
        use_endpoints(fake.api_base, fake.gateway_url)
        client = _bare_client()
        client._connection.guild_ready_timeout = 0.01
        async with running(client, fake):
            return await _measure(fake, lambda f: f.slash("ping"))


async def _ours(db: Path) -> list[float]:
    store = await SQLiteStore.open(db)
    try:
        await load_sample_if_empty(store)
        async with FakeDiscord() as fake:
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


def _merge(results: dict[str, dict[str, Any]]) -> None:
    data: dict[str, Any] = {}
    if RESULTS.exists():
        try:
            data = json.loads(RESULTS.read_text())
        except json.JSONDecodeError:
            data = {}
    data.update(results)
    RESULTS.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def test_interaction_to_callback_latency() -> None:
    with tempfile.TemporaryDirectory() as tmp:

        async def both() -> tuple[list[float], list[float]]:
            bare = await _bare()
            ours = await _ours(Path(tmp) / "bench.db")
            return bare, ours

        bare, ours = asyncio.run(both())
    use_endpoints(None, None)

    bare_p50, bare_p99 = statistics.median(bare), _percentile(bare, 0.99)
    ours_p50, ours_p99 = statistics.median(ours), _percentile(ours, 0.99)
    ratio = ours_p99 / bare_p99
    p99_ok = ours_p99 <= P99_TARGET_MS
    ratio_ok = ratio <= RATIO_TARGET
    common = {"samples": SAMPLES, "quick": QUICK}
    _merge(
        {
            "discord_callback_p99": {
                "value": round(ours_p99, 2), "unit": "ms", "target": f"<= {P99_TARGET_MS:g}",
                "passed": p99_ok, "p50": round(ours_p50, 2), **common,
            },
            "discord_callback_bare_p99": {
                "value": round(bare_p99, 2), "unit": "ms", "target": "reference",
                "passed": True, "p50": round(bare_p50, 2), **common,
            },
            "discord_callback_vs_bare": {
                "value": round(ratio, 2), "unit": "x (p99 ours / p99 bare)",
                "target": f"<= {RATIO_TARGET:g}", "passed": ratio_ok,
                "p50_ratio": round(ours_p50 / bare_p50, 2), **common,
            },
        }
    )
    print(
        f"\nDiscord callback latency: ours p50 {ours_p50:.2f} ms, p99 {ours_p99:.2f} ms; "
        f"bare p50 {bare_p50:.2f} ms, p99 {bare_p99:.2f} ms; p99 ratio {ratio:.2f}x"
    )
    if not QUICK:
        assert p99_ok, f"p99 {ours_p99:.2f} ms > {P99_TARGET_MS} ms"
        assert ratio_ok, f"p99 {ratio:.2f}x the bare command's (target {RATIO_TARGET}x)"
