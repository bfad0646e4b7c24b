"""Per-file matchers: each turns a `FileFacts` into evidence for one detect alternative.

Workspace-wide kinds (`git`, `aggregate`, `achieved`, `workspace_base`,
`package_import`, `all`) are combined in `rules.engine`; everything here reads
one file's facts and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from roadmap_coach.analysis.facts import Arg, Call, Decorator, FileFacts, Function, Span
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.rules.patterns import as_tuple, matches, path_matches, value_matches
from roadmap_coach.rules.sql_shape import has_placeholders, sql_verb, statement_text

TEST_GLOBS = (
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "tests/**",
    "test/**",
    "*/tests/**",
    "*/test/**",
    "tests.py",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    path: str
    span: Span
    function: str | None = None

    @property
    def line(self) -> int:
        """1-based, for people."""
        return self.span.line + 1


@dataclass(slots=True)
class Context:
    """What a per-file matcher may know beyond its file: the workspace's paths."""

    paths: frozenset[str] = frozenset()


def is_test_path(path: str) -> bool:
    return path_matches(TEST_GLOBS, path)


def _file_span() -> Span:
    return Span(0, 0, 0, 0)


# -- condition helpers ----------------------------------------------------------------


def file_conditions_hold(matcher: Matcher, facts: FileFacts) -> bool:
    cond = matcher.conditions
    if "path" in cond and not path_matches(cond["path"], facts.path):
        return False
    if "not_path" in cond and path_matches(cond["not_path"], facts.path):
        return False
    if "in_test" in cond and bool(cond["in_test"]) != is_test_path(facts.path):
        return False
    if "imports" in cond:
        wanted = as_tuple(cond["imports"])
        modules = {i.module for i in facts.imports} | {
            f"{i.module}.{i.name}" for i in facts.imports if i.name
        }
        if not any(m == w or m.startswith(w + ".") for m in modules for w in wanted):
            return False
    return True


def _first_sql_arg(call: Call | Decorator) -> Arg | None:
    if call.args:
        return call.args[0]
    for key in ("sql", "statement", "query", "stmt"):
        if key in call.kwargs:
            return call.kwargs[key]
    return None


def args_hold(matcher: Matcher, call: Call | Decorator, ctx: Context) -> bool:
    cond = matcher.conditions
    if "min_args" in cond and len(call.args) + len(call.kwargs) < int(cond["min_args"]):
        return False
    if "args" in cond:
        positions = cond["args"] if isinstance(cond["args"], list) else [cond["args"]]
        for index, pattern in enumerate(positions):
            arg = call.args[index] if index < len(call.args) else None
            if pattern != "" and not value_matches(pattern, arg):
                return False
    if "kwargs" in cond:
        for key, pattern in dict(cond["kwargs"]).items():
            arg = call.kwargs.get(key)
            if not value_matches(pattern, arg):
                return False
    if cond.get("sql") or cond.get("placeholders"):
        text = statement_text(_first_sql_arg(call))
        if sql_verb(text) is None:
            return False
        if cond.get("placeholders") and not (
            has_placeholders(text) and len(call.args) + len(call.kwargs) >= 2
        ):
            return False
    if "arg_file" in cond:
        first = call.args[0] if call.args else None
        if first is None or first.kind != "str" or not first.value:
            return False
        wanted = tuple(p.replace("{}", first.value) for p in as_tuple(cond["arg_file"]))
        if not any(path_matches(wanted, p) for p in ctx.paths):
            return False
    return True


def _spans(items: Iterable[tuple[Span, str | None]], path: str) -> list[Evidence]:
    return [Evidence(path, span, function) for span, function in items]


# -- the matchers -------------------------------------------------------------------


