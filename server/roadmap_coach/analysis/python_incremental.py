"""Re-analysing a file that is being typed in: only the top-level statements that changed.

A keystroke in a 1,000-line file used to cost a parse and a walk of all of it. When
a file is analysed again (the editor's case; a scan sees each path once), the walk
also notes, for each top-level statement, its lines, how long every record list was
before it, the module's names before it, which module names it read and bound, and
whether its records may hold a secret. The next analysis of that path compares the
lines: the unchanged head and tail are found, the top-level statements around the
changed lines (one more above, which an indented new line may join) are parsed on
their own and walked from the names as they were before them. Their records replace
the old ones; the records of the statements below move by the number of lines added
or removed (`facts_shift` copies them; a spare of copies made in the pause after the
last keystroke is moved in place instead, `facts_spare`). The memo a keystroke
replaces is freed once that keystroke was answered (`Memos.release`). When the re-walked statements leave the module's names
different, the later statements are walked with the new names only in the full path,
and only if one of them reads a changed name. Anything that does not parse on its own
takes the full path too.

The facts are the same as a full analysis gives (tested with random edit sequences).
"""

from __future__ import annotations

import ast
import operator
import re
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass

from roadmap_coach.analysis import facts_shift, facts_spare
from roadmap_coach.analysis.facts import Arg, FileFacts
from roadmap_coach.analysis.secret_values import holds_secret

LIST_FIELDS = tuple(facts_shift.SHIFTS)
_SEEN_LIMIT = 64  # paths analysed recently: the second analysis of one keeps a memo
_MEMO_LIMIT = 4  # files being edited at once
_RETIRED_LIMIT = 8  # replaced memos kept for `Memos.release` (no server calls it in a scan)
_MISSING = object()
_SPARE_LOCK = threading.Lock()  # a spare is taken once, by one analysis
_SPARE_DELTA = 1  # spares are made for a line added above (Enter): `facts_spare.Spare`
_CONTINUATIONS = ("else", "elif", "except", "finally")


@dataclass(slots=True)
class Block:
    """One top-level statement as the last walk saw it (1-based lines)."""

    first: int  # its first line (decorators included)
    last: int
    lens: tuple[int, ...]  # each record list's length before it
    names: dict[str, str]  # the module's names before it
    built: dict[str, Arg]  # the module's built strings before it
    reads: frozenset[str]  # module names it may have looked up (a superset)
    binds: frozenset[str]  # module names it bound
    sets: frozenset[str]  # module built strings it set or dropped
    head: str = ""  # "doc" (a string statement: the docstring if first) or "future"
    sensitive: bool = False  # its records may hold a secret's value


@dataclass(slots=True)
class Moved:
    """How a memo's blocks came from its parent's: blocks `a`..`b` of the parent were
    walked again as `count` blocks; the parent's lines from `boundary` (0-based) on
    moved by `delta`, and so did the blocks after the walked ones, unchanged otherwise."""

    a: int
    b: int
    count: int
    boundary: int
    delta: int


@dataclass(slots=True)
class Memo:
    lines: list[str]
    facts: FileFacts
    blocks: list[Block]
    end_lens: tuple[int, ...]
    # the facts this memo's were spliced from, and how (None after a full walk)
    parent: FileFacts | None = None
    moved: Moved | None = None
    # copies of the facts' records for the next edit that moves lines (`facts_spare`)
    spare: facts_spare.Spare | None = None


