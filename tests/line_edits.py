"""Random whole-line edits of a source file, for the tests that compare what the
incremental path gives after them with a full analysis."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

Edit = tuple[str, float, str]  # (kind, where in the file 0..1, snippet)


def line_edits(snippets: Sequence[str]) -> st.SearchStrategy[list[Edit]]:
    """1-12 edits: insert, remove or replace a line with a snippet, or type its first
    character into a line."""
    kinds = st.sampled_from(["insert", "remove", "replace", "type"])
    ops = st.tuples(kinds, st.floats(0, 1, exclude_max=True), st.sampled_from(list(snippets)))
    return st.lists(ops, min_size=1, max_size=12)


def apply(text: str, op: Edit) -> str:
    kind, where, snippet = op
    lines = text.split("\n")
    index = int(where * len(lines))
    if kind == "insert":
        lines.insert(index, snippet)
    elif kind == "remove" and len(lines) > 1:
        del lines[index]
    elif kind == "replace":
        lines[index] = snippet
    else:
        line = lines[index]
        col = int(where * 997) % (len(line) + 1)
        lines[index] = line[:col] + (snippet.strip()[:1] or " ") + line[col:]
    return "\n".join(lines)
