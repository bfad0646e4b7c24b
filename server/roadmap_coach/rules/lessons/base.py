"""What a lesson is and what it produces; one module per lesson family builds on this."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

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

    # normalised distribution names, and the extras asked for with them ("passlib[bcrypt]")
    declared: set[str] = field(default_factory=set)
    requirement_files: list[str] = field(default_factory=list)
    local_modules: set[str] = field(default_factory=set)  # top-level names of workspace modules
    tracked: set[str] = field(default_factory=set)  # paths in Git's index
    gitignore_lines: list[str] = field(default_factory=list)
    has_gitignore: bool = False
    paths: set[str] = field(default_factory=set)  # every file the workspace listing holds
    # dependency files a fix may append to: path -> their lines (credentials masked)
    requirement_lines: dict[str, list[str]] = field(default_factory=dict)
    # what a lesson works out once per workspace rather than once per file, by lesson code
    memo: dict[str, Any] = field(default_factory=dict)
    # every file of the workspace is in: False in the editor until its first scan ends, when
    # only open buffers are known and "nothing declares X" could be untrue
    complete: bool = True


class Lesson:
    """A teaching check. The class docstring is the lesson page (docs/rules/CODE.md)."""

    code: ClassVar[str] = ""
    step: ClassVar[str] = ""
    title: ClassVar[str] = ""
    severity: ClassVar[str] = "information"
    security: ClassVar[bool] = False
    quick_fix: ClassVar[str] = ""  # what the quick fix does, when the lesson offers one
    # reads the `WorkspaceContext` (other files, Git): runs in the engine's fold on the
    # file's slim facts (`rules.records`), never on the full facts
    reads_workspace: ClassVar[bool] = False
    # Each finding comes from the records of one top-level statement, read with the
    # file's other facts (its path, imports, where an import goes), and lies on that
    # statement's lines: a file being typed in re-runs it only on the statements that
    # changed (`rules.block_lessons`). Only for lessons checked to be so.
    block_local: ClassVar[bool] = False
    # What a block-local lesson reads of the file's imports: the imports of these top-level
    # packages, and whether one starts where a new import goes (`edits.import_edit`).
    # None: any of them. An edit that changes no import read keeps the other statements'
    # findings (an `import` typed at the top of the file).
    imports_read: ClassVar[tuple[str, ...] | None] = None
    # The `FileFacts` fields it reads, through its helpers too (`rules.walk_plan` leaves
    # out of the walk what no reader reads). None: every field.
    facts_read: ClassVar[frozenset[str] | None] = None

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterable[LessonFinding]:
        raise NotImplementedError


class SecurityLesson(Lesson):
    """A security lesson: a warning, never capped, and silent in test code
    (`FileFacts.is_test`, decided in `analysis.file_roles`)."""

    step: ClassVar[str] = "security"
    severity: ClassVar[str] = "warning"
    security: ClassVar[bool] = True

    def check(self, facts: FileFacts, context: WorkspaceContext) -> Iterable[LessonFinding]:
        if facts.is_test or facts.error:
            return []
        return self.find(facts, context)

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterable[LessonFinding]:
        raise NotImplementedError

    def finding(
        self, facts: FileFacts, span: Span, message: str, fix: Fix | None = None
    ) -> LessonFinding:
        return LessonFinding(self.code, facts.path, span, self.severity, message, self.step, fix)
