"""Where the database lives by default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_VAR = "PULLQUOTE_DB"


def default_db_path() -> Path:
    """The database path: `$PULLQUOTE_DB` if set, else `pullquote.db` in the user data dir.

    Nothing is created here; `SQLiteStore.open` creates the directory and file on first use.
    """
    override = os.environ.get(ENV_VAR, "").strip()
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir("pullquote", appauthor=False)) / "pullquote.db"
