"""Per-file matchers: each turns a `FileFacts` into evidence for one detect alternative.

Each `@kind("name")` function implements one kind that `roadmap.schema.KINDS` declares
per file; the workspace-wide kinds are in `rules.workspace_kinds`, and `rules.registry`
checks that the two together implement every declared kind once. Everything here reads
one file's facts and nothing else.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from roadmap_coach.analysis.facts import Arg, Call, Decorator, FileFacts, Function, Span
from roadmap_coach.roadmap.models import Matcher
from roadmap_coach.roadmap.schema import KINDS
from roadmap_coach.rules.index import FileIndex
from roadmap_coach.rules.patterns import as_tuple, globs, matches, path_matches, value_matches
from roadmap_coach.rules.registry import FILE_MATCHERS, kind
from roadmap_coach.rules.sql_shape import binds_values, has_placeholders, sql_verb, statement_text
from roadmap_coach.rules.symbols import Symbols


@dataclass(frozen=True, slots=True)
class Evidence:
    path: str
    span: Span
    function: str | None = None
    # what this line teaches, when the alternative that found it says it better than the
    # checkpoint (`teaches` condition: SQLAlchemy's `text()` rather than a DB-API cursor)
    teaches: str | None = None

    @property
    def line(self) -> int:
        """1-based, for people."""
        return self.span.line + 1


@dataclass(slots=True)
class Context:
    """What a per-file matcher may know beyond its file: the workspace's paths, and
    names followed across its modules (`from app import db` -> `SQLAlchemy()`).

    Build it with `Context.of(files)`. Matchers ask it only through its methods, and
    while `asked` is a dict every question and its answer are noted there: a file's
    result depends on the rest of the workspace through those answers alone, so a
    kept result stands in another workspace when the same questions get the same
    answers (`rules.records`)."""

    paths: frozenset[str] = frozenset()
    symbols: Symbols = field(default_factory=Symbols)
    indexes: dict[str, FileIndex] = field(default_factory=dict, repr=False, compare=False)
    _names: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict, repr=False)
    # every class matcher asks it of every class: walked once per base list
    _lineages: dict[tuple[str, ...], list[str]] = field(
        default_factory=dict, repr=False, compare=False
    )
    asked: dict[tuple[str, ...], object] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, files: Mapping[str, FileFacts]) -> Context:
        return cls(frozenset(files), Symbols.from_files(files.values()))

    def index(self, facts: FileFacts) -> FileIndex:
        """The file's call/decorator index, built once per file (rebuilt when facts change)."""
        found = self.indexes.get(facts.path)
        if found is None or found.facts is not facts:
            found = self.indexes[facts.path] = FileIndex(facts, self.names)
        return found

    def names(self, *names: str) -> tuple[str, ...]:
        """`names` plus what each stands for across the workspace."""
        if not self.symbols:
            known = names
        else:
            known = self._names.get(names)  # asked once per call for every call matcher
            if known is None:
                resolved = [self.symbols.resolve(n) for n in names]
                known = names + tuple(r for r, n in zip(resolved, names, strict=True) if r != n)
                self._names[names] = known
        if self.asked is not None:
            self.asked[("names", *names)] = known
        return known

    def lineage(self, bases: Iterable[str]) -> list[str]:
        """`Symbols.lineage`: the bases, resolved, then theirs through workspace classes."""
        key = tuple(bases)
        found = self._lineages.get(key)
        if found is None:
            found = self._lineages[key] = self.symbols.lineage(key)
        if self.asked is not None:
            self.asked[("lineage", *key)] = tuple(found)
        return found

    def is_resource(self, qname: str) -> bool:
        found = self.symbols.is_resource(qname)
        if self.asked is not None:
            self.asked[("resource", qname)] = found
        return found

    def workspace_class(self, qname: str) -> str | None:
        """`qname` resolved, when that names a class defined in the workspace."""
        resolved = self.symbols.resolve(qname)
        found = resolved if resolved in self.symbols.bases else None
        if self.asked is not None:
            self.asked[("class", qname)] = found
        return found

    def knows_names(self) -> bool:
        """Does the workspace define any module-level name at all?"""
        found = bool(self.symbols)
        if self.asked is not None:
            self.asked[("symbols",)] = found
        return found

    def has_path(self, patterns: tuple[str, ...]) -> bool:
        """Does any workspace path match one of `patterns`?"""
        found = any(path_matches(patterns, p) for p in self.paths)
        if self.asked is not None:
            self.asked[("path", *patterns)] = found
        return found

    def answer(self, question: tuple[str, ...]) -> object:
        """The answer this context gives to a question another context noted."""
        kind, args = question[0], question[1:]
        if kind == "names":
            return self.names(*args)
        if kind == "lineage":
            return tuple(self.lineage(args))
        if kind == "resource":
            return self.is_resource(args[0])
        if kind == "class":
            return self.workspace_class(args[0])
        if kind == "symbols":
            return self.knows_names()
        if kind == "path":
            return self.has_path(args)
        raise ValueError(f"unknown question {kind!r}")


