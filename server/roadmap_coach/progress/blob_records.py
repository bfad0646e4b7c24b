"""Records through a Git history: one `FileRecord` per listed file at each commit, made
only for blobs that changed.

Per commit (`TreeWalk` gives its listed paths and which blobs changed):
- a changed blob's record comes from the records cache (keyed by (path, blob id), the
  same cache as `scan`'s) or is made from the blob's facts, which are dropped at once;
- the matcher `Context` (the paths and every file's module-level names) is built
  again only when paths came or went or a file's `Summary` changed
  (`blob_context.Contexts`);
- then only the kept records that asked a question whose answer changed are checked
  (`Engine.still_valid`) and made again when they no longer stand. Every question
  asked by a kept record is indexed with its answer (`blob_context.Answers`).

A long history is walked with worker processes (`blob_ahead`): they make the facts
and then the records of the changed blobs of the commits ahead of the one being
folded, each record under its own commit's exact context, so the records are those
this process would make. Memory holds the current commit's records (and a bounded
window ahead), never trees of facts. Files are handled in path order, so the outcome
never depends on set or hash order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from roadmap_coach.analysis.facts import Commit, FileFacts
from roadmap_coach.analysis.files import analyze_bytes, file_kind
from roadmap_coach.analysis.walk_plan import EVERYTHING, WalkPlan
from roadmap_coach.analysis.workspace import DEFAULT_MAX_BYTES
from roadmap_coach.progress.blob_context import Answers, Contexts
from roadmap_coach.progress.record_codec import decode_record
from roadmap_coach.progress.records_cache import RecordsCache
from roadmap_coach.progress.tree_walk import TreeStep, TreeWalk
from roadmap_coach.roadmap.models import Checkpoint, Roadmap
from roadmap_coach.rules.engine import Engine, _dependencies
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.records import FileRecord, answers_digest
from roadmap_coach.rules.symbols import Summary, signature

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
    in_workers: int = 0  # of `evaluated`: records made in worker processes


@dataclass(slots=True)
class Step:
    commit: Commit
    records: Mapping[str, FileRecord]  # path -> record of every listed file (a live view)
    changed: set[str] = field(default_factory=set)  # listed paths with a new record
    removed: set[str] = field(default_factory=set)  # paths no longer listed
    tracked: list[str] = field(default_factory=list)  # every path in the commit's tree
    evaluated: int = 0  # blobs with new content analysed for this commit
    remade: int = 0  # records made again for this commit (see `BlobCounters.remade`)


# a record a worker made: (the `BlobRecords.tag` of the engine that made it, its encoding)
Made = tuple[str, bytes]


@dataclass(slots=True)
class Pending:
    """A commit on its way to being folded: its tree, the records found for its changed
    blobs, what is made for the others, and (once every summary is known) its context."""

    tree: TreeStep  # `listed` is this commit's own (not a live view)
    order: list[str]  # changed listed paths, sorted
    found: dict[str, FileRecord] = field(default_factory=dict)  # kept records of their blobs
    summaries: dict[str, Summary | None] = field(default_factory=dict)  # of changed paths
    made: dict[str, FileFacts | Made] = field(default_factory=dict)  # for the paths not found
    ctx: Context | None = None
    symbols_changed: bool = False
    paths_changed: bool = False


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
        self.done: frozenset[str] = frozenset()  # the placed checkpoints `narrow` was given
        self.cache = cache
        self.trees = TreeWalk(repo)
        self.counters = BlobCounters()
        self.contexts = Contexts()
        # (path, blob) -> record, across walks: for callers that walk again from the start
        self.memo: dict[tuple[str, str], FileRecord] | None = {} if keep else None
        self._rows: list[tuple[str, str, FileRecord | bytes, str]] = []

    def walk(
        self, commits: list[Commit], start: str | None = None, *, workers: int | None = 0
    ) -> Iterator[Step]:
        """Each commit's records. `workers`: processes that make records ahead (None:
        decide by the length of the history and the cores; 0: all in this process).
        The records are the same either way."""
        from roadmap_coach.progress import blob_ahead

        state = Answers()
        self.contexts = Contexts()
        trees = self.trees.walk(commits, start)
        count = blob_ahead.workers_for(len(commits)) if workers is None else workers
        ready = blob_ahead.ahead(self, trees, count) if count > 1 else self.in_process(trees)
        try:
            for pending in ready:
                counted = self.counters.evaluated, self.counters.remade
                changed = self._fold(state, pending)
                tree = pending.tree
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
            ready.close()  # a walk stopped early or failed stops its workers now
            trees.close()
            self.flush()

    def narrow(self, done: set[str]) -> None:
        """From now on, records need the evidence of the checkpoints not in `done` (and of
        those they build on) only: `history` has placed the others. A record made so is
        cached under an id that names the checkpoints it holds."""
        found = narrowed(self.engine, done, self.tag)
        if found is not None:
            self.maker, self.tag = found
            self.done = frozenset(done)

    def _id(self, blob: str, tag: str | None = None) -> str:
        tag = self.tag if tag is None else tag
        return f"{blob}|{tag}" if tag else blob

    def flush(self) -> None:
        if self.cache is not None and self._rows:
            self.cache.put_many(self._rows)
        self._rows = []

    # -- a commit ahead of the fold ------------------------------------------------
    def in_process(self, trees: Iterator[TreeStep]) -> Iterator[Pending]:
        for tree in trees:
            pending = self.plan(tree)
            for path in pending.order:
                if path not in pending.found:
                    self.analyse(pending, path)
            self.place(pending)
            yield pending

    def plan(self, tree: TreeStep) -> Pending:
        """The commit's changed paths and the records kept for their blobs."""
        order = sorted(tree.changed)
        found = self._known([(p, self._id(tree.listed[p])) for p in order])
        pending = Pending(tree, order, found)
        for path, record in found.items():
            pending.summaries[path] = record.summary
        return pending

    def analyse(self, pending: Pending, path: str) -> None:
        """The facts of a changed blob, in this process."""
        facts = blob_facts(self.repo, path, pending.tree.listed[path], self.engine.walk_plan)
        pending.made[path] = facts
        pending.summaries[path] = signature(facts)

    def place(self, pending: Pending) -> None:
        """The commit's context, once every changed blob's summary is known."""
        tree = pending.tree
        pending.ctx, pending.symbols_changed, pending.paths_changed = self.contexts.next(
            tree.listed, pending.summaries, tree.removed
        )

    # -- one commit folded -----------------------------------------------------------
    def _fold(self, state: Answers, pending: Pending) -> set[str]:
        records = state.records
        listed = pending.tree.listed
        ctx = pending.ctx
        assert ctx is not None
        for path in sorted(pending.tree.removed):
            old = records.pop(path, None)
            if old is not None:
                state.forget(old)
        changed = set(pending.order)
        for path in pending.order:
            old = records.get(path)
            if old is not None:
                state.forget(old)
            blob = listed[path]
            known = pending.found.get(path)
            if known is not None:
                record = self._settle(path, blob, known, ctx)
            else:
                made = pending.made.pop(path)
                if isinstance(made, FileFacts):
                    record = self._make(path, blob, self._id(blob), ctx, made)
                else:
                    record = self._take(path, blob, made)
            records[path] = record
        stale = state.changed(ctx, pending.symbols_changed, pending.paths_changed)
        for path in pending.order:
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
            facts = blob_facts(self.repo, path, blob, self.engine.walk_plan)
        elif other:
            self.counters.named += 1
        else:
            self.counters.evaluated += 1
        record = self.maker.record(facts, ctx)
        if not other:
            self._keep(path, ident, record, record)
        return record

    def _take(self, path: str, blob: str, made: Made) -> FileRecord:
        """The record a worker made of `blob` under this commit's context. Made before a
        `narrow` reached the worker, it holds the evidence of more checkpoints than
        needed, and is kept under the id that says which."""
        tag, encoded = made
        record = decode_record(encoded)
        self.counters.evaluated += 1
        self.counters.in_workers += 1
        self._keep(path, self._id(blob, tag), record, encoded)
        return record

    def _keep(self, path: str, ident: str, record: FileRecord, row: FileRecord | bytes) -> None:
        if self.memo is not None:
            self.memo[(path, ident)] = record
        if self.cache is not None:
            self._rows.append((path, ident, row, HISTORY_WSKEY))
            if len(self._rows) >= _FLUSH_ROWS:
                self.flush()


