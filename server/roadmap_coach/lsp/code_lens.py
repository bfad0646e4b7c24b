"""Code lens "✓ Milestone: <title>" on the line that earned a milestone (the first such
line of each milestone in the file). Clicking it explains the milestone."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from roadmap_coach.rules.engine import Milestone

EXPLAIN_COMMAND = "roadmapCoach.explainMilestone"


def milestone_lenses(milestones: Iterable[Milestone], path: str) -> list[types.CodeLens]:
    lenses = []
    for milestone in milestones:
        lines = sorted(e.span.line for e in milestone.evidence if e.path == path)
        if not lines:
            continue
        start = types.Position(lines[0], 0)
        lenses.append(
            types.CodeLens(
                range=types.Range(start, start),
                command=types.Command(
                    title=f"✓ Milestone: {milestone.title}",
                    command=EXPLAIN_COMMAND,
                    # where: the explanation says what this line teaches (SQLAlchemy …)
                    arguments=[milestone.id, path, lines[0]],
                ),
            )
        )
    return sorted(lenses, key=lambda lens: lens.range.start.line)
