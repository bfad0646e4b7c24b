"""SQL injection: statements built from values and sent to the database."""

from __future__ import annotations

import re
from collections.abc import Iterable

from roadmap_coach.analysis.facts import Arg, Assign, Call, FileFacts
from roadmap_coach.rules.lessons.base import Fix, LessonFinding, SecurityLesson, WorkspaceContext
from roadmap_coach.rules.lessons.edits import from_import_edit, insert, python_string, replace
from roadmap_coach.rules.lessons.inputs import BUILT, built_from_values, value_parts
from roadmap_coach.rules.lessons.reads import FILE, NAMES, reads
from roadmap_coach.rules.lessons.sql_rewrite import (
    PLACEHOLDER,
    bindparams,
    params_tuple,
    rewrite,
    segments,
)
from roadmap_coach.rules.sql_shape import sql_verb, statement_text

_METHODS = frozenset(
    {"execute", "executemany", "executescript", "raw", "read_sql", "read_sql_query"}
)
_TEXT_CALLS = frozenset(
    {"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text"}
)
_QMARK_DRIVERS = frozenset({"sqlite3", "aiosqlite"})
_FORMAT_DRIVERS = frozenset({"psycopg", "psycopg2", "pymysql", "MySQLdb", "mysql", "django"})
_HOW = {
    "fstring": "an f-string",
    "concat": "`+`",
    "percent": "`%` formatting",
    "format": "`.format()`",
}
_PROSE_WORDS = frozenset(
    {"a", "an", "the", "your", "my", "one", "this", "that", "some", "any", "please"}
)
_PLACEHOLDER_LIST_RE = re.compile(r"placeholder|join\(.*(\?|%s)|(\?|%s).*join\(", re.IGNORECASE)


class SqlBuiltFromInput(SecurityLesson):
    """## What it catches
    A SQL statement assembled with an f-string, `+`, `%` or `.format` from values
    and passed to `execute`, `executemany`, SQLAlchemy's `text()` or Django's
    `.raw()`, directly or through a variable.

    ## Why it matters
    Whoever controls the inserted value controls the query. A name such as
    `' OR '1'='1` turns `WHERE name = '…'` into a condition that is always true,
    and `'; DROP TABLE users; --` ends your statement and starts theirs. This is
    SQL injection, one of the most exploited mistakes on the web.

    ## Example
    ```python
    cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    ```

    ## The safe way
    Keep the SQL constant and pass the values separately; the driver sends them
    apart from the statement, so they can never change it. The placeholder depends
    on the driver: `?` for `sqlite3`, `%s` for psycopg and PyMySQL, `:name` for
    SQLAlchemy's `text()`.
    ```python
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    db.session.execute(text("SELECT * FROM users WHERE name = :name").bindparams(name=name))
    ```
    With SQLAlchemy (a Session, a Connection or an Engine, `db.session` of
    Flask-SQLAlchemy) the advice is `text()` with `:name` parameters, whatever the
    database underneath:
    ```python
    session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})
    ```
    A constant statement, or a list of placeholders built with
    `", ".join("?" * len(ids))` next to a parameters argument, is not reported.
    The quick fix rewrites the call in the driver's placeholder style; on
    SQLAlchemy it wraps the statement in `text()`, passes the values as a
    dictionary of `:name` parameters and adds `from sqlalchemy import text`.
    """

    code = "RC301"
    facts_read = reads(FILE, NAMES, "assigns", "calls", "functions")
    quick_fix = "placeholders in the driver's style, values passed separately"
    title = "SQL built from values (SQL injection)"

    def find(self, facts: FileFacts, context: WorkspaceContext) -> Iterable[LessonFinding]:
        for call in facts.calls:
            sink = _sink(call)
            if sink is None:
                continue
            arg = (
                call.args[0]
                if call.args
                else call.kwargs.get("sql") or call.kwargs.get("statement")
            )
            if arg is None or arg.kind not in BUILT or not built_from_values(arg):
                continue
            if not looks_like_sql(statement_text(arg)) or _placeholder_list(arg, call):
                continue
            alchemy = sink == "text" or _sqlalchemy(facts, call)
            style = "named" if alchemy else _paramstyle(facts, call)
            through = f" (through `{arg.via}`)" if arg.via else ""
            message = (
                f"This SQL is built with {_HOW[arg.kind]}{through} and sent to `{sink}()`: a value "
                "such as `' OR '1'='1` would change the query itself (SQL injection). "
                + _advice(call, sink, alchemy, style)
            )
            span = arg.span or call.span
            fix = _fix(facts, call, arg, sink, style, alchemy=alchemy)
            yield self.finding(facts, span, message, fix)


def _advice(call: Call, sink: str, alchemy: bool, style: str | None) -> str:
    """What to write instead, in the words of the library the call belongs to."""
    if sink == "text":
        return (
            "Keep the SQL constant and bind the values as `:name` parameters: "
            '`text("… WHERE name = :name").bindparams(name=name)`, or pass them to '
            '`execute(stmt, {"name": name})`.'
        )
    if alchemy:
        receiver = call.name.rsplit(".", 1)[0] if "." in call.name else "session"
        return (
            "With SQLAlchemy, keep the SQL constant inside `text()` and pass the values "
            f'separately as `:name` parameters: `{receiver}.execute(text("… WHERE name = :name"), '
            '{"name": name})`.'
        )
    example = PLACEHOLDER.get(style or "qmark", "?").format("name")
    return f"Keep the SQL constant and pass the values separately, with `{example}` placeholders."


