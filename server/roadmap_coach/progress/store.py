"""The learner's progress store: an append-only, hash-chained event log in SQLite.

Every write is one `BEGIN IMMEDIATE` transaction that checks and appends together,
so two editor windows (two processes) recording at once keep one chain and the
first achievement of a milestone wins. Milestones are never un-achieved by code
changes; only an explicit reset (itself an event) starts over.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from roadmap_coach.progress.chain import (
    GENESIS,
    MILESTONE,
    RESET,
    Event,
    seal,
    utc_timestamp,
)
from roadmap_coach.progress.database import (
    StoreError,
    default_store_path,
    describe,
    open_database,
    resolve_store_path,
)
from roadmap_coach.progress.identity import resolve_learner
from roadmap_coach.progress.lesson_index import LessonChanges
from roadmap_coach.progress.store_lessons import LessonStore

__all__ = [
    "LessonChanges",
    "MilestoneRecord",
    "Store",
    "StoreError",
    "default_store_path",
]

DEFAULT_BUSY_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class MilestoneRecord:
    """When and where a milestone was first achieved."""

    id: str
    step: str
    title: str
    time: str
    learner: str
    workspace: str
    path: str
    line: int | None
    commit: str | None
    seq: int


class Store(LessonStore):
    """One learner's store. Safe to share between threads; one per process is enough."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        learner: str | None = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT_S,
    ) -> None:
        self.path: Path = resolve_store_path(path)
        self.learner: str = learner or resolve_learner()
        self.busy_timeout = busy_timeout
        self._lock = threading.RLock()
        opened = open_database(self.path, busy_timeout)
        self._conn: sqlite3.Connection | None = opened.connection
        # Set when a damaged store was moved aside; the server shows it once.
        self.notice: str | None = opened.notice

    # -- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- milestones ----------------------------------------------------------------

    def record_milestone(
        self,
        id: str,
        step: str,
        title: str,
        workspace: str | os.PathLike[str],
        path: str,
        line: int | None,
        commit: str | None = None,
        time: datetime | str | None = None,
        *,
        learner: str | None = None,
    ) -> bool:
        """Record `id` as achieved; False (and nothing written) if it already was."""
        who = learner or self.learner
        payload = {
            "id": id,
            "step": step,
            "title": title,
            "path": path,
            "line": line,
            "commit": commit,
        }
        with self._write() as conn:
            taken = conn.execute(
                "SELECT 1 FROM achieved WHERE learner = ? AND milestone = ?", (who, id)
            ).fetchone()
            if taken:
                return False
            event = self.append(conn, MILESTONE, who, str(workspace), payload, time)
            conn.execute(
                "INSERT INTO achieved (learner, milestone, seq) VALUES (?, ?, ?)",
                (who, id, event.seq),
            )
            return True

    def achieved(
        self, learner: str | None = None, workspace: str | os.PathLike[str] | None = None
    ) -> dict[str, MilestoneRecord]:
        """Milestones achieved since the last reset, by id (optionally for one workspace)."""
        sql = (
            "SELECT e.seq, e.time, e.learner, e.workspace, e.payload FROM achieved a "
            "JOIN events e ON e.seq = a.seq WHERE a.learner = ?"
        )
        args: list[Any] = [learner or self.learner]
        if workspace is not None:
            sql += " AND e.workspace = ?"
            args.append(str(workspace))
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY e.seq", args).fetchall()
        records = {}
        for seq, time, who, ws, raw in rows:
            p = json.loads(raw)
            records[p["id"]] = MilestoneRecord(
                id=p["id"],
                step=p.get("step", ""),
                title=p.get("title", ""),
                time=time,
                learner=who,
                workspace=ws,
                path=p.get("path", ""),
                line=p.get("line"),
                commit=p.get("commit"),
                seq=seq,
            )
        return records

    def reset(self, *, confirm: bool = False, learner: str | None = None) -> Event:
        """Start over: milestones before the appended `reset` event count as not achieved."""
        if not confirm:
            raise ValueError(
                "reset(confirm=True) is required: it starts the learner's progress over"
            )
        who = learner or self.learner
        with self._write() as conn:
            cleared = conn.execute("SELECT COUNT(*) FROM achieved WHERE learner = ?", (who,))
            count = cleared.fetchone()[0]
            event = self.append(conn, RESET, who, "", {"cleared": count}, None)
            conn.execute("DELETE FROM achieved WHERE learner = ?", (who,))
            return event

    # -- the log -------------------------------------------------------------------

    def events(
        self, workspace: str | os.PathLike[str] | None = None, *, after: int = 0
    ) -> list[Event]:
        """Events in chain order; with `workspace`, only that workspace's (and resets)."""
        sql = "SELECT seq, time, kind, learner, workspace, payload, prev_hash, hash FROM events"
        sql += " WHERE seq > ?"
        args: list[Any] = [after]
        if workspace is not None:
            sql += " AND (workspace = ? OR kind = ?)"
            args += [str(workspace), RESET]
        with self._read() as conn:
            rows = conn.execute(sql + " ORDER BY seq", args).fetchall()
        return [
            Event(seq, time, kind, who, ws, json.loads(payload), prev, digest)
            for seq, time, kind, who, ws, payload, prev, digest in rows
        ]

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the newest event; (0, GENESIS) for an empty log."""
        with self._read() as conn:
            row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    # -- internals -----------------------------------------------------------------

    def append(
        self,
        conn: sqlite3.Connection,
        kind: str,
        learner: str,
        workspace: str,
        payload: dict[str, Any],
        time: datetime | str | None,
    ) -> Event:
        """Append inside a transaction this store opened (`_write`)."""
        row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
        event = seal(seq, utc_timestamp(time), kind, learner, workspace, payload, prev)
        conn.execute(
            "INSERT INTO events (seq, time, kind, learner, workspace, payload, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.seq,
                event.time,
                event.kind,
                event.learner,
                event.workspace,
                json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False),
                event.prev_hash,
                event.hash,
            ),
        )
        return event

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"The progress store {self.path} is closed.")
        return self._conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: the check and the append see the same log."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(describe(exc, self.path, self.busy_timeout)) from exc
            try:
                yield conn
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise StoreError(describe(exc, self.path, self.busy_timeout)) from exc
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise StoreError(describe(exc, self.path, self.busy_timeout)) from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.Error as exc:
                raise StoreError(describe(exc, self.path, self.busy_timeout)) from exc
