"""The matcher vocabulary a `detect` clause may use (documented in docs/checkpoints.md).

Each alternative of a detect clause names exactly one matcher key (the kind) and
any number of conditions that narrow it. The loader checks clauses against this
table so a course author gets `file:line: unknown matcher` instead of a silent miss;
`rules.matchers` implements every kind listed here (a test keeps the two equal).
"""

from __future__ import annotations

# Conditions every per-file matcher understands.
COMMON = frozenset(
    {
        "path", "not_path", "imports", "inside", "not_inside", "in_test", "in_function",
        "min_count", "generated", "not_class_attrs", "not_decorated", "teaches",
    }
)  # fmt: skip
_CALLISH = COMMON | {"args", "kwargs", "sql", "placeholders", "arg_file", "min_args"}

MATCHERS: dict[str, frozenset[str]] = {
    # Python facts
    "import": COMMON,
    "call": _CALLISH,
    "decorator": _CALLISH,
    "class": COMMON | {"has_method", "attrs", "keywords", "abstract", "bases"},
    "class_base": COMMON | {"has_method", "attrs", "keywords", "abstract"},
    "function": COMMON
    | {
        "loop",
        "branch",
        "asserts",
        "annotated",
        "returns",
        "decorated",
        "params",
        "param_types",
        "param_classes",
        "method",
        "new_singleton",
        "calls",
        "factory",
        "routed_class",
        "calls_all",
    },
    "returns": COMMON,
    "attribute": COMMON,
    "subscript": COMMON,
    "assign": COMMON | {"value", "scope"},
    "handler": COMMON | {"specific"},
    "lambda": COMMON,
    "literal": COMMON,
    # other files
    "file": COMMON | {"content", "not_content"},
    "toml_key": COMMON,
    "requirement": COMMON,
    "pinned": COMMON,
    # the workspace as a whole
    # (per-file conditions such as `path` are not applied to these, so none is accepted)
    "workspace_base": frozenset({"abstract"}),
    "package_import": frozenset(),
    "module_instance": frozenset(),
    "env_url": frozenset(),
    "layer": frozenset(),
    "sql_file": frozenset(),
    "aggregate": frozenset({"require"}),
    "achieved": frozenset({"min"}),
    "git": frozenset(),
    "all": frozenset(),
    # read from the learner's recorded history by the progress log, not from the tree
    "history": frozenset(),
}

GIT_FACTS = frozenset(
    {"repo", "commit", "branch", "merge", "conflict-merge", "remote", "pull-request", "upstream"}
)
AGGREGATES = frozenset({"http_methods", "sql_verbs"})
LAYERS = frozenset({"service", "split"})
HISTORY_FACTS = frozenset({"lesson-fixed"})
WORKSPACE_KINDS = frozenset(
    {
        "workspace_base",
        "package_import",
        "module_instance",
        "env_url",
        "layer",
        "sql_file",
        "aggregate",
        "achieved",
        "git",
        "all",
        "history",
    }
)

# The shape each value must have; the loader reports any other shape at its line, so a
# wrong type in a course roadmap never reaches the engine.
FLAGS = frozenset(
    {"lambda", "pinned", "workspace_base", "package_import", "module_instance"}
)  # matchers whose value is `true`
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
