"""Code actions for lessons: the lesson's own quick fix (a `quickfix` WorkspaceEdit made
from its Fix edits) and "Ignore <CODE> on this line" (`# coach: ignore[CODE]`)."""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lsprotocol import types

from roadmap_coach.lsp.diagnostics import is_ours
from roadmap_coach.lsp.positions import LineSource, client_column, to_range
from roadmap_coach.roadmap.markup import plain_line
from roadmap_coach.rules.lessons.base import Fix, LessonFinding

_IGNORE_RE = re.compile(r"#\s*coach:\s*ignore\[([A-Za-z0-9_,\s]*)\]")


@dataclass(frozen=True, slots=True)
class Target:
    """How to address another file of the workspace in an edit."""

    uri: Callable[[str], str]
    lines: Callable[[str], LineSource]
    exists: Callable[[str], bool]
    can_create: bool


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) <= (b.line, b.character)


def overlaps(a: types.Range, b: types.Range) -> bool:
    return _before(a.start, b.end) and _before(b.start, a.end)


def lesson_actions(
    findings: Sequence[LessonFinding],
    path: str,
    requested: types.Range,
    context_diagnostics: Sequence[types.Diagnostic],
    text: str | None,
    encoding: str,
    target: Target,
) -> list[types.CodeAction]:
    line_of = target.lines(path)
    actions: list[types.CodeAction] = []
    for finding in findings:
        rng = to_range(finding.span, line_of, encoding)
        if not overlaps(rng, requested):
            continue
        matching = [
            d
            for d in context_diagnostics
            if is_ours(d) and d.code == finding.code and overlaps(d.range, rng)
        ]
        if finding.fix is not None:
            actions.append(
                types.CodeAction(
                    title=plain_line(finding.fix.title),
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=matching or None,
                    is_preferred=True,
                    edit=fix_edit(finding.fix, encoding, target),
                )
            )
        if path.endswith(".py") and text is not None:
            edit = ignore_edit(text, finding.span.line, finding.code, encoding)
            if edit is not None:
                actions.append(
                    types.CodeAction(
                        title=f"Ignore {finding.code} on this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=matching or None,
                        edit=types.WorkspaceEdit(changes={target.uri(path): [edit]}),
                    )
                )
    return actions


def fix_edit(fix: Fix, encoding: str, target: Target) -> types.WorkspaceEdit:
    by_path: dict[str, list[types.TextEdit]] = {}
    for edit in fix.edits:
        rng = to_range(edit.span, target.lines(edit.path), encoding)
        by_path.setdefault(edit.path, []).append(types.TextEdit(range=rng, new_text=edit.new_text))
    missing = [p for p in by_path if not target.exists(p)]
    if not missing or not target.can_create:
        return types.WorkspaceEdit(changes={target.uri(p): edits for p, edits in by_path.items()})
    # A fix that adds a file (a first `.gitignore`) needs the file created first.
    changes: list[types.TextDocumentEdit | types.CreateFile] = []
    for p, edits in by_path.items():
        uri = target.uri(p)
        if p in missing:
            changes.append(
                types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True))
            )
        changes.append(
            types.TextDocumentEdit(
                text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                edits=list(edits),
            )
        )
    return types.WorkspaceEdit(document_changes=changes)


def ignore_edit(text: str, line: int, code: str, encoding: str) -> types.TextEdit | None:
    """The edit that silences `code` on `line`, or None where a comment cannot go."""
    lines = text.splitlines()
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
