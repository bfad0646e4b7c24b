"""A quick fix that touches a file other than the one being edited (RC901 adds `flask`
to requirements.txt, RC1001 a pattern to .gitignore).

The learner is not looking at that file, so the edit must leave it well formed in any
client: it replaces the whole text, from (0, 0) to the start of the line after the
last, with the result ending in exactly one line break. Editors clamp that end to the
end of the document (VS Code), and Neovim reads an end past the last line as "this
edit ends the file" and drops its own empty last line, so `flask\\n` is what lands on
disk, never `flask\\n\\n`. Where the client can show documents, the code action also
carries `roadmapCoach.showFile`, which the client runs after applying the edit, and
the server answers with `window/showDocument` (features/show_file.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import accumulate

from lsprotocol import types

from roadmap_coach.lsp.protocol import lsp_lines
from roadmap_coach.rules.lessons.base import Edit

SHOW_FILE = "roadmapCoach.showFile"
_ANY_BREAK = re.compile(r"\r\n|\r|\n")


def whole_file_edit(text: str, edits: Sequence[Edit]) -> tuple[types.TextEdit, int]:
    """The edit that turns `text` into its fixed, well-formed self, and the line where
    the fix's first change now is (to show it)."""
    lines = lsp_lines(text)
    starts = [0, *accumulate(len(line) for line in lines)]

    def offset(line: int, byte_col: int) -> int:
        if line >= len(lines):
            return len(text)
        content = lines[line].rstrip("\r\n")
        column = len(content.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))
        return starts[line] + column

    crlf = "\r\n" in text

    def inserted(new_text: str) -> str:  # in the file's own line-break style
        return _ANY_BREAK.sub("\r\n", new_text) if crlf else new_text

    fixed = text
    for edit in sorted(edits, key=lambda e: (e.span.line, e.span.col), reverse=True):
        start = offset(edit.span.line, edit.span.col)
        end = offset(edit.span.end_line, edit.span.end_col)
        fixed = fixed[:start] + inserted(edit.new_text) + fixed[end:]
    first = min(edits, key=lambda e: (e.span.line, e.span.col))
    shown = offset(first.span.line, first.span.col) + _leading_breaks(inserted(first.new_text))
    shown_line = len(lsp_lines(fixed[:shown] + "x")) - 1
    end = types.Position(max(len(lines), 1), 0)
    whole = types.Range(types.Position(0, 0), end)
    return types.TextEdit(range=whole, new_text=well_formed(fixed)), shown_line


def well_formed(text: str) -> str:
    """`text` ending in exactly one line break (in the file's own style), or empty."""
    body = text.rstrip("\r\n")
    if not body:
        return ""
    return body + ("\r\n" if "\r\n" in text else "\n")


def show_command(uri: str, line: int, name: str) -> types.Command:
    return types.Command(title=f"Show {name}", command=SHOW_FILE, arguments=[uri, line])


def _leading_breaks(text: str) -> int:
    return len(text) - len(text.lstrip("\r\n"))
