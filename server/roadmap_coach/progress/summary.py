"""What a mentor reads, computed from the event log alone.

Exports and the cohort report replay events (never the store's index tables), so
a summary made from a JSONL log equals the one made from the store it came from.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from roadmap_coach.progress.chain import (
    LESSON_FIXED,
    LESSON_SHOWN,
    LESSON_SUPPRESSED,
    MILESTONE,
    RESET,
    Event,
    utc_timestamp,
)

SECURITY_PREFIXES = ("RC3", "RC5")  # SQL injection and web security lessons
OTHER_STEP = "other"


class StepLike(Protocol):
    id: str
    number: int
    title: str


class CheckpointLike(Protocol):
    id: str
    step: str
    title: str
    teaches: str
    next: Sequence[str]
    links: Sequence[str]


class RoadmapLike(Protocol):
    """The parts of `roadmap.models.Roadmap` a summary needs."""

    title: str

    @property
    def steps(self) -> Sequence[StepLike]: ...

    @property
    def checkpoints(self) -> Sequence[CheckpointLike]: ...


@dataclass(frozen=True, slots=True)
class Achieved:
    id: str
    step: str
    title: str
    time: str
    workspace: str
    path: str
    line: int | None
    commit: str | None
    seq: int

    @property
    def date(self) -> str:
        return self.time[:10]

    @property
    def evidence(self) -> str:
        """`path:line` as a learner's editor would open it."""
        if not self.path:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    @property
    def short_commit(self) -> str:
        return (self.commit or "")[:10]


@dataclass(slots=True)
class CheckpointStatus:
    id: str
    title: str
    achieved: Achieved | None


@dataclass(slots=True)
class StepProgress:
    id: str
    number: int
    title: str
    checkpoints: list[CheckpointStatus]
    core: frozenset[str] | None = None  # core checkpoint ids; None: all of them
    short: str = ""

    @property
    def done(self) -> int:
        return sum(1 for c in self.checkpoints if c.achieved)

    @property
    def total(self) -> int:
        return len(self.checkpoints)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def core_checkpoints(self) -> list[CheckpointStatus]:
        return [c for c in self.checkpoints if self.core is None or c.id in self.core]

    @property
    def core_done(self) -> int:
        return sum(1 for c in self.core_checkpoints if c.achieved)

    @property
    def complete(self) -> bool:
        """All core checkpoints achieved: the one definition (progress.next_up)."""
        core = self.core_checkpoints
        return bool(core) and all(c.achieved for c in core)

    @property
    def state(self) -> str:
        return "complete" if self.complete else "started" if self.done else "not-started"


@dataclass(slots=True)
class Lesson:
    code: str
    workspace: str
    path: str
    line: int
    shown: str  # when it was first shown (or first seen silenced)
    fixed: str | None = None
    shown_seq: int = 0
    commit: str | None = None  # the commit of its latest event that named one
    silenced: str | None = None  # when it was silenced, while it stays silenced
    removed: bool = False  # "fixed" only because its file was deleted
    ever_shown: bool = True

    @property
    def security(self) -> bool:
        return self.code.startswith(SECURITY_PREFIXES)

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def state(self) -> str:
        """open (shown in the editor), silenced (in the code, hidden) or fixed."""
        if self.fixed:
            return "fixed"
        return "silenced" if self.silenced else "open"

    @property
    def short_commit(self) -> str:
        return (self.commit or "")[:10]


@dataclass(slots=True)
class NextItem:
    id: str
    title: str
    step_title: str
    teaches: str
    links: list[str]
    after: str | None  # title of the achieved checkpoint that points here
    kind: str = "checkpoint"  # or "lesson" (id is its code)
    reason: str = "current-step"  # progress.next_up: open-lesson, after-milestone, …


@dataclass(slots=True)
class Summary:
    learner: str
    workspace: str | None
    roadmap_title: str
    generated: str
    steps: list[StepProgress]
    milestones: list[Achieved]  # chronological by achievement time
    lessons: list[Lesson]
    next: list[NextItem]
    events: int
    head_hash: str
    last_activity: str | None
    resets: int = 0
    learners: list[str] = field(default_factory=list)

    @property
    def workspaces(self) -> list[str]:
        """Workspaces the shown milestones came from (one for most learners)."""
        return sorted({m.workspace for m in self.milestones if m.workspace})

    @property
    def step_titles(self) -> dict[str, str]:
        return {step.id: step.title for step in self.steps}

    @property
    def steps_complete(self) -> int:
        return sum(1 for s in self.steps if s.id != OTHER_STEP and s.complete)

    @property
    def roadmap_steps(self) -> int:
        return sum(1 for s in self.steps if s.id != OTHER_STEP)

    @property
    def achieved_count(self) -> int:
        return len(self.milestones)

    @property
    def checkpoint_count(self) -> int:
        return sum(s.total for s in self.steps if s.id != OTHER_STEP)

    @property
    def open_security(self) -> list[Lesson]:
        """Shown in the editor and still in the code."""
        return [x for x in self.lessons if x.security and x.state == "open"]

    @property
    def silenced_security(self) -> list[Lesson]:
        """Still in the code, hidden by `# coach: ignore[…]` or `disabledLessons`."""
        return [x for x in self.lessons if x.security and x.state == "silenced"]

    @property
    def fixed_security(self) -> list[Lesson]:
        return [x for x in self.lessons if x.security and x.state == "fixed"]

    @property
    def other_open(self) -> int:
        return sum(1 for x in self.lessons if not x.security and x.state == "open")

    @property
    def last_milestone(self) -> Achieved | None:
        return max(self.milestones, key=lambda m: m.time) if self.milestones else None

    def step_of(self, milestone_id: str) -> StepProgress | None:
        for step in self.steps:
            if any(c.id == milestone_id for c in step.checkpoints):
                return step
        return None