def blob_facts(repo: Any, path: str, blob: str, plan: WalkPlan = EVERYTHING) -> FileFacts:
    """The facts of one blob (a file known by its name only is never read); `plan`:
    the walk the engine's readers need (`Engine.walk_plan`)."""
    if file_kind(path) == "other":
        return FileFacts(path=path, kind="other")
    return content_facts(path, read_blob(repo, blob), plan)


def read_blob(repo: Any, blob: str) -> bytes | int:
    """The blob's content, or its size when it is too large to analyse."""
    binsha = bytes.fromhex(blob)
    size: int = repo.odb.info(binsha).size
    if size > DEFAULT_MAX_BYTES:
        return size
    data: bytes = repo.odb.stream(binsha).read()
    return data


def content_facts(path: str, content: bytes | int, plan: WalkPlan = EVERYTHING) -> FileFacts:
    """The facts of what `read_blob` gave."""
    if isinstance(content, int):
        return FileFacts(path=path, kind="other", size=content, error="too large to analyse")
    return analyze_bytes(path, content, plan)


def narrowed(
    engine: Engine, done: set[str] | frozenset[str], tag: str
) -> tuple[Engine, str] | None:
    """The engine that evaluates only the checkpoints not in `done` (and those they build
    on), and its tag; None when that is `engine` itself or the one tagged `tag`."""
    roadmap = engine.roadmap
    wanted = _closure(roadmap.checkpoints, {c.id for c in roadmap.checkpoints} - done)
    new = hashlib.blake2b(",".join(sorted(wanted)).encode(), digest_size=8).hexdigest()
    if len(wanted) == len(roadmap.checkpoints) or new == tag:
        return None
    subset = tuple(c for c in roadmap.checkpoints if c.id in wanted)
    return Engine(Roadmap(roadmap.title, roadmap.steps, subset), engine.lessons), new


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
