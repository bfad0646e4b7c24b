"""Where files become records: read, parse and walk a file, then make its record, in
this process (small trees) or in worker processes (big trees), the same way.

A record needs the workspace's `Context` (every file's module-level names), which is
only known once every file was walked. So the work comes in two rounds:

1. `analyse`: read, hash, parse and walk each file; hand back its digest and
   `Summary` (module-level names) and keep its facts where they were made;
2. `record`: given the workspace's `Context`, make the record of every kept file and
   hand back its encoded form (the cache's encoding: the parent stores the bytes as
   they are and decodes them once for the fold).

A worker keeps the facts of the files it analysed between the two rounds (so the
parent never holds, decodes or receives any file's full facts); a tree big enough to
share keeps them in the compact codec form (`facts_codec`), a fraction of their size.

A process with no other thread (a `scan`) forks its workers and analyses a share of
the files itself; a language server's workers come from a `forkserver` (forking it
would copy its threads and locks mid-use) and it only waits for them. The pool lives
for one evaluation.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import pickle
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from roadmap_coach.analysis.facts import FileFacts
from roadmap_coach.analysis.facts_codec import decode, encode
from roadmap_coach.analysis.files import analyze_bytes, content_digest
from roadmap_coach.analysis.parallel import MIN_BYTES, usable_cores
from roadmap_coach.progress.records_cache import encode_record
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.symbols import Summary, signature

MIN_FILES = 16
_CHUNK_BYTES = 256 * 1024  # per task: large enough to amortise the round trip


@dataclass(frozen=True, slots=True)
class Job:
    index: int
    path: str  # workspace path
    real: str  # path to open; "" for a file known by its name only (kind "other")
    size: int
    known: frozenset[str] = frozenset()  # digests the cache has a record for


@dataclass(frozen=True, slots=True)
class Analysed:
    digest: str
    kind: str
    error: str | None
    summary: Summary | None
    made: bool  # False: the digest is one the cache knows, nothing was kept

    def without_summary(self) -> Analysed:
        return Analysed(self.digest, self.kind, self.error, None, self.made)


# a reason the file was left out, or what it came to
Outcome = Analysed | str


class Analyser:
    """Round 1 and round 2 for the files given to it; facts are kept in between."""

    def __init__(self, engine: Any, max_bytes: int, *, compact: bool = False) -> None:
        self.engine = engine
        self.max_bytes = max_bytes
        self.compact = compact
        self.kept: dict[int, FileFacts | bytes] = {}

    def analyse(self, job: Job) -> Outcome:
        from roadmap_coach.analysis.workspace import _read  # the scan's own safe read

        if not job.real:
            facts = FileFacts(path=job.path, kind="other", size=job.size)
            self.kept[job.index] = facts
            return Analysed(f"other:{job.size}", "other", None, None, True)
        data = _read(job.real, self.max_bytes)
        if isinstance(data, str):
            return data
        digest = content_digest(data)
        if digest in job.known:
            return Analysed(digest, "", None, None, False)
        try:
            facts = analyze_bytes(job.path, data, self.engine.walk_plan)
        except Exception as exc:  # a bug in an analyser costs that file only
            return f"could not analyse ({type(exc).__name__})"
        self.kept[job.index] = encode(facts) if self.compact else facts
        return Analysed(facts.digest or digest, facts.kind, facts.error, signature(facts), True)

    def facts(self, index: int) -> FileFacts:
        kept = self.kept.pop(index)
        return decode(kept) if isinstance(kept, bytes) else kept

    def records(self, ctx: Context) -> Iterator[tuple[int, Any]]:
        """(index, record) for every kept file, dropping its facts as it goes."""
        for index in sorted(self.kept):
            yield index, self.engine.record(self.facts(index), ctx)


def worth_a_pool(jobs: Sequence[Job]) -> int:
    """How many workers to use for this much work (0: stay in this process)."""
    cores = usable_cores()
    if "forkserver" not in multiprocessing.get_all_start_methods() or cores < 2:
        return 0
    if len(jobs) < MIN_FILES or sum(job.size for job in jobs if job.real) < MIN_BYTES:
        return 0
    return cores


# -- the worker processes --------------------------------------------------------------


def _serve(
    conn: Connection, engine: Any, max_bytes: int, inherited: Sequence[Connection] = ()
) -> None:
    gc.disable()  # facts hold no reference cycles: the cyclic collector only costs time
    for other in inherited:  # a forked worker holds the parent's ends of every pipe: shut
        other.close()  # them, so that it sees the end of its own when the parent goes
    if isinstance(engine, bytes):
        engine = pickle.loads(engine)
    analyser = Analyser(engine, max_bytes, compact=True)
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        kind = message[0]
        if kind == "analyse":
            conn.send(("analysed", [(job.index, analyser.analyse(job)) for job in message[1]]))
            give_back()
        elif kind == "record":
            # the context's pickle follows as bytes of its own: held only while loaded
            # (inside a message it was there twice, the message's and its own)
            ctx: Context = pickle.loads(conn.recv_bytes())
            give_back()
            batch: list[tuple[int, bytes]] = []
            weight = 0
            for index, record in analyser.records(ctx):
                blob = encode_record(record)
                batch.append((index, blob))
                weight += len(blob)
                if weight >= _CHUNK_BYTES:
                    conn.send(("records", batch))
                    batch, weight = [], 0
                    give_back()
            conn.send(("records", batch))
            conn.send(("recorded", None))
        else:
            return


def give_back() -> None:
    """Hand the C heap's free pages back to the system (glibc's `malloc_trim`): a file's
    syntax tree and facts are freed in the middle of a heap that the kept facts (and,
    in round 2, the matchers' memos) keep growing, and free memory stays resident
    until asked for. Elsewhere (no glibc) a no-op."""
    trim = _trim()
    if trim is not None:
        trim(0)


@functools.cache
def _trim() -> Any:
    try:
        import ctypes

        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def _chunks(jobs: Sequence[Job]) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    weight = 0
    for job in jobs:
        chunk.append(job)
        weight += job.size if job.real else 64
        if weight >= _CHUNK_BYTES:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


def _stop(conn: Connection) -> None:
    with contextlib.suppress(OSError):
        conn.send(("stop", None))
    conn.close()


# Between two of its own files, this process looks at the workers' pipes this often at
# most: asking costs a selector each time, and it makes many a record in less than that.
# A worker has a chunk queued meanwhile, or a batch of records waiting in its pipe.
_LOOK_EVERY_S = 0.005


def _start_method() -> str:
    """`fork` for a process with no other thread (a `scan`): its workers share this
    process's pages, and no fork server or resource tracker process is started; else
    (a language server's threads and locks would be copied mid-use) a `forkserver`."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform == "linux" and "fork" in methods and threading.active_count() == 1:
        return "fork"
    if "forkserver" in methods:
        return "forkserver"
    raise RuntimeError("no forkserver start method")


class Pool:
    """Worker processes that keep what they analysed until asked for the records.

    Forked from a process with no other thread (a `scan`), this process takes a share
    of the files too (it would only wait otherwise) and `workers` counts it: one
    process fewer holds an interpreter, the rules' memos and the workspace's context.
    A language server's thread only waits for its workers: its other threads answer
    the editor meanwhile."""

    def __init__(self, engine: Any, workers: int, max_bytes: int) -> None:
        method = _start_method()
        context = multiprocessing.get_context(method)
        if method == "fork":
            shipped: Any = engine  # inherited as it is
        else:
            context.set_forkserver_preload(["roadmap_coach.progress.record_workers"])
            shipped = pickle.dumps(engine, protocol=5)
        # files analysed here, when this process takes a share
        self.local = Analyser(engine, max_bytes, compact=True) if method == "fork" else None
        self.looked = 0.0  # when this process last looked at the workers' pipes
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        for _ in range(max(1, workers - 1) if self.local is not None else workers):
            mine, theirs = context.Pipe()
            inherited = (mine, *self.conns) if method == "fork" else ()
            proc = context.Process(
                target=_serve, args=(theirs, shipped, max_bytes, inherited), daemon=True
            )
            proc.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(proc)

    def analyse(
        self, jobs: Sequence[Job], done: Callable[[int], None] | None = None
    ) -> dict[int, Outcome]:
        """Round 1: chunks go to whichever worker is free (two queued each, so none
        waits while this process analyses a chunk of its own)."""
        chunks = deque(_chunks(jobs))
        results: dict[int, Outcome] = {}
        queued = dict.fromkeys(self.conns, 0)

        def feed(depth: int = 2) -> None:
            for conn, count in queued.items():
                while chunks and count < depth:
                    conn.send(("analyse", chunks.popleft()))
                    count += 1
                queued[conn] = count

        def collect(timeout: float | None) -> None:
            for ready in wait([c for c, n in queued.items() if n], timeout):
                conn = ready  # type: ignore[assignment]
                kind, batch = conn.recv()
                if kind != "analysed":
                    raise RuntimeError(f"worker answered {kind!r}")
                results.update(batch)
                queued[conn] -= 1
                if done is not None:
                    done(len(batch))

        feed(1)  # one each first: this process starts on a chunk at once too
        while chunks and self.local is not None:
            for job in chunks.popleft():
                results[job.index] = self.local.analyse(job)
                if done is not None:
                    done(1)
                if self._due():
                    collect(0)
                    feed()
            give_back()  # after each chunk, as a worker does
        while any(queued.values()):
            collect(None)
            feed()
        return results

    def records(
        self, ctx: Context, done: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, bytes]]:
        """Round 2: every worker makes the records of the files it kept, this process
        those it kept; they are handed on as they come, encoded, so the caller can store
        and drop the bytes batch by batch."""
        blob = pickle.dumps(ctx, protocol=5)
        for conn in self.conns:
            conn.send(("record", None))
            conn.send_bytes(blob)
        del blob
        busy = set(self.conns)
        mine = self.local.records(ctx) if self.local is not None else iter(())
        weight = 0
        for index, record in mine:
            if done is not None:
                done(1)
            blob = encode_record(record)
            weight += len(blob)
            yield index, blob
            if weight >= _CHUNK_BYTES:  # as a worker does after each batch it sends
                weight = 0
                give_back()
            if busy and self._due():
                yield from self._received(busy, 0, done)
        while busy:
            yield from self._received(busy, None, done)

    def _due(self) -> bool:
        now = time.monotonic()
        if now - self.looked < _LOOK_EVERY_S:
            return False
        self.looked = now
        return True

    def _received(
        self, busy: set[Connection], timeout: float | None, done: Callable[[int], None] | None
    ) -> Iterator[tuple[int, bytes]]:
        for ready in wait(list(busy), timeout):
            conn = ready  # type: ignore[assignment]
            kind, batch = conn.recv()
            if kind == "recorded":
                busy.discard(conn)
                # its part is done: its memory goes back now, not with the slowest's
                self.conns.remove(conn)
                _stop(conn)
                continue
            if done is not None:
                done(len(batch))
            yield from batch
            if self.local is not None and not self.local.kept:
                del batch
                give_back()  # this process's share is made: trim as its workers do

    def close(self) -> None:
        if self.local is not None:
            self.local.kept.clear()
        conns, self.conns = self.conns, []
        procs, self.procs = self.procs, []
        for conn in conns:
            _stop(conn)
        for proc in procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
