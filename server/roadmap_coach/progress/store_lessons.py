"""The store's security-lesson and evidence methods (a part of `Store`, kept apart so
each module stays readable): lessons shown, silenced and fixed per file, and milestones
whose evidence reached a commit later. See docs/log-format.md for the events."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from roadmap_coach.progress.chain import (
    EVIDENCE_COMMITTED,
    LESSON_FIXED,
    LESSON_SHOWN,
    MILESTONE,
    RESET,
    Event,
)
from roadmap_coach.progress.lesson_index import CommitOf, LessonChanges, apply_plan, read_index
from roadmap_coach.progress.lesson_lifecycle import by_code, plan_lessons


class LessonStore:
    """Mixed into `Store`, which provides the transactions and the log."""

    learner: str

    if TYPE_CHECKING:

        def _write(self) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

        def _read(self) -> contextlib.AbstractContextManager[sqlite3.Connection]: ...

        def append(
            self,
            conn: sqlite3.Connection,
            kind: str,
            learner: str,
            workspace: str,
            payload: dict[str, Any],
            time: datetime | str | None,
        ) -> Event: ...

        def events(
            self, workspace: str | os.PathLike[str] | None = None, *, after: int = 0
        ) -> list[Event]: ...

        def achieved(
            self, learner: str | None = None, workspace: str | os.PathLike[str] | None = None
        ) -> dict[str, Any]: ...

    # -- lessons -------------------------------------------------------------------

    def record_lesson(
        self,
        kind: str,
        code: str,
        workspace: str | os.PathLike[str],
        path: str,
        line: int,
        *,
        learner: str | None = None,
        time: datetime | str | None = None,
    ) -> bool:
        """Log a lesson shown or fixed at path:line; False when it changes nothing.

        A lesson already open at that place is not logged again (the editor re-reports
        it on every keystroke), and only an open lesson can be fixed.
        """
        if kind not in (LESSON_SHOWN, LESSON_FIXED):
            raise ValueError(f"kind must be {LESSON_SHOWN!r} or {LESSON_FIXED!r}, not {kind!r}")
        who = learner or self.learner
        key = (who, str(workspace), path, code, line)
        with self._write() as conn:
            is_open = conn.execute(
                "SELECT 1 FROM open_lessons WHERE learner = ? AND workspace = ? AND path = ? "
                "AND code = ? AND line = ?",
                key,
            ).fetchone()
            if (kind == LESSON_SHOWN) == bool(is_open):
                return False
            self._lesson_event(conn, kind, key, time)
            return True

    def sync_lessons(
        self,
        workspace: str | os.PathLike[str],
        path: str,
        found: Iterable[tuple[str, int]],
        *,
        silenced: Iterable[tuple[str, int]] = (),
        commit: str | CommitOf | None = None,
        removed: bool = False,
        learner: str | None = None,
        time: datetime | str | None = None,
    ) -> LessonChanges:
        """Bring one file's lessons in line with what analysis `found` now ((code, line))
        and what it found but hides (`silenced`: `# coach: ignore[…]`, `disabledLessons`).

        A lesson that only moved (lines typed above it) is the same lesson: nothing is
        logged for it. A shown lesson that is now silenced is `lesson-suppressed`, never
        `lesson-fixed`; only a lesson gone from the code is fixed (`removed` when its
        file is gone). `commit` (a sha, or a callable asked only when something is
        logged) is the commit whose tree holds this content.
        """
        where = (learner or self.learner, str(workspace), path)
        commit_of: CommitOf = commit if callable(commit) else (lambda: commit)  # type: ignore[assignment,return-value]
        with self._write() as conn:
            open_now, silenced_now = read_index(conn, where)
            plan = plan_lessons(
                open_now, silenced_now, by_code(list(found)), by_code(list(silenced))
            )
            if plan.empty:
                return LessonChanges()
            return apply_plan(self, conn, where, plan, commit=commit_of, removed=removed, time=time)

    def lesson_paths(self, workspace: str | os.PathLike[str]) -> set[str]:
        """Files of `workspace` with an open or silenced lesson in the index."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT path FROM open_lessons WHERE learner = ? AND workspace = ? UNION "
                "SELECT path FROM silenced_lessons WHERE learner = ? AND workspace = ?",
                (self.learner, str(workspace), self.learner, str(workspace)),
            )
            return {r[0] for r in rows}

    def silenced_lessons(
        self, workspace: str | os.PathLike[str] | None = None, learner: str | None = None
    ) -> list[tuple[str, str, str, int]]:
        """(workspace, path, code, line) of lessons still in the code but silenced."""
        return self._lessons_in("silenced_lessons", workspace, learner)

    # -- evidence that reached a commit later -------------------------------------

    def uncommitted(self, workspace: str | os.PathLike[str]) -> set[str]:
        """Milestones of `workspace` logged without a commit and not yet followed by an
        `evidence-committed` event."""
        pending: set[str] = set()
        for event in self.events(workspace):
            if event.kind == MILESTONE and event.payload.get("commit") is None:
                pending.add(str(event.payload.get("id", "")))
            elif event.kind == EVIDENCE_COMMITTED:
                pending.discard(str(event.payload.get("id", "")))
            elif event.kind == RESET:
                pending.clear()
        return pending & set(self.achieved())

    def record_evidence_commit(
        self, id: str, workspace: str | os.PathLike[str], commit: str, path: str, line: int | None
    ) -> Event:
        payload = {"id": id, "commit": commit, "path": path, "line": line}
        with self._write() as conn:
            return self.append(
                conn, EVIDENCE_COMMITTED, self.learner, str(workspace), payload, None
            )

    def open_lessons(
        self, workspace: str | os.PathLike[str] | None = None, learner: str | None = None
    ) -> list[tuple[str, str, str, int]]:
        """(workspace, path, code, line) of lessons shown and not fixed yet."""
        return self._lessons_in("open_lessons", workspace, learner)

    def _lessons_in(
        self, table: str, workspace: str | os.PathLike[str] | None, learner: str | None
    ) -> list[tuple[str, str, str, int]]:
        assert table in ("open_lessons", "silenced_lessons")  # never from input
        sql = f"SELECT workspace, path, code, line FROM {table} WHERE learner = ?"
        args: list[Any] = [learner or self.learner]
        if workspace is not None:
            sql += " AND workspace = ?"
            args.append(str(workspace))
        with self._read() as conn:
            return [tuple(r) for r in conn.execute(sql + " ORDER BY seq", args)]  # type: ignore[misc]

    def _lesson_event(
        self,
        conn: sqlite3.Connection,
        kind: str,
        key: tuple[str, str, str, str, int],
        time: datetime | str | None = None,
    ) -> Event:
        who, ws, path, code, line = key
        payload: dict[str, Any] = {"code": code, "path": path, "line": line}
        if kind == LESSON_FIXED:
            # Point at the event that showed it: the lesson may have moved lines since.
            row = conn.execute(
                "SELECT seq FROM open_lessons WHERE learner = ? AND workspace = ? AND path = ? "
                "AND code = ? AND line = ?",
                key,
            ).fetchone()
            payload["shown"] = row[0] if row else None
        event = self.append(conn, kind, who, ws, payload, time)
        if kind == LESSON_SHOWN:
            conn.execute(
                "INSERT INTO open_lessons (learner, workspace, path, code, line, seq) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (*key, event.seq),
            )
        else:
            conn.execute(
                "DELETE FROM open_lessons WHERE learner = ? AND workspace = ? AND path = ? "
                "AND code = ? AND line = ?",
                key,
            )
        return event