def looks_like_sql(text: str | None) -> bool:
    """A SQL statement, not a sentence that happens to start with "Select … from"."""
    text = re.sub(r"\{[^{}]*\}", "v", text or "")  # an interpolated table name is still SQL
    if not sql_verb(text):
        return False
    words = re.findall(r"[A-Za-z_]+", text or "")
    if len(words) > 1 and words[1].lower() in _PROSE_WORDS:
        return False
    stripped = (text or "").rstrip()
    return not (stripped.endswith((".", "!")) or "please" in stripped.lower())


def _sink(call: Call) -> str | None:
    method = call.qname.rsplit(".", 1)[-1]
    if call.qname in _TEXT_CALLS or (
        method == "text" and re.search(r"sqlalchemy|sqlmodel", call.qname, re.IGNORECASE)
    ):
        return "text"
    if method in _METHODS and "." in call.name:
        return method
    return None


def _placeholder_list(arg: Arg, call: Call) -> bool:
    """`f"… IN ({placeholders})"` with the values passed as a second argument."""
    values = value_parts(arg)
    has_params = len(call.args) >= 2 or "parameters" in call.kwargs or "params" in call.kwargs
    return has_params and bool(values) and all(_PLACEHOLDER_LIST_RE.search(v) for v in values)


_ALCHEMY_ROOTS = frozenset({"sqlalchemy", "sqlmodel", "flask_sqlalchemy"})


def _sqlalchemy(facts: FileFacts, call: Call) -> bool:
    """An `execute` of SQLAlchemy: a Session, Connection or Engine, resolved as such, a
    `….session.execute(…)` (Flask-SQLAlchemy's `db.session`), or any receiver in a file
    that imports SQLAlchemy and no DB-API driver."""
    root = call.qname.split(".", 1)[0]
    if root in _ALCHEMY_ROOTS:
        return True
    if root in _QMARK_DRIVERS or root in _FORMAT_DRIVERS or call.qname.endswith(".raw"):
        return False
    receiver = call.name.rsplit(".", 1)[0].rsplit(".", 1)[-1]
    if receiver.endswith("session"):
        return True
    imported = {i.module.split(".", 1)[0] for i in facts.imports}
    return bool(imported & _ALCHEMY_ROOTS) and not imported & (_QMARK_DRIVERS | _FORMAT_DRIVERS)


def _paramstyle(facts: FileFacts, call: Call) -> str | None:
    root = call.qname.split(".", 1)[0]
    if root in _QMARK_DRIVERS:
        return "qmark"
    if root in _FORMAT_DRIVERS or call.qname.endswith(".raw"):
        return "format"
    imported = {i.module.split(".", 1)[0] for i in facts.imports}
    qmark, fmt = bool(imported & _QMARK_DRIVERS), bool(imported & _FORMAT_DRIVERS)
    if qmark != fmt:
        return "qmark" if qmark else "format"
    return None


def _builder(facts: FileFacts, call: Call, arg: Arg) -> Assign | None:
    """The assignment that built `arg.via`, when a plain `name = <built string>` did."""
    scope = call.function or "module"
    found = None
    for assign in facts.assigns:
        if (
            assign.target == arg.via
            and assign.scope == scope
            and assign.span.line <= call.span.line
        ):
            found = assign
    if found is None or found.value.kind != arg.kind or found.value.parts != arg.parts:
        return None
    return found


def _fix(
    facts: FileFacts, call: Call, arg: Arg, sink: str, style: str | None, *, alchemy: bool
) -> Fix | None:
    if style is None or arg.span is None:
        return None
    if len(call.args) != 1 or call.kwargs:
        return None  # parameters already passed (or unknown): nothing mechanical to do
    segs = segments(arg)
    rewritten = rewrite(segs, style) if segs else None
    if rewritten is None:
        return None
    sql, params = rewritten
    literal = python_string(sql)
    wrap = alchemy and sink != "text"  # SQLAlchemy's execute takes text(), never a str
    if wrap:
        literal = f"text({literal})"
        extra = ", {" + ", ".join(f'"{name}": {value}' for name, value in params) + "}"
    elif sink == "text":
        extra = bindparams(params)
    else:
        extra = f", {params_tuple(params)}"
    at_end = call.span if sink == "text" else arg.span
    if not arg.via and sink != "text":
        edits = [replace(facts.path, arg.span, literal + extra)]
    else:
        built = _builder(facts, call, arg) if arg.via else None
        target = built.value.span if built is not None else None if arg.via else arg.span
        if target is None:
            return None
        edits = [
            replace(facts.path, target, literal),
            insert(facts.path, at_end.end_line, at_end.end_col, extra),
        ]
    if wrap:
        module = "sqlmodel" if _imports_only_sqlmodel(facts) else "sqlalchemy"
        added = from_import_edit(facts, module, "text")
        if added is not None:
            if added.span.line > min(e.span.line for e in edits):
                return None  # the call sits above where an import may go
            edits.insert(0, added)
        return Fix(
            "Use `text()` with `:name` parameters and pass the values separately", tuple(edits)
        )
    marker = PLACEHOLDER[style].format("name")
    return Fix(f"Use `{marker}` placeholders and pass the values separately", tuple(edits))


def _imports_only_sqlmodel(facts: FileFacts) -> bool:
    roots = {i.module.split(".", 1)[0] for i in facts.imports}
    return "sqlmodel" in roots and "sqlalchemy" not in roots
