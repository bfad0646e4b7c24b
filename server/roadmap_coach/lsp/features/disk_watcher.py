"""The server's own file watcher, for clients that cannot watch files (Neovim 0.7):
`watchfiles` (a Rust core over inotify / FSEvents / ReadDirectoryChangesW) on a daemon
thread, with the listing's skip rules applied there, so a `pip install` into a
virtualenv or a build in `node_modules` never reaches the event loop.

Batches arrive debounced (`DEBOUNCE_MS`) as workspace-relative paths, and `.git` state
changes (HEAD, the index, refs …) as one flag; `on_batch` is called on the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable

from roadmap_coach.analysis.git_fingerprint import common_dir_of, git_dir_of, is_state_file
from roadmap_coach.analysis.workspace import may_be_listed

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400  # a burst (a checkout, an unzip) is one batch, at most this late
STEP_MS = 50  # … and a single save is sent once nothing else changed for this long

# (paths changed under the workspace, whether Git's state changed)
Batch = tuple[set[str], bool]


class DiskWatcher:
    def __init__(
        self,
        root: str,
        on_batch: Callable[[Batch], None],
        *,
        ignored: Callable[[str], bool] = lambda rel: False,
    ) -> None:
        self.root = os.path.realpath(root)
        git_dir = git_dir_of(self.root)
        # a worktree's Git folder, and the one its refs live in
        self.git_dirs = list(dict.fromkeys((git_dir, common_dir_of(git_dir)))) if git_dir else []
        self._on_batch = on_batch
        self._ignored = ignored  # known to be left out by the listing (.gitignored)
        self._loop = asyncio.get_running_loop()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.failed: str | None = None
        self.running = threading.Event()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="roadmap-coach-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    # -- on the watcher thread ---------------------------------------------------------
    def _run(self) -> None:
        try:
            from watchfiles import watch
        except ImportError as exc:  # a broken install: the Git poll still runs
            self.failed = f"watchfiles is not importable ({exc})"
            log.warning("%s", self.failed)
            return
        paths = [self.root]
        paths += [d for d in self.git_dirs if not _inside(d, self.root)]  # a worktree's
        try:
            self.running.set()
            for changes in watch(
                *paths,
                watch_filter=None,  # filtered below, per batch
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                stop_event=self._stop,
                yield_on_timeout=False,
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                batch = self._sort(path for _change, path in changes)
                if batch[0] or batch[1]:
                    self._loop.call_soon_threadsafe(self._on_batch, batch)
        except Exception as exc:  # e.g. out of inotify watches: the Git poll still runs
            self.failed = f"{type(exc).__name__}: {exc}"
            log.warning("the workspace cannot be watched: %s", self.failed)
        finally:
            self.running.clear()

    def _sort(self, paths: object) -> Batch:
        changed: set[str] = set()
        git = False
        for full in paths:  # type: ignore[attr-defined]
            rel = self._git_rel(full)
            if rel is not None:
                git = git or is_state_file(rel)
                continue
            rel = _rel(full, self.root)
            if rel is None or ".git" in rel.split("/"):
                continue
            if self._ignored(rel) or not may_be_listed(self.root, rel):
                continue
            changed.add(rel)
        return changed, git

    def _git_rel(self, full: str) -> str | None:
        for git_dir in self.git_dirs:
            rel = _rel(full, git_dir)
            if rel is not None:
                return rel
        return None


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _rel(full: str, folder: str) -> str | None:
    if not _inside(full, folder) or full == folder:
        return None
    return os.path.relpath(full, folder).replace(os.sep, "/")
