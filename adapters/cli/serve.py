"""`pullquote run|console|healthcheck`: the running bot and its probe."""

from __future__ import annotations

import sys

import typer

from adapters.cli.common import err, out, run, settings, with_app


def run_bot() -> None:
    """Run the configured adapters (Discord, Slack); the local console when none is set."""
    from adapters.console.app import run_console
    from adapters.runner import configured_frontends, run_until_stopped
    from bot.app import App
    from bot.schedule.poster import Poster

    loaded = settings(sys.stdout)

    async def go(app: App) -> int:
        posters: dict[str, Poster] = {}
        frontends = configured_frontends(app, posters)
        if frontends:
            await run_until_stopped(app, frontends, posters)
            return 0
        if await run_console(app.core, console=out()) == 0 and not sys.stdin.isatty():
            # No tokens and no input (e.g. a container without settings): say what to set
            # instead of exiting quietly into a restart loop.
            err().print(
                "Nothing to run: no DISCORD_TOKEN or SLACK_BOT_TOKEN is set and there is no "
                "console input. Set them (see deploy/.env.example).",
                style="bold red",
            )
            return 2
        return 0

    raise typer.Exit(with_app(go, loaded, warm=True))


def console() -> None:
    """A local chat in the terminal: /quote her, /release her, /help."""
    from adapters.console.app import run_console

    with_app(lambda app: run_console(app.core, console=out()), warm=True)


def healthcheck() -> None:
    """Exit 0 when the database is sound and every configured adapter showed life recently."""
    from bot.health import check_health, expected_components

    loaded = settings()
    healthy, reason = run(check_health(loaded.db_path(), expected_components(loaded)))
    print(reason)
    raise typer.Exit(0 if healthy else 1)
