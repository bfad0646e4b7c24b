"""The walk's dispatch table: every syntax node type is handed to its `visit_` method or
to the generic walk of its children, a leaf (a name, a constant, a context) to nothing;
and the walk reaches values nested in every kind of statement and expression."""

from __future__ import annotations

import ast

from roadmap_coach.analysis import python_facts
from roadmap_coach.analysis.python_facts import analyze_python


def test_every_node_type_but_the_leaves_has_one_handler() -> None:
    walker = python_facts._Walker
    for cls in vars(ast).values():
        if not (isinstance(cls, type) and issubclass(cls, ast.AST)) or cls is ast.AST:
            continue
        handler = python_facts._HANDLERS.get(cls)
        if cls in python_facts._LEAVES:
            assert handler is None, cls.__name__
            continue
        own = getattr(walker, f"visit_{cls.__name__}", None)
        assert handler is (own or walker.generic), cls.__name__


SOURCE = """
import os
async def handler(request, *items, key=os.getenv("A"), **extra):
    async with open(os.path.join("a", "b")) as fh:
        data = [json.loads(x) for x in await fh.read() if x]
    match request:
        case {"k": v} if check(v):
            value = {k: lookup(k) for k in items}
    try:
        result = (lambda y: transform(y))(data) or other(data)
    except* ValueError:
        raise
    while cond(result):
        yield from gen(f"{format_it(result)!r}")
    return result[slice_of(1):], not negate(result)
"""


def test_calls_are_found_inside_every_construct() -> None:
    facts = analyze_python("app/handler.py", SOURCE)
    names = {call.name for call in facts.calls}
    assert {
        "os.getenv", "open", "os.path.join", "json.loads", "fh.read", "check", "lookup",
        "transform", "other", "cond", "gen", "format_it", "slice_of", "negate",
    } <= names  # fmt: skip
    assert facts.functions[0].has_loop and facts.functions[0].has_branch
