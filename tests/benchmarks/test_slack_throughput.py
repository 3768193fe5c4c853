"""Signed slash commands per second through the real Slack HTTP app on loopback, beside a bare
Bolt app that acks with static text, in the same run.

The app under test runs in a child process (as in production, Slack is elsewhere); this
process is Slack: it signs and sends commands from concurrent connections and serves the
loopback fake that receives any response_url replies. Both apps answer in the ack: the bare
app with static text, Pullquote with the real answer (Block Kit for a quote, review, release
or help, from the database) when it is ready within its ack budget, which it is unless the
machine is overloaded. A command counts as done when its answer has arrived, in the ack or
(if the ack came back empty) via response_url, so the rate is end to end and an empty ack
does not flatter it; p50/p99 are ack latencies, which is what Slack's 3 s limit is about.
Targets (issue 5): p99 <= 50 ms, throughput within 1.5x of the bare app; every figure is the
median over rounds, the ratio the median of the per-round ratios. Quick mode
(PULLQUOTE_BENCH_QUICK=1) sends fewer commands, runs two rounds and only reports."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing as mp
import statistics
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from tests.benchmarks import report
from tests.benchmarks.report import record
from tests.slack_fake import BOT_TOKEN, SIGNING_SECRET, FakeSlack, command_body, sign

ROOT = Path(__file__).resolve().parents[2]
QUICK = report.QUICK
CONCURRENCY = 16
COMMANDS = 400 if QUICK else 3000
WARMUP = 100 if QUICK else 300
# Per-round ratios on a shared 2-core machine range from about 1.1 to 1.9 for the same code
# (the bare app alone from 3,500 to 5,700 commands/s): seven rounds keep the median steady.
ROUNDS = 2 if QUICK else 7
P99_TARGET_MS = 50.0
RATIO_TARGET = 1.5
MIX = ("quote", "quote nosferatu", "review", "review metropolis", "release metropolis", "help")


# -- the child process: one app under test ---------------------------------------------------


async def _serve(kind: str, api_url: str, db: str, conn: Connection) -> None:
    from adapters.slack import build_slack_adapter, make_client, web_app
    from bot.app import App
    from bot.config import Settings
    from bot.service import Service
    from tests.test_slack import open_store

    logging.basicConfig(level=logging.WARNING)
    values: dict[str, Any] = {
        "pullquote_db": Path(db),
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": api_url,
    }
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    async with aiohttp.ClientSession() as session:
        client = make_client(settings, session=session)
        store = None
        if kind == "pullquote":
            store = await open_store(settings.db_path())
            adapter = build_slack_adapter(App(settings, store, Service(store)), client=client)
            assert adapter.bolt is not None
            application = web_app(adapter)
        else:
            from slack_bolt.app.async_app import AsyncApp
            from slack_bolt.context.ack.async_ack import AsyncAck

            bare = AsyncApp(
                name="bare",
                client=client,
                signing_secret=SIGNING_SECRET,
                process_before_response=True,
            )

            async def static(ack: AsyncAck) -> None:
                await ack("A bit wonderful. — LA Times")

            bare.command("/pullquote")(static)
            application = bare.web_app(path="/slack/events")
        if kind == "pullquote":
            from bot.heap import tune_for_serving

            tune_for_serving()  # as `run_until_stopped` does once the bot has started
        runner = web.AppRunner(application, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        conn.send(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        cpu0 = time.process_time()
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        conn.send(time.process_time() - cpu0)
        await runner.cleanup()
        if store is not None:
            await store.close()


def _child(kind: str, api_url: str, db: str, conn: Connection) -> None:
    asyncio.run(_serve(kind, api_url, db, conn))


# -- this process: Slack ---------------------------------------------------------------------


async def _load(
    http: aiohttp.ClientSession, url: str, fake: FakeSlack, count: int
) -> tuple[list[float], float, int]:
    """Send `count` signed commands over CONCURRENCY connections; ack latencies (s), the
    wall time until the last ack, and how many acks carried an answer (a non-empty body)."""
    latencies: list[float] = []
    sent = answered = 0
    t0 = time.perf_counter()

    async def worker() -> None:
        nonlocal sent, answered
        while sent < count:
            text = MIX[sent % len(MIX)]
            sent += 1
            body = command_body(text, response_url=fake.response_url())
            headers = sign(body)
            start = time.perf_counter()
            async with http.post(url, data=body, headers=headers) as resp:
                answer = await resp.read()
                assert resp.status == 200, resp.status
            latencies.append(time.perf_counter() - start)
            answered += bool(answer)

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return latencies, time.perf_counter() - t0, answered


async def _measure(kind: str, fake: FakeSlack, db: str) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_child, args=(kind, fake.api_url, db, child), daemon=True)
    proc.start()
    loop = asyncio.get_running_loop()
    try:
        port = await asyncio.wait_for(loop.run_in_executor(None, parent.recv), 60)
        url = f"http://127.0.0.1:{port}/slack/events"
        connector = aiohttp.TCPConnector(limit=CONCURRENCY)
        async with aiohttp.ClientSession(connector=connector) as http:
            _, _, in_ack = await _load(http, url, fake, WARMUP)
            # Answers that missed the ack come via response_url: wait for them too.
            await fake.wait_for(lambda: len(fake.responses()) >= WARMUP - in_ack, 30)
            fake.calls.clear()
            t0 = time.perf_counter()
            latencies, ack_wall, in_ack = await _load(http, url, fake, COMMANDS)
            wall = ack_wall
            if in_ack < COMMANDS:
                await fake.wait_for(lambda: len(fake.responses()) >= COMMANDS - in_ack, 60)
                wall = time.perf_counter() - t0
        parent.send("stop")
        cpu = await asyncio.wait_for(loop.run_in_executor(None, parent.recv), 30)
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.terminate()
    ms = sorted(x * 1000 for x in latencies)
    return {
        "rps": COMMANDS / wall,
        "ack_rps": COMMANDS / ack_wall,
        "p50_ms": statistics.median(ms),
        "p99_ms": ms[min(len(ms) - 1, int(len(ms) * 0.99))],
        "cpu_ms_per_command": cpu * 1000 / (COMMANDS + WARMUP),
        "answered_in_ack": in_ack / COMMANDS,
    }


async def _run() -> tuple[dict[str, float], dict[str, float], list[float]]:
    fake = await FakeSlack(validate=False).start()
    fake.record_responses = False
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # Alternate the two apps round by round (the machine is shared: alternating
            # spreads a disturbance over both); each round gives a ratio, and every figure
            # is the median over the rounds.
            # The order flips every round, so a drift in the machine's speed during a round
            # does not always favour the same app.
            bares, ourses = [], []
            for n in range(ROUNDS):
                for kind in ("bare", "pullquote") if n % 2 == 0 else ("pullquote", "bare"):
                    result = await _measure(kind, fake, str(Path(tmp) / f"{kind}{n}.db"))
                    (bares if kind == "bare" else ourses).append(result)
    finally:
        await fake.close()
    ratios = [b["rps"] / o["rps"] for b, o in zip(bares, ourses, strict=True)]

    def med(rounds: list[dict[str, float]]) -> dict[str, float]:
        return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}

    return med(ourses), med(bares), ratios


def test_slack_command_throughput() -> None:
    ours, bare, ratios = asyncio.run(_run())
    ratio = statistics.median(ratios)
    p99_ok = ours["p99_ms"] <= P99_TARGET_MS
    ratio_ok = ratio <= RATIO_TARGET
    common = {"commands": COMMANDS, "concurrency": CONCURRENCY, "rounds": ROUNDS, "quick": QUICK}
    record(
        "slack_command_throughput",
        round(ours["rps"], 1),
        "commands/s",
        f"within {RATIO_TARGET}x of bare Bolt",
        ratio_ok,
        bare_rps=round(bare["rps"], 1),
        ack_rps=round(ours["ack_rps"], 1),
        ratio=round(ratio, 2),
        per_round=[round(r, 2) for r in ratios],
        answered_in_ack=round(ours["answered_in_ack"], 3),
        cpu_ms_per_command=round(ours["cpu_ms_per_command"], 3),
        bare_cpu_ms_per_command=round(bare["cpu_ms_per_command"], 3),
        **common,
    )
    record(
        "slack_command_ack_p99",
        round(ours["p99_ms"], 2),
        "ms",
        f"<= {P99_TARGET_MS:.0f}",
        p99_ok,
        p50_ms=round(ours["p50_ms"], 2),
        bare_p50_ms=round(bare["p50_ms"], 2),
        bare_p99_ms=round(bare["p99_ms"], 2),
        **common,
    )
    print(
        f"\nslack: pullquote {ours['rps']:.0f} commands/s end to end "
        f"(ack p50 {ours['p50_ms']:.1f} ms, p99 {ours['p99_ms']:.1f} ms); "
        f"bare Bolt {bare['rps']:.0f}/s (p50 {bare['p50_ms']:.1f} ms, "
        f"p99 {bare['p99_ms']:.1f} ms); ratio {ratio:.2f}x"
    )
    if not QUICK:
        assert p99_ok, f"ack p99 {ours['p99_ms']:.1f} ms is over {P99_TARGET_MS:.0f} ms"
        assert ratio_ok, f"bare Bolt is {ratio:.2f}x faster (target <= {RATIO_TARGET}x)"
