"""Re-analysing a file that is being typed in: only the top-level block that changed.

A keystroke in a 1,000-line file used to cost a parse and a walk of all of it. When
a file is analysed again (the editor's case; a scan sees each path once), the walk
also notes, before each top-level statement, how long every record list was and
what the module's names stood for. The next analysis of that path compares lines:
when the same number of lines differ only inside the body of one top-level `def` or
`class`, only that block is parsed and walked (from the names as they were before
it) and its records replace the old ones; every other record is kept. Anything else
(lines added or removed, an edit at module level or on a `def` line, a block that
does not parse on its own into the same statement) takes the full path.

The facts are the same as a full analysis gives (tested edit by edit on real files).
"""

from __future__ import annotations

import ast
import dataclasses
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass

from roadmap_coach.analysis.facts import FileFacts

_LIST_FIELDS = tuple(
    f.name for f in dataclasses.fields(FileFacts) if str(f.type).startswith("list[")
)
_BLOCKS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SEEN_LIMIT = 64  # paths analysed recently: the second analysis of one keeps a memo
_MEMO_LIMIT = 4  # files being edited at once


@dataclass(slots=True)
class Block:
    """One top-level statement as the last full walk saw it (1-based lines)."""

    first: int  # its first line (decorators included)
    body: int  # the first line of its body; 0 for other statements (never re-walked alone)
    last: int
    kind: type
    name: str
    lens: tuple[int, ...]  # each record list's length before it
    names: dict[str, str]  # the module's names before it
    built: dict[str, object]  # the module's built strings before it


@dataclass(slots=True)
class Memo:
    lines: list[str]
    facts: FileFacts
    blocks: list[Block]
    end_lens: tuple[int, ...]


class Memos:
    """Which paths were analysed lately, and the memo of those analysed twice."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.memos: OrderedDict[str, Memo] = OrderedDict()

    def again(self, path: str) -> bool:
        """Note an analysis of `path`; True when it was analysed recently already."""
        with self.lock:
            known = path in self.seen
            self.seen[path] = None
            self.seen.move_to_end(path)
            if len(self.seen) > _SEEN_LIMIT:
                self.seen.popitem(last=False)
            return known

    def get(self, path: str) -> Memo | None:
        with self.lock:
            return self.memos.get(path)

    def put(self, path: str, memo: Memo | None) -> None:
        with self.lock:
            if memo is None:
                self.memos.pop(path, None)
                return
            self.memos[path] = memo
            self.memos.move_to_end(path)
            if len(self.memos) > _MEMO_LIMIT:
                self.memos.popitem(last=False)


MEMOS = Memos()


def lens(facts: FileFacts) -> tuple[int, ...]:
    return tuple(len(getattr(facts, name)) for name in _LIST_FIELDS)


def block_of(stmt: ast.stmt, facts: FileFacts, names: dict[str, str], built: dict) -> Block:
    decorators = getattr(stmt, "decorator_list", None) or []
    first = min([stmt.lineno, *(d.lineno for d in decorators)])
    is_block = isinstance(stmt, _BLOCKS)
    return Block(
        first,
        stmt.body[0].lineno if is_block and stmt.body else 0,  # type: ignore[attr-defined]
        stmt.end_lineno or stmt.lineno,
        type(stmt),
        getattr(stmt, "name", ""),
        lens(facts),
        dict(names),
        dict(built),
    )


def changed_block(memo: Memo, lines: list[str]) -> int | None:
    """The index of the one def/class whose lines hold every changed line, if any."""
    if len(lines) != len(memo.lines):
        return None
    old = memo.lines
    top = next((i for i, (a, b) in enumerate(zip(old, lines, strict=True)) if a != b), None)
    if top is None:
        return None  # same text: nothing to gain over the full path's own shortcuts
    bottom = next(i for i in range(len(lines) - 1, -1, -1) if old[i] != lines[i])
    for index, block in enumerate(memo.blocks):
        if block.body and block.first <= top + 1 and bottom + 1 <= block.last:
            return index
    return None


def parse_block(lines: list[str], block: Block) -> ast.stmt | None:
    """The block's new text parsed on its own, if it is still one such statement."""
    text = "\n".join(lines[block.first - 1 : block.last])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if len(tree.body) != 1:
        return None
    stmt = tree.body[0]
    ast.increment_lineno(tree, block.first - 1)
    decorators = getattr(stmt, "decorator_list", None) or []
    if (
        # The same name bound at the same place: the module's names after the block,
        # which every later block was walked with, are the same as before.
        type(stmt) is not block.kind
        or getattr(stmt, "name", "") != block.name
        or min([stmt.lineno, *(d.lineno for d in decorators)]) != block.first
        or (stmt.end_lineno or stmt.lineno) != block.last
    ):
        return None
    return stmt


def splice(memo: Memo, index: int, part: FileFacts, facts: FileFacts) -> list[Block]:
    """`facts` gets the memo's records with block `index`'s replaced by `part`'s;
    returns the blocks with their record offsets moved accordingly."""
    start = memo.blocks[index].lens
    end = memo.blocks[index + 1].lens if index + 1 < len(memo.blocks) else memo.end_lens
    new = lens(part)
    for field, a, b in zip(_LIST_FIELDS, start, end, strict=True):
        old = getattr(memo.facts, field)
        setattr(facts, field, [*old[:a], *getattr(part, field), *old[b:]])
    delta = tuple(n - (b - a) for n, a, b in zip(new, start, end, strict=True))
    if not any(delta):
        return memo.blocks  # as many records as before (typing inside a literal or a name)
    blocks = memo.blocks[: index + 1]
    for b in memo.blocks[index + 1 :]:
        moved = tuple(x + d for x, d in zip(b.lens, delta, strict=True))
        blocks.append(Block(b.first, b.body, b.last, b.kind, b.name, moved, b.names, b.built))
    return blocks