def match_import(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    hits = []
    for imp in f.imports:
        full = f"{imp.module}.{imp.name}" if imp.name else imp.module
        if matches(m.value, imp.module, full) or any(
            imp.module.startswith(p + ".") for p in as_tuple(m.value) if "*" not in p
        ):
            hits.append((Span(imp.line, 0, imp.line, 0), None))
    return _spans(hits, f.path)


def match_call(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _spans(
        (
            (c.span, c.function)
            for c in f.calls
            if matches(m.value, c.name, c.qname) and args_hold(m, c, ctx)
        ),
        f.path,
    )


def match_decorator(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _spans(
        (
            (d.span, d.target)
            for d in f.decorators
            if matches(m.value, d.name, d.qname) and args_hold(m, d, ctx)
        ),
        f.path,
    )


def match_class_base(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _classes(m, f, by_base=True)


def match_class(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _classes(m, f, by_base=False)


def _classes(m: Matcher, f: FileFacts, *, by_base: bool) -> list[Evidence]:
    cond = m.conditions
    hits = []
    for cls in f.classes:
        pairs = list(zip(cls.bases, cls.qbases, strict=False))
        if by_base and not any(matches(m.value, written, resolved) for written, resolved in pairs):
            continue
        if not by_base and not matches(m.value, cls.name):
            continue
        if "bases" in cond and not any(matches(cond["bases"], w, r) for w, r in pairs):
            continue
        if "has_method" in cond and not any(
            matches(cond["has_method"], name) for name in cls.methods
        ):
            continue
        if "attrs" in cond and not any(matches(cond["attrs"], name) for name in cls.attrs):
            continue
        if "keywords" in cond and not all(
            key in cls.keywords and matches(pattern, cls.keywords[key])
            for key, pattern in dict(cond["keywords"]).items()
        ):
            continue
        if "abstract" in cond and bool(cond["abstract"]) != bool(cls.abstract_methods):
            continue
        hits.append((cls.span, cls.qualname))
    return _spans(hits, f.path)


def _function_holds(m: Matcher, fn: Function) -> bool:
    cond = m.conditions
    for key, attr in (("loop", "has_loop"), ("branch", "has_branch"), ("annotated", "annotated")):
        if key in cond and bool(cond[key]) != bool(getattr(fn, attr)):
            return False
    if "method" in cond and bool(cond["method"]) != (fn.cls is not None):
        return False
    if "asserts" in cond and bool(cond["asserts"]) != (fn.asserts > 0):
        return False
    if "returns" in cond and not any(value_matches(cond["returns"], r) for r in fn.returns):
        return False
    if "decorated" in cond and not any(matches(cond["decorated"], d) for d in fn.decorators):
        return False
    if "params" in cond and not any(matches(cond["params"], p) for p in fn.params):
        return False
    if "param_types" in cond and not any(
        matches(cond["param_types"], t) for t in fn.param_annotations.values()
    ):
        return False
    return not (
        cond.get("new_singleton")
        and not (fn.name == "__new__" and fn.calls_super_new and fn.has_branch)
    )


def match_function(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _spans(
        (
            (fn.span, fn.qualname)
            for fn in f.functions
            if matches(m.value, fn.name) and _function_holds(m, fn)
        ),
        f.path,
    )


def match_returns(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    hits = []
    for fn in f.functions:
        for value in fn.returns:
            if value_matches(m.value, value) and value.span is not None:
                hits.append((value.span, fn.qualname))
    return _spans(hits, f.path)


def match_attribute(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _spans(((a.span, a.function) for a in f.attributes if matches(m.value, a.qname)), f.path)


def match_subscript(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _spans(((s.span, None) for s in f.subscripts if matches(m.value, s.qname)), f.path)


def match_assign(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    cond = m.conditions
    hits = []
    for a in f.assigns:
        if not matches(m.value, a.target):
            continue
        if "value" in cond and not value_matches(cond["value"], a.value):
            continue
        if "scope" in cond and not matches(cond["scope"], a.scope):
            continue
        hits.append(
            (
                a.span,
                a.scope
                if a.scope not in ("module",) and not a.scope.startswith("class:")
                else None,
            )
        )
    return _spans(hits, f.path)


_BROAD = ("Exception", "BaseException", "builtins.Exception", "builtins.BaseException")


def match_handler(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    hits = []
    for h in f.handlers:
        if m.value and m.value != ["*"] and not any(matches(m.value, t) for t in h.types):
            continue
        if m.conditions.get("specific") and (not h.types or any(t in _BROAD for t in h.types)):
            continue
        hits.append((h.span, None))
    return _spans(hits, f.path)


def match_lambda(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return [Evidence(f.path, Span(line, 0, line, 0)) for line in f.lambdas]


def _literals(f: FileFacts) -> Iterable[tuple[Arg, str | None]]:
    for call in f.calls:
        for arg in [*call.args, *call.kwargs.values()]:
            yield arg, call.function
    for assign in f.assigns:
        yield assign.value, None


def match_literal(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _spans(
        (
            (arg.span, fn)
            for arg, fn in _literals(f)
            if arg.kind == "str" and arg.span is not None and matches(m.value, arg.value)
        ),
        f.path,
    )


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def match_file(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    if not path_matches(m.value, f.path):
        return []
    cond = m.conditions
    if "not_content" in cond and any(
        _regex(p).search(line) for p in as_tuple(cond["not_content"]) for line in f.lines
    ):
        return []
    if "content" in cond:
        for number, line in enumerate(f.lines):
            if any(_regex(p).search(line) for p in as_tuple(cond["content"])):
                return [Evidence(f.path, Span(number, 0, number, len(line)))]
        return []
    return [Evidence(f.path, _file_span())]


def match_toml_key(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    if f.toml is None or not any(matches(m.value, key) for key in f.toml.keys):
        return []
    return [Evidence(f.path, _file_span())]


def match_requirement(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    if not any(matches(m.value, name) for name in f.requirements):
        return []
    return [Evidence(f.path, _file_span())]


def match_pinned(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return [Evidence(f.path, _file_span())] if f.pinned else []


PER_FILE: dict[str, Callable[[Matcher, FileFacts, Context], list[Evidence]]] = {
    "import": match_import,
    "call": match_call,
    "decorator": match_decorator,
    "class": match_class,
    "class_base": match_class_base,
    "function": match_function,
    "returns": match_returns,
    "attribute": match_attribute,
    "subscript": match_subscript,
    "assign": match_assign,
    "handler": match_handler,
    "lambda": match_lambda,
    "literal": match_literal,
    "file": match_file,
    "toml_key": match_toml_key,
    "requirement": match_requirement,
    "pinned": match_pinned,
}


def run_matcher(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    if not file_conditions_hold(m, f):
        return []
    found = PER_FILE[m.kind](m, f, ctx)
    if "in_function" in m.conditions:
        wanted = m.conditions["in_function"]
        found = [e for e in found if e.function and matches(wanted, *e.function.split("."))]
    return found
