"""A full analysis of a file for tests that compare the incremental path with it."""

from __future__ import annotations

import sys
from pathlib import Path

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


# a long real module (the standard library's argparse) to cut slices of
SOURCE = (Path(sys.modules["ast"].__file__).parent / "argparse.py").read_text(encoding="utf-8")


def parsed_slice(start: int) -> str | None:
    """120 lines of SOURCE from line `start * 10`, or None when they do not parse alone."""
    snippet = "\n".join(SOURCE.split("\n")[start * 10 : start * 10 + 120])
    try:
        compile(snippet, "s.py", "exec", flags=0x400)  # PyCF_ONLY_AST
    except SyntaxError:
        return None
    return snippet
