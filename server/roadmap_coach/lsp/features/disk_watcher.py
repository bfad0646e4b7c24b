"""The server's own file watcher, for clients that cannot watch files (Neovim 0.7).

`watchfiles` (a Rust core over inotify / FSEvents / ReadDirectoryChangesW) runs in a
child process of its own, so neither its wake-ups nor a flood of events (a `pip install`
into a virtualenv) ever take the server's GIL from a keystroke's analysis. The child
applies the listing's skip rules and writes one JSON line per debounced batch:
`{"paths": [workspace-relative paths], "git": true when HEAD, the index or a ref moved}`
(and first `{"ready": true}` once it watches).
It is started with `python -P` from `/`, so nothing in the workspace is imported,
and it ends when the server closes its stdin (or dies).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable

import roadmap_coach
from roadmap_coach.analysis.git_fingerprint import common_dir_of, git_dir_of, is_state_file
from roadmap_coach.analysis.listing_rules import may_be_listed

log = logging.getLogger(__name__)

DEBOUNCE_MS = 400  # a burst (a checkout, an unzip) is one batch, at most this late
STEP_MS = 100  # … and a single save is sent once nothing else changed for this long

# (paths changed under the workspace, whether Git's state changed)
Batch = tuple[set[str], bool]


class DiskWatcher:
    """The parent's side: starts the child, reads its batches on a daemon thread and
    hands them to `on_batch` on the event loop."""

    def __init__(
        self,
        root: str,
        on_batch: Callable[[Batch], None],
        *,
        ignored: Callable[[str], bool] = lambda rel: False,
        on_ready: Callable[[], None] = lambda: None,
    ) -> None:
        self.root = os.path.realpath(root)
        self._on_batch = on_batch
        self._ignored = ignored  # known to be left out by the listing (.gitignored)
        self._on_ready = on_ready
        self.ready = False  # the child watches (changes from now on are seen)
        self._loop = asyncio.get_running_loop()
        self._child: subprocess.Popen[bytes] | None = None
        self.failed: str | None = None

    def start(self) -> None:
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(roadmap_coach.__file__)))
        code = (
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from roadmap_coach.lsp.features.disk_watcher import main; main(sys.argv[2])"
        )
        try:
            self._child = subprocess.Popen(
                [sys.executable, "-P", "-c", code, package_parent, self.root],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd="/",
            )
        except OSError as exc:
            self.failed = f"cannot start the watcher: {exc}"
            log.warning("%s", self.failed)
            return
        threading.Thread(target=self._read, name="roadmap-coach-watch", daemon=True).start()

    def stop(self) -> None:
        child = self._child
        if child is None:
            return
        if child.stdin is not None:
            with contextlib.suppress(OSError):
                child.stdin.close()  # the child's signal to end
        try:
            child.wait(timeout=2)
        except subprocess.TimeoutExpired:
            child.kill()

    def _read(self) -> None:
        child = self._child
        assert child is not None and child.stdout is not None
        for line in child.stdout:
            try:
                batch = json.loads(line)
            except ValueError:
                continue
            if batch.get("ready"):
                self.ready = True
                self._loop.call_soon_threadsafe(self._on_ready)
                continue
            if "error" in batch:
                self.failed = str(batch["error"])
                log.warning("the workspace cannot be watched: %s", self.failed)
                continue
            paths = {p for p in batch.get("paths", []) if not self._ignored(p)}
            if paths or batch.get("git"):
                self._loop.call_soon_threadsafe(self._on_batch, (paths, bool(batch.get("git"))))
        if self.failed is None and child.wait() != 0:
            self.failed = f"the watcher ended (exit status {child.returncode})"


# -- the child process -------------------------------------------------------------------


def main(root: str) -> None:
    """Watch `root` until stdin closes; print one JSON line per batch."""
    stop = threading.Event()

    def wait_for_parent() -> None:
        sys.stdin.buffer.read()  # returns at EOF: the server closed the pipe or died
        stop.set()

    threading.Thread(target=wait_for_parent, daemon=True).start()
    git_dir = git_dir_of(root)
    git_dirs = list(dict.fromkeys((git_dir, common_dir_of(git_dir)))) if git_dir else []
    paths = [root] + [d for d in git_dirs if not _inside(d, root)]  # a worktree's
    try:
        # watchfiles' documented low-level API, so "ready" can be said once watching
        from watchfiles._rust_notify import RustNotify

        with RustNotify(paths, False, False, 300, True, True) as notify:
            _emit({"ready": True})
            while True:
                raw = notify.watch(DEBOUNCE_MS, STEP_MS, 60_000, stop)
                if raw in ("stop", "signal"):
                    return
                if raw == "timeout":
                    continue
                changed, git = sort_changes(root, git_dirs, (path for _change, path in raw))
                if changed or git:
                    _emit({"paths": sorted(changed), "git": git})
    except Exception as exc:  # e.g. out of inotify watches: the server's Git poll still runs
        _emit({"error": f"{type(exc).__name__}: {exc}"})


def sort_changes(root: str, git_dirs: list[str], paths: Iterable[str]) -> Batch:
    """Workspace paths the listing could include, and whether Git's state changed."""
    changed: set[str] = set()
    git = False
    for full in paths:
        rel = next((r for d in git_dirs if (r := _rel(full, d)) is not None), None)
        if rel is not None:
            git = git or is_state_file(rel)
            continue
        rel = _rel(full, root)
        if rel is None or ".git" in rel.split("/"):
            continue
        if may_be_listed(root, rel):
            changed.add(rel)
    return changed, git


def _emit(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _rel(full: str, folder: str) -> str | None:
    if not _inside(full, folder) or full == folder:
        return None
    return os.path.relpath(full, folder).replace(os.sep, "/")
