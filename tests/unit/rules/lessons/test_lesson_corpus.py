"""The corpus promise: every vulnerable line is flagged, no security lesson fires on a
look-alike, and test code gets no security lessons."""

from __future__ import annotations

from collections import Counter

import pytest
from lesson_corpus import counts, marks, scan

from roadmap_coach.rules.lessons import ALL_LESSONS

SECURITY = sorted(cls.code for cls in ALL_LESSONS if cls.security)
MIN_PER_CODE = 5


@pytest.fixture(scope="module")
def security_findings() -> set[tuple[str, int, str]]:
    return {(f.path, f.span.line + 1, f.code) for f in scan() if f.code in SECURITY}


def test_every_vulnerable_line_in_the_corpus_is_flagged(
    security_findings: set[tuple[str, int, str]],
) -> None:
    expected = {(m.path, m.line, m.code) for m in marks() if m.kind == "expect"}
    missed = sorted(expected - security_findings)
    assert missed == []


def test_no_security_lesson_fires_on_a_look_alike(
    security_findings: set[tuple[str, int, str]],
) -> None:
    expected = {(m.path, m.line, m.code) for m in marks() if m.kind == "expect"}
    unexpected = sorted(security_findings - expected)
    assert unexpected == []


def test_test_code_gets_no_security_lessons(security_findings: set[tuple[str, int, str]]) -> None:
    in_tests = sorted(f for f in security_findings if f[0].startswith("tests/"))
    assert in_tests == []
    assert sum(1 for m in marks() if m.path.startswith("tests/") and m.kind == "lookalike") >= 15


@pytest.mark.parametrize("code", SECURITY)
def test_the_corpus_has_many_vulnerable_snippets_and_look_alikes_per_code(code: str) -> None:
    assert counts("expect")[code] >= MIN_PER_CODE
    assert counts("lookalike")[code] >= MIN_PER_CODE


def test_corpus_findings_are_warnings_on_the_security_step() -> None:
    found = [f for f in scan() if f.code in SECURITY]
    assert Counter(f.severity for f in found) == Counter({"warning": len(found)})
    assert {f.step for f in found} == {"security"}
