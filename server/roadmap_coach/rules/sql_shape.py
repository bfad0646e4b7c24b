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


def statement_text(arg: Arg | None) -> str | None:
    """The SQL text of a literal or built string; expressions become `{}`."""
    if arg is None:
        return None
    if arg.kind == "str":
        return arg.value
    if arg.parts:
        return "".join(text if kind == "lit" else "{}" for kind, text in arg.parts)
    return None


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
