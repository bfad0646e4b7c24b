"""Applying a `LessonPlan` inside one store transaction: the events it logs and the
index rows (`open_lessons`, `silenced_lessons`) it moves.

Payloads (docs/log-format.md): `lesson-shown {code, path, line[, commit][, unsilenced]}`,
`lesson-suppressed {code, path, line, shown[, commit]}`,
`lesson-fixed {code, path, line, shown[, suppressed][, commit][, removed]}`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from roadmap_coach.progress.chain import (
    LESSON_FIXED,
    LESSON_SHOWN,
    LESSON_SUPPRESSED,
    Event,
)
from roadmap_coach.progress.lesson_lifecycle import LessonPlan

Where = tuple[str, str, str]  # learner, workspace, path
CommitOf = Callable[[], str | None]


class Appender(Protocol):
    def append(
        self,
        conn: sqlite3.Connection,
        kind: str,
        learner: str,
        workspace: str,
        payload: dict[str, Any],
        time: datetime | str | None,
    ) -> Event: ...


@dataclass(slots=True)
class LessonChanges:
    shown: list[Event] = field(default_factory=list)
    fixed: list[Event] = field(default_factory=list)
    suppressed: list[Event] = field(default_factory=list)


def read_index(conn: sqlite3.Connection, where: Where) -> tuple[dict[str, list[int]], ...]:
    """(open lines by code, silenced lines by code) of one file."""
    out: list[dict[str, list[int]]] = []
    for table in ("open_lessons", "silenced_lessons"):
        lines: dict[str, list[int]] = {}
        rows = conn.execute(
            f"SELECT code, line FROM {table} WHERE learner = ? AND workspace = ? AND path = ?",
            where,
        )
        for code, line in rows:
            lines.setdefault(code, []).append(line)
        out.append(lines)
    return tuple(out)


def apply_plan(
    store: Appender,
    conn: sqlite3.Connection,
    where: Where,
    plan: LessonPlan,
    *,
    commit: CommitOf,
    removed: bool = False,
    time: datetime | str | None = None,
) -> LessonChanges:
    who, ws, path = where
    changes = LessonChanges()
    memo: dict[str, str | None] = {}

    def commit_now() -> str | None:
        if "sha" not in memo:
            memo["sha"] = commit()
        return memo["sha"]

    def log(kind: str, code: str, line: int, extra: dict[str, Any]) -> Event:
        payload: dict[str, Any] = {"code": code, "path": path, "line": line, **extra}
        sha = None if removed else commit_now()
        if sha:
            payload["commit"] = sha
        return store.append(conn, kind, who, ws, payload, time)

    for table, moves in (
        ("open_lessons", plan.moved_open),
        ("silenced_lessons", plan.moved_silenced),
    ):
        for code, old, new in moves:
            conn.execute(
                f"UPDATE {table} SET line = ? WHERE learner = ? AND workspace = ? AND path = ? "
                "AND code = ? AND line = ?",
                (new, who, ws, path, code, old),
            )
    for code, line in plan.fixed_open:
        shown = _take(conn, "open_lessons", where, code, line)
        extra: dict[str, Any] = {"shown": shown[0] if shown else None}
        if removed:
            extra["removed"] = True
        changes.fixed.append(log(LESSON_FIXED, code, line, extra))
    for code, line in plan.fixed_silenced:
        row = _take(conn, "silenced_lessons", where, code, line)
        extra = {"shown": row[1] if row else None, "suppressed": row[0] if row else None}
        if removed:
            extra["removed"] = True
        changes.fixed.append(log(LESSON_FIXED, code, line, extra))
    for code, old, new in plan.suppressed:
        shown = _take(conn, "open_lessons", where, code, old)
        event = log(LESSON_SUPPRESSED, code, new, {"shown": shown[0] if shown else None})
        _put_silenced(conn, where, code, new, event.seq, shown[0] if shown else None)
        changes.suppressed.append(event)
    for code, line in plan.silenced_new:
        event = log(LESSON_SUPPRESSED, code, line, {"shown": None})
        _put_silenced(conn, where, code, line, event.seq, None)
        changes.suppressed.append(event)
    for code, old, new in plan.unsilenced:
        row = _take(conn, "silenced_lessons", where, code, old)
        event = log(LESSON_SHOWN, code, new, {"unsilenced": row[0] if row else None})
        _put_open(conn, where, code, new, event.seq)
        changes.shown.append(event)
    for code, line in plan.shown:
        event = log(LESSON_SHOWN, code, line, {})
        _put_open(conn, where, code, line, event.seq)
        changes.shown.append(event)
    return changes


def _take(
    conn: sqlite3.Connection, table: str, where: Where, code: str, line: int
) -> tuple[Any, ...] | None:
    """Remove one index row; its (seq[, shown]) or None."""
    columns = "seq, shown" if table == "silenced_lessons" else "seq"
    key = (*where, code, line)
    clause = "learner = ? AND workspace = ? AND path = ? AND code = ? AND line = ?"
    row = conn.execute(f"SELECT {columns} FROM {table} WHERE {clause}", key).fetchone()
    conn.execute(f"DELETE FROM {table} WHERE {clause}", key)
    return tuple(row) if row else None


def _put_open(conn: sqlite3.Connection, where: Where, code: str, line: int, seq: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO open_lessons (learner, workspace, path, code, line, seq) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (*where, code, line, seq),
    )


def _put_silenced(
    conn: sqlite3.Connection, where: Where, code: str, line: int, seq: int, shown: int | None
) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO silenced_lessons "
        "(learner, workspace, path, code, line, seq, shown) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (*where, code, line, seq, shown),
    )
