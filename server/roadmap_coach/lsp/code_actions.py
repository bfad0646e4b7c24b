"""Code actions for lessons: the lesson's own quick fix (a `quickfix` WorkspaceEdit made
from its Fix edits) and "Ignore <CODE> on this line" (`# coach: ignore[CODE]`)."""

from __future__ import annotations

import io
import posixpath
import re
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lsprotocol import types

from roadmap_coach.analysis.encoding import split_lines
from roadmap_coach.lsp.diagnostics import is_ours
from roadmap_coach.lsp.other_files import show_command, whole_file_edit
from roadmap_coach.lsp.positions import LineSource, client_column, to_range
from roadmap_coach.roadmap.markup import plain_line
from roadmap_coach.rules.lessons.base import Edit, Fix, LessonFinding

_IGNORE_RE = re.compile(r"#\s*coach:\s*ignore\[([A-Za-z0-9_,\s]*)\]")


@dataclass(frozen=True, slots=True)
class Target:
    """How to address another file of the workspace in an edit."""

    uri: Callable[[str], str]
    lines: Callable[[str], LineSource]
    exists: Callable[[str], bool]
    can_create: bool
    text: Callable[[str], str | None] = lambda path: None  # the file as the editor has it
    can_show: bool = False  # the client answers `window/showDocument`


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) <= (b.line, b.character)


def overlaps(a: types.Range, b: types.Range) -> bool:
    return _before(a.start, b.end) and _before(b.start, a.end)


def _shares_a_line(a: types.Range, b: types.Range) -> bool:
    return a.start.line <= b.end.line and b.start.line <= a.end.line


def lesson_actions(
    findings: Sequence[LessonFinding],
    path: str,
    requested: types.Range,
    context_diagnostics: Sequence[types.Diagnostic],
    text: str | None,
    encoding: str,
    target: Target,
) -> list[types.CodeAction]:
    """The fixes, then the "Ignore" actions, of the lessons on the requested lines (a
    cursor anywhere on a flagged line is enough) and of those the client names in the
    request's context (matched by code and range). Lessons under the range come first."""
    line_of = target.lines(path)
    ours = [d for d in context_diagnostics if is_ours(d)]
    chosen: list[tuple[int, LessonFinding, list[types.Diagnostic]]] = []
    for finding in findings:
        rng = to_range(finding.span, line_of, encoding)
        named = [d for d in ours if d.code == finding.code and _shares_a_line(d.range, rng)]
        if overlaps(rng, requested):
            chosen.append((0, finding, named))
        elif _shares_a_line(rng, requested) or named:
            chosen.append((1, finding, named))
    chosen.sort(key=lambda item: item[0])
    fixes: list[types.CodeAction] = []
    ignores: list[types.CodeAction] = []
    silenced: set[tuple[int, str]] = set()
    for _, finding, named in chosen:
        if finding.fix is not None:
            edit, show = fix_edit(finding.fix, path, encoding, target)
            fixes.append(
                types.CodeAction(
                    title=plain_line(finding.fix.title),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=named or None,
                    is_preferred=True,
                    edit=edit,
                    command=show,
                )
            )
        key = (finding.span.line, finding.code)
        if path.endswith(".py") and text is not None and key not in silenced:
            silenced.add(key)
            edit = ignore_edit(text, finding.span.line, finding.code, encoding)
            if edit is not None:
                ignores.append(
                    types.CodeAction(
                        title=f"Ignore {finding.code} on this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=named or None,
                        edit=types.WorkspaceEdit(changes={target.uri(path): [edit]}),
                    )
                )
    return fixes + ignores


def fix_edit(
    fix: Fix, current: str, encoding: str, target: Target
) -> tuple[types.WorkspaceEdit, types.Command | None]:
    """The fix as a WorkspaceEdit (`current` is the document the learner is in), and the
    command that shows the other file it touches, where the client can show one."""
    by_path: dict[str, list[Edit]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.path, []).append(edit)
    text_edits: dict[str, list[types.TextEdit]] = {}
    show: types.Command | None = None
    for p, edits in by_path.items():
        if p == current:
            text_edits[p] = [
                types.TextEdit(
                    range=to_range(e.span, target.lines(p), encoding), new_text=e.new_text
                )
                for e in edits
            ]
            continue
        whole, line = whole_file_edit(target.text(p) or "", edits)
        text_edits[p] = [whole]
        if target.can_show and show is None:
            show = show_command(target.uri(p), line, posixpath.basename(p))
    missing = [p for p in text_edits if not target.exists(p)]
    if not missing or not target.can_create:
        return types.WorkspaceEdit(changes={target.uri(p): e for p, e in text_edits.items()}), show
    # A fix that adds a file (a first `.gitignore`) needs the file created first.
    changes: list[types.TextDocumentEdit | types.CreateFile] = []
    for p, edits_of in text_edits.items():
        uri = target.uri(p)
        if p in missing:
            changes.append(
                types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True))
            )
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=list(edits_of),
            )
        )
    return types.WorkspaceEdit(document_changes=changes), show


def ignore_edit(text: str, line: int, code: str, encoding: str) -> types.TextEdit | None:
    """The edit that silences `code` on `line`, or None where a comment cannot go."""
    lines = split_lines(text)
    if not 0 <= line < len(lines):
        return None
    current = lines[line]
    existing = _IGNORE_RE.search(current)
    if existing is not None:
        codes = [c.strip() for c in existing.group(1).split(",") if c.strip()]
        if code in codes:
            return None
        start = client_column(current, len(current[: existing.start(1)].encode("utf-8")), encoding)
        end = client_column(current, len(current[: existing.end(1)].encode("utf-8")), encoding)
        return types.TextEdit(
            range=types.Range(types.Position(line, start), types.Position(line, end)),
            new_text=", ".join([*codes, code]),
        )
    if current.rstrip().endswith("\\") or _ends_inside_string(text, line):
        return None  # a comment here would change the code
    end = client_column(current, len(current.encode("utf-8")), encoding)
    pad = "" if not current.strip() else "  "
    pos = types.Position(line, end)
    return types.TextEdit(range=types.Range(pos, pos), new_text=f"{pad}# coach: ignore[{code}]")


def _ends_inside_string(text: str, line: int) -> bool:
    """Does a (triple-quoted) string continue past the end of `line` (0-based)?"""
    if '"' not in text and "'" not in text:
        return False
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.start[0] - 1 > line:
                return False
            if token.type == tokenize.STRING and token.start[0] - 1 <= line < token.end[0] - 1:
                return True
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return False
    return False
