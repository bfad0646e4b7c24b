"""Security lessons through the replayed history: where each appeared, was silenced and
was fixed, commit by commit, so a log built only from history shows the lessons open
at HEAD.

Each commit's changed files are re-checked from their records (`rules.records`); what
was seen per file is an `Observation` (written to the store with `Store.sync_lessons`,
which pairs moved lessons and links the events), and the same pairing here gives the `lessons` list
`history --format json` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roadmap_coach.analysis.facts import Commit, FileFacts, GitFacts
from roadmap_coach.progress.blob_records import Step
from roadmap_coach.progress.chain import LESSON_FIXED, LESSON_SHOWN, LESSON_SUPPRESSED
from roadmap_coach.progress.lesson_lifecycle import by_code, plan_lessons
from roadmap_coach.progress.summary import SECURITY_PREFIXES
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.lessons.base import LessonFinding, WorkspaceContext

Lines = list[tuple[str, int]]  # (code, 1-based line)


@dataclass(slots=True)
class Observation:
    """One file's security lessons at one commit (only when they changed)."""

    commit: str
    time: str
    path: str
    found: Lines
    silenced: Lines
    removed: bool = False


@dataclass(slots=True)
class LessonStep:
    kind: str  # lesson-shown, lesson-suppressed, lesson-fixed
    code: str
    path: str
    line: int
    commit: str
    time: str
    removed: bool = False  # fixed only because its file was deleted (earns nothing)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "code": self.code,
            "path": self.path,
            "line": self.line,
            "commit": self.commit,
            "time": self.time,
        }
        if self.removed:
            out["removed"] = True
        return out


@dataclass(slots=True)
class LessonTracker:
    engine: Engine
    observations: list[Observation] = field(default_factory=list)
    steps: list[LessonStep] = field(default_factory=list)
    seen: dict[str, tuple[Lines, Lines]] = field(default_factory=dict)  # path -> last seen
    index: dict[str, tuple[dict[str, list[int]], dict[str, list[int]]]] = field(
        default_factory=dict
    )  # path -> (open, silenced) lines by code
    # (path, code) of lessons shown at some commit: only those can be fixed for credit
    # (one silenced from the start was never in front of the learner)
    shown: set[tuple[str, str]] = field(default_factory=set)
    # the lessons' workspace context, kept while no file that shapes it (dependency
    # files, `.gitignore`) changed and no path came or went
    _context: WorkspaceContext | None = None
    _tracked: list[str] = field(default_factory=list)
    _shaping: set[str] = field(default_factory=set)

    def observe(self, step: Step, git: GitFacts) -> None:
        if not step.changed and not step.removed:
            return
        commit = step.commit
        for path in sorted(step.removed):
            if path in self.seen:
                self._note(commit, path, [], [], removed=True)
        if not step.changed:
            return
        records = step.records
        context = self._context
        if (
            context is None
            or step.removed
            or step.tracked != self._tracked
            or any(path in self._shaping or _shapes(records[path].slim) for path in step.changed)
        ):
            slims = [slim for path in sorted(records) if (slim := records[path].slim) is not None]
            context = self._context = self.engine.context(slims, git)
            self._tracked = list(step.tracked)
            self._shaping = {slim.path for slim in slims if _shapes(slim)}
        for path in sorted(step.changed):
            hidden: list[LessonFinding] = []
            shown = self.engine.record_lessons(records[path], context, silenced=hidden)
            found = [
                (f.code, f.span.line + 1) for f in shown if f.code.startswith(SECURITY_PREFIXES)
            ]
            hidden.sort(key=lambda f: (f.span.line, f.span.col, f.code))
            silenced = [
                (f.code, f.span.line + 1) for f in hidden if f.code.startswith(SECURITY_PREFIXES)
            ]
            if (found, silenced) != self.seen.get(path, ([], [])):
                self._note(commit, path, found, silenced)

    def fixed_in(self, commit: Commit) -> list[LessonStep]:
        """Real fixes made by `commit`: the code changed, the file is still there, and the
        lesson had been shown (silencing from the start and fixing later teaches nothing)."""
        return [
            s
            for s in self.steps
            if s.commit == commit.sha
            and s.kind == LESSON_FIXED
            and not s.removed
            and (s.path, s.code) in self.shown
        ]

    def open_now(self) -> list[dict[str, Any]]:
        """Lessons shown and silenced after the last replayed commit."""
        out = []
        for path, (open_lines, silenced_lines) in sorted(self.index.items()):
            for state, lines in (("open", open_lines), ("silenced", silenced_lines)):
                for code, numbers in sorted(lines.items()):
                    out += [
                        {"state": state, "code": code, "path": path, "line": n}
                        for n in sorted(numbers)
                    ]
        return out

    def _note(
        self, commit: Commit, path: str, found: Lines, hidden: Lines, *, removed: bool = False
    ) -> None:
        self.observations.append(Observation(commit.sha, commit.time, path, found, hidden, removed))
        if removed:
            self.seen.pop(path, None)
        else:
            self.seen[path] = (found, hidden)
        open_now, silenced_now = self.index.get(path, ({}, {}))
        plan = plan_lessons(open_now, silenced_now, by_code(found), by_code(hidden))

        def step(kind: str, code: str, line: int) -> None:
            if kind == LESSON_SHOWN:
                self.shown.add((path, code))
            self.steps.append(LessonStep(kind, code, path, line, commit.sha, commit.time, removed))

        for code, line in plan.fixed_open + plan.fixed_silenced:
            step(LESSON_FIXED, code, line)
        for code, _old, new in plan.suppressed:
            step(LESSON_SUPPRESSED, code, new)
        for code, line in plan.silenced_new:
            step(LESSON_SUPPRESSED, code, line)
        for code, _old, new in plan.unsilenced:
            step(LESSON_SHOWN, code, new)
        for code, line in plan.shown:
            step(LESSON_SHOWN, code, line)
        if removed:
            self.index.pop(path, None)
        else:
            self.index[path] = (by_code(found), by_code(hidden))


def _shapes(slim: FileFacts | None) -> bool:
    """Does this file give the lessons' context more than its path (`add_to_context`)?"""
    if slim is None:
        return False
    return bool(
        slim.path == ".gitignore"
        or slim.kind == "requirements"
        or slim.path.endswith(("requirements.txt", "pyproject.toml"))
        or slim.requirements
        or slim.extras
    )
