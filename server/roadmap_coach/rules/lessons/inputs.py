"""Where a value comes from, as far as one file's facts can tell.

Security lessons fire only when a value could carry someone else's text: a string
built from values, something read from a request, `input()` or `sys.argv`, a
parameter of the function (its caller decides), or a local assigned from one of
those. A constant, even one assigned to a variable first, is not input.
"""

from __future__ import annotations

import re

from roadmap_coach.analysis.facts import Arg, FileFacts, Function

BUILT = frozenset({"fstring", "concat", "percent", "format"})
_CONSTANT_EXPR_RE = re.compile(r"^(?:[A-Z][A-Z0-9_]*|\d+(?:\.\d+)?|'[^']*'|\"[^\"]*\")$")
_SOURCE_RE = re.compile(r"request|\binput\b|argv|stdin", re.IGNORECASE)
# calls that neutralise a value for one kind of sink
HTML_ESCAPES = re.compile(r"^(?:[\w.]*\.)?(?:escape|conditional_escape|clean|sanitize)\(")
SHELL_QUOTES = re.compile(r"^(?:shlex|pipes)\.quote\(|^quote\(")


def value_parts(arg: Arg) -> list[str]:
    """Sources of the values a built string interpolates (not its literal text)."""
    return [text for kind, text in arg.parts or [] if kind != "lit"]


def built_from_values(arg: Arg | None, *, neutralised: re.Pattern[str] | None = None) -> bool:
    """A string built with f-string/+/%/.format from at least one non-constant value
    (values wrapped in a `neutralised` call, such as `shlex.quote(…)`, do not count)."""
    if arg is None or arg.kind not in BUILT:
        return False
    values = value_parts(arg)
    if arg.kind == "format":
        template = (arg.parts or [["lit", ""]])[0][1]
        if "{" not in template:
            return False
    for text in values:
        text = (
            text.split("=", 1)[1]
            if text[:1].isalpha() and "=" in text and "==" not in text
            else text
        )
        text = text.strip()
        if _CONSTANT_EXPR_RE.match(text):
            continue
        if neutralised is not None and neutralised.match(text):
            continue
        return True
    return False


def from_outside(arg: Arg | None) -> bool:
    """Read from a request, `input()`, the command line or stdin."""
    if arg is None:
        return False
    texts = [arg.value or "", *value_parts(arg)]
    if any(_SOURCE_RE.search(t) for t in texts):
        return True
    return any(from_outside(a) for a in [*(arg.items or []), *(arg.inner or [])])


def function_of(facts: FileFacts, qualname: str | None) -> Function | None:
    if qualname is None:
        return None
    for function in facts.functions:
        if function.qualname == qualname:
            return function
    return None


def is_parameter(arg: Arg, function: Function | None) -> bool:
    """A bare name that is one of the enclosing function's parameters. Annotated
    parameters resolve to their annotation, so that is compared too."""
    if function is None or arg.kind != "name" or not arg.value:
        return False
    params = [p for p in function.params if p not in ("self", "cls")]
    if arg.value in params:
        return True
    return any(function.param_annotations.get(p) == arg.value for p in params)


def assigned_from_outside(facts: FileFacts, arg: Arg, function: str | None, line: int) -> bool:
    """A local whose last assignment before `line` was input (or a built string)."""
    if arg.kind != "name" or not arg.value:
        return False
    scope = function or "module"
    latest = None
    for assign in facts.assigns:
        if assign.scope == scope and assign.target == arg.value and assign.span.line < line:
            latest = assign
    if latest is None:
        return False
    return from_outside(latest.value) or built_from_values(latest.value)


def untrusted(
    facts: FileFacts,
    arg: Arg | None,
    function: str | None,
    line: int,
    neutralised: re.Pattern[str] | None = None,
) -> bool:
    if arg is None:
        return False
    if arg.kind in ("str", "bytes", "int", "float", "bool", "none"):
        return False
    if arg.kind in BUILT:
        return built_from_values(arg, neutralised=neutralised)
    return (
        built_from_values(arg)
        or from_outside(arg)
        or is_parameter(arg, function_of(facts, function))
        or assigned_from_outside(facts, arg, function, line)
    )


def constant_text(facts: FileFacts, arg: Arg | None, function: str | None, line: int) -> bool:
    """A literal string, or a name whose last assignment before `line` was one."""
    if arg is None:
        return False
    if arg.kind in ("str", "bytes"):
        return True
    if arg.kind in BUILT:
        return not built_from_values(arg)
    if arg.kind == "name" and arg.value:
        if re.fullmatch(r"[A-Z][A-Z0-9_]*", arg.value):
            return True
        for scope in dict.fromkeys([function or "module", "module"]):
            latest = None
            for assign in facts.assigns:
                if assign.scope == scope and assign.target == arg.value and assign.span.line < line:
                    latest = assign
            if latest is not None:
                return latest.value.kind in ("str", "bytes")
        return False
    return False
