"""split_lines: the lines an editor counts, the numbers every position is made from."""

from __future__ import annotations

import re

import pytest

from roadmap_coach.analysis.encoding import split_lines


@pytest.mark.parametrize(
    "text",
    ["", "\n", "a", "a\n", "a\nb", "a\n\nb\n\n", "x\x0cy\u2028z\n", "a\r\nb\rc\n", "a\r", "\r\n"],
)
def test_lines_are_split_where_editors_break_them_and_nowhere_else(text: str) -> None:
    expected = re.split(r"\r\n|\r|\n", text)
    if expected and expected[-1] == "":
        expected.pop()
    assert split_lines(text) == expected
