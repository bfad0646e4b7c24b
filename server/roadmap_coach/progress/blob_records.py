"""Records through a Git history: one `FileRecord` per listed file at each commit, made
only for blobs that changed.

Per commit (`TreeWalk` gives its listed paths and which blobs changed):
- a changed blob's record comes from the records cache (keyed by (path, blob id), the
  same cache as `scan`'s) or is made from the blob's facts, which are dropped at once;
- the matcher `Context` (the paths and every file's module-level names) is built
  again only when paths came or went or a file's `Summary` changed;
- then only the kept records that asked a question whose answer changed are checked
  (`Engine.still_valid`) and made again when they no longer stand. Every question
  asked by a kept record is indexed with its answer, so a new context answers each
  distinct question once instead of every record re-asking all of its own.

Memory holds the current commit's records (and the questions' answers), never trees
of facts. Files are handled in path order, so the outcome never depends on set or
hash order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from roadmap_coach.analysis.facts import Commit, FileFacts
from roadmap_coach.analysis.files import analyze_bytes, file_kind
from roadmap_coach.analysis.workspace import DEFAULT_MAX_BYTES
from roadmap_coach.progress.records_cache import RecordsCache
from roadmap_coach.progress.tree_walk import TreeWalk
from roadmap_coach.roadmap.models import Checkpoint, Roadmap
from roadmap_coach.rules.engine import Engine, _dependencies
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.records import FileRecord, Question, answers_digest
from roadmap_coach.rules.symbols import Summary, Symbols, signature

HISTORY_WSKEY = ""  # history rows claim no workspace: they are always re-checked
_FLUSH_ROWS = 512  # new cache rows written together


@dataclass(slots=True)
class BlobCounters:
    evaluated: int = 0  # blobs read and analysed into a record
    named: int = 0  # records of files known by name only (never read)
    cache_hits: int = 0  # records taken from the cache (or the walk's memo) that stood
    revalidated: int = 0  # kept records checked under a new context that still stood
    # records that did not stand under a new context and had no cached variant: their
    # blob analysed again
    remade: int = 0


@dataclass(slots=True)
class Step:
    commit: Commit
    records: Mapping[str, FileRecord]  # path -> record of every listed file (a live view)
    changed: set[str] = field(default_factory=set)  # listed paths with a new record
    removed: set[str] = field(default_factory=set)  # paths no longer listed
    tracked: list[str] = field(default_factory=list)  # every path in the commit's tree
    evaluated: int = 0  # blobs with new content analysed for this commit
    remade: int = 0  # records made again for this commit (see `BlobCounters.remade`)


class BlobRecords:
    def __init__(
        self,
        repo: Any,
        engine: Engine,
        cache: RecordsCache | None = None,
        *,
        keep: bool = False,
    ) -> None:
        self.repo = repo
        self.engine = engine
        # what makes new records: `engine`, or after `narrow` one with fewer checkpoints
        self.maker = engine
        self.tag = ""  # which checkpoints `maker` evaluates, in the ids of its cache rows
        self.cache = cache
        self.trees = TreeWalk(repo)
        self.counters = BlobCounters()
        # (path, blob) -> record, across walks: for callers that walk again from the start
        self.memo: dict[tuple[str, str], FileRecord] | None = {} if keep else None
        self._rows: list[tuple[str, str, FileRecord | bytes, str]] = []

    def walk(self, commits: list[Commit], start: str | None = None) -> Iterator[Step]:
        state = _State()
        try:
            for tree in self.trees.walk(commits, start):
                counted = self.counters.evaluated, self.counters.remade
                changed = self._step(state, tree.listed, tree.changed, tree.removed)
                yield Step(
                    tree.commit,
                    state.records,
                    changed,
                    tree.removed,
                    tree.tracked,
                    self.counters.evaluated - counted[0],
                    self.counters.remade - counted[1],
                )
        finally:
            self.flush()

    def narrow(self, done: set[str]) -> None:
        """From now on, records need the evidence of the checkpoints not in `done` (and of
        those they build on) only: `history` has placed the others. A record made so is
        cached under an id that names the checkpoints it holds."""
        roadmap = self.engine.roadmap
        wanted = _closure(roadmap.checkpoints, {c.id for c in roadmap.checkpoints} - done)
        tag = hashlib.blake2b(",".join(sorted(wanted)).encode(), digest_size=8).hexdigest()
        if len(wanted) == len(roadmap.checkpoints) or tag == self.tag:
            return
        subset = tuple(c for c in roadmap.checkpoints if c.id in wanted)
        self.maker = Engine(Roadmap(roadmap.title, roadmap.steps, subset), self.engine.lessons)
        self.tag = tag

    def _id(self, blob: str) -> str:
        return f"{blob}|{self.tag}" if self.tag else blob

    def flush(self) -> None:
        if self.cache is not None and self._rows:
            self.cache.put_many(self._rows)
        self._rows = []

    # -- one commit ----------------------------------------------------------------
    def _step(
        self, state: _State, listed: dict[str, str], fresh: set[str], removed: set[str]
    ) -> set[str]:
        records = state.records
        summaries_changed = False
        for path in sorted(removed):
            old = records.pop(path, None)
            if old is not None:
                state.forget(old)
                summaries_changed |= old.summary is not None
        order = sorted(fresh)
        found = self._known([(p, self._id(listed[p])) for p in order])
        facts: dict[str, FileFacts] = {}
        summaries: dict[str, Summary | None] = {}
        for path in order:
            known = found.get(path)
            if known is None:
                facts[path] = self._facts(path, listed[path])
                summaries[path] = signature(facts[path])
            else:
                summaries[path] = known.summary
            old = records.get(path)
            if (old.summary if old is not None else None) != summaries[path]:
                summaries_changed = True
        paths_changed = bool(removed) or any(p not in records for p in order)
        ctx = state.context(listed, summaries, summaries_changed, paths_changed)
        changed = set(order)
        for path in order:
            old = records.get(path)
            if old is not None:
                state.forget(old)
            known = found.get(path)
            if known is None:
                blob = listed[path]
                record = self._make(path, blob, self._id(blob), ctx, facts.pop(path))
            else:
                record = self._settle(path, listed[path], known, ctx)
            records[path] = record
        stale = state.changed_answers(ctx, summaries_changed, paths_changed)
        for path in order:
            state.learn(records[path], ctx)
        for path in sorted(stale - changed):
            record = records[path]
            if self.engine.still_valid(record, ctx):
                self.counters.revalidated += 1
                continue
            state.forget(record)
            records[path] = self._settle(path, listed[path], record, ctx)
            state.learn(records[path], ctx)
            changed.add(path)
        return changed

    def _settle(self, path: str, blob: str, kept: FileRecord, ctx: Context) -> FileRecord:
        """`kept` (a record of this blob) when it stands under `ctx`; else the record
        made for the answers `ctx` gives to its questions, from the cache or made again.
        That variant is cached under its own id, so a second walk finds it too."""
        now = answers_digest([ctx.answer(q) for q in kept.asked]) if kept.asked else kept.answers
        if now == kept.answers:
            self.counters.cache_hits += 1
            return kept
        variant = f"{self._id(blob)}:{now}"
        found = self._known([(path, variant)]).get(path)
        if found is not None and self.engine.still_valid(found, ctx):
            self.counters.cache_hits += 1
            return found
        self.counters.remade += 1
        return self._make(path, blob, variant, ctx, None)

    def _known(self, keys: list[tuple[str, str]]) -> dict[str, FileRecord]:
        """Records kept for these (path, blob): the walk's memo, then the cache."""
        found: dict[str, FileRecord] = {}
        ask: list[tuple[str, str]] = []
        for path, blob in keys:
            if file_kind(path) == "other":
                continue  # made from the name alone: cheaper than a cache row
            kept = self.memo.get((path, blob)) if self.memo is not None else None
            if kept is not None:
                found[path] = kept
            else:
                ask.append((path, blob))
        if self.cache is not None and ask:
            for (path, _blob), row in self.cache.get_many(ask).items():
                record = row.record()
                if record is not None:
                    found[path] = record
        return found

    def _make(
        self, path: str, blob: str, ident: str, ctx: Context, facts: FileFacts | None
    ) -> FileRecord:
        """A new record of `blob`, kept under `ident` (the blob id, or a variant of it)."""
        other = file_kind(path) == "other"
        if facts is None:
            facts = self._facts(path, blob)
        elif other:
            self.counters.named += 1
        else:
            self.counters.evaluated += 1
        record = self.maker.record(facts, ctx)
        if not other:
            if self.memo is not None:
                self.memo[(path, ident)] = record
            if self.cache is not None:
                self._rows.append((path, ident, record, HISTORY_WSKEY))
                if len(self._rows) >= _FLUSH_ROWS:
                    self.flush()
        return record

    def _facts(self, path: str, blob: str) -> FileFacts:
        if file_kind(path) == "other":
            return FileFacts(path=path, kind="other")  # known by name only, never read
        binsha = bytes.fromhex(blob)
        size = self.repo.odb.info(binsha).size
        if size > DEFAULT_MAX_BYTES:
            return FileFacts(path=path, kind="other", size=size, error="too large to analyse")
        return analyze_bytes(path, self.repo.odb.stream(binsha).read())


