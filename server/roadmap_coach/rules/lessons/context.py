"""Workspace context for lessons, and the mentor's restraint: silencing and per-file caps."""

from __future__ import annotations

from collections.abc import Iterable

from roadmap_coach.analysis.facts import FileFacts, GitFacts
from roadmap_coach.rules.lessons.base import LessonFinding, WorkspaceContext

HINTS_PER_FILE = 3
_SEVERITY_ORDER = {"warning": 0, "information": 1, "hint": 2}


def build_context(files: Iterable[FileFacts], git: GitFacts) -> WorkspaceContext:
    context = WorkspaceContext(tracked=set(git.tracked))
    for facts in files:
        add_to_context(context, facts)
    return context


def add_to_context(context: WorkspaceContext, facts: FileFacts) -> None:
    """Fold one file into the workspace context (so a scan reads each file's facts once)."""
    context.paths.add(facts.path)
    if facts.kind == "requirements" or facts.path.endswith(("requirements.txt", "pyproject.toml")):
        context.declared.update(facts.requirements, facts.extras)
        context.requirement_files.append(facts.path)
        context.requirement_lines[facts.path] = list(facts.lines)
    elif facts.requirements:  # Pipfile
        context.declared.update(facts.requirements, facts.extras)
        context.requirement_files.append(facts.path)
    if facts.kind == "python":
        # every folder and module name on the path: `src/` layouts and scripts that
        # import their neighbours are the learner's own code, not a dependency
        parts = facts.path[: -len(".py")].split("/") if facts.path.endswith(".py") else []
        context.local_modules.update(p for p in parts if p.isidentifier())
    if facts.path == ".gitignore":
        context.has_gitignore = True
        context.gitignore_lines = list(facts.lines)


def select_findings(
    found: list[LessonFinding],
    facts: FileFacts,
    disabled: set[str],
    hints: str,
    silenced: list[LessonFinding] | None = None,
) -> list[LessonFinding]:
    """Drop silenced and disabled lessons; keep security lessons; cap learning hints.

    `hints` governs learning hints only ("all" shows them, "milestones" and "off" hide
    them): a security warning stays until it is fixed, silenced on its line or its code
    is disabled, because hiding it would hide a real risk. Security warnings hidden that
    way are added to `silenced` when given: the progress log keeps them open, since
    silencing a lesson is not fixing it."""
    kept = []
    for finding in found:
        ignored = facts.ignores.get(finding.span.line, [])
        if finding.code in disabled or finding.code in ignored or "ALL" in ignored:
            if silenced is not None and finding.severity == "warning":
                silenced.append(finding)
            continue
        kept.append(finding)
    security = [f for f in kept if f.severity == "warning"]
    learning = [f for f in kept if f.severity != "warning"]
    if hints in ("milestones", "off"):
        learning = []
    learning.sort(key=lambda f: (f.priority, _SEVERITY_ORDER.get(f.severity, 3), f.span.line))
    return sorted(
        security + learning[:HINTS_PER_FILE], key=lambda f: (f.span.line, f.span.col, f.code)
    )
