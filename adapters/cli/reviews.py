"""`pullquote ingest|extract|eval`: add reviews, see what extraction finds, score it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from adapters.cli.common import JsonFlag, err, fail, out, with_app

if TYPE_CHECKING:
    from bot.app import App
    from bot.ingest.pipeline import IngestReport


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"use YYYY-MM-DD, not {value!r}") from None


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Review files or folders.")],
    film: Annotated[str | None, typer.Option(help="Film, for files without a header.")] = None,
    year: Annotated[int | None, typer.Option(help="Film year.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet that published the review.")] = None,
    critic: Annotated[str | None, typer.Option(help="Critic who wrote the review.")] = None,
    url: Annotated[str | None, typer.Option(help="Where the review was published.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date, YYYY-MM-DD.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Add reviews: .txt/.md with an optional front-matter header, or .jsonl."""
    import dataclasses
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.ingest.pipeline import find_files, ingest_files
    from bot.ingest.readers import Defaults

    defaults = Defaults(
        film=film,
        year=year,
        outlet=outlet,
        critic=critic,
        url=url,
        published=_parse_date(published),
    )
    files, skipped = find_files(paths)

    async def go(app: App) -> int:
        show_bar = len(files) > 20 and not as_json and out().is_terminal
        with Progress(
            TextColumn("Ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=err(),
            disable=not show_bar,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=len(files))
            report = await ingest_files(
                files,
                app.store,
                defaults,
                on_file=lambda p: progress.update(task, advance=1, description=p.name),
            )
        report.skipped.extend(skipped)
        app.service.invalidate()
        if as_json:
            print(json.dumps(dataclasses.asdict(report), indent=2))
        else:
            _print_report(report)
        return 1 if report.rejected else 0

    raise typer.Exit(with_app(go))


def _print_report(report: IngestReport) -> None:
    from rich.table import Table

    table = Table(title="Ingest summary", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("Files read", str(report.files))
    table.add_row("Films added", str(report.films_added))
    table.add_row("Reviews added", str(report.reviews_added))
    table.add_row("Already stored", str(report.duplicates))
    table.add_row("Snippets added", str(report.snippets_added))
    table.add_row("Releases added", str(report.releases_added))
    table.add_row("Files rejected", str(len(report.rejected)))
    out().print(table)
    for path, reason in report.rejected:
        err().print(f"rejected {path}: {reason}", style="red", markup=False, highlight=False)
    for path in report.skipped:
        err().print(f"skipped {path}: not a review file", style="dim", markup=False)


def extract(
    file: Annotated[Path, typer.Argument(help="A review file (.txt or .md).")],
    film: Annotated[str | None, typer.Option(help="Film title.")] = None,
    year: Annotated[int | None, typer.Option(help="Film year.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date, YYYY-MM-DD; dates a year-less release.")
    ] = None,
    as_json: JsonFlag = False,
    explain: Annotated[bool, typer.Option(help="Say why each excerpt scored as it did.")] = False,
) -> None:
    """Show what extraction finds in a review, touching no database."""
    import json

    from bot.extract import Context, extraction_to_json
    from bot.extract import extract as run_extract
    from bot.ingest.readers import Defaults, RejectedFile, read_file

    try:
        review = read_file(file, Defaults(film=film, year=year), require_film=False)[0]
    except (RejectedFile, OSError) as exc:
        fail(f"{file}: {exc}")
    ctx = Context(
        film=review.film,
        year=review.year,
        published=_parse_date(published) or review.published,
        outlet=review.outlet,
        critic=review.critic,
    )
    data = extraction_to_json(run_extract(review.text, ctx), explain=explain)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_extraction(data, explain)


def film_line(film: dict[str, Any]) -> str:
    """`Her (2013), director Spike Jonze`, leaving out what is not known."""
    line = str(film.get("title") or "unknown")
    if film.get("year"):
        line += f" ({film['year']})"
    if film.get("director"):
        line += f", director {film['director']}"
    return line


def _print_extraction(data: dict[str, Any], explain: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    console = out()
    console.print(Text.assemble(("Film: ", "bold"), film_line(data["film"])))
    quotes = Table(title="Quotes")
    for col in ("kind", "text", "critic", "outlet"):
        quotes.add_column(col)
    for q in data["quotes"]:
        quotes.add_row(q["kind"], q["text"], q["critic"] or "", q["outlet"] or "")
    console.print(quotes)
    rel = Table(title="Releases")
    for col in ("region", "date", "event"):
        rel.add_column(col)
    for r in data["releases"]:
        date = "-".join("?" if p is None else str(p) for p in (r["year"], r["month"], r["day"]))
        rel.add_row(r["region"] or "?", date, r["event"])
    console.print(rel)
    ex = Table(title="Excerpts")
    ex.add_column("score", justify="right")
    ex.add_column("text")
    for e in sorted(data["excerpts"], key=lambda e: -e["score"]):
        text = e["text"] + ("\n  " + "\n  ".join(e.get("reasons", [])) if explain else "")
        ex.add_row(f"{e['score']:.2f}", text)
    console.print(ex)


def evaluate(
    corpus: Annotated[
        Path | None, typer.Option(help="Labelled corpus folder with dev-labels.jsonl.")
    ] = None,
    seeds: Annotated[Path | None, typer.Option(help="Seed folder with expected.json.")] = None,
    as_json: JsonFlag = False,
    per_file: Annotated[bool, typer.Option(help="Show a row per file.")] = True,
) -> None:
    """Score extraction against the labelled corpus and the seeds (precision, recall, F1)."""
    import json

    from bot.evaluation import render_report, report_to_json, run_eval

    shared = _find_shared()
    corpus_dir = corpus or shared / "corpus" / "wikipedia-films"
    seeds_dir = seeds or shared / "seeds"
    for folder in (corpus_dir, seeds_dir):
        if not folder.is_dir():
            fail(f"no such folder: {folder} (pass --corpus and --seeds)", 2)
    report = run_eval(corpus_dir, seeds_dir)
    if as_json:
        print(json.dumps(report_to_json(report), indent=2))
    else:
        render_report(report, out(), per_file=per_file)


def _find_shared() -> Path:
    """The team's shared folder: beside the checkout, or beside the current directory."""
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        candidate = base.parent / "shared"
        if candidate.is_dir():
            return candidate
    return Path("../shared")
