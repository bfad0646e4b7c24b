"""A long history on every core: worker processes (`blob_workers`) make the records of
the blobs that commits ahead of the one being folded changed, while this process
folds; `BlobRecords` then takes each commit's records as if it had made them.

The window ahead holds commits read from the tree walk (each with a copy of its
listed paths) and the blobs they changed, at most `MAX_COMMITS` and about `MAX_BLOBS`
of them, so memory does not grow with the history. For each commit in the window:

1. its changed blobs the cache (or the walk's memo) has no record for are read here
   (one `git cat-file` for all) and go to the least busy worker, which analyses them
   and keeps their facts (files known by their name only are made here);
2. once the summaries of every blob of that commit and of those before it are known,
   its exact `Context` is (`blob_context.Contexts`, in commit order), and each worker
   makes the records of the blobs it kept under it;
3. the fold takes the commit when all its records are in.

A record is made under its own commit's context by the engine the walk has then, or
one that evaluated more checkpoints (a `narrow` not yet known to the worker: the
record is kept under the id that says so). When processes cannot be had, or a worker
is lost, the rest is done in this process, the same way.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from roadmap_coach.analysis.files import file_kind
from roadmap_coach.analysis.parallel import usable_cores
from roadmap_coach.progress.blob_records import BlobRecords, Pending, read_blob
from roadmap_coach.progress.blob_workers import BlobPool, context_message
from roadmap_coach.progress.tree_walk import TreeStep
from roadmap_coach.rules.matchers import Context

MIN_COMMITS = 64  # a shorter history stays in this process: workers cost more to start
MAX_COMMITS = 256  # commits read ahead of the fold
MAX_BLOBS = 96  # blobs sent ahead and not yet folded (a bigger commit still goes whole)
_BATCH = 4  # blobs per facts request: both workers get a share of a big commit


def workers_for(commits: int) -> int:
    """How many workers a history of this many commits is worth (0: none)."""
    if commits < MIN_COMMITS or "forkserver" not in multiprocessing.get_all_start_methods():
        return 0
    cores = usable_cores()
    return cores if cores >= 2 else 0


def ahead(blobs: BlobRecords, trees: Iterator[TreeStep], workers: int) -> Iterator[Pending]:
    """`blobs`' commits ready to fold, their records made by `workers` processes."""
    try:
        pool = BlobPool(blobs.engine, workers)
    except (OSError, EOFError, RuntimeError):  # no processes to be had: this one does it
        yield from blobs.in_process(trees)
        return
    try:
        yield from _Window(blobs, pool, workers).run(trees)
    finally:
        pool.close()  # a finished, failed or cancelled walk stops its workers now


@dataclass(slots=True)
class _Slot:
    pending: Pending
    remote: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (key, worker)
    summaries_due: int = 0  # of `remote`: summaries not yet come
    records_due: int = 0  # of `remote`: records not yet come


