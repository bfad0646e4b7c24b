"""The real server plus one test-only lesson, so the LSP tests can show lessons, fixes and
`sec.lesson-fixed` on a fixture of their own: RC599 flags `DEBUG = True` (a security
warning with a quick fix that turns it off). Run as `python lesson_server.py`. Like a
course that adds its own lessons, it hosts their pages (`COURSE_DOCS`)."""

from __future__ import annotations

import os
from collections.abc import Iterator

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.lsp.server import build_server, stop
from roadmap_coach.rules.lessons import all_lessons
from roadmap_coach.rules.lessons.base import Edit, Fix, Lesson, LessonFinding, WorkspaceContext

COURSE_DOCS = "https://course.example.test/coach"


class DebugTrue(Lesson):
    """## What it catches
    `DEBUG = True` at module level (test-only lesson).

    ## Why it matters
    Debug mode shows stack traces and a console to whoever reaches the app.
    """

    code = "RC599"
    step = "security"
    title = "Debug mode left on"
    severity = "warning"
    security = True

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterator[LessonFinding]:
        for assign in facts.assigns:
            value = assign.value
            if (
                assign.target == "DEBUG"
                and value.kind == "bool"
                and value.value == "True"
                and value.span
            ):
                fix = Fix("Turn debug mode off", (Edit(facts.path, value.span, "False"),))
                yield LessonFinding(
                    self.code,
                    facts.path,
                    assign.span,
                    "warning",
                    "DEBUG is on in code that could ship",
                    self.step,
                    fix,
                )


if __name__ == "__main__":
    os.environ.setdefault("ROADMAP_COACH_DOCS_URL", COURSE_DOCS)
    server = build_server(lessons=[DebugTrue(), *all_lessons()])
    try:
        server.start_io()
    finally:
        stop(server)
