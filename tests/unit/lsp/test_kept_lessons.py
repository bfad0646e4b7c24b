"""kept_lessons: the lessons and the milestone lines of a buffer that stopped parsing follow
its lines."""

from __future__ import annotations

from roadmap_coach.analysis.facts import Span
from roadmap_coach.lsp.kept_lessons import Moves, Placed
from roadmap_coach.lsp.kept_lessons import moved as moved_by
from roadmap_coach.rules.lessons.base import Edit, Fix, LessonFinding

TEXT = "import os\n\n\ndef f(q):\n    db.execute(q)\n    return 1\n"


def moved(findings: list[LessonFinding], before: str, after: str) -> list[LessonFinding]:
    return moved_by(findings, Moves(before, after))


def _finding(line: int, fix_line: int | None = None, fix_path: str = "app.py") -> LessonFinding:
    fix = None
    if fix_line is not None:
        fix = Fix("fix it", (Edit(fix_path, Span(fix_line, 0, fix_line, 0), "x"),))
    return LessonFinding("RC301", "app.py", Span(line, 4, line, 17), "warning", "m", "s", fix)


def test_lines_added_above_move_a_lesson_down_with_its_fix() -> None:
    after = "def half(:\n" + TEXT
    (got,) = moved([_finding(4, fix_line=4)], TEXT, after)
    assert got.span == Span(5, 4, 5, 17)
    assert got.fix is not None and got.fix.edits[0].span == Span(5, 0, 5, 0)


def test_lines_removed_above_move_it_up_and_edits_below_leave_it() -> None:
    after = TEXT.replace("import os\n\n", "")
    assert moved([_finding(4)], TEXT, after)[0].span.line == 2
    below = TEXT + "def g(:\n"
    finding = _finding(4)
    assert moved([finding], TEXT, below) == [finding]


def test_a_lesson_on_a_changed_line_is_dropped() -> None:
    after = TEXT.replace("db.execute(q)", "db.execute(q, (")
    assert moved([_finding(4)], TEXT, after) == []


def test_a_fix_that_would_edit_a_changed_line_is_dropped_but_its_lesson_stays() -> None:
    after = TEXT.replace("import os", "import os, (")
    (got,) = moved([_finding(4, fix_line=0)], TEXT, after)
    assert got.span.line == 4 and got.fix is None
    # an edit of another file (requirements.txt) is never moved
    other = moved([_finding(4, fix_line=0, fix_path="requirements.txt")], TEXT, after)
    assert other[0].fix is not None and other[0].fix.edits[0].span.line == 0


def test_identical_lines_around_the_change_are_matched_from_each_end() -> None:
    text = "x = 1\nx = 1\nx = 1\n"
    after = "x = 1\nx = 1\n(\nx = 1\n"
    got = moved([_finding(0), _finding(1), _finding(2)], text, after)
    assert [f.span.line for f in got] == [0, 1, 3]


def test_a_line_is_placed_through_every_edit_since_the_buffer_last_parsed() -> None:
    placed = Placed()
    first = "def half(:\n" + TEXT  # a line typed above: everything moves down
    placed.edits.append(Moves(TEXT, first))
    second = first.replace("    return 1\n", "")  # a line removed below the query
    placed.edits.append(Moves(first, second))
    assert [placed.line(n) for n in range(5)] == [1, 2, 3, 4, 5]
    assert placed.line(5) is None  # the removed line is nowhere
    third = second.replace("db.execute(q)", "db.execute(q, (")  # the query's own line
    placed.edits.append(Moves(second, third))
    assert placed.line(4) is None and placed.line(3) == 4
    assert Moves(third, third).unchanged and not placed.edits[0].unchanged
