"""A fix's edits to another file become one whole-file edit whose result ends in exactly
one line break (lsp/other_files.py), and the line to show is where the fix wrote."""

from __future__ import annotations

import pytest
from lsprotocol import types

from roadmap_coach.analysis.facts import Span
from roadmap_coach.lsp.other_files import whole_file_edit
from roadmap_coach.rules.lessons.base import Edit


def append(lines: list[str], text: str) -> Edit:
    """What RC1001/RC901 write: after the last line, or at the top of an empty file."""
    if not lines:
        return Edit(".gitignore", Span(0, 0, 0, 0), f"{text}\n")
    end = len(lines[-1].encode())
    return Edit(".gitignore", Span(len(lines) - 1, end, len(lines) - 1, end), f"\n{text}")


@pytest.mark.parametrize(
    ("before", "lines", "after", "shown"),
    [
        ("", [], ".env\n", 0),
        ("*.pyc", ["*.pyc"], "*.pyc\n.env\n", 1),
        ("*.pyc\n", ["*.pyc"], "*.pyc\n.env\n", 1),
        ("# café ☕\r\n*.pyc\r\n", ["# café ☕", "*.pyc"], "# café ☕\r\n*.pyc\r\n.env\r\n", 2),
    ],
)
def test_an_appended_entry_leaves_one_final_line_break(
    before: str, lines: list[str], after: str, shown: int
) -> None:
    edit, line = whole_file_edit(before, [append(lines, ".env")])
    assert edit.range.start == types.Position(0, 0)
    assert edit.range.end == types.Position(max(len(lines), 1), 0)  # past the last line
    assert edit.new_text == after
    assert line == shown
