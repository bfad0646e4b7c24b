"""Code lens "✓ Milestone: <title>" — only on the line the progress store recorded as the
milestone's evidence in this workspace (followed while the code shows it in that file),
never in a test file for a milestone outside the testing step, one lens per line with the
titles merged, and the warning named when the line carries an open security lesson.
Clicking it opens the checkpoint's page (docs/protocol.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from lsprotocol import types

from roadmap_coach.analysis.file_roles import is_test_path
from roadmap_coach.progress.store import MilestoneRecord
from roadmap_coach.rules.engine import Milestone

EXPLAIN_COMMAND = "roadmapCoach.explain"  # a server command: plain clients
OPEN_COMMAND = "roadmapCoach.openCheckpoint"  # a client command: checkpointPages clients
TESTING_STEP = "testing"
WARNING_TAIL = " — now fix the warning on this line"


def lens_lines(
    milestones: Iterable[Milestone],
    records: Mapping[str, MilestoneRecord],
    workspace: str | None,
    path: str,
    placed: Callable[[int], int | None] = lambda line: line,
) -> dict[int, list[Milestone]]:
    """0-based line -> the milestones whose lens (and hover) belongs there. `placed`: where
    a line of the text the evidence was found on is in the buffer now (None: being typed
    on; a buffer that stopped parsing keeps its last parsed text's evidence)."""
    found: dict[int, list[Milestone]] = {}
    if is_test_path(path):
        milestones = [m for m in milestones if m.step == TESTING_STEP]
    for milestone in milestones:
        record = records.get(milestone.id)
        if record is None or record.path != path or not record.line:
            continue
        if not workspace or record.workspace != workspace:
            continue
        here = (placed(e.span.line) for e in milestone.evidence if e.path == path)
        lines = sorted({line for line in here if line is not None})
        if not lines:
            continue  # the code no longer shows it in this file: nothing to point at
        wanted = record.line - 1
        # lines above may have been added or removed since it was recorded
        line = min(lines, key=lambda n: (abs(n - wanted), n))
        found.setdefault(line, []).append(milestone)
    return found


def milestone_lenses(
    by_line: Mapping[int, list[Milestone]],
    path: str,
    warned: Callable[[int], bool],
    *,
    pages: bool = False,
) -> list[types.CodeLens]:
    lenses = []
    for line in sorted(by_line):
        milestones = by_line[line]
        title = "✓ Milestone: " + " · ".join(m.title for m in milestones)
        if warned(line):
            title += WARNING_TAIL
        start = types.Position(line, 0)
        lenses.append(
            types.CodeLens(
                range=types.Range(start, start),
                command=types.Command(
                    title=title,
                    command=OPEN_COMMAND if pages else EXPLAIN_COMMAND,
                    # where: the page says what this line teaches (SQLAlchemy …)
                    arguments=[milestones[0].id, path, line],
                ),
            )
        )
    return lenses
