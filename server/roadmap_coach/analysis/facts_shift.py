"""Moving the records of unchanged statements up or down by a number of lines.

When an edit adds or removes lines, the statements below it keep their facts; only
their line numbers move. The records are copied, never changed in place: the facts
handed out before the edit (and milestones' evidence made from them) stay as they
were. Every line-bearing field of the Python records is listed here, once; the test
compares shifted facts with a full analysis of the moved text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roadmap_coach.analysis.facts import (
    Arg,
    Assign,
    Attribute,
    Call,
    ClassDef,
    Compare,
    Decorator,
    Default,
    Function,
    Handler,
    Import,
    Span,
    Subscript,
)


def span(s: Span, d: int) -> Span:
    return Span(s.line + d, s.col, s.end_line + d, s.end_col)


def arg(a: Arg, d: int) -> Arg:
    items, inner = a.items, a.inner
    return Arg(
        a.kind,
        a.value,
        None
        if a.span is None
        else Span(a.span.line + d, a.span.col, a.span.end_line + d, a.span.end_col),
        a.via,
        a.parts,
        [arg(i, d) for i in items] if items else items,
        a.keys,
        [arg(i, d) for i in inner] if inner else inner,
    )


def _args(values: list[Arg], d: int) -> list[Arg]:
    return [arg(a, d) for a in values] if values else values


def _kwargs(values: dict[str, Arg], d: int) -> dict[str, Arg]:
    return {k: arg(a, d) for k, a in values.items()} if values else values


def call(c: Call, d: int) -> Call:
    kw = c.kw_spans
    return Call(
        c.name,
        c.qname,
        span(c.span, d),
        _args(c.args, d),
        _kwargs(c.kwargs, d),
        c.function,
        {k: span(s, d) for k, s in kw.items()} if kw else kw,
    )


def import_(i: Import, d: int) -> Import:
    return Import(
        i.module, i.name, i.alias, i.line + d, i.level, None if i.span is None else span(i.span, d)
    )


def decorator(x: Decorator, d: int) -> Decorator:
    return Decorator(
        x.name,
        x.qname,
        span(x.span, d),
        x.target,
        _args(x.args, d),
        _kwargs(x.kwargs, d),
        x.is_call,
    )


def default(x: Default, d: int) -> Default:
    return Default(
        span(x.span, d), x.source, None if x.annotation is None else span(x.annotation, d)
    )


def function(f: Function, d: int) -> Function:
    defaults = f.default_args
    return Function(
        f.name,
        f.qualname,
        span(f.span, d),
        f.end_line + d,
        f.cls,
        f.is_async,
        f.params,
        f.defaults,
        f.annotated,
        f.param_annotations,
        f.has_loop,
        f.has_branch,
        f.asserts,
        _args(f.returns, d),
        f.decorators,
        f.calls_super_new,
        {k: default(v, d) for k, v in defaults.items()} if defaults else defaults,
        f.body_line + d if f.body_line >= 0 else f.body_line,
        f.body_indent,
        f.makes,
        f.picks,
    )


def class_(c: ClassDef, d: int) -> ClassDef:
    return ClassDef(
        c.name,
        c.qualname,
        span(c.span, d),
        c.bases,
        c.qbases,
        c.methods,
        c.abstract_methods,
        _kwargs(c.attrs, d),
        c.keywords,
    )


def assign(a: Assign, d: int) -> Assign:
    return Assign(a.target, span(a.span, d), arg(a.value, d), a.scope)


def handler(h: Handler, d: int) -> Handler:
    return Handler(h.types, span(h.span, d), h.body_is_pass, h.reraises)


def compare(c: Compare, d: int) -> Compare:
    return Compare(c.op, arg(c.left, d), arg(c.right, d), span(c.span, d), c.function)


def attribute(a: Attribute, d: int) -> Attribute:
    return Attribute(a.qname, span(a.span, d), a.function)


def subscript(s: Subscript, d: int) -> Subscript:
    return Subscript(s.qname, span(s.span, d))


def _line(n: int, d: int) -> int:
    return n + d


# every list field of FileFacts that a Python walk fills, with how one record moves
SHIFTS: dict[str, Callable[[Any, int], Any]] = {
    "imports": import_,
    "calls": call,
    "decorators": decorator,
    "functions": function,
    "classes": class_,
    "assigns": assign,
    "handlers": handler,
    "attributes": attribute,
    "subscripts": subscript,
    "compares": compare,
    "lambdas": _line,
}


def shifted(field: str, records: list[Any], d: int) -> list[Any]:
    """Copies of `records` (of FileFacts field `field`) moved by `d` lines."""
    if not d or not records:
        return list(records)
    move = SHIFTS[field]
    return [move(r, d) for r in records]
