"""SQL kept in `.sql` files that the code loads.

A `.sql` file counts only when a Python module of the workspace loads it:

- aiosql: `aiosql.from_path("queries.sql", "sqlite3")` or a folder of them
  (`from_path("sql", …)`); when the path is computed, every `.sql` file written in
  aiosql's style (`-- name: get-user` blocks) is what it loads;
- a file read and run: a module that names the file (`open("schema.sql")`,
  `current_app.open_resource("schema.sql")`, `BASE / "sql" / "report.sql"`) and sends
  SQL through `execute`/`executescript`/`executemany`.

A dump or schema that no code names, or SQL inside Markdown, loads nothing.
`sql_part` runs on one file's facts (part of its `Contribution`); `loaded` joins them.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts, Span
from roadmap_coach.rules.matchers import Context, Evidence, literal_values
from roadmap_coach.rules.patterns import matches
from roadmap_coach.rules.sql_shape import sql_verb

_RUNNERS = ("*.execute", "*.executescript", "*.executemany")
_AIOSQL = ("aiosql.from_path", "aiosql.aiosql.from_path")
_NAME_RE = re.compile(r"^\s*--\s*name\s*:\s*\S+")
_COMMENT_RE = re.compile(r"^\s*(--.*)?$")
MAX_STATEMENTS = 500


@dataclass(slots=True)
class SqlPart:
    # a .sql file: its statements' verbs and lines, and whether it is in aiosql's style
    path: str = ""
    statements: list[tuple[str, Evidence]] = field(default_factory=list)
    named: bool = False
    # a Python module: the `.sql` names it mentions, folders it hands to aiosql, and
    # whether it runs SQL (execute-like calls) or loads with aiosql (a computed path too)
    references: list[tuple[str, Evidence]] = field(default_factory=list)
    folders: list[tuple[str, Evidence]] = field(default_factory=list)
    runs_sql: bool = False
    aiosql: Evidence | None = None


def sql_part(f: FileFacts, ctx: Context) -> SqlPart | None:
    if f.path.lower().endswith(".sql"):
        return _sql_file(f)
    if f.kind == "python":
        return _python(f, ctx)
    return None


def _sql_file(f: FileFacts) -> SqlPart | None:
    part = SqlPart(path=f.path)
    start: int | None = None
    text: list[str] = []
    for number, line in enumerate(f.lines):
        if _NAME_RE.match(line):
            part.named = True
            _close(part, f.path, start, text)
            start, text = None, []
            continue
        if start is None and _COMMENT_RE.match(line):
            continue
        if start is None:
            start = number
        text.append(line)
        if line.rstrip().endswith(";"):
            _close(part, f.path, start, text)
            start, text = None, []
    _close(part, f.path, start, text)
    return part if part.statements else None


def _close(part: SqlPart, path: str, start: int | None, text: list[str]) -> None:
    if start is None or len(part.statements) >= MAX_STATEMENTS:
        return
    verb = sql_verb("\n".join(text))
    if verb is not None:
        part.statements.append((verb, Evidence(path, Span(start, 0, start, len(text[0])))))


def _python(f: FileFacts, ctx: Context) -> SqlPart | None:
    part = SqlPart()
    index = ctx.index(f)
    part.runs_sql = any(matches(_RUNNERS, *names) for _, names in index.calls.candidates(_RUNNERS))
    for call, names in index.calls.candidates(_AIOSQL):
        if not matches(_AIOSQL, *names):
            continue
        part.aiosql = part.aiosql or Evidence(f.path, call.span, call.function)
        first = call.args[0] if call.args else call.kwargs.get("sql_path")
        for text in _texts(first):
            part.folders.append((text.strip("/"), Evidence(f.path, call.span, call.function)))
    if not (part.runs_sql or part.aiosql):
        return None  # naming a file is not loading it
    for arg, function in literal_values(f):
        text = arg.value if arg.kind == "str" else None
        if text and text.lower().endswith(".sql") and arg.span is not None:
            part.references.append((text, Evidence(f.path, arg.span, function)))
    return part if part.references or part.aiosql else None


def _texts(arg: object) -> list[str]:
    """String pieces of an argument: a literal, or the last literal of a path join."""
    kind = getattr(arg, "kind", None)
    if kind == "str" and getattr(arg, "value", None):
        return [arg.value]  # type: ignore[attr-defined]
    if kind == "path":
        items = getattr(arg, "items", None) or []
        return _texts(items[-1]) if items else []
    return []


def _names(reference: str, path: str) -> bool:
    """Does `reference` (as the code wrote it) name the workspace file `path`?"""
    ref = posixpath.normpath(reference.replace("\\", "/")).lstrip("./")
    while ref.startswith("../"):
        ref = ref[3:]
    return bool(ref) and (path == ref or path.endswith("/" + ref))


def _in_folder(folder: str, path: str) -> bool:
    ref = posixpath.normpath(folder.replace("\\", "/")).lstrip("./")
    directory = posixpath.dirname(path)
    return bool(ref) and (directory == ref or directory.endswith("/" + ref) or _names(ref, path))


def loaded(parts: Iterable[SqlPart | None]) -> list[tuple[SqlPart, Evidence]]:
    """Each loaded `.sql` file with where the code loads it."""
    found = [p for p in parts if p is not None]
    files = [p for p in found if p.path]
    code = [p for p in found if not p.path]
    out: list[tuple[SqlPart, Evidence]] = []
    for sql in files:
        where = _loader(sql, code)
        if where is not None:
            out.append((sql, where))
    return out


def _loader(sql: SqlPart, code: list[SqlPart]) -> Evidence | None:
    for module in code:
        for reference, evidence in module.references:
            if _names(reference, sql.path):
                return evidence
        for folder, evidence in module.folders:
            if _in_folder(folder, sql.path):
                return evidence
    for module in code:
        if module.aiosql is not None and not module.folders and sql.named:
            return module.aiosql  # a computed path: the aiosql-style files are what it loads
    return None


def evidence(verbs: object, parts: Iterable[SqlPart | None]) -> list[Evidence]:
    """For each loaded `.sql` file holding a statement whose verb matches `verbs`: where
    the code loads it and that statement."""
    hits = []
    for sql, where in loaded(parts):
        first = next((e for verb, e in sql.statements if matches(verbs, verb)), None)  # type: ignore[arg-type]
        if first is not None:
            hits += [where, first]
    return hits
