"""Which new milestones sit on a line with an open security lesson: they are announced as
earned *and* point at the fix (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from roadmap_coach.lsp.milestone_log import Achieved
from roadmap_coach.lsp.progress_view import warning_on
from roadmap_coach.progress.next_up import OpenLesson
from roadmap_coach.rules.lessons.base import LessonFinding


def warnings_for(
    new: Sequence[Achieved],
    lessons: Mapping[str, Sequence[LessonFinding]],
    open_lessons: Sequence[OpenLesson],
) -> dict[str, OpenLesson]:
    """Milestone id -> the open security lesson on the line that earned it."""
    found: dict[str, OpenLesson] = {}
    for item in new:
        evidence = item.evidence
        if evidence is None:
            continue
        finding = warning_on(lessons, evidence.path, evidence.span.line)
        if finding is None:
            continue
        match = next(
            (
                o
                for o in open_lessons
                if (o.code, o.path, o.line) == (finding.code, finding.path, finding.span.line + 1)
            ),
            None,
        )
        if match is not None:
            found[item.milestone.id] = match
    return found
