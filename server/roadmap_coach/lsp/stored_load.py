"""A workspace opened again, unchanged, loaded from the server's stored result of its
last evaluation (`lsp.stored_fold`): its files are known by path, digest and kind
only, and their records are decoded in the background once the scan has ended
(`decode_stored`, off the analysis thread) or by the first change that needs them
(`_materialize`); until then nothing is evaluated, as nothing could differ. An edit
of an open Python file needs none of them for its lessons (the fold keeps the
lessons' workspace context): its diagnostics never wait for that decode, only its
checkpoints do.

`StoredLoad` is the part of `lsp.workspace_state.WorkspaceState` that does this; it
reads and sets the state's fields, declared below.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable

from roadmap_coach.analysis.facts import FileFacts, GitFacts
from roadmap_coach.lsp.stored_fold import StoredFold
from roadmap_coach.lsp.workspace_entries import Delta, Entry, same_milestones
from roadmap_coach.rules.engine import Engine, Milestone
from roadmap_coach.rules.lessons.base import LessonFinding, WorkspaceContext
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.records import FileRecord

Report = Callable[[int, int], None]  # (done, total) of the files evaluated


class LazyRecords:
    """The records a stored fold stands for, decoded once, by whichever thread asks
    first (the others wait for it); nothing is decoded after `close`."""

    def __init__(
        self, load: Callable[[], dict[str, FileRecord]], close: Callable[[], None]
    ) -> None:
        self._load: Callable[[], dict[str, FileRecord]] | None = load
        self._close = close
        self._lock = threading.Lock()
        self._records: dict[str, FileRecord] | None = None
        self._closed = False
        self.background = False  # a thread other than the analysis thread decodes them

    def decoding(self) -> bool:
        """Decoded by that thread, not yet done (taking them now would wait)."""
        return self.background and self._records is None and self._load is not None

    def decode(self) -> dict[str, FileRecord] | None:
        with self._lock:
            if self._records is None and self._load is not None and not self._closed:
                try:
                    self._records = self._load()
                except BaseException:
                    self.background = False  # the analysis thread tries again when it must
                    raise
                self._load = None
                self._close()
            if self._closed:  # closed meanwhile: nobody takes them
                self._records = None
            return self._records

    def close(self) -> None:
        """Never waits for a decode under way (a session ending after a reopen would wait
        for every record): that decode lets go of the cache when it ends."""
        self._closed = True
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self._load is not None:
                self._load = None
                self._close()
            self._records = None
        finally:
            self._lock.release()


class StoredLoad:
    """The stored-fold part of `WorkspaceState`; the fields it shares with the rest of
    the state are declared here and set by `WorkspaceState.__init__`."""

    engine: Engine
    entries: dict[str, Entry]
    git: GitFacts
    milestones: list[Milestone]
    lessons: dict[str, list[LessonFinding]]
    silenced: dict[str, list[LessonFinding]]
    disabled: frozenset[str]
    hints: str
    loads: int
    records_loaded: int
    records_loaded_for_lessons: int
    stored_loads: int
    generation: int
    report: Report | None
    _loaded: int | None
    _lazy: LazyRecords | None
    _pending: StoredFold | None
    _pending_milestones: list[Milestone] | None
    _context: WorkspaceContext | None
    _paths: Context | None
    _dirty: set[str]
    _all_dirty: bool
    _check_all: bool
    _check: set[str]
    _stale_results: set[str]
    _unsure: set[str]

    def load_stored(
        self,
        fold: StoredFold,
        git: GitFacts,
        keep: Iterable[str],
        records: Callable[[], dict[str, FileRecord]],
        close: Callable[[], None],
        *,
        engine: Engine,
    ) -> bool:
        """A full scan whose evaluation under these settings is `fold` (stored the last
        time the same files, Git facts and settings were evaluated); `records()` gives
        its records when a change needs them, `close()` lets go of where they are.
        False, and nothing changed, when the fold cannot stand for this state: another
        engine or settings, or an editor buffer that differs from the disk."""
        if engine is not self.engine or (fold.disabled, fold.hints) != (self.disabled, self.hints):
            return False
        kept = {p: self.entries[p] for p in keep if p in self.entries}
        for path, entry in kept.items():
            known = fold.files.get(path)
            if known is None or known[0] != entry.digest or entry.broken is not None:
                return False
        self._drop_lazy()
        self.generation += 1
        entries: dict[str, Entry] = {}
        for path, (digest, kind) in fold.files.items():
            entry = kept.get(path)
            if entry is None:
                entry = Entry(None, None, digest, kind, lazy=True)
            else:
                entry.lazy = True  # an unchanged buffer: its record comes with the others
            entries[path] = entry
        self.entries = entries
        self.git = git
        self.loads += 1
        self.stored_loads += 1
        self._lazy = LazyRecords(records, close)
        self._pending, self._pending_milestones = fold, fold.milestones
        self._context = fold.context
        if self._context is not None:
            self._context.complete = True
        self._paths = None
        self._all_dirty = False
        self._dirty = set()
        self._check_all = False
        self._check = set()
        self._stale_results = set()
        self._unsure = set()
        self._loaded = None  # it is stored already
        return True

    def _stored_lessons(self) -> Delta:
        """A stored fold's lessons: a delta as a full evaluation gives (the files whose
        lessons differ from what was published before)."""
        fold, self._pending = self._pending, None
        assert fold is not None
        delta = Delta()
        paths = set(fold.lessons) | set(fold.silenced) | set(self.lessons) | set(self.silenced)
        for path in paths:
            found = fold.lessons.get(path, [])
            hidden = fold.silenced.get(path, [])
            if found != self.lessons.get(path, []) or hidden != self.silenced.get(path, []):
                delta.lessons[path] = found
                delta.silenced[path] = hidden
        self.lessons = {p: f for p, f in fold.lessons.items() if f}
        self.silenced = {p: f for p, f in fold.silenced.items() if f}
        return delta

    def _stored_milestones(self, delta: Delta, *, force: bool) -> None:
        milestones = self._pending_milestones
        self._pending_milestones = None
        if milestones is not None:
            if force or not same_milestones(milestones, self.milestones):
                delta.milestones_changed = True
            self.milestones = milestones
        elif force:
            delta.milestones_changed = True
        if self.report is not None:
            self.report(1, 1)

    def _materialize(self, *, checkpoints: bool = False) -> None:
        """Decode the records a stored fold stands for: a change needs them (the
        matchers' and lessons' contexts, `combine`). Nothing is evaluated again: the
        state is the one the fold was made from."""
        lazy = self._lazy
        if lazy is None:
            return
        self._lazy = None
        if self._pending is not None:
            self._all_dirty = True  # never published: the next refresh gives every file's
        # the next `refresh_milestones` combines the records and announces what moved
        self._pending = self._pending_milestones = None
        try:
            records = lazy.decode() or {}
        finally:
            lazy.close()
        self.records_loaded += len(records)
        if not checkpoints:  # a change, or its lessons, waited for them
            self.records_loaded_for_lessons += len(records)
        unsure, self._unsure = self._unsure, set()
        for path in unsure:
            entry, record = self.entries.get(path), records.get(path)
            if entry is not None and (record is None or record.summary != entry.summary):
                self._names_changed()
        lost = False
        for path, entry in list(self.entries.items()):
            if not entry.lazy:
                continue
            record = records.get(path)
            if record is None or record.digest != entry.digest:
                # gone from the cache and read again: unreadable now (left out, as a scan
                # leaves it), or changed meanwhile (the watcher reports it too)
                self._dirty.add(path)
                lost = True
                if record is None:
                    del self.entries[path]
                elif entry.facts is None:
                    self.entries[path] = Entry.of_record(record)
                else:
                    entry.lazy = False
                    entry.record = record
                    self._stale_results.add(path)
                continue
            entry.lazy = False
            entry.record, entry.result = record, None
            if entry.summary is None:
                entry.summary = record.summary
        if lost:
            self._paths_changed()  # the next refresh evaluates every file again
        elif self._context is None:
            slims = (e.slim() for e in self.entries.values())
            self._context = self.engine.context((s for s in slims if s is not None), self.git)
            self._context.complete = self.loads > 0

    def _edit_while_lazy(self, old: Entry | None, facts: FileFacts) -> bool:
        """New content of a Python file whose kind and the lessons' context stand: the
        stored records stay as they are until the checkpoints need them."""
        return (
            self._lazy is not None
            and self._pending is None
            and self._context is not None
            and old is not None
            and old.broken is None
            and old.kind == "python"
            and facts.kind == "python"
        )

    def _lessons_without_records(self, force: bool) -> bool:
        """Only edited buffers changed since a stored fold: their lessons need their own
        facts and the fold's workspace context, none of the records."""
        if self._lazy is None or force or self._all_dirty or self._context is None:
            return False
        for path in self._dirty:
            entry = self.entries.get(path)
            if entry is None or (entry.facts is None and entry.broken is None):
                return False
        return True

    def decode_stored(self) -> Callable[[], object] | None:
        """Where the records of a stored fold are decoded, for a thread other than the
        analysis thread; the next change (or `_materialize`) takes them without waiting."""
        lazy = self._lazy
        if lazy is None:
            return None
        lazy.background = True
        return lazy.decode

    def waits_for_records(self) -> bool:
        """Checkpoints of a change wait for the stored records being decoded."""
        return self._lazy is not None and bool(self._stale_results)

    def _drop_lazy(self) -> None:
        lazy, self._lazy = self._lazy, None
        self._pending = self._pending_milestones = None
        self._unsure = set()
        if lazy is not None:
            lazy.close()

    def _paths_changed(self) -> None:
        raise NotImplementedError

    def _names_changed(self) -> None:
        raise NotImplementedError
