"""Spare copies of a file's records, made while the learner pauses, for the next edit
that adds or removes lines.

Such an edit moves every statement below it: its records are copied to their new lines
(`facts_shift`), thousands of objects for a 1,000-line file, and that copy was most of
a keystroke's time. A spare holds private copies of all the records, made after a
keystroke was answered, with the place of each copy's spans. The next edit that moves
lines takes the spare and moves the spans of the copies below it in place, which
allocates nothing; the copies then become records of the new facts. A spare is taken
once (`take` under the memos' lock), and its copies are never changed after that, so
facts handed out stay as they were, like those `facts_shift` copies. An edit that
moves no line keeps the spare: the copies of the statements it walked again are
replaced by copies of their new records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from roadmap_coach.analysis import facts_shift
from roadmap_coach.analysis.facts import (
    Arg,
    Assign,
    Call,
    ClassDef,
    Compare,
    Decorator,
    FileFacts,
    Function,
    Import,
    Span,
)

Spans = list[Span]


def _arg(a: Arg, out: Spans) -> None:
    if a.span is not None:
        out.append(a.span)
    if a.items:
        for item in a.items:
            _arg(item, out)
    if a.inner:
        for item in a.inner:
            _arg(item, out)


def _import(i: Import, out: Spans) -> None:
    if i.span is not None:
        out.append(i.span)


def _applied(span: Span, args: list[Arg], kwargs: dict[str, Arg], out: Spans) -> None:
    """A call's or a decorator's span, then its arguments'."""
    out.append(span)
    for a in args:
        _arg(a, out)
    for a in kwargs.values():
        _arg(a, out)


def _call(c: Call, out: Spans) -> None:
    _applied(c.span, c.args, c.kwargs, out)
    out.extend(c.kw_spans.values())


def _decorator(x: Decorator, out: Spans) -> None:
    _applied(x.span, x.args, x.kwargs, out)


def _function(f: Function, out: Spans) -> None:
    out.append(f.span)
    for a in f.returns:
        _arg(a, out)
    for default in f.default_args.values():
        out.append(default.span)
        if default.annotation is not None:
            out.append(default.annotation)


def _class(c: ClassDef, out: Spans) -> None:
    out.append(c.span)
    for a in c.attrs.values():
        _arg(a, out)


def _assign(a: Assign, out: Spans) -> None:
    out.append(a.span)
    _arg(a.value, out)


def _compare(c: Compare, out: Spans) -> None:
    _arg(c.left, out)
    _arg(c.right, out)
    out.append(c.span)


def _spanned(record: Any, out: Spans) -> None:
    out.append(record.span)


# every list field of records (`facts_shift.SHIFTS` but the lambdas' plain line numbers),
# with where a record keeps its spans; its other line numbers are moved in `moved`
SPANS: dict[str, Callable[[Any, Spans], None]] = {
    "imports": _import,
    "calls": _call,
    "decorators": _decorator,
    "functions": _function,
    "classes": _class,
    "assigns": _assign,
    "handlers": _spanned,
    "attributes": _spanned,
    "subscripts": _spanned,
    "compares": _compare,
}


@dataclass(slots=True)
class Copies:
    """Copies of one field's records, their spans in order, and where each copy's
    spans begin (one more entry at the end)."""

    records: list[Any]
    spans: Spans
    starts: list[int]


def copies(field: str, records: list[Any], delta: int = 0) -> Copies:
    """Copies of `records` moved `delta` lines (0 or more: see `Spare.delta`)."""
    copy, collect = facts_shift.SHIFTS[field], SPANS[field]
    made = [copy(r, delta) for r in records]  # new objects all through, even by no line
    spans: Spans = []
    starts = []
    for record in made:
        starts.append(len(spans))
        collect(record, spans)
    starts.append(len(spans))
    return Copies(made, spans, starts)


@dataclass(slots=True)
class Spare:
    """Private copies of the records of `facts`, by field: every field once made whole
    (a pause too short leaves some out, whose records an edit copies as before).

    The copies are moved `delta` lines already: the line an Enter adds is the likeliest
    next move, which then leaves nothing to do but take the copies. Never below 0, so
    that a line number of -1 still says "none" (`Function.body_line`)."""

    facts: FileFacts
    fields: dict[str, Copies]
    delta: int = 0

    def whole(self) -> bool:
        return len(self.fields) == len(SPANS)


def spare(facts: FileFacts, delta: int = 0) -> Spare:
    return Spare(facts, {f: copies(f, getattr(facts, f), delta) for f in SPANS}, delta)


def moved(spare: Spare, field: str, index: int, delta: int) -> list[Any]:
    """The copies of records `index`.. of `field`, moved `delta` lines (in place, by
    what the spare was not moved already): the spare must have been taken, and is
    used up."""
    part = spare.fields[field]
    records = part.records[index:]
    delta -= spare.delta
    if not delta:
        return records
    for span in part.spans[part.starts[index] :]:
        span.line += delta
        span.end_line += delta
    if field == "imports":
        for record in records:
            record.line += delta
    elif field == "functions":
        for record in records:
            record.end_line += delta
            if record.body_line >= 0:
                record.body_line += delta
    return records


def spliced(
    spare: Spare, facts: FileFacts, start: tuple[int, ...], stop: tuple[int, ...], part: FileFacts
) -> Spare:
    """The spare of `facts`, which took `part`'s records in place of records
    `start`..`stop` (per field) of `spare.facts`, no line moved: the copies around them
    are kept (the spare must have been taken)."""
    fields: dict[str, Copies] = {}
    for field, a, b in zip(facts_shift.SHIFTS, start, stop, strict=True):
        old = spare.fields.get(field)
        if old is None:
            continue
        new = copies(field, getattr(part, field), spare.delta)
        first, last = old.starts[a], old.starts[b]
        moved_by = first + len(new.spans) - last
        # typing inside a statement mostly keeps its number of spans: nothing to add
        after = old.starts[b:] if not moved_by else list(map(moved_by.__add__, old.starts[b:]))
        fields[field] = Copies(
            [*old.records[:a], *new.records, *old.records[b:]],
            [*old.spans[:first], *new.spans, *old.spans[last:]],
            [*old.starts[:a], *map(first.__add__, new.starts[:-1]), *after],
        )
    return Spare(facts, fields, spare.delta)
