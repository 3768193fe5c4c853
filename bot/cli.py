"""The `pullquote` command line: run the bot, ingest and extract reviews, ask for cards."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any, TextIO, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from adapters.discord.cli import discord_app
from bot import __version__
from bot.app import App, open_app
from bot.cards import Card, card_to_json
from bot.config import Settings, load_settings
from bot.errors import UserError
from bot.ingest.pipeline import IngestReport
from bot.logs import setup_logging

T = TypeVar("T")

cli = typer.Typer(
    name="pullquote",
    help="Pullquote: film review snippets for Discord, Slack and your terminal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
cli.add_typer(discord_app, name="discord")
out = Console()
err = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a card.")]


def _settings(log_stream: TextIO = sys.stderr) -> Settings:
    """Validated settings, with logging set up; one-shot commands log to stderr so that
    their --json output stays clean, the running bot logs to stdout."""
    try:
        settings = load_settings()
    except UserError as exc:
        err.print(str(exc), style="bold red", markup=False, highlight=False)
        raise typer.Exit(2) from None
    secrets = [
        s.get_secret_value()
        for s in (
            settings.discord_token,
            settings.slack_bot_token,
            settings.slack_app_token,
            settings.slack_signing_secret,
        )
        if s is not None
    ]
    setup_logging(settings.log_level, settings.log_format, secrets, log_stream)
    return settings


def _run(coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except UserError as exc:
        err.print(str(exc), style="bold red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


def _with_app(
    action: Callable[[App], Awaitable[T]],
    settings: Settings | None = None,
    *,
    warm: bool = False,
) -> T:
    settings = settings or _settings()

    async def go() -> T:
        async with open_app(settings, warm=warm) as app:
            return await action(app)

    return _run(go())


def _show(card: Card, as_json: bool) -> None:
    if as_json:
        print(json.dumps(card_to_json(card), ensure_ascii=False, indent=2))
    else:
        from adapters.console.render import print_card

        print_card(out, card)


def _version(value: bool) -> None:
    if value:
        print(f"pullquote {__version__}")
        raise typer.Exit()


@cli.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """Pullquote: film review snippets for Discord, Slack and your terminal."""


# -- running -------------------------------------------------------------------------------


@cli.command()
def run() -> None:
    """Run the configured adapters (Discord, Slack); the local console when none is set."""
    settings = _settings(sys.stdout)

    async def go(app: App) -> int:
        from bot.runner import configured_frontends, run_until_stopped
        from bot.schedule.poster import Poster

        posters: dict[str, Poster] = {}
        frontends = configured_frontends(app, posters)
        if frontends:
            await run_until_stopped(app, frontends, posters)
            return 0
        from adapters.console.app import run_console

        if await run_console(app.service, console=out) == 0 and not sys.stdin.isatty():
            # No tokens and no input (e.g. a container without settings): say what to set
            # instead of exiting quietly into a restart loop.
            err.print(
                "Nothing to run: no DISCORD_TOKEN or SLACK_BOT_TOKEN is set and there is no "
                "console input. Set them (see deploy/.env.example).",
                style="bold red",
            )
            return 2
        return 0

    raise typer.Exit(_with_app(go, settings, warm=True))


@cli.command()
def console() -> None:
    """A local chat in the terminal: /quote her, /release her, /help."""
    from adapters.console.app import run_console

    _with_app(lambda app: run_console(app.service, console=out), warm=True)


@cli.command()
def healthcheck() -> None:
    """Exit 0 when the database is sound and every configured adapter showed life recently."""
    from bot.health import check_health, expected_components

    settings = _settings()
    healthy, reason = _run(check_health(settings.db_path(), expected_components(settings)))
    print(reason)
    raise typer.Exit(0 if healthy else 1)


db_app = typer.Typer(
    name="db", help="Back up, check and inspect the database.", no_args_is_help=True
)
cli.add_typer(db_app, name="db")


@db_app.command("backup")
def db_backup(
    dest: Annotated[Path, typer.Argument(help="Where to write the copy.")],
) -> None:
    """Copy the database with SQLite's online backup API (safe while the bot runs)."""
    from storage import maintenance

    src = _settings().db_path()
    try:
        size = _run(maintenance.backup(src, dest))
    except (maintenance.DatabaseMissing, OSError) as exc:
        err.print(f"backup failed: {exc}", style="bold red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    out.print(f"backed up {src} to {dest} ({size / 1024 / 1024:.1f} MB)", markup=False)


@db_app.command("check")
def db_check(
    quick: Annotated[bool, typer.Option(help="A faster, less thorough check.")] = False,
) -> None:
    """Run SQLite's integrity and foreign-key checks."""
    from storage import maintenance

    path = _settings().db_path()
    try:
        problems = _run(maintenance.check(path, quick=quick))
    except maintenance.DatabaseMissing as exc:
        err.print(str(exc), style="bold red", markup=False)
        raise typer.Exit(1) from None
    for problem in problems[:50]:
        err.print(problem, style="red", markup=False, highlight=False)
    if problems:
        raise typer.Exit(1)
    out.print(f"{path}: ok", markup=False)


@db_app.command("stats")
def db_stats(as_json: JsonFlag = False) -> None:
    """Size, schema version and row counts."""
    from storage import maintenance

    path = _settings().db_path()
    try:
        stats = _run(maintenance.stats(path))
    except maintenance.DatabaseMissing as exc:
        err.print(str(exc), style="bold red", markup=False)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps(dataclasses.asdict(stats), indent=2))
        return
    table = Table(title=str(path), show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("Size", f"{stats.size_bytes / 1024 / 1024:.1f} MB")
    table.add_row("WAL", f"{stats.wal_bytes / 1024 / 1024:.1f} MB")
    table.add_row("Free pages", f"{stats.free_pages:,} of {stats.pages:,}")
    table.add_row("Schema version", str(stats.schema_version))
    for name, count in stats.rows.items():
        table.add_row(name.replace("_", " ").capitalize(), f"{count:,}")
    out.print(table)


# -- ingest and extraction ---------------------------------------------------------------


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"use YYYY-MM-DD, not {value!r}") from None


