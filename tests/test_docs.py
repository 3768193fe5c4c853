"""The docs say what the code does: the README's command table is the declaration, the
example settings file lists exactly the configuration model's settings, every migration
file is applied, and no doc leans on a folder outside the repository."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from bot.commands import COMMANDS, Command
from bot.config import Settings
from bot.invocation import usage
from storage.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
WHO = {"everyone": "everyone", "admin": "admins"}
ANSWER = {"preview": "private preview", "public": "in the channel", "private": "private"}


def readme_commands() -> dict[str, tuple[str, str]]:
    """The README's command table: usage -> (who, answer)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].startswith("`/"):
            rows[cells[0].strip("`")] = (cells[1], cells[2])
    return rows


def declared() -> dict[str, tuple[str, str]]:
    """What the declaration says, in the README's words: usage -> (who, answer)."""
    rows: dict[str, tuple[str, str]] = {}

    def add(cmd: Command, parent: Command | None = None) -> None:
        access = "admin" if "admin" in (cmd.access, parent.access if parent else "") else (
            "everyone"
        )
        rows[usage(cmd, parent)] = (WHO[access], ANSWER[cmd.answer])

    for cmd in COMMANDS:
        for sub in cmd.subcommands:
            add(sub, cmd)
        if not cmd.subcommands:
            add(cmd)
    return rows


def test_readme_command_table_is_the_declaration() -> None:
    assert readme_commands() == declared()


def env_example_names() -> set[str]:
    text = (ROOT / "deploy" / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_env_example_lists_exactly_the_settings() -> None:
    assert env_example_names() == {name.upper() for name in Settings.model_fields}


def test_env_example_calls_nothing_in_progress() -> None:
    # Issue 16: both adapters were still "(adapter in progress)" there.
    assert "in progress" not in (ROOT / "deploy" / ".env.example").read_text()


def migration_files() -> set[tuple[int, str]]:
    """(version, name) of every SQL file under storage/ named like a migration."""
    found = set()
    for path in (ROOT / "storage").rglob("*.sql"):
        match = re.match(r"^(\d+)_(.+)\.sql$", path.name)
        assert match, f"{path} is not named NNNN_name.sql, so no migrator would apply it"
        found.add((int(match[1]), match[2]))
    return found


async def test_every_migration_file_is_applied(tmp_path: Path) -> None:
    store = await SQLiteStore.open(tmp_path / "fresh.db")
    await store.close()
    with sqlite3.connect(tmp_path / "fresh.db") as conn:
        applied = set(conn.execute("SELECT version, name FROM schema_migrations"))
    files = migration_files()
    assert len(files) >= 8
    assert applied == files


def test_docs_stand_alone() -> None:
    docs = [ROOT / "README.md", *ROOT.glob("deploy/*.md"), *ROOT.glob("tests/**/README.md")]
    leaning = [str(p.relative_to(ROOT)) for p in docs if "../shared" in p.read_text()]
    assert leaning == []
