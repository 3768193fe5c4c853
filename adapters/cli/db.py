"""`pullquote db backup|check|stats`: the database's upkeep, safe while the bot runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.common import JsonFlag, err, fail, out, run, settings


def backup(dest: Annotated[Path, typer.Argument(help="Where to write the copy.")]) -> None:
    """Copy the database with SQLite's online backup API (safe while the bot runs)."""
    from bot import upkeep
    from bot.text import inert

    loaded = settings()
    try:
        size = run(upkeep.backup(loaded, dest))
    except OSError as exc:
        fail(f"backup failed: {exc}")
    src, mb = inert(str(loaded.db_path())), size / 1024 / 1024
    out().print(f"backed up {src} to {inert(str(dest))} ({mb:.1f} MB)", markup=False)


def check(
    quick: Annotated[bool, typer.Option(help="A faster, less thorough check.")] = False,
) -> None:
    """Run SQLite's integrity and foreign-key checks."""
    from bot import upkeep
    from bot.text import inert

    loaded = settings()
    problems = run(upkeep.check(loaded, quick=quick))
    for problem in problems[:50]:
        err().print(inert(problem), style="red", markup=False, highlight=False)
    if problems:
        raise typer.Exit(1)
    out().print(f"{inert(str(loaded.db_path()))}: ok", markup=False)


def stats(as_json: JsonFlag = False) -> None:
    """Size, schema version and row counts."""
    import dataclasses
    import json

    from rich.table import Table
    from rich.text import Text

    from bot import upkeep
    from bot.text import inert

    loaded = settings()
    found = run(upkeep.stats(loaded))
    if as_json:
        print(json.dumps(dataclasses.asdict(found), indent=2))
        return
    table = Table(title=Text(inert(str(loaded.db_path()))), show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("Size", f"{found.size_bytes / 1024 / 1024:.1f} MB")
    table.add_row("WAL", f"{found.wal_bytes / 1024 / 1024:.1f} MB")
    table.add_row("Free pages", f"{found.free_pages:,} of {found.pages:,}")
    table.add_row("Schema version", str(found.schema_version))
    for name, count in found.rows.items():
        table.add_row(Text(inert(name.replace("_", " ").capitalize())), f"{count:,}")
    out().print(table)
