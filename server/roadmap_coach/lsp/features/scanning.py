"""The workspace scan, in the background with `$/progress` work-done progress.

Git is read first (a fast read, so Git milestones show at once), then the evaluation
pipeline (`progress.evaluation`) lists the files and makes or finds every file's
record on a worker thread while the event loop keeps answering requests, through the
records cache in the progress store (an unchanged file costs a stat); open editor
buffers stay newer than what the scan reads from disk. The learner (or the client)
can cancel it; `roadmapCoach.recheck` starts a new one.

`$/progress` percentages follow the pipeline's phases: listing 0–5, analysis 5–90,
evaluation (the lessons and milestones of the records) 90–99, and 100 once they are
published.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

from lsprotocol import types
from pygls.progress import Progress

from roadmap_coach.analysis.facts import GitFacts
from roadmap_coach.analysis.git_facts import read_git
from roadmap_coach.analysis.listing import DEFAULT_MAX_BYTES
from roadmap_coach.lsp.coach_server import CoachServer
from roadmap_coach.lsp.early_listing import EarlyListing, Listed, changed_since
from roadmap_coach.lsp.pipeline import Pipeline
from roadmap_coach.lsp.stored_fold import StoredFold, fold_key, read_fold, write_fold
from roadmap_coach.progress.evaluation import Counters, WorkspaceRecords, evaluate_workspace
from roadmap_coach.progress.records_cache import RecordsCache, fingerprint, open_records_cache
from roadmap_coach.rules.engine import Engine

log = logging.getLogger(__name__)
REPORT_EVERY_S = 0.2
# where each phase of the pipeline starts and ends on the `$/progress` bar
PHASE_SPANS = {"listing": (0, 5), "analysis": (5, 90), "evaluation": (90, 99)}
_MESSAGES = {"listing": "listing files", "analysis": "analysing files", "evaluation": "evaluating"}


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
        self._percent = 0

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

    def phase_threadsafe(self, phase: str, done: int, total: int) -> None:
        """`progress.evaluation`'s callback (on the scan thread): the phase's share of the
        bar; cancels the scan when asked to, until its records are being evaluated."""
        if phase != "evaluation" and self.cancel.is_set():
            raise ScanCancelled
        if self.token is None:
            return
        start, end = PHASE_SPANS.get(phase, (0, 99))
        percent = start + (end - start) * min(done, total) // total if total > 0 else start
        now = time.monotonic()
        if percent <= self._percent or (now - self._last < REPORT_EVERY_S and done < total):
            return  # never backwards (a phase may learn of more work as it goes)
        self._last, self._percent = now, percent
        self._send(percent, _MESSAGES.get(phase, phase))

    def finished(self, message: str) -> None:
        """On the event loop, once everything is published: the bar is full."""
        if self.token is not None:
            self._percent = 100
            value = types.WorkDoneProgressReport(message=message, percentage=100)
            self.progress.report(self.token, value)

    def _send(self, percent: int, message: str) -> None:
        value = types.WorkDoneProgressReport(
            message=message, percentage=percent, cancellable=percent < 90
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
        early: EarlyListing | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.progress = progress
        self._root = root  # the workspace folder, once known
        self._open_paths = open_paths  # files whose editor buffer is newer than the disk
        self._can_report = can_report  # the client shows `$/progress`
        self.task: asyncio.Task[str] | None = None
        self._decoding: asyncio.Task[None] | None = None
        self.last_result = ""
        self.token: str | None = None
        self._cancel: threading.Event | None = None
        self._ids = itertools.count(1)
        # work done by the scans since start (debug counters): files analysed, records
        # taken from the records cache, files whose digest came from a trusted stat
        self.analysed = 0
        self.cached = 0
        self.stat_hits = 0
        # the listing made while the server started (`lsp.early_listing`), for the first
        # scan only (a recheck lists again); what changed meanwhile goes to `on_missed`
        # (the watcher's path)
        self._early = early
        self.on_missed: Callable[[Iterable[str]], None] | None = None
        self.early_listings = 0  # scans that took it
        # files re-read on the watcher's word until the first scan loads (all of them
        # newer than its early listing)
        self._outside: set[str] | None = set() if early is not None else None
        self.missed: list[str] = []  # the files its check found changed
        self._checking: asyncio.Task[None] | None = None

    def start(self) -> asyncio.Task[str]:
        self.stop()
        cancel = self._cancel = threading.Event()
        early, self._early = self._early, None  # the first scan's, taken or not
        self.task = asyncio.ensure_future(self._run(cancel, early))
        return self.task

    def stop(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def cancel(self, token: object) -> None:
        """The client's cancel button (also when it arrives before pygls knows the token)."""
        if token == self.token:
            self.stop()

    async def _run(self, cancel: threading.Event, early: EarlyListing | None) -> str:
        try:
            return await self._scan(cancel, early)
        finally:
            if early is not None:
                early.close()  # not taken (a scan cancelled first): the child goes

    async def _scan(self, cancel: threading.Event, early: EarlyListing | None) -> str:
        pipeline = self.pipeline
        root = self._root()
        if root is None:
            return "no workspace folder"
        token = f"roadmap-coach/scan/{next(self._ids)}" if self._can_report() else None
        self.token = token  # a cancel may come before pygls has registered the token
        work = WorkDone(self.progress, token, cancel)
        await work.begin("roadmap-coach: scanning the workspace")
        engine = pipeline.engine
        try:
            git = await asyncio.to_thread(read_git, root)
            pipeline.stats["gitReads"] += 1
            await pipeline.update(lambda: pipeline.state.set_git(git))
            if cancel.is_set():
                raise ScanCancelled
            state = pipeline.state
            settings = (state.disabled, state.hints)
            ws, cache, stored, listed = await asyncio.to_thread(
                self._evaluate, root, engine, work, git, settings, early
            )
        except ScanCancelled:
            work.end("scan cancelled")
            self.last_result = "cancelled"
            return self.last_result
        except Exception as exc:  # a scan that fails leaves the open files working
            work.end(f"scan failed ({type(exc).__name__})")
            self.last_result = f"failed: {exc}"
            return self.last_result
        self._count(ws.counters)
        keep = self._open_paths()
        owner: list[RecordsCache | None] = [cache]  # the cache, until the state keeps it open
        outside, self._outside = self._outside, None

        def load() -> None:
            if listed is not None and outside:
                # re-read since the early listing was made: newer than what it saw
                keep.update(outside)
            state.report = lambda done, total: work.phase_threadsafe("evaluation", done, total)
            # records are decoded only when a change needs them: the cache stays open
            if (
                stored is not None
                and cache is not None
                and state.load_stored(
                    stored, ws.git, keep, lambda: ws.records, cache.close, engine=engine
                )
            ):
                owner[0] = None
                return
            state.load(ws.records, ws.git, keep, engine=engine)

        collector_was_on = gc.isenabled()
        gc.disable()  # records are acyclic: a full collection over them would only cost time
        try:
            await pipeline.update(load)
        except BaseException:
            if owner[0] is not None:
                owner[0].close()
            raise
        finally:
            state.report = None
            # what the scan loaded lives as long as the session: later collections (a
            # keystroke's) skip it; it is still freed by reference counting when replaced
            gc.freeze()
            if collector_was_on:
                gc.enable()
        pipeline.stats["scans"] += 1
        result = f"{len(ws.kinds)} files, {len(state.milestones)} milestones"
        work.finished(result)
        if owner[0] is not None:
            # stored before the bar goes away: a client may end the session at once
            await self._store_fold(owner[0], ws)
        else:
            self._decoding = asyncio.ensure_future(self._decode_stored())
        work.end(result)
        self.last_result = result
        if listed is not None:
            self._checking = asyncio.ensure_future(self._check_early(ws.root, listed))
        return result

    def reread(self, paths: Iterable[str]) -> None:
        """The watcher re-reads these files (until the first scan has loaded)."""
        if self._outside is not None:
            self._outside.update(paths)

    async def _check_early(self, root: str, listed: Listed) -> None:
        """The early listing was made before anything watched the files: what changed
        since is looked at as the watcher's changes are (off the scan's way)."""
        try:
            # a session ending meanwhile does not wait for it (a listing only reads)
            found = await _on_daemon_thread(
                lambda: changed_since(root, listed[0], DEFAULT_MAX_BYTES)
            )
            missed = list(found)  # type: ignore[call-overload]
        except OSError:
            missed = [""]  # the whole workspace compared with a listing, by the watcher's path
        self.missed += missed
        if missed and self.on_missed is not None and not self.pipeline.closed:
            self.on_missed(missed)

    async def _decode_stored(self) -> None:
        """The records a stored fold stands for, decoded off the analysis thread while
        the learner has not changed anything yet: an edit's checkpoints take them as
        they are, or wait for them here (its diagnostics never need them)."""
        try:
            decode = await self.pipeline.run(self.pipeline.state.decode_stored)
        except RuntimeError:  # the session is ending
            return
        if decode is None:
            return
        try:
            await _on_daemon_thread(decode)
        except Exception:  # the next change decodes them, or says why it cannot
            log.warning("decoding the stored records failed", exc_info=True)
        else:
            gc.freeze()  # as after a scan: later collections (a keystroke's) skip them
        try:
            waiting = await self.pipeline.run(self.pipeline.state.waits_for_records)
        except RuntimeError:
            return
        if waiting:
            await self.pipeline.update()  # the checkpoints of edits made meanwhile

    async def _store_fold(self, cache: RecordsCache, ws: WorkspaceRecords) -> None:
        """Keep what this scan evaluated to, for the next time the workspace is opened
        unchanged (only when nothing changed since the load; then the cache closes)."""
        try:
            fold = await self.pipeline.run(self.pipeline.state.fold_snapshot)
        except RuntimeError:  # the session is ending
            fold = None
        try:
            if fold is not None:
                key = fold_key(ws, ws.git, fold.disabled, fold.hints)
                await asyncio.to_thread(write_fold, cache, ws, key, fold)
        finally:
            await asyncio.to_thread(cache.close)

    def _evaluate(
        self,
        root: str,
        engine: Engine,
        work: WorkDone,
        git: GitFacts,
        settings: tuple[frozenset[str], str],
        early: EarlyListing | None = None,
    ) -> tuple[WorkspaceRecords, RecordsCache | None, StoredFold | None, Listed | None]:
        """On a worker thread: every file's record, through the records cache of the
        progress store when there is one (a cache that cannot be opened costs a parse
        of every file, never the scan), with the cache still open; and when nothing
        changed since the last scan, the server's stored result of it under `settings`
        (then the records are not read). The early listing, when this scan took it."""
        listed = early.take(os.path.realpath(root), DEFAULT_MAX_BYTES) if early else None
        if listed is not None:
            self.early_listings += 1
        store = self.pipeline.log.store
        cache = None
        if store is not None:
            cache = open_records_cache(str(store.path), fingerprint(engine), quiet=True)
        try:
            ws = evaluate_workspace(
                root, engine, cache=cache, progress=work.phase_threadsafe, git=git, listed=listed
            )
            stored = None
            if cache is not None and not ws.loaded:
                stored = read_fold(cache, ws, fold_key(ws, ws.git, *settings))
            if stored is None:
                _decode_for_the_session(ws)  # while the cache is open
        except BaseException:
            if cache is not None:
                cache.close()
            raise
        return ws, cache, stored, listed

    def close(self) -> None:
        self.stop()
        early, self._early = self._early, None
        if early is not None:
            early.close()

    def _count(self, counters: Counters) -> None:
        self.analysed += counters.analysed + counters.remade
        self.cached += counters.cache_hits
        self.stat_hits += counters.stat_hits


