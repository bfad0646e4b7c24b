"""A cheap fingerprint of a repository's state, to notice that Git facts are stale.

It changes when a branch, commit, merge or remote change happens: the text of `HEAD`
and the stat of every branch ref, `packed-refs` and `config`. It costs a few `stat`s
and never runs Git.
"""

from __future__ import annotations

import contextlib
import os

Fingerprint = tuple[str, tuple[tuple[str, int, int], ...]]


def git_dir_of(root: str) -> str | None:
    """The repository's Git folder (following a worktree's `gitdir:` file), or None."""
    git_dir = os.path.join(root, ".git")
    if os.path.isfile(git_dir):  # a worktree or submodule: `gitdir: <path>`
        try:
            with open(git_dir, encoding="utf-8") as handle:
                target = handle.read(4096).strip().removeprefix("gitdir:").strip()
        except OSError:
            return None
        git_dir = os.path.join(root, target)
    return git_dir if os.path.isdir(git_dir) else None


def git_fingerprint(root: str) -> Fingerprint | None:
    """HEAD's text and the (mtime, size) of the files whose change means Git facts
    moved; None when `root` is not a repository."""
    git_dir = git_dir_of(root)
    if git_dir is None:
        return None
    try:
        with open(os.path.join(git_dir, "HEAD"), encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        head = ""
    stats: list[tuple[str, int, int]] = []
    for name in ("packed-refs", "config"):
        with contextlib.suppress(OSError):
            info = os.stat(os.path.join(git_dir, name))
            stats.append((name, info.st_mtime_ns, info.st_size))
    heads = os.path.join(git_dir, "refs", "heads")
    for folder, _dirs, files in os.walk(heads):
        for name in files:
            full = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                info = os.stat(full)
                stats.append((os.path.relpath(full, heads), info.st_mtime_ns, info.st_size))
    return head, tuple(sorted(stats))


def head_of(fingerprint: Fingerprint | None) -> str | None:
    return fingerprint[0] if fingerprint is not None else None
