"""Benchmark figures: merged into ``bench-results.json`` and printed as a table at the end.

Every benchmark calls `record(name, value, unit, target, passed, **extra)`; the JSON file at
the repo root holds ``{name: {value, unit, target, passed, quick, at, ...extra}}`` and is
merged, not replaced, so a partial run keeps the other figures. `table()` renders the figures
(tests/benchmarks/conftest.py prints it when the run ends: `make bench` / `make bench-quick`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import math
import os
import statistics
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results.json"
QUICK = os.environ.get("PULLQUOTE_BENCH_QUICK") == "1"
REFERENCE = "reference"
"""The target of a figure that is only there to compare against (a baseline)."""


def load() -> dict[str, Any]:
    try:
        data = json.loads(RESULTS.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record(name: str, value: float, unit: str, target: str, passed: bool, **extra: Any) -> None:
    """Merge one figure into bench-results.json (a dict keyed by benchmark name)."""
    entry = {
        "value": value,
        "unit": unit,
        "target": target,
        "passed": bool(passed),
        "quick": QUICK,
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        **extra,
    }
    with open(RESULTS.with_name(".bench-results.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = load()
        data[name] = entry
        tmp = RESULTS.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, RESULTS)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank of the sorted values."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    index = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[index]


def median(values: Iterable[float]) -> float:
    return float(statistics.median(list(values)))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        if value == 0 or abs(value) >= 100:
            return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.1f}"
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"
    return str(value)


def table(entries: Mapping[str, Mapping[str, Any]], names: Iterable[str] | None = None) -> str:
    """A plain-text table of figures: name, value, unit, target, PASS/FAIL."""
    keys = list(names) if names is not None else sorted(entries)
    rows = [("figure", "value", "unit", "target", "result", "mode")]
    for key in keys:
        e = entries[key]
        target = str(e.get("target", ""))
        result = "ref" if target == REFERENCE else "PASS" if e.get("passed") else "FAIL"
        rows.append(
            (
                key,
                _fmt(e.get("value")),
                str(e.get("unit", "")),
                target,
                result,
                "quick" if e.get("quick") else "full",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [
            r[i].rjust(widths[i]) if i == 1 else r[i].ljust(widths[i]) for i in range(len(r))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
