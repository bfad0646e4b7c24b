"""The lessons of one file, from its full facts (an editor buffer, a file read again)
or from its record (`rules.records`): what is shown, and the security lessons that
an ignore comment or a disabled code silences. A broken lesson costs its findings,
never the other files'."""

from __future__ import annotations

from collections.abc import Iterable

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.progress.lesson_lifecycle import silenced_security, silences_security
from roadmap_coach.progress.summary import SECURITY_PREFIXES
from roadmap_coach.rules.block_lessons import BlockLessons
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.lessons.base import LessonFinding, WorkspaceContext
from roadmap_coach.rules.lessons.context import select_findings
from roadmap_coach.rules.records import FileRecord


def silenced_lessons(
    engine: Engine, facts: FileFacts, context: WorkspaceContext, disabled: frozenset[str]
) -> list[LessonFinding]:
    return silenced_security(engine, facts, context, disabled)


def facts_lessons(
    engine: Engine,
    facts: FileFacts,
    context: WorkspaceContext,
    disabled: Iterable[str],
    hints: str,
    blocks: BlockLessons,
) -> list[LessonFinding]:
    try:
        return engine.lessons_for(facts, context, disabled, hints, blocks=blocks)
    except Exception:
        return []


def record_lessons(
    engine: Engine,
    record: FileRecord,
    context: WorkspaceContext,
    disabled: frozenset[str],
    hints: str,
) -> tuple[list[LessonFinding], list[LessonFinding]]:
    """`facts_lessons` and `silenced_lessons`, from a record: each lesson runs once."""
    slim = record.slim
    if slim is None:
        return [], []
    try:
        found = engine.record_findings(record, context)
        shown = select_findings(found, slim, set(disabled), hints)
    except Exception:
        return [], []
    if not silences_security(slim, disabled):
        return shown, []
    hidden = []
    for finding in found:
        if not finding.code.startswith(SECURITY_PREFIXES):
            continue
        ignored = slim.ignores.get(finding.span.line, [])
        if finding.code in disabled or finding.code in ignored or "ALL" in ignored:
            hidden.append(finding)
    return shown, sorted(hidden, key=lambda f: (f.span.line, f.span.col, f.code))
