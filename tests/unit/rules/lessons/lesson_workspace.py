"""A workspace held in memory: files as text, facts from `analyze_bytes`, lessons run
over them, and quick fixes applied the way an editor applies a WorkspaceEdit."""

from __future__ import annotations

from collections.abc import Iterable

from roadmap_coach.analysis.facts import FileFacts, GitFacts, Span
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.rules.lessons import all_lessons
from roadmap_coach.rules.lessons.base import Edit, Fix, LessonFinding
from roadmap_coach.rules.lessons.context import build_context


def _offset(text: str, line: int, byte_col: int) -> int:
    """Offset in `text` of a 0-based line and a UTF-8 byte column (past the end: the end)."""
    lines = text.splitlines(keepends=True)
    if line >= len(lines):
        return len(text)
    start = sum(len(item) for item in lines[:line])
    content = lines[line].rstrip("\r\n")
    encoded = content.encode("utf-8")[:byte_col]
    return start + len(encoded.decode("utf-8", "ignore"))


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """All edits refer to the original text, as in LSP; apply them back to front."""
    ranges = [
        (
            _offset(text, e.span.line, e.span.col),
            _offset(text, e.span.end_line, e.span.end_col),
            e.new_text,
        )
        for e in edits
    ]
    for start, end, new in sorted(ranges, key=lambda r: (r[0], r[1]), reverse=True):
        text = text[:start] + new + text[end:]
    return text


class Workspace:
    def __init__(self, files: dict[str, str | bytes], tracked: Iterable[str] | None = None) -> None:
        self.files = dict(files)
        self.git = GitFacts(is_repo=tracked is not None, tracked=sorted(tracked or []))

    def facts(self) -> dict[str, FileFacts]:
        return {
            path: analyze_bytes(path, text.encode("utf-8") if isinstance(text, str) else text)
            for path, text in self.files.items()
        }

    def findings(self, code: str | None = None) -> list[LessonFinding]:
        """Every lesson's raw findings (no silencing, no cap), optionally of one code."""
        facts = self.facts()
        context = build_context(facts.values(), self.git)
        found = [
            f
            for each in facts.values()
            for lesson in all_lessons()
            for f in lesson.check(each, context)
        ]
        return [f for f in found if code is None or f.code == code]

    def apply(self, fix: Fix) -> None:
        by_path: dict[str, list[Edit]] = {}
        for edit in fix.edits:
            by_path.setdefault(edit.path, []).append(edit)
        for path, edits in by_path.items():
            current = self.files.get(path, "")
            assert isinstance(current, str), "fixes are applied to text files"
            self.files[path] = apply_edits(current, edits)


def one_file(code: str, text: str, path: str = "app.py") -> tuple[Workspace, LessonFinding]:
    """The workspace of one file and its single finding of `code`."""
    workspace = Workspace({path: text})
    found = workspace.findings(code)
    assert len(found) == 1, [f.message for f in found]
    return workspace, found[0]


def span_text(text: str, span: Span) -> str:
    return text[_offset(text, span.line, span.col) : _offset(text, span.end_line, span.end_col)]