# -- condition helpers ----------------------------------------------------------------


def file_conditions_hold(matcher: Matcher, facts: FileFacts) -> bool:
    cond = matcher.conditions
    # a tool's output earns only the checkpoints about using that tool (docs/checkpoints.md)
    if facts.generated and not cond.get("generated"):
        return False
    if "path" in cond and not path_matches(cond["path"], facts.path):
        return False
    if "not_path" in cond and path_matches(cond["not_path"], facts.path):
        return False
    if "in_test" in cond and bool(cond["in_test"]) != facts.is_test:
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
        first = _first_sql_arg(call)
        text = statement_text(first)
        if sql_verb(text) is None:
            return False
        if cond.get("placeholders") and not (
            has_placeholders(text)
            and (len(call.args) + len(call.kwargs) >= 2 or binds_values(first))
        ):
            return False
    if "arg_file" in cond:
        first = call.args[0] if call.args else None
        if first is None or first.kind != "str" or not first.value:
            return False
        wanted = tuple(p.replace("{}", first.value) for p in as_tuple(cond["arg_file"]))
        if not ctx.has_path(wanted):
            return False
    return True


def _spans(items: Iterable[tuple[Span, str | None]], path: str) -> list[Evidence]:
    return [Evidence(path, span, function) for span, function in items]


# -- the matchers -------------------------------------------------------------------


