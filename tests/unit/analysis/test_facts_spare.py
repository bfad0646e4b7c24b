"""A spare's copies are the records, share no object with a line in it with them, and
moved in place they are the records of the moved text; the records they were copied
from, and the copies once moved, stay as they were."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from full_analysis import SOURCE, full, parsed_slice
from roadmap_coach.analysis import facts_shift, facts_spare
from roadmap_coach.analysis.facts import Span


def spans_in(value: Any, out: list[Span]) -> list[Span]:
    """Every span reachable from `value`, found by reflection (not by `facts_spare`)."""
    if isinstance(value, Span):
        out.append(value)
    elif isinstance(value, list | tuple):
        for item in value:
            spans_in(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            spans_in(item, out)
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            spans_in(getattr(value, field.name), out)
    return out


def test_every_field_with_records_has_its_spans_listed() -> None:
    assert set(facts_spare.SPANS) == set(facts_shift.SHIFTS) - {"lambdas"}


def test_the_copies_equal_the_records_and_list_each_span_of_theirs_once() -> None:
    facts = full("argparse.py", SOURCE)
    spare = facts_spare.spare(facts)
    for field, part in spare.fields.items():
        records = getattr(facts, field)
        assert part.records == records, field
        found = spans_in(part.records, [])
        assert [id(s) for s in part.spans] == [id(s) for s in found], field
        assert len({id(s) for s in found}) == len(found)  # none listed twice
        assert not {id(s) for s in found} & {id(s) for s in spans_in(records, [])}
        for index, record in enumerate(part.records):
            mine = part.spans[part.starts[index] : part.starts[index + 1]]
            assert [id(s) for s in mine] == [id(s) for s in spans_in(record, [])]


def test_moved_in_place_they_are_the_records_of_the_moved_text() -> None:
    before = full("argparse.py", SOURCE)
    after = full("argparse.py", "\n\n\n" + SOURCE)
    kept = copy.deepcopy(before)
    for field in facts_spare.SPANS:
        for index in (0, len(getattr(before, field)) // 2):
            for ahead in (0, 1, 3, 5):
                spare = facts_spare.spare(before, ahead)
                moved = facts_spare.moved(spare, field, index, 3)
                assert moved == getattr(after, field)[index:], (field, ahead)
    assert before == kept


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 200), st.integers(-30, 30), st.integers(0, 3))
def test_any_slice_moves_as_facts_shift_moves_it(start: int, lines: int, ahead: int) -> None:
    """Whether the copies were moved ahead by the edit's lines, fewer or more."""
    snippet = parsed_slice(start)
    if snippet is None:
        return
    facts = full("s.py", snippet)
    spare = facts_spare.spare(facts, ahead)
    for field in facts_spare.SPANS:
        records = getattr(facts, field)
        index = len(records) // 3
        expected = facts_shift.shifted(field, records[index:], lines)
        assert facts_spare.moved(spare, field, index, lines) == expected
