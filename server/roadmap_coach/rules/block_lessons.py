"""The block-local lessons of a file being typed in, run again only on the top-level
statements that changed.

The analysis re-walks only the statements a keystroke changed and moves the records
below it (`analysis.python_incremental`); its memo says which statements of the
facts it was spliced from were walked again, and by how many lines the rest moved.
A lesson marked `block_local` makes each finding from the records of one top-level
statement and the file's other facts, and the finding lies on that statement's lines.
So its findings are kept per statement: a keystroke runs those lessons on the walked
statements' records only, keeps the findings of the statements above, and moves the
findings of the statements below by the same number of lines as their records.
Anything else about the file that a lesson may read (its path, imports, where an
import goes, …) must be as it was, or every statement is looked at again.

The findings are those of a full run (a test compares them after random edits).
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from roadmap_coach.analysis import python_incremental
from roadmap_coach.analysis.facts import FileFacts, Span
from roadmap_coach.rules.lessons.base import Edit, Fix, Lesson, LessonFinding, WorkspaceContext

_KEPT_FILES = 8
# what changes with every keystroke and no block-local lesson reads (`ignores` is
# applied to the whole file's findings afterwards)
_NOT_READ = {"digest", "size", "ignores", "sensitive", "error_line"}
# the records of one statement, as a lesson reads them; the imports are read whole
# (which modules the file uses, where an import goes), so they are file-wide
_PER_STATEMENT = tuple(f for f in python_incremental.LIST_FIELDS if f != "imports")
_FILE_WIDE = tuple(
    f.name
    for f in dataclasses.fields(FileFacts)
    if f.name not in _PER_STATEMENT
    and f.name not in _NOT_READ
    and f.name not in ("imports", "preamble_end")  # see `_import_place_moved_with_lines`
)


@dataclass(slots=True)
class _Kept:
    lessons: Sequence[Lesson]
    facts: FileFacts
    key: tuple[Any, ...]
    blocks: list[list[LessonFinding]]  # per top-level statement of `facts`


class BlockLessons:
    def __init__(self) -> None:
        self._kept: OrderedDict[str, _Kept] = OrderedDict()
        self.statements_run = 0  # top-level statements the lessons ran on (a debug counter)
        self.statements_kept = 0  # those whose findings were kept or moved

    def findings(
        self, lessons: Sequence[Lesson], facts: FileFacts, context: WorkspaceContext
    ) -> list[LessonFinding] | None:
        """The findings of `lessons` (block-local ones) in `facts`, or None when the
        analysis kept no memo of these facts (the caller runs the lessons itself)."""
        path = facts.path
        memo = python_incremental.MEMOS.get(path)
        kept = self._kept.pop(path, None)
        if memo is None or memo.facts is not facts or facts.error:
            return None
        key = (*(getattr(facts, name) for name in _FILE_WIDE), _imports_read(lessons, facts))
        moved = memo.moved
        try:
            if (
                kept is not None
                and moved is not None
                and kept.facts is memo.parent
                and kept.lessons is lessons
                and kept.key == key
                and _import_place_moved_with_lines(kept.facts, facts, moved)
            ):
                blocks = self._again(kept, memo, moved, lessons, facts, context)
            else:
                blocks = self._all(memo, lessons, facts, context)
        except Exception:  # a broken lesson: the caller runs them one by one, and says so
            return None
        self._kept[path] = _Kept(lessons, facts, key, blocks)
        if len(self._kept) > _KEPT_FILES:
            self._kept.popitem(last=False)
        return [finding for block in blocks for finding in block]

    def _all(
        self,
        memo: python_incremental.Memo,
        lessons: Sequence[Lesson],
        facts: FileFacts,
        context: WorkspaceContext,
    ) -> list[list[LessonFinding]]:
        self.statements_run += len(memo.blocks)
        return _by_block(memo.blocks, 0, len(memo.blocks), _run(lessons, facts, context))

    def _again(
        self,
        kept: _Kept,
        memo: python_incremental.Memo,
        moved: python_incremental.Moved,
        lessons: Sequence[Lesson],
        facts: FileFacts,
        context: WorkspaceContext,
    ) -> list[list[LessonFinding]]:
        blocks = memo.blocks
        a, stop = moved.a, moved.a + moved.count
        start = blocks[a].lens if a < len(blocks) else memo.end_lens
        end = blocks[stop].lens if stop < len(blocks) else memo.end_lens
        part = dataclasses.replace(
            facts,
            **{
                name: getattr(facts, name)[i:j]
                for name, i, j in zip(python_incremental.LIST_FIELDS, start, end, strict=True)
                if name != "imports"
            },
        )
        walked = _by_block(blocks, a, stop, _run(lessons, part, context))
        later = kept.blocks[moved.b + 1 :]
        if moved.delta:
            later = [[_moved(f, moved.boundary, moved.delta) for f in block] for block in later]
        self.statements_run += moved.count
        self.statements_kept += a + len(later)
        return kept.blocks[:a] + walked + later


def _import_place_moved_with_lines(
    before: FileFacts, after: FileFacts, moved: python_incremental.Moved
) -> bool:
    """A kept fix's import edit (`import os` added above) moves with the lines below the
    edit: only right when the place a new import goes moved with them, which it does not
    when `from __future__` typed above a docstring makes that a plain string."""
    place = _span(Span(before.preamble_end, 0, before.preamble_end, 0), moved.boundary, moved.delta)
    return place.line == after.preamble_end


def _imports_read(lessons: Sequence[Lesson], facts: FileFacts) -> object:
    """What `lessons` read of the file's imports (`Lesson.imports_read`): an import of
    another package, added or moved, leaves it as it was."""
    packages: set[str] = set()
    for lesson in lessons:
        if lesson.imports_read is None:
            return facts.imports
        packages.update(lesson.imports_read)
    # where a new import goes, and whether it joins an import there (`edits.import_edit`)
    joins = any(i.line == facts.preamble_end for i in facts.imports)
    read = frozenset(
        (i.module, i.name, i.alias, i.level)
        for i in facts.imports
        if i.module.partition(".")[0] in packages
    )
    return joins, read


def _run(
    lessons: Sequence[Lesson], facts: FileFacts, context: WorkspaceContext
) -> list[LessonFinding]:
    found: list[LessonFinding] = []
    for lesson in lessons:
        found.extend(lesson.check(facts, context))
    return found


def _by_block(
    blocks: list[python_incremental.Block], a: int, stop: int, found: list[LessonFinding]
) -> list[list[LessonFinding]]:
    """`found` split over blocks `a`..`stop - 1` by line, in their order."""
    starts = [block.first - 1 for block in blocks[a:stop]]  # 0-based, as spans
    out: list[list[LessonFinding]] = [[] for _ in starts]
    for finding in found:
        out[max(bisect_right(starts, finding.span.line) - 1, 0)].append(finding)
    return out


def _moved(finding: LessonFinding, boundary: int, delta: int) -> LessonFinding:
    """The finding with every place in its file at or below `boundary` moved by `delta`."""
    fix = finding.fix
    if fix is not None:
        edits = tuple(
            Edit(e.path, _span(e.span, boundary, delta), e.new_text)
            if e.path == finding.path
            else e
            for e in fix.edits
        )
        fix = Fix(fix.title, edits)
    return dataclasses.replace(finding, span=_span(finding.span, boundary, delta), fix=fix)


def _span(s: Span, boundary: int, delta: int) -> Span:
    if s.line < boundary:
        return s
    return Span(s.line + delta, s.col, s.end_line + delta, s.end_col)
