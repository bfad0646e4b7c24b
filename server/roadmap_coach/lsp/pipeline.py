"""The analysis pipeline: the workspace state, the roadmap it is judged against, the
progress store, and the one path from a change to what the features publish.

Every change goes through `update`: the mutation and the refresh run on the analysis
thread (one thread, so changes apply in order and requests on the event loop stay
answered); then the listeners — the feature modules — publish on the event loop. The
pipeline knows nothing of LSP: features subscribe to what it announces.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from roadmap_coach.analysis import python_incremental
from roadmap_coach.lsp.held_collection import HeldCollection
from roadmap_coach.lsp.held_milestones import Held, HeldMilestones
from roadmap_coach.lsp.milestone_log import Achieved, MilestoneLog
from roadmap_coach.lsp.workspace_state import Delta, WorkspaceState
from roadmap_coach.roadmap.loader import load_roadmap
from roadmap_coach.roadmap.models import Problem, Roadmap
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.lessons.base import Lesson

log = logging.getLogger(__name__)
T = TypeVar("T")

Versions = dict[str, int | None]


@dataclass(slots=True)
class Outcome:
    """What one update changed: the lessons (`delta`), the milestones recorded for the
    first time (`new`), whether the set of current milestone ids moved."""

    delta: Delta
    new: list[Achieved]
    ids_changed: bool
    trigger: str | None = None
    versions: Versions = field(default_factory=dict)


@dataclass(slots=True)
class Listeners:
    """Who hears what; each is called on the event loop, in registration order."""

    lessons: list[Callable[[Delta, str | None, Versions], None]] = field(default_factory=list)
    milestones: list[Callable[[Outcome], None]] = field(default_factory=list)
    roadmap: list[Callable[[Roadmap, Sequence[Problem]], None]] = field(default_factory=list)
    progress: list[Callable[[], None]] = field(default_factory=list)
    warnings: list[Callable[[str], None]] = field(default_factory=list)


class Pipeline:
    def __init__(
        self,
        lessons: list[Lesson] | None = None,
        roadmap: tuple[Roadmap, list[Problem]] | None = None,
    ) -> None:
        """`roadmap`: the shipped one as `load_roadmap()` gives it, when already loaded."""
        self.lesson_override = lessons
        self.roadmap, self.problems = roadmap or load_roadmap()
        self.engine = Engine(self.roadmap, lessons)
        self.state = WorkspaceState(self.engine, None)
        self.log = MilestoneLog(None)
        self.log_ready = False  # milestones are recorded only once the configured store is open
        self.analyst = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="roadmap-coach-analysis"
        )
        self.listen = Listeners()
        self.stats = {"scans": 0, "gitReads": 0, "updates": 0, "skippedLarge": 0}
        self.closed = False
        # checkpoints evaluated once typing pauses (`update(hold=True)`)
        self.held = HeldMilestones(self._evaluate)
        # and the garbage collector, which would only rescan each keystroke's facts
        self.collection = HeldCollection()
        # Set once `initialized` has applied the settings and opened the store.
        self.ready = asyncio.Event()

    # -- running work ------------------------------------------------------------------
    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn` on the analysis thread (in order with every other change)."""
        return await asyncio.get_running_loop().run_in_executor(self.analyst, fn, *args)

    async def update(
        self,
        mutate: Callable[[], object] | None = None,
        *,
        trigger: str | None = None,
        versions: Versions | None = None,
        force: bool = False,
        hold: bool = False,
    ) -> None:
        """`hold`: a keystroke while typing fast; the checkpoints wait for a pause."""
        if self.closed:
            return
        python_incremental.MEMOS.changes += 1  # spares being made give way (`prepare`)
        if hold:
            self.collection.hold()
        else:
            # what typing held back is evaluated first, against the state it was made in
            await self.held.flush()
        try:
            # Two turns on the analysis thread: the edited file's diagnostics are published
            # before the checkpoints are evaluated, so typing never waits for the rules.
            delta = await self.run(self._lessons_sync, mutate, force)
        except RuntimeError:  # the executor was shut down: the session is ending
            return
        for on_lessons in self.listen.lessons:
            on_lessons(delta, trigger, versions or {})
        self._tidy()
        if hold:
            self.held.hold(delta, force, trigger, versions or {})
            return
        await self._evaluate(Held(delta, force, trigger, versions or {}))

    def _tidy(self) -> None:
        """Work for the analysis thread once a change's diagnostics went out, which the
        keystroke need not wait for: free the facts it replaced (thousands of records for
        a big file), and copy the edited files' records for the next edit that moves
        lines (`analysis.facts_spare`)."""
        memos = python_incremental.MEMOS
        # a RuntimeError: the executor was shut down, the session is ending
        with contextlib.suppress(RuntimeError):
            if memos.retired:
                self.analyst.submit(memos.release)
            if memos.memos:
                self.analyst.submit(memos.prepare)

    async def _evaluate(self, held: Held) -> None:
        self.collection.release()
        try:
            outcome = await self.run(self._milestones_sync, held.delta, held.force)
        except RuntimeError:
            return
        outcome.trigger = held.trigger
        outcome.versions = held.versions
        late = outcome.delta.late
        if late is not None:
            for on_lessons in self.listen.lessons:
                on_lessons(late, held.trigger, held.versions)
        for on_milestones in self.listen.milestones:
            on_milestones(outcome)

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
            new, fixed = self.log.log_refresh(self.state, delta)
            if new or fixed:
                new += self.log.record_derived(self.roadmap)
        ids_changed = force or bool(new) or before != {m.id for m in self.state.milestones}
        return Outcome(delta, new, ids_changed)

    def progress_changed(self) -> None:
        """The record changed outside an update (another store, another window)."""
        for on_progress in self.listen.progress:
            on_progress()

    def achieved(self) -> set[str]:
        """Ids recorded in the store or shown by the code now."""
        return set(self.log.records) | {m.id for m in self.state.milestones}

    # -- inputs that are not files ---------------------------------------------------------
    def set_root(self, root: str | None) -> None:
        self.state.root = root
        self.log.workspace = root or ""

    async def load_roadmap(self, dirs: list[str]) -> None:
        """Judge the workspace against the shipped roadmap plus `dirs`."""
        roadmap, problems = await asyncio.to_thread(load_roadmap, dirs)
        engine = Engine(roadmap, self.lesson_override)

        def swap() -> None:
            self.roadmap, self.problems, self.engine = roadmap, problems, engine
            self.state.set_engine(engine)

        await self.update(swap)
        for on_roadmap in self.listen.roadmap:
            on_roadmap(roadmap, problems)
        self.progress_changed()

    async def open_store(self, store_path: str | None, learner: str | None) -> None:
        def reopen() -> list[str]:
            messages = self.log.open(store_path, learner)
            self.log_ready = True
            return messages

        for message in await self.run(reopen):
            for on_warning in self.listen.warnings:
                on_warning(message)
        await self.update()  # what the code shows now goes into this store

    def close(self) -> None:
        self.closed = True
        self.held.cancel()
        self.collection.release()
        self.analyst.shutdown(wait=False, cancel_futures=True)
        self.log.close()  # the store serialises this with a write still in flight
