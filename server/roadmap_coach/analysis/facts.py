"""The compact facts records that every rule reads instead of a syntax tree.

A `FileFacts` is built by one parse and one walk of a file and is small enough to
cache as JSON. Names are recorded twice: as written (`app.route`) and resolved
through the file's imports and module-level assignments (`flask.Flask.route`),
so matchers can be precise without re-reading the tree.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from roadmap_coach.analysis.file_roles import is_test_path

FACTS_VERSION = 4


@dataclass(slots=True)
class Span:
    """0-based line/column span, the shape editors use (1-based lines are shown to humans)."""

    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(slots=True)
class Arg:
    """The shape of one call argument.

    kind: str | bytes | int | float | bool | none | fstring | concat | percent | format |
    name | attr | call | dict | list | tuple | lambda | path | other (`path`: a pathlib join
    `BASE / "schema.sql"`, its two operands in `items`). For a `name` argument
    bound earlier in the same function to a built string, `kind` is the builder's kind
    and `via` is the variable name; a `name` that resolves to something else (an import,
    a call's result) also keeps the name as written in `via`.
    """

    kind: str
    value: str | None = None  # literal text (short strings only), or the dotted name
    span: Span | None = None
    via: str | None = None
    parts: list[list[str]] | None = None  # for built strings: [["lit", text] | ["expr", src]]
    items: list[Arg] | None = None  # for tuples: the first few elements
    keys: list[str] | None = None  # dict literals: the keys of `items` ("" when not a string)
    # calls: the receiver's shape when it is not a dotted name (`f"{a}".encode()`,
    # `request.form["pw"].encode()`), then the first positional arguments' shapes
    inner: list[Arg] | None = None


@dataclass(slots=True)
class Call:
    name: str  # as written, dotted ("cur.execute")
    qname: str  # resolved through imports/assignments ("sqlite3.connect().cursor().execute")
    span: Span
    args: list[Arg] = field(default_factory=list)
    kwargs: dict[str, Arg] = field(default_factory=dict)
    function: str | None = None  # qualified name of the enclosing function
    # whole keyword arguments (`verify=False`), `**opts` under "**": what a fix removes
    kw_spans: dict[str, Span] = field(default_factory=dict)


@dataclass(slots=True)
class Import:
    module: str  # "flask" for both `import flask` and `from flask import Flask`
    name: str | None  # "Flask" for `from flask import Flask`
    alias: str | None
    line: int  # 0-based
    level: int = 0  # relative import level
    span: Span | None = None  # the whole import statement


@dataclass(slots=True)
class Default:
    """A parameter default that is not a plain literal (what a fix may rewrite)."""

    span: Span
    source: str  # the default's source text, cut short
    annotation: Span | None = None  # the parameter's annotation, if any


@dataclass(slots=True)
class Decorator:
    name: str
    qname: str
    span: Span
    target: str  # qualified name of the decorated function/class
    args: list[Arg] = field(default_factory=list)
    kwargs: dict[str, Arg] = field(default_factory=dict)
    is_call: bool = False


@dataclass(slots=True)
class Function:
    name: str
    qualname: str
    span: Span  # the `def` line
    end_line: int
    cls: str | None = None
    is_async: bool = False
    params: list[str] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)  # param -> default kind (list/dict/set…)
    annotated: bool = False  # every parameter (but self/cls) and the return annotated
    param_annotations: dict[str, str] = field(default_factory=dict)  # param -> annotation source
    has_loop: bool = False
    has_branch: bool = False
    asserts: int = 0
    returns: list[Arg] = field(default_factory=list)  # shapes of returned values
    decorators: list[str] = field(default_factory=list)  # resolved names
    calls_super_new: bool = False
    default_args: dict[str, Default] = field(default_factory=dict)  # non-literal defaults
    body_line: int = -1  # first statement after the docstring; -1: none or on the `def` line
    body_indent: str = ""  # that statement's indentation
    # what its returns hand back (analysis.python_factories): instances of named classes
    # ("shop.mail.EmailSender"), and mappings, as written, whose looked-up class is
    # instantiated ("SENDERS", "cls._registry")
    makes: list[str] = field(default_factory=list)
    picks: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ClassDef:
    name: str
    qualname: str
    span: Span
    bases: list[str] = field(default_factory=list)  # as written
    qbases: list[str] = field(default_factory=list)  # resolved
    methods: list[str] = field(default_factory=list)
    abstract_methods: list[str] = field(default_factory=list)
    attrs: dict[str, Arg] = field(default_factory=dict)  # class-level assignments
    keywords: dict[str, str] = field(default_factory=dict)  # metaclass=…, table=True


@dataclass(slots=True)
class Assign:
    target: str  # dotted target as written (`app.config["X"]` -> "app.config[X]")
    span: Span
    value: Arg
    scope: str  # "module", "class:<name>" or the function qualname


@dataclass(slots=True)
class Handler:
    types: list[str]  # resolved exception names; [] for a bare `except:`
    span: Span
    body_is_pass: bool
    reraises: bool


@dataclass(slots=True)
class Compare:
    """An `a == b` / `a != b` comparison with both operands' shapes."""

    op: str  # "==" | "!="
    left: Arg
    right: Arg
    span: Span
    function: str | None = None


@dataclass(slots=True)
class Attribute:
    qname: str  # resolved dotted attribute read ("flask.request.json", "os.environ")
    span: Span
    function: str | None = None


@dataclass(slots=True)
class Subscript:
    qname: str  # resolved dotted value subscripted with a string key: "os.environ[SECRET_KEY]"
    span: Span


@dataclass(slots=True)
class Comment:
    line: int
    text: str


@dataclass(slots=True)
class EnvSetting:
    """A deployment file sets environment variable `name` to a URL (analysis.env_settings)."""

    name: str
    scheme: str  # the URL's scheme, lower case ("postgresql+asyncpg"); never the value
    line: int  # 0-based


@dataclass(slots=True)
class TomlFacts:
    keys: list[str] = field(default_factory=list)  # dotted table/key paths ("tool.coverage.run")
    error: str | None = None
    # 0-based line where a key path is first written (its `[table]` header or `key =`
    # line; an implicit parent table at its first child's header)
    key_lines: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class FileFacts:
    """Everything the rules may know about one file."""

    path: str  # relative to the workspace root, '/'-separated
    kind: str  # python | toml | requirements | text | binary | other
    digest: str = ""
    size: int = 0
    module: str | None = None  # dotted module name for Python files
    error: str | None = None  # why analysis was partial or skipped
    error_line: int | None = None
    # python
    imports: list[Import] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    decorators: list[Decorator] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    classes: list[ClassDef] = field(default_factory=list)
    assigns: list[Assign] = field(default_factory=list)
    handlers: list[Handler] = field(default_factory=list)
    attributes: list[Attribute] = field(default_factory=list)
    subscripts: list[Subscript] = field(default_factory=list)
    compares: list[Compare] = field(default_factory=list)
    preamble_end: int = 0  # where a new import goes: after the docstring and __future__ imports
    lambdas: list[int] = field(default_factory=list)
    ignores: dict[int, list[str]] = field(
        default_factory=dict
    )  # line -> codes (`# coach: ignore[…]`)
    # other files
    toml: TomlFacts | None = None
    requirements: list[str] = field(default_factory=list)  # normalised distribution names
    extras: list[str] = field(default_factory=list)  # requested extras: "passlib[bcrypt]"
    pinned: bool = False
    # 0-based lines: where each requirement is declared, where the first pin is, and the
    # first line that is neither blank nor a comment (what a whole-file milestone shows)
    declared_lines: dict[str, int] = field(default_factory=dict)
    pinned_line: int | None = None
    first_line: int = 0
    lines: list[str] = field(default_factory=list)  # short text files only (configs); never secrets
    env_urls: list[EnvSetting] = field(default_factory=list)  # Compose/.env/YAML: NAME=scheme://
    # may hold a secret's value (analysis.secret_values): never written to the facts cache
    sensitive: bool = False
    # what the file is to the learner (analysis.file_roles): test code, or a tool's output
    # ("alembic", "django") that proves the tool was used but earns no code milestone
    is_test: bool = False
    generated: str | None = None

    def __post_init__(self) -> None:
        # from the path: every FileFacts, however made or decoded, agrees with the rule
        self.is_test = is_test_path(self.path)

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), separators=(",", ":"))

    @staticmethod
    def from_json(data: str) -> FileFacts:
        return _decode(FileFacts, json.loads(data))


