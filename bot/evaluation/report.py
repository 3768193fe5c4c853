"""The evaluation report as JSON and as rich tables: splits side by side, classes, worst misses.

Per-file rows and misses exist for the dev split and the seeds only; the test split is shown
in aggregate (see data.py).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from bot.evaluation.classes import CLASSES, ClassCounts, Miss
from bot.evaluation.data import GROUPS, EvalReport, Group, Totals
from bot.evaluation.scoring import Accuracy, Counts

TARGETS = (
    "Targets (issue 18): critic-quote F1 >= 0.95, outlet attribution >= 0.95, "
    "release F1 >= 0.88 on articles not tuned on."
)


def _counts_json(c: Counts) -> dict[str, Any]:
    return {
        "tp": c.tp,
        "fp": c.fp,
        "fn": c.fn,
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
    }


def _acc_json(a: Accuracy) -> dict[str, Any]:
    return {"right": a.right, "total": a.total, "accuracy": a.value}


def _class_json(c: ClassCounts) -> dict[str, Any]:
    return {
        "labels": c.gold,
        "labels_hit": c.gold_hit,
        "predictions": c.pred,
        "predictions_hit": c.pred_hit,
        "precision": c.precision,
        "recall": c.recall,
        "f1": c.f1,
    }


def totals_json(t: Totals) -> dict[str, Any]:
    """One group's totals as plain JSON."""
    return {
        "files": t.files,
        "critic_quotes": _counts_json(t.quotes),
        "attribution": _acc_json(t.attribution),
        "releases": _counts_json(t.releases),
        "event_kinds": _acc_json(t.event_kinds),
        "classes": {name: _class_json(c) for name, c in t.classes.items()},
    }


def _miss_json(m: Miss) -> dict[str, Any]:
    return {"severity": m.severity, "file": m.file, "what": m.what, "context": m.context}


def report_to_json(report: EvalReport) -> dict[str, Any]:
    """The report as plain JSON: totals per split, per-file scores (dev, seeds), worst misses."""
    out: dict[str, Any] = {g: totals_json(t) for g, t in report.groups.items()}
    out["files"] = [
        {"file": f.name, "group": f.group, **totals_json(f.scores)} for f in report.files
    ]
    out["worst_misses"] = [_miss_json(m) for m in report.worst()]
    out["seconds"] = round(report.seconds, 3)
    return out


# ---------------------------------------------------------------------------------------------
# Tables


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _acc(a: Accuracy) -> str:
    return "–" if not a.total else f"{a.value:.2f} ({a.right}/{a.total})"


def _file_table(report: EvalReport) -> Table:
    table = Table(title="Per file (dev and seeds)", title_justify="left")
    table.add_column("file")
    for col in ("quote P", "quote R", "quote F1", "outlet acc", "rel P", "rel R", "rel F1"):
        table.add_column(col, justify="right")
    table.add_column("kind acc", justify="right")
    for f in report.files:
        t = f.scores
        table.add_row(
            f.name,
            _num(t.quotes.precision),
            _num(t.quotes.recall),
            _num(t.quotes.f1),
            _acc(t.attribution),
            _num(t.releases.precision),
            _num(t.releases.recall),
            _num(t.releases.f1),
            _acc(t.event_kinds),
        )
    return table


def _groups(report: EvalReport) -> list[Group]:
    return [g for g in GROUPS if g in report.groups]


def _totals_table(report: EvalReport) -> Table:
    groups = _groups(report)
    table = Table(title="Overall (micro-averaged)", title_justify="left")
    table.add_column("metric")
    for g in groups:
        table.add_column(f"{g} ({report.totals(g).files} files)", justify="right")
    rows: list[tuple[str, Any]] = [
        ("critic quotes P", lambda t: _num(t.quotes.precision)),
        ("critic quotes R", lambda t: _num(t.quotes.recall)),
        ("critic quotes F1", lambda t: _num(t.quotes.f1)),
        ("outlet attribution", lambda t: _acc(t.attribution)),
        ("releases P", lambda t: _num(t.releases.precision)),
        ("releases R", lambda t: _num(t.releases.recall)),
        ("releases F1", lambda t: _num(t.releases.f1)),
        ("event kind", lambda t: _acc(t.event_kinds)),
    ]
    for label, cell in rows:
        table.add_row(label, *(cell(report.totals(g)) for g in groups))
    return table


def _classes_table(report: EvalReport) -> Table:
    groups = [g for g in _groups(report) if g != "seeds"]
    table = Table(
        title="Per class of error (labels / predictions in the class)", title_justify="left"
    )
    table.add_column("class")
    for g in groups:
        for col in ("P", "R", "F1", "n"):
            table.add_column(f"{g} {col}", justify="right")
    for name in CLASSES:
        cells: list[str] = []
        for g in groups:
            c = report.totals(g).classes[name]
            cells += [_num(c.precision), _num(c.recall), _num(c.f1), f"{c.gold}/{c.pred}"]
        table.add_row(name, *cells)
    return table


def render_report(
    report: EvalReport, console: Console, *, per_file: bool = True, misses: int = 10
) -> None:
    """Print the report: per file (dev, seeds), splits side by side, classes, worst misses."""
    if per_file and report.files:
        console.print(_file_table(report))
    console.print(_totals_table(report))
    console.print(_classes_table(report))
    if "test" not in report.groups:
        console.print("(no test labels: tests/eval/test-labels.jsonl is missing)", style="dim")
    worst = report.worst(misses)
    if worst:
        console.print(f"[bold]Worst {len(worst)} misses (dev)[/bold]")
        for i, m in enumerate(worst, 1):
            console.print(f"{i:2d}. [{m.file}] {m.what}", markup=False, highlight=False)
            if m.context:
                console.print(f"    {m.context}", markup=False, highlight=False, style="dim")
    console.print(f"{TARGETS} ({report.seconds:.2f} s)", highlight=False)
