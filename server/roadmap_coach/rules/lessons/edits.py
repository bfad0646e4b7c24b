"""Building quick-fix edits from facts: spans in, presenter-neutral `Edit`s out.

Columns are UTF-8 byte offsets, like every span the analysis reports; presenters
convert them to the editor's encoding.
"""

from __future__ import annotations

from roadmap_coach.analysis.facts import Call, FileFacts, Span
from roadmap_coach.rules.lessons.base import Edit


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def import_edit(facts: FileFacts, module: str) -> Edit | None:
    """`import <module>` after the docstring and `__future__` imports, unless the file
    already has it."""
    if any(i.module == module and i.name is None and i.alias is None for i in facts.imports):
        return None
    at = Span(facts.preamble_end, 0, facts.preamble_end, 0)
    # joining an import block, or starting one above code (with a blank line after it)
    joins = any(i.line == facts.preamble_end for i in facts.imports)
    return Edit(facts.path, at, f"import {module}\n" if joins else f"import {module}\n\n")


def from_import_edit(facts: FileFacts, module: str, name: str) -> Edit | None:
    """`from <module> import <name>` after the preamble, unless `name` is already imported
    under its own name."""
    if any(i.name == name and i.alias is None for i in facts.imports):
        return None
    at = Span(facts.preamble_end, 0, facts.preamble_end, 0)
    joins = any(i.line == facts.preamble_end for i in facts.imports)
    line = f"from {module} import {name}\n"
    return Edit(facts.path, at, line if joins else line + "\n")


def replace(path: str, span: Span, text: str) -> Edit:
    return Edit(path, span, text)


def insert(path: str, line: int, col: int, text: str) -> Edit:
    return Edit(path, Span(line, col, line, col), text)


def _argument_spans(call: Call) -> list[Span]:
    spans = [a.span for a in call.args if a.span is not None]
    spans += list(call.kw_spans.values())
    return sorted(spans, key=lambda s: (s.line, s.col))


def removal(call: Call, keyword: str) -> Span | None:
    """The text to delete so that `keyword=…` disappears with its comma."""
    target = call.kw_spans.get(keyword)
    if target is None:
        return None
    spans = _argument_spans(call)
    index = next(i for i, s in enumerate(spans) if s == target)
    if index > 0:
        before = spans[index - 1]
        return Span(before.end_line, before.end_col, target.end_line, target.end_col)
    if index + 1 < len(spans):
        after = spans[index + 1]
        return Span(target.line, target.col, after.line, after.col)
    return target


def python_string(text: str) -> str:
    """A Python literal for `text` that reads like what a person would write."""
    if "\n" in text and '"""' not in text and "\\" not in text and not text.endswith('"'):
        return f'"""{text}"""'
    if '"' not in text and "\\" not in text:
        return f'"{text}"'
    return repr(text)
