"""Records moved by a number of lines are the records a full analysis of the moved
text gives, and the facts they were copied from stay as they were."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from full_analysis import SOURCE, full, parsed_slice
from roadmap_coach.analysis import facts_shift
from roadmap_coach.analysis.facts import FileFacts

NOT_PYTHON = {"requirements", "extras", "lines", "env_urls"}


def test_every_list_field_of_a_python_walk_has_a_shift() -> None:
    lists = {
        f.name for f in dataclasses.fields(FileFacts) if str(f.type).startswith("list[")
    } - NOT_PYTHON
    assert set(facts_shift.SHIFTS) == lists


@pytest.mark.parametrize("prefix", ["\n", "\n\n\n# a comment\n", "\n" * 40])
def test_shifted_records_are_those_of_the_moved_text(prefix: str) -> None:
    lines = prefix.count("\n")
    before = full("argparse.py", SOURCE)
    after = full("argparse.py", prefix + SOURCE)
    kept = copy.deepcopy(before)
    for field in facts_shift.SHIFTS:
        moved = facts_shift.shifted(field, getattr(before, field), lines)
        assert moved == getattr(after, field), field
        back = facts_shift.shifted(field, getattr(after, field), -lines)
        assert back == getattr(before, field), field
    assert before == kept  # copies: the facts handed out before stay as they were


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 200), st.integers(1, 30))
def test_any_slice_moves_like_the_whole(start: int, lines: int) -> None:
    snippet = parsed_slice(start)
    if snippet is None:
        return
    before = full("s.py", snippet)
    after = full("s.py", "\n" * lines + snippet)
    for field in facts_shift.SHIFTS:
        assert facts_shift.shifted(field, getattr(before, field), lines) == getattr(after, field)
