"""One parse and one walk of a Python file into `FileFacts`.

The walk keeps a stack of scopes so names resolve through imports and earlier
assignments (`app = Flask(__name__)` makes `@app.route` resolve to
`flask.Flask.route`). Call results are collapsed into the dotted path
(`sqlite3.connect().cursor()` -> `sqlite3.connect.cursor`) so course authors can
match them with simple globs.
"""

from __future__ import annotations

import ast
import gc
import re
import sys
import warnings
from collections.abc import Callable
from typing import Any

from roadmap_coach.analysis import python_factories as factories
from roadmap_coach.analysis import python_incremental as incremental
from roadmap_coach.analysis.encoding import split_lines
from roadmap_coach.analysis.facts import (
    Arg,
    Assign,
    Attribute,
    Call,
    ClassDef,
    Compare,
    Decorator,
    Default,
    FileFacts,
    Function,
    Handler,
    Import,
    Subscript,
)
from roadmap_coach.analysis.file_roles import generator_of
from roadmap_coach.analysis.python_values import (
    MAX_LITERAL,
    Scope,
    ValueReader,
    cut,
    lines_of,
    span_of,
)
from roadmap_coach.analysis.secret_values import holds_secret
from roadmap_coach.analysis.walk_plan import EVERYTHING, WalkPlan

TOO_DEEP = "too deeply nested to analyse"
_IGNORE_RE = re.compile(r"#\s*coach:\s*ignore\[([A-Za-z0-9_,\s]+)\]")
_BUILT = {"fstring", "concat", "percent", "format"}
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_BRANCHES = (ast.If, ast.IfExp, ast.Match)
_SHAPES = frozenset({*_LOOPS, *_BRANCHES})
# Fields of `ast` nodes that hold identifiers, flags or leaves (`ctx`, `op`): `children`
# never walks them.
_NO_CHILDREN = frozenset(
    {"ctx", "op", "id", "attr", "name", "arg", "module", "level", "kind", "type_comment"}
    | {"conversion", "is_async", "simple", "tag"}
)
_LEAVES = frozenset(
    {ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal}
    | {
        cls
        for cls in vars(ast).values()
        if isinstance(cls, type)
        and issubclass(cls, ast.expr_context | ast.operator | ast.unaryop | ast.cmpop | ast.boolop)
    }
)
_PLAIN_DEFAULTS = frozenset({"str", "int", "float", "bool", "none", "bytes"})


def _parts_of(arg: Arg, source: str) -> list[list[str]]:
    """A string piece as built-string parts: literal text stays text."""
    if arg.kind == "str":
        return [["lit", arg.value or ""]]
    return arg.parts or [["expr", source]]