@cli.command()
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
        show_bar = len(files) > 20 and not as_json and out.is_terminal
        with Progress(
            TextColumn("Ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=err,
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

    code = _with_app(go)
    raise typer.Exit(code)


def _print_report(report: IngestReport) -> None:
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
    out.print(table)
    for path, reason in report.rejected:
        err.print(f"rejected {path}: {reason}", style="red", markup=False, highlight=False)
    for path in report.skipped:
        err.print(f"skipped {path}: not a review file", style="dim", markup=False)


@cli.command()
def extract(
    file: Annotated[Path, typer.Argument(help="A review file (.txt or .md).")],
    film: Annotated[str | None, typer.Option(help="Film title.")] = None,
    year: Annotated[int | None, typer.Option(help="Film year.")] = None,
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
    from bot.ingest.readers import Defaults, RejectedFile, read_file

    try:
        review = read_file(file, Defaults(film=film, year=year), require_film=False)[0]
    except (RejectedFile, OSError) as exc:
        err.print(f"{file}: {exc}", style="bold red", markup=False, highlight=False)
        raise typer.Exit(1) from None
    ctx = Context(
        film=review.film,
        year=review.year,
        published=_parse_date(published) or review.published,
        outlet=review.outlet,
        critic=review.critic,
    )
    data = extraction_to_json(run_extract(review.text, ctx), explain=explain, text=review.text)
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    _print_extraction(data, explain)


def _print_extraction(data: dict[str, Any], explain: bool) -> None:
    film = data["film"]
    out.print(f"[bold]Film:[/bold] {film['title']} ({film['year']}), director {film['director']}")
    quotes = Table(title="Quotes")
    for col in ("kind", "text", "critic", "outlet"):
        quotes.add_column(col)
    for q in data["quotes"]:
        quotes.add_row(q["kind"], q["text"] + _why_lines(q), q["critic"] or "", q["outlet"] or "")
    out.print(quotes)
    rel = Table(title="Releases")
    for col in ("region", "date", "event"):
        rel.add_column(col)
    for r in data["releases"]:
        date = "-".join("?" if p is None else str(p) for p in (r["year"], r["month"], r["day"]))
        rel.add_row(r["region"] or "?", date + _why_lines(r), r["event"])
    out.print(rel)
    ex = Table(title="Excerpts")
    ex.add_column("score", justify="right")
    ex.add_column("text")
    for e in sorted(data["excerpts"], key=lambda e: -e["score"]):
        text = e["text"] + ("\n  " + "\n  ".join(e.get("reasons", [])) if explain else "")
        ex.add_row(f"{e['score']:.2f}", text)
    out.print(ex)


def _why_lines(item: dict[str, Any]) -> str:
    return "".join(
        f"\n  why: {w['rule']}" + (f"\n    in: {w['sentence']}" if w.get("sentence") else "")
        for w in item.get("why", [])
    )


@cli.command("eval")
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
    from bot.evaluation import EvalSetupError, eval_inputs, render_report, report_to_json, run_eval

    try:
        report = run_eval(*eval_inputs(corpus, seeds, labels))
    except (EvalSetupError, FileNotFoundError, ValueError) as exc:
        err.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(report_to_json(report), indent=2))
    else:
        render_report(report, out, per_file=per_file)


def _find_shared() -> Path:
    """The team's shared folder: beside the checkout, or beside the current directory."""
    for base in (Path(__file__).resolve().parents[1], Path.cwd()):
        candidate = base.parent / "shared"
        if candidate.is_dir():
            return candidate
    return Path("../shared")


# -- cards ---------------------------------------------------------------------------------

FilmArg = Annotated[str | None, typer.Argument(help="Film title, e.g. her or 'Her (2013)'.")]


@cli.command()
def quote(
    film: FilmArg = None,
    critic: Annotated[str | None, typer.Option(help="Only quotes by this critic.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Only quotes from this outlet.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """A critic's quote, with its outlet."""
    card = _with_app(lambda app: app.service.quote(film=film, critic=critic, outlet=outlet))
    _show(card, as_json)


@cli.command()
def review(film: FilmArg = None, as_json: JsonFlag = False) -> None:
    """A quotable excerpt from a review."""
    _show(_with_app(lambda app: app.service.review(film=film)), as_json)


@cli.command()
def release(
    film: Annotated[str, typer.Argument(help="Film title.")],
    region: Annotated[str | None, typer.Option(help="Only this country (UK, US, ...).")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Release dates by country, relative to today."""
    _show(_with_app(lambda app: app.service.release(film=film, region=region)), as_json)


@cli.command("film")
def film_cmd(
    title: Annotated[str, typer.Argument(help="Film title.")], as_json: JsonFlag = False
) -> None:
    """An overview of a film."""
    _show(_with_app(lambda app: app.service.film(title=title)), as_json)


@cli.command()
def search(
    text: Annotated[list[str], typer.Argument(help="Words to look for.")],
    film: Annotated[str | None, typer.Option(help="Only this film.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Search every quote and excerpt."""
    words = " ".join(text)
    _show(_with_app(lambda app: app.service.search(text=words, film=film)), as_json)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pullquote")


if __name__ == "__main__":  # pragma: no cover
    main()
