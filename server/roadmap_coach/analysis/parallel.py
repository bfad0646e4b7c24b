"""Cold scans of big trees on every core: files are read, parsed and walked in worker
processes, which send back facts in codec form (a few bytes per record, no pickling
of records), so the parent only files them.

Workers come from a `forkserver`: forking the caller directly would copy a language
server's threads and locks mid-use. The pool lives for one scan.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from roadmap_coach.analysis.facts_codec import encode
from roadmap_coach.analysis.files import analyze_bytes, content_digest

if TYPE_CHECKING:
    from concurrent.futures import Future

# Below these a pool costs more to start (~0.1 s per worker) than it saves. Bytes are
# what costs; a few files are enough to share (a warm scan re-parses only the files
# whose facts are never cached, which can be few but large).
MIN_FILES = 16
MIN_BYTES = 3 * 1024 * 1024
_CHUNK_BYTES = 256 * 1024  # per task: large enough to amortise the round trip

# (blob, digest, error) for analysed content, or why the file was left out. An empty
# blob says "the content is the one the cache knows": the parent takes its facts there.
Outcome = tuple[bytes, str, str | None] | str
Job = tuple[int, str, str, str]  # (index, workspace path, real path, digest the cache knows)


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worth_a_pool(files: int, total_bytes: int) -> int:
    """How many workers to use for this much work (0: stay serial)."""
    import multiprocessing  # here: a server that never starts a pool skips its import

    cores = usable_cores()
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return 0
    if cores < 2 or files < MIN_FILES or total_bytes < MIN_BYTES:
        return 0
    return cores


def analyse_one(path: str, real: str, max_bytes: int, known_digest: str = "") -> Outcome:
    from roadmap_coach.analysis.workspace import _read  # the same safe read as the serial path

    data = _read(real, max_bytes)
    if isinstance(data, str):
        return data
    if known_digest:
        # The byte pre-filter: a file whose stat changed (a checkout, a save without
        # edits) but whose bytes hash to what the cache has is not parsed again.
        digest = content_digest(data)
        if digest == known_digest:
            return b"", digest, None
    try:
        facts = analyze_bytes(path, data)
    except Exception as exc:  # as in the serial path: one file's bug costs that file only
        return f"could not analyse ({type(exc).__name__})"
    return encode(facts), facts.digest or content_digest(data), facts.error


def _work(jobs: Sequence[Job], max_bytes: int) -> list[tuple[int, Outcome]]:
    return [(index, analyse_one(path, real, max_bytes, known)) for index, path, real, known in jobs]


def _start_worker() -> None:
    # Syntax trees hold no reference cycles, so the cyclic collector only costs time here.
    gc.disable()


def _chunks(jobs: Sequence[Job], sizes: Sequence[int]) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    weight = 0
    for job, size in zip(jobs, sizes, strict=True):
        chunk.append(job)
        weight += size
        if weight >= _CHUNK_BYTES:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


def analyse_parallel(
    jobs: Sequence[Job],
    sizes: Sequence[int],
    max_bytes: int,
    workers: int,
    done: Callable[[int], None] | None = None,
) -> dict[int, Outcome]:
    """Outcomes by job index; `done(n)` after each finished chunk of n files."""
    import multiprocessing

    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError as exc:  # no forkserver on this platform: the caller stays serial
        raise RuntimeError("no forkserver start method") from exc
    context.set_forkserver_preload(["roadmap_coach.analysis.parallel"])
    results: dict[int, Outcome] = {}
    # imported here: `MIN_BYTES` and `usable_cores` are asked by scans that start no pool
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker) as pool:
        pending: set[Future[list[tuple[int, Outcome]]]] = {
            pool.submit(_work, chunk, max_bytes) for chunk in _chunks(jobs, sizes)
        }
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                batch = future.result()
                results.update(batch)
                if done is not None:
                    done(len(batch))
    return results