def main_learner(events: Iterable[Event]) -> str:
    """The learner most events belong to (a store normally holds one)."""
    counts = Counter(e.learner for e in events)
    return counts.most_common(1)[0][0] if counts else ""


def summarize(
    events: Sequence[Event],
    roadmap: RoadmapLike,
    *,
    learner: str | None = None,
    workspace: str | None = None,
    now: datetime | None = None,
) -> Summary:
    who = learner if learner is not None else main_learner(events)
    # Log order is kept: a store's chain order, or a cohort's merge of several logs by time.
    mine = [e for e in events if e.learner == who]
    achieved, resets = _replay_milestones(mine)
    # The roadmap's current wording wins over the title recorded at the time.
    current = {c.id: c.title for c in roadmap.checkpoints}
    achieved = {k: replace(v, title=current.get(k) or v.title) for k, v in achieved.items()}
    if workspace is not None:
        achieved = {k: v for k, v in achieved.items() if v.workspace == workspace}
    lessons = _replay_lessons(e for e in mine if workspace is None or e.workspace == workspace)
    steps = _step_progress(roadmap, achieved)
    scoped = [e for e in mine if workspace is None or e.workspace == workspace]
    return Summary(
        learner=who,
        workspace=workspace,
        roadmap_title=roadmap.title,
        generated=utc_timestamp(now),
        steps=steps,
        milestones=sorted(achieved.values(), key=lambda m: (m.time, m.seq)),
        lessons=lessons,
        next=_next_items(roadmap, achieved, lessons),
        events=len(events),
        head_hash=max(events, key=lambda e: e.seq).hash if events else "",
        last_activity=max((e.time for e in scoped), default=None),
        resets=resets,
        learners=sorted({e.learner for e in events}),
    )


def _replay_milestones(events: Iterable[Event]) -> tuple[dict[str, Achieved], int]:
    achieved: dict[str, Achieved] = {}
    resets = 0
    for event in events:
        if event.kind == RESET:
            achieved.clear()
            resets += 1
        elif event.kind == MILESTONE:
            p: dict[str, Any] = event.payload
            mid = str(p.get("id", ""))
            if mid and mid not in achieved:  # first achieved wins
                achieved[mid] = Achieved(
                    id=mid,
                    step=str(p.get("step", "")),
                    title=str(p.get("title", "")),
                    time=event.time,
                    workspace=event.workspace,
                    path=str(p.get("path") or ""),
                    line=p.get("line") if isinstance(p.get("line"), int) else None,
                    commit=p.get("commit") if isinstance(p.get("commit"), str) else None,
                    seq=event.seq,
                )
    return achieved, resets