def module_name(path: str) -> str | None:
    if not path.endswith(".py"):
        return None
    parts = path[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or None


def ignore_comments(text: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if "coach:" not in text:
        return found
    for number, line in enumerate(split_lines(text)):  # lines as editors count them
        match = _IGNORE_RE.search(line)
        if match:
            found[number] = [c.strip().upper() for c in match.group(1).split(",") if c.strip()]
    return found


def analyze_python(
    path: str, source: str, facts: FileFacts | None = None, plan: WalkPlan = EVERYTHING
) -> FileFacts:
    """Parse and walk `source`; on a syntax error the facts carry only `error`. `plan`:
    what the readers of these facts look at (`analysis.walk_plan`)."""
    # A syntax tree and the facts hold no reference cycles, so the cyclic collector
    # (which runs every few hundred allocations, and the tree is made of allocations)
    # only costs time here: about a tenth of the analysis, more in a big process.
    collector_was_on = gc.isenabled()
    gc.disable()
    try:
        return _analyze(path, source, facts, plan)
    finally:
        if collector_was_on:
            gc.enable()


def _analyze(path: str, source: str, facts: FileFacts | None, plan: WalkPlan) -> FileFacts:
    facts = facts or FileFacts(path=path, kind="python")
    facts.module = module_name(path)
    facts.ignores = ignore_comments(source)
    facts.generated = generator_of(source)
    again = incremental.MEMOS.again(path)  # analysed before: someone is editing it
    if again and _reanalyse(path, source, facts, plan):
        return facts
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        facts.error = syntax_reason(exc, source)
        facts.error_line = (exc.lineno or 1) - 1
        return facts
    except (RecursionError, MemoryError):
        # CPython's parser gives up on deep nesting with either, depending on the shape
        facts.error = TOO_DEEP
        return facts
    except ValueError as exc:
        facts.error = f"could not parse: {type(exc).__name__}"
        return facts
    walker = _Walker(facts, source, plan)
    if again:
        walker.blocks = []
    try:
        walker.walk(tree)
    except RecursionError:
        facts.error = TOO_DEEP
    if again and facts.error is None and walker.blocks is not None:
        lines = walker.lines or incremental.split_lines(source)
        end = incremental.lens(facts)
        facts.sensitive = incremental.mark_sensitive(facts, walker.blocks, end)
        incremental.MEMOS.put(path, incremental.Memo(lines, facts, walker.blocks, end))
        return facts
    if again:
        incremental.MEMOS.put(path, None)
    facts.sensitive = plan.secrets and holds_secret(facts)
    return facts


def _reanalyse(path: str, source: str, facts: FileFacts, plan: WalkPlan) -> bool:
    """Fill `facts` by walking only the changed top-level statements (see
    `python_incremental`); False when the full path must run."""
    memo = incremental.MEMOS.get(path)
    if memo is None:
        return False
    lines = incremental.split_lines(source)
    region = incremental.changed_region(memo, lines)
    if region is None:
        return False
    body = incremental.parse_region(lines, region)
    if body is None:
        return False
    part = FileFacts(path=path, kind="python", module=facts.module)
    walker = _Walker(part, source, plan)
    walker.lines = lines
    walker.blocks = []
    module = walker.scopes[0]
    before = memo.blocks[region.a]
    module.names, module.built = dict(before.names), dict(before.built)
    try:
        walker.walk_statements(body)
    except RecursionError:
        return False
    later = memo.blocks[region.b + 1] if region.b + 1 < len(memo.blocks) else None
    changed = incremental.names_changed(module.names, module.built, later)
    incremental.mark_sensitive(part, walker.blocks, incremental.lens(part))
    spliced = incremental.splice(memo, region, part, walker.blocks, changed, facts)
    if spliced is None:
        return False
    blocks, spare = spliced
    facts.preamble_end = incremental.preamble_end(blocks)
    facts.sensitive = any(block.sensitive for block in blocks)
    memos = incremental.MEMOS
    moved = incremental.Moved(
        region.a, region.b, len(walker.blocks), region.end - region.delta, region.delta
    )
    end = incremental.lens(facts)
    memos.put(path, incremental.Memo(lines, facts, blocks, end, memo.facts, moved, spare))
    memos.partial += 1
    memos.statements += len(body)
    return True


def syntax_reason(exc: SyntaxError, source: str) -> str:
    """Tell 'newer Python than the server' apart from an ordinary typo."""
    line = exc.text or ""
    newer = (
        # PEP 758 (3.14): except without parentheses
        re.match(r"\s*except\*?\s+[\w.]+\s*,", line)
        # PEP 695 (3.12): type aliases and generic defs; PEP 701 f-strings
        or re.match(r"\s*type\s+\w+(\[.*\])?\s*=", line)
        or re.match(r"\s*(async\s+)?def\s+\w+\[", line)
        or re.match(r"\s*class\s+\w+\[", line)
        or (sys.version_info < (3, 12) and "f-string" in str(exc.msg))
        or ("t'" in line or 't"' in line)
    )
    where = f" (line {exc.lineno})" if exc.lineno else ""
    if newer:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        return f"Python syntax newer than this interpreter (Python {version}){where}"
    return f"syntax error: {exc.msg}{where}"


class _Walker(ValueReader):
    def __init__(self, facts: FileFacts, source: str, plan: WalkPlan = EVERYTHING) -> None:
        self.facts = facts
        self.source = source
        self.attributes_kept = plan.attributes
        self.scopes = [Scope("module", None)]
        self.functions: list[Function] = []
        self.handlers: list[Handler] = []
        self.lines: list[str] | None = None
        # kept for re-walking single statements later (python_incremental): the blocks,
        # and the module names the statement being walked reads, binds and sets
        self.blocks: list[incremental.Block] | None = None
        self.reads: set[str] | None = None
        self.binds: set[str] | None = None
        self.sets: set[str] | None = None

    # -- the walk -----------------------------------------------------------------
    def walk(self, tree: ast.Module) -> None:
        self.facts.preamble_end = _preamble_end(tree)
        if self.blocks is None:
            for stmt in tree.body:
                self.visit(stmt)
            return
        self.walk_statements(tree.body)

    def walk_statements(self, body: list[ast.stmt]) -> None:
        """Walk top-level statements, noting each as a block to re-walk alone later."""
        assert self.blocks is not None
        module = self.scopes[0]
        for stmt in body:
            before = incremental.lens(self.facts)
            names, built = dict(module.names), dict(module.built)
            self.reads, self.binds, self.sets = set(), set(), set()
            self.visit(stmt)
            self.blocks.append(
                incremental.Block(
                    incremental.first_line(stmt),
                    stmt.end_lineno or stmt.lineno,
                    before,
                    names,
                    built,
                    frozenset(self.reads),
                    frozenset(self.binds),
                    frozenset(self.sets),
                    incremental.head_of(stmt),
                )
            )
        self.reads = self.binds = self.sets = None

    def visit(self, node: ast.AST) -> None:
        handler = _HANDLERS.get(type(node))  # None: a leaf (a name, a constant, a context)
        if handler is not None:
            handler(self, node)

    def generic(self, node: ast.AST) -> None:
        """A node type with no `visit_` method of its own: its children."""
        if self.functions and type(node) in _SHAPES:
            self.note_shape(node)
        self.children(node)

    def children(self, node: ast.AST) -> None:
        # Faster than ast.iter_child_nodes: no generator, only the fields that can hold a
        # node to walk (`_CHILD_FIELDS`), each child handed straight to its handler (no
        # call at all for a leaf: nearly half the nodes)
        handlers = _HANDLERS
        for name in _CHILD_FIELDS[type(node)]:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    handler = handlers.get(type(item))
                    if handler is not None:
                        handler(self, item)
            else:
                handler = handlers.get(type(value))
                if handler is not None:
                    handler(self, value)

    def note_shape(self, node: ast.AST) -> None:
        if not self.functions:
            return
        current = self.functions[-1]
        if isinstance(node, _LOOPS):
            current.has_loop = True
        elif isinstance(node, _BRANCHES):
            current.has_branch = True

    def current_function(self) -> str | None:
        return self.functions[-1].qualname if self.functions else None

    def qualify(self, name: str) -> str:
        outer = [s.qualname for s in self.scopes if s.qualname]
        return ".".join([*outer[-1:], name]) if outer else name

    def bind(self, name: str, value: str) -> None:
        if self.binds is not None and len(self.scopes) == 1:
            self.binds.add(name)
        self.scopes[-1].names[name] = value

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.facts.imports.append(
                Import(alias.name, None, alias.asname, node.lineno - 1, span=span_of(node))
            )
            if alias.asname:
                self.bind(alias.asname, alias.name)
            else:
                head = alias.name.split(".")[0]
                self.bind(head, head)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level and self.facts.module:
            package = self.facts.module.split(".")
            if not self.facts.path.endswith("__init__.py"):
                package = package[:-1]
            package = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            module = ".".join([*package, module] if module else package)
        for alias in node.names:
            self.facts.imports.append(
                Import(module, alias.name, alias.asname, node.lineno - 1, node.level, span_of(node))
            )
            if alias.name != "*":
                self.bind(
                    alias.asname or alias.name, f"{module}.{alias.name}" if module else alias.name
                )

    def decorators(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, target: str
    ) -> list[str]:
        names = []
        for dec in node.decorator_list:
            name = self.dotted(dec)
            self.visit(dec)
            if name is None:
                continue
            record = Decorator(
                name[0], name[1], span_of(dec), target, is_call=isinstance(dec, ast.Call)
            )
            if isinstance(dec, ast.Call):
                record.args = [self.arg(a) for a in dec.args]
                record.kwargs = {k.arg: self.arg(k.value) for k in dec.keywords if k.arg}
            self.facts.decorators.append(record)
            names.append(name[1])
        return names

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        qualname = self.qualify(node.name)
        outer = self.scopes[-1]
        cls = outer.qualname if outer.kind == "class" else None
        decorators = self.decorators(node, qualname)
        func = Function(
            node.name,
            qualname,
            span_of(node),
            (node.end_lineno or node.lineno) - 1,
            cls=cls,
            is_async=isinstance(node, ast.AsyncFunctionDef),
            decorators=decorators,
        )
        func.span.end_line, func.span.end_col = func.span.line, func.span.col + len(node.name) + 4
        arguments = node.args
        params = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        func.params = [p.arg for p in params]
        positional = [*arguments.posonlyargs, *arguments.args]
        for param, default in zip(
            positional[len(positional) - len(arguments.defaults) :],
            arguments.defaults,
            strict=False,
        ):
            self.visit(default)
            func.defaults[param.arg] = self.default(func, param, default)
        for param, kw_default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=False):
            if kw_default is not None:
                self.visit(kw_default)
                func.defaults[param.arg] = self.default(func, param, kw_default)
        explicit = [p for p in params if p.arg not in ("self", "cls")]
        func.annotated = node.returns is not None and all(
            p.annotation is not None for p in explicit
        )
        scope = Scope("function", qualname)
        for param in params:
            if param.annotation is not None:
                func.param_annotations[param.arg] = self.segment(param.annotation)
                resolved = self.dotted(param.annotation)
                if resolved:
                    scope.names[param.arg] = resolved[1]
                self.visit(param.annotation)
        if node.returns is not None:
            self.visit(node.returns)
        if cls is not None and outer.kind == "class":
            self.facts.classes[-1].methods.append(node.name)
            if any(d.endswith("abstractmethod") for d in decorators):
                self.facts.classes[-1].abstract_methods.append(node.name)
        func.body_line, func.body_indent = self.body_start(node)
        self.facts.functions.append(func)
        self.functions.append(func)
        self.scopes.append(scope)
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()
        self.functions.pop()
        self.bind(node.name, f"{self.facts.module}.{qualname}" if self.facts.module else qualname)

    visit_AsyncFunctionDef = visit_FunctionDef

    def default(self, func: Function, param: ast.arg, node: ast.expr) -> str:
        shape = self.arg(node)
        if shape.kind not in _PLAIN_DEFAULTS:
            annotation = span_of(param.annotation) if param.annotation is not None else None
            func.default_args[param.arg] = Default(
                shape.span or span_of(node), self.segment(node), annotation
            )
        return shape.kind

    def body_start(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, str]:
        """Line and indentation of the first statement after the docstring (where a fix
        inserts a guard); (-1, "") when there is none or it shares a line with the `def`."""
        body = node.body[1:] if _is_docstring(node.body[0]) else node.body
        if not body:
            return -1, ""
        if self.lines is None:
            self.lines = lines_of(self.source)
        first = body[0]
        indent = cut(self.lines[first.lineno - 1], 0, first.col_offset)
        if indent.strip():
            return -1, ""
        return first.lineno - 1, indent

    def visit_Compare(self, node: ast.Compare) -> None:
        self.children(node)
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq | ast.NotEq):
            op = "==" if isinstance(node.ops[0], ast.Eq) else "!="
            left, right = self.arg(node.left), self.arg(node.comparators[0])
            self.facts.compares.append(
                Compare(op, left, right, span_of(node), self.current_function())
            )

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.facts.lambdas.append(node.lineno - 1)
        self.children(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        qualname = self.qualify(node.name)
        for base in [*node.bases, *[k.value for k in node.keywords]]:
            self.visit(base)
        written, resolved = [], []
        for base in node.bases:
            name = self.dotted(base)
            if name:
                written.append(name[0])
                resolved.append(name[1])
        record = ClassDef(node.name, qualname, span_of(node), written, resolved)
        record.span.end_line, record.span.end_col = (
            record.span.line,
            record.span.col + len(node.name) + 6,
        )
        record.keywords = {k.arg: self.segment(k.value) for k in node.keywords if k.arg}
        self.decorators(node, qualname)
        self.facts.classes.append(record)
        self.scopes.append(Scope("class", qualname))
        for stmt in node.body:
            self.visit(stmt)
        self.scopes.pop()
        self.bind(node.name, f"{self.facts.module}.{qualname}" if self.facts.module else qualname)

    def visit_Call(self, node: ast.Call) -> None:
        name = self.dotted(node.func)
        self.children(node)
        if name is None:
            return
        # most calls have no keywords, many no arguments: no comprehension is run for them
        args, keywords, arg, functions = node.args, node.keywords, self.arg, self.functions
        call = Call(
            name[0],
            name[1],
            span_of(node),
            [arg(a) for a in args] if args else [],
            {k.arg: arg(k.value) for k in keywords if k.arg} if keywords else {},
            functions[-1].qualname if functions else None,
            {k.arg or "**": span_of(k) for k in keywords} if keywords else {},
        )
        self.facts.calls.append(call)
        if functions and name[1] == "super.__new__":
            self.functions[-1].calls_super_new = True

    def visit_Attribute(self, node: ast.Attribute) -> None:
        # `a.b.c.d` is one attribute read per prefix (`a.b.c.d`, `a.b.c`, `a.b`): the
        # chain's head is resolved once for all of them, outermost first
        chain = [node]
        kept = self.attributes_kept
        wanted = kept is None or node.attr in kept
        value = node.value
        while type(value) is ast.Attribute:
            chain.append(value)  # type: ignore[arg-type]
            if not wanted and value.attr in kept:  # type: ignore[attr-defined, operator]
                wanted = True
            value = value.value  # type: ignore[attr-defined]
        # resolved only for a read some reader wants, or for the names a block reads
        head = self.dotted(value) if wanted or self.reads is not None else None
        if head is not None and wanted:
            resolved = head[1]
            names = []
            for link in reversed(chain):
                resolved = f"{resolved}.{link.attr}"
                names.append(resolved)
            names.reverse()
            function = self.current_function()
            attributes = self.facts.attributes
            for link, name in zip(chain, names, strict=True):
                if type(link.ctx) is ast.Load and (kept is None or link.attr in kept):
                    # `name` is `<head>.<attr>`: it always has a dot
                    attributes.append(Attribute(name, span_of(link), function))
        if type(value) not in _LEAVES:
            self.visit(value)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            base = self.dotted(node.value)
            if base is not None:
                self.facts.subscripts.append(Subscript(f"{base[1]}[{key.value}]", span_of(node)))
        self.children(node)

    def target_name(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Subscript):
            base = self.dotted(node.value)
            key = node.slice
            if base and isinstance(key, ast.Constant) and isinstance(key.value, str):
                return f"{base[0]}[{key.value}]"
            return None
        name = self.dotted(node)
        return name[0] if name else None

    def scope_label(self) -> str:
        scope = self.scopes[-1]
        if scope.kind == "module":
            return "module"
        if scope.kind == "class":
            return f"class:{scope.qualname}"
        return scope.qualname or "function"

    def record_assign(self, target: ast.AST, value: ast.AST | None, node: ast.AST) -> None:
        if value is None:
            return
        name = self.target_name(target)
        if name is None:
            return
        shape = self.arg(value)
        self.facts.assigns.append(Assign(name, span_of(node), shape, self.scope_label()))
        scope = self.scopes[-1]
        if isinstance(target, ast.Name):
            if scope.kind == "class" and self.facts.classes:
                self.facts.classes[-1].attrs[name] = shape
            if scope.kind == "function":
                factories.note_assign(name, value, scope.made, self.dotted)
            if self.sets is not None and scope.kind == "module":
                self.sets.add(name)
            if shape.kind in _BUILT or shape.kind == "str":
                # `query = "SELECT …"` then `cur.execute(query, params)` reads as the text
                scope.built[name] = shape
            else:
                scope.built.pop(name, None)
            resolved = (
                self.dotted(value)
                if isinstance(value, ast.Call | ast.Name | ast.Attribute)
                else None
            )
            if resolved is not None:
                self.bind(name, resolved[1])

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        for target in node.targets:
            if not isinstance(target, ast.Name):
                self.visit(target)
            if isinstance(target, ast.Tuple | ast.List):
                continue
            self.record_assign(target, node.value, node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        self.visit(node.annotation)
        if not isinstance(node.target, ast.Name):
            self.visit(node.target)
        if node.value is not None:
            self.record_assign(node.target, node.value, node)
        elif (
            isinstance(node.target, ast.Name)
            and self.scopes[-1].kind == "class"
            and self.facts.classes
        ):
            self.facts.classes[-1].attrs[node.target.id] = Arg(
                "annotation", self.segment(node.annotation), span_of(node)
            )

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.children(node)
        if isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
            scope = self.scopes[-1]
            if self.sets is not None and self.reads is not None and scope.kind == "module":
                self.sets.add(node.target.id)
                self.reads.add(node.target.id)
            previous = scope.built.get(node.target.id)
            addition = self.arg(node.value)
            if previous is not None and previous.kind == "str" and addition.kind == "str":
                text = ((previous.value or "") + (addition.value or ""))[:MAX_LITERAL]
                scope.built[node.target.id] = Arg("str", text, span_of(node))
            elif previous is not None or addition.kind in _BUILT:
                parts = (previous.parts if previous else None) or []
                if previous is not None and previous.kind == "str":
                    parts = [["lit", previous.value or ""]]
                scope.built[node.target.id] = Arg(
                    "concat",
                    None,
                    span_of(node),
                    parts=[*parts, *_parts_of(addition, self.segment(node.value))],
                )

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None:
            self.visit(node.value)
            if self.functions:
                self.functions[-1].returns.append(self.arg(node.value))
                factories.note_return(
                    node.value, self.functions[-1], self.scopes[-1].made, self.dotted
                )

    def visit_Assert(self, node: ast.Assert) -> None:
        if self.functions:
            self.functions[-1].asserts += 1
        self.children(node)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            name = self.dotted(item.context_expr)
            if self.functions and name and name[1].endswith(("pytest.raises", "pytest.warns")):
                self.functions[-1].asserts += 1
        self.children(node)

    visit_AsyncWith = visit_With

    def visit_Try(self, node: ast.Try) -> None:
        self.note_shape(node)
        self.children(node)

    visit_TryStar = visit_Try

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        types: list[str] = []
        if node.type is not None:
            elements = node.type.elts if isinstance(node.type, ast.Tuple) else [node.type]
            for element in elements:
                name = self.dotted(element)
                types.append(name[1] if name else "?")
        body_is_pass = all(
            isinstance(s, ast.Pass)
            or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
            for s in node.body
        )
        span = span_of(node)
        span.end_line, span.end_col = span.line, span.col + len("except")
        handler = Handler(types, span, body_is_pass, reraises=False)
        self.facts.handlers.append(handler)
        self.handlers.append(handler)
        self.children(node)
        self.handlers.pop()

    def visit_Raise(self, node: ast.Raise) -> None:
        if self.handlers:
            self.handlers[-1].reraises = True
        self.children(node)


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _preamble_end(tree: ast.Module) -> int:
    """0-based line where an added import goes: before the first statement that is not
    the module docstring or a `from __future__` import (above its decorators)."""
    end = 0
    for index, stmt in enumerate(tree.body):
        future = isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"
        if (index == 0 and _is_docstring(stmt)) or future:
            end = stmt.end_lineno or stmt.lineno
            continue
        decorators = getattr(stmt, "decorator_list", None) or []
        return min([stmt.lineno, *(d.lineno for d in decorators)]) - 1
    return end


_NODE_TYPES = [
    cls for cls in vars(ast).values() if isinstance(cls, type) and issubclass(cls, ast.AST)
]
# each node type's fields that can hold a node to walk, found once
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(name for name in cls._fields if name not in _NO_CHILDREN) for cls in _NODE_TYPES
}
# what the walk does with a node of each type: its `visit_` method, else its children;
# a leaf has none (anything that is not a node neither)
_HANDLERS: dict[type, Callable[[_Walker, Any], None]] = {
    cls: getattr(_Walker, f"visit_{cls.__name__}", _Walker.generic)
    for cls in _NODE_TYPES
    if cls not in _LEAVES
}