def _decode(cls: Any, value: Any) -> Any:
    """Rebuild nested dataclasses from `asdict` output (the cache format)."""
    if value is None:
        return None
    hints = {f.name: f.type for f in dataclasses.fields(cls)}
    kwargs = {}
    for name, raw in value.items():
        if name not in hints:
            continue
        kwargs[name] = _decode_field(hints[name], raw)
    return cls(**kwargs)


_TYPES: dict[str, Any] = {}


def _decode_field(hint: str, raw: Any) -> Any:
    if raw is None:
        return None
    hint = hint.replace(" | None", "")
    if hint.startswith("list[") and isinstance(raw, list):
        inner = hint[5:-1]
        if inner in _TYPES:
            return [_decode(_TYPES[inner], item) for item in raw]
        return raw
    if hint.startswith("dict[") and isinstance(raw, dict):
        key_type, _, inner = hint[5:-1].partition(", ")
        if inner in _TYPES:
            return {k: _decode(_TYPES[inner], v) for k, v in raw.items()}
        if key_type == "int":
            return {int(k): v for k, v in raw.items()}
        return raw
    if hint in _TYPES:
        return _decode(_TYPES[hint], raw)
    return raw


for _cls in (
    Span,
    Arg,
    Call,
    Import,
    Default,
    Decorator,
    Function,
    ClassDef,
    Assign,
    Handler,
    Compare,
    Attribute,
    Subscript,
    Comment,
    EnvSetting,
    TomlFacts,
):
    _TYPES[_cls.__name__] = _cls


@dataclass(slots=True)
class Commit:
    sha: str
    time: str  # ISO 8601 UTC author time
    parents: int
    summary: str


@dataclass(slots=True)
class GitFacts:
    """What the repository shows, read with gitpython; absent when there is no repo or no git."""

    is_repo: bool = False
    commits: int = 0
    first_commit: Commit | None = None
    head_commit: Commit | None = None
    branches: list[str] = field(default_factory=list)
    merges: list[Commit] = field(default_factory=list)
    conflict_merges: list[Commit] = field(default_factory=list)
    remotes: dict[str, str] = field(default_factory=dict)  # name -> host only (no credentials)
    # merges whose message names a pull/merge request (`Merge pull request #12 from …`)
    pull_requests: list[Commit] = field(default_factory=list)
    # a fork: an `upstream` remote next to another remote with a different URL (`origin`)
    upstream: bool = False
    tracked: list[str] = field(default_factory=list)  # paths in the index
    error: str | None = None


@dataclass(slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(slots=True)
class WorkspaceFacts:
    root: str
    files: dict[str, FileFacts] = field(default_factory=dict)
    git: GitFacts = field(default_factory=GitFacts)
    skipped: list[Skipped] = field(default_factory=list)
