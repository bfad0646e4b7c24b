"""`FileIndex.callers`: which functions of a file call a pattern, found once per pattern
list however many functions a `calls` condition asks about."""

from __future__ import annotations

import pytest

from roadmap_coach.analysis.facts import Call, Span
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.rules.engine import Engine  # noqa: F401  (registers the kinds)
from roadmap_coach.rules.index import NamedIndex
from roadmap_coach.rules.matchers import Context, run_matcher

SOURCE = b"""\
import sqlite3


def save(conn):
    conn.execute("INSERT INTO t VALUES (1)")


def outer(conn):
    def inner():
        conn.execute("DELETE FROM t")

    return inner


def other():
    print("nothing")


def also_saves(cur):
    cur.executemany("INSERT INTO t VALUES (?)", [(1,)])
"""


def _facts():
    return analyze_bytes("app/db.py", SOURCE)


def test_callers_are_the_functions_whose_own_body_calls_the_pattern() -> None:
    facts = _facts()
    index = Context.of({facts.path: facts}).index(facts)
    assert index.callers(("*.execute",)) == {"save", "outer.inner"}
    assert index.callers(("*.execute*",)) == {"save", "outer.inner", "also_saves"}
    assert index.callers(("print",)) == {"other"}
    assert index.callers(("*.commit",)) == frozenset()


def test_a_calls_condition_looks_up_the_file_calls_once_per_pattern_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    facts = _facts()
    ctx = Context.of({facts.path: facts})
    asked: list[object] = []
    candidates = NamedIndex.candidates

    def counted(self: NamedIndex[Call], patterns: object) -> object:
        asked.append(patterns)
        return candidates(self, patterns)  # type: ignore[arg-type]

    monkeypatch.setattr(NamedIndex, "candidates", counted)
    matcher = Matcher("function", ("*",), {"calls": ["*.execute"]})
    found = run_matcher(matcher, facts, ctx)
    assert [e.function for e in found] == ["save", "outer.inner"]
    assert len(facts.functions) == 5
    assert len(asked) == 1  # not once per function
    run_matcher(matcher, facts, ctx)
    assert len(asked) == 1  # kept for the file


def test_the_segments_memo_stays_bounded_and_gives_the_same_candidates() -> None:
    """Past `_KEEP_SEGMENTS` names tuples the memo starts again: it never holds more,
    and an index built after it was emptied finds what one built before found."""
    from roadmap_coach.rules import index

    index.forget()
    calls = [
        Call(f"mod{n}.thing{n}.execute", f"pkg{n}.mod{n}.thing{n}.execute", Span(n, 0, n, 9))
        for n in range(index._KEEP_SEGMENTS + 50)
    ]
    names = lambda c: (c.name, c.qname)  # noqa: E731
    before = NamedIndex(calls, names).candidates(("*.execute",))
    assert 0 < len(index._SEGMENTS) <= index._KEEP_SEGMENTS
    after = NamedIndex(calls, names).candidates(("*.execute",))
    assert [c for c, _ in after] == [c for c, _ in before] == calls
    assert len(NamedIndex(calls, names).candidates(("pkg7.*",))) == 1
    assert len(index._SEGMENTS) <= index._KEEP_SEGMENTS
