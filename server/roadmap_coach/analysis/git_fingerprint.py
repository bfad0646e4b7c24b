"""A cheap fingerprint of a repository's state, to notice that Git facts are stale.

It changes on every commit, branch, checkout, merge, pull, stash, `git add` or remote
change: the text of `HEAD` and the stat of the index, every ref, `packed-refs`,
`ORIG_HEAD`, `FETCH_HEAD`, `MERGE_HEAD` and `config`. It costs a few `stat`s and never
runs Git. `STATE_FILES` and `is_state_file` say the same for a file watcher.
"""

from __future__ import annotations

import contextlib
import os

Fingerprint = tuple[str, tuple[tuple[str, int, int], ...]]

# Files directly in the Git folder whose change means the Git facts may have moved.
STATE_FILES = ("HEAD", "index", "packed-refs", "config", "ORIG_HEAD", "FETCH_HEAD", "MERGE_HEAD")
REFS = "refs"


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
    return os.path.realpath(git_dir) if os.path.isdir(git_dir) else None


def common_dir_of(git_dir: str) -> str:
    """Where a worktree's refs live (its `commondir`), else the Git folder itself."""
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as handle:
            target = handle.read(4096).strip()
    except OSError:
        return git_dir
    common = os.path.realpath(os.path.join(git_dir, target))
    return common if os.path.isdir(common) else git_dir


def is_state_file(rel: str) -> bool:
    """Is `rel` (relative to the Git folder, '/'-separated) one the fingerprint reads?
    Lock files Git writes first and renames are not (the rename is seen)."""
    if rel.endswith(".lock"):
        return False
    return rel in STATE_FILES or rel.startswith(REFS + "/")


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
    common = common_dir_of(git_dir)
    for folder in dict.fromkeys((git_dir, common)):
        for name in STATE_FILES[1:]:
            with contextlib.suppress(OSError):
                info = os.stat(os.path.join(folder, name))
                stats.append((os.path.join(folder, name), info.st_mtime_ns, info.st_size))
    for folder, _dirs, files in os.walk(os.path.join(common, REFS)):
        for name in files:
            full = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                info = os.stat(full)
                stats.append((full, info.st_mtime_ns, info.st_size))
    return head, tuple(sorted(stats))


def head_of(fingerprint: Fingerprint | None) -> str | None:
    return fingerprint[0] if fingerprint is not None else None