def _replay_lessons(events: Iterable[Event]) -> list[Lesson]:
    """Lessons and their state from `lesson-shown`, `lesson-suppressed` and `lesson-fixed`
    (linked by the seq of the event before: `shown`, `suppressed`, `unsilenced`)."""
    lessons: list[Lesson] = []
    by_seq: dict[int, Lesson] = {}  # seq of any event of a lesson -> the lesson
    open_at: dict[tuple[str, str, str, int], Lesson] = {}  # for logs without links
    for event in events:
        if event.kind not in (LESSON_SHOWN, LESSON_FIXED, LESSON_SUPPRESSED):
            continue
        p = event.payload
        line = p.get("line")
        key = (
            event.workspace,
            str(p.get("path", "")),
            str(p.get("code", "")),
            line if isinstance(line, int) else 0,
        )
        commit = p.get("commit") if isinstance(p.get("commit"), str) else None
        link = next(
            (
                p[name]
                for name in ("suppressed", "unsilenced", "shown")
                if isinstance(p.get(name), int) and p[name] in by_seq
            ),
            None,
        )
        lesson = by_seq[link] if link is not None else None
        if lesson is None and event.kind == LESSON_FIXED and p.get("shown", 0) is not None:
            lesson = open_at.get(key)
        if lesson is not None and lesson.fixed:
            lesson = None  # a closed lesson is never reopened by a late link
        if lesson is None:
            if event.kind == LESSON_FIXED:
                continue  # nothing known to close
            lesson = Lesson(key[2], key[0], key[1], key[3], event.time, None, event.seq)
            lesson.ever_shown = event.kind == LESSON_SHOWN
            lessons.append(lesson)
        open_at.pop((lesson.workspace, lesson.path, lesson.code, lesson.line), None)
        by_seq[event.seq] = lesson
        lesson.line = key[3]  # where it is now (it may have moved)
        lesson.commit = commit or lesson.commit
        if event.kind == LESSON_SHOWN:
            lesson.silenced = None
            lesson.ever_shown = True
            open_at[key] = lesson
        elif event.kind == LESSON_SUPPRESSED:
            lesson.silenced = event.time
        else:
            lesson.fixed = event.time
            lesson.removed = p.get("removed") is True
            lesson.commit = commit
    return sorted(lessons, key=lambda x: x.shown_seq)


def _step_progress(roadmap: RoadmapLike, achieved: dict[str, Achieved]) -> list[StepProgress]:
    steps = []
    known = set()
    for step in sorted(roadmap.steps, key=lambda s: s.number):
        statuses = []
        for checkpoint in roadmap.checkpoints:
            if checkpoint.step == step.id:
                known.add(checkpoint.id)
                statuses.append(
                    CheckpointStatus(checkpoint.id, checkpoint.title, achieved.get(checkpoint.id))
                )
        core = getattr(step, "core", None)
        steps.append(
            StepProgress(
                step.id,
                step.number,
                step.title,
                statuses,
                frozenset(core) if core is not None else None,
                getattr(step, "short", "") or "",
            )
        )
    # Milestones from an older or custom roadmap are still shown, never dropped.
    strays = [a for a in achieved.values() if a.id not in known]
    if strays:
        statuses = [CheckpointStatus(a.id, a.title or a.id, a) for a in strays]
        number = max((s.number for s in steps), default=0) + 1
        steps.append(StepProgress(OTHER_STEP, number, "Other milestones", statuses))
    return steps


def _next_items(
    roadmap: RoadmapLike, achieved: dict[str, Achieved], lessons: Sequence[Lesson]
) -> list[NextItem]:
    """The one ranking (progress.next_up): an open security lesson, then the `next` of
    the latest milestone, then the current step's core checkpoints; at most three."""
    from roadmap_coach.progress.next_up import OpenLesson, next_up
    from roadmap_coach.roadmap.models import Roadmap
    from roadmap_coach.rules.lessons import lesson_for

    if not isinstance(roadmap, Roadmap):
        return []
    step_titles = {s.id: s.title for s in roadmap.steps}
    latest = sorted(achieved.values(), key=lambda a: (a.time, a.seq), reverse=True)
    open_lessons = []
    for lesson in lessons:
        if lesson.security and lesson.state == "open":  # shown in the editor, not silenced
            cls = lesson_for(lesson.code)
            title = cls.title if cls is not None and cls.title else lesson.code
            open_lessons.append(OpenLesson(lesson.code, title, lesson.path, lesson.line))
    items = []
    for item in next_up(roadmap, set(achieved), [a.id for a in latest], open_lessons):
        if item.kind == "lesson":
            cls = lesson_for(item.id)
            why = first_sentence(_lesson_why(cls)) if cls is not None else ""
            items.append(
                NextItem(item.id, item.title, step_titles.get("security", "security"), why,
                         [], None, "lesson", item.reason)
            )  # fmt: skip
            continue
        checkpoint = roadmap.checkpoint(item.id)
        if checkpoint is None:
            continue
        after = None
        if item.reason == "after-milestone" and latest:
            after = latest[0].title
        items.append(
            NextItem(
                id=item.id,
                title=checkpoint.title,
                step_title=step_titles.get(checkpoint.step, checkpoint.step),
                teaches=first_sentence(checkpoint.teaches),
                links=[u for u in checkpoint.links if u.startswith(("https://", "http://"))],
                after=after,
                reason=item.reason,
            )
        )
    return items


def _lesson_why(cls: Any) -> str:
    import inspect

    doc = inspect.cleandoc(cls.__doc__ or "")
    marker = "## Why it matters"
    if marker in doc:
        return " ".join(doc.split(marker, 1)[1].split("##", 1)[0].split())
    return ""


def first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[: end + 1]


def days_between(earlier: str, later: datetime | None = None) -> int:
    moment = datetime.fromisoformat(earlier.replace("Z", "+00:00"))
    return ((later or datetime.now(UTC)) - moment).days
