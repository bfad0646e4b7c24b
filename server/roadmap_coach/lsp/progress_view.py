"""The JSON the custom protocol carries: `roadmapCoach/getProgress` (also the body of
`roadmapCoach/progress`) and `roadmapCoach/milestone`. Shapes: docs/protocol.md."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from roadmap_coach.analysis.facts import Span
from roadmap_coach.progress.next_up import (
    NextItem,
    OpenLesson,
    latest_first,
    next_up,
    step_progress,
    steps_complete,
)
from roadmap_coach.progress.store import MilestoneRecord
from roadmap_coach.roadmap.markup import plain, plain_line
from roadmap_coach.roadmap.models import Checkpoint, Roadmap
from roadmap_coach.rules.engine import Milestone
from roadmap_coach.rules.lessons.base import LessonFinding
from roadmap_coach.rules.matchers import Evidence

Location = dict[str, Any]  # {"uri": ..., "range": ...}
Locate = Callable[[Evidence], Location | None]
LocateRecord = Callable[[MilestoneRecord], Location | None]


def first_location(evidence: Iterable[Evidence], locate: Locate) -> Location | None:
    for item in evidence:
        found = locate(item)
        if found is not None:
            return found
    return None


def progress_payload(
    roadmap: Roadmap,
    records: Mapping[str, MilestoneRecord],
    current: Iterable[Milestone],
    locate: Locate,
    locate_record: LocateRecord,
    lessons: Sequence[OpenLesson] = (),
) -> dict[str, Any]:
    now = {m.id: m for m in current}
    achieved = set(records) | set(now)
    suggested = {
        nxt
        for c in roadmap.checkpoints
        if c.id in achieved
        for nxt in c.next
        if nxt not in achieved
    }
    steps = []
    states = {p.step.id: p for p in step_progress(roadmap, achieved)}
    for step, checkpoints in roadmap.by_step():
        rows = []
        for c in checkpoints:
            record = records.get(c.id)
            evidence = first_location(now[c.id].evidence, locate) if c.id in now else None
            if evidence is None and record is not None:
                evidence = locate_record(record)
            rows.append(
                {
                    "id": c.id,
                    "title": c.title,
                    "teaches": c.teaches,
                    "example": c.example,
                    "next": list(c.next),
                    "links": list(c.links),
                    "core": roadmap.is_core(c),
                    "achieved": c.id in achieved,
                    "achievedAt": record.time if record is not None else None,
                    "evidence": evidence,
                    "suggested": c.id in suggested,
                }
            )
        steps.append(
            {
                "id": step.id,
                "title": step.title,
                "short": step.short_title,
                "number": step.number,
                "achieved": sum(1 for r in rows if r["achieved"]),
                "total": len(rows),
                "core": states[step.id].core,
                "coreAchieved": states[step.id].core_achieved,
                "state": states[step.id].state,
                "checkpoints": rows,
            }
        )
    ranked = next_up(roadmap, achieved, latest_first(records.values()), lessons)
    return {
        "steps": steps,
        "achieved": sum(s["achieved"] for s in steps),
        "total": sum(s["total"] for s in steps),
        "stepsComplete": steps_complete(states.values()),
        "nextUp": [item.to_json() for item in ranked],
    }


def open_lessons(
    lessons: Mapping[str, Sequence[LessonFinding]],
    titles: Mapping[str, str],
    locate: Locate,
) -> list[OpenLesson]:
    """Security lessons (Warnings) shown in the workspace now, for the next-up ranking."""
    found = []
    for path, findings in lessons.items():
        for f in findings:
            if f.severity != "warning":
                continue
            where = locate(Evidence(path, f.span))
            found.append(
                OpenLesson(f.code, titles.get(f.code, f.code), path, f.span.line + 1, where)
            )
    return found


def warning_on(
    lessons: Mapping[str, Sequence[LessonFinding]], path: str, line: int
) -> LessonFinding | None:
    """The first security lesson whose range covers `line` (0-based) of `path`."""
    for f in lessons.get(path, ()):
        if f.severity == "warning" and _covers(f.span, line):
            return f
    return None


def _covers(span: Span, line: int) -> bool:
    return span.line <= line <= max(span.end_line, span.line)


def next_steps(roadmap: Roadmap, checkpoint: Checkpoint) -> list[dict[str, str]]:
    found = []
    for nxt in checkpoint.next:
        target = roadmap.checkpoint(nxt)
        if target is not None:
            found.append({"id": target.id, "title": target.title})
    return found


def milestone_params(
    roadmap: Roadmap,
    milestone: Milestone,
    evidence: Location | None,
    *,
    ranked: Sequence[NextItem] = (),
    warning: OpenLesson | None = None,
) -> dict[str, Any]:
    checkpoint = roadmap.checkpoint(milestone.id)
    teaches = checkpoint.teaches if checkpoint else ""
    return {
        "id": milestone.id,
        "step": milestone.step,
        "title": milestone.title,
        "teaches": teaches,
        "teachesText": plain(teaches),
        "text": milestone_message([milestone], ranked, {milestone.id: warning} if warning else {}),
        "next": next_steps(roadmap, checkpoint) if checkpoint else [],
        "nextUp": [item.to_json() for item in ranked],
        "warning": None
        if warning is None
        else {"code": warning.code, "title": warning.title, "evidence": warning.where},
        "evidence": evidence,
    }


ONE_LINE_MAX = 3  # more milestones at once get one line each


def milestone_message(
    milestones: Sequence[Milestone],
    ranked: Sequence[NextItem],
    warnings: Mapping[str, OpenLesson] | None = None,
) -> str:
    """The plain `window/showMessage` text for milestones that arrived together: titles
    only (no ids, no prefix), the first next-up item, and the fix a milestone's own line
    needs first (docs/protocol.md)."""
    warnings = warnings or {}
    titles = [plain_line(m.title) for m in milestones]
    warned = [warnings[m.id] for m in milestones if m.id in warnings]
    if warned:
        first = warned[0]
        tail = f"now fix the warning on this line ({first.path}:{first.line})"
        if len(milestones) > 1:
            tail = f"now fix the warning at {first.path}:{first.line}"
    elif ranked:
        # a lesson's title names a path (`app/__init__.py`) that is not Markdown: read as
        # Markdown its underscores would make it `app/init.py`, a file that is not there
        first_up = ranked[0]
        title = first_up.title if first_up.kind == "lesson" else plain_line(first_up.title)
        tail = f"next: {title}"
    else:
        tail = ""
    if len(milestones) == 1:
        head = f"Milestone reached: {titles[0]}"
        return f"{head} — {tail}" if tail else head
    if len(milestones) <= ONE_LINE_MAX:
        head = f"{len(milestones)} milestones: " + " · ".join(titles)
        return f"{head} — {tail}" if tail else head
    # one line per milestone; the last line sums up, since an editor that shows one line
    # at a time (Neovim's message area) leaves the last one in view
    summary = f"{len(milestones)} milestones" + (f" — {tail}" if tail else "")
    return "\n".join(["Milestones reached:", *(f"✓ {t}" for t in titles), summary])
