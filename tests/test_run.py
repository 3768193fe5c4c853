"""`pullquote run` as a process: adapters start, heartbeats reach the health check, and
SIGTERM stops everything cleanly within the container's grace period."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

SECRET_TOKEN = "xoxb-111-222-secretsecret"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env.update(
        PULLQUOTE_DB=str(db),
        SLACK_BOT_TOKEN=SECRET_TOKEN,
        SLACK_SIGNING_SECRET="signing-secret-for-tests",
        SLACK_API_URL="http://127.0.0.1:9/api/",
        PORT=str(port),
        LOG_LEVEL="DEBUG",
    )
    return env


def _healthcheck(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "healthcheck"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_run_beats_then_stops_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    env = _env(db, _free_port())
    log = (tmp_path / "run.log").open("w")
    # A file, not a pipe: DEBUG logging would fill a pipe nobody reads yet and stall the bot.
    proc = subprocess.Popen(
        [sys.executable, "-m", "adapters.cli", "run"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            check = _healthcheck(env)
            if check.returncode == 0:
                break
            time.sleep(0.3)
        assert check.returncode == 0, check.stdout + check.stderr
        assert "slack" in check.stdout

        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=15)
        assert time.monotonic() - started < 10
    finally:
        if proc.poll() is None:
            proc.kill()
        log.close()
    output = (tmp_path / "run.log").read_text()
    assert proc.returncode == 0, output
    assert "signal received: shutting down" in output
    assert SECRET_TOKEN not in output
