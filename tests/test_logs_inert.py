"""Log lines carry untrusted text (file names, typed commands): it cannot forge a line,
act on the operator's terminal, or break the log stream."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging

NASTY = "x.md\n2026-01-01 00:00:00 INFO forged: \x1b[2Jall clear \u202e \udcff"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("fmt", ["plain", "json"])
def test_log_lines_are_inert(fmt: str) -> None:
    stream = io.StringIO()
    setup_logging("INFO", fmt, ["s3cr3t-token"], stream)
    log = logging.getLogger("test")
    log.info("ingest of %s failed (s3cr3t-token)", NASTY)
    try:
        raise ValueError(f"bad {NASTY}")
    except ValueError:
        log.exception("boom")
    out = stream.getvalue()
    out.encode("utf-8")  # a lone surrogate would make the real stream raise
    assert "\x1b" not in out and "\u202e" not in out and "s3cr3t-token" not in out
    first, *rest = out.splitlines()
    assert "forged" in first and "boom" in rest[0]  # the message stayed on its own line
    if fmt == "json":
        records = [json.loads(line) for line in out.splitlines()]
        assert records[0]["message"].startswith("ingest of x.md\n2026")  # same text, escaped
        assert "Traceback" in records[1]["exc"]
    else:
        assert "Traceback (most recent call last):" in rest  # tracebacks keep their lines
