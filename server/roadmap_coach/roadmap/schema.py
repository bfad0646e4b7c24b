"""The matcher vocabulary a `detect` clause may use (documented in docs/checkpoints.md).

Each alternative of a detect clause names exactly one matcher key (the kind) and
any number of conditions that narrow it. `KINDS` declares every kind once: its
conditions, the facts fields it reads, whether it reads one file at a time or the
workspace as a whole, and the shape of its value. The loader checks clauses against
it so a course author gets `file:line: unknown matcher` instead of a silent miss;
`rules.registry` requires exactly one implementation of each declared kind (per file
in `rules.matchers`, workspace-wide in `rules.workspace_kinds`) when the engine is
imported, and one reader in `progress.derived` of each kind declared `from_log`; the
kinds tables of docs/checkpoints.md are tested against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FILE = "file"  # reads one file's facts; the engine unions the files' evidence
WORKSPACE = "workspace"  # reads what every file contributed, Git facts or other checkpoints
Scope = Literal["file", "workspace"]
# patterns: a glob or a list of globs; flag: `true`; fact: one of `Kind.facts`;
# ids: a checkpoint id or a list of ids; alternatives: a list of detect alternatives
ValueShape = Literal["patterns", "flag", "fact", "ids", "alternatives"]


@dataclass(frozen=True, slots=True)
class Kind:
    """One matcher kind, declared once."""

    name: str
    scope: Scope
    conditions: frozenset[str]
    # the `FileFacts` fields it reads: a file with none of them set cannot match, so the
    # engine skips it without running the matcher (empty: any file may match)
    inputs: tuple[str, ...] = ()
    value: ValueShape = "patterns"
    facts: frozenset[str] = frozenset()  # what a `fact` value may name
    fact_noun: str = ""  # what one of them is called in a problem: "unknown git fact 'x'"
    # also met from the learner's recorded log, across workspaces and time
    # (`progress.derived`), not only from the tree being evaluated
    from_log: bool = False

    @property
    def per_file(self) -> bool:
        return self.scope == FILE


# Conditions every per-file matcher understands.
COMMON = frozenset(
    {
        "path", "not_path", "imports", "inside", "not_inside", "in_test", "in_function",
        "min_count", "generated", "not_class_attrs", "not_decorated", "teaches",
    }
)  # fmt: skip
_CALLISH = COMMON | {"args", "kwargs", "sql", "placeholders", "arg_file", "min_args"}
_CLASSISH = COMMON | {"has_method", "attrs", "keywords", "abstract"}
_FUNCTION = COMMON | {
    "loop", "branch", "asserts", "annotated", "returns", "decorated", "params",
    "param_types", "param_classes", "method", "new_singleton", "calls", "factory",
    "routed_class", "calls_all",
}  # fmt: skip
# Workspace-wide kinds read no single file, so per-file conditions such as `path` would
# be ignored: none is accepted.
_NONE: frozenset[str] = frozenset()
_LAYERS = frozenset({"service", "split"})
_AGGREGATES = frozenset({"http_methods", "sql_verbs"})
_REQUIRE = frozenset({"require"})
_HISTORY = frozenset({"lesson-fixed"})
_GIT = frozenset(
    {"repo", "commit", "branch", "merge", "conflict-merge", "remote", "pull-request", "upstream"}
)

KINDS: tuple[Kind, ...] = (
    # Python facts
    Kind("import", FILE, COMMON, inputs=("imports",)),
    Kind("call", FILE, _CALLISH, inputs=("calls",)),
    Kind("decorator", FILE, _CALLISH, inputs=("decorators",)),
    Kind("class", FILE, _CLASSISH | {"bases"}, inputs=("classes",)),
    Kind("class_base", FILE, _CLASSISH, inputs=("classes",)),
    Kind("function", FILE, _FUNCTION, inputs=("functions",)),
    Kind("returns", FILE, COMMON, inputs=("functions",)),
    Kind("attribute", FILE, COMMON, inputs=("attributes",)),
    Kind("subscript", FILE, COMMON, inputs=("subscripts",)),
    Kind("assign", FILE, COMMON | {"value", "scope"}, inputs=("assigns",)),
    Kind("handler", FILE, COMMON | {"specific"}, inputs=("handlers",)),
    Kind("lambda", FILE, COMMON, inputs=("lambdas",), value="flag"),
    Kind("literal", FILE, COMMON, inputs=("calls", "assigns", "functions")),
    # other files
    Kind("file", FILE, COMMON | {"content", "not_content"}),
    Kind("toml_key", FILE, COMMON, inputs=("toml",)),
    Kind("requirement", FILE, COMMON, inputs=("requirements",)),
    Kind("pinned", FILE, COMMON, inputs=("pinned",), value="flag"),
    # the workspace as a whole
    Kind("workspace_base", WORKSPACE, frozenset({"abstract"}), value="flag"),
    Kind("package_import", WORKSPACE, _NONE, value="flag"),
    Kind("module_instance", WORKSPACE, _NONE, value="flag"),
    Kind("env_url", WORKSPACE, _NONE),
    Kind("layer", WORKSPACE, _NONE, value="fact", facts=_LAYERS, fact_noun="layer fact"),
    Kind("sql_file", WORKSPACE, _NONE),
    Kind("aggregate", WORKSPACE, _REQUIRE, value="fact", facts=_AGGREGATES, fact_noun="aggregate"),
    Kind("achieved", WORKSPACE, frozenset({"min"}), value="ids", from_log=True),
    Kind("git", WORKSPACE, _NONE, value="fact", facts=_GIT, fact_noun="git fact"),
    Kind("all", WORKSPACE, _NONE, value="alternatives"),
    # read from the learner's recorded log only, never from the tree
    Kind(
        "history",
        WORKSPACE,
        _NONE,
        value="fact",
        facts=_HISTORY,
        fact_noun="history fact",
        from_log=True,
    ),
)
KIND: dict[str, Kind] = {k.name: k for k in KINDS}

# Views of KINDS for the loader and the engine (never edited by hand).
MATCHERS: dict[str, frozenset[str]] = {k.name: k.conditions for k in KINDS}
WORKSPACE_KINDS = frozenset(k.name for k in KINDS if k.scope == WORKSPACE)
FLAGS = frozenset(k.name for k in KINDS if k.value == "flag")  # matchers whose value is `true`
GIT_FACTS = KIND["git"].facts
AGGREGATES = KIND["aggregate"].facts
LAYERS = KIND["layer"].facts
HISTORY_FACTS = KIND["history"].facts

# The shape each value must have; the loader reports any other shape at its line, so a
# wrong type in a course roadmap never reaches the engine.
# (The value of each kind: `Kind.value` above.)
BOOL_CONDITIONS = frozenset(
    {
        "in_test", "generated", "loop", "branch", "asserts", "annotated", "method",
        "new_singleton", "specific", "abstract", "sql", "placeholders", "factory",
    }
)  # fmt: skip
INT_CONDITIONS = frozenset({"min_count", "min_args", "min"})
TABLE_CONDITIONS = frozenset(
    {"kwargs", "keywords", "not_class_attrs", "not_decorated"}
)  # name -> pattern(s)
TEXT_CONDITIONS = frozenset({"teaches"})  # words for people, not patterns
NESTED_CONDITIONS = frozenset(
    {"args", "require", "calls_all"}
)  # list of pattern or list of patterns

CHECKPOINT_FIELDS = frozenset(
    {"id", "title", "teaches", "next", "links", "detect", "step", "example"}
)
REQUIRED_FIELDS = ("id", "title", "teaches", "detect")
STEP_FIELDS = frozenset({"id", "number", "title", "summary", "core"})
META_FIELDS = frozenset({"title", "steps", "short"})