class Memos:
    """Which paths were analysed lately, and the memo of those analysed twice."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: OrderedDict[str, None] = OrderedDict()
        self.memos: OrderedDict[str, Memo] = OrderedDict()
        self.partial = 0  # analyses that re-walked only some statements
        self.statements = 0  # top-level statements those re-walked
        # replaced memos: the last one references the facts of two keystrokes ago, whose
        # thousands of records are freed in `release`, once the keystroke is answered
        self.retired: list[Memo] = []
        self.released = 0  # memos freed by `release` (a debug counter)
        self.spares = 0  # fields of spares made by `prepare` (a debug counter)
        self.changes = 0  # changes asked for (the pipeline counts them): `prepare` yields
        self.spares_used = 0  # edits that moved a spare's copies instead of copying

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
            old = self.memos.pop(path, None)
            if old is not None:
                self.retired.append(old)
                if len(self.retired) > _RETIRED_LIMIT:
                    del self.retired[0]
            if memo is None:
                return
            self.memos[path] = memo
            if len(self.memos) > _MEMO_LIMIT:
                self.memos.popitem(last=False)

    def release(self) -> int:
        """Free the memos replaced since the last call (and what only they hold); how many."""
        with self.lock:
            retired, self.retired = self.retired, []
        count = len(retired)
        retired.clear()  # outside the lock: freeing a version of a file takes a while
        self.released += count
        return count

    def prepare(self) -> int:
        """Make the spare of every memo (`facts_spare`): work for the pause after a
        keystroke, which the next edit that moves lines saves. A change asked for
        meanwhile (`changes`) stops it after the field at hand: the spare keeps the
        fields made, the next pause makes the others. How many fields were made."""
        with self.lock:
            waiting = [m for m in self.memos.values() if m.spare is None or not m.spare.whole()]
        asked, made = self.changes, 0
        for memo in waiting:
            spare = take_spare(memo) or facts_spare.Spare(memo.facts, {}, _SPARE_DELTA)
            for field in facts_spare.SPANS:
                if self.changes != asked:
                    break
                if field not in spare.fields:
                    records = getattr(memo.facts, field)
                    spare.fields[field] = facts_spare.copies(field, records, spare.delta)
                    made += 1
            with _SPARE_LOCK:
                if memo.spare is None:
                    memo.spare = spare
        self.spares += made
        return made


MEMOS = Memos()


def split_lines(source: str) -> list[str]:
    """The lines of `source` as the walk numbers them (`python_values.LINE_SPLIT`): a
    plain split when no line ends in a carriage return, ten times faster than the regex."""
    if "\r" in source:
        return re.split(r"\r\n|\r|\n", source)
    return source.split("\n")


def lens(facts: FileFacts) -> tuple[int, ...]:
    return tuple(len(getattr(facts, name)) for name in LIST_FIELDS)


def head_of(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
        return "future"
    value = getattr(stmt, "value", None)
    if (
        isinstance(stmt, ast.Expr)
        and isinstance(value, ast.Constant)
        and isinstance(value.value, str)
    ):
        return "doc"
    return ""


def first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None) or []
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def preamble_end(blocks: list[Block]) -> int:
    """As `python_facts._preamble_end`, from the blocks (0-based line)."""
    end = 0
    for index, block in enumerate(blocks):
        # a string statement is the docstring only when it comes first
        if block.head == "future" or (index == 0 and block.head == "doc"):
            end = block.last
            continue
        return block.first - 1
    return end


def mark_sensitive(facts: FileFacts, blocks: list[Block], end: tuple[int, ...]) -> bool:
    """Each block's `sensitive` from its own records; True when any may hold a secret."""
    any_secret = False
    for index, block in enumerate(blocks):
        stop = blocks[index + 1].lens if index + 1 < len(blocks) else end
        part = FileFacts(path=facts.path, kind="python")
        for field, a, b in zip(LIST_FIELDS, block.lens, stop, strict=True):
            if b > a:
                setattr(part, field, getattr(facts, field)[a:b])
        block.sensitive = holds_secret(part)
        any_secret = any_secret or block.sensitive
    return any_secret


@dataclass(slots=True)
class Region:
    """Blocks `a` to `b` (inclusive) of the memo are re-parsed from new lines
    `start`..`end` (1-based, inclusive); lines after them moved by `delta`."""

    a: int
    b: int
    start: int
    end: int
    delta: int


def changed_region(memo: Memo, lines: list[str]) -> Region | None:
    old, blocks = memo.lines, memo.blocks
    if not blocks:
        return None
    limit = min(len(old), len(lines))
    top = _same_run(old, lines, 0, 1, limit)
    if top == len(old) == len(lines):
        return None  # same text: nothing to gain over the full path's own shortcuts
    tail = _same_run(old, lines, -1, -1, limit - top)
    delta = len(lines) - len(old)
    last_changed = len(old) - tail  # 1-based, in old lines
    if last_changed <= top:  # lines only inserted: they may belong to the line above
        # or, a decorator, to the statement below
        below = lines[len(lines) - tail - 1].startswith("@")
        last_changed = min(max(top + below, 1), len(old))
    a = 0
    for index, block in enumerate(blocks):
        if block.first <= top + 1:
            a = index
        else:
            break
    if blocks[a].first >= top + 1 and a > 0 and top < len(lines) and _may_continue(lines[top]):
        a -= 1  # an indented line right above a statement may join the one before it
    b = len(blocks) - 1
    for index in range(len(blocks)):
        if blocks[index].last >= last_changed:
            b = max(a, index)
            break
    # statements sharing a line (`x = 1; y = 2`) go together
    while a > 0 and blocks[a - 1].last >= blocks[a].first:
        a -= 1
    while b + 1 < len(blocks) and blocks[b + 1].first <= blocks[b].last:
        b += 1
    start = 1 if a == 0 else blocks[a].first
    end = len(old) if b == len(blocks) - 1 else blocks[b].last
    if end < last_changed:
        return None
    return Region(a, b, start, end + delta, delta)


def _same_run(a: list[str], b: list[str], start: int, step: int, limit: int) -> int:
    """How many lines are equal from `start` on (0 forwards, -1 backwards), at most
    `limit`: whole chunks are compared at C speed first."""
    count, chunk = 0, 64
    while count + chunk <= limit:
        if step > 0:
            same = a[count : count + chunk] == b[count : count + chunk]
        else:
            same = (
                a[len(a) - count - chunk : len(a) - count]
                == b[len(b) - count - chunk : len(b) - count]
            )
        if not same:
            break
        count += chunk
    while count < limit and a[start + step * count] == b[start + step * count]:
        count += 1
    return count


