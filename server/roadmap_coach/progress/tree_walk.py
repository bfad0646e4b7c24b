"""The first-parent history of HEAD, one commit's tree (path -> blob id) at a time.

Each commit's tree is the previous one plus `git diff-tree`, so a commit costs what
it changed. The files seen are those the workspace lister would list (no virtualenvs,
caches or build output), so history and `scan` judge the same files. Nothing here
reads a blob: `progress.blob_records` turns changed blobs into records.
"""

from __future__ import annotations

import posixpath
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from roadmap_coach.analysis.facts import Commit
from roadmap_coach.analysis.workspace import SKIP_DIRS, VENV_MARKER

LOG_FORMAT = "%x01%H%x00%at%x00%P"
_SKIPPED_MODES = ("160000", "120000")  # submodules and symlinks: no content of ours


@dataclass(slots=True)
class TreeStep:
    commit: Commit
    listed: dict[str, str]  # path -> blob id of the files listed at this commit (a live view)
    changed: set[str] = field(default_factory=set)  # listed paths with new content
    removed: set[str] = field(default_factory=set)  # paths no longer listed
    tracked: list[str] = field(default_factory=list)  # every path in the commit's tree


def first_parent_commits(repo: Any) -> list[Commit]:
    """Oldest first; empty for a repository without commits."""
    import git

    try:
        repo.git.rev_parse("--verify", "-q", "HEAD^{commit}")
    except git.GitCommandError:
        return []
    out = repo.git.log(
        "--first-parent", "--reverse", "--no-show-signature", f"--format={LOG_FORMAT}", "HEAD"
    )
    return parse_log(out)


def parse_log(out: str) -> list[Commit]:
    commits = []
    for record in out.split("\x01"):
        fields = record.strip("\n").split("\x00")
        if len(fields) == 3 and fields[0]:
            sha, stamp, parents = fields
            commits.append(Commit(sha, utc(stamp), len(parents.split()), ""))
    return commits


def empty_tree(repo: Any) -> str:
    """The id of the empty tree in this repository's hash (SHA-1 or SHA-256)."""
    import os

    return str(repo.git.hash_object("-t", "tree", os.devnull)).strip()


def utc(stamp: str) -> str:
    return datetime.fromtimestamp(int(stamp or 0), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TreeWalk:
    """Blob ids only: what each file holds is `progress.blob_records`' business."""

    def __init__(self, repo: Any) -> None:
        self.repo = repo

    def walk(self, commits: list[Commit], start: str | None = None) -> Iterator[TreeStep]:
        """Each commit's listed files, from the tree-ish `start` (default: the first commit
        is a root commit). Any commits may follow each other: each is a diff from the last.
        The first-parent line of HEAD from its root (what `first_parent_commits` gives, or
        its oldest part) is read from one `git log` instead of a `git diff-tree` each."""
        tree: dict[str, str] = {}  # path -> blob id
        listed: dict[str, str] = {}
        tracked: list[str] = []
        previous: str | None = start
        diffs = self._first_parent_diffs() if start is None else None
        try:
            for commit in commits:
                raw = _next_diff(diffs, commit.sha) if diffs is not None else None
                if raw is None and diffs is not None:
                    diffs.close()  # not the line `git log` gives: diff each commit instead
                    diffs = None
                changed, paths_moved = self._apply(tree, previous, commit.sha, raw)
                previous = commit.sha
                before = set(listed) if paths_moved else None
                if paths_moved:
                    listed = _listed(tree)
                    tracked = sorted(tree)
                else:
                    listed.update((p, tree[p]) for p in changed if p in listed)
                fresh = {p for p in changed if p in listed}
                removed: set[str] = set()
                if before is not None:
                    fresh.update(p for p in listed if p not in before)
                    removed = before - set(listed)
                yield TreeStep(commit, listed, fresh, removed, tracked)
        finally:
            if diffs is not None:
                diffs.close()

    def _first_parent_diffs(self) -> Generator[tuple[str, bytes], None, None]:
        """(commit id, raw diff against its first parent), oldest first, streamed."""
        process = self.repo.git.log(
            "--first-parent",
            "--reverse",
            "--diff-merges=first-parent",
            "--raw",
            "-r",
            "--root",
            "--no-renames",
            "--no-abbrev",
            "-z",
            "--format=%x01%H",
            "HEAD",
            as_process=True,
        )
        stream = process.proc.stdout
        try:
            pending = b""
            while True:
                chunk = stream.read(1 << 16)
                pending += chunk
                records = pending.split(b"\x01")
                pending = records.pop() if chunk else b""
                for record in records:
                    if record:
                        sha, _, raw = record.partition(b"\0")
                        yield sha.decode("ascii", "replace"), raw
                if not chunk:
                    return
        finally:
            stream.close()
            process.proc.kill()
            process.proc.wait()

    def _apply(
        self, tree: dict[str, str], previous: str | None, sha: str, raw: bytes | None = None
    ) -> tuple[set[str], bool]:
        """Update `tree` to `sha` (`raw`: its diff, when already read): (paths with new
        content, whether paths came or went)."""
        if raw is None:
            args = ["-r", "--no-renames", "-z", "--no-commit-id"]
            args += [previous, sha] if previous else ["--root", sha]
            raw = self.repo.git.diff_tree(*args, stdout_as_string=False)
        items = raw.split(b"\0")
        changed: set[str] = set()
        moved = False
        index = 0
        while index + 1 < len(items):
            header = items[index].lstrip(b"\n")
            if not header.startswith(b":"):
                index += 1
                continue
            path_bytes = items[index + 1]
            index += 2
            _old_mode, new_mode, _old, blob, status = header[1:].decode().split(" ")[:5]
            path = path_bytes.decode("utf-8", errors="surrogateescape")
            if status.startswith("D") or new_mode in _SKIPPED_MODES:
                moved |= tree.pop(path, None) is not None
                continue
            moved |= path not in tree
            tree[path] = blob
            changed.add(path)
        return changed, moved


def _next_diff(diffs: Generator[tuple[str, bytes], None, None], sha: str) -> bytes | None:
    found = next(diffs, None)
    return found[1] if found is not None and found[0] == sha else None


def _listed(tree: dict[str, str]) -> dict[str, str]:
    """The files the workspace lister would list: no venvs, caches or build output."""
    venvs = {
        posixpath.dirname(p)
        for p in tree
        if posixpath.basename(p) == VENV_MARKER and posixpath.dirname(p)
    }
    listed = {}
    for path, blob in tree.items():
        if any(part in SKIP_DIRS for part in path.split("/")[:-1]):
            continue
        if posixpath.basename(path) != VENV_MARKER and any(path.startswith(v + "/") for v in venvs):
            continue
        listed[path] = blob
    return listed