class _Window:
    def __init__(self, blobs: BlobRecords, pool: BlobPool, workers: int) -> None:
        self.blobs = blobs
        self.pool: BlobPool | None = pool
        self.slots: deque[_Slot] = deque()
        self.placed = 0  # slots at the front of the window whose context is known
        self.blob_count = 0  # blobs sent to workers whose commit is not folded yet
        self.keys: dict[int, tuple[_Slot, str]] = {}
        self.next_key = itertools.count()
        self.load = [0] * workers  # per worker: blobs sent whose record has not come
        self.sent: list[Context | None] = [None] * workers  # the last context each has
        self.message: tuple[Context | None, bytes] = (None, b"")
        self.done: frozenset[str] = frozenset()
        self.trees: Iterator[TreeStep] = iter(())
        self.exhausted = False

    def run(self, trees: Iterator[TreeStep]) -> Iterator[Pending]:
        self.trees = trees
        self._narrow()
        while True:
            self._receive(block=False)  # whatever came: a worker never waits on a full pipe
            self._fill()
            if not self.slots:
                return
            head = self.slots[0]
            while head.pending.ctx is None or head.records_due:
                if self.pool is None:  # never: what was out is done here when they go
                    raise RuntimeError("a commit's records were lost with the workers")
                self._receive(block=True)
                self._fill()
            self.slots.popleft()
            self.placed -= 1
            self.blob_count -= len(head.remote)
            yield head.pending
            self._narrow()

    # -- what goes to the workers -------------------------------------------------------
    def _fill(self) -> None:
        """Read commits ahead while the window has room."""
        blobs = self.blobs
        while (
            not self.exhausted
            and len(self.slots) < MAX_COMMITS
            and (self.blob_count < MAX_BLOBS or not self.slots)
        ):
            tree = next(self.trees, None)
            if tree is None:
                self.exhausted = True
                break
            own = TreeStep(tree.commit, dict(tree.listed), tree.changed, tree.removed, tree.tracked)
            slot = _Slot(blobs.plan(own))
            jobs: list[tuple[int, str, bytes | int]] = []
            for path in slot.pending.order:
                if path in slot.pending.found:
                    continue
                if self.pool is None or file_kind(path) == "other":
                    blobs.analyse(slot.pending, path)  # nothing to read, or no workers left
                    continue
                key = next(self.next_key)
                self.keys[key] = (slot, path)
                jobs.append((key, path, read_blob(blobs.repo, own.listed[path])))
            self.slots.append(slot)
            self._send_facts(slot, jobs)
            self._place()

    def _send_facts(self, slot: _Slot, jobs: list[tuple[int, str, bytes | int]]) -> None:
        self.blob_count += len(jobs)
        slot.summaries_due = slot.records_due = len(jobs)
        for start in range(0, len(jobs), _BATCH):
            batch = jobs[start : start + _BATCH]
            worker = min(range(len(self.load)), key=self.load.__getitem__)
            for key, path, _content in batch:
                slot.remote[path] = (key, worker)
            self.load[worker] += len(batch)
            self._send(worker, "facts", batch)

    def _place(self) -> None:
        """Contexts of the commits whose summaries are all known, in order; their
        records are asked for at once."""
        while self.placed < len(self.slots):
            slot = self.slots[self.placed]
            if slot.summaries_due:
                return
            self.blobs.place(slot.pending)
            self.placed += 1
            ctx = slot.pending.ctx
            assert ctx is not None
            by_worker: dict[int, list[int]] = {}
            for path, (key, worker) in slot.remote.items():
                if path not in slot.pending.made:
                    by_worker.setdefault(worker, []).append(key)
            for worker, keys in sorted(by_worker.items()):
                if self.sent[worker] is not ctx:
                    if self.message[0] is not ctx:
                        self.message = (ctx, context_message(ctx))
                    self._send(worker, "context", self.message[1])
                    self.sent[worker] = ctx
                self._send(worker, "records", sorted(keys))

    def _narrow(self) -> None:
        if self.blobs.done != self.done:
            self.done = self.blobs.done
            for worker in range(len(self.load)):
                self._send(worker, "narrow", self.done)

    def _send(self, worker: int, kind: str, body: object) -> None:
        if self.pool is None:
            return
        try:
            self.pool.send(worker, kind, body)
        except (OSError, EOFError, ValueError):
            self._lose_workers()

    # -- what comes back ---------------------------------------------------------------
    def _receive(self, block: bool) -> None:
        if self.pool is None:
            return
        try:
            answers = self.pool.receive(block)
        except (OSError, EOFError):
            self._lose_workers()
            return
        for worker, (kind, items) in answers:
            if kind == "summaries":
                for key, summary, ok in items:
                    slot, path = self.keys[key]
                    slot.summaries_due -= 1
                    if ok:
                        slot.pending.summaries[path] = summary
                    else:
                        self._here(slot, path)
            else:
                for key, tag, encoded in items:
                    slot, path = self.keys.pop(key)
                    self.load[worker] -= 1
                    slot.records_due -= 1
                    if encoded:
                        slot.pending.made[path] = (tag, encoded)
                    else:
                        self._here(slot, path)
        self._place()

    def _here(self, slot: _Slot, path: str) -> None:
        """What a worker could not make, made in this process (facts now, the record at
        the fold), the same way as without workers."""
        key, worker = slot.remote[path]
        if self.keys.pop(key, None) is not None:
            self.load[worker] -= 1
            slot.records_due -= 1
        self.blobs.analyse(slot.pending, path)

    def _lose_workers(self) -> None:
        """A worker is gone: what is still out is done here, and so is the rest."""
        pool, self.pool = self.pool, None
        if pool is not None:
            pool.close()
        for slot in self.slots:
            for path, (key, _worker) in list(slot.remote.items()):
                if key in self.keys:
                    if path not in slot.pending.summaries:
                        slot.summaries_due -= 1
                    self._here(slot, path)
        self._place()
