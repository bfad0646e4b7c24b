"""Checkpoints met by the learner's recorded history rather than by today's code.

The kinds of detect clause that `roadmap.schema` declares `from_log` are read here from
the store, each by one `@log_kind` reader (checked when this module is imported, like
the engine's matchers):

- `history = "lesson-fixed"`: a security lesson (RC3xx/RC5xx) that was shown was
  later fixed, in any workspace (the code changed; silencing it or deleting its file
  does not count);
- `achieved = [...]` with `min`: enough of the listed checkpoints were achieved at
  any time, in any workspaces (routes in Flask last month and FastAPI today count
  as two frameworks even if the Flask project is gone).

Which checkpoints those are comes from the roadmap, so a course author can add more.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from roadmap_coach.progress.chain import LESSON_FIXED, Event
from roadmap_coach.progress.store import MilestoneRecord, Store
from roadmap_coach.progress.summary import SECURITY_PREFIXES
from roadmap_coach.roadmap.models import Checkpoint, Matcher, Roadmap
from roadmap_coach.rules import registry

LESSON_FIXED_FACT = "lesson-fixed"

# (checkpoint, matcher, milestones recorded so far, real fixes of security lessons)
LogMatcher = Callable[
    [Checkpoint, Matcher, dict[str, MilestoneRecord], list[Event]], "Derived | None"
]
LOG_MATCHERS: registry.Registry[LogMatcher] = registry.Registry(registry.LOG)
log_kind = LOG_MATCHERS.register


@dataclass(frozen=True, slots=True)
class Derived:
    checkpoint: Checkpoint
    time: str
    workspace: str
    path: str
    line: int | None
    commit: str | None


def derive(
    roadmap: Roadmap, achieved: dict[str, MilestoneRecord], events: Sequence[Event], learner: str
) -> list[Derived]:
    """History-based checkpoints newly met, in roadmap order (none already achieved)."""
    found = []
    fixed = [
        e
        for e in events
        if e.kind == LESSON_FIXED
        and e.learner == learner
        and str(e.payload.get("code", "")).startswith(SECURITY_PREFIXES)
        and is_real_fix(e.payload)
    ]
    for checkpoint in roadmap.checkpoints:
        if checkpoint.id in achieved:
            continue
        for matcher in checkpoint.detect:
            hit = _match(checkpoint, matcher, achieved, fixed)
            if hit is not None:
                found.append(hit)
                break
    return found


def is_real_fix(payload: dict[str, object]) -> bool:
    """A shown lesson whose code changed so it no longer applies: not a removed file,
    not a lesson that was silenced from the start (silencing itself is never logged as
    `lesson-fixed`, it is `lesson-suppressed`)."""
    if payload.get("removed") is True:
        return False
    return "shown" not in payload or isinstance(payload.get("shown"), int)


def record_derived(store: Store, roadmap: Roadmap) -> list[str]:
    """Record every history-based checkpoint the store's log now meets; ids newly recorded."""
    new = []
    # One pass may enable another (an `achieved` clause over a derived checkpoint).
    for _ in range(len(roadmap.checkpoints)):
        hits = derive(roadmap, store.achieved(), store.events(), store.learner)
        recorded = [
            h.checkpoint.id
            for h in hits
            if store.record_milestone(
                h.checkpoint.id,
                h.checkpoint.step,
                h.checkpoint.title,
                h.workspace,
                h.path,
                h.line,
                h.commit,
                h.time,
            )
        ]
        if not recorded:
            break
        new += recorded
    return new


def _match(
    checkpoint: Checkpoint,
    matcher: Matcher,
    achieved: dict[str, MilestoneRecord],
    fixed: list[Event],
) -> Derived | None:
    read = LOG_MATCHERS.implementations.get(matcher.kind)
    return None if read is None else read(checkpoint, matcher, achieved, fixed)


@log_kind("history")
def _lesson_fixed(
    checkpoint: Checkpoint,
    matcher: Matcher,
    achieved: dict[str, MilestoneRecord],
    fixed: list[Event],
) -> Derived | None:
    if matcher.value != LESSON_FIXED_FACT or not fixed:
        return None
    first = min(fixed, key=lambda e: (e.time, e.seq))
    line = first.payload.get("line")
    return Derived(
        checkpoint,
        first.time,
        first.workspace,
        str(first.payload.get("path", "")),
        line if isinstance(line, int) else None,
        None,
    )


@log_kind("achieved")
def _achieved_anywhere(
    checkpoint: Checkpoint,
    matcher: Matcher,
    achieved: dict[str, MilestoneRecord],
    fixed: list[Event],
) -> Derived | None:
    wanted = [achieved[cid] for cid in matcher.value if cid in achieved]
    minimum = int(matcher.conditions.get("min", len(matcher.value)))
    if minimum < 1 or len(wanted) < minimum:
        return None
    # The evidence is the achievement that completed the set.
    completing = sorted(wanted, key=lambda r: (r.time, r.seq))[minimum - 1]
    return Derived(
        checkpoint,
        completing.time,
        completing.workspace,
        completing.path,
        completing.line,
        completing.commit,
    )


registry.check(registries=[LOG_MATCHERS])
