"""A full analysis of a file for tests that compare the incremental path with it."""

from __future__ import annotations

from roadmap_coach.analysis import python_incremental
from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.python_facts import analyze_python


def full(path: str, source: str) -> FileFacts:
    """A full analysis, leaving the memos of the incremental path alone."""
    saved = python_incremental.MEMOS
    python_incremental.MEMOS = python_incremental.Memos()
    try:
        return analyze_python(path, source)
    finally:
        python_incremental.MEMOS = saved
