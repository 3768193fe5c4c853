"""Benchmark session: print every figure of this run as a table when it ends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.benchmarks import report

_BEFORE: dict[str, str] = {}


def pytest_sessionstart(session: pytest.Session) -> None:
    """Remember the figures already on file, to tell this run's from older ones."""
    _BEFORE.clear()
    for name, entry in report.load().items():
        _BEFORE[name] = json.dumps(entry, sort_keys=True)


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    entries = report.load()
    fresh = [n for n in sorted(entries) if _BEFORE.get(n) != json.dumps(entries[n], sort_keys=True)]
    stale = [n for n in sorted(entries) if n not in fresh]
    tr = terminalreporter
    mode = "quick (PULLQUOTE_BENCH_QUICK=1, targets reported only)" if report.QUICK else "full"
    tr.write_sep("=", f"benchmark figures, {mode}")
    if fresh:
        tr.write_line(report.table(entries, fresh))
        failed = [n for n in fresh if entries[n].get("target") != report.REFERENCE
                  and not entries[n].get("passed")]
        tr.write_line("")
        tr.write_line(
            f"{len(fresh)} figures, {len(failed)} missing the target"
            + (": " + ", ".join(failed) if failed else "")
        )
    else:
        tr.write_line("no figures recorded in this run")
    if stale:
        tr.write_line(f"(older figures kept in {report.RESULTS.name}: {', '.join(stale)})")
    tr.write_line(f"results: {report.RESULTS}")