def _may_continue(line: str) -> bool:
    return line[:1] in (" ", "\t") or line.startswith(_CONTINUATIONS)


def parse_region(lines: list[str], region: Region) -> list[ast.stmt] | None:
    """The region's new text parsed on its own, with the file's line numbers."""
    # empty lines in front give the file's line numbers at the tokenizer's speed
    # (`ast.increment_lineno` visits every node of the tree in Python)
    text = "\n" * (region.start - 1) + "\n".join(lines[region.start - 1 : region.end])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return tree.body


def _same_built(x: Arg | None, y: Arg | None) -> bool:
    # what a later statement reads of a built string (its span is never copied out)
    if x is None or y is None:
        return x is y
    return x.kind == y.kind and x.value == y.value and x.parts == y.parts


@dataclass(slots=True)
class Changed:
    """Module names (and built strings) that mean something else after the re-walked
    statements than before: name -> the new value, or _MISSING."""

    names: dict[str, object]
    built: dict[str, object]

    def keys(self) -> set[str]:
        return self.names.keys() | self.built.keys()


def names_changed(names: dict[str, str], built: dict[str, Arg], before: Block | None) -> Changed:
    """What differs from the names `before` (the next statement) was walked with."""
    if before is None:
        return Changed({}, {})
    old_names, old_built = before.names, before.built
    changed = Changed({}, {})
    if names != old_names:
        for key in names.keys() | old_names.keys():
            if names.get(key, _MISSING) != old_names.get(key, _MISSING):
                changed.names[key] = names.get(key, _MISSING)
    for key in built.keys() | old_built.keys():
        if not _same_built(built.get(key), old_built.get(key)):
            changed.built[key] = built.get(key, _MISSING)
    return changed


def _apply(snapshot: dict, changed: dict[str, object]) -> dict:
    if not changed:
        return snapshot
    out = dict(snapshot)
    for key, value in changed.items():
        if value is _MISSING:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def take_spare(memo: Memo) -> facts_spare.Spare | None:
    with _SPARE_LOCK:
        spare, memo.spare = memo.spare, None
    return spare


def splice(
    memo: Memo,
    region: Region,
    part: FileFacts,
    new_blocks: list[Block],
    changed: Changed,
    facts: FileFacts,
) -> tuple[list[Block], facts_spare.Spare | None] | None:
    """Fill `facts` with the memo's records around the region and `part`'s in it,
    the later ones moved (the memo's spare copies when it has one); the new block list,
    and the spare of `facts` when no line moved. None when a later statement reads a
    module name the edit changed (its records would differ: the full path runs)."""
    blocks = memo.blocks
    later = blocks[region.b + 1 :]
    names, built = dict(changed.names), dict(changed.built)
    moved_names: list[tuple[dict, dict]] = []
    for block in later:
        if not names and not built:
            moved_names.append((block.names, block.built))
            continue
        if not block.reads.isdisjoint(names) or not block.reads.isdisjoint(built):
            return None
        moved_names.append((_apply(block.names, names), _apply(block.built, built)))
        for key in block.binds.intersection(names):
            del names[key]
        for key in block.sets.intersection(built):
            del built[key]
    start = blocks[region.a].lens
    stop = later[0].lens if later else memo.end_lens
    new = lens(part)
    d = region.delta
    spare = take_spare(memo)
    used = False
    for field, a, b in zip(LIST_FIELDS, start, stop, strict=True):
        old = getattr(memo.facts, field)
        if d and spare is not None and field in spare.fields:
            tail = facts_spare.moved(spare, field, b, d)
            used = True
        else:
            tail = facts_shift.shifted(field, old[b:], d)
        setattr(facts, field, [*old[:a], *getattr(part, field), *tail])
    if used:
        MEMOS.spares_used += 1
    carried = None
    if spare is not None and not d:
        carried = facts_spare.spliced(spare, facts, start, stop, part)
    out = blocks[: region.a]
    for block in new_blocks:
        block.lens = tuple(x + y for x, y in zip(block.lens, start, strict=True))
        out.append(block)
    moved = tuple(n - (b - a) for n, a, b in zip(new, start, stop, strict=True))
    # every later block is made again: the lens in C (`map`), and shared when no count moved
    shift_lens = any(moved)
    add = operator.add
    for block, (names, built) in zip(later, moved_names, strict=True):
        out.append(
            Block(
                block.first + d,
                block.last + d,
                tuple(map(add, block.lens, moved)) if shift_lens else block.lens,
                names,
                built,
                block.reads,
                block.binds,
                block.sets,
                block.head,
                block.sensitive,
            )
        )
    return out, carried
