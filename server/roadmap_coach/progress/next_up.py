"""One definition of progress and one ranked next step, from the roadmap and the learner's
records. Every surface (getProgress, the plain milestone message, `scan`, the exports, the
cohort page) computes them here, so they always show the same numbers.

- A step is *complete* when all its core checkpoints are achieved (`core = [...]` in the
  step's TOML; default: all of them) and *started* when any of its checkpoints is.
- Next up (at most three, best first): an open security lesson, then the `next` of the
  latest milestone, then the current step's core checkpoints (docs/protocol.md).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from roadmap_coach.roadmap.models import Roadmap, Step

State = Literal["not-started", "started", "complete"]
LIMIT = 3


@dataclass(frozen=True, slots=True)
class StepProgress:
    step: Step
    achieved: int  # checkpoints of the step achieved
    total: int
    core_achieved: int
    core: int
    state: State


def step_progress(roadmap: Roadmap, achieved: Collection[str]) -> list[StepProgress]:
    """Each step's counts and state, in roadmap order."""
    found = []
    for step, checkpoints in roadmap.by_step():
        core = [c for c in checkpoints if roadmap.is_core(c)]
        done = sum(1 for c in checkpoints if c.id in achieved)
        core_done = sum(1 for c in core if c.id in achieved)
        state: State = "not-started"
        if core and core_done == len(core):
            state = "complete"
        elif done:
            state = "started"
        found.append(StepProgress(step, done, len(checkpoints), core_done, len(core), state))
    return found


def steps_complete(progress: Iterable[StepProgress]) -> int:
    return sum(1 for p in progress if p.state == "complete")


@dataclass(frozen=True, slots=True)
class OpenLesson:
    """A security lesson shown in the workspace now (a Warning)."""

    code: str
    title: str
    path: str  # relative to the workspace, '/'-separated
    line: int  # 1-based
    where: Any = None  # the presenter's location (an LSP Location, …)


@dataclass(frozen=True, slots=True)
class NextItem:
    kind: Literal["lesson", "checkpoint"]
    id: str
    title: str  # plain text, ready to show
    reason: Literal["open-lesson", "after-milestone", "current-step"]
    step: str | None = None
    where: Any = None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "reason": self.reason,
        }
        if self.step is not None:
            found["step"] = self.step
        if self.where is not None:
            found["evidence"] = self.where
        return found


def lesson_title(lesson: OpenLesson) -> str:
    return f"Fix the warning at {lesson.path}:{lesson.line}: {lesson.title}"


def current_step(
    roadmap: Roadmap, progress: Sequence[StepProgress], latest: Sequence[str]
) -> Step | None:
    """The step of the latest milestone when it is not complete, else the first started
    step that is not complete, else the first step not started."""
    states = {p.step.id: p.state for p in progress}
    for checkpoint_id in latest[:1]:
        checkpoint = roadmap.checkpoint(checkpoint_id)
        if checkpoint is not None and states.get(checkpoint.step) == "started":
            return roadmap.step(checkpoint.step)
    for wanted in ("started", "not-started"):
        for p in progress:
            if p.state == wanted:
                return p.step
    return None


def next_up(
    roadmap: Roadmap,
    achieved: Collection[str],
    latest: Sequence[str],
    lessons: Iterable[OpenLesson] = (),
    *,
    limit: int = LIMIT,
) -> list[NextItem]:
    """The ranked suggestions. `latest`: achieved checkpoint ids, most recent first."""
    items: list[NextItem] = []
    first = min(lessons, key=lambda item: (item.path, item.line, item.code), default=None)
    if first is not None:
        items.append(
            NextItem(
                "lesson", first.code, lesson_title(first), "open-lesson", "security", first.where
            )
        )
    seen: set[str] = set()

    def add(checkpoint_id: str, reason: Literal["after-milestone", "current-step"]) -> None:
        checkpoint = roadmap.checkpoint(checkpoint_id)
        if checkpoint is None or checkpoint.id in achieved or checkpoint.id in seen:
            return
        seen.add(checkpoint.id)
        items.append(
            NextItem("checkpoint", checkpoint.id, checkpoint.title, reason, checkpoint.step)
        )

    latest_known = [i for i in latest if roadmap.checkpoint(i) is not None]
    if latest_known:
        latest_checkpoint = roadmap.checkpoint(latest_known[0])
        assert latest_checkpoint is not None
        for checkpoint_id in latest_checkpoint.next:
            add(checkpoint_id, "after-milestone")
    progress = step_progress(roadmap, achieved)
    step = current_step(roadmap, progress, latest_known)
    if step is not None:
        for checkpoint in roadmap.checkpoints:
            if checkpoint.step == step.id and roadmap.is_core(checkpoint):
                add(checkpoint.id, "current-step")
    return items[:limit]


def latest_first(records: Iterable[Any]) -> list[str]:
    """Checkpoint ids of store records (anything with `id` and `seq`), most recent first."""
    return [r.id for r in sorted(records, key=lambda r: r.seq, reverse=True)]
