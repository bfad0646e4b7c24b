"""What the server knows about the workspace right now: every file's record (its part
of the rules: `rules.records`), the full facts of editor buffers only, the Git facts,
the current milestones and each file's lessons.

A change re-makes only the record of the file that changed; the workspace-wide part
(`Engine.combine`) folds the kept records, and lessons are re-run only for files
that changed, unless something every lesson reads changed (the requirements,
`.gitignore`, the set of files, Git's index). When the workspace's paths or
module-level names change, a kept record is re-checked (`Engine.still_valid`: its
own questions asked again) and made again only when an answer moved, from the
buffer's facts or, for a file nobody has open, from the file on disk. A file whose
newest content does not parse keeps its last good record, so nothing the learner
achieved disappears while they are mid-typing, and its lessons, moved with the lines
typed around them (`lsp.kept_lessons`).

A workspace opened again, unchanged, is loaded from the server's stored result of its
last evaluation (`lsp.stored_load`).

Mutations run on one worker thread (the server's analysis executor); readers on
the event loop only look up values that are replaced whole, never mutated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from roadmap_coach.analysis.facts import FileFacts, GitFacts
from roadmap_coach.analysis.files import analyze_bytes
from roadmap_coach.analysis.workspace import analyze_file
from roadmap_coach.lsp.file_lessons import facts_lessons, record_lessons, silenced_lessons
from roadmap_coach.lsp.kept_lessons import Moves, Placed, moved
from roadmap_coach.lsp.stored_fold import StoredFold
from roadmap_coach.lsp.stored_load import LazyRecords, Report, StoredLoad
from roadmap_coach.lsp.workspace_entries import Delta, Entry, same_milestones, unreadable
from roadmap_coach.rules.block_lessons import BlockLessons
from roadmap_coach.rules.engine import Engine, Milestone
from roadmap_coach.rules.lessons.base import LessonFinding, WorkspaceContext
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.records import FileRecord, slim_facts
from roadmap_coach.rules.symbols import Symbols, signature

__all__ = ["Delta", "Entry", "WorkspaceState"]


class WorkspaceState(StoredLoad):
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
        self.records_made = 0  # records made here from facts (a debug counter)
        self.lessons_run = 0  # files whose lessons were evaluated (a debug counter)
        self.blocks = BlockLessons()  # the lessons of buffers, per top-level statement
        self.loads = 0  # full scans loaded (the progress log syncs every file after one)
        self.records_loaded = 0  # scans' records decoded into this state (a debug counter)
        self.stored_loads = 0  # scans taken whole from a stored fold (a debug counter)
        # records of a stored fold decoded while lessons waited for them (a debug counter)
        self.records_loaded_for_lessons = 0
        # bumped by every change of what the rules see: a fold is stored only for the
        # state a load left, unchanged (`fold_snapshot`)
        self.generation = 0
        self._loaded: int | None = None  # the generation a load of disk content left
        self._lazy: LazyRecords | None = None
        # a stored fold's lessons and milestones, published by the next refresh
        self._pending: StoredFold | None = None
        self._pending_milestones: list[Milestone] | None = None
        # set by the scan while its records are evaluated: `$/progress` of the lessons
        self.report: Report | None = None
        self._context: WorkspaceContext | None = None
        self._paths: Context | None = None
        self._dirty: set[str] = set()
        self._all_dirty = True
        self._check_all = False  # every kept record is re-checked at the next refresh
        self._check: set[str] = set()  # kept records to re-check
        self._stale_results: set[str] = set()  # files whose record waits for a refresh
        # the buffer text each open file's lessons were found on, or moved to
        # (`lsp.kept_lessons`: a buffer that stops parsing keeps them, moved with its lines)
        self._shown_text: dict[str, bytes] = {}
        # where the lines of its last parsed text are now, for each buffer that stopped
        # parsing: its milestones' evidence is that text's (`placed_line`)
        self._placed: dict[str, Placed] = {}
        # buffers edited before the stored records were decoded: their old names are
        # compared with the new ones once they are (`_materialize`)
        self._unsure: set[str] = set()

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
        changed = self.accept(facts, editor=True)
        entry = self.entries.get(path)
        shown = self._shown_text.get(path)
        if entry is not None and entry.broken is not None:
            if shown is not None:
                self._move_kept_lessons(path, shown, data)
        else:
            self._placed.pop(path, None)
        self._shown_text[path] = data  # decoded only when the buffer stops parsing
        return changed

    def _move_kept_lessons(self, path: str, before: bytes, after: bytes) -> None:
        """A buffer that does not parse keeps its lessons, on the lines they are about."""
        moves = Moves(before.decode("utf-8", "replace"), after.decode("utf-8", "replace"))
        if moves.unchanged:
            return
        self._placed.setdefault(path, Placed()).edits.append(moves)
        for kept in (self.lessons, self.silenced):
            findings = kept.get(path)
            if findings:
                kept[path] = moved(findings, moves)  # replaced whole: readers

    def placed_line(self, path: str, line: int) -> int | None:
        """Where a line of the text `path`'s facts were made from is in its buffer now (None
        while an edit since touched it): not the same text only while the buffer does not
        parse."""
        placed = self._placed.get(path)
        return line if placed is None else placed.line(line)

    def put_disk(self, path: str, analysed: FileFacts | str) -> bool:
        """What a re-read of the file on disk gave: facts, or why the file is left out."""
        self.analyses += 1
        self._shown_text.pop(path, None)  # its lessons are the disk's from now on
        self._placed.pop(path, None)
        if isinstance(analysed, str):
            return self.remove(path)
        return self.accept(analysed)

    def accept(self, facts: FileFacts, *, editor: bool = False) -> bool:
        old = self.entries.get(facts.path)
        if old is not None and unreadable(facts):
            changed = old.broken != facts.error
            old.broken = facts.error
            old.editor = editor
            return changed
        if old is not None and old.broken is None and facts.digest and old.digest == facts.digest:
            if editor and old.facts is None:
                old.facts = facts  # the same content, now a buffer: keep what the keys need
            elif not editor and old.record is not None and facts.path not in self._stale_results:
                old.facts = None  # a buffer closed: its record is all that is kept
            old.editor = editor
            return False
        return self.put_facts(facts, editor=editor)

    def put_facts(self, facts: FileFacts, *, editor: bool = False) -> bool:
        old = self.entries.get(facts.path)
        if not self._edit_while_lazy(old, facts):
            self._materialize()
            old = self.entries.get(facts.path)
        self.generation += 1
        summary = signature(facts)
        entry = Entry(
            old.record if old is not None else None,
            summary,
            facts.digest,
            facts.kind,
            facts,
            editor,
            result=old.result if old is not None else None,
        )
        self.entries[facts.path] = entry
        if old is None:
            self._paths_changed()  # a new file
        elif self._lazy is not None:
            self._unsure.add(facts.path)  # its names are known once the records are
        elif old.summary != summary:
            # new module-level names that other files' matchers follow (`from app import
            # db`): every kept record is re-checked at the next refresh, against a matcher
            # context that already holds these names. The lessons' context holds paths and
            # dependency files, not names: it stands, and so do the other files' lessons
            # (a keystroke that adds an import re-runs the lessons of this file only).
            self._names_changed()
        if old is not None and (facts.kind != "python" or old.kind != "python"):
            self._context = None
        # the rules run after the lessons are published (`refresh_milestones`), so
        # a keystroke's diagnostics never wait for the checkpoints
        self._stale_results.add(facts.path)
        self._dirty.add(facts.path)
        return True

    def remove(self, path: str) -> bool:
        if path not in self.entries:
            return False
        self._materialize()
        self.generation += 1
        del self.entries[path]
        self._stale_results.discard(path)
        self._shown_text.pop(path, None)
        self._placed.pop(path, None)
        self._paths_changed()
        self._dirty.add(path)
        return True

    def load(
        self,
        records: dict[str, FileRecord],
        git: GitFacts,
        keep: Iterable[str] = (),
        *,
        engine: Engine | None = None,
    ) -> None:
        """A full scan's records (made by `engine`, valid in the workspace the scan saw);
        `keep` are files whose editor buffer is newer than the disk."""
        self._drop_lazy()
        self.records_loaded += len(records)
        self.generation += 1
        kept = {p: self.entries[p] for p in keep if p in self.entries}
        pure = all(p in records and records[p].digest == e.digest for p, e in kept.items())
        self._loaded = (
            self.generation if pure and (engine is None or engine is self.engine) else None
        )
        gone = set(self.entries) - set(records) - set(kept)
        for entry in kept.values():
            entry.lazy = False  # a buffer kept from a stored fold: its record is made again
        self.entries = {}
        for path, record in records.items():
            if path not in kept:
                self.entries[path] = Entry.of_record(record)
        self.entries.update(kept)
        self._stale_results &= set(self.entries)
        self.git = git
        self.loads += 1
        self._dirty |= gone
        self._context = None
        self._paths = None
        self._all_dirty = True
        if engine is not None and engine is not self.engine:
            self._made_by_another_engine()
        elif all(
            path in records and records[path].summary == entry.summary
            for path, entry in kept.items()
        ):
            # the workspace the scan's records were made in, with the same names: only
            # records kept from before it need a check
            self._check |= set(kept)
        else:
            self._check_all = True

    def set_git(self, git: GitFacts) -> bool:
        if git == self.git:
            return False
        self._materialize()
        self.generation += 1
        if git.tracked != self.git.tracked:
            self._context = None
            self._all_dirty = True
        self.git = git
        return True

    def set_engine(self, engine: Engine) -> None:
        self._materialize()
        self.generation += 1
        self.engine = engine
        self._made_by_another_engine()

    def set_lesson_options(self, disabled: frozenset[str], hints: str) -> None:
        if (disabled, hints) != (self.disabled, self.hints):
            self._materialize()
            self.generation += 1
            self.disabled, self.hints = disabled, hints
            self._all_dirty = True

    # -- derived -------------------------------------------------------------------
    def refresh(self, *, force: bool = False) -> Delta:
        """Bring milestones and lessons up to date with the inputs since the last refresh."""
        delta = self.refresh_lessons(force=force)
        self.refresh_milestones(delta, force=force)
        return delta

    def refresh_milestones(self, delta: Delta, *, force: bool = False) -> None:
        """The engine's part: stale records, then the workspace-wide combine."""
        lazy = self._lazy
        stored = self._pending_milestones is not None or not force
        if lazy is not None and not self._stale_results and stored:
            self._stored_milestones(delta, force=force)
            return
        if lazy is not None and lazy.decoding() and self._pending_milestones is None and not force:
            # the records are on their way: the scan refreshes once they are here, so
            # the next keystroke does not wait behind this one's checkpoints
            return
        self._materialize(checkpoints=True)
        if self._dirty or self._all_dirty:
            # records lost from the cache since the scan: their lessons, as a full
            # evaluation gives them (the presenters publish `delta.late`)
            late = self.refresh_lessons()
            delta.lessons.update(late.lessons)
            delta.silenced.update(late.silenced)
            if late.lessons:
                delta.late = late
        entries = self.entries
        stale = self._stale_results
        if self._check_all or self._check:
            checks = entries.keys() if self._check_all else self._check
            for path in sorted(p for p in checks if p not in stale and p in entries):
                record = entries[path].record
                if record is None or not self.engine.still_valid(record, self._matcher_context()):
                    stale.add(path)
            self._check_all = False
            self._check = set()
        for path in sorted(stale):
            entry = entries.get(path)
            if entry is not None:
                self._make(path, entry)
        stale.clear()
        milestones = self.engine.combine({p: e.folded() for p, e in entries.items()}, self.git)
        if self.report is not None:
            self.report(1, 1)
        if force or not same_milestones(milestones, self.milestones):
            delta.milestones_changed = True
        self.milestones = milestones

    def refresh_lessons(self, *, force: bool = False) -> Delta:
        """The lessons of every file whose inputs changed (what a keystroke waits for)."""
        if self._pending is not None:
            return self._stored_lessons()
        if self._lazy is not None and not (force or self._all_dirty or self._dirty):
            return Delta()  # nothing changed since the stored fold: nothing to evaluate
        if not self._lessons_without_records(force):
            self._materialize()
        delta = Delta()
        if self._context is None:
            slims = (e.slim() for e in self.entries.values())
            self._context = self.engine.context((s for s in slims if s is not None), self.git)
            self._context.complete = self.loads > 0  # RC901 waits for the first scan
            self._all_dirty = True
        every = self._all_dirty or force
        targets = (
            set(self.entries) | set(self.lessons) | set(self.silenced) if every else self._dirty
        )
        self._all_dirty = False
        self._dirty = set()
        # the milestones' combine, after the lessons, counts as one more file
        report, total = self.report, len(targets) + 1
        self.lessons_run += len(targets)
        for done, path in enumerate(sorted(targets), 1):
            if report is not None and done % 256 == 0:
                report(done, total)
            entry = self.entries.get(path)
            hidden: list[LessonFinding] = []
            if entry is None:
                found: list[LessonFinding] = []
            elif entry.broken is not None:
                continue  # the last lessons stay until the file reads again
            elif entry.facts is not None:
                found = self._lessons(entry.facts)
                hidden = self._silenced(entry.facts)
            elif entry.record is not None:
                found, hidden = self._record_lessons(entry.record)
            else:
                found = []
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

    def has(self, path: str) -> bool:
        """Is `path` a file of the workspace as the server knows it?"""
        return path in self.entries

    def digest(self, path: str) -> str | None:
        """The content digest of the newest readable content of `path`."""
        entry = self.entries.get(path)
        return entry.digest if entry is not None else None

    def facts(self, path: str) -> FileFacts | None:
        """The full facts of an editor buffer (other files keep their record only)."""
        entry = self.entries.get(path)
        return entry.facts if entry is not None else None

    def record(self, path: str) -> FileRecord | None:
        entry = self.entries.get(path)
        return entry.record if entry is not None else None

    def broken(self, path: str) -> str | None:
        entry = self.entries.get(path)
        return entry.broken if entry is not None else None

    def fold_snapshot(self) -> StoredFold | None:
        """What the last `load` evaluated to, while nothing changed since (else None)."""
        if self._loaded != self.generation or self._lazy is not None:
            return None
        if self._dirty or self._stale_results or self._all_dirty or self._check_all:
            return None
        if any(e.broken is not None for e in self.entries.values()):
            return None
        files = {p: (e.digest, e.kind) for p, e in self.entries.items()}
        return StoredFold(
            self.disabled,
            self.hints,
            list(self.milestones),
            dict(self.lessons),
            dict(self.silenced),
            files,
            replace(self._context, memo={}) if self._context is not None else None,
        )

    def close(self) -> None:
        self._drop_lazy()

    # -- internals -----------------------------------------------------------------
    def _paths_changed(self) -> None:
        # Matchers may look at which files exist (a template named by render_template)
        # and follow names across modules: kept records are re-checked against the new
        # context, and made again only where an answer moved.
        self._names_changed()
        self._context = None

    def _names_changed(self) -> None:
        self._paths = None
        self._check_all = True

    def _made_by_another_engine(self) -> None:
        """Records of another roadmap say nothing under this one: every file is made
        again, from its buffer or from the disk."""
        self._paths = None
        self._context = None
        self._all_dirty = True
        self._check_all = False
        self._check = set()
        for path, entry in list(self.entries.items()):
            if entry.facts is None:
                facts = self._read(path)
                if facts is None:
                    continue  # gone meanwhile: the watcher reports it
                entry.facts = facts
            self._stale_results.add(path)

    def _read(self, path: str) -> FileFacts | None:
        if self.root is None:
            return None
        self.analyses += 1
        found = analyze_file(self.root, path)
        return None if isinstance(found, str) or unreadable(found) else found

    def _matcher_context(self) -> Context:
        if self._paths is None:
            symbols = Symbols()
            for entry in self.entries.values():
                symbols.add_summary(entry.summary)
            self._paths = Context(frozenset(self.entries), symbols)
        return self._paths

    def _make(self, path: str, entry: Entry) -> None:
        facts = entry.facts
        if facts is None:  # a record that no longer stands, of a file nobody has open
            facts = self._read(path)
            if facts is None:
                return  # keeps its last record until the watcher reports the file
            if facts.digest != entry.digest:
                self.generation += 1
                self._dirty.add(path)  # changed on disk meanwhile: its lessons too
                entry.digest, entry.kind = facts.digest, facts.kind
        entry.record = self._record(facts)
        entry.result = None
        self.records_made += 1
        if not entry.editor:
            entry.facts = None  # the record is all the rules need of a file nobody edits

    def _record(self, facts: FileFacts) -> FileRecord:
        try:
            return self.engine.record(facts, self._matcher_context())
        except Exception:  # a broken matcher must not cost the learner the other files
            return FileRecord(
                facts.path,
                facts.kind,
                facts.digest,
                facts.error,
                signature(facts),
                slim=slim_facts(facts),
            )

    def _silenced(self, facts: FileFacts) -> list[LessonFinding]:
        assert self._context is not None
        return silenced_lessons(self.engine, facts, self._context, self.disabled)

    def _lessons(self, facts: FileFacts) -> list[LessonFinding]:
        assert self._context is not None
        return facts_lessons(
            self.engine, facts, self._context, self.disabled, self.hints, self.blocks
        )

    def _record_lessons(
        self, record: FileRecord
    ) -> tuple[list[LessonFinding], list[LessonFinding]]:
        assert self._context is not None
        return record_lessons(self.engine, record, self._context, self.disabled, self.hints)
