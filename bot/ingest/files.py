"""Find the review files under the paths a person named, and say why anything else was left.

A folder is walked without following links out of it (unless asked to), without descending
into hidden folders, and without hanging on links that loop back; what cannot be read is
reported, never silently dropped."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.ingest.readers import REVIEW_SUFFIXES

FOLLOW_HINT = "pass --follow-links to read it"


@dataclass(slots=True)
class FoundFiles:
    """Files to ingest; paths passed over (with why); paths that should have been read but
    could not be (a missing path, a folder without permission), which make the run fail."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)


def _why_not_regular(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    return "not a regular file"


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def find_files(paths: Iterable[Path], *, follow_links: bool = False) -> FoundFiles:
    """Review files under `paths`: folders recursively (sorted), named files as given."""
    found = FoundFiles()
    for path in paths:
        try:
            st = path.stat()
        except OSError as exc:
            found.rejected.append((str(path), _no_such(path, exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(path, found, follow_links)
        elif stat.S_ISREG(st.st_mode):
            found.files.append(path)  # named on purpose: read whatever its suffix
        else:
            found.rejected.append((str(path), _why_not_regular(st.st_mode)))
    return found


def _no_such(path: Path, exc: OSError) -> str:
    if path.is_symlink():
        return "a link to nothing (its target is missing, or the links loop)"
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    return f"cannot read it: {exc.strerror or exc}"


def _walk(top: Path, found: FoundFiles, follow_links: bool) -> None:
    root = top.resolve()
    seen: set[tuple[int, int]] = set()
    files: list[Path] = []
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen:
                found.skipped.append((str(folder), "a link back to a folder already read"))
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            found.rejected.append((str(folder), f"cannot read the folder: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders (.git, .DS_Store) are not reviews
            path = Path(entry.path)
            reason = _entry(path, entry, root, follow_links, pending)
            if reason is None:
                files.append(path)
            elif reason:
                found.skipped.append((str(path), reason))
    found.files.extend(sorted(files))


def _entry(
    path: Path, entry: os.DirEntry[str], root: Path, follow_links: bool, pending: list[Path]
) -> str | None:
    """None to read the file, a reason to skip it, or "" when it is a folder now queued."""
    try:
        link = entry.is_symlink()
        st = entry.stat(follow_symlinks=True)
    except OSError:
        return "a link to nothing (its target is missing, or the links loop)"
    if link and not follow_links:
        target = path.resolve()
        if not _within(target, root):
            return f"a link to outside the folder; {FOLLOW_HINT}"
        if stat.S_ISDIR(st.st_mode):
            return ""  # a link to a folder inside this one: it is read where it really is
    if stat.S_ISDIR(st.st_mode):
        pending.append(path)
        return ""
    if not stat.S_ISREG(st.st_mode):
        return _why_not_regular(st.st_mode)
    if path.suffix.lower() not in REVIEW_SUFFIXES or path.name == "README.md":
        return "not a review file"
    return None
