"""What the walk of a Python file knows of names and values: a name resolved through the
scopes open at that point, and the shape of a value (`Arg`) as matchers read it.

`ValueReader` is the part of the walker (`python_facts`) that reads a value where it
stands, without walking into it.
"""

from __future__ import annotations

import ast
import re

from roadmap_coach.analysis import python_factories as factories
from roadmap_coach.analysis.facts import Arg, Span

MAX_LITERAL = 300
LINE_SPLIT = re.compile(r"\r\n|\r|\n")


def lines_of(source: str) -> list[str]:
    """`source`'s lines as `ast` numbers them (split at `LINE_SPLIT`): a plain split when
    no line ends in a carriage return, several times faster than the regex."""
    return LINE_SPLIT.split(source) if "\r" in source else source.split("\n")


# values `arg` only names by their kind
_OTHER_KINDS: dict[type, str] = {
    ast.DictComp: "dict",
    ast.ListComp: "list",
    ast.SetComp: "set",
    ast.Lambda: "lambda",
}


def cut(line: str, start: int, end: int | None) -> str:
    """Slice by the UTF-8 byte offsets that `ast` reports."""
    if line.isascii():
        return line[start:end]
    return line.encode("utf-8")[start:end].decode("utf-8", "replace")


def span_of(node: ast.AST) -> Span:
    # Every node `ast.parse` gives a span to has all four attributes; plain attribute
    # reads are the hot path (a span per call, argument and attribute read).
    try:
        line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
        end_line, end_col = node.end_lineno, node.end_col_offset  # type: ignore[attr-defined]
    except AttributeError:
        line, col = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
        end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    return Span(line - 1, col, (end_line or line) - 1, col if end_col is None else end_col)


def _is_path_join(node: ast.BinOp) -> bool:
    """`something / "name"` (pathlib's join), also chained: `BASE / "sql" / "q.sql"`."""
    right = node.right
    if isinstance(right, ast.Constant) and isinstance(right.value, str):
        return True
    left = node.left
    return isinstance(left, ast.BinOp) and isinstance(left.op, ast.Div) and _is_path_join(left)


class Scope:
    __slots__ = ("built", "kind", "made", "names", "qualname")

    def __init__(self, kind: str, qualname: str | None) -> None:
        self.kind = kind
        self.qualname = qualname
        self.names: dict[str, str] = {}
        self.built: dict[str, Arg] = {}
        self.made: dict[str, factories.Made] = {}  # function scopes: what local names hold


