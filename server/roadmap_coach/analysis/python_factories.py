"""What a function's `return` hands back, for the factory pattern: new instances of
named classes (`return EmailSender()`), or of a class looked up in a mapping
(`return SENDERS[kind](config)`, `cls = SENDERS.get(kind)` then `return cls()`).

Part of the one walk of `python_facts`: the walker calls `note_assign` for each
assignment to a plain name inside a function and `note_return` for each `return`;
the results land in `Function.makes` and `Function.picks`. Whether the named classes
are the learner's, and what a mapping holds, is decided later from facts
(`rules.matchers`), so nothing here needs the other files.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from roadmap_coach.analysis.facts import Function

# what a local name holds: ("new", class) an instance of a named class,
# ("pick", mapping) an instance of a class from a mapping, ("class", mapping) such a class
Made = list[tuple[str, str]]
Dotted = Callable[[ast.AST], "tuple[str, str] | None"]


def mapping_of(node: ast.AST, dotted: Dotted) -> str | None:
    """`SENDERS[kind]`, `SENDERS.get(kind)`, `self._registry[kind]`: the mapping's name as
    written (`SENDERS`, `self._registry`), or None."""
    if isinstance(node, ast.Subscript):
        target = node.value
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
    ):
        target = node.func.value
    else:
        return None
    if not isinstance(target, ast.Name | ast.Attribute):
        return None
    written = dotted(target)
    return written[0] if written else None


def made_by(node: ast.AST, local: dict[str, Made], dotted: Dotted) -> Made:
    """What evaluating `node` makes, as far as a factory is concerned."""
    if isinstance(node, ast.Name):
        return [m for m in local.get(node.id, []) if m[0] != "class"]
    if isinstance(node, ast.IfExp):  # `EmailSender() if by_mail else SmsSender()`
        return made_by(node.body, local, dotted) + made_by(node.orelse, local, dotted)
    if not isinstance(node, ast.Call):
        return []
    func = node.func
    mapping = mapping_of(func, dotted)
    if mapping is not None:
        return [("pick", mapping)]
    if isinstance(func, ast.Name) and func.id in local:
        picked = [("pick", name) for kind, name in local[func.id] if kind == "class"]
        if picked:
            return picked
    if isinstance(func, ast.Name | ast.Attribute):
        name = dotted(func)
        if name is not None and name[1].rsplit(".", 1)[-1][:1].isupper():
            return [("new", name[1])]
    return []


def note_assign(name: str, value: ast.AST, local: dict[str, Made], dotted: Dotted) -> None:
    """`sender = EmailSender()` in one branch and `sender = SmsSender()` in another both
    count: a later `return sender` may hand back either."""
    mapping = mapping_of(value, dotted)
    found = [("class", mapping)] if mapping is not None else made_by(value, local, dotted)
    if found:
        known = local.setdefault(name, [])
        known.extend(m for m in found if m not in known)


def note_return(value: ast.AST, function: Function, local: dict[str, Made], dotted: Dotted) -> None:
    for kind, name in made_by(value, local, dotted):
        into = function.makes if kind == "new" else function.picks
        if name not in into:
            into.append(name)
