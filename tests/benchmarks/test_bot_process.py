"""The running bot as a process: start-up time and peak memory with a big database.

`pullquote run` with no Discord or Slack settings is the local console (what `make run`
starts), reading commands from stdin. It is started on the cached 100k-review database
(quick mode: 10k) and fed a few hundred mixed commands (quote, review with and without a
film, search, film, release). Measured per run, the median of the runs is the figure:
- ready: process start to the console banner (settings read, database opened and migrated);
- first answer: process start to the first command's card being printed;
- peak RSS: the child's own ru_maxrss (os.wait4), i.e. its high-water mark over the run,
  which is kept open WARM_WAIT seconds after the last command, so that the pick indexes the
  bot reads into memory in the background at start (`Store.warm`) are in it.

Targets (issue 8): peak RSS <= 200 MB, start-up (to the first answer) <= 2 s.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest

from tests.benchmarks import corpus, report

QUICK = report.QUICK
SIZE = 10_000 if QUICK else 100_000
RUNS = 3
COMMANDS = 150 if QUICK else 400
RSS_MB = 200.0
STARTUP_S = 2.0
WARM_WAIT = 3.0
"""Seconds the console stays open after the last command (warming takes ~1.5 s at 100k
reviews from a cold disk)."""
EXE = Path(sys.executable).with_name("pullquote")


def _commands(db: Path, n: int) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT title FROM films ORDER BY random() LIMIT 200")
        titles = [str(t) for (t,) in rows]
    rng = random.Random(8)
    words = ["haunting", "the film", "performance", "vampire", "box office", "score"]
    out = ["/quote", "/review"]
    while len(out) < n:
        title = rng.choice(titles).replace('"', "")
        out.append(
            rng.choice(
                [
                    "/quote",
                    "/review",
                    f'/quote "{title}"',
                    f'/review "{title}"',
                    f"/search {rng.choice(words)}",
                    f'/film "{title}"',
                    f'/release "{title}"',
                ]
            )
        )
    return out


def _run_once(db: Path, commands: list[str], workdir: Path) -> dict[str, float]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "PULLQUOTE_"))
    }
    env.update(PULLQUOTE_DB=str(db), PULLQUOTE_SAMPLE="false", LOG_LEVEL="WARNING")
    marks: dict[str, float] = {}
    second = f"pullquote> {commands[1]}"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(EXE), "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=workdir,  # no stray .env file
        env=env,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin

    def feed() -> None:
        try:
            stdin.write("".join(c + "\n" for c in commands))
            stdin.flush()
            time.sleep(WARM_WAIT)
            stdin.write("/quit\n")
            stdin.flush()
        finally:
            stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    answered = 0
    for line in proc.stdout:
        now = time.perf_counter() - t0
        if "ready" not in marks and "Pullquote console" in line:
            marks["ready"] = now
        if "first" not in marks and line.startswith(second):
            marks["first"] = now
        if line.startswith("pullquote> ") and not line.startswith("pullquote> /quit"):
            answered += 1
            marks["last"] = now
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    feeder.join(5)
    assert proc.returncode == 0, f"pullquote exited with {proc.returncode}"
    assert "ready" in marks and "first" in marks, marks
    assert answered >= len(commands), (answered, len(commands))
    marks["rss_mb"] = usage.ru_maxrss / 1024  # Linux: kilobytes
    return marks


def test_bot_startup_and_peak_rss() -> None:
    if not corpus.shared_available():
        pytest.skip(f"shared corpus not found at {corpus.WIKI}")
    if not EXE.exists():
        pytest.skip(f"{EXE} not installed (pip install -e .)")
    info = corpus.database(SIZE)
    commands = _commands(info.path, COMMANDS)
    with tempfile.TemporaryDirectory() as tmp:
        runs = [_run_once(info.path, commands, Path(tmp)) for _ in range(RUNS)]
    label = f"{SIZE // 1000}k"
    rss = report.median(r["rss_mb"] for r in runs)
    ready = report.median(r["ready"] for r in runs)
    first = report.median(r["first"] for r in runs)
    per_command = report.median((r["last"] - r["first"]) / (COMMANDS - 2) * 1000 for r in runs)
    common = {"runs": RUNS, "commands": COMMANDS, "size": SIZE, "snippets": info.snippets}
    report.record(
        f"bot_peak_rss_{label}", round(rss, 1), "MB", f"<= {RSS_MB:g}", rss <= RSS_MB,
        per_run=[round(r["rss_mb"], 1) for r in runs], **common,
    )
    report.record(
        f"bot_startup_first_answer_{label}", round(first, 3), "s", f"<= {STARTUP_S:g}",
        first <= STARTUP_S, per_run=[round(r["first"], 3) for r in runs], **common,
    )
    report.record(
        f"bot_startup_ready_{label}", round(ready, 3), "s", f"<= {STARTUP_S:g}",
        ready <= STARTUP_S, per_run=[round(r["ready"], 3) for r in runs], **common,
    )
    report.record(
        f"bot_console_ms_per_command_{label}", round(per_command, 2), "ms", report.REFERENCE,
        True, note="console round trip incl. rendering, after the first answer", **common,
    )
    print(
        f"\nbot ({label}): ready {ready:.2f} s, first answer {first:.2f} s, "
        f"peak RSS {rss:.0f} MB, {per_command:.1f} ms per console command"
    )
    if not QUICK:
        assert rss <= RSS_MB, f"peak RSS {rss:.0f} MB > {RSS_MB:g} MB"
        assert first <= STARTUP_S, f"first answer after {first:.2f} s > {STARTUP_S:g} s"
