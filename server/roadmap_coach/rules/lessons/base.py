"""What a lesson is and what it produces; one module per lesson family builds on this."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from roadmap_coach.analysis.facts import FileFacts, Span


@dataclass(frozen=True, slots=True)
class Edit:
    """A presenter-neutral text edit: replace `span` of `path` with `new_text`."""

    path: str
    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class LessonFinding:
    code: str
    path: str
    span: Span
    severity: str  # "warning" | "information" | "hint"
    message: str
    step: str
    fix: Fix | None = None
    priority: int = 0  # lower first when hints are capped per file


@dataclass(slots=True)
class WorkspaceContext:
    """What lessons may know beyond one file, gathered from every file's facts."""

    declared: set[str] = field(default_factory=set)  # normalised distribution names
    requirement_files: list[str] = field(default_factory=list)
    local_modules: set[str] = field(default_factory=set)  # top-level names of workspace modules
    tracked: set[str] = field(default_factory=set)  # paths in Git's index
    gitignore_lines: list[str] = field(default_factory=list)
    has_gitignore: bool = False


class Lesson:
    """A teaching check. The class docstring is the lesson page (docs/rules/CODE.md)."""

    code: ClassVar[str] = ""
    step: ClassVar[str] = ""
    title: ClassVar[str] = ""
    severity: ClassVar[str] = "information"
    security: ClassVar[bool] = False

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterable[LessonFinding]:
        raise NotImplementedError
