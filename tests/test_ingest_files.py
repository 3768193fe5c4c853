"""Finding review files: links, loops, pipes and unreadable folders never hang or vanish."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.ingest.files import find_files

REVIEW = "---\nfilm: Her\n---\nA fine film.\n"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """reviews/ holding a review, a sub-folder, and every awkward kind of entry."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(REVIEW)
    root = tmp_path / "reviews"
    (root / "sub").mkdir(parents=True)
    (root / "a.md").write_text(REVIEW)
    (root / "sub" / "b.md").write_text(REVIEW)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "c.md").write_text(REVIEW)
    (root / "poster.jpg").write_bytes(b"\xff\xd8")
    (root / "inside-link.md").symlink_to(root / "a.md")
    (root / "outside-link.md").symlink_to(outside / "secret.md")
    (root / "outside-dir").symlink_to(outside, target_is_directory=True)
    (root / "sub" / "up").symlink_to(root, target_is_directory=True)  # a loop
    (root / "self-loop.md").symlink_to(root / "self-loop.md")
    (root / "broken.md").symlink_to(tmp_path / "gone.md")
    os.mkfifo(root / "pipe.md")
    return root


def test_links_out_of_the_folder_are_not_followed(tree: Path) -> None:
    found = find_files([tree])
    assert [p.relative_to(tree).as_posix() for p in found.files] == [
        "a.md",
        "inside-link.md",
        "sub/b.md",
    ]
    skipped = {Path(p).name: why for p, why in found.skipped}
    assert "--follow-links" in skipped["outside-link.md"]
    assert "--follow-links" in skipped["outside-dir"]
    assert "link to nothing" in skipped["self-loop.md"]
    assert "link to nothing" in skipped["broken.md"]
    assert "named pipe" in skipped["pipe.md"]
    assert skipped["poster.jpg"] == "not a review file"
    assert "up" not in skipped  # a link to a folder inside: its files are read there
    assert not found.rejected


def test_follow_links_reads_outside_but_never_loops(tree: Path) -> None:
    found = find_files([tree], follow_links=True)
    names = sorted(p.relative_to(tree).as_posix() for p in found.files)
    assert names == [
        "a.md",
        "inside-link.md",
        "outside-dir/secret.md",
        "outside-link.md",
        "sub/b.md",
    ]
    assert any("already read" in why for _, why in found.skipped)  # sub/up -> reviews


def test_named_paths_missing_or_not_files_are_rejected(tree: Path) -> None:
    found = find_files(
        [tree / "nope.md", tree / "pipe.md", tree / "broken.md", Path(os.devnull), tree / "a.md"]
    )
    assert found.files == [tree / "a.md"]
    reasons = dict(found.rejected)
    assert reasons[str(tree / "nope.md")] == "no such file or folder"
    assert "named pipe" in reasons[str(tree / "pipe.md")]
    assert "link to nothing" in reasons[str(tree / "broken.md")]
    assert "a device" in reasons[os.devnull]


def test_an_unreadable_folder_is_reported(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Permissions do not stop root (the container user), so the OS refusal is simulated.
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path) == tree / "sub":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = find_files([tree])
    assert (str(tree / "sub"), "cannot read the folder: Permission denied") in found.rejected
    assert tree / "a.md" in found.files
