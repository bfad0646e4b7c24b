"""`# coach: ignore[CODE]` belongs to the line the editor shows it on: a form feed or a
Unicode line separator earlier in the file does not move it (Python's `str.splitlines`
would break there; editors and LSP do not)."""

from __future__ import annotations

import pytest

from roadmap_coach.analysis.python_facts import ignore_comments


@pytest.mark.parametrize("char", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028", "\u2029"])
def test_an_ignore_comment_stays_on_its_editor_line(char: str) -> None:
    text = f"x = 1  # a{char}b\ny = 2  # coach: ignore[rc301]\n"
    assert ignore_comments(text) == {1: ["RC301"]}


def test_every_editor_line_break_counts() -> None:
    text = "a = 1\r\nb = 2\rc = 3\nd = 4  # coach: ignore[RC301, RC502]\n"
    assert ignore_comments(text) == {3: ["RC301", "RC502"]}
