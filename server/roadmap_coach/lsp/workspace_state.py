"""What the server knows about the workspace right now: per-file facts and engine
results, the Git facts, the current milestones and each file's lessons.

A change re-analyses only the file that changed; the workspace-wide part
(`Engine.combine`) folds the kept per-file results, and lessons are re-run only
for files whose facts changed, unless something every lesson reads changed (the
requirements, `.gitignore`, the set of files, Git's index). A file whose newest
content does not parse keeps its last good facts, so nothing the learner achieved
disappears while they are mid-typing.

Mutations run on one worker thread (the server's analysis executor); readers on
the event loop only look up values that are replaced whole, never mutated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from roadmap_coach.analysis.facts import FileFacts, GitFacts, WorkspaceFacts
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.progress.lesson_lifecycle import silenced_security
from roadmap_coach.rules.engine import Engine, FileResult, Milestone
from roadmap_coach.rules.lessons.base import LessonFinding, WorkspaceContext
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.symbols import signature


@dataclass(slots=True)
class Entry:
    facts: FileFacts  # the last facts that could be read (kept through syntax errors)
    result: FileResult
    broken: str | None = None  # why the newest content could not be analysed


@dataclass(slots=True)
class Delta:
    """What a refresh changed, for the presenters."""

    milestones_changed: bool = False
    lessons: dict[str, list[LessonFinding]] = field(default_factory=dict)  # path -> now
    # path -> security lessons found but silenced (`# coach: ignore`, disabledLessons), for
    # every path in `lessons` and every path whose silenced ones changed
    silenced: dict[str, list[LessonFinding]] = field(default_factory=dict)


def _unreadable(facts: FileFacts) -> bool:
    """Content that says nothing reliable about the file: keep the previous facts."""
    if facts.error is None:
        return False
    return facts.kind == "python" or (facts.kind == "toml" and facts.toml is not None)


class WorkspaceState:
    def __init__(self, engine: Engine, root: str | None) -> None:
        self.engine = engine
        self.root = root
        self.entries: dict[str, Entry] = {}
        self.git = GitFacts()
        self.milestones: list[Milestone] = []
        self.lessons: dict[str, list[LessonFinding]] = {}
        self.silenced: dict[str, list[LessonFinding]] = {}
        self.disabled: frozenset[str] = frozenset()
        self.hints = "all"
        self.analyses = 0  # files analysed since start (a debug counter)
        self.loads = 0  # full scans loaded (the progress log syncs every file after one)
        self._context: WorkspaceContext | None = None
        self._paths: Context | None = None
        self._dirty: set[str] = set()
        self._all_dirty = True
        self._results_stale = False
        self._stale_results: set[str] = set()  # files whose engine result waits for a refresh

    # -- inputs ------------------------------------------------------------------
    def put(self, path: str, data: bytes) -> bool:
        """New content for `path` (an editor buffer); False when nothing the rules read changed."""
        self.analyses += 1
        try:
            facts = analyze_bytes(path, data)
        except Exception as exc:  # an analyser bug must never take the server down
            facts = FileFacts(
                path=path, kind="other", error=f"could not analyse ({type(exc).__name__})"
            )
        return self.accept(facts)

    def put_disk(self, path: str, analysed: FileFacts | str) -> bool:
        """What a re-read of the file on disk gave: facts, or why the file is left out."""
        self.analyses += 1
        if isinstance(analysed, str):
            return self.remove(path)
        return self.accept(analysed)

    def accept(self, facts: FileFacts) -> bool:
        old = self.entries.get(facts.path)
        if old is not None and _unreadable(facts):
            changed = old.broken != facts.error
            old.broken = facts.error
            return changed
        if (
            old is not None
            and old.broken is None
            and facts.digest
            and old.facts.digest == facts.digest
        ):
            return False
        return self.put_facts(facts)

    def put_facts(self, facts: FileFacts) -> bool:
        old = self.entries.get(facts.path)
        self.entries[facts.path] = Entry(facts, old.result if old else FileResult())
        if old is None or signature(old.facts) != signature(facts):
            # a new file, or new module-level names that other files' matchers follow
            # (`from app import db`): every result is recomputed at the next refresh,
            # against a matcher context that already holds these facts
            self._paths_changed()
        else:
            if facts.kind != "python" or old.facts.kind != "python":
                self._context = None
            # the rules run after the lessons are published (`refresh_milestones`), so
            # a keystroke's diagnostics never wait for the checkpoints
            self._stale_results.add(facts.path)
        self._dirty.add(facts.path)
        return True

    def remove(self, path: str) -> bool:
        if self.entries.pop(path, None) is None:
            return False
        self._paths_changed()
        self._dirty.add(path)
        return True

    def load(self, ws: WorkspaceFacts, keep: Iterable[str] = ()) -> None:
        """A full scan's facts; `keep` are files whose editor buffer is newer than the disk."""
        kept = {p: self.entries[p] for p in keep if p in self.entries}
        gone = set(self.entries) - set(ws.files) - set(kept)
        self.entries = {}
        for path, facts in ws.files.items():
            if path not in kept:
                self.entries[path] = Entry(facts, FileResult())
        self.entries.update(kept)
        self.git = ws.git
        self.loads += 1
        self._dirty |= gone
        self._paths_changed()

    def set_git(self, git: GitFacts) -> bool:
        if git == self.git:
            return False
        if git.tracked != self.git.tracked:
            self._context = None
            self._all_dirty = True
        self.git = git
        return True

    def set_engine(self, engine: Engine) -> None:
        self.engine = engine
        self._results_stale = True
        self._all_dirty = True

    def set_lesson_options(self, disabled: frozenset[str], hints: str) -> None:
        if (disabled, hints) != (self.disabled, self.hints):
            self.disabled, self.hints = disabled, hints
            self._all_dirty = True

    # -- derived -------------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> Delta:
        """Bring milestones and lessons up to date with the inputs since the last refresh."""
        delta = self.refresh_lessons(force=force)
        self.refresh_milestones(delta, force=force)
        return delta

    def refresh_milestones(self, delta: Delta, *, force: bool = False) -> None:
        """The engine's part: stale per-file results, then the workspace-wide combine."""
        if self._results_stale:
            self._results_stale = False
            self._stale_results.clear()
            self._paths = None  # built from this moment's files, not the ones before a put
            for entry in self.entries.values():
                entry.result = self._result(entry.facts)
        for path in sorted(self._stale_results):
            entry = self.entries.get(path)
            if entry is not None:
                entry.result = self._result(entry.facts)
        self._stale_results.clear()
        milestones = self.engine.combine({p: e.result for p, e in self.entries.items()}, self.git)
        if force or not _same_milestones(milestones, self.milestones):
            delta.milestones_changed = True
        self.milestones = milestones

    def refresh_lessons(self, *, force: bool = False) -> Delta:
        """The lessons of every file whose inputs changed (what a keystroke waits for)."""
        delta = Delta()
        if self._context is None:
            self._context = self.engine.context((e.facts for e in self.entries.values()), self.git)
            self._context.complete = self.loads > 0  # RC901 waits for the first scan
            self._all_dirty = True
        every = self._all_dirty or force
        targets = (
            set(self.entries) | set(self.lessons) | set(self.silenced) if every else self._dirty
        )
        self._all_dirty = False
        self._dirty = set()
        for path in sorted(targets):
            entry = self.entries.get(path)
            hidden: list[LessonFinding] = []
            if entry is None:
                found: list[LessonFinding] = []
            elif entry.broken is not None:
                continue  # the last lessons stay until the file reads again
            else:
                found = self._lessons(entry.facts)
                hidden = self._silenced(entry.facts)
            was_hidden = self.silenced.get(path, [])
            if found != self.lessons.get(path, []) or hidden != was_hidden or force:
                delta.lessons[path] = found
                delta.silenced[path] = hidden
            if found:
                self.lessons[path] = found
            else:
                self.lessons.pop(path, None)
            if hidden:
                self.silenced[path] = hidden
            else:
                self.silenced.pop(path, None)
        return delta

    def facts(self, path: str) -> FileFacts | None:
        entry = self.entries.get(path)
        return entry.facts if entry is not None else None

    def broken(self, path: str) -> str | None:
        entry = self.entries.get(path)
        return entry.broken if entry is not None else None

    # -- internals -----------------------------------------------------------------
    def _paths_changed(self) -> None:
        # Matchers may look at which files exist (a template named by render_template),
        # so every result is recomputed; the facts themselves are kept.
        self._paths = None
        self._context = None
        self._results_stale = True

    def _result(self, facts: FileFacts) -> FileResult:
        if self._paths is None:
            self._paths = Context.of({p: e.facts for p, e in self.entries.items()})
        try:
            return self.engine.file_result(facts, self._paths)
        except Exception:  # a broken matcher must not cost the learner the other files
            return FileResult()

    def _silenced(self, facts: FileFacts) -> list[LessonFinding]:
        assert self._context is not None
        return silenced_security(self.engine, facts, self._context, self.disabled)

    def _lessons(self, facts: FileFacts) -> list[LessonFinding]:
        assert self._context is not None
        try:
            return self.engine.lessons_for(facts, self._context, self.disabled, self.hints)
        except Exception:
            return []


def _same_milestones(a: list[Milestone], b: list[Milestone]) -> bool:
    if len(a) != len(b):
        return False
    return all(x.id == y.id and x.evidence == y.evidence for x, y in zip(a, b, strict=True))
