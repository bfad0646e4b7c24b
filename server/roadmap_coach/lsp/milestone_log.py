"""The server's side of the progress store: record what the code shows, remember
what was achieved, log security lessons shown and fixed.

First achieved wins (the store decides, across editor windows and workspaces) and
nothing is ever un-achieved by the code changing. When the store cannot be used
(locked, unwritable) the server keeps going with an in-memory record and says so
once; it never crashes over the store.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from roadmap_coach.analysis.facts import Span
from roadmap_coach.analysis.file_roles import is_test_path
from roadmap_coach.lsp.workspace_state import Delta, WorkspaceState
from roadmap_coach.progress.evidence import HeadContent
from roadmap_coach.progress.store import MilestoneRecord, Store, StoreError
from roadmap_coach.progress.summary import SECURITY_PREFIXES
from roadmap_coach.roadmap.models import Roadmap
from roadmap_coach.rules.engine import Milestone
from roadmap_coach.rules.lessons.base import LessonFinding
from roadmap_coach.rules.matchers import Evidence

log = logging.getLogger(__name__)

GIT_EVIDENCE = ".git"
CommitOf = Callable[[str], str | None]  # workspace path -> the commit holding its analysed content


def _security(findings: Iterable[LessonFinding]) -> list[tuple[str, int]]:
    return [(f.code, f.span.line + 1) for f in findings if f.code.startswith(SECURITY_PREFIXES)]


@dataclass(frozen=True, slots=True)
class Achieved:
    """A milestone this analysis recorded for the first time."""

    milestone: Milestone
    evidence: Evidence | None


class MilestoneLog:
    def __init__(self, workspace: str | None) -> None:
        self.workspace = workspace or ""
        self.store: Store | None = None
        self.records: dict[str, MilestoneRecord] = {}
        self.pending_warning: str | None = None  # shown once by the server, then cleared
        self._seq = 0
        self._warned = False
        self._head_content: HeadContent | None = None
        self._evidence_head: str | None = None  # HEAD at the last evidence-committed check
        self._synced_loads = -1  # WorkspaceState.loads at the last full lesson sync

    # -- lifecycle -------------------------------------------------------------------
    def open(self, store_path: str | None, learner: str | None) -> list[str]:
        """(Re)open the store; messages for the learner (a damaged store moved aside, an
        unusable one)."""
        from roadmap_coach.progress.identity import resolve_learner

        self.close()
        messages: list[str] = []
        try:
            self.store = Store(store_path, learner=resolve_learner(learner, self.workspace or None))
        except (StoreError, OSError) as exc:
            messages.append(
                f"roadmap-coach cannot use its progress store: {exc} Progress is kept in memory only."
            )
            self.store = None
            self.records = {}
            return messages
        if self.store.notice:
            messages.append(self.store.notice)
        self._synced_loads = -1  # every file's lessons go into this store at the next refresh
        self._evidence_head = None
        self.reload()
        return messages

    def close(self) -> None:
        if self._head_content is not None:
            self._head_content.close()
            self._head_content = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def reload(self) -> dict[str, MilestoneRecord]:
        """Re-read what is achieved (another window may have recorded something)."""
        if self.store is not None:
            try:
                self.records = self.store.achieved()
            except StoreError as exc:
                self._store_failed(exc)
        return self.records

    # -- milestones ------------------------------------------------------------------
    def record(
        self, milestones: Iterable[Milestone], commit: str | CommitOf | None
    ) -> list[Achieved]:
        """Record new milestones; `commit(path)` is the commit holding that file's analysed
        content (or a sha for every file: tests and git milestones)."""
        new: list[Achieved] = []
        for milestone in milestones:
            if milestone.id in self.records:
                continue
            evidence = _recorded_evidence(milestone)
            first = evidence or (milestone.evidence[0] if milestone.evidence else None)
            path = first.path if first else ""
            line = first.span.line + 1 if first and first.path != GIT_EVIDENCE else None
            sha = commit(path) if callable(commit) else commit
            if self._write(milestone, path, line, sha):
                new.append(Achieved(milestone, evidence))
        if new and self.store is not None:
            self.reload()
        return new

    def _write(self, m: Milestone, path: str, line: int | None, commit: str | None) -> bool:
        if self.store is not None:
            try:
                fresh = self.store.record_milestone(
                    m.id, m.step, m.title, self.workspace, path, line, commit
                )
            except StoreError as exc:
                self._store_failed(exc)
            else:
                if not fresh:  # achieved earlier (another workspace or window): not news
                    self.reload()
                return fresh
        self._seq += 1
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        record = MilestoneRecord(
            m.id, m.step, m.title, now, "", self.workspace, path, line, commit, self._seq
        )
        self.records = {**self.records, m.id: record}  # replaced, never mutated: the loop reads it
        return True

    def reset(self) -> None:
        if self.store is not None:
            self.store.reset(confirm=True)
        self.records = {}
        self.reload()

    # -- lessons and history ----------------------------------------------------------
    def sync_lessons(
        self,
        lessons: Mapping[str, list[LessonFinding]],
        silenced: Mapping[str, list[LessonFinding]] | None = None,
        commit: CommitOf | None = None,
        exists: Callable[[str], bool] | None = None,
    ) -> bool:
        """Log security lessons shown, silenced and fixed per file; True when one was fixed
        (silencing is `lesson-suppressed`, never a fix)."""
        if self.store is None:
            return False
        fixed = False
        for path, found in lessons.items():
            hidden = (silenced or {}).get(path, [])
            try:
                changes = self.store.sync_lessons(
                    self.workspace,
                    path,
                    _security(found),
                    silenced=_security(hidden),
                    commit=(lambda p=path: commit(p)) if commit else None,  # type: ignore[misc]
                    removed=exists is not None and not exists(path),
                )
            except StoreError as exc:
                self._store_failed(exc)
                return fixed
            fixed = fixed or any(not e.payload.get("removed") for e in changes.fixed)
        return fixed

    def lesson_paths(self) -> set[str]:
        """Files with a lesson open or silenced in the store (synced when the store opens)."""
        if self.store is None:
            return set()
        try:
            return self.store.lesson_paths(self.workspace)
        except StoreError as exc:
            self._store_failed(exc)
            return set()

    def commit_evidence(self, milestones: Iterable[Milestone], commit: CommitOf) -> int:
        """`evidence-committed` for milestones logged without a commit whose evidence the
        commit now holds (the analysed file is byte-identical there); how many."""
        if self.store is None:
            return 0
        try:
            pending = self.store.uncommitted(self.workspace)
            if not pending:
                return 0
            written = 0
            for milestone in milestones:
                if milestone.id not in pending:
                    continue
                evidence = next((e for e in milestone.evidence if e.path != GIT_EVIDENCE), None)
                sha = commit(evidence.path) if evidence is not None else None
                if evidence is not None and sha:
                    line = evidence.span.line + 1
                    self.store.record_evidence_commit(
                        milestone.id, self.workspace, sha, evidence.path, line
                    )
                    written += 1
            return written
        except StoreError as exc:
            self._store_failed(exc)
            return 0

    def record_derived(self, roadmap: Roadmap) -> list[Achieved]:
        """Checkpoints the recorded history now meets (a security lesson fixed, routes in
        two frameworks over time), recorded by the store's own rules."""
        if self.store is None:
            return []
        from roadmap_coach.progress.derived import record_derived

        try:
            ids = record_derived(self.store, roadmap)
        except StoreError as exc:
            self._store_failed(exc)
            return []
        self.reload()
        found = []
        for mid in ids:
            rec = self.records.get(mid)
            if rec is None:
                continue
            here = rec.workspace == self.workspace and rec.path not in ("", GIT_EVIDENCE)
            line = max((rec.line or 1) - 1, 0)
            evidence = Evidence(rec.path, Span(line, 0, line, 0)) if here else None
            milestone = Milestone(mid, rec.step, rec.title, [evidence] if evidence else [])
            found.append(Achieved(milestone, evidence))
        return found

    # -- one refresh -------------------------------------------------------------------
    def log_refresh(self, state: WorkspaceState, delta: Delta) -> tuple[list[Achieved], bool]:
        """What one refresh means for the log: new milestones (with the commit that holds
        their evidence), lessons shown/silenced/fixed, evidence that reached a commit.
        (new milestones, whether a lesson was really fixed)."""
        head = state.git.head_commit
        sha = head.sha if head else None
        at_head = self._at_head(state, sha)
        new = self.record(state.milestones, at_head)
        lessons, silenced = dict(delta.lessons), dict(delta.silenced)
        if state.loads != self._synced_loads and (state.loads > 0 or state.entries):
            # Every file, not only the ones that changed: lessons that were there when the
            # server started (or the store changed), and ones fixed while it was off.
            full = state.loads > 0
            self._synced_loads = state.loads if full else self._synced_loads
            paths = set(state.lessons) | set(state.silenced)
            if full:
                # A file the scan left out but still on disk (too large now, ignored) is
                # neither fixed nor removed: its lessons stay as they were.
                paths |= {p for p in self.lesson_paths() if not self._on_disk_only(state, p)}
            for path in paths - set(lessons):
                lessons[path] = state.lessons.get(path, [])
                silenced[path] = state.silenced.get(path, [])
        fixed = self.sync_lessons(lessons, silenced, at_head, state.has)
        if new or sha != self._evidence_head:
            self._evidence_head = sha
            if sha is not None:
                self.commit_evidence(state.milestones, at_head)
        return new, fixed

    def _on_disk_only(self, state: WorkspaceState, path: str) -> bool:
        if state.has(path) or not self.workspace:
            return False
        return os.path.lexists(os.path.join(self.workspace, *path.split("/")))

    def _at_head(self, state: WorkspaceState, sha: str | None) -> CommitOf:
        if self._head_content is None or self._head_content.root != (self.workspace or None):
            if self._head_content is not None:
                self._head_content.close()
            self._head_content = HeadContent(self.workspace or None)
        content = self._head_content

        def commit(path: str) -> str | None:
            if path == GIT_EVIDENCE:
                return sha
            digest = state.digest(path)
            if sha is None or digest is None or state.broken(path) is not None:
                return None
            return sha if content.holds(sha, path, digest) else None

        return commit

    def _store_failed(self, exc: StoreError) -> None:
        log.warning("progress store: %s", exc)
        if not self._warned:
            self._warned = True
            self.pending_warning = str(exc)


def _recorded_evidence(milestone: Milestone) -> Evidence | None:
    """The place recorded for a milestone: in a file, and outside test code unless the
    milestone is about tests (a helper in `tests/` is not where "your first function"
    was written when `app.py` has one too)."""
    in_files = [e for e in milestone.evidence if e.path != GIT_EVIDENCE]
    if milestone.step != "testing":
        outside = [e for e in in_files if not is_test_path(e.path)]
        in_files = outside or in_files
    return in_files[0] if in_files else None
