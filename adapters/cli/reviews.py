"""`pullquote ingest|extract|eval`: add reviews, see what extraction finds, score it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from adapters.cli.common import JsonFlag, err, fail, out, with_app

if TYPE_CHECKING:
    from rich.text import Text

    from bot.app import App
    from bot.ingest.files import FoundFiles
    from bot.ingest.pipeline import IngestReport
    from bot.ingest.readers import Defaults


YearOpt = Annotated[str | None, typer.Option(help="Film year.", metavar="YEAR")]


def _flags(**flags: str | None) -> Defaults:
    """Command-line metadata checked like a header's (one line and exit 2 when it is bad)."""
    from bot.ingest.readers import Defaults, RejectedFile

    try:
        return Defaults.from_flags(**flags)
    except RejectedFile as exc:
        fail(str(exc), 2)


def ingest(
    targets: Annotated[
        list[str], typer.Argument(help="Review files, folders, URLs or wikipedia:Title.")
    ],
    film: Annotated[str | None, typer.Option(help="Film, for files without a header.")] = None,
    year: YearOpt = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet that published the review.")] = None,
    critic: Annotated[str | None, typer.Option(help="Critic who wrote the review.")] = None,
    url: Annotated[str | None, typer.Option(help="Where the review was published.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date, YYYY-MM-DD.")
    ] = None,
    follow_links: Annotated[
        bool, typer.Option("--follow-links", help="Follow links out of the folders given.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Add reviews: .txt/.md (optional front-matter header), .jsonl, review page URLs and
    wikipedia:Title articles; for URLs and articles the flags override what the page says."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.ingest.pipeline import IngestReport
    from bot.ingest.targets import expand_targets, ingest_targets, web_settings
    from bot.text import inert

    defaults = _flags(
        film=film, year=year, outlet=outlet, critic=critic, url=url, published=published
    )
    files, found = expand_targets(targets, follow_links=follow_links)
    if not files:  # nothing to read: say so without opening (or creating) the database
        raise typer.Exit(_show_report(IngestReport(), found, as_json))

    async def go(app: App) -> int:
        show_bar = len(files) > 20 and not as_json and out().is_terminal
        with Progress(
            TextColumn("Ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}", markup=False),
            console=err(),
            disable=not show_bar,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=len(files))
            report = await ingest_targets(
                files,
                app.store,
                defaults,
                web=web_settings(app.settings),
                on_item=lambda name: progress.update(
                    task, advance=1, description=inert(name[-40:])
                ),
            )
        app.service.invalidate()
        return _show_report(report, found, as_json)

    raise typer.Exit(with_app(go))


def _show_report(report: IngestReport, found: FoundFiles, as_json: bool) -> int:
    """Print the summary with what finding the files passed over; the exit code."""
    import dataclasses
    import json

    report.skipped[:0] = found.skipped
    report.rejected[:0] = found.rejected
    if as_json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
    else:
        _print_report(report)
    return 1 if report.rejected else 0


def _print_report(report: IngestReport) -> None:
    from rich.table import Table

    from bot.text import inert

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
        line = f"rejected {inert(path)}: {inert(reason)}"
        err().print(line, style="red", markup=False, highlight=False, soft_wrap=True)
    for path, reason in report.skipped:
        line = f"skipped {inert(path)}: {inert(reason)}"
        err().print(line, style="dim", markup=False, highlight=False, soft_wrap=True)


def extract(
    file: Annotated[Path, typer.Argument(help="A review file (.txt or .md).")],
    film: Annotated[str | None, typer.Option(help="Film title.")] = None,
    year: YearOpt = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date, YYYY-MM-DD; dates a year-less release.")
    ] = None,
    as_json: JsonFlag = False,
    explain: Annotated[
        bool, typer.Option(help="Say why each quote, date and excerpt reads as it does.")
    ] = False,
) -> None:
    """Show what extraction finds in a review, touching no database."""
    from bot.extract import Context, extraction_to_json
    from bot.extract import extract as run_extract
    from bot.ingest.readers import RejectedFile, read_file
    from bot.text import inert_json

    flags = _flags(film=film, year=year, published=published)
    try:
        review = read_file(file, flags, require_film=False)[0]
    except (RejectedFile, OSError) as exc:
        reason = exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
        fail(f"{file}: {reason}")
    ctx = Context(
        film=review.film,
        year=review.year,
        published=flags.published or review.published,
        outlet=review.outlet,
        critic=review.critic,
    )
    data = extraction_to_json(run_extract(review.text, ctx), explain=explain, text=review.text)
    if as_json:
        print(inert_json(data))
        return
    _print_extraction(data, explain)


def film_line(film: dict[str, Any]) -> str:
    """`Her (2013), director Spike Jonze`, leaving out what is not known; inert."""
    from bot.text import inert

    line = inert(str(film.get("title") or "unknown"))
    if film.get("year"):
        line += f" ({film['year']})"
    if film.get("director"):
        line += f", director {inert(str(film['director']))}"
    return line


def _print_extraction(data: dict[str, Any], explain: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from bot.text import inert

    def cell(value: Any) -> Text:
        """Text from a review shown literally: inert escapes, no rich markup."""
        return Text(inert("" if value is None else str(value), multiline=True))

    console = out()
    console.print(Text.assemble(("Film: ", "bold"), film_line(data["film"])))
    quotes = Table(title="Quotes")
    for col in ("kind", "text", "critic", "outlet"):
        quotes.add_column(col)
    for q in data["quotes"]:
        cells = [cell(q[k]) for k in ("kind", "text", "critic", "outlet")]
        cells[1] = cells[1] + _why_lines(q, cell)
        quotes.add_row(*cells)
    console.print(quotes)
    rel = Table(title="Releases")
    for col in ("region", "date", "event"):
        rel.add_column(col)
    for r in data["releases"]:
        date = "-".join("?" if p is None else str(p) for p in (r["year"], r["month"], r["day"]))
        rel.add_row(cell(r["region"] or "?"), Text(date) + _why_lines(r, cell), cell(r["event"]))
    console.print(rel)
    ex = Table(title="Excerpts")
    ex.add_column("score", justify="right")
    ex.add_column("text")
    for e in sorted(data["excerpts"], key=lambda e: -e["score"]):
        text = e["text"] + ("\n  " + "\n  ".join(e.get("reasons", [])) if explain else "")
        ex.add_row(f"{e['score']:.2f}", cell(text))
    console.print(ex)


def _why_lines(item: dict[str, Any], cell: Callable[[Any], Text]) -> Text:
    """The reasons `extract --explain` gives for a quote or a date, shown inert."""
    from rich.text import Text

    lines = Text()
    for w in item.get("why", []):
        lines.append(Text.assemble("\n  why: ", cell(w["rule"])))
        if w.get("sentence"):
            lines.append(Text.assemble("\n    in: ", cell(w["sentence"])))
    return lines


def evaluate(
    corpus: Annotated[
        Path | None,
        typer.Option(help="Corpus folder (default: $PULLQUOTE_CORPUS, else the shared copy)."),
    ] = None,
    seeds: Annotated[Path | None, typer.Option(help="Seed folder with expected.json.")] = None,
    labels: Annotated[
        Path | None, typer.Option(help="Folder with dev-/test-labels.jsonl (default tests/eval).")
    ] = None,
    as_json: JsonFlag = False,
    per_file: Annotated[bool, typer.Option(help="Show a row per dev file.")] = True,
) -> None:
    """Score extraction on the labelled splits and the seeds (P/R/F1, per class, worst misses)."""
    import json

    from bot.evaluation import EvalSetupError, eval_inputs, render_report, report_to_json, run_eval

    try:
        report = run_eval(*eval_inputs(corpus, seeds, labels))
    except (EvalSetupError, FileNotFoundError, ValueError) as exc:
        fail(str(exc), 2)
    if as_json:
        print(json.dumps(report_to_json(report), indent=2))
    else:
        render_report(report, out(), per_file=per_file)
