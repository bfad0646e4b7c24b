"""The workspace scan, in the background with `$/progress` work-done progress.

Git is read first (a fast read, so Git milestones show at once), then every file is
analysed on a worker thread while the event loop keeps answering requests; open
editor buffers stay newer than what the scan reads from disk. The learner (or the
client) can cancel it; `roadmapCoach.recheck` starts a new one.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable

from lsprotocol import types
from pygls.progress import Progress

from roadmap_coach.analysis.facts import WorkspaceFacts
from roadmap_coach.analysis.git_facts import read_git
from roadmap_coach.analysis.workspace import collect_workspace
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.progress.facts_cache import StoreFactsCache

REPORT_EVERY_S = 0.2


class ScanCancelled(Exception):
    pass


class WorkDone:
    """One `$/progress` token; no-ops when the client cannot show progress."""

    def __init__(self, progress: Progress, token: str | None, cancel: threading.Event) -> None:
        self.progress = progress
        self.token = token
        self.cancel = cancel
        self._loop = asyncio.get_running_loop()
        self._last = 0.0

    async def begin(self, title: str) -> None:
        if self.token is None:
            return
        progress = self.progress
        try:
            await progress.create_async(self.token)
        except Exception:  # the client refused: scan without a progress bar
            self.token = None
            return
        future = progress.tokens.get(self.token)
        if future is not None:  # the client's cancel button cancels this future
            future.add_done_callback(lambda _: self.cancel.set())
        progress.begin(
            self.token,
            types.WorkDoneProgressBegin(
                title=title, cancellable=True, message="listing files", percentage=0
            ),
        )

    def report_threadsafe(self, done: int, total: int) -> None:
        """Called on the scan thread after each file; cancels the scan when asked to."""
        if self.cancel.is_set():
            raise ScanCancelled
        now = time.monotonic()
        if self.token is None or (now - self._last < REPORT_EVERY_S and done < total):
            return
        self._last = now
        percent = 100 * done // max(total, 1)
        value = types.WorkDoneProgressReport(
            message=f"{done}/{total} files", percentage=percent, cancellable=True
        )
        self._loop.call_soon_threadsafe(self.progress.report, self.token, value)

    def end(self, message: str) -> None:
        if self.token is None:
            return
        self.progress.end(self.token, types.WorkDoneProgressEnd(message=message))
        self.progress.tokens.pop(self.token, None)


class Scanner:
    def __init__(
        self,
        pipeline: Pipeline,
        progress: Progress,
        *,
        root: Callable[[], str | None],
        open_paths: Callable[[], set[str]],
        can_report: Callable[[], bool],
    ) -> None:
        self.pipeline = pipeline
        self.progress = progress
        self._root = root  # the workspace folder, once known
        self._open_paths = open_paths  # files whose editor buffer is newer than the disk
        self._can_report = can_report  # the client shows `$/progress`
        self.task: asyncio.Task[str] | None = None
        self.last_result = ""
        self.token: str | None = None
        self._cancel: threading.Event | None = None
        self._ids = itertools.count(1)

    def start(self) -> asyncio.Task[str]:
        self.stop()
        cancel = self._cancel = threading.Event()
        self.task = asyncio.ensure_future(self._run(cancel))
        return self.task

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def cancel(self, token: object) -> None:
        """The client's cancel button (also when it arrives before pygls knows the token)."""
        if token == self.token:
            self.stop()

    async def _run(self, cancel: threading.Event) -> str:
        pipeline = self.pipeline
        root = self._root()
        if root is None:
            return "no workspace folder"
        token = f"roadmap-coach/scan/{next(self._ids)}" if self._can_report() else None
        self.token = token  # a cancel may come before pygls has registered the token
        work = WorkDone(self.progress, token, cancel)
        await work.begin("roadmap-coach: scanning the workspace")
        try:
            git = await asyncio.to_thread(read_git, root)
            pipeline.stats["gitReads"] += 1
            await pipeline.update(lambda: pipeline.state.set_git(git))
            if cancel.is_set():
                raise ScanCancelled
            ws = await asyncio.to_thread(self._collect, root, work)
        except ScanCancelled:
            work.end("scan cancelled")
            self.last_result = "cancelled"
            return self.last_result
        except Exception as exc:  # a scan that fails leaves the open files working
            work.end(f"scan failed ({type(exc).__name__})")
            self.last_result = f"failed: {exc}"
            return self.last_result
        keep = self._open_paths()
        await pipeline.update(lambda: pipeline.state.load(ws, keep))
        pipeline.stats["scans"] += 1
        self.last_result = f"{len(ws.files)} files, {len(pipeline.state.milestones)} milestones"
        work.end(self.last_result)
        return self.last_result

    def _collect(self, root: str, work: WorkDone) -> WorkspaceFacts:
        store = self.pipeline.log.store
        cache = StoreFactsCache(store) if store is not None else None
        return collect_workspace(root, cache=cache, progress=work.report_threadsafe)


def register(server: CoachServer, pipeline: Pipeline) -> Scanner:
    documents = server.documents
    scanner = Scanner(
        pipeline,
        server.work_done_progress,
        root=lambda: documents.root,
        open_paths=lambda: set(documents.open_uris),
        can_report=lambda: server.client_features.work_done_progress,
    )
    server.on_stop.append(scanner.stop)

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel_progress(ls: CoachServer, params: types.WorkDoneProgressCancelParams) -> None:
        scanner.cancel(params.token)

    return scanner
