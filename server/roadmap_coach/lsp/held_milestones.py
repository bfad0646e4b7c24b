"""Milestone evaluation held back while the learner types fast.

With a short debounce (`debounceMs` under `PAUSE_S`), every keystroke re-analyses the
edited file and publishes its lessons at once; evaluating the roadmap's checkpoints
after each one would keep the analysis thread busy when the next keystroke arrives.
So the lessons' deltas of a burst are merged here and the checkpoints are evaluated
once, `PAUSE_S` after the last edit (or at once, when a request needs the milestones
or another kind of change comes in). Milestones still appear, just not per keystroke.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from roadmap_coach.lsp.workspace_state import Delta

log = logging.getLogger(__name__)
PAUSE_S = 0.2  # a pause in typing this long, and the checkpoints are evaluated

Versions = dict[str, int | None]


def merge(older: Delta, newer: Delta) -> Delta:
    """One delta for two refreshes in a row: the newer lessons of a path win."""
    return Delta(
        older.milestones_changed or newer.milestones_changed,
        {**older.lessons, **newer.lessons},
        {**older.silenced, **newer.silenced},
    )


@dataclass(slots=True)
class Held:
    delta: Delta
    force: bool
    trigger: str | None
    versions: Versions = field(default_factory=dict)


class HeldMilestones:
    """`evaluate(held)` evaluates the checkpoints for what was held and publishes."""

    def __init__(
        self, evaluate: Callable[[Held], Awaitable[None]], pause_s: float = PAUSE_S
    ) -> None:
        self._evaluate = evaluate
        self.pause_s = pause_s
        self.pending: Held | None = None
        self.holds = 0  # refreshes whose evaluation was held (a debug counter)
        self.evaluations = 0  # held evaluations that ran
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def hold(self, delta: Delta, force: bool, trigger: str | None, versions: Versions) -> None:
        """Keep this refresh's evaluation until typing pauses."""
        self.holds += 1
        pending = self.pending
        if pending is None:
            self.pending = Held(delta, force, trigger, dict(versions))
        else:
            pending.delta = merge(pending.delta, delta)
            pending.force = pending.force or force
            pending.trigger = trigger if trigger is not None else pending.trigger
            pending.versions.update(versions)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self.pause_s, self._paused)

    def take(self) -> Held | None:
        """What is held (nothing afterwards): a caller evaluates it with its own delta."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        pending, self.pending = self.pending, None
        return pending

    async def flush(self) -> None:
        """Evaluate what is held now, and wait for an evaluation the pause started (a
        request needs the milestones)."""
        pending = self.take()
        if pending is not None:
            await self._run(pending)
        if self._tasks:
            await asyncio.wait(set(self._tasks))

    async def _run(self, pending: Held) -> None:
        self.evaluations += 1
        await self._evaluate(pending)

    def cancel(self) -> None:
        self.take()
        for task in self._tasks:
            task.cancel()

    def _paused(self) -> None:
        self._timer = None
        pending, self.pending = self.pending, None
        if pending is None:
            return
        task = asyncio.ensure_future(self._run(pending))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("held milestone evaluation failed", exc_info=task.exception())