def _closure(checkpoints: Sequence[Checkpoint], ids: set[str]) -> set[str]:
    """`ids` and every checkpoint their clauses refer to (`achieved`, `inside`), so a
    wanted checkpoint is evaluated exactly as the whole roadmap would."""
    by_id = {c.id: c for c in checkpoints}
    wanted: set[str] = set()
    todo = list(ids)
    while todo:
        cid = todo.pop()
        if cid in wanted or cid not in by_id:
            continue
        wanted.add(cid)
        todo += sorted(_dependencies(by_id[cid].detect))
    return wanted


class _State:
    """The current commit's records, its matcher context, and the answers every distinct
    question of the kept records gets under that context."""

    def __init__(self) -> None:
        self.records: dict[str, FileRecord] = {}
        self.ctx = Context()
        self.askers: dict[Question, set[str]] = {}  # question -> paths whose record asked it
        self.answers: dict[Question, object] = {}  # question -> its answer under `ctx`

    def context(
        self,
        listed: Mapping[str, str],
        summaries: Mapping[str, Summary | None],
        summaries_changed: bool,
        paths_changed: bool,
    ) -> Context:
        if not summaries_changed and not paths_changed:
            return self.ctx
        symbols = self.ctx.symbols
        if summaries_changed:
            symbols = Symbols()
            for path in sorted(listed):
                summary = summaries[path] if path in summaries else self.records[path].summary
                symbols.add_summary(summary)
        self.ctx = Context(frozenset(listed), symbols)
        return self.ctx

    def changed_answers(self, ctx: Context, symbols: bool, paths: bool) -> set[str]:
        """Paths of kept records that asked a question whose answer `ctx` changed."""
        if not symbols and not paths:
            return set()
        stale: set[str] = set()
        for question, askers in self.askers.items():
            if (question[0] == "path") != paths and not (symbols and paths):
                continue  # paths answer path questions only; names answer the rest
            now = ctx.answer(question)
            if now != self.answers.get(question):
                self.answers[question] = now
                stale |= askers
        return stale

    def learn(self, record: FileRecord, ctx: Context) -> None:
        for question in record.asked:
            askers = self.askers.get(question)
            if askers is None:
                self.askers[question] = {record.path}
                self.answers[question] = ctx.answer(question)
            else:
                askers.add(record.path)

    def forget(self, record: FileRecord) -> None:
        for question in record.asked:
            askers = self.askers.get(question)
            if askers is not None:
                askers.discard(record.path)
                if not askers:
                    del self.askers[question]
                    self.answers.pop(question, None)
