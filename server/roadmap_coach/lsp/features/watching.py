"""Changes made outside the editor: files written by a terminal, `git checkout`,
`git pull`, `python -m venv`, and the Git state (`git commit`, `git add`, branches).

Three sources feed one path (`changed` → `_reread` on the analysis thread):

- a client that registers `workspace/didChangeWatchedFiles` dynamically is asked to
  watch every file kind analysis reads (`watch_globs`: `analysis.files.read_patterns()`
  plus the roadmap's file names) and the Git state files (`analysis.git_fingerprint`);
- any other client (Neovim 0.7) gets the server's own watcher (`disk_watcher`), with
  the listing's skip rules;
- a cheap poll of the Git fingerprint (a few `stat`s) every few seconds when nothing
  watches, rarely as a backstop when something does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from lsprotocol import types

from roadmap_coach.analysis.files import read_patterns
from roadmap_coach.analysis.git_facts import read_git
from roadmap_coach.analysis.git_fingerprint import (
    REFS,
    STATE_FILES,
    Fingerprint,
    git_fingerprint,
    head_of,
)
from roadmap_coach.analysis.workspace import analyze_file, list_files, may_be_listed
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.features.disk_watcher import Batch, DiskWatcher
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.lsp.positions import uri_to_rel
from roadmap_coach.roadmap.models import Problem, Roadmap

log = logging.getLogger(__name__)

REGISTRATION_ID = "roadmap-coach/watch"
POLL_S = 2.0  # nothing watches
BACKSTOP_S = 15.0  # the client or the server watches; a missed event still gets noticed
BATCH_S = 0.05


def _any_case(pattern: str) -> str:
    """`Dockerfile*` → `[dD][oO]…*`: analysis reads names case-insensitively, globs are not."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in pattern)


def roadmap_file_patterns(roadmap: Roadmap) -> list[str]:
    """The file names the roadmap's `file` matchers look for (rules read them by name)."""
    found: list[str] = []
    for checkpoint in roadmap.checkpoints:
        for matcher in checkpoint.detect:
            if matcher.kind == "file":
                value = matcher.value
                found += [value] if isinstance(value, str) else list(value)
    return found


def watch_globs(roadmap: Roadmap) -> list[str]:
    """Every glob a watching client is asked for: the file kinds analysis reads, the
    roadmap's file names, and Git's state files."""
    globs = [f"**/{_any_case(p)}" for p in read_patterns()]
    globs += [f"**/{p.removeprefix('**/')}" for p in roadmap_file_patterns(roadmap)]
    globs += [f"**/.git/{name}" for name in STATE_FILES] + [f"**/.git/{REFS}/**"]
    return list(dict.fromkeys(globs))


