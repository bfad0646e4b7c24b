"""One editor session: what the client can do, the settings, the workspace state, the
progress store, and the one path from a change to what the editor shows.

Every change goes through `update`: the mutation and the refresh run on the analysis
thread (one thread, so changes apply in order and requests on the event loop stay
answered), then the presenters publish on the event loop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from roadmap_coach.lsp import guidance, notifications
from roadmap_coach.lsp.diagnostics import lesson_diagnostics, problem_diagnostics
from roadmap_coach.lsp.document_queue import DocumentQueue
from roadmap_coach.lsp.hover import lesson_pages
from roadmap_coach.lsp.milestone_log import Achieved, MilestoneLog
from roadmap_coach.lsp.positions import (
    LineSource,
    lines_reader,
    path_to_uri,
    range_json,
    to_range,
    uri_to_rel,
)
from roadmap_coach.lsp.progress_view import Location, open_lessons, progress_payload
from roadmap_coach.lsp.scanning import Scanner
from roadmap_coach.lsp.settings import Settings
from roadmap_coach.lsp.watching import Watcher
from roadmap_coach.lsp.workspace_state import Delta, WorkspaceState
from roadmap_coach.progress.next_up import NextItem, OpenLesson, latest_first, next_up
from roadmap_coach.progress.store import MilestoneRecord
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Problem, Roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.lessons.base import Lesson
from roadmap_coach.rules.matchers import Evidence

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_DISK_LINES_BYTES = 2 * 1024 * 1024


@dataclass(slots=True)
class ClientFeatures:
    """What the client said it can do, read once at `initialize`."""

    rich: bool = False  # experimental.roadmapCoach.milestoneNotifications
    pages: bool = False  # experimental.roadmapCoach.checkpointPages
    pull: bool = False
    diagnostic_refresh: bool = False
    code_lens_refresh: bool = False
    work_done_progress: bool = False
    configuration: bool = False
    watch_dynamic: bool = False
    config_dynamic: bool = False
    create_files: bool = False

    @classmethod
    def of(cls, caps: types.ClientCapabilities) -> ClientFeatures:
        ws, doc, window = caps.workspace, caps.text_document, caps.window
        edit = ws.workspace_edit if ws else None
        return cls(
            rich=notifications.opted_in(caps),
            pages=notifications.opted_in(caps, "checkpointPages"),
            pull=bool(doc and doc.diagnostic is not None),
            diagnostic_refresh=bool(ws and ws.diagnostics and ws.diagnostics.refresh_support),
            code_lens_refresh=bool(ws and ws.code_lens and ws.code_lens.refresh_support),
            work_done_progress=bool(window and window.work_done_progress),
            configuration=bool(ws and ws.configuration),
            watch_dynamic=bool(
                ws
                and ws.did_change_watched_files
                and ws.did_change_watched_files.dynamic_registration
            ),
            config_dynamic=bool(
                ws
                and ws.did_change_configuration
                and ws.did_change_configuration.dynamic_registration
            ),
            create_files=bool(
                edit
                and edit.resource_operations
                and types.ResourceOperationKind.Create in edit.resource_operations
            ),
        )


@dataclass(slots=True)
class Outcome:
    delta: Delta
    new: list[Achieved]
    ids_changed: bool
    trigger: str | None = None
    versions: dict[str, int | None] = field(default_factory=dict)


class Session:
    def __init__(self, server: LanguageServer, lessons: list[Lesson] | None = None) -> None:
        self.server = server
        self.lesson_override = lessons
        self.settings = Settings()
        self.features = ClientFeatures()
        self.root: str | None = None
        self.roadmap, self.problems = load_roadmap()
        self.engine = Engine(self.roadmap, lessons)
        self.pages = lesson_pages(self.engine.lessons)
        self.state = WorkspaceState(self.engine, None)
        self.log = MilestoneLog(None)
        self.log_ready = False  # milestones are recorded only once the configured store is open
        self.analyst = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="roadmap-coach-analysis"
        )
        self.queue = DocumentQueue(self.analyse_document)
        self.open_paths: dict[str, str] = {}  # uri -> workspace path of open documents
        self.open_uris: dict[str, str] = {}  # workspace path -> uri
        self.result_ids: dict[str, str] = {}
        self.problem_files: set[str] = set()
        self.stats = {"scans": 0, "gitReads": 0, "updates": 0, "skippedLarge": 0}
        self.closed = False
        # Set once `initialized` has applied the settings and opened the store.
        self.ready = asyncio.Event()
        self._generation = itertools.count(1)
        self._skipped_large: set[str] = set()
        self.scanner = Scanner(self)
        self.watcher = Watcher(self)

    # -- running work ------------------------------------------------------------------
    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn` on the analysis thread (in order with every other change)."""
        return await asyncio.get_running_loop().run_in_executor(self.analyst, fn, *args)

    async def update(
        self,
        mutate: Callable[[], object] | None = None,
        *,
        trigger: str | None = None,
        versions: dict[str, int | None] | None = None,
        force: bool = False,
    ) -> None:
        if self.closed:
            return
        try:
            # Two turns on the analysis thread: the edited file's diagnostics are published
            # before the checkpoints are evaluated, so typing never waits for the rules.
            delta = await self.run(self._lessons_sync, mutate, force)
            self.publish_lessons(delta, trigger, versions or {})
            outcome = await self.run(self._milestones_sync, delta, force)
        except RuntimeError:  # the executor was shut down: the session is ending
            return
        outcome.trigger = trigger
        outcome.versions = versions or {}
        self.publish(outcome)

    def _lessons_sync(self, mutate: Callable[[], object] | None, force: bool) -> Delta:
        if mutate is not None:
            mutate()
        return self.state.refresh_lessons(force=force)

    def _milestones_sync(self, delta: Delta, force: bool) -> Outcome:
        before = {m.id for m in self.state.milestones}
        self.state.refresh_milestones(delta, force=force)
        self.stats["updates"] += 1
        new: list[Achieved] = []
        if self.log_ready:
            head = self.state.git.head_commit
            new = self.log.record(self.state.milestones, head.sha if head else None)
            fixed = self.log.sync_lessons(delta.lessons)
            if new or fixed:
                new += self.log.record_derived(self.roadmap)
        ids_changed = force or bool(new) or before != {m.id for m in self.state.milestones}
        return Outcome(delta, new, ids_changed)

    # -- presenting --------------------------------------------------------------------
    def publish_lessons(
        self, delta: Delta, trigger: str | None, versions: dict[str, int | None]
    ) -> None:
        for path, findings in delta.lessons.items():
            self.result_ids[path] = str(next(self._generation))
            if not self.features.pull:
                self.push_lessons(path, findings, versions.get(path))
        if trigger is not None and trigger not in delta.lessons and not self.features.pull:
            # The edited document always hears back for its new version, changed or not.
            self.push_lessons(trigger, self.state.lessons.get(trigger, []), versions.get(trigger))
        if self.features.pull and self.features.diagnostic_refresh:
            others = set(delta.lessons) - {trigger}
            if others & set(self.open_uris):
                self.server.workspace_diagnostic_refresh(None)

    def publish(self, outcome: Outcome) -> None:
        """Milestones: announcements, progress and code lenses (lessons went out first)."""
        delta = outcome.delta
        # `hints: "off"`: milestones are still recorded and shown in lenses and
        # progress, just not announced
        new = [] if self.settings.hints == "off" else outcome.new
        if new:
            notifications.announce(
                self.server,
                self.roadmap,
                new,
                rich=self.features.rich,
                locate=self.locate,
                ranked=self.ranked(),
                warnings=guidance.warnings_for(new, self.state.lessons, self.open_lessons()),
            )
        if outcome.ids_changed and self.features.rich:
            notifications.send_progress(self.server, self.progress())
        if (delta.milestones_changed or outcome.new) and self.features.code_lens_refresh:
            self.server.workspace_code_lens_refresh(None)
        if self.log.pending_warning:
            notifications.warn(self.server, f"roadmap-coach: {self.log.pending_warning}")
            self.log.pending_warning = None

    def push_lessons(self, path: str, findings: list[Any], version: int | None = None) -> None:
        uri = self.uri_of(path)
        diagnostics = lesson_diagnostics(findings, self.lines_of(path), self.encoding)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
        )

    def publish_problems(self, problems: list[Problem]) -> None:
        """Roadmap validation problems as diagnostics on the TOML files (always pushed)."""
        by_file = problem_diagnostics(problems)
        for path in self.problem_files - set(by_file):
            self._push_file(path, [])
        for path, diagnostics in by_file.items():
            self._push_file(path, diagnostics)
        self.problem_files = set(by_file)

    def _push_file(self, path: str, diagnostics: list[types.Diagnostic]) -> None:
        uri = from_fs_path(path) or path
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )

    def progress(self) -> dict[str, Any]:
        return progress_payload(
            self.roadmap,
            self.log.records,
            self.state.milestones,
            self.locate,
            self.locate_record,
            self.open_lessons(),
        )

    def open_lessons(self) -> list[OpenLesson]:
        titles = {code: page.title for code, page in self.pages.items()}
        return open_lessons(self.state.lessons, titles, self.locate)

    def ranked(self) -> list[NextItem]:
        achieved = set(self.log.records) | {m.id for m in self.state.milestones}
        latest = latest_first(self.log.records.values())
        return next_up(self.roadmap, achieved, latest, self.open_lessons())

    # -- where things are ----------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return str(self.server.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def uri_of(self, path: str) -> str:
        return self.open_uris.get(path) or path_to_uri(self.root or "", path)

    def path_of(self, uri: str) -> str | None:
        return self.open_paths.get(uri) or uri_to_rel(self.root, uri)

    def lines_of(self, path: str) -> LineSource:
        """The file's lines: the editor's buffer when open, else the disk (read lazily)."""
        uri = self.open_uris.get(path)
        doc = self.server.workspace.text_documents.get(uri) if uri else None
        if doc is not None:
            return lines_reader(doc.lines)
        cache: dict[str, list[str] | None] = {}

        def line_of(number: int) -> str | None:
            if "lines" not in cache:
                cache["lines"] = _disk_lines(os.path.join(self.root or "", *path.split("/")))
            return lines_reader(cache["lines"])(number)

        return line_of

    def locate(self, evidence: Evidence) -> Location | None:
        if self.root is None or evidence.path in ("", ".git"):
            return None
        uri = self.open_uris.get(evidence.path)
        doc = self.server.workspace.text_documents.get(uri) if uri else None
        line_of = lines_reader(doc.lines) if doc is not None else lines_reader(None)
        rng = to_range(evidence.span, line_of, self.encoding)
        return {"uri": self.uri_of(evidence.path), "range": range_json(rng)}

    def locate_record(self, record: MilestoneRecord) -> Location | None:
        if not record.path or record.path == ".git":
            return None
        base = record.workspace or self.root
        if not base:
            return None
        line = max((record.line or 1) - 1, 0)
        uri = from_fs_path(os.path.join(base, *record.path.split("/"))) or ""
        start = types.Position(line, 0)
        return {"uri": uri, "range": range_json(types.Range(start, start))}

    # -- documents -----------------------------------------------------------------------
    async def analyse_document(self, uri: str) -> None:
        path = self.open_paths.get(uri)
        doc = self.server.workspace.text_documents.get(uri)
        if path is None or doc is None:
            return
        data = doc.source.encode("utf-8", "surrogatepass")
        if len(data) > MAX_DISK_LINES_BYTES:
            self.stats["skippedLarge"] += 1
            if path not in self._skipped_large:
                self._skipped_large.add(path)
                notifications.log(
                    self.server,
                    f"roadmap-coach: {path} is too large to analyse ({len(data)} bytes)",
                )
            return
        await self.update(
            lambda: self.state.put(path, data), trigger=path, versions={path: doc.version}
        )

    def set_root(self, root: str | None) -> None:
        self.root = os.path.realpath(root) if root else None
        self.state.root = self.root
        self.log.workspace = self.root or ""

    def root_from(self, params: types.InitializeParams) -> str | None:
        for uri in [params.root_uri, *(f.uri for f in params.workspace_folders or [])]:
            path = to_fs_path(uri) if uri else None
            if path and os.path.isdir(path):
                return path
        return params.root_path if params.root_path and os.path.isdir(params.root_path) else None

    # -- roadmap and store -----------------------------------------------------------------
    def roadmap_dirs(self) -> list[str]:
        base = self.root or os.getcwd()
        return [
            os.path.realpath(os.path.join(base, os.path.expanduser(p)))
            for p in self.settings.roadmap_paths
        ]

    def load_roadmap_sync(self) -> tuple[Roadmap, list[Problem]]:
        return load_roadmap(self.roadmap_dirs())

    async def reload_roadmap(self) -> None:
        roadmap, problems = await asyncio.to_thread(self.load_roadmap_sync)
        engine = Engine(roadmap, self.lesson_override)

        def swap() -> None:
            self.roadmap, self.problems, self.engine = roadmap, problems, engine
            self.state.set_engine(engine)

        await self.update(swap)
        self.pages = lesson_pages(engine.lessons)
        self.publish_problems(problems)
        if self.features.rich:
            notifications.send_progress(self.server, self.progress())

    async def open_store(self) -> None:
        def reopen() -> list[str]:
            messages = self.log.open(self.store_path(), self.settings.learner)
            self.log_ready = True
            return messages

        for message in await self.run(reopen):
            notifications.warn(self.server, f"roadmap-coach: {message}")
        await self.update()  # what the code shows now goes into this store

    def store_path(self) -> str | None:
        path = self.settings.store_path
        if path is None:
            return None
        path = os.path.expanduser(path)
        return path if os.path.isabs(path) else os.path.join(self.root or os.getcwd(), path)

    def in_roadmap_dirs(self, fs_path: str) -> bool:
        real = os.path.realpath(fs_path)
        return any(real.startswith(d.rstrip(os.sep) + os.sep) for d in self.roadmap_dirs())

    def close(self) -> None:
        self.closed = True
        self.queue.cancel_all()
        self.analyst.shutdown(wait=False, cancel_futures=True)
        self.log.close()  # the store serialises this with a write still in flight


def _disk_lines(path: str) -> list[str] | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_DISK_LINES_BYTES + 1)
    except OSError:
        return None
    if len(data) > MAX_DISK_LINES_BYTES:
        return None
    return data.decode("utf-8", "replace").splitlines()
