"""Lessons and roadmap problems as LSP diagnostics (pushed, or pulled by clients that
support `textDocument/diagnostic`)."""

from __future__ import annotations

from collections.abc import Iterable

from lsprotocol import types

from roadmap_coach.lsp.positions import LineSource, to_range
from roadmap_coach.roadmap.markup import plain
from roadmap_coach.roadmap.models import Problem
from roadmap_coach.rules.lessons.base import LessonFinding

SOURCE = "roadmap-coach"
RULES_URL = "https://github.com/roadmap-coach/roadmap-coach/blob/main/docs/rules/{code}.md"
ROADMAP_PROBLEM = "roadmap"

_SEVERITY = {
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


def rule_url(code: str) -> str | None:
    """The lesson page; RC000 (a lesson that failed to run) has none."""
    return RULES_URL.format(code=code) if code.startswith("RC") and code != "RC000" else None


def lesson_diagnostic(
    finding: LessonFinding, line_of: LineSource, encoding: str
) -> types.Diagnostic:
    href = rule_url(finding.code)
    return types.Diagnostic(
        range=to_range(finding.span, line_of, encoding),
        message=plain(finding.message),  # LSP messages are plain text
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Information),
        code=finding.code,
        code_description=types.CodeDescription(href=href) if href else None,
        source=SOURCE,
        data={"step": finding.step, "fixable": finding.fix is not None},
    )


def lesson_diagnostics(
    findings: Iterable[LessonFinding], line_of: LineSource, encoding: str
) -> list[types.Diagnostic]:
    return [lesson_diagnostic(f, line_of, encoding) for f in findings]


def problem_diagnostics(problems: Iterable[Problem]) -> dict[str, list[types.Diagnostic]]:
    """Roadmap validation problems by absolute file path (1-based positions -> 0-based)."""
    by_file: dict[str, list[types.Diagnostic]] = {}
    for problem in problems:
        line = max(problem.line - 1, 0)
        col = max(problem.col - 1, 0)
        by_file.setdefault(problem.path, []).append(
            types.Diagnostic(
                range=types.Range(types.Position(line, col), types.Position(line + 1, 0)),
                message=problem.message,
                severity=types.DiagnosticSeverity.Error,
                code=ROADMAP_PROBLEM,
                source=SOURCE,
            )
        )
    return by_file


def is_ours(diagnostic: types.Diagnostic) -> bool:
    return diagnostic.source == SOURCE and isinstance(diagnostic.code, str)