class Watcher:
    def __init__(
        self,
        pipeline: Pipeline,
        *,
        root: Callable[[], str | None],
        open_paths: Callable[[], set[str]],
        can_watch: Callable[[], bool],
        register_watch: Callable[[types.RegistrationParams], Awaitable[Any]],
        unregister_watch: Callable[[types.UnregistrationParams], Awaitable[Any]],
        rescan: Callable[[], object],
    ) -> None:
        self.pipeline = pipeline
        self._root = root  # the workspace folder, once known
        self._open_paths = open_paths  # files whose editor buffer is newer than the disk
        self._can_watch = can_watch  # the client registers file watchers dynamically
        self._register_watch = register_watch  # client/registerCapability
        self._unregister_watch = unregister_watch  # client/unregisterCapability
        self._globs: list[str] = []
        self._rescan = rescan  # start a whole-workspace scan
        self.on_reread: Callable[[set[str]], None] | None = None  # files about to be re-read
        self.registered = False
        self.disk: DiskWatcher | None = None
        self.poll_interval = POLL_S
        self._pending: set[str] = set()
        self._git_dirty = False
        self._flush: asyncio.TimerHandle | None = None
        self._poller: asyncio.Task[None] | None = None
        self._fingerprint: Fingerprint | None = None
        self._git_running = False
        self._git_again = False
        self._tasks: set[asyncio.Task[None]] = set()
        # Files on disk that the listing leaves out (.gitignored): their events are
        # dropped until a .gitignore or the Git state changes.
        self._not_listed: set[str] = set()

    @property
    def mode(self) -> str:
        """Who watches the files: "client", "server" or "poll" (Git only)."""
        if self.registered:
            return "client"
        if self.disk is not None and self.disk.failed is None:
            return "server"
        return "poll"

    def start_early(self) -> None:
        """Start the server's own watcher at once when the client will not watch (the
        child process is then watching before the scan lists the files)."""
        if not self._can_watch():
            self._start_own()

    def _start_own(self) -> None:
        root = self._root()
        if root is not None and self.disk is None:
            self.disk = DiskWatcher(
                root,
                self.on_disk,
                ignored=self._not_listed.__contains__,
                on_ready=self._watching,
            )
            self.disk.start()

    def _watching(self) -> None:
        """The server's watcher is ready: files made since a finished scan listed them
        (the moments before it watched) are looked at once."""
        if self.pipeline.stats["scans"] > 0:
            self.changed([""])

    async def start(self) -> None:
        root = self._root()
        if self._can_watch() and not self.registered:
            await self._register()
        if not self.registered and self.disk is None:
            self._start_own()
        self.poll_interval = POLL_S if self.mode == "poll" else BACKSTOP_S
        if root is not None and self._poller is None:
            self._poller = asyncio.ensure_future(self._poll())

    async def _register(self) -> None:
        globs = watch_globs(self.pipeline.roadmap)
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in globs]
        registration = types.Registration(
            id=REGISTRATION_ID,
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        try:
            await self._register_watch(types.RegistrationParams(registrations=[registration]))
            self.registered, self._globs = True, globs
        except Exception as exc:  # the client said no: the server watches
            log.info("file watching not registered: %s", exc)

    async def roadmap_changed(self) -> None:
        """A roadmap with other file names (`roadmapPaths`): the client watches those too."""
        if not self.registered or watch_globs(self.pipeline.roadmap) == self._globs:
            return
        gone = types.Unregistration(
            id=REGISTRATION_ID, method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES
        )
        try:
            await self._unregister_watch(types.UnregistrationParams(unregisterations=[gone]))
        except Exception as exc:
            log.info("file watching not unregistered: %s", exc)
            return
        self.registered = False
        await self._register()
        if not self.registered:
            self._start_own()

    def stop(self) -> None:
        if self.disk is not None:
            self.disk.stop()
        if self._poller is not None:
            self._poller.cancel()
            self._poller = None
        if self._flush is not None:
            self._flush.cancel()

    # -- changes -----------------------------------------------------------------------
    def on_changes(self, params: types.DidChangeWatchedFilesParams) -> None:
        """The client's `workspace/didChangeWatchedFiles`."""
        root = self._root()
        paths = (uri_to_rel(root, change.uri) for change in params.changes)
        self.changed([p for p in paths if p is not None])

    def on_disk(self, batch: Batch) -> None:
        """A batch from the server's own watcher (already filtered)."""
        paths, git = batch
        self._git_dirty = self._git_dirty or git
        self.changed(paths)

    def changed(self, paths: Iterable[str]) -> None:
        """Paths changed on disk ("" = the whole workspace: compare it with the listing)."""
        for path in paths:
            if path == ".git" or path.startswith(".git/"):
                self._git_dirty = True
            elif ".git" not in path.split("/"):
                self._pending.add(path)
        if self._flush is None and (self._pending or self._git_dirty):
            self._flush = asyncio.get_running_loop().call_later(BATCH_S, self._start_flush)

    def _start_flush(self) -> None:
        self._flush = None
        task = asyncio.ensure_future(self._apply_pending())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _apply_pending(self) -> None:
        pending, self._pending = self._pending, set()
        git, self._git_dirty = self._git_dirty, False
        if git or any(p.rsplit("/", 1)[-1] == ".gitignore" for p in pending):
            self._not_listed.clear()  # what Git ignores may have changed
        in_editor = self._open_paths()
        pending -= in_editor  # a save from the editor: its buffer was analysed already
        if pending:
            if self.on_reread is not None:
                self.on_reread(pending)
            await self.pipeline.update(lambda: self._reread(pending, in_editor))
        if git:
            await self.refresh_git()

    def _reread(self, pending: set[str], in_editor: set[str]) -> None:
        """On the analysis thread: re-read what changed on disk (an editor buffer wins)."""
        root = self._root()
        state = self.pipeline.state
        if root is None:
            return
        pending = {p for p in pending if p not in in_editor and may_be_listed(root, p)}
        if not pending:
            return
        listed = set(list_files(root)[0])
        for path in sorted(pending):
            full = os.path.join(root, *path.split("/"))
            if path in listed:
                state.put_disk(path, analyze_file(root, path))
                continue
            prefix = path + "/" if path else ""
            if os.path.isdir(full):
                # a folder moved or checked out: the files in it nobody reported
                for new in sorted(p for p in listed if p.startswith(prefix)):
                    if new not in state.entries and new not in in_editor:
                        state.put_disk(new, analyze_file(root, new))
            # a deleted file, or a folder: everything under it that is gone
            for known in [p for p in state.entries if p == path or p.startswith(prefix)]:
                if known not in listed and known not in in_editor:
                    state.remove(known)
            if os.path.isfile(full):
                self._not_listed.add(path)  # on disk, yet not listed: ignored by Git

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
                if self.mode == "poll":
                    self.poll_interval = POLL_S  # the server's watcher gave up
                await asyncio.sleep(self.poll_interval)
                found = await asyncio.to_thread(git_fingerprint, root)
                if found == self._fingerprint:
                    continue
                head_moved = head_of(found) != head_of(self._fingerprint)
                self._fingerprint = found
                self._not_listed.clear()
                if head_moved and self.mode == "poll":
                    # A checkout may have changed files nobody told us about.
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
        unregister_watch=server.client_unregister_capability_async,
        rescan=rescan,
    )
    server.on_stop.append(watcher.stop)

    def roadmap_changed(roadmap: Roadmap, problems: Sequence[Problem]) -> None:
        task = asyncio.ensure_future(watcher.roadmap_changed())
        watcher._tasks.add(task)
        task.add_done_callback(watcher._tasks.discard)

    pipeline.listen.roadmap.append(roadmap_changed)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: CoachServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        watcher.on_changes(params)

    return watcher
