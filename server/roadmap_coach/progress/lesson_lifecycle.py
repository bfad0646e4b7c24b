"""What one file's security lessons did since the last look: shown, moved, silenced,
shown again, or fixed.

A lesson is *open* (shown in the editor), *silenced* (still in the code, hidden by
`# coach: ignore[CODE]` or the `disabledLessons` setting) or gone. Silencing is never
a fix: an open lesson that is now found only among the silenced ones is
`lesson-suppressed`; a silenced lesson that is gone from the code is fixed then.
Lessons of one code are paired by line (same line first, then nearest), so a lesson
that only moved is the same lesson and logs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.progress.lesson_pairing import pair_lines
from roadmap_coach.progress.summary import SECURITY_PREFIXES
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.lessons.base import LessonFinding, WorkspaceContext


@dataclass(slots=True)
class LessonPlan:
    """Per code: what to log and which index rows to move."""

    moved_open: list[tuple[str, int, int]] = field(default_factory=list)  # (code, old, new)
    moved_silenced: list[tuple[str, int, int]] = field(default_factory=list)
    shown: list[tuple[str, int]] = field(default_factory=list)  # newly open
    silenced_new: list[tuple[str, int]] = field(default_factory=list)  # silenced, never shown
    suppressed: list[tuple[str, int, int]] = field(default_factory=list)  # open line -> silenced
    unsilenced: list[tuple[str, int, int]] = field(default_factory=list)  # silenced -> open line
    fixed_open: list[tuple[str, int]] = field(default_factory=list)
    fixed_silenced: list[tuple[str, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.moved_open,
                self.moved_silenced,
                self.shown,
                self.silenced_new,
                self.suppressed,
                self.unsilenced,
                self.fixed_open,
                self.fixed_silenced,
            )
        )


def by_code(items: list[tuple[str, int]] | set[tuple[str, int]]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for code, line in items:
        out.setdefault(code, []).append(line)
    return out


def plan_lessons(
    open_now: dict[str, list[int]],
    silenced_now: dict[str, list[int]],
    found: dict[str, list[int]],
    hidden: dict[str, list[int]],
) -> LessonPlan:
    """Compare the index (open, silenced) with what analysis found (shown, hidden)."""
    plan = LessonPlan()
    for code in sorted(set(open_now) | set(silenced_now) | set(found) | set(hidden)):
        new_found, gone_open, moves_open = pair_lines(open_now.get(code, []), found.get(code, []))
        new_hidden, gone_silenced, moves_silenced = pair_lines(
            silenced_now.get(code, []), hidden.get(code, [])
        )
        # An open lesson now only among the silenced ones was silenced, not fixed.
        new_hidden, gone_open, open_to_silenced = _pair_all(gone_open, new_hidden)
        # A silenced lesson shown again (the comment or setting removed).
        new_found, gone_silenced, silenced_to_open = _pair_all(gone_silenced, new_found)
        plan.moved_open += [(code, old, new) for old, new in moves_open]
        plan.moved_silenced += [(code, old, new) for old, new in moves_silenced]
        plan.suppressed += [(code, old, new) for old, new in open_to_silenced]
        plan.unsilenced += [(code, old, new) for old, new in silenced_to_open]
        plan.fixed_open += [(code, line) for line in gone_open]
        plan.fixed_silenced += [(code, line) for line in gone_silenced]
        plan.shown += [(code, line) for line in new_found]
        plan.silenced_new += [(code, line) for line in new_hidden]
    return plan


def _pair_all(
    before: list[int], now: list[int]
) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """Like `pair_lines`, but a lesson on the same line is a pair too (it changed state)."""
    same = sorted(set(before) & set(now))
    new, gone, moves = pair_lines(
        [x for x in before if x not in same], [x for x in now if x not in same]
    )
    return new, gone, [(x, x) for x in same] + moves


def silences_security(facts: FileFacts, disabled: Iterable[str]) -> bool:
    """Could anything hide a security lesson in this file? (cheap: most files, no)"""
    if any(code.startswith(SECURITY_PREFIXES) for code in disabled):
        return True
    return any(
        code == "ALL" or code.startswith(SECURITY_PREFIXES)
        for codes in facts.ignores.values()
        for code in codes
    )


def silenced_security(
    engine: Engine, facts: FileFacts, context: WorkspaceContext, disabled: frozenset[str]
) -> list[LessonFinding]:
    """Security lessons in this file that `# coach: ignore[…]` or `disabledLessons` hide
    (silencing is never a fix: the progress log tells the two apart)."""
    if not silences_security(facts, disabled):
        return []
    found: list[LessonFinding] = []
    for lesson in engine.lessons:
        code = getattr(lesson, "code", "") or ""
        if code and not code.startswith(SECURITY_PREFIXES):
            continue
        try:
            found.extend(lesson.check(facts, context))
        except Exception:  # a broken lesson hides nothing
            continue
    hidden = []
    for finding in found:
        ignored = facts.ignores.get(finding.span.line, [])
        silenced = finding.code in disabled or finding.code in ignored or "ALL" in ignored
        if finding.code.startswith(SECURITY_PREFIXES) and silenced:
            hidden.append(finding)
    return sorted(hidden, key=lambda f: (f.span.line, f.span.col, f.code))
