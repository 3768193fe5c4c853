"""The `pullquote` command line: run the bot, ingest and extract reviews, ask for cards."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text

from adapters.discord.cli import discord_app
from bot import __version__
from bot.app import App, open_app
from bot.cards import Card, card_to_json
from bot.config import Settings, load_settings
from bot.errors import UserError
from bot.ingest.pipeline import IngestReport
from bot.logs import setup_logging
from bot.text import inert, inert_json

if TYPE_CHECKING:
    from bot.ingest.files import FoundFiles
    from bot.ingest.readers import Defaults

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
        err.print(inert(str(exc)), style="bold red", markup=False, highlight=False)
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
        err.print(inert(str(exc)), style="bold red", markup=False, highlight=False)
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
        print(inert_json(card_to_json(card)))
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
    table = Table(title=Text(inert(str(path))), show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("Size", f"{stats.size_bytes / 1024 / 1024:.1f} MB")
    table.add_row("WAL", f"{stats.wal_bytes / 1024 / 1024:.1f} MB")
    table.add_row("Free pages", f"{stats.free_pages:,} of {stats.pages:,}")
    table.add_row("Schema version", str(stats.schema_version))
    for name, count in stats.rows.items():
        table.add_row(Text(inert(name.replace("_", " ").capitalize())), f"{count:,}")
    out.print(table)


# -- ingest and extraction ---------------------------------------------------------------


YearOpt = Annotated[str | None, typer.Option(help="Film year.", metavar="YEAR")]


def _flags(**flags: str | None) -> Defaults:
    """Command-line metadata checked like a header's (one line and exit 2 when it is bad)."""
    from bot.ingest.readers import Defaults, RejectedFile

    try:
        return Defaults.from_flags(**flags)
    except RejectedFile as exc:
        err.print(inert(str(exc)), style="bold red", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None


@cli.command()
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
    from bot.ingest.targets import expand_targets, ingest_targets, web_settings

    defaults = _flags(
        film=film, year=year, outlet=outlet, critic=critic, url=url, published=published
    )
    files, found = expand_targets(targets, follow_links=follow_links)
    if not files:  # nothing to read: say so without opening (or creating) the database
        raise typer.Exit(_show_report(IngestReport(), found, as_json))

    async def go(app: App) -> int:
        show_bar = len(files) > 20 and not as_json and out.is_terminal
        with Progress(
            TextColumn("Ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}", markup=False),
            console=err,
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

    code = _with_app(go)
    raise typer.Exit(code)


def _show_report(report: IngestReport, found: FoundFiles, as_json: bool) -> int:
    """Print the summary with what finding the files passed over; the exit code."""
    report.skipped[:0] = found.skipped
    report.rejected[:0] = found.rejected
    if as_json:
        print(json.dumps(dataclasses.asdict(report), indent=2))
    else:
        _print_report(report)
    return 1 if report.rejected else 0


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
        line = f"rejected {inert(path)}: {inert(reason)}"
        err.print(line, style="red", markup=False, highlight=False, soft_wrap=True)
    for path, reason in report.skipped:
        line = f"skipped {inert(path)}: {inert(reason)}"
        err.print(line, style="dim", markup=False, highlight=False, soft_wrap=True)


@cli.command()
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

    flags = _flags(film=film, year=year, published=published)
    try:
        review = read_file(file, flags, require_film=False)[0]
    except (RejectedFile, OSError) as exc:
        reason = exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)
        line = f"{inert(str(file))}: {inert(reason)}"
        err.print(line, style="bold red", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
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


def _cell(value: Any) -> Text:
    """Text from a review shown literally: inert escapes, no rich markup."""
    return Text(inert("" if value is None else str(value), multiline=True))


def _print_extraction(data: dict[str, Any], explain: bool) -> None:
    film = data["film"]
    line = Text("Film: ", style="bold")
    line.append(inert(film["title"] or "unknown"))
    if film["year"] is not None:
        line.append(f" ({film['year']})")
    if film["director"]:
        line.append(f", director {inert(film['director'])}")
    out.print(line)
    quotes = Table(title="Quotes")
    for col in ("kind", "text", "critic", "outlet"):
        quotes.add_column(col)
    for q in data["quotes"]:
        cells = [_cell(q[k]) for k in ("kind", "text", "critic", "outlet")]
        cells[1] = cells[1] + _why_lines(q)
        quotes.add_row(*cells)
    out.print(quotes)
    rel = Table(title="Releases")
    for col in ("region", "date", "event"):
        rel.add_column(col)
    for r in data["releases"]:
        date = "-".join("?" if p is None else str(p) for p in (r["year"], r["month"], r["day"]))
        rel.add_row(_cell(r["region"] or "?"), Text(date) + _why_lines(r), _cell(r["event"]))
    out.print(rel)
    ex = Table(title="Excerpts")
    ex.add_column("score", justify="right")
    ex.add_column("text")
    for e in sorted(data["excerpts"], key=lambda e: -e["score"]):
        text = e["text"] + ("\n  " + "\n  ".join(e.get("reasons", [])) if explain else "")
        ex.add_row(f"{e['score']:.2f}", _cell(text))
    out.print(ex)


def _why_lines(item: dict[str, Any]) -> Text:
    """The reasons `extract --explain` gives for a quote or a date, shown inert."""
    lines = Text()
    for w in item.get("why", []):
        lines.append(Text.assemble("\n  why: ", _cell(w["rule"])))
        if w.get("sentence"):
            lines.append(Text.assemble("\n    in: ", _cell(w["sentence"])))
    return lines


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