@kind("import")
def match_import(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    hits = []
    for imp in f.imports:
        full = f"{imp.module}.{imp.name}" if imp.name else imp.module
        if matches(m.value, imp.module, full) or any(
            imp.module.startswith(p + ".") for p in as_tuple(m.value) if "*" not in p
        ):
            hits.append((Span(imp.line, 0, imp.line, 0), None))
    return _spans(hits, f.path)


@kind("call")
def match_call(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _spans(
        (
            (c.span, c.function)
            for c, names in ctx.index(f).calls.candidates(m.value)
            if matches(m.value, *names) and args_hold(m, c, ctx)
        ),
        f.path,
    )


@kind("decorator")
def match_decorator(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _spans(
        (
            (d.span, d.target)
            for d, names in ctx.index(f).decorators.candidates(m.value)
            if matches(m.value, *names) and args_hold(m, d, ctx)
        ),
        f.path,
    )


@kind("class_base")
def match_class_base(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _classes(m, f, ctx, by_base=True)


@kind("class")
def match_class(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return _classes(m, f, ctx, by_base=False)


def _classes(m: Matcher, f: FileFacts, ctx: Context, *, by_base: bool) -> list[Evidence]:
    cond = m.conditions
    hits = []
    for cls in f.classes:
        # bases as written, as resolved, and their own bases through workspace classes:
        # `class User(UserBase, table=True)` is a SQLModel when `UserBase(SQLModel)` is
        lineage = [*cls.bases, *ctx.lineage(cls.qbases)]
        if by_base and not matches(m.value, *lineage):
            continue
        if not by_base and not matches(m.value, cls.name):
            continue
        if "bases" in cond and not matches(cond["bases"], *lineage):
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


def _function_holds(m: Matcher, fn: Function, f: FileFacts, ctx: Context) -> bool:
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
    if "decorated" in cond and not any(
        matches(cond["decorated"], *ctx.names(d)) for d in fn.decorators
    ):
        return False
    if "params" in cond and not any(matches(cond["params"], p) for p in fn.params):
        return False
    if "param_types" in cond and not any(
        matches(cond["param_types"], t) for t in fn.param_annotations.values()
    ):
        return False
    if "param_classes" in cond and not _has_param_class(cond["param_classes"], fn, f, ctx):
        return False
    if cond.get("new_singleton") and not _caches_instance(fn, f):
        return False
    if "factory" in cond and bool(cond["factory"]) != _is_factory(fn, f, ctx):
        return False
    if "routed_class" in cond and not _in_routed_class(cond["routed_class"], fn, f, ctx):
        return False
    # last: they read the file's calls, the other conditions only the function record
    if "calls_all" in cond and not all(
        _calls_in_body(group, fn, f, ctx)
        for group in (
            cond["calls_all"] if isinstance(cond["calls_all"], list) else [cond["calls_all"]]
        )
    ):
        return False
    return "calls" not in cond or _calls_in_body(cond["calls"], fn, f, ctx)


def _calls_in_body(patterns: object, fn: Function, f: FileFacts, ctx: Context) -> bool:
    """The function's own body calls one of `patterns` (a nested def's calls are its own)."""
    return fn.qualname in ctx.index(f).callers(patterns)  # type: ignore[arg-type]


_INSTANCE_MAKERS = frozenset({"super.__new__", "super.__call__", "object.__new__", "type.__call__"})


def _caches_instance(fn: Function, f: FileFacts) -> bool:
    """`__new__` (or a metaclass's `__call__`) that makes the instance only when it has
    none, keeps it on the class and hands back the kept one. A `__new__` that validates
    its argument or decorates each new instance creates a fresh object every time."""
    if fn.name not in ("__new__", "__call__") or not fn.has_branch:
        return False
    if not any(c.function == fn.qualname and c.qname in _INSTANCE_MAKERS for c in f.calls):
        return False
    owners = tuple(
        f"{name}." for name in (*fn.params[:1], (fn.cls or "").rsplit(".", 1)[-1]) if name
    )
    return any(
        r.kind in ("attr", "subscript") and (r.value or "").startswith(owners) for r in fn.returns
    )


def _in_routed_class(patterns: object, fn: Function, f: FileFacts, ctx: Context) -> bool:
    """A method of a class deriving from `patterns` (a Flask-RESTful/RESTX `Resource`)
    that is registered as a route: a `*.route(...)` decorator on the class
    (`@ns.route("/todos")`) or `api.add_resource(Cls, "/todos")` anywhere."""
    cls = next((c for c in f.classes if c.qualname == fn.cls), None) if fn.cls else None
    if cls is None or not matches(patterns, *cls.bases, *ctx.lineage(cls.qbases)):
        return False
    if any(
        d.target == cls.qualname and d.is_call and d.name.rsplit(".", 1)[-1] == "route"
        for d in f.decorators
    ):
        return True
    return ctx.is_resource(f"{f.module}.{cls.qualname}" if f.module else cls.qualname)


def _is_factory(fn: Function, f: FileFacts, ctx: Context) -> bool:
    """The function hands back an instance of one of at least two of the workspace's
    classes, chosen by a branch (`if kind == "sms": return SmsSender()`) or looked up in
    a mapping of classes (`SENDERS[kind](config)`). One class, however built, is not a
    choice; library classes (`Response`, `Flask`) are not the learner's family."""
    chosen: set[str] = set()
    if fn.has_branch:
        chosen.update(c for c in (_workspace_class(n, f, ctx) for n in fn.makes) if c)
    for mapping in fn.picks:
        for item in _mapping_items(mapping, fn, f):
            if item.kind in ("name", "attr") and item.value:
                found = _workspace_class(item.value, f, ctx)
                if found:
                    chosen.add(found)
    return len(chosen) >= 2


def _workspace_class(name: str, f: FileFacts, ctx: Context) -> str | None:
    """`name` as a class defined in the workspace (a class defined later in the same
    file reads unresolved, so the file's module is tried too)."""
    local = f"{f.module}.{name}" if f.module and "." not in name else name
    for candidate in (name, local):
        resolved = ctx.workspace_class(candidate)
        if resolved is not None:
            return resolved
    return None


def _mapping_items(mapping: str, fn: Function, f: FileFacts) -> list[Arg]:
    """The values of the dict literal `mapping` names: a local of the function, a
    class attribute read through `self.`/`cls.`, or a module-level name of the file."""
    owner, _, attr = mapping.rpartition(".")
    value: Arg | None = None
    if owner and fn.cls and fn.params and owner == fn.params[0]:
        for cls in f.classes:
            if cls.qualname == fn.cls:
                value = cls.attrs.get(attr)
    elif not owner:
        for scope in (fn.qualname, "module"):
            found = [a.value for a in f.assigns if a.scope == scope and a.target == mapping]
            if found:
                value = found[-1]
                break
    return list(value.items or ()) if value is not None and value.kind == "dict" else []


_IDENT = re.compile(r"[A-Za-z_][\w.]*")
# framework markers for values that do not come from the request body
_NOT_BODY = re.compile(r"\b(?:Depends|Security|Query|Path|Header|Cookie|Form|File)\(")
_BODY_DEFAULT = re.compile(r"^(?:\w+\.)*Body\(")
_WRAPPERS = frozenset(
    {"Annotated", "Optional", "Union", "List", "list", "Sequence", "Set", "set", "Literal", "None"}
)


def _annotation_names(annotation: str) -> list[str]:
    """The classes an annotation may stand for: `Item`, `Item | None`, `Optional[Item]`,
    `list[Item]` and `Annotated[Item, Body()]` all give `Item` (calls are metadata)."""
    names = []
    for found in _IDENT.finditer(annotation):
        name = found.group()
        called = annotation[found.end() : found.end() + 1] == "("
        if not called and name.rsplit(".", 1)[-1] not in _WRAPPERS:
            names.append(name)
    return names


def _has_param_class(patterns: object, fn: Function, f: FileFacts, ctx: Context) -> bool:
    """A parameter annotated with a class deriving from `patterns`, directly or through
    workspace classes. Values a framework injects or reads elsewhere (`Depends()`,
    `Query()`, `Form()` … as the default or in `Annotated`) are left out; `Body()` stays."""
    for param, annotation in fn.param_annotations.items():
        if _NOT_BODY.search(annotation):
            continue
        default = fn.default_args.get(param)
        if fn.defaults.get(param) == "call" and not (
            default is not None and _BODY_DEFAULT.match(default.source)
        ):
            continue
        for name in _annotation_names(annotation):
            local = f"{f.module}.{name}" if f.module else name
            if matches(patterns, *ctx.lineage([local])):
                return True
    return False


@kind("function")
def match_function(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    named, cond = globs(m.value).named, m.conditions
    return _spans(
        (
            (fn.span, fn.qualname)
            for fn in f.functions
            if (named is None or named(fn.name)) and (not cond or _function_holds(m, fn, f, ctx))
        ),
        f.path,
    )


@kind("returns")
def match_returns(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    hits = []
    for fn in f.functions:
        for value in fn.returns:
            if value_matches(m.value, value) and value.span is not None:
                hits.append((value.span, fn.qualname))
    return _spans(hits, f.path)


@kind("attribute")
def match_attribute(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    named = globs(m.value).named
    found = f.attributes if named is None else [a for a in f.attributes if named(a.qname)]
    return _spans(((a.span, a.function) for a in found), f.path)


@kind("subscript")
def match_subscript(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    named = globs(m.value).named
    found = f.subscripts if named is None else [s for s in f.subscripts if named(s.qname)]
    return _spans(((s.span, None) for s in found), f.path)


@kind("assign")
def match_assign(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    cond = m.conditions
    hits = []
    named = globs(m.value).named
    for a in f.assigns:
        if named is not None and not named(a.target):
            continue
        if "value" in cond and not value_matches(cond["value"], a.value):
            continue
        if "scope" in cond and not matches(cond["scope"], a.scope):
            continue
        hits.append(
            (
                _item_span(cond.get("value"), a.value) or a.span,
                a.scope
                if a.scope not in ("module",) and not a.scope.startswith("class:")
                else None,
            )
        )
    return _spans(hits, f.path)


def _item_span(patterns: object, value: Arg) -> Span | None:
    """Where an `item:` pattern matched inside a list, tuple or dict value: the mentor
    sees `"django.middleware.csrf.CsrfViewMiddleware",`, not `MIDDLEWARE = [`."""
    for pattern in as_tuple(patterns):  # type: ignore[arg-type]
        if pattern.startswith("item:"):
            for item in value.items or ():
                if item.span is not None and value_matches(pattern[5:], item):
                    return item.span
    return None


_BROAD = ("Exception", "BaseException", "builtins.Exception", "builtins.BaseException")


@kind("handler")
def match_handler(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    hits = []
    for h in f.handlers:
        if m.value and tuple(m.value) != ("*",) and not any(matches(m.value, t) for t in h.types):
            continue
        if m.conditions.get("specific") and (not h.types or any(t in _BROAD for t in h.types)):
            continue
        hits.append((h.span, None))
    return _spans(hits, f.path)


@kind("lambda")
def match_lambda(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    return [Evidence(f.path, Span(line, 0, line, 0)) for line in f.lambdas]


def literal_values(f: FileFacts) -> Iterable[tuple[Arg, str | None]]:
    """Every value the `literal` kind reads: call arguments, assigned and returned values,
    and what they hold (container items, a path's pieces), with the enclosing function."""
    return _literals(f)


def _literals(f: FileFacts) -> list[tuple[Arg, str | None]]:
    found: list[tuple[Arg, str | None]] = []
    for call in f.calls:
        function = call.function
        for arg in call.args:
            _nested(arg, function, 0, found)
        for arg in call.kwargs.values():
            _nested(arg, function, 0, found)
    for assign in f.assigns:
        _nested(assign.value, None, 0, found)
    for fn in f.functions:  # `return f"postgresql+asyncpg://{user}@{host}/db"` in a property
        for value in fn.returns:
            _nested(value, fn.qualname, 0, found)
    return found


def _nested(
    arg: Arg, function: str | None, depth: int, found: list[tuple[Arg, str | None]]
) -> None:
    """`arg` and the values inside its list/tuple items and dict entries (settings such
    as `DATABASES = {"default": {"ENGINE": "…"}}` keep their strings there)."""
    found.append((arg, function))
    if depth < 4:
        # container items, a path's pieces, and what a call made on the spot was given
        # (`(BASE / "schema.sql").read_text()`: its receiver)
        if arg.items:
            for item in arg.items:
                _nested(item, function, depth + 1, found)
        if arg.inner:
            for item in arg.inner:
                _nested(item, function, depth + 1, found)


@kind("literal")
def match_literal(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    hits = []
    test = globs(m.value).test
    for arg, fn in _literals(f):
        if arg.span is None:
            continue
        # a literal's text; a built string's with `{}` for each expression
        # (`f"postgresql://{user}@{host}/db"` reads `postgresql://{}@{}/db`)
        text = arg.value if arg.kind == "str" else statement_text(arg) if arg.parts else None
        if text is not None and test(text):
            hits.append((arg.span, fn))
    return _spans(hits, f.path)


@lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _line_span(f: FileFacts, line: int) -> Span:
    """A whole line of a non-Python file (its length when the file's lines are kept)."""
    width = len(f.lines[line]) if 0 <= line < len(f.lines) else 0
    return Span(line, 0, line, width)


@kind("file")
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
    # the file itself is the thing: its first line that is not blank or a comment
    return [Evidence(f.path, _line_span(f, f.first_line))]


def _toml_key_line(f: FileFacts, key: str) -> int | None:
    """Where `key` is written, or its nearest written parent (`tool = {ruff = …}`)."""
    assert f.toml is not None
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        found = f.toml.key_lines.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None


@kind("toml_key")
def match_toml_key(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    if f.toml is None:
        return []
    hits = [key for key in f.toml.keys if matches(m.value, key)]
    if not hits:
        return []
    lines = [line for line in (_toml_key_line(f, key) for key in hits) if line is not None]
    return [Evidence(f.path, _line_span(f, min(lines) if lines else f.first_line))]


@kind("requirement")
def match_requirement(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    hits = [name for name in f.requirements if matches(m.value, name)]
    if not hits:
        return []
    lines = [f.declared_lines[n] for n in hits if n in f.declared_lines]
    return [Evidence(f.path, _line_span(f, min(lines) if lines else f.first_line))]


@kind("pinned")
def match_pinned(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    if not f.pinned:
        return []
    line = f.pinned_line if f.pinned_line is not None else f.first_line
    return [Evidence(f.path, _line_span(f, line))]


# The facts each kind reads (declared in the schema): a file without any of them cannot
# match, whatever the patterns.
_INPUTS: dict[str, tuple[str, ...]] = {k.name: k.inputs for k in KINDS if k.inputs}


def has_inputs(m: Matcher, f: FileFacts) -> bool:
    fields = _INPUTS.get(m.kind)
    if fields is None:
        return True
    # a loop, not `any(...)`: asked of every matcher for every file
    for name in fields:  # noqa: SIM110
        if getattr(f, name):
            return True
    return False


def run_matcher(m: Matcher, f: FileFacts, ctx: Context) -> list[Evidence]:
    if not file_conditions_hold(m, f):
        return []
    found = FILE_MATCHERS.implementations[m.kind](m, f, ctx)
    if "in_function" in m.conditions:
        wanted = m.conditions["in_function"]
        found = [e for e in found if e.function and matches(wanted, *e.function.split("."))]
    if found and ("not_class_attrs" in m.conditions or "not_decorated" in m.conditions):
        found = [e for e in found if not excluded_by_enclosing(m, f, e.function)]
    if found and "teaches" in m.conditions:
        note = str(m.conditions["teaches"]).strip()
        found = [dataclasses.replace(e, teaches=note) for e in found]
    return found


def excluded_by_enclosing(m: Matcher, f: FileFacts, function: str | None) -> bool:
    """The evidence sits in a class or function that says it is something else: a DRF
    view with `renderer_classes = [TemplateHTMLRenderer]` (`not_class_attrs`), or a
    function view under `@renderer_classes([TemplateHTMLRenderer])` (`not_decorated`:
    decorator name -> pattern of its first argument)."""
    if not function:
        return False
    enclosing = {".".join(function.split(".")[:n]) for n in range(1, function.count(".") + 2)}
    attrs = dict(m.conditions.get("not_class_attrs", {}))
    for cls in f.classes if attrs else ():
        if cls.qualname in enclosing and any(
            name in cls.attrs and value_matches(pattern, cls.attrs[name])
            for name, pattern in attrs.items()
        ):
            return True
    decorated = dict(m.conditions.get("not_decorated", {}))
    for dec in f.decorators if decorated else ():
        if dec.target in enclosing and any(
            matches(name, dec.name, dec.qname) and value_matches(pattern, (dec.args or [None])[0])
            for name, pattern in decorated.items()
        ):
            return True
    return False
