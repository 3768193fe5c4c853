"""The `pullquote` command as users run it: a real subprocess on a temp database."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

SEEDS_EXPECTED = "expected.json"


def pullquote(
    db: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would, isolated from the developer's own settings."""
    full_env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))
    }
    full_env.update({"PULLQUOTE_DB": str(db), "COLUMNS": "120"}, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=db.parent,
        timeout=120,
    )


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli.db"


def test_version_and_help(db: Path) -> None:
    assert pullquote(db, "--version").stdout.startswith("pullquote ")
    out = pullquote(db, "--help").stdout
    for name in ("run", "console", "ingest", "extract", "eval", "quote", "release", "search"):
        assert name in out


def test_run_without_tokens_is_the_console_with_sample_data(db: Path) -> None:
    result = pullquote(db, "run", stdin="/quote\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Pullquote console" in result.stdout
    assert "—" in result.stdout  # a quote and its attribution
    assert db.exists()


def test_seeds_ingest_then_quote_release_review(db: Path, shared_dir: Path) -> None:
    seeds = shared_dir / "seeds"
    expected = json.loads((seeds / SEEDS_EXPECTED).read_text())
    ingest = pullquote(db, "ingest", str(seeds), "--film", "Her", "--year", "2013", "--json")
    report = as_json(ingest)
    assert report["reviews_added"] == 2 and not report["rejected"]

    for _ in range(5):
        quote = as_json(pullquote(db, "quote", "her", "--json"))
        assert quote["kind"] == "critic_quote"
        assert quote["outlet"] in ("LA Times", "The Verge")
        assert quote["film"] == {"title": "Her", "year": 2013}

    release = as_json(pullquote(db, "release", "her", "--json"))
    dates = {(r["region"], r["month"], r["day"]) for r in release["releases"]}
    assert dates == {("US", 1, 10), ("GB", 2, 14)}

    noise = set(expected["files"]["004_1e83a2296a2f0544.txt"]["noise_lines"])
    for _ in range(8):
        review = as_json(pullquote(db, "review", "her", "--json"))
        assert review["kind"] == "excerpt"
        assert review["text"].strip("“”") not in noise


def test_ingest_same_content_twice_adds_nothing(db: Path, shared_dir: Path) -> None:
    seeds = str(shared_dir / "seeds")
    as_json(pullquote(db, "ingest", seeds, "--film", "Her", "--year", "2013", "--json"))
    again = as_json(pullquote(db, "ingest", seeds, "--film", "Her", "--year", "2013", "--json"))
    assert again["reviews_added"] == 0 and again["duplicates"] == 2


def _dump(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return [
            row
            for table in ("films", "reviews", "snippets", "releases")
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")
        ]


def test_bad_files_rejected_and_database_unchanged(db: Path, tmp_path: Path) -> None:
    pullquote(db, "quote")  # first use: creates the database with the sample corpus
    before = _dump(db)
    binary = tmp_path / "still.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    broken = tmp_path / "broken.md"
    broken.write_text("---\nfilm: Her\nyear: [2013\n---\nA fine film.\n")
    huge = tmp_path / "huge.md"
    with huge.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    result = pullquote(db, "ingest", str(binary), str(broken), str(huge))
    assert result.returncode == 1
    assert "still.txt: this is a binary file" in result.stderr
    assert "broken.md: line" in result.stderr and "broken header" in result.stderr
    assert "huge.md: the file is 50.0 MB" in result.stderr
    assert _dump(db) == before


def test_extract_json_shape_touches_no_database(db: Path, shared_dir: Path) -> None:
    seed = shared_dir / "seeds" / "004_1e83a2296a2f0544.txt"
    data = as_json(
        pullquote(db, "extract", str(seed), "--film", "Her", "--year", "2013", "--json")
    )
    assert set(data) == {"film", "quotes", "releases", "excerpts"}
    text = seed.read_text()
    for q in data["quotes"]:
        assert text[q["start"] : q["end"]] == q["text"]
    assert not db.exists()


def test_bad_setting_is_explained(db: Path) -> None:
    result = pullquote(db, "quote", env={"SLACK_BOT_TOKEN": "nope"})
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "xoxb-" in result.stderr
    assert "nope" not in result.stderr


# -- issue 16's small things, in process (typer's runner; the same app `main` runs) ------------


def invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    from typer.testing import CliRunner

    from adapters.cli import build

    clean = {k: "" for k in os.environ if k.startswith(("DISCORD_", "SLACK_"))}
    return CliRunner().invoke(build(), list(args), env={**clean, **(env or {})})


def test_help_shows_flags_as_flags() -> None:
    for command in ("quote", "ingest", "db stats"):
        result = invoke(*command.split(), "--help")
        assert result.exit_code == 0, result.output
        assert re.search(r"--json\s+Print JSON instead of a card\.", result.output)
        assert "<bool>" not in result.output and "BOOLEAN" not in result.output


def test_discord_invite_tells_a_malformed_token_from_a_missing_one(tmp_path: Path) -> None:
    env = {"PULLQUOTE_DB": str(tmp_path / "x.db")}
    missing = invoke("discord", "invite", env=env)
    assert missing.exit_code == 2 and "Set DISCORD_TOKEN" in missing.output
    malformed = invoke("discord", "invite", env={**env, "DISCORD_TOKEN": "not-a-token"})
    assert malformed.exit_code == 2
    assert "does not look like a bot token" in malformed.output
    assert "not-a-token" not in malformed.output
    # A real token's first part is the application id in base64.
    good = invoke("discord", "invite", env={**env, "DISCORD_TOKEN": "MTIzNDU2Nzg5.x.y"})
    assert good.exit_code == 0 and "client_id=123456789" in good.output


def test_extract_without_film_prints_no_none(tmp_path: Path) -> None:
    review = tmp_path / "review.md"
    review.write_text("A bold, strange film. “Wonderful,” wrote Ann Lee of The Daily Bugle.\n")
    result = invoke("extract", str(review), env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "None" not in result.output
    first = result.output.splitlines()[0]
    assert first.startswith("Film: ") and "(" not in first


def test_extract_film_line_says_what_is_known() -> None:
    from adapters.cli.reviews import film_line

    assert film_line({"title": "Her", "year": 2013, "director": "Spike Jonze"}) == (
        "Her (2013), director Spike Jonze"
    )
    assert film_line({"title": "Her", "year": None, "director": None}) == "Her"
    assert film_line({"title": None, "year": None, "director": None}) == "unknown"


def loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules a fresh interpreter has imported after running `code`."""
    script = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=full_env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


NOT_FOR_HELP = {"pydantic", "rich", "aiosqlite", "discord", "slack_bolt"}
NOT_FOR_CARDS = {"discord", "slack_bolt", "slack_sdk"}


def test_help_imports_only_the_command_line() -> None:
    # Starting fast (issue 16) is importing little: --help needs typer and our CLI modules.
    loaded = loaded_after(
        "from adapters.cli import build\n"
        "try:\n    build()(['--help'], prog_name='pullquote')\nexcept SystemExit:\n    pass"
    )
    assert "adapters.cli" in loaded
    assert not {m for m in loaded if m.split(".")[0] in NOT_FOR_HELP}
    assert not {m for m in loaded if m.startswith("bot.extract")}


def test_a_card_command_imports_no_platform_and_no_extraction(db: Path) -> None:
    pullquote(db, "quote")  # a filled database (the sample), so nothing is ingested below
    loaded = loaded_after(
        "from adapters.cli import build\n"
        "try:\n    build()(['quote', '--json'], prog_name='pullquote')\nexcept SystemExit:\n"
        "    pass",
        {"PULLQUOTE_DB": str(db)},
    )
    assert "bot.core" in loaded and "aiosqlite" in loaded
    assert not {m for m in loaded if m.split(".")[0] in NOT_FOR_CARDS}
    assert "bot.extract.pipeline" not in loaded
