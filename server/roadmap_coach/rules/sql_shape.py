"""Recognising SQL statements in string arguments (literal or built)."""

from __future__ import annotations

import re

from roadmap_coach.analysis.facts import Arg

_STATEMENT = re.compile(
    r"""^\s*(?:--[^\n]*\n\s*)*(?:
        (?P<select>select)\s+(?:distinct\s+)?[\w*"`\[(].*?(\bfrom\b|$)
      | (?P<insert>insert)\s+(?:or\s+\w+\s+)?into\s+[\w"`\[]
      | (?P<update>update)\s+[\w"`\[.]+\s+set\s+
      | (?P<delete>delete)\s+from\s+[\w"`\[]
      | (?P<create>create)\s+(?:unique\s+)?(?:table|index|view)\b
      | (?P<drop>drop)\s+(?:table|index|view)\b
      | (?P<alter>alter)\s+table\b
      | (?P<with>with)\s+\w+\s+as\s*\(
      | (?P<replace>replace)\s+into\b
    )""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
_PLACEHOLDER = re.compile(r"\?|%s|%\(\w+\)s|(?<![:\w]):[A-Za-z_]\w*|\$\d+")


# SQLAlchemy's `text("…")`, and `text("…").bindparams(…)` around it: the SQL is inside
_TEXT_CALLS = ("sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text",
               "sqlmodel.text")  # fmt: skip


def statement_text(arg: Arg | None) -> str | None:
    """The SQL text of a literal or built string, also inside SQLAlchemy's `text()`;
    expressions become `{}`."""
    if arg is None:
        return None
    if arg.kind == "str":
        return arg.value
    if arg.parts:
        return "".join(text if kind == "lit" else "{}" for kind, text in arg.parts)
    inner = sql_text_call(arg)
    return statement_text(inner) if inner is not None else None


def sql_text_call(arg: Arg) -> Arg | None:
    """The statement given to `text(…)` (or to `text(…).bindparams(…)`), else None."""
    if arg.kind != "call" or not arg.value or not arg.inner:
        return None
    # also `db.text(…)` of Flask-SQLAlchemy (`flask_sqlalchemy.SQLAlchemy.text`)
    if arg.value in _TEXT_CALLS or (arg.value.endswith(".text") and "sql" in arg.value):
        return arg.inner[0]
    if arg.value.endswith(".bindparams"):
        return sql_text_call(arg.inner[0])
    return None


def binds_values(arg: Arg | None) -> bool:
    """`text("… :id").bindparams(id=id)`: the values travel with the statement."""
    return arg is not None and arg.kind == "call" and (arg.value or "").endswith(".bindparams")


def sql_verb(text: str | None) -> str | None:
    """SELECT/INSERT/UPDATE/DELETE/… when `text` is a SQL statement, else None."""
    if not text:
        return None
    match = _STATEMENT.match(text)
    if match is None:
        return None
    for verb, found in match.groupdict().items():
        if found:
            return verb.upper()
    return None


def has_placeholders(text: str | None) -> bool:
    return bool(text) and bool(_PLACEHOLDER.search(text or ""))
