"""Environment variables read by the code and set by deployment files, joined across
the workspace: `DATABASE_URL: postgresql://…` in Compose counts for the code that
reads `os.environ["DATABASE_URL"]`, and for nothing else.

`reads` runs on one file's Python facts (part of its `Contribution`); `joined` runs in
the engine's workspace-wide combine.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts, Span
from roadmap_coach.rules.matchers import Context, Evidence
from roadmap_coach.rules.patterns import globs, matches

# calls whose first string argument names the variable they read
_READERS = (
    "os.getenv",
    "os.environ.get",
    "os.environ.setdefault",
    "decouple.config",
    "environ.Env",
    "environ.Env.*",
    "dj_database_url.config",
    "dj_database_url.parse",
)
# calls that read DATABASE_URL when no variable is named (`dj_database_url.config()`,
# django-environ's `env.db()`)
_DATABASE_URL_READERS = ("dj_database_url.config", "environ.Env.db", "environ.Env.db_url")
_SETTINGS_BASES = (
    "pydantic_settings.BaseSettings",
    "pydantic.BaseSettings",
    "pydantic.v1.BaseSettings",
)


@dataclass(slots=True)
class EnvUse:
    """One file's part: variables its code reads, and URLs it sets (deployment files)."""

    reads: dict[str, Evidence] = field(default_factory=dict)  # lower-cased name -> where
    prefixes: dict[str, Evidence] = field(default_factory=dict)  # `FLASK_` for from_prefixed_env
    urls: list[tuple[str, str, Evidence]] = field(default_factory=list)  # (name, scheme, where)


def env_use(f: FileFacts, ctx: Context) -> EnvUse | None:
    use = EnvUse()
    for setting in f.env_urls:
        where = Evidence(f.path, Span(setting.line, 0, setting.line, 0))
        use.urls.append((setting.name, setting.scheme, where))
    if f.kind == "python":
        _python_reads(f, ctx, use)
    return use if use.reads or use.prefixes or use.urls else None


def _python_reads(f: FileFacts, ctx: Context, use: EnvUse) -> None:
    for sub in f.subscripts:
        if sub.qname.startswith("os.environ["):
            use.reads.setdefault(
                sub.qname[len("os.environ[") : -1].lower(), Evidence(f.path, sub.span)
            )
    readers, database_readers = globs(_READERS), globs(_DATABASE_URL_READERS)
    for call in f.calls:
        names = ctx.names(call.name, call.qname)
        if _prefixed(names):
            prefix = call.kwargs.get("prefix") or (call.args[0] if call.args else None)
            text = prefix.value if prefix is not None and prefix.kind == "str" else "FLASK"
            use.prefixes.setdefault(f"{text}_".lower(), Evidence(f.path, call.span, call.function))
            continue
        if not readers.any(names) and not database_readers.any(names):
            continue
        first = call.args[0] if call.args else call.kwargs.get("env") or call.kwargs.get("var")
        if first is not None and first.kind == "str" and first.value:
            use.reads.setdefault(first.value.lower(), Evidence(f.path, call.span, call.function))
        elif first is None and database_readers.any(names):
            use.reads.setdefault("database_url", Evidence(f.path, call.span, call.function))
    for cls in f.classes:
        lineage = [*cls.bases, *ctx.lineage(cls.qbases)]
        if matches(_SETTINGS_BASES, *lineage):
            # pydantic settings read each field from the variable of its name, any case
            for name, value in cls.attrs.items():
                if not name.startswith("_") and name != "model_config":
                    span = value.span or cls.span
                    use.reads.setdefault(name.lower(), Evidence(f.path, span, cls.qualname))


# names (the tuples `Context.names` hands out) -> whether the call is Flask's
# `from_prefixed_env`
_PREFIXED: dict[tuple[str, ...], bool] = {}


def _prefixed(names: tuple[str, ...]) -> bool:
    found = _PREFIXED.get(names)
    if found is None:
        found = names[0].endswith("from_prefixed_env") or any(
            n.endswith(".from_prefixed_env") for n in names
        )
        if len(_PREFIXED) >= 20_000:
            _PREFIXED.clear()
        _PREFIXED[names] = found
    return found


def joined(patterns: object, uses: Iterable[EnvUse | None]) -> list[Evidence]:
    """Where a variable set to a URL whose scheme matches `patterns` is read by the code:
    the setting's line and the reading line, for each such variable."""
    found: Sequence[EnvUse] = [u for u in uses if u is not None]
    reads: dict[str, Evidence] = {}
    prefixes: dict[str, Evidence] = {}
    for use in found:
        for name, evidence in use.reads.items():
            reads.setdefault(name, evidence)
        for prefix, evidence in use.prefixes.items():
            prefixes.setdefault(prefix, evidence)
    hits = []
    for use in found:
        for name, scheme, where in use.urls:
            if not matches(patterns, scheme):  # type: ignore[arg-type]
                continue
            key = name.lower()
            reader = reads.get(key) or next(
                (e for p, e in prefixes.items() if key.startswith(p)), None
            )
            if reader is not None:
                hits += [where, reader]
    return hits
