"""`history`'s worker processes: the blobs of commits ahead of the one being folded
become facts, then records, on every core (`progress.blob_ahead` says what and when).

A record needs its commit's `Context`, which needs the summaries of every blob that
commit changed. So each blob is two requests to the worker that reads it:

- ("facts", [(key, path, content)]): analyse each blob (the parent reads them: one
  `git cat-file` for all) and keep its facts;
  the answer is ("summaries", [(key, summary, ok)]) (`ok` False: it failed here, the
  parent does it again itself, the same way as without workers);
- ("context", (paths, names, bases, resources)) then ("records", [key]): the record of
  each kept blob under that context (its commit's), its facts dropped; the answer is
  ("records", [(key, tag, encoded record)]) (an empty encoding: it failed here).
- ("narrow", placed checkpoints): from now on records hold only what `BlobRecords.
  narrow` keeps; each record says by its tag which engine made it.

A worker reads its requests on a thread of its own, so the parent never waits on a
busy worker to send, and it takes contexts, records and narrowing before facts of
blobs further ahead: the parent waits on those. Workers come from a `forkserver`
(forking the caller directly would copy its threads and locks mid-use).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import threading
from collections import deque
from multiprocessing.connection import Connection, wait
from typing import Any

from roadmap_coach.analysis import python_incremental
from roadmap_coach.progress.blob_records import content_facts, narrowed
from roadmap_coach.progress.record_codec import encode_record
from roadmap_coach.rules.engine import Engine
from roadmap_coach.rules.matchers import Context
from roadmap_coach.rules.symbols import Symbols, signature


class _Unedited(python_incremental.Memos):
    """No file is being edited here: a path seen twice is another blob, not a keystroke,
    so the re-analysis of changed statements only costs (a fifth of the walk on Flask's
    history); the facts are the same either way."""

    def again(self, path: str) -> bool:
        return False


class _Inbox:
    """Requests as they arrive, the urgent ones (anything but facts) first."""

    def __init__(self, conn: Connection) -> None:
        self.ready = threading.Condition()
        self.urgent: deque[tuple[str, Any]] = deque()
        self.later: deque[tuple[str, Any]] = deque()
        threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn: Connection) -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                message = ("stop", None)
            with self.ready:
                (self.later if message[0] == "facts" else self.urgent).append(message)
                self.ready.notify()
            if message[0] == "stop":
                return

    def next(self) -> tuple[str, Any]:
        with self.ready:
            while not self.urgent and not self.later:
                self.ready.wait()
            return (self.urgent or self.later).popleft()


def _serve(conn: Connection, engine_blob: bytes) -> None:
    gc.disable()  # facts and records hold no reference cycles: the collector only costs
    python_incremental.MEMOS = _Unedited()
    engine: Engine = pickle.loads(engine_blob)
    maker, tag = engine, ""
    ctx = Context()
    kept: dict[int, Any] = {}
    inbox = _Inbox(conn)
    try:
        while True:
            kind, body = inbox.next()
            if kind == "facts":
                summaries = []
                for key, path, content in body:
                    try:
                        # the whole roadmap's plan: `maker` may be a narrowed engine
                        facts = content_facts(path, content, engine.walk_plan)
                    except Exception:  # the parent analyses it again and reports it
                        summaries.append((key, None, False))
                        continue
                    kept[key] = facts
                    summaries.append((key, signature(facts), True))
                conn.send(("summaries", summaries))
            elif kind == "context":
                paths, names, bases, resources = pickle.loads(body)
                ctx = Context(paths, Symbols(names, bases, resources))
            elif kind == "records":
                made = []
                for key in body:
                    try:
                        made.append((key, tag, encode_record(maker.record(kept.pop(key), ctx))))
                    except Exception:  # the parent makes it again and reports it
                        made.append((key, tag, b""))
                conn.send(("records", made))
            elif kind == "narrow":
                found = narrowed(engine, body, tag)
                if found is not None:
                    maker, tag = found
            else:
                return
    except (EOFError, OSError):
        return  # the parent is gone


def context_message(ctx: Context) -> bytes:
    """A context as the workers take it: its paths and names, none of its memos."""
    symbols = ctx.symbols
    return pickle.dumps((ctx.paths, symbols.names, symbols.bases, symbols.resources), protocol=5)


class BlobPool:
    """The worker processes of one walk."""

    def __init__(self, engine: Engine, workers: int) -> None:
        try:
            context = multiprocessing.get_context("forkserver")
        except ValueError as exc:  # no forkserver here: the caller stays in process
            raise RuntimeError("no forkserver start method") from exc
        context.set_forkserver_preload([__name__])
        blob = pickle.dumps(engine, protocol=5)
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        try:
            for _ in range(workers):
                mine, theirs = context.Pipe()
                proc = context.Process(target=_serve, args=(theirs, blob), daemon=True)
                proc.start()
                theirs.close()
                self.conns.append(mine)
                self.procs.append(proc)
        except BaseException:
            self.close()
            raise

    def send(self, worker: int, kind: str, body: Any) -> None:
        self.conns[worker].send((kind, body))

    def receive(self, block: bool) -> list[tuple[int, tuple[str, Any]]]:
        """The answers that have come (waiting for one when `block`); raises `EOFError`
        when a worker is gone."""
        ready = wait(self.conns, None if block else 0)
        return [(self.conns.index(conn), conn.recv()) for conn in ready]  # type: ignore[arg-type,union-attr]

    def close(self) -> None:
        conns, self.conns = self.conns, []
        procs, self.procs = self.procs, []
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.send(("stop", None))
            conn.close()
        for proc in procs:
            proc.join(timeout=1)
            if proc.is_alive():  # still in a big blob: nothing it holds is needed
                proc.kill()
                proc.join()
