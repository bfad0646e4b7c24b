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
from collections.abc import Awaitable, Callable
from typing import Any

from lsprotocol import types

from roadmap_coach.analysis.git_facts import read_git
from roadmap_coach.analysis.git_fingerprint import Fingerprint, git_fingerprint, head_of
from roadmap_coach.analysis.workspace import analyze_file, list_files
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.lsp.positions import uri_to_rel

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
    def __init__(
        self,
        pipeline: Pipeline,
        *,
        root: Callable[[], str | None],
        open_paths: Callable[[], set[str]],
        can_watch: Callable[[], bool],
        register_watch: Callable[[types.RegistrationParams], Awaitable[Any]],
        rescan: Callable[[], object],
    ) -> None:
        self.pipeline = pipeline
        self._root = root  # the workspace folder, once known
        self._open_paths = open_paths  # files whose editor buffer is newer than the disk
        self._can_watch = can_watch  # the client registers file watchers dynamically
        self._register_watch = register_watch  # client/registerCapability
        self._rescan = rescan  # start a whole-workspace scan
        self.registered = False
        self.poll_interval = POLL_S
        self._pending: dict[str, int] = {}
        self._git_dirty = False
        self._flush: asyncio.TimerHandle | None = None
        self._poller: asyncio.Task[None] | None = None
        self._fingerprint: Fingerprint | None = None
        self._git_running = False
        self._git_again = False
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        if self._can_watch():
            watchers = [types.FileSystemWatcher(glob_pattern=g) for g in (*FILE_GLOBS, *GIT_GLOBS)]
            registration = types.Registration(
                id=REGISTRATION_ID,
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
            try:
                await self._register_watch(types.RegistrationParams(registrations=[registration]))
                self.registered = True
            except Exception as exc:  # the client said no: poll instead
                log.info("file watching not registered: %s", exc)
        self.poll_interval = BACKSTOP_S if self.registered else POLL_S
        if self._root() is not None and self._poller is None:
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
            path = uri_to_rel(self._root(), change.uri)
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
            in_editor = self._open_paths()
            await self.pipeline.update(lambda: self._reread(pending, in_editor))
        if git:
            await self.refresh_git()

    def _reread(self, pending: dict[str, int], in_editor: set[str]) -> None:
        """On the analysis thread: re-read what changed on disk (an editor buffer wins)."""
        root = self._root()
        state = self.pipeline.state
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
        pipeline = self.pipeline
        root = self._root()
        if root is None:
            return
        self._git_running = True
        try:
            while True:
                self._git_again = False
                self._fingerprint = await asyncio.to_thread(git_fingerprint, root)
                git = await asyncio.to_thread(read_git, root)
                pipeline.stats["gitReads"] += 1
                await pipeline.update(lambda git=git: pipeline.state.set_git(git))
                if not self._git_again:
                    break
        finally:
            self._git_running = False

    async def _poll(self) -> None:
        root = self._root()
        if root is None:
            return
        with contextlib.suppress(asyncio.CancelledError):
            self._fingerprint = await asyncio.to_thread(git_fingerprint, root)
            while not self.pipeline.closed:
                await asyncio.sleep(self.poll_interval)
                found = await asyncio.to_thread(git_fingerprint, root)
                if found == self._fingerprint:
                    continue
                head_moved = head_of(found) != head_of(self._fingerprint)
                self._fingerprint = found
                if head_moved and not self.registered:
                    # A checkout or commit may have changed files nobody told us about.
                    self._rescan()
                else:
                    await self.refresh_git()


def register(server: CoachServer, pipeline: Pipeline, *, rescan: Callable[[], object]) -> Watcher:
    """`rescan()` starts a whole-workspace scan (a checkout may have changed any file)."""
    documents = server.documents
    watcher = Watcher(
        pipeline,
        root=lambda: documents.root,
        open_paths=lambda: set(documents.open_uris),
        can_watch=lambda: server.client_features.watch_dynamic,
        register_watch=server.client_register_capability_async,
        rescan=rescan,
    )
    server.on_stop.append(watcher.stop)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: CoachServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        watcher.on_changes(params)

    return watcher
