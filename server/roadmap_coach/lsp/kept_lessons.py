"""The lessons of a buffer that no longer parses, moved with the lines the learner keeps
typing around them.

While a file does not parse its last lessons stay (nothing to say about the new text
yet), but they were found on an earlier text: published as they are, an edit above a
warning would leave it on another line than the code it is about. So each edit moves
them: the lines before the first changed line and after the last one are the same text,
the ones after moved by the edit's line count; a lesson on a changed line is dropped,
as is a quick fix that would edit one (its lesson stays, without the fix). When the
file parses again its lessons are found afresh.

The milestones' evidence of such a file is the last parsed text's too: `Placed` follows
its lines through every edit since, so a code lens and a milestone hover stay on the code
they are about (or are left out while their line is being typed).
"""

from __future__ import annotations

from dataclasses import replace

from roadmap_coach.analysis.encoding import split_lines
from roadmap_coach.analysis.facts import Span
from roadmap_coach.rules.lessons.base import LessonFinding


class Moves:
    """Where a line of `before` is in `after`: the same line in the unchanged head, moved
    by the change in line count in the unchanged tail, nowhere in between."""

    def __init__(self, before: str, after: str) -> None:
        old, new = split_lines(before), split_lines(after)
        head = 0
        most = min(len(old), len(new))
        while head < most and old[head] == new[head]:
            head += 1
        tail = 0
        while tail < most - head and old[-1 - tail] == new[-1 - tail]:
            tail += 1
        self.head = head  # old lines below this are unchanged and stay
        self.tail_start = len(old) - tail  # old lines from here are unchanged and move
        self.delta = len(new) - len(old)

    def span(self, span: Span) -> Span | None:
        if span.end_line < self.head:
            return span
        if span.line >= self.tail_start:
            return Span(span.line + self.delta, span.col, span.end_line + self.delta, span.end_col)
        return None

    @property
    def unchanged(self) -> bool:
        return self.head == self.tail_start and self.delta == 0

    def line(self, line: int) -> int | None:
        if line < self.head:
            return line
        if line >= self.tail_start:
            return line + self.delta
        return None


class Placed:
    """Where a line of the text a broken buffer last parsed as is now: every edit's
    `Moves` since, applied in turn (None once an edit touched it)."""

    def __init__(self) -> None:
        self.edits: list[Moves] = []

    def line(self, line: int) -> int | None:
        at: int | None = line
        for moves in self.edits:
            at = moves.line(at)
            if at is None:
                return None
        return at


def moved(findings: list[LessonFinding], moves: Moves) -> list[LessonFinding]:
    """`findings` of the text an edit started from, placed on the text it left (see the
    module)."""
    if not findings or moves.unchanged:
        return findings
    out = []
    for finding in findings:
        span = moves.span(finding.span)
        if span is None:
            continue
        fix = finding.fix
        if fix is not None:
            edits = []
            for edit in fix.edits:
                if edit.path != finding.path:
                    edits.append(edit)  # another file (requirements.txt): not moved
                    continue
                where = moves.span(edit.span)
                if where is None:
                    fix = None  # it would edit a line being typed: offered again later
                    break
                edits.append(replace(edit, span=where))
            else:
                fix = replace(fix, edits=tuple(edits))
        if span is not finding.span or fix is not finding.fix:
            finding = replace(finding, span=span, fix=fix)
        out.append(finding)
    return out