def _decode_for_the_session(ws: WorkspaceRecords) -> None:
    """Every record, decoded with the collector off and frozen out of its generations
    before it is on again, as the load freezes what it keeps: re-enabled over them, its
    next pass would walk every decoded object (~0.2 s on Django) to find no cycle."""
    collector_was_on = gc.isenabled()
    gc.disable()
    try:
        ws.records  # noqa: B018 -- decoded here
        gc.freeze()
    finally:
        if collector_was_on:
            gc.enable()


def register(
    server: CoachServer, pipeline: Pipeline, *, early: EarlyListing | None = None
) -> Scanner:
    documents = server.documents
    scanner = Scanner(
        pipeline,
        server.work_done_progress,
        root=lambda: documents.root,
        open_paths=lambda: set(documents.open_uris),
        can_report=lambda: server.client_features.work_done_progress,
        early=early,
    )
    server.on_stop.append(scanner.close)

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def cancel_progress(ls: CoachServer, params: types.WorkDoneProgressCancelParams) -> None:
        scanner.cancel(params.token)

    return scanner


def _on_daemon_thread(work: Callable[[], object]) -> asyncio.Future[object]:
    """`work` on a thread of its own that the process does not wait for when it exits:
    a session ending while a reopen's records are decoded must not wait for all of them
    (the decode only reads; closing lets go of the cache)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[object] = loop.create_future()

    def settle(result: object, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)

    def run() -> None:
        result: object = None
        error: BaseException | None = None
        try:
            result = work()
        except BaseException as exc:
            error = exc
        with contextlib.suppress(RuntimeError):  # a closed loop: the session ended meanwhile
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, name="roadmap-coach-decode", daemon=True).start()
    return done