class ValueReader:
    """Names and value shapes, for the walker: it keeps the scopes, the file's lines and,
    while walking one top-level statement alone (`python_incremental`), the module
    names that statement reads."""

    scopes: list[Scope]
    source: str
    lines: list[str] | None
    reads: set[str] | None

    def lookup(self, name: str) -> str:
        reads = self.reads
        if reads is None:  # a whole-file walk: nothing to note
            for scope in reversed(self.scopes):
                found = scope.names.get(name)  # the values are names: never None
                if found is not None:
                    return found
            return name
        for scope in reversed(self.scopes):
            found = scope.names.get(name)
            if found is not None:
                if scope.kind == "module":
                    reads.add(name)
                return found
        reads.add(name)
        return name

    def dotted(self, node: ast.AST) -> tuple[str, str] | None:
        """(as written, resolved) for Name/Attribute/Call chains."""
        # a loop down the chain, not recursion: asked of every call, attribute and argument
        attrs: list[str] = []
        while True:
            kind = type(node)
            if kind is ast.Attribute:
                attrs.append(node.attr)  # type: ignore[attr-defined]
                node = node.value  # type: ignore[attr-defined]
            elif kind is ast.Name:
                break
            elif kind is ast.Call:
                node = node.func  # type: ignore[attr-defined]
            elif kind is ast.Subscript:
                node = node.value  # type: ignore[attr-defined]
            else:
                return None
        name: str = node.id  # type: ignore[attr-defined]
        if not attrs:
            return name, self.lookup(name)
        attrs.reverse()
        suffix = "." + ".".join(attrs)
        return name + suffix, self.lookup(name) + suffix

    def segment(self, node: ast.AST) -> str:
        """Source text of `node`, cut short; lines are split once per file, not per call."""
        if self.lines is None:
            self.lines = lines_of(self.source)
        start, end = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        if start is None or end is None:
            return ""
        col, end_col = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]
        if start == end:
            return cut(self.lines[start - 1], col, end_col)[:MAX_LITERAL]
        parts = [cut(self.lines[start - 1], col, None)]
        for number in range(start, min(end - 1, start + 8)):
            parts.append(self.lines[number])
        parts.append(cut(self.lines[end - 1], 0, end_col))
        return "\n".join(parts)[:MAX_LITERAL]

    # -- shapes -------------------------------------------------------------------
    def arg(self, node: ast.AST, depth: int = 0) -> Arg:
        try:  # `span_of` inlined: a value's shape is read for every argument of every call
            end_col = node.end_col_offset  # type: ignore[attr-defined]
            line, end_line = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
            span = Span(line, node.col_offset, end_line, end_col)  # type: ignore[attr-defined]
        except (AttributeError, TypeError):  # a node without a full position
            span = span_of(node)
        else:
            if end_col is None:
                span = span_of(node)
        # the kinds are disjoint: the most frequent are tested first
        kind = type(node)
        if kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            of = type(value)
            if of is str:
                return Arg("str", value[:MAX_LITERAL], span)
            if of is bool:
                return Arg("bool", str(value), span)
            if value is None:
                return Arg("none", None, span)
            if of is bytes:
                return Arg("bytes", None, span)
            if of is int or of is float:
                return Arg(of.__name__, str(value)[:40], span)
            return Arg("other", None, span)
        if kind is ast.Name:
            return self.name_arg(node, span)
        if kind is ast.Call:
            func = node.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "format"
                and isinstance(func.value, ast.Constant)
                and isinstance(func.value.value, str)
            ):
                # the template, then each argument's source: what a fix needs to rebuild it
                parts = [["lit", func.value.value]]
                parts += [["expr", self.segment(a)] for a in node.args[:16]]
                parts += [
                    ["kw", f"{k.arg}={self.segment(k.value)}"] for k in node.keywords[:16] if k.arg
                ]
                return Arg("format", None, span, parts=parts)
            name = self.dotted(func)
            return Arg("call", name[1] if name else None, span, inner=self.inner(node, depth))
        if kind is ast.Attribute:
            name = self.dotted(node)
            return Arg("attr", name[1] if name else None, span)
        if kind is ast.Tuple or kind is ast.List or kind is ast.Set:
            return Arg(
                kind.__name__.lower(),
                str(len(node.elts)),
                span,
                items=[self.arg(e) for e in node.elts[:16]],
            )
        if kind is ast.Dict:
            keys = [
                k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else ""
                for k in node.keys[:16]
            ]
            return Arg("dict", None, span, items=[self.arg(v) for v in node.values[:16]], keys=keys)
        if kind is ast.Subscript:
            base = self.dotted(node.value)
            key = node.slice
            if base and isinstance(key, ast.Constant) and isinstance(key.value, str):
                return Arg("subscript", f"{base[1]}[{key.value}]", span)
            return Arg("subscript", base[1] if base else None, span)
        if kind is ast.BinOp:
            if isinstance(node.op, ast.Div) and _is_path_join(node):
                # `BASE_DIR / "sql" / "schema.sql"`: a path whose pieces stay readable
                return Arg("path", None, span, items=[self.arg(node.left), self.arg(node.right)])
            if isinstance(node.op, ast.Add) and self.stringish(node):
                return Arg("concat", None, span, parts=self.concat_parts(node))
            if (
                isinstance(node.op, ast.Mod)
                and isinstance(node.left, ast.Constant)
                and isinstance(node.left.value, str)
            ):
                return Arg(
                    "percent",
                    None,
                    span,
                    parts=[["lit", node.left.value], ["expr", self.segment(node.right)]],
                )
            return Arg("other", None, span)
        if kind is ast.JoinedStr:
            return Arg("fstring", None, span, parts=self.fstring_parts(node))
        return Arg(_OTHER_KINDS.get(kind, "other"), None, span)

    def name_arg(self, node: ast.Name, span: Span) -> Arg:
        if self.reads is not None:
            self.reads.add(node.id)
        for scope in reversed(self.scopes):
            if node.id in scope.built:
                built = scope.built[node.id]
                return Arg(built.kind, built.value, span, via=node.id, parts=built.parts)
            if scope.kind == "function":
                break
        resolved = self.lookup(node.id)
        # keep the name as written when it resolves elsewhere (`password = request.form[…]`)
        return Arg("name", resolved, span, via=node.id if resolved != node.id else None)

    def inner(self, node: ast.Call, depth: int) -> list[Arg] | None:
        """A call's receiver (when not a dotted name) and first arguments, two levels deep:
        `hashlib.md5(f"{salt}{pw}".encode())` still shows what is hashed."""
        if depth >= 2:
            return None
        shapes = []
        func = node.func
        if isinstance(func, ast.Attribute) and not isinstance(func.value, ast.Name | ast.Attribute):
            shapes.append(self.arg(func.value, depth + 1))
        shapes += [self.arg(a, depth + 1) for a in node.args[:2]]
        return shapes or None

    def stringish(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, str)
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.stringish(node.left) or self.stringish(node.right)
        if isinstance(node, ast.Name):
            if self.reads is not None:
                self.reads.add(node.id)
            return any(node.id in s.built for s in self.scopes)
        return False

    def fstring_parts(self, node: ast.JoinedStr) -> list[list[str]]:
        parts: list[list[str]] = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(["lit", str(value.value)])
            elif isinstance(value, ast.FormattedValue):
                parts.append(["expr", self.segment(value.value)])
        return parts

    def concat_parts(self, node: ast.AST) -> list[list[str]]:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.concat_parts(node.left) + self.concat_parts(node.right)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [["lit", node.value]]
        if isinstance(node, ast.JoinedStr):
            return self.fstring_parts(node)
        return [["expr", self.segment(node)]]
