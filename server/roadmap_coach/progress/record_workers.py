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

Workers come from a `forkserver` (forking the caller directly would copy a language
server's threads and locks mid-use). The pool lives for one evaluation.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import multiprocessing
import pickle
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


def _serve(conn: Connection, engine_blob: bytes, max_bytes: int) -> None:
    gc.disable()  # facts hold no reference cycles: the cyclic collector only costs time
    analyser = Analyser(pickle.loads(engine_blob), max_bytes, compact=True)
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
            ctx: Context = pickle.loads(message[1])
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


class Pool:
    """Worker processes that keep what they analysed until asked for the records."""

    def __init__(self, engine: Any, workers: int, max_bytes: int) -> None:
        try:
            context = multiprocessing.get_context("forkserver")
        except ValueError as exc:  # no forkserver here: the caller stays in process
            raise RuntimeError("no forkserver start method") from exc
        context.set_forkserver_preload(["roadmap_coach.progress.record_workers"])
        blob = pickle.dumps(engine, protocol=5)
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        for _ in range(workers):
            mine, theirs = context.Pipe()
            proc = context.Process(target=_serve, args=(theirs, blob, max_bytes), daemon=True)
            proc.start()
            theirs.close()
            self.conns.append(mine)
            self.procs.append(proc)

    def analyse(
        self, jobs: Sequence[Job], done: Callable[[int], None] | None = None
    ) -> dict[int, Outcome]:
        """Round 1: chunks go to whichever worker is free."""
        chunks = list(_chunks(jobs))
        results: dict[int, Outcome] = {}
        idle = list(self.conns)
        busy: set[Connection] = set()
        while chunks or busy:
            while chunks and idle:
                conn = idle.pop()
                conn.send(("analyse", chunks.pop(0)))
                busy.add(conn)
            for ready in wait(list(busy)):
                conn = ready  # type: ignore[assignment]
                kind, batch = conn.recv()
                if kind != "analysed":
                    raise RuntimeError(f"worker answered {kind!r}")
                results.update(batch)
                busy.discard(conn)
                idle.append(conn)
                if done is not None:
                    done(len(batch))
        return results

    def records(
        self, ctx: Context, done: Callable[[int], None] | None = None
    ) -> Iterator[tuple[int, bytes]]:
        """Round 2: every worker makes the records of the files it kept; they are handed
        on as they come, so the caller can store and drop the bytes batch by batch."""
        blob = pickle.dumps(ctx, protocol=5)
        for conn in self.conns:
            conn.send(("record", blob))
        busy = set(self.conns)
        while busy:
            for ready in wait(list(busy)):
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

    def close(self) -> None:
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
