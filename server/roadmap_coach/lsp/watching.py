"""Changes made outside the editor: files written by other tools and the Git state.

When the client can watch files, the server registers `workspace/didChangeWatchedFiles`
for Python and configuration files and for `.git/HEAD` and `.git/refs/**`, so
`git checkout -b x` in a terminal becomes the `git.branch` milestone within a
second. A cheap poll of the Git state (a few `stat`s) runs every few seconds when
the client cannot watch, and rarely as a backstop when it can.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import TYPE_CHECKING

from lsprotocol import types

from roadmap_coach.analysis.git_facts import read_git
from roadmap_coach.analysis.workspace import analyze_file, list_files
from roadmap_coach.lsp.positions import uri_to_rel

if TYPE_CHECKING:
    from roadmap_coach.lsp.session import Session

log = logging.getLogger(__name__)

FILE_GLOBS = (
    "**/*.py",
    "**/requirements*.txt",
    "**/requirements/*.txt",
    "**/*.in",
    "**/*.toml",
    "**/Pipfile",
    "**/*.lock",
    "**/Dockerfile*",
    "**/Containerfile",
    "**/*.dockerfile",
    "**/*.yml",
    "**/*.yaml",
    "**/*.cfg",
    "**/*.ini",
    "**/*.conf",
    "**/*.json",
    "**/.gitignore",
    "**/.dockerignore",
    "**/.coveragerc",
    "**/.flake8",
    "**/.pylintrc",
    "**/.python-version",
    "**/runtime.txt",
    "**/Procfile",
    "**/.env*",
    "**/*.html",
    "**/*.htm",
    "**/*.jinja",
    "**/*.jinja2",
    "**/*.j2",
)
GIT_GLOBS = ("**/.git/HEAD", "**/.git/refs/**", "**/.git/packed-refs", "**/.git/config")
REGISTRATION_ID = "roadmap-coach/watch"
POLL_S = 2.0  # the client cannot watch
BACKSTOP_S = 15.0  # the client watches; a missed event still gets noticed
BATCH_S = 0.05


class Watcher:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.registered = False
        self.poll_interval = POLL_S
        self._pending: dict[str, int] = {}
        self._git_dirty = False
        self._flush: asyncio.TimerHandle | None = None
        self._poller: asyncio.Task[None] | None = None
        self._fingerprint: object = None
        self._git_running = False
        self._git_again = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        session = self.session
        if session.features.watch_dynamic:
            watchers = [types.FileSystemWatcher(glob_pattern=g) for g in (*FILE_GLOBS, *GIT_GLOBS)]
            registration = types.Registration(
                id=REGISTRATION_ID,
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
            try:
                await session.server.client_register_capability_async(
                    types.RegistrationParams(registrations=[registration])
                )
                self.registered = True
            except Exception as exc:  # the client said no: poll instead
                log.info("file watching not registered: %s", exc)
        self.poll_interval = BACKSTOP_S if self.registered else POLL_S
        if session.root is not None and self._poller is None:
            self._poller = asyncio.ensure_future(self._poll())

    def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            self._poller = None
        if self._flush is not None:
            self._flush.cancel()

    # -- watched files ---------------------------------------------------------------
    def on_changes(self, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = uri_to_rel(self.session.root, change.uri)
            if path is None:
                continue
            if path == ".git" or path.startswith(".git/"):
                self._git_dirty = True
            elif ".git" not in path.split("/"):
                self._pending[path] = change.type
        if self._flush is None and (self._pending or self._git_dirty):
            self._flush = asyncio.get_running_loop().call_later(BATCH_S, self._start_flush)

    def _start_flush(self) -> None:
        self._flush = None
        task = asyncio.ensure_future(self._apply_pending())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _apply_pending(self) -> None:
        pending, self._pending = self._pending, {}
        git, self._git_dirty = self._git_dirty, False
        if pending:
            in_editor = set(self.session.open_uris)
            await self.session.update(lambda: self._reread(pending, in_editor))
        if git:
            await self.refresh_git()

    def _reread(self, pending: dict[str, int], in_editor: set[str]) -> None:
        """On the analysis thread: re-read what changed on disk (an editor buffer wins)."""
        root = self.session.root
        state = self.session.state
        if root is None:
            return
        listed = set(list_files(root)[0])
        for path in pending:
            if path in in_editor:
                continue
            if path in listed:
                state.put_disk(path, analyze_file(root, path))
            else:
                # a deleted file, or a folder: everything under it that is gone
                for known in [p for p in state.entries if p == path or p.startswith(path + "/")]:
                    if known not in listed and known not in in_editor:
                        state.remove(known)

    # -- git ---------------------------------------------------------------------------
    async def refresh_git(self) -> None:
        """Read Git again (coalesced: one read in flight, at most one more after it)."""
        if self._git_running:
            self._git_again = True
            return
        session = self.session
        root = session.root
        if root is None:
            return
        self._git_running = True
        try:
            while True:
                self._git_again = False
                self._fingerprint = await asyncio.to_thread(git_fingerprint, root)
                git = await asyncio.to_thread(read_git, root)
                session.stats["gitReads"] += 1
                await session.update(lambda git=git: session.state.set_git(git))
                if not self._git_again:
                    break
        finally:
            self._git_running = False

    async def _poll(self) -> None:
        root = self.session.root
        if root is None:
            return
        with contextlib.suppress(asyncio.CancelledError):
            self._fingerprint = await asyncio.to_thread(git_fingerprint, root)
            while not self.session.closed:
                await asyncio.sleep(self.poll_interval)
                found = await asyncio.to_thread(git_fingerprint, root)
                if found == self._fingerprint:
                    continue
                head_moved = _head(found) != _head(self._fingerprint)
                self._fingerprint = found
                if head_moved and not self.registered:
                    # A checkout or commit may have changed files nobody told us about.
                    self.session.scanner.start()
                else:
                    await self.refresh_git()


def _head(fingerprint: object) -> object:
    return fingerprint[0] if isinstance(fingerprint, tuple) else None


def git_fingerprint(root: str) -> tuple[str, tuple[tuple[str, int, int], ...]] | None:
    """What changes when a branch, commit, merge or remote happens: HEAD's text and the
    stat of every branch ref, `packed-refs` and `config`. Costs a few `stat`s."""
    git_dir = os.path.join(root, ".git")
    if os.path.isfile(git_dir):  # a worktree or submodule: `gitdir: <path>`
        try:
            with open(git_dir, encoding="utf-8") as handle:
                target = handle.read(4096).strip().removeprefix("gitdir:").strip()
        except OSError:
            return None
        git_dir = os.path.join(root, target)
    if not os.path.isdir(git_dir):
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
